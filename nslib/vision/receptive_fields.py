"""Receptive fields of primary visual cortex (V1): Gabors, gratings, simple and complex cells.

Hubel & Wiesel (1962) found two kinds of orientation-selective cells in cat V1.
*Simple cells* behave like a linear filter followed by a threshold: their
receptive field has separate ON and OFF stripes, well described by a Gabor
function (a sinusoid under a Gaussian window; Jones & Palmer 1987), so the
response to a grating depends on where its bright bars fall (its *phase*).
*Complex cells* respond to the right orientation wherever the bars fall; the
*energy model* (Adelson & Bergen 1985) explains this by summing the squared
outputs of two simple cells whose receptive fields are 90 degrees apart in phase
(a *quadrature pair*): since cos² + sin² = 1 the phase drops out.

Conventions used throughout :mod:`nslib.vision`
-----------------------------------------------
* Images are square arrays indexed ``[row, column]``; the centre pixel is the
  origin, ``x`` grows to the right and ``y`` grows *upwards* (so angles turn
  anticlockwise on screen, as in a maths textbook).
* ``theta`` is an **orientation in radians**: the direction of the carrier's
  wave vector, i.e. the direction across which luminance varies. ``theta = 0``
  gives vertical stripes (luminance varies along ``x``); ``theta = pi/2``
  horizontal stripes. Orientations are periodic with period ``pi``. The same
  convention is used for filters and for gratings, so a cell with ``theta``
  prefers the grating with the same ``theta``.
* Lengths (``wavelength``, ``sigma``, ``size``) are in **pixels**; ``phase`` is in
  radians.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_finite_array, check_int, check_number, check_positive

__all__ = [
    "OrientationTuning",
    "complex_cell_response",
    "FilterTuning",
    "drifting_grating",
    "filter_orientation_tuning",
    "gabor",
    "grating",
    "orientation_difference",
    "orientation_selectivity_index",
    "orientation_tuning",
    "simple_cell_response",
    "tuning_half_width",
]

#: Default carrier wavelength of filters and gratings, in pixels.
DEFAULT_WAVELENGTH = 6.0
#: Default aspect ratio (envelope width across / along the stripes). V1 receptive
#: fields are elongated along their stripes, which sharpens orientation tuning;
#: 0.7 gives a half-width at half-height of about 15 degrees, within the range
#: measured in macaque V1 (Ringach, Shapley & Hawken 2002).
DEFAULT_ASPECT_RATIO = 0.7


def _coordinates(size: int, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotated coordinates (x', y') in pixels; x' runs along the wave vector."""
    c = (size - 1) / 2.0
    idx = np.arange(size, dtype=float) - c
    x = idx[np.newaxis, :]
    y = -idx[:, np.newaxis]  # rows grow downwards, y grows upwards
    x_rot = x * np.cos(theta) + y * np.sin(theta)
    y_rot = -x * np.sin(theta) + y * np.cos(theta)
    return x_rot, y_rot


def _check_size(size) -> int:
    return check_int("size", size, low=3)


def _check_common(theta, wavelength) -> tuple[float, float]:
    return check_number("theta", theta), check_positive("wavelength", wavelength)


def _complex_gabor(size: int, theta: float, wavelength: float, sigma: float | None,
                   aspect_ratio: float) -> np.ndarray:
    """Zero-mean complex Gabor whose real and imaginary parts form a quadrature pair.

    Both parts are scaled by the *same* factor (the RMS norm of the pair), so the
    pair has equal gain and the energy model is exactly phase invariant up to
    the tiny spectral overlap of the Gabor with negative frequencies.
    """
    sigma = 0.5 * wavelength if sigma is None else sigma
    x_rot, y_rot = _coordinates(size, theta)
    envelope = np.exp(-(x_rot**2 + (aspect_ratio * y_rot) ** 2) / (2.0 * sigma**2))
    g = envelope * np.exp(1j * 2.0 * np.pi * x_rot / wavelength)
    # A receptive field with a net DC weight would report mean luminance, not
    # contrast; V1 cells barely respond to uniform illumination.
    g = g - g.mean()
    norm = np.sqrt(np.sum(np.abs(g) ** 2) / 2.0)
    return g / norm


