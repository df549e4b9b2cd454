"""Predictive coding in visual cortex: Rao & Ballard's (1999) two-level model of natural images.

Each level tries to predict the activity of the level below, and sends up
only what it failed to predict. Level 1 has three identical modules, each
looking at one of three horizontally overlapping image patches; each module
holds causes ``r`` (one per unit) that predict its patch through the basis
``U`` (``I ≈ U r``). Level 2 holds causes ``r_h`` that predict the three
modules' causes together through ``U_h`` (``r ≈ r_td = U_h r_h``). For one
image the causes settle by gradient descent on the prediction errors,

``E = ||I - U r||²/σ² + ||r - r_td||²/σ_td² + α Σ g(r) + α_h Σ g(r_h)``

with the sparse (Cauchy) penalty ``g(r) = log(1 + r²)``:

``dr   = η (Uᵀ(I - U r)/σ² - (r - r_td)/σ_td² - α g'(r))``
``dr_h = η (U_hᵀ(r - r_td)/σ_td² - α_h g'(r_h))``.

The error units ``r - r_td`` carry what level 2 did not predict. After
inference, the weights learn from the same errors, Hebbian-like
(``ΔU ∝ (I - U r) rᵀ``, ``ΔU_h ∝ (r - r_td) r_hᵀ``); the columns of ``U`` and
``U_h`` are kept at unit length (a simplification of the paper's weight
decay). As in the paper, images are first filtered with a difference of
Gaussians, like the centre-surround receptive fields of the retina and LGN.

Trained on natural images (chapter 1's photographs), the columns of ``U``
become localised, oriented filters; because edges in natural images tend to
continue, level 2 learns to predict a patch from its neighbours, and level-1
error units respond less to a bar that extends beyond their patch:
*end-stopping* (:func:`end_stopping`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = [
    "EndStopping",
    "PatchWindows",
    "RBInference",
    "RaoBallardResult",
    "bar_windows",
    "dog_filter",
    "end_stopping",
    "natural_windows",
    "rao_ballard",
    "rao_ballard_inference",
    "split_window",
]


def dog_filter(image, sigma_center: float = 1.0, sigma_surround: float = 2.0) -> np.ndarray:
    """Filter images with chapter 1's centre-surround receptive field (a difference of Gaussians).

    Each image is correlated with :func:`nslib.vision.center_surround` (a
    balanced ON-centre field, ``4 sigma_surround`` pixels in radius), mirrored
    at its borders: the linear response of a sheet of retinal/LGN cells, one
    per pixel, as :func:`nslib.vision.lgn_response` computes for one image.

    Parameters
    ----------
    image : array_like, shape (h, w) or (n, h, w)
    sigma_center, sigma_surround : float
        Standard deviations of the two Gaussians, in pixels (``0 < centre < surround``).

    Returns
    -------
    numpy.ndarray
        Same shape as ``image``; uniform regions give 0.

    Examples
    --------
    >>> bool(np.allclose(dog_filter(np.ones((9, 9))), 0.0))
    True
    """
    from scipy.ndimage import correlate

    from ..vision import center_surround

    img = check_finite_array("image", image)
    if img.ndim not in (2, 3) or min(img.shape[-2:]) < 3:
        raise ValueError(f"image must have shape (h, w) or (n, h, w) with h, w >= 3; got {img.shape}")
    c = check_number("sigma_center", sigma_center, low=0.0, low_inclusive=False)
    s = check_number("sigma_surround", sigma_surround, low=0.0, low_inclusive=False)
    if s <= c:
        raise ValueError(f"sigma_surround must be larger than sigma_center ({c}); got {s}")
    half = int(np.ceil(4 * s))
    kernel = center_surround(2 * half + 1, c, s)
    return correlate(img, kernel.reshape((1,) * (img.ndim - 2) + kernel.shape), mode="reflect")


def _window_geometry(patch_size, offset) -> tuple[int, int, int, int]:
    p = check_int("patch_size", patch_size, low=3, high=32)
    o = check_int("offset", offset, low=1, high=p)
    width = p + 2 * o
    # A margin of 4 pixels on each side (twice the surround's width) keeps most of the filter's
    # edge effects out of the window.
    canvas = max(p, width) + 8
    return p, o, width, canvas


def _crop(filtered: np.ndarray, p: int, width: int, canvas: int) -> np.ndarray:
    r0, c0 = (canvas - p) // 2, (canvas - width) // 2
    return filtered[..., r0:r0 + p, c0:c0 + width]


@dataclass(frozen=True, eq=False)
class PatchWindows:
    """Image windows for the Rao-Ballard model: three overlapping patches side by side.

    Attributes
    ----------
    windows : numpy.ndarray, shape (n, patch_size, patch_size + 2 offset)
        DoG-filtered windows divided by ``scale`` (unit standard deviation).
    scale : float
        What the filtered windows were divided by; stimuli built for the
        trained model are divided by it too.
    patch_size : int
        Side of each patch, in pixels.
    offset : int
        Horizontal shift between neighbouring patches, in pixels.
    """

    windows: np.ndarray
    scale: float
    patch_size: int
    offset: int


def natural_windows(n: int = 20000, patch_size: int = 8, offset: int = 4, *, seed: Any = 0,
                    images: tuple[str, ...] | None = None) -> PatchWindows:
    """Windows of chapter 1's natural photographs, filtered like the retina does.

    Square patches from :func:`nslib.vision.natural_image_patches` (the
    photographs of :data:`nslib.vision.NATURAL_IMAGES`, block-averaged 2 × 2)
    are filtered with :func:`dog_filter` and cropped to a window of
    ``patch_size`` rows and ``patch_size + 2 offset`` columns, which holds the
    three patches of the model.

    Parameters
    ----------
    n : int, in [1, 200000]
    patch_size : int, in [3, 32]
    offset : int, in [1, patch_size]
    seed : int or numpy.random.Generator
    images : tuple of str, optional
        Names of photographs (default: all of :data:`nslib.vision.NATURAL_IMAGES`).

    Returns
    -------
    PatchWindows

    Examples
    --------
    >>> w = natural_windows(100, seed=0)
    >>> w.windows.shape, round(float(w.windows.std()), 6)
    ((100, 8, 16), 1.0)
    """
    from ..datasets import NATURAL_IMAGES, natural_image_patches

    n = check_int("n", n, low=1, high=200000)
    p, o, width, canvas = _window_geometry(patch_size, offset)
    raw = natural_image_patches(n, canvas, seed=seed, images=NATURAL_IMAGES if images is None else images)
    windows = _crop(dog_filter(raw), p, width, canvas)
    scale = float(windows.std())
    return PatchWindows(windows=windows / scale, scale=scale, patch_size=p, offset=o)


def bar_windows(lengths, patch_size: int = 8, offset: int = 4, width: int = 1, contrast: float = 3.0,
                row: int = 0, scale: float = 1.0) -> np.ndarray:
    """Horizontal bars of several lengths centred on the middle patch, filtered like the training images.

    Parameters
    ----------
    lengths : array_like of int
        Bar lengths in pixels, each in [1, patch_size + 2 offset].
    patch_size, offset : int
        The model's window geometry (:func:`natural_windows`).
    width : int, in [1, patch_size]
        Bar thickness in pixels.
    contrast : float, > 0
        Bar luminance above the background, in the standardised units of
        :func:`nslib.vision.natural_image_patches`.
    row : int
        Shift of the bar from the window's middle row, in pixels (positive: down).
    scale : float, > 0
        Divide by this after filtering (:attr:`PatchWindows.scale`).

    Returns
    -------
    numpy.ndarray, shape (n_lengths, patch_size, patch_size + 2 offset)

    Examples
    --------
    >>> bar_windows([2, 16]).shape
    (2, 8, 16)
    """
    p, o, wide, canvas = _window_geometry(patch_size, offset)
    lens = np.atleast_1d(np.asarray(lengths))
    if (lens.ndim != 1 or not np.issubdtype(lens.dtype, np.integer) or lens.min() < 1
            or lens.max() > wide):
        raise ValueError(f"lengths must be integers in [1, {wide}] (the window's width); got {lengths!r}")
    width = check_int("width", width, low=1, high=p)
    contrast = check_number("contrast", contrast, low=0.0, low_inclusive=False)
    row = check_int("row", row, low=-(p // 2), high=p // 2)
    scale = check_number("scale", scale, low=0.0, low_inclusive=False)
    images = np.zeros((len(lens), canvas, canvas))
    centre = canvas // 2
    top = centre - width // 2 + row
    for k, length in enumerate(lens):
        left = centre - int(length) // 2
        images[k, top:top + width, left:left + int(length)] = contrast
    return _crop(dog_filter(images), p, wide, canvas) / scale


def split_window(windows, offset: int) -> np.ndarray:
    """The three patches of each window, flattened: shape (n, 3, patch_size²).

    Parameters
    ----------
    windows : array_like, shape (n, p, p + 2 offset) or (p, p + 2 offset)
        Windows of three overlapping ``p × p`` patches side by side.
    offset : int, >= 1
        Horizontal shift between neighbouring patches (pixels).

    Returns
    -------
    numpy.ndarray, shape (n, 3, p²)
        The left, middle and right patch of each window.

    Examples
    --------
    >>> split_window(np.arange(2 * 4 * 8).reshape(2, 4, 8), offset=2).shape
    (2, 3, 16)
    """
    w = check_finite_array("windows", windows)
    if w.ndim == 2:
        w = w[np.newaxis]
    offset = check_int("offset", offset, low=1)
    if w.ndim != 3 or w.shape[2] != w.shape[1] + 2 * offset:
        raise ValueError(f"windows must have shape (n, p, p + 2 offset) = (n, p, p + {2 * offset}); "
                         f"got {w.shape}")
    p = w.shape[1]
    return np.stack([w[:, :, k * offset:k * offset + p].reshape(len(w), -1) for k in range(3)], axis=1)


@dataclass(frozen=True, eq=False)
class RaoBallardResult:
    """A trained two-level Rao-Ballard model.

    Attributes
    ----------
    filters : numpy.ndarray, shape (n_units, patch_size, patch_size)
        The level-1 basis functions (columns of ``U``), each of unit norm:
        the feedforward receptive fields of the level-1 units.
    level1 : numpy.ndarray, shape (patch_size², n_units)
        ``U``.
    level2 : numpy.ndarray, shape (3 n_units, n_level2)
        ``U_h``: how each level-2 cause predicts the three modules' causes.
    reconstruction_error : numpy.ndarray, shape (n_iterations,)
        Mean squared level-1 prediction error ``(I - U r)²`` on each training batch.
    patch_size, offset : int
    scale : float
        Input scale of the training windows (:attr:`PatchWindows.scale`; 1 if
        plain arrays were given).
    sparsity, level2_sparsity, td_variance, input_variance : float
        ``α``, ``α_h``, ``σ_td²`` and ``σ²``.
    """

    filters: np.ndarray
    level1: np.ndarray
    level2: np.ndarray
    reconstruction_error: np.ndarray
    patch_size: int
    offset: int
    scale: float
    sparsity: float
    level2_sparsity: float
    td_variance: float
    input_variance: float


def _cauchy_grad(r: np.ndarray) -> np.ndarray:
    return 2.0 * r / (1.0 + r * r)


def _infer(inputs, u, uh, *, sparsity, level2_sparsity, td_variance, input_variance, n_steps, eta,
           feedback):
    """Let the causes settle on ``inputs`` (batch, 3 patches, pixels): gradient descent on E."""
    batch, n_units = len(inputs), u.shape[1]
    r = np.zeros((batch, 3, n_units))                    # level-1 causes of the three modules
    rh = np.zeros((batch, uh.shape[1]))                  # level-2 causes
    for _ in range(n_steps):
        r_td = (rh @ uh.T).reshape(batch, 3, n_units) if feedback else 0.0   # top-down prediction
        bottom_up = inputs - r @ u.T                     # what level 1 fails to predict
        top_down = r - r_td                              # the error units
        r = r + eta * ((bottom_up @ u) / input_variance - top_down / td_variance
                       - sparsity * _cauchy_grad(r))
        if feedback:
            rh = rh + eta * ((top_down.reshape(batch, -1) @ uh) / td_variance
                             - level2_sparsity * _cauchy_grad(rh))
    r_td = (rh @ uh.T).reshape(batch, 3, n_units) if feedback else np.zeros_like(r)
    return r, rh, r_td, inputs - r @ u.T


def rao_ballard(patches, n_units: int = 32, n_level2: int = 64, *, offset: int | None = None,
                n_iterations: int = 2000, batch_size: int = 100, n_inference_steps: int = 30,
                inference_rate: float = 0.2, learning_rate: float = 0.03, sparsity: float = 0.5,
                level2_sparsity: float = 0.05, td_variance: float = 2.0, input_variance: float = 1.0,
                seed: Any = 0) -> RaoBallardResult:
    """Train Rao & Ballard's two-level predictive-coding model on image windows.

    Each iteration draws ``batch_size`` windows, lets the causes settle
    (``n_inference_steps`` steps of the dynamics in the module docstring),
    then moves ``U`` and ``U_h`` along the Hebbian products of the errors and
    the causes and renormalises their columns.

    Parameters
    ----------
    patches : PatchWindows or array_like, shape (n, p, p + 2 offset)
        Training windows (:func:`natural_windows`).
    n_units : int, in [1, 256]
        Level-1 units per module.
    n_level2 : int, in [1, 1024]
        Level-2 units.
    offset : int, optional
        Shift between the three patches, in pixels; taken from ``patches``
        when it is a :class:`PatchWindows`, required otherwise.
    n_iterations : int, in [1, 100000]
    batch_size : int, in [1, 10000]
    n_inference_steps : int, in [1, 10000]
    inference_rate : float, in (0, 0.5]
        ``η`` of the inference dynamics.
    learning_rate : float, in (0, 1]
    sparsity, level2_sparsity : float, >= 0
        ``α`` and ``α_h``, the weights of the sparse penalties.
    td_variance, input_variance : float, > 0
        ``σ_td²`` and ``σ²``: the smaller, the more the corresponding error counts.
    seed : int or numpy.random.Generator
        Initial weights and the order of the windows.

    Returns
    -------
    RaoBallardResult

    Examples
    --------
    >>> data = natural_windows(500, seed=0)
    >>> model = rao_ballard(data, n_units=8, n_level2=4, n_iterations=20, seed=0)
    >>> model.filters.shape, model.level2.shape
    ((8, 8, 8), (24, 4))
    """
    if isinstance(patches, PatchWindows):
        windows, scale = patches.windows, patches.scale
        if offset is not None and offset != patches.offset:
            raise ValueError(f"offset must be None or {patches.offset} (the windows' offset); got {offset!r}")
        offset = patches.offset
    else:
        if offset is None:
            raise ValueError("offset must be given when patches is a plain array (pixels between patches)")
        windows, scale = patches, 1.0
    inputs_all = split_window(windows, offset)
    p = int(round(np.sqrt(inputs_all.shape[2])))
    n_units = check_int("n_units", n_units, low=1, high=256)
    n_level2 = check_int("n_level2", n_level2, low=1, high=1024)
    n_iterations = check_int("n_iterations", n_iterations, low=1, high=100000)
    batch_size = check_int("batch_size", batch_size, low=1, high=10000)
    n_steps = check_int("n_inference_steps", n_inference_steps, low=1, high=10000)
    eta = check_number("inference_rate", inference_rate, low=0.0, high=0.5, low_inclusive=False)
    rate = check_number("learning_rate", learning_rate, low=0.0, high=1.0, low_inclusive=False)
    alpha = check_number("sparsity", sparsity, low=0.0)
    alpha_h = check_number("level2_sparsity", level2_sparsity, low=0.0)
    td_var = check_number("td_variance", td_variance, low=0.0, low_inclusive=False)
    in_var = check_number("input_variance", input_variance, low=0.0, low_inclusive=False)
    rng = as_generator(seed)
    from threadpoolctl import threadpool_limits

    u = rng.normal(size=(p * p, n_units))
    u /= np.linalg.norm(u, axis=0)
    uh = rng.normal(size=(3 * n_units, n_level2))
    uh /= np.linalg.norm(uh, axis=0)
    errors = np.empty(n_iterations)
    settings = dict(sparsity=alpha, level2_sparsity=alpha_h, td_variance=td_var,
                    input_variance=in_var, n_steps=n_steps, eta=eta, feedback=True)
    # One BLAS thread: these small products lose far more to thread hand-offs than they gain.
    with threadpool_limits(1):
        for it in range(n_iterations):
            batch = inputs_all[rng.integers(0, len(inputs_all), batch_size)]
            r, rh, r_td, bottom_up = _infer(batch, u, uh, **settings)
            u += rate * np.einsum("bkp,bkj->pj", bottom_up, r) / (batch_size * in_var)
            u /= np.linalg.norm(u, axis=0)
            uh += rate * (r - r_td).reshape(batch_size, -1).T @ rh / (batch_size * td_var)
            uh /= np.linalg.norm(uh, axis=0)
            errors[it] = np.mean(bottom_up**2)
    return RaoBallardResult(filters=u.T.reshape(n_units, p, p).copy(), level1=u, level2=uh,
                            reconstruction_error=errors, patch_size=p, offset=int(offset),
                            scale=float(scale), sparsity=alpha, level2_sparsity=alpha_h,
                            td_variance=td_var, input_variance=in_var)


@dataclass(frozen=True, eq=False)
class RBInference:
    """The settled state of a trained Rao-Ballard model for some windows.

    Attributes
    ----------
    causes : numpy.ndarray, shape (n, 3, n_units)
        Level-1 causes ``r`` of the left, middle and right modules.
    level2 : numpy.ndarray, shape (n, n_level2)
        Level-2 causes ``r_h``.
    prediction : numpy.ndarray, shape (n, 3, n_units)
        Level 2's prediction of the level-1 causes, ``r_td`` (0 without feedback).
    errors : numpy.ndarray, shape (n, 3, n_units)
        The level-1 error units ``r - r_td``.
    """

    causes: np.ndarray
    level2: np.ndarray
    prediction: np.ndarray
    errors: np.ndarray


def rao_ballard_inference(model: RaoBallardResult, windows, *, feedback: bool = True,
                          n_steps: int = 200, inference_rate: float = 0.2,
                          td_variance: float | None = None) -> RBInference:
    """Let a trained model settle on some windows, with or without level 2's feedback.

    Parameters
    ----------
    model : RaoBallardResult
    windows : array_like, shape (n, p, p + 2 offset)
        Already filtered and scaled (:func:`bar_windows`, :func:`natural_windows`).
    feedback : bool
        ``False`` removes level 2: no prediction reaches level 1 (``r_td = 0``).
    n_steps : int, in [1, 100000]
    inference_rate : float, in (0, 0.5]
    td_variance : float, in [0.5, 100], optional
        ``σ_td²`` during this inference, in place of the model's: smaller values
        make level 1 trust level 2's prediction more (``inference_rate / td_variance``
        must stay at most 0.4 for the descent to be stable).

    Returns
    -------
    RBInference

    Examples
    --------
    >>> data = natural_windows(500, seed=0)
    >>> model = rao_ballard(data, n_units=8, n_level2=4, n_iterations=20, seed=0)
    >>> rao_ballard_inference(model, bar_windows([4, 8]), n_steps=10).errors.shape
    (2, 3, 8)
    """
    if not isinstance(model, RaoBallardResult):
        raise ValueError(f"model must be a RaoBallardResult (from rao_ballard); got {type(model).__name__}")
    if not isinstance(feedback, (bool, np.bool_)):
        raise ValueError(f"feedback must be True or False; got {feedback!r}")
    inputs = split_window(windows, model.offset)
    if inputs.shape[2] != model.patch_size**2:
        raise ValueError(f"windows must have {model.patch_size} rows (the model's patch size); "
                         f"got {int(round(np.sqrt(inputs.shape[2])))}")
    n_steps = check_int("n_steps", n_steps, low=1, high=100000)
    eta = check_number("inference_rate", inference_rate, low=0.0, high=0.5, low_inclusive=False)
    td_var = model.td_variance if td_variance is None else check_number(
        "td_variance", td_variance, low=0.5, high=100.0)
    if eta / td_var > 0.4:
        raise ValueError(f"td_variance must be at least inference_rate / 0.4 = {eta / 0.4:g} for a stable "
                         f"descent; got {td_var:g}")
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        r, rh, r_td, _ = _infer(inputs, model.level1, model.level2, sparsity=model.sparsity,
                                level2_sparsity=model.level2_sparsity, td_variance=td_var,
                                input_variance=model.input_variance, n_steps=n_steps, eta=eta,
                                feedback=bool(feedback))
    return RBInference(causes=r, level2=rh, prediction=r_td, errors=r - r_td)


@dataclass(frozen=True, eq=False)
class EndStopping:
    """Responses of level-1 error units of the middle module to bars of increasing length.

    Attributes
    ----------
    lengths : numpy.ndarray of int, shape (n_lengths,)
        Bar lengths in pixels.
    rows : numpy.ndarray of int, shape (n_rows,)
        Vertical positions of the bars (pixels from the middle row).
    units : numpy.ndarray of int, shape (n_rows,)
        For each row, the middle-module unit driven most by a bar as long as a
        patch, without feedback: the unit whose classical receptive field
        prefers the bar.
    with_feedback, without_feedback : numpy.ndarray, shape (n_rows, n_lengths)
        ``|r - r_td|`` of that unit, with level 2 and without it.
    patch_size : int
        The classical receptive field's width, in pixels.
    """

    lengths: np.ndarray
    rows: np.ndarray
    units: np.ndarray
    with_feedback: np.ndarray
    without_feedback: np.ndarray
    patch_size: int

    def suppression(self, feedback: bool = True) -> np.ndarray:
        """Per row, the response to the longest bar divided by the peak response (1: no end-stopping).

        Parameters
        ----------
        feedback : bool
            The responses with top-down feedback (True) or without it.

        Returns
        -------
        numpy.ndarray
            One ratio per row, in [0, 1].
        """
        resp = self.with_feedback if feedback else self.without_feedback
        return resp[:, -1] / resp.max(axis=1)


def end_stopping(model: RaoBallardResult, lengths=None, rows=(-1, 0, 1), *, contrast: float = 3.0,
                 n_steps: int = 200, td_variance: float | None = None) -> EndStopping:
    """Measure end-stopping: error-unit responses to longer and longer bars, with and without level 2.

    For each bar position in ``rows``, the unit of the middle module that a
    bar as long as the patch drives most (without feedback) is followed as
    the bar grows from 1 pixel to the whole window.

    Parameters
    ----------
    model : RaoBallardResult
    lengths : array_like of int, optional
        Bar lengths in pixels; default 1 to the window's width.
    rows : sequence of int
        Bar positions, in pixels from the middle row.
    contrast : float, > 0
        Bar contrast (:func:`bar_windows`).
    n_steps : int
        Inference steps.
    td_variance : float, optional
        ``σ_td²`` during inference with feedback, in place of the model's
        (:func:`rao_ballard_inference`): the smaller, the more level 1 trusts level 2.

    Returns
    -------
    EndStopping

    Examples
    --------
    >>> data = natural_windows(500, seed=0)
    >>> model = rao_ballard(data, n_units=8, n_level2=4, n_iterations=20, seed=0)
    >>> end_stopping(model, lengths=[2, 8, 16], rows=[0], n_steps=20).with_feedback.shape
    (1, 3)
    """
    if not isinstance(model, RaoBallardResult):
        raise ValueError(f"model must be a RaoBallardResult (from rao_ballard); got {type(model).__name__}")
    width = model.patch_size + 2 * model.offset
    lens = np.arange(1, width + 1) if lengths is None else np.atleast_1d(np.asarray(lengths))
    rows_arr = np.atleast_1d(np.asarray(rows))
    if rows_arr.ndim != 1 or len(rows_arr) == 0 or not np.issubdtype(rows_arr.dtype, np.integer):
        raise ValueError(f"rows must be a non-empty sequence of integers; got {rows!r}")
    reference = np.array([model.patch_size])
    with_fb, without_fb, units = [], [], []
    for row in rows_arr:
        bars = bar_windows(np.r_[lens, reference], model.patch_size, model.offset, contrast=contrast,
                           row=int(row), scale=model.scale)
        fb = rao_ballard_inference(model, bars, feedback=True, n_steps=n_steps,
                                   td_variance=td_variance).errors[:, 1]
        no = rao_ballard_inference(model, bars, feedback=False, n_steps=n_steps).errors[:, 1]
        unit = int(np.argmax(np.abs(no[-1])))
        units.append(unit)
        with_fb.append(np.abs(fb[:-1, unit]))
        without_fb.append(np.abs(no[:-1, unit]))
    return EndStopping(lengths=lens.astype(int), rows=rows_arr.astype(int), units=np.array(units),
                       with_feedback=np.array(with_fb), without_feedback=np.array(without_fb),
                       patch_size=model.patch_size)
