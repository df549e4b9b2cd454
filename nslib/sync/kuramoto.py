r"""The Kuramoto model: phase oscillators that synchronise above a critical coupling.

``n`` oscillators with natural frequencies ``omega_i`` drawn from a density
``g`` pull on each other's phases:

.. math:: \frac{d\theta_i}{dt} = \omega_i + \frac{K}{n}\sum_j \sin(\theta_j - \theta_i)
          = \omega_i + K r \sin(\psi - \theta_i),

with the **order parameter** :math:`r e^{i\psi} = \frac1n\sum_j e^{i\theta_j}`:
``r = 0`` for phases spread evenly, ``r = 1`` when all move as one. For a
symmetric, unimodal ``g`` and ``n -> infinity``, a partly locked state
branches off the incoherent state ``r = 0`` at the critical coupling
``K_c = 2 / (pi g(0))`` (Kuramoto 1975, 1984); that the incoherent state is
neutrally stable below ``K_c`` and unstable above it was shown later
(Strogatz & Mirollo 1991; see Strogatz 2000). For the Lorentzian (Cauchy) density of half-width
``gamma``, ``K_c = 2 gamma`` and above it ``r = sqrt(1 - K_c / K)`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number

__all__ = ["FREQUENCY_DISTRIBUTIONS", "KuramotoResult", "critical_coupling", "kuramoto",
           "kuramoto_theory", "natural_frequencies"]

#: Densities of natural frequencies: Lorentzian (half-width ``width``) or
#: Gaussian (standard deviation ``width``), both centred on 0.
FREQUENCY_DISTRIBUTIONS = ("lorentzian", "gaussian")


def critical_coupling(width: float = 0.5, distribution: str = "lorentzian") -> float:
    """Kuramoto's critical coupling ``K_c = 2 / (pi g(0))`` for the frequency density ``g``.

    Parameters
    ----------
    width : float, default 0.5
        Half-width ``gamma`` of the Lorentzian, or standard deviation of the
        Gaussian (rad/time, > 0).
    distribution : {"lorentzian", "gaussian"}

    Returns
    -------
    float
        ``2 gamma`` (Lorentzian) or ``sqrt(8/pi) sigma`` (Gaussian), rad/time.

    Examples
    --------
    >>> critical_coupling(0.5)
    1.0
    >>> round(critical_coupling(1.0, "gaussian"), 4)
    1.5958
    """
    width = check_number("width", width, low=0.0, low_inclusive=False)
    check_choice("distribution", distribution, FREQUENCY_DISTRIBUTIONS)
    if distribution == "lorentzian":
        return 2.0 * width
    return float(np.sqrt(8.0 / np.pi) * width)


def _density(distribution, width):
    if distribution == "lorentzian":
        return lambda w: width / (np.pi * (w ** 2 + width ** 2))
    return lambda w: np.exp(-0.5 * (w / width) ** 2) / (width * np.sqrt(2 * np.pi))


def kuramoto_theory(coupling, width: float = 0.5, distribution: str = "lorentzian") -> np.ndarray:
    r"""Stationary order parameter of the infinite Kuramoto model (partially locked state).

    Solves Kuramoto's self-consistency equation

    .. math:: 1 = K \int_{-\pi/2}^{\pi/2} \cos^2\theta\; g(K r \sin\theta)\, d\theta

    for ``r > 0`` (``r = 0`` when there is no such solution, below ``K_c``).
    For the Lorentzian it gives ``sqrt(1 - 2 gamma / K)``.

    Parameters
    ----------
    coupling : float or array_like
        Coupling strengths ``K`` (>= 0).
    width, distribution
        As in :func:`critical_coupling`.

    Returns
    -------
    numpy.ndarray
        ``r`` for every coupling (same shape).

    Examples
    --------
    >>> np.round(kuramoto_theory([0.5, 1.0, 2.0]), 4).tolist()
    [0.0, 0.0, 0.7071]
    """
    from scipy.integrate import quad
    from scipy.optimize import brentq

    k_c = critical_coupling(width, distribution)
    ks = np.asarray(coupling, dtype=float)
    if not np.all(np.isfinite(ks)) or np.any(ks < 0):
        raise ValueError(f"coupling must be finite and >= 0; got {coupling!r}")
    if distribution == "lorentzian":
        return np.sqrt(np.clip(1.0 - k_c / np.where(ks > 0, ks, 1.0), 0.0, None)) * (ks > k_c)
    g = _density(distribution, width)

    def gap(r, k):
        value, _ = quad(lambda th: np.cos(th) ** 2 * g(k * r * np.sin(th)), -np.pi / 2, np.pi / 2)
        return k * value - 1.0

    out = np.zeros(ks.shape)
    for idx, k in np.ndenumerate(ks):
        if k > k_c * (1 + 1e-9):
            out[idx] = brentq(gap, 1e-12, 1.0, args=(k,), xtol=1e-12)
    return out


def natural_frequencies(n: int, width: float = 0.5, distribution: str = "lorentzian",
                        sampling: str = "quantile", *, seed=0) -> np.ndarray:
    """Natural frequencies of ``n`` oscillators (rad/time), centred on 0.

    Parameters
    ----------
    n : int
        Number of oscillators, in [2, 100000].
    width, distribution
        As in :func:`critical_coupling`.
    sampling : {"quantile", "random"}, default "quantile"
        ``"quantile"``: the evenly spaced quantiles ``(k - 1/2)/n`` of the
        density (a deterministic, finite-size-friendly sample);
        ``"random"``: independent draws (seeded).
    seed : int or numpy.random.Generator, default 0
        Used by ``"random"``.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Examples
    --------
    >>> np.round(natural_frequencies(4, width=1.0), 3).tolist()
    [-2.414, -0.414, 0.414, 2.414]
    """
    from scipy.stats import cauchy, norm

    n = check_int("n", n, low=2, high=100000)
    width = check_number("width", width, low=0.0, low_inclusive=False)
    check_choice("distribution", distribution, FREQUENCY_DISTRIBUTIONS)
    check_choice("sampling", sampling, ("quantile", "random"))
    dist = cauchy(scale=width) if distribution == "lorentzian" else norm(scale=width)
    if sampling == "quantile":
        return dist.ppf((np.arange(n) + 0.5) / n)
    return dist.rvs(size=n, random_state=as_generator(seed))


@dataclass(frozen=True)
class KuramotoResult:
    """A run of the Kuramoto model.

    Attributes
    ----------
    t : numpy.ndarray, shape (n_samples,)
        Sample times.
    r : numpy.ndarray, shape (n_samples,)
        Order parameter ``|mean_j exp(i theta_j)|`` at each sample.
    psi : numpy.ndarray, shape (n_samples,)
        Mean phase (rad).
    omega : numpy.ndarray, shape (n,)
        Natural frequencies (rad/time).
    phases : numpy.ndarray, shape (n,)
        Phases at the end of the run (rad, in [0, 2 pi)).
    effective_frequencies : numpy.ndarray, shape (n,)
        Each oscillator's mean angular velocity over the second half of the
        run: locked oscillators share one frequency.
    r_stationary : float
        ``r`` averaged over the second half of the run.
    coupling : float
        ``K``.
    critical_coupling : float
        ``K_c`` of the density used.
    """

    t: np.ndarray
    r: np.ndarray
    psi: np.ndarray
    omega: np.ndarray
    phases: np.ndarray
    effective_frequencies: np.ndarray
    r_stationary: float
    coupling: float
    critical_coupling: float


def kuramoto(n: int, coupling: float, *, width: float = 0.5, distribution: str = "lorentzian",
             sampling: str = "quantile", t_max: float = 100.0, dt: float = 0.1,
             record_every: int = 10, seed=0) -> KuramotoResult:
    """Simulate ``n`` all-to-all coupled Kuramoto oscillators (4th-order Runge-Kutta).

    Each oscillator feels the mean field: ``dtheta_i/dt = omega_i + K r sin(psi - theta_i)``,
    which costs O(n) per step instead of O(n^2).

    Parameters
    ----------
    n : int
        Number of oscillators, in [2, 100000].
    coupling : float
        ``K`` >= 0 (rad/time).
    width : float, default 0.5
        Width of the frequency density (rad/time, > 0); see :func:`critical_coupling`.
    distribution : {"lorentzian", "gaussian"}, default "lorentzian"
    sampling : {"quantile", "random"}, default "quantile"
        How the natural frequencies are drawn (:func:`natural_frequencies`).
    t_max : float, default 100
        Simulated time (> 0).
    dt : float, default 0.1
        Integration step, in (0, 0.5].
    record_every : int, default 10
        Record ``r`` and ``psi`` every this many steps (>= 1).
    seed : int or numpy.random.Generator, default 0
        Seeds the initial phases (uniform on the circle) and random frequencies.

    Returns
    -------
    KuramotoResult

    Examples
    --------
    >>> weak = kuramoto(500, coupling=0.5, t_max=100)     # K_c = 1
    >>> strong = kuramoto(500, coupling=3.0, t_max=100)
    >>> bool(weak.r_stationary < 0.15 < 0.7 < strong.r_stationary)
    True
    """
    n = check_int("n", n, low=2, high=100000)
    k = check_number("coupling", coupling, low=0.0)
    t_max = check_number("t_max", t_max, low=0.0, low_inclusive=False)
    dt = check_number("dt", dt, low=0.0, high=min(0.5, t_max), low_inclusive=False)
    every = check_int("record_every", record_every, low=1)
    rng = as_generator(seed)
    omega = natural_frequencies(n, width, distribution, sampling, seed=rng)
    theta = rng.uniform(0.0, 2.0 * np.pi, n)

    def velocity(phases):
        e = np.exp(1j * phases)
        # K Im(z e^{-i theta}) = K r sin(psi - theta), with z = r e^{i psi} the mean field.
        return omega + k * np.imag(e.mean() * e.conj())

    n_steps = int(round(t_max / dt))
    half = n_steps // 2
    samples = []
    times = []
    theta_half = theta
    for step in range(n_steps + 1):
        if step % every == 0:
            samples.append(np.mean(np.exp(1j * theta)))
            times.append(step * dt)
        if step == half:
            theta_half = theta.copy()
        if step == n_steps:
            break
        k1 = velocity(theta)
        k2 = velocity(theta + 0.5 * dt * k1)
        k3 = velocity(theta + 0.5 * dt * k2)
        k4 = velocity(theta + dt * k3)
        theta = theta + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    z = np.asarray(samples)
    t = np.asarray(times)
    late = t >= t[-1] / 2
    return KuramotoResult(
        t=t, r=np.abs(z), psi=np.angle(z), omega=omega, phases=np.mod(theta, 2 * np.pi),
        effective_frequencies=(theta - theta_half) / ((n_steps - half) * dt),
        r_stationary=float(np.abs(z[late]).mean()), coupling=k,
        critical_coupling=critical_coupling(width, distribution))