def _validate_rf(size, theta, wavelength, sigma, aspect_ratio):
    size = _check_size(size)
    theta, wavelength = _check_common(theta, wavelength)
    if sigma is not None:
        sigma = check_positive("sigma", sigma)
    aspect_ratio = check_positive("aspect_ratio", aspect_ratio)
    return size, theta, wavelength, sigma, aspect_ratio


def gabor(size: int, theta: float, wavelength: float = DEFAULT_WAVELENGTH, phase: float = 0.0,
          sigma: float | None = None, aspect_ratio: float = DEFAULT_ASPECT_RATIO) -> np.ndarray:
    """A Gabor filter: the receptive-field model of a V1 simple cell.

    ``g(x, y) = exp(-(x'² + γ² y'²) / (2σ²)) · cos(2π x'/λ + φ)`` with
    ``x' = x cos θ + y sin θ`` and ``y' = -x sin θ + y cos θ``, then shifted to
    zero mean and scaled so that a quadrature pair has unit RMS norm.

    Parameters
    ----------
    size : int
        Side of the square filter in pixels, at least 3.
    theta : float
        Orientation in **radians** of the wave vector (``0`` = vertical stripes).
    wavelength : float, optional
        Carrier wavelength λ in pixels, > 0.
    phase : float, optional
        Carrier phase φ in radians (``0`` = even, ON-centre; ``-pi/2`` = odd).
    sigma : float, optional
        Standard deviation of the Gaussian envelope across the stripes, in
        pixels, > 0. Defaults to ``wavelength / 2`` (about a one-octave bandwidth).
    aspect_ratio : float, optional
        γ > 0: the envelope is ``1/γ`` times longer along the stripes than across.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(size, size)`` with zero mean.

    Examples
    --------
    >>> g = gabor(15, theta=0.0, wavelength=6.0)
    >>> g.shape
    (15, 15)
    >>> bool(abs(g.mean()) < 1e-12)
    True
    """
    size, theta, wavelength, sigma, aspect_ratio = _validate_rf(size, theta, wavelength, sigma,
                                                                aspect_ratio)
    phase = check_number("phase", phase)
    g = _complex_gabor(size, theta, wavelength, sigma, aspect_ratio)
    return np.real(g * np.exp(1j * phase))


def grating(size: int, theta: float, wavelength: float = DEFAULT_WAVELENGTH, phase: float = 0.0,
            contrast: float = 1.0) -> np.ndarray:
    """A sinusoidal luminance grating, the standard stimulus of V1 physiology.

    ``I(x, y) = c · cos(2π x'/λ + φ)``: luminance relative to the mean, so values
    lie in ``[-c, c]`` and ``c`` is the Michelson contrast.

    Parameters
    ----------
    size : int
        Side of the square image in pixels, at least 3.
    theta : float
        Orientation in **radians** of the wave vector (``0`` = vertical stripes).
    wavelength : float, optional
        Spatial period in pixels, > 0.
    phase : float, optional
        Spatial phase in radians. A *drifting* grating is a sequence of phases
        (see :func:`drifting_grating`).
    contrast : float, optional
        Michelson contrast in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(size, size)``.

    Examples
    --------
    >>> img = grating(9, theta=0.0, wavelength=4.0, contrast=0.5)
    >>> float(img.max()) <= 0.5
    True
    """
    size = _check_size(size)
    theta, wavelength = _check_common(theta, wavelength)
    phase = check_number("phase", phase)
    contrast = check_number("contrast", contrast, low=0.0, high=1.0)
    x_rot, _ = _coordinates(size, theta)
    return contrast * np.cos(2.0 * np.pi * x_rot / wavelength + phase)


def drifting_grating(size: int, theta: float, wavelength: float = DEFAULT_WAVELENGTH,
                     n_phases: int = 8, contrast: float = 1.0) -> np.ndarray:
    """Frames of a grating drifting through one cycle: ``n_phases`` equally spaced phases.

    Parameters
    ----------
    size, theta, wavelength, contrast
        As in :func:`grating` (``theta`` in radians, lengths in pixels).
    n_phases : int, optional
        Number of frames per cycle, at least 1; frame ``k`` has phase ``2πk/n_phases``.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n_phases, size, size)``.

    Examples
    --------
    >>> drifting_grating(9, theta=0.0, n_phases=4).shape
    (4, 9, 9)
    """
    n_phases = check_int("n_phases", n_phases, low=1)
    phases = 2.0 * np.pi * np.arange(n_phases) / n_phases
    return np.stack([grating(size, theta, wavelength, p, contrast) for p in phases])


