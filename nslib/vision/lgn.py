"""The input to V1: centre-surround receptive fields of the retina and the LGN.

Retinal ganglion cells (Kuffler 1953) and the relay cells of the lateral
geniculate nucleus (LGN) that pass their signals on to V1 have round
receptive fields with an antagonistic centre and surround: an ON-centre cell
is excited by light in a small central disc and inhibited by light in the ring
around it. Rodieck (1965) described them as a **difference of Gaussians**
(DoG), a narrow excitatory Gaussian minus a broad inhibitory one. A balanced
DoG ignores uniform light and reports *local contrast*: edges and spots.

Lengths are in pixels, as everywhere in :mod:`nslib.vision`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite_array, check_int, check_number, check_positive

__all__ = ["LGNResponse", "SpotSizeTuning", "center_surround", "lgn_response", "spot_size_tuning"]


def _check_dog(sigma_center, sigma_surround, surround_weight):
    sigma_center = check_positive("sigma_center", sigma_center)
    sigma_surround = check_positive("sigma_surround", sigma_surround)
    if not sigma_surround > sigma_center:
        raise ValueError(f"sigma_surround must be > sigma_center ({sigma_center}); "
                         f"got {sigma_surround}")
    surround_weight = check_number("surround_weight", surround_weight, low=0.0, high=1.0)
    return sigma_center, sigma_surround, surround_weight


def center_surround(size: int = 21, sigma_center: float = 1.0, sigma_surround: float = 3.0,
                    surround_weight: float = 1.0, on_center: bool = True) -> np.ndarray:
    """A difference-of-Gaussians receptive field (Rodieck 1965).

    ``k(x, y) = G_c(x, y) - w G_s(x, y)``, where ``G_c`` and ``G_s`` are
    Gaussians of standard deviation ``sigma_center`` and ``sigma_surround``,
    each scaled to sum to 1 over the ``size x size`` grid, and ``w`` is the
    surround's weight. With ``w = 1`` (balanced) the field sums to exactly 0,
    so uniform light has no effect. An OFF-centre field is ``-k``.

    Parameters
    ----------
    size : int, >= 3
        Side of the square field in pixels (odd sizes centre it on a pixel).
    sigma_center, sigma_surround : float
        Widths in pixels, ``0 < sigma_center < sigma_surround``.
    surround_weight : float, in [0, 1]
        ``w``: 0 is a centre without surround, 1 a balanced field.
    on_center : bool
        True for an ON-centre field, False for OFF-centre.

    Returns
    -------
    numpy.ndarray, shape (size, size)

    Examples
    --------
    >>> k = center_surround(21, 1.0, 3.0)
    >>> bool(k[10, 10] > 0), bool(k[10, 14] < 0), bool(abs(k.sum()) < 1e-12)
    (True, True, True)
    """
    size = check_int("size", size, low=3)
    sigma_center, sigma_surround, surround_weight = _check_dog(sigma_center, sigma_surround,
                                                               surround_weight)
    if not isinstance(on_center, (bool, np.bool_)):
        raise ValueError(f"on_center must be True or False; got {on_center!r}")
    idx = np.arange(size) - (size - 1) / 2.0
    r2 = idx[np.newaxis, :] ** 2 + idx[:, np.newaxis] ** 2
    centre = np.exp(-r2 / (2 * sigma_center**2))
    surround = np.exp(-r2 / (2 * sigma_surround**2))
    kernel = centre / centre.sum() - surround_weight * surround / surround.sum()
    return kernel if on_center else -kernel


@dataclass(frozen=True, eq=False)
class SpotSizeTuning:
    """Response of a centre-surround cell to bright discs of growing diameter.

    Attributes
    ----------
    diameters : numpy.ndarray
        Disc diameters in pixels.
    responses : numpy.ndarray
        Linear response (a.u.: fraction of the centre's full response) to each
        disc of contrast 1 centred on the field.
    preferred_diameter : float
        Diameter (pixels) with the largest response.
    suppression_index : float
        ``1 - responses[-1] / max(responses)``: how much the largest disc is
        suppressed by the surround (0: none, 1: completely).
    """

    diameters: np.ndarray
    responses: np.ndarray
    preferred_diameter: float
    suppression_index: float


def spot_size_tuning(diameters=None, sigma_center: float = 1.0, sigma_surround: float = 3.0,
                     surround_weight: float = 1.0, size: int = 41) -> SpotSizeTuning:
    """Area summation: a centre-surround cell's response to centred discs of light.

    A disc smaller than the centre excites more of it as it grows; beyond the
    centre it also covers the inhibitory surround, and the response falls.
    Each disc (value 1 inside, 0 outside, pixel centres within the radius) is
    multiplied with :func:`center_surround` and summed.

    Parameters
    ----------
    diameters : array_like, optional
        Disc diameters in pixels, > 0 (1-D). Default: 0.5 to 30 in steps of 0.5.
    sigma_center, sigma_surround, surround_weight
        As in :func:`center_surround`.
    size : int, >= 3
        Side of the field's grid in pixels.

    Returns
    -------
    SpotSizeTuning

    Examples
    --------
    >>> t = spot_size_tuning()
    >>> 3 < t.preferred_diameter < 6, t.suppression_index > 0.9
    (True, True)
    """
    if diameters is None:
        diameters = np.arange(1, 61) * 0.5
    d = check_finite_array("diameters", diameters, ndim=1)
    if np.any(d <= 0):
        raise ValueError(f"diameters must all be > 0 pixels; got min {d.min():g}")
    kernel = center_surround(size, sigma_center, sigma_surround, surround_weight)
    idx = np.arange(kernel.shape[0]) - (kernel.shape[0] - 1) / 2.0
    radius = np.hypot(idx[np.newaxis, :], idx[:, np.newaxis])
    responses = np.array([kernel[radius <= di / 2].sum() for di in d])
    peak = float(responses.max())
    return SpotSizeTuning(
        diameters=d, responses=responses, preferred_diameter=float(d[int(np.argmax(responses))]),
        suppression_index=float(1.0 - responses[-1] / peak) if peak > 0 else float("nan"))


@dataclass(frozen=True, eq=False)
class LGNResponse:
    """An image seen through a sheet of centre-surround (LGN-like) cells.

    Attributes
    ----------
    linear : numpy.ndarray
        The image filtered by the ON-centre field, one cell per pixel (same shape).
    on, off : numpy.ndarray
        Rectified responses of ON-centre (``max(0, linear)``) and OFF-centre
        (``max(0, -linear)``) cells.
    """

    linear: np.ndarray
    on: np.ndarray
    off: np.ndarray


def lgn_response(image, sigma_center: float = 1.0, sigma_surround: float = 3.0,
                 surround_weight: float = 1.0) -> LGNResponse:
    """Filter an image with a sheet of ON- and OFF-centre cells, one per pixel.

    The image is correlated with :func:`center_surround` (which is
    symmetric, so this is also a convolution), mirroring the image at its
    borders, and split into ON and OFF half-wave rectified channels, as the
    retina does.

    Parameters
    ----------
    image : array_like
        2-D image (luminance), at least 3 x 3.
    sigma_center, sigma_surround, surround_weight
        As in :func:`center_surround`.

    Returns
    -------
    LGNResponse

    Examples
    --------
    >>> step = np.zeros((40, 40)); step[:, 20:] = 1.0     # a vertical edge
    >>> res = lgn_response(step)
    >>> bool(np.allclose(res.linear[:, :5], 0))          # uniform: silent
    True
    >>> bool(res.on[:, 20].min() > 0), bool(res.off[:, 19].min() > 0)  # the edge: both
    (True, True)
    """
    from scipy.ndimage import correlate

    img = check_finite_array("image", image, ndim=2)
    if min(img.shape) < 3:
        raise ValueError(f"image must be at least 3 x 3 pixels; got shape {img.shape}")
    sigma_center, sigma_surround, surround_weight = _check_dog(sigma_center, sigma_surround,
                                                               surround_weight)
    half = int(np.ceil(4 * sigma_surround))
    kernel = center_surround(2 * half + 1, sigma_center, sigma_surround, surround_weight)
    linear = correlate(img, kernel, mode="reflect")
    return LGNResponse(linear=linear, on=np.maximum(linear, 0.0), off=np.maximum(-linear, 0.0))
