"""Learning V1-like receptive fields from natural images (ICA), and fitting Gabors to them.

Why are V1 receptive fields Gabor-shaped? Olshausen & Field (1996) and Bell &
Sejnowski (1997) showed that a code which makes the responses to natural image
patches as *sparse* / *independent* as possible learns localized, oriented,
band-pass filters -- Gabor-like receptive fields -- with no knowledge of
neurons at all. Here this is reproduced with independent component analysis
(ICA): patches are whitened (PCA), then a square unmixing matrix is found by
the FastICA fixed-point algorithm (Hyvärinen & Oja 2000). How Gabor-like the
result is, is measured by fitting a Gabor to each filter (:func:`fit_gabor`;
:func:`fit_gabors` for a whole bank) and reporting the fraction of variance
explained, R².

The photographs and their patches come from :mod:`nslib.datasets`
(:func:`nslib.datasets.natural_image_patches`), shared with chapter 6; they
ship with scikit-image, so nothing is downloaded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

# The photographs are nslib.datasets'. They are imported here only so that nslib.vision's
# namespace keeps them until its __init__ imports them from nslib.datasets.
from ..datasets.natural_images import NATURAL_IMAGES as NATURAL_IMAGES
from ..datasets.natural_images import natural_image as natural_image
from ..datasets.natural_images import natural_image_patches as natural_image_patches
from .receptive_fields import orientation_difference

__all__ = [
    "GaborFit",
    "GaborFits",
    "fit_gabor",
    "fit_gabors",
    "learn_v1_filters",
]


def _whiten(x: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """PCA whitening onto the top ``n_components`` principal components.

    Returns the whitening matrix K (n_components, d) and whitened data (n_components, n).
    Keeping only the leading components also low-pass filters the patches,
    which removes the pixel-level noise that ICA would otherwise model.
    """
    cov = x.T @ x / len(x)
    eigval, eigvec = np.linalg.eigh(cov)
    eigval, eigvec = eigval[::-1], eigvec[:, ::-1]
    rank = int(np.sum(eigval > 1e-10 * eigval[0]))
    if n_components > rank:
        raise ValueError(f"n_components must be <= {rank}, the rank of the patch covariance "
                         f"(mean-subtracted patches lose one dimension); got {n_components}")
    k = (eigvec[:, :n_components] / np.sqrt(eigval[:n_components])).T
    return k, k @ x.T


def _symmetric_decorrelation(w: np.ndarray) -> np.ndarray:
    """W <- (W Wᵀ)^(-1/2) W: keeps the rows orthonormal without favouring any of them."""
    s, u = np.linalg.eigh(w @ w.T)
    return (u / np.sqrt(np.clip(s, 1e-12, None))) @ u.T @ w


def _fastica(z: np.ndarray, rng: np.random.Generator, max_iter: int, tol: float) -> np.ndarray:
    """Symmetric FastICA with the log-cosh contrast on whitened data ``z`` (d, n).

    Fixed point: ``W <- E[g(Wz) zᵀ] - diag(E[g'(Wz)]) W`` with ``g = tanh``,
    then symmetric decorrelation. float32 is twice as fast and ample here.
    """
    from threadpoolctl import threadpool_limits

    d, n = z.shape
    z = z.astype(np.float32)
    w = np.linalg.qr(rng.standard_normal((d, d)))[0].astype(np.float32)
    # One BLAS thread: on a shared or busy machine, OpenBLAS threads spinning
    # against other processes made this 5-10x slower, and results vary less.
    with threadpool_limits(1):
        for _ in range(max_iter):
            g = np.tanh(w @ z)
            g_prime_mean = 1.0 - np.mean(g * g, axis=1)
            w_new = _symmetric_decorrelation((g @ z.T) / n - g_prime_mean[:, None] * w)
            change = np.max(np.abs(np.abs(np.sum(w_new * w, axis=1)) - 1.0))
            w = w_new
            if change < tol:
                break
        else:
            warnings.warn(f"FastICA did not converge in max_iter={max_iter} iterations "
                          f"(last change {change:.2g} > tol={tol:g}); increase max_iter",
                          RuntimeWarning, stacklevel=3)
    return w.astype(float)


def learn_v1_filters(patches, n_components: int = 64, *, seed=0, kind: str = "filters",
                     max_iter: int = 500, tol: float = 1e-4) -> np.ndarray:
    """Learn V1-like filters from image patches with ICA (whitening + FastICA).

    The patches ``x`` are modelled as ``x = A s`` with independent, sparse
    sources ``s``. ICA finds the unmixing matrix ``W`` (so ``s = W x``): each
    row of ``W`` is a *filter* -- the receptive field of a model neuron whose
    response is ``w · x``. The columns of ``A = W⁺`` are the *basis functions*
    (features) that patches are built from, as shown by Olshausen & Field
    (1996). Both come out localized, oriented and band-pass: Gabor-like.

    Parameters
    ----------
    patches : array_like
        Patches of shape ``(n_patches, size, size)``, e.g. from
        :func:`natural_image_patches`; ``n_patches > n_components``.
    n_components : int, optional
        Number of filters, ``1 <= n_components <= size²`` and at most the rank
        of the patch covariance (``size² − 1`` for mean-subtracted patches).
    seed : int or numpy.random.Generator, optional
        Initial unmixing matrix; the same seed gives the same filters.
    kind : {"filters", "basis"}, optional
        Return the filters (rows of ``W``, receptive fields) or the basis
        functions (columns of ``A``).
    max_iter : int, optional
        Maximum FastICA iterations, >= 1 (a ``RuntimeWarning`` says if reached).
    tol : float, optional
        Convergence tolerance on the change of the unmixing rows, > 0.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n_components, size, size)``. Each filter has unit L2
        norm and its largest-magnitude pixel positive (ICA fixes neither scale
        nor sign); filters are ordered by the variance their source explains.

    Examples
    --------
    >>> patches = natural_image_patches(2000, 8, seed=0)
    >>> learn_v1_filters(patches, n_components=16, seed=0).shape
    (16, 8, 8)
    """
    p = check_finite_array("patches", patches, ndim=3)
    n_patches, h, w_ = p.shape
    if h != w_:
        raise ValueError(f"patches must be square, shape (n_patches, size, size); got {p.shape}")
    n_components = check_int("n_components", n_components, low=1, high=h * w_)
    if n_patches <= n_components:
        raise ValueError(f"patches must hold more than n_components={n_components} patches; "
                         f"got {n_patches}")
    check_choice("kind", kind, ("filters", "basis"))
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_number("tol", tol, low=0.0, low_inclusive=False)
    rng = as_generator(seed)

    x = p.reshape(n_patches, -1)
    x = x - x.mean(axis=0)
    k, z = _whiten(x, n_components)
    w = _fastica(z, rng, max_iter, tol)
    unmixing = w @ k
    mixing = np.linalg.pinv(unmixing)
    order = np.argsort(-np.sum(mixing**2, axis=0), kind="stable")
    out = (unmixing if kind == "filters" else mixing.T)[order]
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    signs = np.sign(out[np.arange(len(out)), np.argmax(np.abs(out), axis=1)])
    return (out * signs[:, None]).reshape(n_components, h, w_)


# ---------------------------------------------------------------------------
# Fitting a Gabor
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class GaborFit:
    """A Gabor function fitted to a 2-D filter.

    The model is ``A · exp(-x'²/(2σx²) - y'²/(2σy²)) · cos(2π x'/λ + φ)`` with
    ``(x', y')`` the coordinates relative to the centre ``(x0, y0)`` rotated by
    ``theta``; the conventions are those of :func:`nslib.vision.gabor`.

    Attributes
    ----------
    theta : float
        Orientation of the wave vector in radians, in ``[0, π)``.
    wavelength : float
        Carrier wavelength λ in pixels.
    phase : float
        Carrier phase φ in radians, in ``(-π, π]``.
    sigma_x, sigma_y : float
        Envelope widths across and along the stripes, in pixels.
    aspect_ratio : float
        ``sigma_x / sigma_y``, as the ``aspect_ratio`` of :func:`gabor`.
    x0, y0 : float
        Centre in pixels from the image centre (``y`` upwards).
    amplitude : float
        Peak amplitude ``A`` (units of the filter), >= 0.
    r_squared : float
        Fraction of the filter's variance explained by the fit (1 = perfect).
    model : numpy.ndarray
        The fitted Gabor, same shape as the filter.
    """

    theta: float
    wavelength: float
    phase: float
    sigma_x: float
    sigma_y: float
    aspect_ratio: float
    x0: float
    y0: float
    amplitude: float
    r_squared: float
    model: np.ndarray


def _gabor_model_and_jacobian(p: np.ndarray, x: np.ndarray, y: np.ndarray, jac: bool):
    """The Gabor ``env·(a cos k + b sin k)`` and, if asked, its analytic Jacobian.

    Writing the carrier as ``a cos k + b sin k`` instead of ``A cos(k + φ)``
    makes amplitude and phase linear parameters, so the fit needs no grid of
    starting phases. Parameters: a, b, x0, y0, theta, wavelength, sigma_x, sigma_y.
    """
    a, b, x0, y0, theta, lam, sx, sy = p
    c, s = np.cos(theta), np.sin(theta)
    dx, dy = x - x0, y - y0
    xr = dx * c + dy * s
    yr = -dx * s + dy * c
    env = np.exp(-xr**2 / (2 * sx**2) - yr**2 / (2 * sy**2))
    k = 2 * np.pi * xr / lam
    cos_k, sin_k = np.cos(k), np.sin(k)
    carrier = a * cos_k + b * sin_k
    model = env * carrier
    if not jac:
        return model
    d_carrier_dk = -a * sin_k + b * cos_k
    d_xr = env * (-xr / sx**2 * carrier + 2 * np.pi / lam * d_carrier_dk)
    d_yr = env * (-yr / sy**2) * carrier
    columns = [
        env * cos_k,
        env * sin_k,
        -c * d_xr + s * d_yr,            # x0
        -s * d_xr - c * d_yr,            # y0
        yr * d_xr - xr * d_yr,           # theta
        env * d_carrier_dk * (-k / lam),  # wavelength
        model * xr**2 / sx**3,           # sigma_x
        model * yr**2 / sy**3,           # sigma_y
    ]
    return model, np.stack([col.ravel() for col in columns], axis=1)


def _spectral_peaks(f: np.ndarray, n_peaks: int) -> list[tuple[float, float]]:
    """(orientation, spatial frequency in cycles/pixel) of the strongest distinct spectral peaks."""
    h, w = f.shape
    pad = 4 * max(h, w)
    spectrum = np.abs(np.fft.fft2(f - f.mean(), s=(pad, pad)))
    freqs = np.fft.fftfreq(pad)
    fx = freqs[np.newaxis, :]
    fy = -freqs[:, np.newaxis]  # rows grow downwards, y upwards
    radius = np.hypot(fx, fy)
    spectrum = np.where(radius < 0.5 / max(h, w), 0.0, spectrum)
    peaks: list[tuple[float, float]] = []
    for j in np.argsort(spectrum.ravel())[::-1][:200]:
        theta = float(np.arctan2(np.broadcast_to(fy, spectrum.shape).ravel()[j],
                                 np.broadcast_to(fx, spectrum.shape).ravel()[j]) % np.pi)
        freq = float(radius.ravel()[j])
        distinct = all(orientation_difference(theta, t) > 0.3 or abs(freq - q) > 0.25 * q
                       for t, q in peaks)
        if distinct:
            peaks.append((theta, freq))
            if len(peaks) == n_peaks:
                break
    return peaks


def fit_gabor(filter, max_nfev: int = 200) -> GaborFit:
    """Fit a Gabor function to a 2-D filter by nonlinear least squares.

    Starting points: orientation and wavelength from the two strongest distinct
    peaks of the filter's (zero-padded) 2-D Fourier spectrum, the centre from
    the peak of its smoothed energy, and two envelope widths (0.3 and 0.6
    wavelengths); amplitude and phase start at their linear least-squares
    values. Each start is refined by :func:`scipy.optimize.least_squares`
    with an analytic Jacobian and the best fit is kept.

    Parameters
    ----------
    filter : array_like
        2-D array (height, width >= 3), not constant.
    max_nfev : int, optional
        Maximum function evaluations per start, >= 10.

    Returns
    -------
    GaborFit

    Examples
    --------
    >>> from nslib.vision import gabor
    >>> fit = fit_gabor(gabor(15, theta=np.pi / 3, wavelength=5.0, phase=0.5))
    >>> round(fit.r_squared, 3), round(np.degrees(fit.theta)), round(fit.wavelength, 1)
    (1.0, 60, 5.0)
    """
    f = check_finite_array("filter", filter, ndim=2)
    if min(f.shape) < 3:
        raise ValueError(f"filter must be at least 3x3 pixels; got shape {f.shape}")
    max_nfev = check_int("max_nfev", max_nfev, low=10)
    if np.ptp(f) == 0:
        raise ValueError("filter must not be constant (a Gabor fit needs some variance)")
    return _fit_gabor(f, max_nfev)


def _fit_gabor(f: np.ndarray, max_nfev: int) -> GaborFit:
    """:func:`fit_gabor` on a validated filter."""
    # scipy.optimize is imported here, not at module level, so that importing
    # nslib.vision stays fast.
    from scipy.ndimage import gaussian_filter
    from scipy.optimize import least_squares

    ss_tot = float(np.sum((f - f.mean()) ** 2))
    h, w = f.shape
    n = max(h, w)
    scale = float(np.max(np.abs(f)))
    target = (f / scale).ravel()
    x = np.broadcast_to(np.arange(w) - (w - 1) / 2.0, (h, w))
    y = np.broadcast_to(((h - 1) / 2.0 - np.arange(h))[:, np.newaxis], (h, w))

    energy = gaussian_filter((f / scale) ** 2, 1.0)
    row, col = np.unravel_index(np.argmax(energy), energy.shape)
    centre = (float(x[row, col]), float(y[row, col]))
    lower = [-np.inf, -np.inf, -n, -n, -np.inf, 2.0, 0.3, 0.3]
    upper = [np.inf, np.inf, n, n, np.inf, 4.0 * n, 2.0 * n, 2.0 * n]

    def residual(p):
        return _gabor_model_and_jacobian(p, x, y, False).ravel() - target

    def jacobian(p):
        return _gabor_model_and_jacobian(p, x, y, True)[1]

    # Tolerances of 1e-5 are ample for R^2 to 3 decimals and twice as fast as the defaults.
    solver = dict(jac=jacobian, bounds=(lower, upper), x_scale="jac",
                  ftol=1e-5, xtol=1e-5, gtol=1e-5)
    best = None
    for theta0, freq0 in _spectral_peaks(f, 2):
        lam0 = float(np.clip(1.0 / freq0, 2.05, 4.0 * n - 0.1))
        for width in (0.3, 0.6):
            sigma0 = float(np.clip(width * lam0, 0.35, 2.0 * n - 0.1))
            p0 = np.array([1.0, 0.0, *centre, theta0, lam0, sigma0, sigma0])
            basis = _gabor_model_and_jacobian(p0, x, y, True)[1][:, :2]
            p0[:2] = np.linalg.lstsq(basis, target, rcond=None)[0]
            res = least_squares(residual, p0, max_nfev=min(30, max_nfev), **solver)
            if best is None or res.cost < best.cost:
                best = res
    # A short run from every start, then only the most promising is polished:
    # half the cost of polishing all of them, with the same fits in practice.
    best = least_squares(residual, best.x, max_nfev=max_nfev, **solver)

    a, b, x0, y0, theta, lam, sx, sy = best.x
    amplitude, phase = float(np.hypot(a, b)), float(np.arctan2(-b, a))
    # Orientation is defined modulo pi; turning the wave vector by pi flips the phase.
    turns = int(np.floor(theta / np.pi))
    theta -= turns * np.pi
    if turns % 2:
        phase = -phase
    phase = float(np.angle(np.exp(1j * phase))) + 0.0  # in (-pi, pi]; no "-0.0"
    model = scale * _gabor_model_and_jacobian(best.x, x, y, False)
    r_squared = 1.0 - float(np.sum((f - model) ** 2)) / ss_tot
    return GaborFit(theta=float(theta), wavelength=float(lam), phase=phase, sigma_x=float(sx),
                    sigma_y=float(sy), aspect_ratio=float(sx / sy), x0=float(x0), y0=float(y0),
                    amplitude=scale * amplitude, r_squared=r_squared, model=model)


@dataclass(frozen=True, eq=False)
class GaborFits:
    """Gabor functions fitted to a bank of filters, one row per filter.

    Each attribute but ``filters`` and ``models`` holds, for every filter, the
    attribute of the same name of its :class:`GaborFit` (same units).

    Attributes
    ----------
    filters : numpy.ndarray, shape (n_filters, h, w)
        The filters that were fitted.
    theta, wavelength, phase, sigma_x, sigma_y, aspect_ratio, x0, y0, amplitude : numpy.ndarray
        Fitted parameters, shape (n_filters,): radians, pixels or units of the filter.
    r_squared : numpy.ndarray, shape (n_filters,)
        Fraction of each filter's variance explained by its fit (1 = perfect).
    models : numpy.ndarray, shape (n_filters, h, w)
        The fitted Gabors.
    """

    filters: np.ndarray
    theta: np.ndarray
    wavelength: np.ndarray
    phase: np.ndarray
    sigma_x: np.ndarray
    sigma_y: np.ndarray
    aspect_ratio: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    amplitude: np.ndarray
    r_squared: np.ndarray
    models: np.ndarray


def fit_gabors(filters, max_nfev: int = 200) -> GaborFits:
    """Fit a Gabor function to every filter of a bank (:func:`fit_gabor` on each).

    How Gabor-like a set of filters is, is measured once here and kept: the
    figures of :mod:`nslib.plots.vision` draw these fits and compute nothing.
    Each fit takes about 30 ms for a 12 × 12 filter.

    Parameters
    ----------
    filters : array_like
        Filters of shape ``(n_filters, height, width)``, height and width >= 3,
        none of them constant (e.g. from :func:`learn_v1_filters`).
    max_nfev : int, optional
        Maximum function evaluations per start, >= 10.

    Returns
    -------
    GaborFits

    Examples
    --------
    >>> from nslib.vision import gabor
    >>> fits = fit_gabors(np.stack([gabor(11, t, 4.0) for t in (0.0, np.pi / 4)]))
    >>> fits.r_squared.round(3).tolist(), np.degrees(fits.theta).round().tolist()
    ([1.0, 1.0], [0.0, 45.0])
    """
    f = check_finite_array("filters", filters, ndim=3)
    if min(f.shape[1:]) < 3:
        raise ValueError(f"filters must be at least 3x3 pixels each; got shape {f.shape}")
    flat = np.ptp(f.reshape(len(f), -1), axis=1) == 0
    if np.any(flat):
        raise ValueError(f"filters must not contain a constant filter (a Gabor fit needs some "
                         f"variance); filter {int(np.argmax(flat))} is constant")
    max_nfev = check_int("max_nfev", max_nfev, low=10)
    fits = [_fit_gabor(one, max_nfev) for one in f]
    scalars = ("theta", "wavelength", "phase", "sigma_x", "sigma_y", "aspect_ratio", "x0", "y0",
               "amplitude", "r_squared")
    return GaborFits(filters=f, models=np.stack([fit.model for fit in fits]),
                     **{name: np.array([getattr(fit, name) for fit in fits]) for name in scalars})