def _check_image(image) -> np.ndarray:
    img = check_finite_array("image", image)
    if img.ndim not in (2, 3) or min(img.shape[-2:]) < 3:
        raise ValueError("image must be a 2-D array (height, width) or a 3-D stack "
                         f"(n, height, width) with height, width >= 3; got shape {img.shape}")
    return img


def _filter_outputs(image, theta, wavelength, phase, sigma, aspect_ratio, rf_size, pooling):
    """Linear responses of the quadrature pair: complex array (n_images, n_positions)."""
    img = _check_image(image)
    stack = img if img.ndim == 3 else img[np.newaxis]
    h, w = stack.shape[-2:]
    rf_size = min(h, w) if rf_size is None else check_int("rf_size", rf_size, low=3, high=min(h, w))
    check_choice("pooling", pooling, ("centre", "max"))
    _, theta, wavelength, sigma, aspect_ratio = _validate_rf(rf_size, theta, wavelength, sigma,
                                                             aspect_ratio)
    phase = check_number("phase", phase)
    g = _complex_gabor(rf_size, theta, wavelength, sigma, aspect_ratio) * np.exp(1j * phase)
    if pooling == "centre":
        r0, c0 = (h - rf_size) // 2, (w - rf_size) // 2
        patch = stack[:, r0:r0 + rf_size, c0:c0 + rf_size]
        return np.tensordot(patch, g, axes=([1, 2], [0, 1]))[:, np.newaxis]
    windows = np.lib.stride_tricks.sliding_window_view(stack, (rf_size, rf_size), axis=(1, 2))
    return np.einsum("nijkl,kl->nij", windows, g).reshape(len(stack), -1)


def _shape_output(values: np.ndarray, image_ndim: int) -> float | np.ndarray:
    return float(values[0]) if image_ndim == 2 else values


def simple_cell_response(image, theta: float = 0.0, wavelength: float = DEFAULT_WAVELENGTH,
                         phase: float = 0.0, sigma: float | None = None,
                         aspect_ratio: float = DEFAULT_ASPECT_RATIO, threshold: float = 0.0,
                         rf_size: int | None = None, pooling: str = "centre") -> float | np.ndarray:
    """Response of a model simple cell: Gabor filter, then half-wave rectification.

    ``r = max(0, <g, I> - threshold)`` where ``g`` is :func:`gabor` with the given
    parameters and ``I`` the image patch under the receptive field.

    Parameters
    ----------
    image : array_like
        Image of shape ``(height, width)`` or a stack ``(n, height, width)``.
        Pixel values are luminance relative to the mean (like :func:`grating`).
    theta, wavelength, phase, sigma, aspect_ratio
        Receptive field, as in :func:`gabor` (radians, pixels).
    threshold : float, optional
        Firing threshold subtracted before rectification, >= 0 (arbitrary units
        of filter output).
    rf_size : int, optional
        Receptive-field side in pixels, ``3 <= rf_size <= min(height, width)``;
        defaults to the whole (smaller side of the) image.
    pooling : {"centre", "max"}, optional
        ``"centre"``: one cell looking at the image centre. ``"max"``: the
        largest response of identical cells tiling every position.

    Returns
    -------
    float or numpy.ndarray
        A float for a single image, an array of shape ``(n,)`` for a stack.
        Always >= 0.

    Examples
    --------
    >>> on = simple_cell_response(grating(21, 0.0, phase=0.0), theta=0.0)
    >>> off = simple_cell_response(grating(21, 0.0, phase=np.pi), theta=0.0)
    >>> on > 1.0, off
    (True, 0.0)
    """
    threshold = check_positive("threshold", threshold, allow_zero=True)
    z = _filter_outputs(image, theta, wavelength, phase, sigma, aspect_ratio, rf_size, pooling)
    r = np.maximum(np.real(z) - threshold, 0.0).max(axis=1)
    return _shape_output(r, np.ndim(image))


