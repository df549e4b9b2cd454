"""Bayesian belief updating in a volatile world: the two-level Hierarchical Gaussian Filter.

The Hierarchical Gaussian Filter (HGF; Mathys et al. 2011, 2014) is an
observer that tracks a hidden quantity ``x1`` (here the mean reward of an
option) *and* how fast it changes, its log-volatility ``x2``:

* ``x1`` takes a Gaussian random walk whose step variance is ``exp(κ x2 + ω)``;
* ``x2`` takes a Gaussian random walk of step variance ``ϑ``;
* each observed reward is ``u = x1 + noise`` with known precision ``π_u``.

Variational inverting of this model gives closed-form, one-step updates of
Gaussian beliefs ``N(μ1, σ1)`` and ``N(μ2, σ2)`` (:func:`hgf_update`). The
update of the reward estimate is a delta rule, ``μ1 <- μ1 + α δ``, whose
learning rate ``α = π_u / π1`` is the precision of the input relative to
the precision of the new belief: it grows when the observer believes the
world to be volatile. The volatility update is the one Mathys et al. (2011)
derived for the upper levels of the hierarchy; the reward level
takes Gaussian input, as in Mathys et al. (2014).

The course does not use the ``pyhgf`` package: version 0.2.12, the last one
for Python 3.11, installs 24 more packages (JAX, PyMC, PyTensor, Numba,
pandas...), about 700 MB, and takes 1.5 to 4 s to import; these 40 lines do
the same update (they agree with its ``"standard"`` update to float32 precision).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = ["HGFBelief", "HGFResult", "VolatileRewards", "hgf", "hgf_update", "volatile_rewards"]


@dataclass(frozen=True)
class HGFBelief:
    """The HGF's Gaussian beliefs after one trial.

    Attributes
    ----------
    mu1, sigma1 : float
        Mean and variance of the belief about the mean reward ``x1`` (reward units, squared).
    mu2, sigma2 : float
        Mean and variance of the belief about the log-volatility ``x2``.
    learning_rate : float
        ``α = π_u / π1``, the weight of this trial's prediction error in ``μ1``.
    prediction_error : float
        ``δ = u - μ1`` (before the update), in reward units.
    volatility_error : float
        The volatility prediction error ``δ1 = (σ1 + (μ1 - μ̂1)²) π̂1 - 1``.
    """

    mu1: float
    sigma1: float
    mu2: float
    sigma2: float
    learning_rate: float
    prediction_error: float
    volatility_error: float


def hgf_update(mu1: float, sigma1: float, mu2: float, sigma2: float, u: float, *,
               input_precision: float = 1.0, kappa: float = 1.0, omega: float = -4.0,
               theta: float = 0.05) -> HGFBelief:
    """One trial of the two-level HGF: update the beliefs after observing the reward ``u``.

    Prediction: ``σ̂1 = σ1 + exp(κ μ2 + ω)``, ``π̂1 = 1/σ̂1``, ``π̂2 = 1/(σ2 + ϑ)``.
    Reward level: ``π1 = π̂1 + π_u``, ``μ1' = μ1 + (π_u/π1) (u - μ1)``.
    Volatility level (Mathys et al. 2011, their upper-level update, one level down):
    ``w = exp(κ μ2 + ω) π̂1``, ``r = (exp(κ μ2 + ω) - σ1) π̂1``,
    ``δ1 = (1/π1 + (μ1' - μ1)²) π̂1 - 1``, ``π2 = π̂2 + κ²/2 w (w + r δ1)``,
    ``μ2' = μ2 + κ/2 w δ1 / π2``.

    Parameters
    ----------
    mu1, sigma1 : float
        Previous belief about the mean reward (``sigma1 > 0``).
    mu2, sigma2 : float
        Previous belief about the log-volatility (``sigma2 > 0``).
    u : float
        The reward observed on this trial.
    input_precision : float, > 0
        ``π_u``, the inverse variance of the reward around its mean.
    kappa : float, in (0, 10]
        ``κ``, the coupling of the volatility to the reward level.
    omega : float, in [-20, 10]
        ``ω``, the tonic (log) step variance of ``x1``.
    theta : float, > 0
        ``ϑ``, the step variance of the log-volatility.

    Returns
    -------
    HGFBelief

    Raises
    ------
    ValueError
        If the volatility precision ``π2`` comes out non-positive (the
        parameters make the approximation break down on this trial).

    Examples
    --------
    >>> b = hgf_update(0.0, 1.0, 0.0, 1.0, 1.0, omega=0.0)
    >>> round(b.learning_rate, 4), round(b.mu1, 4)     # π̂1 = 1/2, so α = 1/(1/2 + 1)
    (0.6667, 0.6667)
    """
    mu1 = check_number("mu1", mu1)
    sigma1 = check_number("sigma1", sigma1, low=0.0, low_inclusive=False)
    mu2 = check_number("mu2", mu2)
    sigma2 = check_number("sigma2", sigma2, low=0.0, low_inclusive=False)
    u = check_number("u", u)
    pi_u = check_number("input_precision", input_precision, low=0.0, low_inclusive=False)
    kappa = check_number("kappa", kappa, low=0.0, high=10.0, low_inclusive=False)
    omega = check_number("omega", omega, low=-20.0, high=10.0)
    theta = check_number("theta", theta, low=0.0, low_inclusive=False)
    return _update(mu1, sigma1, mu2, sigma2, u, pi_u, kappa, omega, theta)


def _update(mu1, sigma1, mu2, sigma2, u, pi_u, kappa, omega, theta) -> HGFBelief:
    step_var = np.exp(kappa * mu2 + omega)
    pi1_hat = 1.0 / (sigma1 + step_var)
    pi1 = pi1_hat + pi_u
    learning_rate = pi_u / pi1
    delta = u - mu1
    mu1_new = mu1 + learning_rate * delta
    volatility_error = (1.0 / pi1 + (mu1_new - mu1) ** 2) * pi1_hat - 1.0
    w = step_var * pi1_hat
    r = (step_var - sigma1) * pi1_hat
    pi2 = 1.0 / (sigma2 + theta) + 0.5 * kappa**2 * w * (w + r * volatility_error)
    if not pi2 > 0:
        raise ValueError(f"theta (with kappa and omega) makes the volatility precision non-positive "
                         f"({pi2:.3g}) after a surprise this large; use a smaller theta or kappa")
    mu2_new = mu2 + 0.5 * kappa * w * volatility_error / pi2
    return HGFBelief(mu1=float(mu1_new), sigma1=float(1.0 / pi1), mu2=float(mu2_new),
                     sigma2=float(1.0 / pi2), learning_rate=float(learning_rate),
                     prediction_error=float(delta), volatility_error=float(volatility_error))


@dataclass(frozen=True, eq=False)
class HGFResult:
    """The HGF's beliefs over a sequence of rewards.

    Attributes
    ----------
    rewards : numpy.ndarray, shape (n_trials,)
        The observed rewards ``u``.
    prediction : numpy.ndarray, shape (n_trials,)
        ``μ1`` before each trial: the reward the observer expected.
    mu1, sigma1, mu2, sigma2 : numpy.ndarray, shape (n_trials,)
        Beliefs after each trial.
    learning_rate : numpy.ndarray, shape (n_trials,)
        ``α`` on each trial.
    volatility : numpy.ndarray, shape (n_trials,)
        ``exp(κ μ2 + ω)``, the believed step variance of the mean reward after each trial.
    """

    rewards: np.ndarray
    prediction: np.ndarray
    mu1: np.ndarray
    sigma1: np.ndarray
    mu2: np.ndarray
    sigma2: np.ndarray
    learning_rate: np.ndarray
    volatility: np.ndarray


def hgf(rewards, *, input_precision: float = 1.0, kappa: float = 1.0, omega: float = -4.0,
        theta: float = 0.05, mu1_0: float = 0.0, sigma1_0: float = 1.0, mu2_0: float = 0.0,
        sigma2_0: float = 1.0) -> HGFResult:
    """Run the two-level HGF over a sequence of rewards (:func:`hgf_update` on each).

    Parameters
    ----------
    rewards : array_like, shape (n_trials,)
        Observed rewards (finite).
    input_precision, kappa, omega, theta
        As in :func:`hgf_update`.
    mu1_0, sigma1_0, mu2_0, sigma2_0 : float
        Beliefs before the first trial (variances > 0).

    Returns
    -------
    HGFResult

    Examples
    --------
    >>> res = hgf([1.0, 1.0, 1.0], mu1_0=1.0)
    >>> res.learning_rate.round(3).tolist()
    [0.505, 0.343, 0.265]
    """
    u = check_finite_array("rewards", rewards, ndim=1)
    pi_u = check_number("input_precision", input_precision, low=0.0, low_inclusive=False)
    kappa = check_number("kappa", kappa, low=0.0, high=10.0, low_inclusive=False)
    omega = check_number("omega", omega, low=-20.0, high=10.0)
    theta = check_number("theta", theta, low=0.0, low_inclusive=False)
    mu1 = check_number("mu1_0", mu1_0)
    sigma1 = check_number("sigma1_0", sigma1_0, low=0.0, low_inclusive=False)
    mu2 = check_number("mu2_0", mu2_0)
    sigma2 = check_number("sigma2_0", sigma2_0, low=0.0, low_inclusive=False)
    n = len(u)
    out = {name: np.empty(n) for name in ("prediction", "mu1", "sigma1", "mu2", "sigma2",
                                           "learning_rate")}
    for k in range(n):
        out["prediction"][k] = mu1
        belief = _update(mu1, sigma1, mu2, sigma2, float(u[k]), pi_u, kappa, omega, theta)
        mu1, sigma1, mu2, sigma2 = belief.mu1, belief.sigma1, belief.mu2, belief.sigma2
        for name in ("mu1", "sigma1", "mu2", "sigma2", "learning_rate"):
            out[name][k] = getattr(belief, name)
    return HGFResult(rewards=u, volatility=np.exp(kappa * out["mu2"] + omega), **out)


@dataclass(frozen=True, eq=False)
class VolatileRewards:
    """A reward sequence whose mean is stable, then volatile, then stable again.

    Attributes
    ----------
    rewards : numpy.ndarray, shape (n_trials,)
        Observed rewards: the mean plus Gaussian noise.
    mean : numpy.ndarray, shape (n_trials,)
        The hidden mean reward on each trial.
    volatile : numpy.ndarray of bool, shape (n_trials,)
        True on the trials of the volatile phase.
    block : int
        Trials between changes of the mean in the volatile phase.
    """

    rewards: np.ndarray
    mean: np.ndarray
    volatile: np.ndarray
    block: int


def volatile_rewards(n_stable: int = 150, n_volatile: int = 150, block: int = 10,
                     mean: float = 5.0, spread: float = 3.0, noise: float = 1.0,
                     *, seed: Any = 0) -> VolatileRewards:
    """Rewards whose mean is constant, then jumps every ``block`` trials, then is constant again.

    Stable phase: ``n_stable`` trials with mean ``mean``. Volatile phase:
    ``n_volatile`` trials in which the mean is redrawn uniformly from
    ``[mean - spread, mean + spread]`` every ``block`` trials. Then
    ``n_stable`` trials at ``mean`` again. Each reward is the mean plus
    Gaussian noise of standard deviation ``noise``.

    Parameters
    ----------
    n_stable, n_volatile : int, in [1, 100000]
    block : int, >= 1
        Trials between jumps of the mean in the volatile phase.
    mean, spread : float
        Centre and half-width of the range of means (reward units; ``spread >= 0``).
    noise : float, >= 0
        Standard deviation of the rewards around their mean.
    seed : int or numpy.random.Generator

    Returns
    -------
    VolatileRewards

    Examples
    --------
    >>> env = volatile_rewards(n_stable=5, n_volatile=4, block=2, seed=0)
    >>> env.rewards.shape, int(env.volatile.sum())
    ((14,), 4)
    """
    n_stable = check_int("n_stable", n_stable, low=1, high=100000)
    n_volatile = check_int("n_volatile", n_volatile, low=1, high=100000)
    block = check_int("block", block, low=1)
    mean = check_number("mean", mean)
    spread = check_number("spread", spread, low=0.0)
    noise = check_number("noise", noise, low=0.0)
    rng = as_generator(seed)
    # Whole blocks of draws whose shapes do not depend on ``block``: the noise first, then one
    # candidate mean per volatile trial, of which the first ``n_blocks`` are used. So every
    # ``block`` sees the same noise, and the same seed gives the same first means.
    noise_draws = rng.standard_normal(2 * n_stable + n_volatile)
    levels = rng.uniform(mean - spread, mean + spread, n_volatile)
    n_blocks = -(-n_volatile // block)
    jumps = np.repeat(levels[:n_blocks], block)[:n_volatile]
    hidden = np.concatenate([np.full(n_stable, mean), jumps, np.full(n_stable, mean)])
    volatile = np.zeros(len(hidden), dtype=bool)
    volatile[n_stable:n_stable + n_volatile] = True
    return VolatileRewards(rewards=hidden + noise * noise_draws, mean=hidden,
                           volatile=volatile, block=block)
