r"""Redundant noisy learners coupled through a graph (Bouvrie & Slotine 2011).

``n`` copies of a noisy gradient system learn the same parameter
``x_i`` (a vector of ``dim`` numbers) on the quadratic loss
``f(x) = (lambda/2) ||x||^2`` (optimum at 0, curvature ``lambda``), and each is
pulled towards the others through a graph Laplacian ``L``:

.. math:: dx_i = \Big[-\lambda x_i - \kappa \sum_j L_{ij} x_j\Big]\,dt + \sigma\, dW_i .

Stacking the units, ``dX = -(lambda I + kappa L) X dt + sigma dW``. In the
eigenbasis of ``L = U diag(mu) U^T`` the modes ``Y = U^T X`` decouple into
independent Ornstein-Uhlenbeck processes with rates ``a_m = lambda + kappa mu_m``
(the noise stays white because ``U`` is orthogonal), so

* the stationary variance of mode ``m`` is ``sigma^2 / (2 a_m)`` per dimension;
* the centre of mass is ``Y_1 / sqrt(n)``: variance ``sigma^2 / (2 lambda n)``,
  whatever the coupling;
* unit ``i`` has variance ``sum_m U_im^2 sigma^2 / (2 a_m)``.

The simulation integrates every mode *exactly* (the OU transition over one
step ``dt``), so strong coupling, which makes the system stiff
(``kappa mu_max dt`` large), costs no accuracy: a forward Euler step would
diverge once ``(lambda + kappa mu_max) dt > 2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number
from .graphs import GRAPH_KINDS, check_laplacian, graph_laplacian, laplacian_spectrum

__all__ = ["LearnersTheory", "QuarticLearners", "QuarticTheory", "RedundantLearners",
           "coupling_for_error", "quartic_learners_theory", "redundant_learners_theory",
           "simulate_quartic_learners", "simulate_redundant_learners"]


def ou_step_coefficients(rates, dt: float):
    """Decay ``exp(-a dt)`` and noise scale ``sqrt((1 - exp(-2 a dt)) / (2 a))`` of exact OU steps.

    For ``dY = -a Y dt + sigma dW`` the exact transition over ``dt`` is
    ``Y <- decay * Y + sigma * scale * N(0, 1)``; at ``a = 0`` (pure
    diffusion) ``scale = sqrt(dt)``.

    Examples
    --------
    >>> decay, scale = ou_step_coefficients(np.array([0.0, 1.0]), 0.5)
    >>> np.round(decay, 4).tolist(), np.round(scale, 4).tolist()
    ([1.0, 0.6065], [0.7071, 0.5622])
    """
    a = np.asarray(rates, dtype=float)
    decay = np.exp(-a * dt)
    small = a * dt < 1e-8
    safe = np.where(small, 1.0, a)
    # -expm1 keeps the variance accurate when a*dt is tiny.
    scale = np.where(small, np.sqrt(dt), np.sqrt(-np.expm1(-2.0 * safe * dt) / (2.0 * safe)))
    return decay, scale


def _laplacian_for(n_units, laplacian, kind, seed_graph):
    if laplacian is None:
        check_choice("kind", kind, GRAPH_KINDS)
        return graph_laplacian(kind, n_units, seed=seed_graph)
    return check_laplacian("laplacian", laplacian, n=n_units)


@dataclass(frozen=True)
class RedundantLearners:
    """A simulation of coupled noisy learners.

    Attributes
    ----------
    t : numpy.ndarray, shape (n_steps + 1,)
        Sample times (time units of ``1/curvature``).
    x : numpy.ndarray, shape (n_steps + 1, n_units, dim)
        Every unit's parameter at every sample time (optimum at 0).
    centre : numpy.ndarray, shape (n_steps + 1, dim)
        The units' average (centre of mass).
    laplacian : numpy.ndarray, shape (n_units, n_units)
    coupling, noise, curvature : float
        ``kappa``, ``sigma`` and ``lambda``.
    burn_in : float
        Samples before this time are left out of the stationary estimates.
    mse_per_unit : numpy.ndarray, shape (n_units,)
        Time average over ``t >= burn_in`` of ``||x_i||^2``: each unit's
        squared distance from the optimum (summed over dimensions).
    mse_mean_unit : float
        ``mse_per_unit`` averaged over units.
    mse_centre : float
        Time average of ``||centre||^2``.
    """

    t: np.ndarray
    x: np.ndarray
    centre: np.ndarray
    laplacian: np.ndarray
    coupling: float
    noise: float
    curvature: float
    burn_in: float
    mse_per_unit: np.ndarray
    mse_mean_unit: float
    mse_centre: float


def simulate_redundant_learners(n_units: int, coupling: float, noise: float, laplacian=None,
                                kind: str = "all", curvature: float = 1.0, dim: int = 1,
                                t_max: float = 200.0, dt: float = 0.05, x0=2.0,
                                burn_in: float | None = None, *, seed=0) -> RedundantLearners:
    r"""Simulate ``n_units`` noisy gradient learners coupled through a graph, exactly.

    Integrates :math:`dx_i = [-\lambda x_i - \kappa \sum_j L_{ij} x_j]\,dt + \sigma\,dW_i`
    (the gradient of :math:`f(x) = \tfrac{\lambda}{2}\|x\|^2` plus diffusive
    coupling) with the exact Ornstein-Uhlenbeck transition of every Laplacian
    mode, so the samples have the right distribution for any ``dt``, however
    stiff the coupling.

    Parameters
    ----------
    n_units : int
        Number of redundant units, in [2, 2000].
    coupling : float
        Coupling strength ``kappa`` (>= 0, 1/time).
    noise : float
        Noise amplitude ``sigma`` (>= 0, parameter units / sqrt(time)).
    laplacian : array_like, shape (n_units, n_units), optional
        The graph Laplacian ``L = D - A``; default: ``graph_laplacian(kind, n_units)``.
    kind : {"all", "ring", "star", "random"}, default "all"
        Graph used when ``laplacian`` is not given (``"random"`` with seed 0).
    curvature : float, default 1.0
        ``lambda`` > 0, the loss's curvature (1/time).
    dim : int, default 1
        Dimensions of each unit's parameter, in [1, 1000]. They are
        independent, so more dimensions also mean more samples.
    t_max : float, default 200
        Simulated time (> 0).
    dt : float, default 0.05
        Sampling step, in (0, t_max]; any step is exact.
    x0 : float or array_like, default 2.0
        Initial parameter of every unit: a number (all units, all dimensions)
        or an array of shape (n_units, dim).
    burn_in : float, optional
        Time left out of the stationary averages; default ``min(10/lambda, t_max/2)``.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    RedundantLearners

    Examples
    --------
    >>> res = simulate_redundant_learners(4, coupling=5.0, noise=1.0, t_max=50, dt=0.1)
    >>> res.x.shape
    (501, 4, 1)
    >>> bool(res.mse_centre < res.mse_mean_unit)
    True
    """
    n = check_int("n_units", n_units, low=2, high=2000)
    kappa = check_number("coupling", coupling, low=0.0)
    sigma = check_number("noise", noise, low=0.0)
    lam = check_number("curvature", curvature, low=0.0, low_inclusive=False)
    dim = check_int("dim", dim, low=1, high=1000)
    t_max = check_number("t_max", t_max, low=0.0, low_inclusive=False)
    dt = check_number("dt", dt, low=0.0, high=t_max, low_inclusive=False)
    L = _laplacian_for(n, laplacian, kind, 0)
    if np.ndim(x0) == 0:
        start = np.full((n, dim), check_number("x0", x0))
    else:
        start = check_finite_array("x0", x0, ndim=2)
        if start.shape != (n, dim):
            raise ValueError(f"x0 must be a number or an array of shape ({n}, {dim}); "
                             f"got shape {start.shape}")
    burn = min(10.0 / lam, t_max / 2) if burn_in is None else check_number(
        "burn_in", burn_in, low=0.0, high=t_max, high_inclusive=False)
    rng = as_generator(seed)

    spec = laplacian_spectrum(L)
    U = spec.eigenvectors
    decay, scale = ou_step_coefficients(lam + kappa * spec.eigenvalues, dt)
    n_steps = int(round(t_max / dt))
    y = np.empty((n_steps + 1, n, dim))
    y[0] = U.T @ start
    # The noise is drawn per unit, then turned into mode noise (U^T eps is again
    # independent standard normal): unit i's noise is then the same on every
    # machine, whichever eigenvectors LAPACK picks for a repeated eigenvalue.
    noise_draws = np.einsum("im,tid->tmd", U, rng.standard_normal((n_steps, n, dim)))
    step_decay, step_noise = decay[:, None], sigma * scale[:, None]
    for k in range(n_steps):
        y[k + 1] = step_decay * y[k] + step_noise * noise_draws[k]
    x = np.einsum("im,tmd->tid", U, y)
    t = np.arange(n_steps + 1) * dt
    centre = x.mean(axis=1)
    keep = t >= burn
    mse_units = np.mean(np.sum(x[keep] ** 2, axis=2), axis=0)
    return RedundantLearners(
        t=t, x=x, centre=centre, laplacian=L, coupling=kappa, noise=sigma, curvature=lam,
        burn_in=burn, mse_per_unit=mse_units, mse_mean_unit=float(mse_units.mean()),
        mse_centre=float(np.mean(np.sum(centre[keep] ** 2, axis=1))))


@dataclass(frozen=True)
class LearnersTheory:
    """Stationary errors of coupled noisy learners on a quadratic loss (exact).

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (n,)
        Laplacian spectrum ``mu_m``.
    mode_variances : numpy.ndarray, shape (n,)
        ``sigma^2 / (2 (lambda + kappa mu_m))``, per dimension.
    mse_per_unit : numpy.ndarray, shape (n,)
        ``dim * sum_m U_im^2 sigma^2 / (2 (lambda + kappa mu_m))``: unit ``i``'s
        expected squared distance from the optimum.
    mse_mean_unit : float
        The same averaged over units,
        ``dim sigma^2/(2n) [1/lambda + sum_{m>=2} 1/(lambda + kappa mu_m)]``.
    mse_centre : float
        ``dim sigma^2 / (2 lambda n)``: the centre of mass, whatever the coupling.
    mse_uncoupled : float
        ``dim sigma^2 / (2 lambda)``: one unit alone.
    spread : float
        Expected squared distance of a unit from the centre of mass, averaged
        over units: ``mse_mean_unit - mse_centre``.
    """

    eigenvalues: np.ndarray
    mode_variances: np.ndarray
    mse_per_unit: np.ndarray
    mse_mean_unit: float
    mse_centre: float
    mse_uncoupled: float
    spread: float


def redundant_learners_theory(n_units: int, coupling: float, noise: float, laplacian=None,
                              curvature: float = 1.0, dim: int = 1,
                              kind: str = "all") -> LearnersTheory:
    r"""Stationary mean squared error of coupled noisy learners, per unit and of their centre.

    Diagonalising ``L = U diag(mu) U^T`` turns the coupled system into
    independent Ornstein-Uhlenbeck modes with rates
    :math:`a_m = \lambda + \kappa\mu_m`, each of stationary variance
    :math:`\sigma^2/(2a_m)` per dimension. Hence

    .. math::
        \mathbb{E}\|\bar x\|^2 = \frac{d\,\sigma^2}{2\lambda N}, \qquad
        \frac1N\sum_i \mathbb{E}\|x_i\|^2 = \frac{d\,\sigma^2}{2N}
        \Big[\frac1\lambda + \sum_{m\ge2}\frac{1}{\lambda+\kappa\mu_m}\Big], \qquad
        \mathbb{E}\|x_i\|^2 = d\sum_m U_{im}^2 \frac{\sigma^2}{2(\lambda+\kappa\mu_m)} .

    Parameters
    ----------
    n_units : int
        Number of units, in [2, 2000].
    coupling : float
        ``kappa`` >= 0 (1/time).
    noise : float
        ``sigma`` >= 0.
    laplacian : array_like, shape (n_units, n_units), optional
        The graph Laplacian; default ``graph_laplacian(kind, n_units)``.
    curvature : float, default 1.0
        ``lambda`` > 0.
    dim : int, default 1
        Dimensions per unit, in [1, 1000].
    kind : {"all", "ring", "star", "random"}, default "all"
        Graph used when ``laplacian`` is not given.

    Returns
    -------
    LearnersTheory

    Examples
    --------
    >>> th = redundant_learners_theory(10, coupling=0.0, noise=1.0)
    >>> th.mse_mean_unit, th.mse_centre        # uncoupled: 1/2 each, 1/20 on average
    (0.5, 0.05)
    >>> star = redundant_learners_theory(5, 1.0, 1.0, kind="star")
    >>> bool(star.mse_per_unit[0] < star.mse_per_unit[1])   # the hub beats the leaves
    True
    """
    n = check_int("n_units", n_units, low=2, high=2000)
    kappa = check_number("coupling", coupling, low=0.0)
    sigma = check_number("noise", noise, low=0.0)
    lam = check_number("curvature", curvature, low=0.0, low_inclusive=False)
    dim = check_int("dim", dim, low=1, high=1000)
    L = _laplacian_for(n, laplacian, kind, 0)
    spec = laplacian_spectrum(L)
    variances = sigma ** 2 / (2.0 * (lam + kappa * spec.eigenvalues))
    per_unit = dim * (spec.eigenvectors ** 2) @ variances
    mean_unit = float(dim * variances.sum() / n)
    centre = float(dim * sigma ** 2 / (2.0 * lam * n))
    return LearnersTheory(eigenvalues=spec.eigenvalues, mode_variances=variances,
                          mse_per_unit=per_unit, mse_mean_unit=mean_unit, mse_centre=centre,
                          mse_uncoupled=float(dim * sigma ** 2 / (2.0 * lam)),
                          spread=mean_unit - centre)


def coupling_for_error(laplacian, target_mse: float, noise: float = 1.0,
                       curvature: float = 1.0, dim: int = 1) -> float:
    """The coupling ``kappa`` at which the units' average error falls to ``target_mse``.

    The average over units of the stationary mean squared error falls
    monotonically with ``kappa``, from one unit's ``dim sigma^2/(2 lambda)``
    (no coupling) towards the centre of mass's ``dim sigma^2/(2 lambda n)``
    (infinite coupling), so any target strictly between has one answer.

    Parameters
    ----------
    laplacian : array_like, shape (n, n)
        A connected graph's Laplacian.
    target_mse : float
        Wanted average error, strictly between the two limits above.
    noise, curvature, dim
        As in :func:`redundant_learners_theory`.

    Returns
    -------
    float
        ``kappa`` (1/time).

    Examples
    --------
    >>> L = graph_laplacian("all", 10)
    >>> round(coupling_for_error(L, 0.1), 6)     # twice the centre's 0.05
    0.8
    """
    from scipy.optimize import brentq

    L = check_laplacian("laplacian", laplacian)
    n = L.shape[0]
    sigma = check_number("noise", noise, low=0.0, low_inclusive=False)
    lam = check_number("curvature", curvature, low=0.0, low_inclusive=False)
    dim = check_int("dim", dim, low=1, high=1000)
    spec = laplacian_spectrum(L)
    if spec.algebraic_connectivity <= 0:
        raise ValueError("laplacian must belong to a connected graph (mu_2 > 0); "
                         "otherwise the units never agree")
    low, high = dim * sigma ** 2 / (2 * lam * n), dim * sigma ** 2 / (2 * lam)
    target = check_number("target_mse", target_mse, low=low, high=high, low_inclusive=False,
                          high_inclusive=False)
    mu = spec.eigenvalues[1:]

    def excess(log_kappa):
        k = np.exp(log_kappa)
        return dim * sigma ** 2 / (2 * n) * (1 / lam + np.sum(1 / (lam + k * mu))) - target

    lo, hi = -30.0, 5.0
    while excess(hi) > 0:
        hi += 5.0
    return float(np.exp(brentq(excess, lo, hi, xtol=1e-12, rtol=1e-12)))


# ---------------------------------------------------------------------------
# Beyond the quadratic loss: a quartic loss, where coupling moves the centre
# ---------------------------------------------------------------------------

#: Normal draws per noise block of :func:`simulate_quartic_learners` (8 MB).
_BLOCK_NUMBERS = 1 << 20


def _quartic_second_moment(a: float) -> float:
    # E[x^2] under the density proportional to exp(-a x^4): Gamma(3/4) / (sqrt(a) Gamma(1/4)).
    from math import gamma, sqrt

    return gamma(0.75) / (sqrt(a) * gamma(0.25))


@dataclass(frozen=True)
class QuarticTheory:
    """Exact stationary errors of noisy learners on the quartic loss ``f(x) = x^4/4``, in two limits.

    A lone unit, ``dx = -x^3 dt + sigma dW``, has the stationary density
    ``exp(-x^4 / (2 sigma^2))``; ``n`` units moving as one (infinite coupling)
    follow ``dx_bar = -x_bar^3 dt + (sigma/sqrt(n)) dW``, with density
    ``exp(-n x_bar^4 / (2 sigma^2))``. Under ``exp(-a x^4)``,
    ``E[x^2] = Gamma(3/4) / (sqrt(a) Gamma(1/4))``.

    Attributes
    ----------
    mse_unit_uncoupled : float
        ``E[x_i^2]`` of a lone unit: ``sqrt(2) sigma Gamma(3/4)/Gamma(1/4)``.
    mse_centre_uncoupled : float
        ``E[x_bar^2]`` of the average of ``n`` independent units: the above over ``n``.
    mse_centre_synchronised : float
        ``E[x_bar^2]`` when the units move as one: ``sqrt(2/n) sigma Gamma(3/4)/Gamma(1/4)``,
        ``sqrt(n)`` times the uncoupled centre's.
    """

    mse_unit_uncoupled: float
    mse_centre_uncoupled: float
    mse_centre_synchronised: float


def quartic_learners_theory(n_units: int, noise: float) -> QuarticTheory:
    r"""Stationary errors of ``n_units`` noisy learners on ``f(x) = x^4/4``, uncoupled and synchronised.

    Parameters
    ----------
    n_units : int
        Number of units, in [2, 2000].
    noise : float
        ``sigma`` > 0 (parameter units / sqrt(time)).

    Returns
    -------
    QuarticTheory

    Examples
    --------
    >>> th = quartic_learners_theory(10, 1.0)
    >>> round(th.mse_centre_uncoupled, 4), round(th.mse_centre_synchronised, 4)
    (0.0478, 0.1512)
    """
    n = check_int("n_units", n_units, low=2, high=2000)
    sigma = check_number("noise", noise, low=0.0, low_inclusive=False)
    unit = _quartic_second_moment(1.0 / (2.0 * sigma ** 2))
    return QuarticTheory(mse_unit_uncoupled=unit, mse_centre_uncoupled=unit / n,
                         mse_centre_synchronised=_quartic_second_moment(n / (2.0 * sigma ** 2)))


@dataclass(frozen=True)
class QuarticLearners:
    """Independent runs of coupled noisy learners on the quartic loss ``f(x) = x^4/4``.

    Attributes
    ----------
    mse_centre_runs : numpy.ndarray, shape (n_runs,)
        Each run's time average (over ``t >= burn_in``) of the squared centre of mass ``x_bar^2``.
    mse_centre : float
        Their mean: the stationary ``E[x_bar^2]``.
    mse_centre_se : float
        Its standard error (the runs are independent).
    mse_unit_runs : numpy.ndarray, shape (n_runs,)
        Each run's time average of ``x_i^2``, averaged over units.
    mse_mean_unit, mse_mean_unit_se : float
        Their mean and its standard error.
    x_final : numpy.ndarray, shape (n_runs, n_units)
        Every unit's parameter at the end of each run.
    coupling, noise, dt, t_max, burn_in : float
    n_units, n_runs : int
    """

    mse_centre_runs: np.ndarray
    mse_centre: float
    mse_centre_se: float
    mse_unit_runs: np.ndarray
    mse_mean_unit: float
    mse_mean_unit_se: float
    x_final: np.ndarray
    coupling: float
    noise: float
    dt: float
    t_max: float
    burn_in: float
    n_units: int
    n_runs: int


def simulate_quartic_learners(n_units: int, coupling: float, noise: float, laplacian=None,
                              kind: str = "all", *, n_runs: int = 100, t_max: float = 100.0,
                              dt: float = 0.02, burn_in: float = 10.0,
                              seed=0) -> QuarticLearners:
    r"""Simulate coupled noisy learners on the quartic loss ``f(x) = x^4/4`` (one parameter each).

    Integrates :math:`dx_i = [-x_i^3 - \kappa \sum_j L_{ij} x_j]\,dt + \sigma\,dW_i`
    from ``x_i = 0`` by Strang splitting: half a step of the gradient flow
    ``dx/dt = -x^3`` (solved exactly, ``x / sqrt(1 + x^2 dt)``), one exact step
    of the coupling and the noise (the Ornstein-Uhlenbeck transition of every
    Laplacian mode, as in :func:`simulate_redundant_learners`, so strong
    coupling stays stable), then the other half step of the gradient. The
    splitting's bias is of order ``dt``; at ``dt = 0.02`` it is below the
    sampling error of the default runs. ``n_runs`` independent runs share the
    arrays, and their spread gives the standard errors. The noise is drawn per
    unit in blocks of a fixed shape.

    Unlike the quadratic loss, the centre's error here depends on the
    coupling: the centre moves with the average gradient
    ``mean_i x_i^3 = x_bar^3 + 3 x_bar s^2 + ...`` (``s^2`` the units' spread),
    and coupling removes the spread's extra pull towards the optimum.

    Parameters
    ----------
    n_units : int
        Units, in [2, 2000].
    coupling : float
        ``kappa`` >= 0 (1/time).
    noise : float
        ``sigma`` >= 0.
    laplacian : array_like, shape (n_units, n_units), optional
        Default ``graph_laplacian(kind, n_units)``.
    kind : {"all", "ring", "star", "random"}, default "all"
    n_runs : int, default 100
        Independent runs, in [2, 100000].
    t_max : float, default 100
        Length of each run (time units), > ``burn_in``.
    dt : float, default 0.02
        Time step, in (0, 0.1].
    burn_in : float, default 10
        Time left out of the averages, >= 0.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    QuarticLearners

    Examples
    --------
    >>> loose = simulate_quartic_learners(10, 0.0, 1.0, n_runs=20, t_max=40)
    >>> tight = simulate_quartic_learners(10, 30.0, 1.0, n_runs=20, t_max=40)
    >>> bool(tight.mse_centre > 2 * loose.mse_centre)     # coupling worsens the centre here
    True
    """
    n = check_int("n_units", n_units, low=2, high=2000)
    kappa = check_number("coupling", coupling, low=0.0)
    sigma = check_number("noise", noise, low=0.0)
    runs = check_int("n_runs", n_runs, low=2, high=100000)
    dt = check_number("dt", dt, low=0.0, high=0.1, low_inclusive=False)
    burn = check_number("burn_in", burn_in, low=0.0)
    t_max = check_number("t_max", t_max, low=burn + dt, low_inclusive=False)
    L = _laplacian_for(n, laplacian, kind, 0)
    rng = as_generator(seed)

    spec = laplacian_spectrum(L)
    U = spec.eigenvectors
    decay, scale = ou_step_coefficients(kappa * spec.eigenvalues, dt)
    # The coupling and noise step in the units' coordinates: these matrices
    # depend on L only, not on the eigenvectors chosen for a repeated eigenvalue.
    propagator = (U * decay) @ U.T
    noise_mix = sigma * (U * scale) @ U.T
    n_steps = int(round(t_max / dt))
    first_kept = max(1, int(np.ceil(burn / dt - 1e-9)))
    block = max(1, min(n_steps, _BLOCK_NUMBERS // (n * runs)))
    x = np.zeros((n, runs))
    centre_sq = np.zeros(runs)
    unit_sq = np.zeros(runs)
    step = 0
    while step < n_steps:
        for draws in rng.standard_normal((block, n, runs))[:n_steps - step]:
            step += 1
            x = x / np.sqrt(1.0 + dt * x * x)      # half a step (dt/2) of dx/dt = -x^3, exactly
            x = propagator @ x + noise_mix @ draws
            x = x / np.sqrt(1.0 + dt * x * x)
            if step >= first_kept:
                centre_sq += x.mean(axis=0) ** 2
                unit_sq += np.mean(x * x, axis=0)
    kept = n_steps - first_kept + 1
    centre_sq /= kept
    unit_sq /= kept
    return QuarticLearners(
        mse_centre_runs=centre_sq, mse_centre=float(centre_sq.mean()),
        mse_centre_se=float(centre_sq.std(ddof=1) / np.sqrt(runs)),
        mse_unit_runs=unit_sq, mse_mean_unit=float(unit_sq.mean()),
        mse_mean_unit_se=float(unit_sq.std(ddof=1) / np.sqrt(runs)),
        x_final=x.T.copy(), coupling=kappa, noise=sigma, dt=dt, t_max=t_max, burn_in=burn,
        n_units=n, n_runs=runs)