def complex_cell_response(image, theta: float = 0.0, wavelength: float = DEFAULT_WAVELENGTH,
                          sigma: float | None = None, aspect_ratio: float = DEFAULT_ASPECT_RATIO,
                          rf_size: int | None = None,
                          pooling: str = "centre") -> float | np.ndarray:
    """Response of a model complex cell (energy model of Adelson & Bergen 1985).

    ``r = sqrt(<g_even, I>² + <g_odd, I>²)``: the length of the output of a
    quadrature pair of Gabor filters (phases 0 and -π/2), which is independent
    of where the bars of a grating fall.

    Parameters
    ----------
    image : array_like
        Image ``(height, width)`` or stack ``(n, height, width)``.
    theta, wavelength, sigma, aspect_ratio
        Receptive field, as in :func:`gabor` (radians, pixels).
    rf_size, pooling
        As in :func:`simple_cell_response`; ``pooling="max"`` adds position
        invariance (max over positions) on top of phase invariance.

    Returns
    -------
    float or numpy.ndarray
        A float for a single image, an array of shape ``(n,)`` for a stack.

    Examples
    --------
    >>> frames = drifting_grating(21, theta=0.0, n_phases=8)
    >>> r = complex_cell_response(frames, theta=0.0)
    >>> bool(r.max() / r.min() < 1.01)
    True
    """
    z = _filter_outputs(image, theta, wavelength, 0.0, sigma, aspect_ratio, rf_size, pooling)
    r = np.abs(z).max(axis=1)
    return _shape_output(r, np.ndim(image))


@dataclass(frozen=True, eq=False)
class OrientationTuning:
    """Orientation tuning curve of a model V1 cell measured with drifting gratings.

    Attributes
    ----------
    cell : str
        ``"simple"`` or ``"complex"``.
    orientations : numpy.ndarray
        Stimulus orientations in radians, shape ``(n_orientations,)``.
    phases : numpy.ndarray
        Grating phases (the frames of the drift) in radians, shape ``(n_phases,)``.
    responses_by_phase : numpy.ndarray
        Response to each orientation and phase, shape ``(n_orientations, n_phases)``.
    responses : numpy.ndarray
        Mean over phases (the response to the drifting grating), ``(n_orientations,)``.
    cell_orientation : float
        Orientation of the cell's receptive field in radians.
    preferred_orientation : float
        Stimulus orientation (radians) with the largest mean response.
    osi : float
        Orientation selectivity index of ``responses``, see
        :func:`orientation_selectivity_index`.
    contrast : float
        Michelson contrast of the gratings, in ``[0, 1]``.
    wavelength : float
        Wavelength of the gratings (and of the receptive field) in pixels.
    size : int
        Side of the stimulus and receptive field in pixels.
    """

    cell: str
    orientations: np.ndarray
    phases: np.ndarray
    responses_by_phase: np.ndarray
    responses: np.ndarray
    cell_orientation: float
    preferred_orientation: float
    osi: float
    contrast: float = 1.0
    wavelength: float = DEFAULT_WAVELENGTH
    size: int = 31


