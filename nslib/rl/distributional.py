"""Distributional TD: a population of value predictors that learn a whole reward distribution.

Dabney et al. (2020) found that dopamine neurons differ in how strongly they
respond to positive and to negative prediction errors. A predictor that learns
with rate ``alpha_plus`` from positive errors and ``alpha_minus`` from negative
ones does not converge to the mean reward: it settles where the two kinds of
update balance,

``tau * E[(r - V)_+] = (1 - tau) * E[(V - r)_+]``,   ``tau = alpha_plus / (alpha_plus + alpha_minus)``,

which defines the ``tau``-*expectile* of the reward distribution (Newey &
Powell 1987). ``tau = 1/2`` gives the mean (classical TD); optimists
(``tau > 1/2``) settle above it, pessimists below. A population with many
asymmetries therefore holds a set of expectiles, from which the distribution
can be decoded (:func:`decode_distribution`), the idea behind distributional
reinforcement learning (Bellemare, Dabney & Munos 2017).

A predictor's *reversal point* is the reward at which its error changes sign,
i.e. its learned value: that is what Dabney et al. measured in each neuron.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = [
    "DABNEY_REWARDS",
    "DecodedDistribution",
    "DistributionalTDResult",
    "decode_distribution",
    "distributional_td",
    "expectiles",
]

#: The variable-magnitude reward of Dabney et al. (2020): seven juice volumes
#: (microlitres), each given with equal probability.
DABNEY_REWARDS = (0.1, 0.3, 1.2, 2.5, 5.0, 10.0, 20.0)


def _check_rewards(rewards) -> np.ndarray:
    return check_finite_array("rewards", rewards, ndim=1, min_size=1)


def _check_asymmetries(asymmetries) -> np.ndarray:
    taus = check_finite_array("asymmetries", asymmetries, ndim=1)
    if np.any((taus <= 0) | (taus >= 1)):
        raise ValueError(f"asymmetries must all be in (0, 1); got {taus.tolist()}")
    return taus


def _check_bounds(bounds, reversal_points) -> tuple[float, float]:
    try:
        low, high = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be a pair (low, high) of numbers; got {bounds!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"bounds must be finite with low < high; got {bounds!r}")
    if reversal_points.min() < low or reversal_points.max() > high:
        raise ValueError(f"bounds must contain every reversal point (the expectiles of a "
                         f"distribution on [low, high] lie in it); got {bounds!r} for points from "
                         f"{reversal_points.min():g} to {reversal_points.max():g}")
    return low, high


def expectiles(rewards, asymmetries) -> np.ndarray:
    """The exact ``tau``-expectiles of an equally weighted set of rewards.

    The ``tau``-expectile ``e`` solves
    ``tau * mean((r - e)_+) = (1 - tau) * mean((e - r)_+)``; the left side
    falls and the right side rises with ``e``, so the root is unique and is
    found by bisection (:func:`scipy.optimize.brentq`).

    Parameters
    ----------
    rewards : array_like, shape (n,)
        Samples (or equally likely values) of the reward.
    asymmetries : array_like, shape (m,)
        Values of ``tau``, each in (0, 1).

    Returns
    -------
    numpy.ndarray, shape (m,)

    Examples
    --------
    >>> [round(float(e), 3) for e in expectiles([0.0, 1.0], [0.25, 0.5, 0.75])]
    [0.25, 0.5, 0.75]
    """
    from scipy.optimize import brentq

    r = _check_rewards(rewards)
    taus = _check_asymmetries(asymmetries)
    if r.min() == r.max():
        return np.full(len(taus), r[0])

    def balance(e, tau):
        return tau * np.maximum(r - e, 0).mean() - (1 - tau) * np.maximum(e - r, 0).mean()

    return np.array([brentq(balance, r.min(), r.max(), args=(tau,), xtol=1e-12) for tau in taus])


@dataclass(frozen=True, eq=False)
class DistributionalTDResult:
    """A population of asymmetric value predictors trained on one reward distribution.

    Attributes
    ----------
    asymmetries : numpy.ndarray
        ``tau = alpha_plus / (alpha_plus + alpha_minus)`` of each predictor,
        shape ``(n_units,)``.
    alpha_plus, alpha_minus : numpy.ndarray
        Learning rates for positive and negative errors.
    reversal_points : numpy.ndarray
        Each predictor's value averaged over the last quarter of training: the
        reward at which its error changes sign.
    expectiles : numpy.ndarray
        The exact ``tau``-expectiles of the reward distribution, what the
        reversal points converge to.
    values : numpy.ndarray
        Each predictor's value after every trial, shape ``(n_trials, n_units)``.
    rewards : numpy.ndarray
        The reward delivered on each trial, shape ``(n_trials,)``.
    distribution : numpy.ndarray
        The equally likely reward values the trials were drawn from.
    """

    asymmetries: np.ndarray
    alpha_plus: np.ndarray
    alpha_minus: np.ndarray
    reversal_points: np.ndarray
    expectiles: np.ndarray
    values: np.ndarray
    rewards: np.ndarray
    distribution: np.ndarray


def distributional_td(rewards=DABNEY_REWARDS, asymmetries=None, n_trials: int = 10000,
                      alpha: float = 0.01, *, seed=0) -> DistributionalTDResult:
    """Train predictors with asymmetric learning rates on a variable reward.

    On every trial one reward ``r`` is drawn, with equal probability, from
    ``rewards``; each predictor ``i`` computes its own error and updates

    ``delta_i = r - V_i``,
    ``V_i <- V_i + alpha_plus_i * delta_i``   if ``delta_i > 0``,
    ``V_i <- V_i + alpha_minus_i * delta_i``  otherwise,

    with ``alpha_plus_i = 2 alpha tau_i`` and ``alpha_minus_i = 2 alpha (1 - tau_i)``
    (so ``tau_i = 1/2`` learns with ``alpha`` both ways). Each is a one-step
    (cue-to-reward) TD predictor of the reward that follows a cue.

    Parameters
    ----------
    rewards : array_like, default :data:`DABNEY_REWARDS`
        Equally likely reward sizes (1-D, finite).
    asymmetries : array_like, optional
        ``tau`` of each predictor, each in (0, 1). Default: 20 values evenly
        spaced from 0.05 to 0.95.
    n_trials : int, default 10000
        Trials (>= 4).
    alpha : float, default 0.01
        Mean learning rate, in (0, 0.5].
    seed : int or numpy.random.Generator, default 0
        Draws the rewards.

    Returns
    -------
    DistributionalTDResult

    Examples
    --------
    >>> res = distributional_td([0.0, 1.0], [0.25, 0.5, 0.75], n_trials=4000, alpha=0.01)
    >>> [round(float(v), 1) for v in res.reversal_points]
    [0.2, 0.5, 0.7]
    """
    dist = _check_rewards(rewards)
    taus = _check_asymmetries(np.linspace(0.05, 0.95, 20) if asymmetries is None else asymmetries)
    n_trials = check_int("n_trials", n_trials, low=4)
    alpha = check_number("alpha", alpha, low=0.0, high=0.5, low_inclusive=False)
    rng = as_generator(seed)

    alpha_plus, alpha_minus = 2 * alpha * taus, 2 * alpha * (1 - taus)
    drawn = rng.choice(dist, size=n_trials)
    v = np.full(len(taus), dist.mean())     # start at the mean: only the asymmetry moves them
    values = np.empty((n_trials, len(taus)))
    for n, r in enumerate(drawn):
        delta = r - v
        v = v + np.where(delta > 0, alpha_plus, alpha_minus) * delta
        values[n] = v
    reversal = values[-(n_trials // 4):].mean(axis=0)
    return DistributionalTDResult(asymmetries=taus, alpha_plus=alpha_plus, alpha_minus=alpha_minus,
                                  reversal_points=reversal, expectiles=expectiles(dist, taus),
                                  values=values, rewards=drawn, distribution=dist)


@dataclass(frozen=True, eq=False)
class DecodedDistribution:
    """Reward samples whose expectiles match a population's reversal points.

    Attributes
    ----------
    samples : numpy.ndarray
        The decoded samples, sorted, shape ``(n_samples,)``.
    asymmetries, reversal_points : numpy.ndarray
        What was decoded.
    loss : float
        Remaining mismatch: the sum over predictors of the squared expectile
        conditions (0 for a perfect match).
    """

    samples: np.ndarray
    asymmetries: np.ndarray
    reversal_points: np.ndarray
    loss: float


def decode_distribution(reversal_points, asymmetries, n_samples: int = 100, bounds=None,
                        *, seed=0) -> DecodedDistribution:
    """Find a reward distribution whose expectiles are the given reversal points.

    The decoder of Dabney et al. (2020): find ``n_samples`` numbers ``z``
    that minimise, over the predictors ``i``,

    ``sum_i ( mean_z[ |tau_i - 1(z < e_i)| (z - e_i) ] )^2``,

    the mismatch of the expectile condition of each reversal point ``e_i``,
    by L-BFGS-B from random starting samples. Like Dabney et al., pass the
    task's range of rewards as ``bounds``: every sample then stays inside it
    (starting samples are drawn uniformly in it), so no decoded mass falls
    below the smallest or above the largest reward the task can give.

    Parameters
    ----------
    reversal_points : array_like, shape (m,)
        Each predictor's reversal point (reward units).
    asymmetries : array_like, shape (m,)
        Each predictor's ``tau``, in (0, 1).
    n_samples : int, default 100
        Samples to decode (>= 1).
    bounds : (float, float), optional
        Smallest and largest reward the task can give (reward units,
        ``low < high``, with every reversal point in ``[low, high]``).
        Default: unconstrained, starting samples spread over the reversal
        points' range widened by half of it on each side.
    seed : int or numpy.random.Generator, default 0
        Draws the starting samples (``n_samples`` uniform numbers).

    Returns
    -------
    DecodedDistribution

    Examples
    --------
    Expectiles of a fair coin, 0 or 1, decode back to half the mass on each side
    of 0.5 (the decoded samples are spread around 0 and 1, not exactly on them):

    >>> taus = np.linspace(0.1, 0.9, 9)
    >>> dec = decode_distribution(expectiles([0.0, 1.0], taus), taus, n_samples=50)
    >>> bool(dec.loss < 1e-4), float(np.mean(dec.samples < 0.5))
    (True, 0.5)

    Constrained to the task's rewards, [0, 1], the samples fall on them:

    >>> dec = decode_distribution(expectiles([0.0, 1.0], taus), taus, n_samples=50,
    ...                           bounds=(0.0, 1.0))
    >>> float(dec.samples.min()), float(dec.samples.max()), float(np.mean(dec.samples < 0.5))
    (0.0, 1.0, 0.5)
    """
    from scipy.optimize import minimize

    e = check_finite_array("reversal_points", reversal_points, ndim=1)
    taus = _check_asymmetries(asymmetries)
    if taus.shape != e.shape:
        raise ValueError(f"asymmetries must have one value per reversal point ({e.size}); "
                         f"got {taus.size}")
    n_samples = check_int("n_samples", n_samples, low=1)
    if bounds is None:
        spread = max(float(e.max() - e.min()), 1e-6)
        low, high = e.min() - 0.5 * spread, e.max() + 0.5 * spread
        box = None
    else:
        low, high = _check_bounds(bounds, e)
        box = [(low, high)] * n_samples
    rng = as_generator(seed)
    z0 = rng.uniform(low, high, n_samples)

    def loss_and_grad(z):
        diff = z[None, :] - e[:, None]                    # (m, n)
        weight = np.where(diff < 0, 1 - taus[:, None], taus[:, None])
        cond = (weight * diff).mean(axis=1)               # (m,)
        grad = 2 * (cond[:, None] * weight).sum(axis=0) / len(z)
        return float(np.sum(cond ** 2)), grad

    fit = minimize(loss_and_grad, z0, jac=True, method="L-BFGS-B", bounds=box,
                   options={"maxiter": 500, "gtol": 1e-12, "ftol": 1e-15})
    return DecodedDistribution(samples=np.sort(fit.x), asymmetries=taus, reversal_points=e,
                               loss=float(fit.fun))