def orientation_tuning(cell: str = "simple", orientations=None, phases=None, contrast: float = 1.0,
                       cell_orientation: float = 0.0, wavelength: float = DEFAULT_WAVELENGTH,
                       sigma: float | None = None, aspect_ratio: float = DEFAULT_ASPECT_RATIO,
                       size: int = 31, threshold: float = 0.0) -> OrientationTuning:
    """Measure a model cell's orientation tuning curve with drifting gratings.

    For every stimulus orientation the cell sees a grating at each phase in
    ``phases`` (one cycle of drift); the tuning curve is the mean response over
    phases. Gratings have the cell's preferred wavelength.

    Parameters
    ----------
    cell : {"simple", "complex"}, optional
        Which cell model (:func:`simple_cell_response` or :func:`complex_cell_response`).
    orientations : array_like, optional
        Stimulus orientations in radians (1-D, non-empty). Default: 24 equally
        spaced in ``[0, π)`` (7.5 degree steps).
    phases : array_like, optional
        Grating phases in radians (1-D, non-empty). Default: 16 equally spaced in ``[0, 2π)``.
    contrast : float, optional
        Grating contrast in ``[0, 1]``.
    cell_orientation : float, optional
        The cell's receptive-field orientation ``theta`` in radians.
    wavelength, sigma, aspect_ratio
        Receptive field, as in :func:`gabor` (pixels).
    size : int, optional
        Side of the stimulus and receptive field in pixels, >= 3.
    threshold : float, optional
        Simple-cell threshold (ignored for complex cells), >= 0.

    Returns
    -------
    OrientationTuning

    Examples
    --------
    >>> t = orientation_tuning("complex", cell_orientation=np.pi / 4)
    >>> round(np.degrees(t.preferred_orientation))
    45
    """
    check_choice("cell", cell, ("simple", "complex"))
    if orientations is None:
        orientations = np.arange(24) * np.pi / 24
    if phases is None:
        phases = 2.0 * np.pi * np.arange(16) / 16
    orientations = check_finite_array("orientations", orientations, ndim=1)
    phases = check_finite_array("phases", phases, ndim=1)
    contrast = check_number("contrast", contrast, low=0.0, high=1.0)
    size = _check_size(size)
    check_number("cell_orientation", cell_orientation)
    stimuli = np.stack([[grating(size, o, wavelength, p, contrast) for p in phases]
                        for o in orientations]).reshape(-1, size, size)
    if cell == "simple":
        r = simple_cell_response(stimuli, cell_orientation, wavelength, 0.0, sigma, aspect_ratio,
                                 threshold=threshold)
    else:
        r = complex_cell_response(stimuli, cell_orientation, wavelength, sigma, aspect_ratio)
    by_phase = np.asarray(r).reshape(len(orientations), len(phases))
    mean = by_phase.mean(axis=1)
    return OrientationTuning(
        cell=cell, orientations=orientations, phases=phases, responses_by_phase=by_phase,
        responses=mean, cell_orientation=float(cell_orientation),
        preferred_orientation=float(orientations[int(np.argmax(mean))]),
        osi=orientation_selectivity_index(mean, orientations) if mean.sum() > 0 else 0.0,
        contrast=float(contrast), wavelength=float(wavelength), size=size)


def orientation_selectivity_index(tuning_curve, orientations=None) -> float:
    """Orientation selectivity index (OSI) = 1 − circular variance.

    ``OSI = |Σ_k r_k exp(2i θ_k)| / Σ_k r_k`` (Ringach, Shapley & Hawken 2002).
    Orientation has period π, hence the factor 2. The OSI is 0 for a flat tuning
    curve and 1 for a cell that responds to a single orientation only. Unlike
    ``(R_pref − R_orth)/(R_pref + R_orth)`` it uses the whole curve, so it is
    robust to noise and to the choice of grid.

    Parameters
    ----------
    tuning_curve : array_like
        Responses (rates, spike counts, ...) >= 0, 1-D, non-empty, not all zero.
    orientations : array_like, optional
        Stimulus orientations in radians, same length as ``tuning_curve``.
        Default: equally spaced in ``[0, π)``.

    Returns
    -------
    float
        OSI in ``[0, 1]``.

    Examples
    --------
    >>> orientation_selectivity_index([1.0, 1.0, 1.0, 1.0])
    0.0
    >>> orientation_selectivity_index([1.0, 0.0, 0.0, 0.0])
    1.0
    """
    r = check_finite_array("tuning_curve", tuning_curve, ndim=1)
    if np.any(r < 0):
        raise ValueError("tuning_curve must contain only non-negative responses (>= 0)")
    if r.sum() <= 0:
        raise ValueError("tuning_curve must have a positive sum (not all zero)")
    if orientations is None:
        theta = np.arange(r.size) * np.pi / r.size
    else:
        theta = check_finite_array("orientations", orientations, ndim=1)
        if theta.size != r.size:
            raise ValueError(f"orientations must have the same length as tuning_curve ({r.size}); "
                             f"got {theta.size}")
    osi = np.abs(np.sum(r * np.exp(2j * theta))) / r.sum()
    # Round-off can push a flat curve to 1e-17 or a delta to 1 + 1e-16.
    return float(np.clip(np.round(osi, 12), 0.0, 1.0))


def tuning_half_width(tuning_curve, orientations=None) -> float:
    """Half-width at half-height of an orientation tuning curve, in radians.

    The height is measured from the curve's minimum (a baseline is not part
    of the tuning): starting at the peak, the curve is followed to each side
    (periodically, with period π) until it falls to ``min + (max - min)/2``;
    the crossing is interpolated linearly between samples and the two sides
    are averaged. A curve that never falls that far on one side within π/2 of
    the peak counts π/2 for that side.

    Parameters
    ----------
    tuning_curve : array_like
        Responses at ``orientations`` (1-D, at least 3 values, not all equal).
    orientations : array_like, optional
        Stimulus orientations in radians, equally spaced over one period π
        (same length). Default: ``k π / n``.

    Returns
    -------
    float
        Half-width in radians, in ``(0, π/2]``.

    Examples
    --------
    >>> theta = np.arange(36) * np.pi / 36
    >>> curve = np.exp(np.cos(2 * theta) / 0.2)
    >>> round(float(np.degrees(tuning_half_width(curve, theta))), 1)  # exact: 15.3
    15.3
    """
    r = check_finite_array("tuning_curve", tuning_curve, ndim=1, min_size=3)
    if np.ptp(r) == 0:
        raise ValueError("tuning_curve must not be flat (it has no width)")
    n = r.size
    if orientations is None:
        theta = np.arange(n) * np.pi / n
    else:
        theta = check_finite_array("orientations", orientations, ndim=1)
        if theta.size != n:
            raise ValueError(f"orientations must have the same length as tuning_curve ({n}); "
                             f"got {theta.size}")
    order = np.argsort(np.mod(theta, np.pi))
    r, theta = r[order], np.mod(theta, np.pi)[order]
    step = np.pi / n
    if not np.allclose(np.diff(theta), step, atol=1e-6 * np.pi) or theta[0] > step * (1 + 1e-6):
        raise ValueError("orientations must be equally spaced over one period (π), "
                         f"n = {n} values {step:.4g} rad apart")
    half = r.min() + 0.5 * (r.max() - r.min())
    peak = int(np.argmax(r))
    sides = []
    for direction in (1, -1):
        width = np.pi / 2
        for k in range(1, n // 2 + 1):
            now, before = r[(peak + direction * k) % n], r[(peak + direction * (k - 1)) % n]
            if now <= half:
                width = step * (k - 1 + (before - half) / (before - now))
                break
        sides.append(min(width, np.pi / 2))
    return float(np.mean(sides))


def orientation_difference(a, b) -> np.ndarray | float:
    """Smallest angle between orientations ``a`` and ``b``, in radians, in ``[0, π/2]``.

    Orientations have period π (a grating at θ and at θ + π is the same
    grating), so 170° and 10° are 20° apart, not 160°. Arguments broadcast
    against each other like numpy arrays.

    Parameters
    ----------
    a, b : float or array_like
        Orientations in radians (finite).

    Returns
    -------
    float or numpy.ndarray
        A float when both arguments are scalars.

    Examples
    --------
    >>> round(float(np.degrees(orientation_difference(np.radians(170), np.radians(10)))), 6)
    20.0
    >>> orientation_difference([0.0, np.pi / 2], np.pi).round(6).tolist()
    [0.0, 1.570796]
    """
    a_arr = check_finite_array("a", a)
    b_arr = check_finite_array("b", b)
    try:
        gap = np.abs(np.angle(np.exp(2j * (a_arr - b_arr)))) / 2
    except ValueError:
        raise ValueError(f"a must broadcast against b; got shapes {a_arr.shape} and "
                         f"{b_arr.shape}") from None
    return float(gap) if gap.ndim == 0 else gap


@dataclass(frozen=True, eq=False)
class FilterTuning:
    """Orientation tuning of any filters (learned, random, ...), measured with drifting gratings.

    Attributes
    ----------
    orientations : numpy.ndarray
        Stimulus orientations in radians, shape ``(n_orientations,)``.
    wavelengths : numpy.ndarray
        Grating wavelengths tried, in pixels, shape ``(n_wavelengths,)``.
    responses : numpy.ndarray
        Each filter's tuning curve at its best wavelength, shape
        ``(n_filters, n_orientations)``: the root-mean-square of its linear
        output over one drift cycle (units of filter output).
    best_wavelengths : numpy.ndarray
        The wavelength (pixels) at which each filter responds most, ``(n_filters,)``.
    preferred_orientations : numpy.ndarray
        Orientation (radians) of each filter's largest response, ``(n_filters,)``.
    osi : numpy.ndarray
        Orientation selectivity index of each tuning curve, ``(n_filters,)``; see
        :func:`orientation_selectivity_index`.
    """

    orientations: np.ndarray
    wavelengths: np.ndarray
    responses: np.ndarray
    best_wavelengths: np.ndarray
    preferred_orientations: np.ndarray
    osi: np.ndarray


def filter_orientation_tuning(filters, orientations=None, wavelengths=None,
                              n_phases: int = 8) -> FilterTuning:
    """Orientation tuning of any filters, measured like a V1 cell's: with drifting gratings.

    Each filter ``f`` sees gratings (full contrast) at every orientation and
    wavelength, drifting through ``n_phases`` phases. Its response to one
    drifting grating is the root-mean-square of its linear output over the
    cycle, ``sqrt(mean_φ <f, I_φ>²)``, which does not depend on where the bars
    start (it is what a complex cell built from ``f`` and its quadrature partner
    would report). The tuning curve is taken at the filter's best wavelength, so
    filters are compared at the spatial frequency each one prefers.

    Parameters
    ----------
    filters : array_like
        A square filter ``(size, size)`` or a stack ``(n_filters, size, size)``, size >= 3.
    orientations : array_like, optional
        Stimulus orientations in radians (1-D, non-empty). Default: 24 equally
        spaced in ``[0, π)`` (7.5 degree steps).
    wavelengths : array_like, optional
        Grating wavelengths in pixels (1-D, non-empty, all >= 2, the shortest a
        pixel grid can show). Default: 8 log-spaced from 2.5 pixels to ``size``.
    n_phases : int, optional
        Phases per drift cycle, >= 3 (fewer cannot measure the amplitude of a sinusoid).

    Returns
    -------
    FilterTuning
        With one row per filter (a single filter gives one row).

    Examples
    --------
    >>> bank = np.stack([gabor(12, 0.0, 4.0), np.random.default_rng(0).standard_normal((12, 12))])
    >>> tuning = filter_orientation_tuning(bank)
    >>> bool(tuning.osi[0] > 0.5 > tuning.osi[1])
    True
    >>> round(float(np.degrees(tuning.preferred_orientations[0])))
    0
    """
    f = check_finite_array("filters", filters)
    if f.ndim == 2:
        f = f[np.newaxis]
    if f.ndim != 3 or f.shape[1] != f.shape[2] or f.shape[1] < 3:
        raise ValueError("filters must be a square filter (size, size) or a stack "
                         f"(n_filters, size, size) with size >= 3; got shape {f.shape}")
    if np.any(np.all(f.reshape(len(f), -1) == 0, axis=1)):
        raise ValueError("filters must not contain an all-zero filter (it has no tuning)")
    size = f.shape[1]
    if orientations is None:
        orientations = np.arange(24) * np.pi / 24
    if wavelengths is None:
        wavelengths = np.geomspace(2.5, size, 8)
    oris = check_finite_array("orientations", orientations, ndim=1)
    lams = check_finite_array("wavelengths", wavelengths, ndim=1)
    if np.any(lams < 2.0):
        raise ValueError(f"wavelengths must all be >= 2 pixels (the Nyquist limit); "
                         f"got min {lams.min():g}")
    n_phases = check_int("n_phases", n_phases, low=3)
    # frames[w, o, p] is the grating at wavelength w, orientation o, phase p.
    frames = np.stack([[drifting_grating(size, o, lam, n_phases) for o in oris] for lam in lams])
    linear = np.einsum("wopij,nij->nwop", frames, f)
    rms = np.sqrt(np.mean(linear**2, axis=-1))                   # (n, n_wl, n_ori)
    best = np.argmax(rms.max(axis=2), axis=1)
    responses = rms[np.arange(len(f)), best]                      # (n, n_ori)
    return FilterTuning(
        orientations=oris, wavelengths=lams, responses=responses,
        best_wavelengths=lams[best],
        preferred_orientations=oris[np.argmax(responses, axis=1)],
        osi=np.array([orientation_selectivity_index(r, oris) for r in responses]))
