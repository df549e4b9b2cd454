"""Classical conditioning: the Rescorla-Wagner rule and temporal-difference (TD) learning.

* :func:`rescorla_wagner` -- trial-level learning of associative strengths
  (Rescorla & Wagner 1972): every cue present on a trial shares one prediction
  error, the difference between the reward and the summed prediction of all
  present cues. It is the delta rule (Widrow & Hoff 1960) applied to cues,
  and explains acquisition, extinction and Kamin's blocking.
* :func:`td_conditioning` -- TD(0) (Sutton 1988) inside a trial, with a
  *complete serial compound* (tapped delay line) representation of the time
  since the cue, the model of dopamine responses of Montague, Dayan &
  Sejnowski (1996) and Schultz, Dayan & Montague (1997).
* :func:`schultz_conditions` -- the prediction errors of Schultz's three
  classic recordings (unpredicted reward, predicted reward, omitted reward).
* :func:`reward_probability_responses` -- cue and reward responses when the
  reward comes with probability ``p`` (Fiorillo, Tobler & Schultz 2003).

Time inside a trial is counted in *steps* (integers); what a step lasts is up
to the caller (the chapter uses 100 ms). Rewards are in arbitrary units (1 = one
drop of juice).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = [
    "ConditionRPEs",
    "RescorlaWagnerResult",
    "RewardProbabilityResult",
    "TDResult",
    "reward_probability_responses",
    "rescorla_wagner",
    "schultz_conditions",
    "td_conditioning",
]


# ---------------------------------------------------------------------------
# Rescorla-Wagner
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RescorlaWagnerResult:
    """Associative strengths learned by the Rescorla-Wagner rule.

    Attributes
    ----------
    strengths : numpy.ndarray
        Associative strength of each cue *after* each trial, shape
        ``(n_trials, n_cues)`` (reward units).
    predictions : numpy.ndarray
        Summed strength of the cues present on each trial, *before* its
        update, shape ``(n_trials,)``.
    errors : numpy.ndarray
        Prediction error of each trial, ``lam * reward - prediction``.
    stimuli : numpy.ndarray
        The 0/1 design, shape ``(n_trials, n_cues)``.
    rewards : numpy.ndarray
        Reward on each trial, shape ``(n_trials,)``.
    """

    strengths: np.ndarray
    predictions: np.ndarray
    errors: np.ndarray
    stimuli: np.ndarray
    rewards: np.ndarray


def rescorla_wagner(stimuli, rewards, alpha=0.2, beta: float = 1.0,
                    lam: float = 1.0) -> RescorlaWagnerResult:
    """Run the Rescorla-Wagner rule over a sequence of conditioning trials.

    On trial ``n`` the cues present (``x_i = 1``) predict
    ``P = sum_j x_j V_j``; the reward ``r`` (0 or 1, or any size) sets the
    asymptote ``lam * r``, and every present cue moves by the same error:

    ``V_i <- V_i + alpha_i * beta * (lam * r - P) * x_i``.

    Strengths start at 0. The rule is deterministic, so it takes no seed.

    Parameters
    ----------
    stimuli : array_like of 0/1, shape (n_trials, n_cues)
        Which cues are present on each trial.
    rewards : array_like, shape (n_trials,)
        Reward on each trial (>= 0; 1 = reward, 0 = none).
    alpha : float or array_like of shape (n_cues,), default 0.2
        Salience of each cue, in (0, 1].
    beta : float, default 1.0
        Learning rate set by the reward, in (0, 1].
    lam : float, default 1.0
        Asymptote of learning per unit of reward (> 0).

    Returns
    -------
    RescorlaWagnerResult

    Examples
    --------
    Ten rewarded trials with one cue: the strength climbs towards 1.

    >>> res = rescorla_wagner(np.ones((10, 1)), np.ones(10), alpha=0.3)
    >>> [round(float(v), 3) for v in res.strengths[:3, 0]]
    [0.3, 0.51, 0.657]
    """
    x = check_finite_array("stimuli", stimuli, ndim=2)
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("stimuli must contain only 0 (cue absent) and 1 (cue present)")
    r = check_finite_array("rewards", rewards, ndim=1)
    if r.shape[0] != x.shape[0]:
        raise ValueError(f"rewards must have one value per trial ({x.shape[0]}); got {r.shape[0]}")
    if np.any(r < 0):
        raise ValueError("rewards must be >= 0")
    a = check_finite_array("alpha", alpha)
    if a.ndim == 0:
        a = np.full(x.shape[1], float(a))
    if a.shape != (x.shape[1],) or not np.all((a > 0) & (a <= 1)):
        raise ValueError(f"alpha must be in (0, 1], one value or one per cue ({x.shape[1]}); "
                         f"got {np.asarray(alpha).tolist()}")
    beta = check_number("beta", beta, low=0.0, high=1.0, low_inclusive=False)
    lam = check_number("lam", lam, low=0.0, low_inclusive=False)

    v = np.zeros(x.shape[1])
    strengths = np.empty_like(x)
    predictions = np.empty(x.shape[0])
    errors = np.empty(x.shape[0])
    for n in range(x.shape[0]):
        predictions[n] = x[n] @ v
        # One error for all the cues present: the source of blocking.
        errors[n] = lam * r[n] - predictions[n]
        v = v + a * beta * errors[n] * x[n]
        strengths[n] = v
    return RescorlaWagnerResult(strengths=strengths, predictions=predictions, errors=errors,
                                stimuli=x, rewards=r)


# ---------------------------------------------------------------------------
# TD(0) with a complete serial compound
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TDResult:
    """Prediction errors and values of TD(0) over conditioning trials.

    Attributes
    ----------
    rpe : numpy.ndarray
        Prediction error ``delta(t)`` at each time step of each trial, shape
        ``(n_trials, n_steps)``.
    values : numpy.ndarray
        Value ``V(t)`` seen during each trial (before that step's update),
        shape ``(n_trials, n_steps)``.
    weights : numpy.ndarray
        Weight of each delay-line element after each trial, shape
        ``(n_trials, n_steps - cue_time)``; element ``k`` is active ``k`` steps
        after the cue.
    rewards : numpy.ndarray
        Reward delivered at each step, shape ``(n_trials, n_steps)``.
    rewarded : numpy.ndarray of bool
        Whether each trial's reward came, shape ``(n_trials,)``.
    cue_time, reward_time : int
        Steps of cue onset and of the reward.
    gamma, alpha : float
        Discount factor and learning rate.
    """

    rpe: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    rewards: np.ndarray
    rewarded: np.ndarray
    cue_time: int
    reward_time: int
    gamma: float
    alpha: float


def td_conditioning(n_trials: int = 150, n_steps: int = 25, cue_time: int = 5,
                    reward_time: int = 15, gamma: float = 0.98, alpha: float = 0.3,
                    reward_prob: float = 1.0, omit_reward_on=None, reward_size: float = 1.0,
                    *, seed=0) -> TDResult:
    """TD(0) learning of a cue-reward delay, with a tapped-delay-line cue representation.

    Each trial lasts ``n_steps`` steps. The cue comes on at ``cue_time`` and
    starts a *complete serial compound*: the feature ``x_k(t) = 1`` exactly
    when ``t - cue_time = k`` (one feature per step since the cue, a tapped
    delay line). The value is ``V(t) = w . x(t)``; before the cue no feature is
    active, so ``V = 0`` (the cue itself comes at unpredictable times). At each
    step the prediction error and the online update are

    ``delta(t) = r(t) + gamma * V(t) - V(t-1)``,
    ``w <- w + alpha * delta(t) * x(t-1)``,

    with ``V(-1) = 0``, so ``V(t-1)`` learns to predict ``r(t) + gamma V(t)``:
    after learning ``delta`` is ``gamma^(reward_time - cue_time)`` at the cue
    and 0 at the reward. The reward ``reward_size`` comes at ``reward_time``
    with probability ``reward_prob``, except on the trials listed in
    ``omit_reward_on``.

    Parameters
    ----------
    n_trials : int, default 150
        Number of trials (>= 1).
    n_steps : int, default 25
        Time steps per trial (>= 3).
    cue_time : int, default 5
        Step of cue onset, in [1, reward_time - 1].
    reward_time : int, default 15
        Step of the reward, in [cue_time + 1, n_steps - 1].
    gamma : float, default 0.98
        Discount factor per step, in [0, 1].
    alpha : float, default 0.3
        Learning rate, in (0, 1].
    reward_prob : float, default 1.0
        Probability that a trial is rewarded, in [0, 1].
    omit_reward_on : sequence of int, optional
        Trials (0-based) on which the reward is withheld whatever happens.
    reward_size : float, default 1.0
        Size of the reward (> 0).
    seed : int or numpy.random.Generator, default 0
        Draws which trials are rewarded when ``reward_prob < 1``.

    Returns
    -------
    TDResult

    Examples
    --------
    Before learning the error sits at the reward; after, at the cue:

    >>> res = td_conditioning(n_trials=200, gamma=1.0, alpha=0.5)
    >>> int(np.argmax(res.rpe[0])), int(np.argmax(res.rpe[-1]))
    (15, 5)
    >>> round(float(res.rpe[-1, 5]), 3), round(float(res.rpe[-1, 15]), 3)
    (1.0, 0.0)
    """
    n_trials = check_int("n_trials", n_trials, low=1)
    n_steps = check_int("n_steps", n_steps, low=3)
    reward_time = check_int("reward_time", reward_time, low=2, high=n_steps - 1)
    cue_time = check_int("cue_time", cue_time, low=1, high=reward_time - 1)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0)
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    reward_prob = check_number("reward_prob", reward_prob, low=0.0, high=1.0)
    reward_size = check_number("reward_size", reward_size, low=0.0, low_inclusive=False)
    omitted = np.zeros(n_trials, dtype=bool)
    if omit_reward_on is not None:
        idx = np.asarray(omit_reward_on)
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise ValueError(f"omit_reward_on must be a sequence of trial indices in "
                             f"[0, {n_trials - 1}]; got {omit_reward_on!r}")
        if idx.size and (idx.min() < 0 or idx.max() >= n_trials):
            raise ValueError(f"omit_reward_on must hold trial indices in [0, {n_trials - 1}]; "
                             f"got {idx.tolist()}")
        omitted[idx.astype(int)] = True
    rng = as_generator(seed)

    rewarded = (rng.random(n_trials) < reward_prob) & ~omitted
    rewards = np.zeros((n_trials, n_steps))
    rewards[rewarded, reward_time] = reward_size
    n_features = n_steps - cue_time
    w = np.zeros(n_features)
    rpe = np.empty((n_trials, n_steps))
    values = np.empty((n_trials, n_steps))
    weights = np.empty((n_trials, n_features))
    for n in range(n_trials):
        v_prev, k_prev = 0.0, -1          # V(t-1) and its active feature (-1: none)
        for t in range(n_steps):
            k = t - cue_time              # the delay-line element active now
            v_now = w[k] if k >= 0 else 0.0
            delta = rewards[n, t] + gamma * v_now - v_prev
            if k_prev >= 0:
                w[k_prev] += alpha * delta
            rpe[n, t], values[n, t] = delta, v_now
            # Read V(t) after the update, as the next step's V(t-1): with
            # one feature per step the update never touches w[k], so they agree.
            v_prev, k_prev = v_now, k
        weights[n] = w
    return TDResult(rpe=rpe, values=values, weights=weights, rewards=rewards, rewarded=rewarded,
                    cue_time=cue_time, reward_time=reward_time, gamma=gamma, alpha=alpha)


# ---------------------------------------------------------------------------
# Schultz's three conditions
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ConditionRPEs:
    """Prediction errors of one trial in each of Schultz's three conditions.

    Attributes
    ----------
    rpe : numpy.ndarray
        ``delta(t)``, shape ``(3, n_steps)``: rows in the order of ``labels``.
    labels : tuple of str
        ``("unpredicted reward", "predicted reward", "omitted reward")``.
    cue_time, reward_time : int
        Steps of cue onset and reward.
    """

    rpe: np.ndarray
    labels: tuple
    cue_time: int
    reward_time: int


def schultz_conditions(n_trials: int = 150, n_steps: int = 25, cue_time: int = 5,
                       reward_time: int = 15, gamma: float = 0.98, alpha: float = 0.3,
                       *, seed=0) -> ConditionRPEs:
    """The TD errors of Schultz, Dayan & Montague (1997), figure 1.

    * *unpredicted reward*: the first trial, before any learning (the same
      errors as a reward given without a cue: nothing predicts it);
    * *predicted reward*: the last of ``n_trials`` rewarded training trials;
    * *omitted reward*: one more trial, after training, without the reward.

    Parameters are those of :func:`td_conditioning` (every training trial
    is rewarded).

    Parameters
    ----------
    n_trials : int, >= 1
        Rewarded training trials.
    n_steps : int, >= 3
        Time steps per trial.
    cue_time : int
        Step of cue onset, in [1, reward_time - 1].
    reward_time : int
        Step of the reward, in [cue_time + 1, n_steps - 1].
    gamma : float, in [0, 1]
        Discount factor per step.
    alpha : float, in (0, 1]
        Learning rate.
    seed : int or numpy.random.Generator
        Seed of :func:`td_conditioning` (every trial is rewarded, so it changes nothing).

    Returns
    -------
    ConditionRPEs

    Examples
    --------
    >>> c = schultz_conditions(gamma=1.0, alpha=0.5, n_trials=200)
    >>> [round(float(x), 2) for x in c.rpe[:, 15]]   # at the reward time
    [1.0, 0.0, -1.0]
    """
    n_trials = check_int("n_trials", n_trials, low=1)
    res = td_conditioning(n_trials + 1, n_steps, cue_time, reward_time, gamma, alpha,
                          omit_reward_on=[n_trials], seed=seed)
    rows = np.stack([res.rpe[0], res.rpe[n_trials - 1], res.rpe[n_trials]])
    return ConditionRPEs(rpe=rows,
                         labels=("unpredicted reward", "predicted reward", "omitted reward"),
                         cue_time=res.cue_time, reward_time=res.reward_time)


# ---------------------------------------------------------------------------
# Probabilistic reward
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RewardProbabilityResult:
    """Cue and reward responses of TD(0) after training with probabilistic reward.

    Attributes
    ----------
    probabilities : numpy.ndarray
        Reward probabilities ``p``, shape ``(n_p,)``.
    cue_response : numpy.ndarray
        Mean ``delta`` at the cue over the test trials, for each ``p``.
    reward_response : numpy.ndarray
        Mean ``delta`` at the reward time over the rewarded test trials (NaN
        if there were none, i.e. ``p = 0``).
    omission_response : numpy.ndarray
        Mean ``delta`` at the reward time over the unrewarded test trials
        (NaN if there were none, i.e. ``p = 1``).
    predicted_cue, predicted_reward, predicted_omission : numpy.ndarray
        What a fully trained TD model predicts: ``p gamma^d``, ``1 - p`` and
        ``-p`` (``d`` = reward_time - cue_time steps; reward size 1).
    example : TDResult
        The run at the last probability, for heat maps.
    """

    probabilities: np.ndarray
    cue_response: np.ndarray
    reward_response: np.ndarray
    omission_response: np.ndarray
    predicted_cue: np.ndarray
    predicted_reward: np.ndarray
    predicted_omission: np.ndarray
    example: TDResult


def reward_probability_responses(probabilities=(0.0, 0.25, 0.5, 0.75, 1.0), n_trials: int = 400,
                                 n_test: int = 200, n_steps: int = 25, cue_time: int = 5,
                                 reward_time: int = 15, gamma: float = 0.98, alpha: float = 0.1,
                                 *, seed=0) -> RewardProbabilityResult:
    """Train TD(0) with reward probability ``p`` and measure its cue and reward responses.

    For each ``p`` one model trains for ``n_trials`` trials; the responses are
    averaged over the last ``n_test`` of them, by then near the fixed point
    where ``V`` after the cue equals the *expected* discounted reward. With a
    constant learning rate the weights keep jittering from trial to trial, so
    a smaller ``alpha`` gives averages closer to the prediction.

    Parameters
    ----------
    probabilities : sequence of float, default (0, 0.25, 0.5, 0.75, 1)
        Reward probabilities, each in [0, 1].
    n_trials : int, default 400
        Trials per probability (>= 2).
    n_test : int, default 200
        Final trials averaged, in [1, n_trials - 1].
    n_steps, cue_time, reward_time, gamma, alpha
        As in :func:`td_conditioning`.
    seed : int or numpy.random.Generator, default 0
        Draws the rewarded trials. Every probability uses the *same* uniform
        numbers (common random numbers: trial ``n`` is rewarded when its number
        is below ``p``), so the run for ``p`` is exactly
        ``td_conditioning(..., reward_prob=p, seed=seed)`` and a Generator is
        advanced by one run's draws, ``n_trials`` numbers.

    Returns
    -------
    RewardProbabilityResult

    Examples
    --------
    >>> res = reward_probability_responses([0.25, 0.75], gamma=1.0)
    >>> bool(res.cue_response[1] > res.cue_response[0])
    True
    >>> bool(res.reward_response[1] < res.reward_response[0])
    True
    """
    probs = check_finite_array("probabilities", probabilities, ndim=1)
    if np.any((probs < 0) | (probs > 1)):
        raise ValueError(f"probabilities must all be in [0, 1]; got {probs.tolist()}")
    n_trials = check_int("n_trials", n_trials, low=2)
    n_test = check_int("n_test", n_test, low=1, high=n_trials - 1)
    rng = as_generator(seed)
    cue, reward, omission = (np.full(len(probs), np.nan) for _ in range(3))
    res = None
    for j, p in enumerate(probs):
        # A copy of the generator's state for each p: the same draws for every p.
        res = td_conditioning(n_trials, n_steps, cue_time, reward_time, gamma, alpha,
                              reward_prob=float(p), seed=copy.deepcopy(rng))
        test = slice(n_trials - n_test, n_trials)
        got = res.rewarded[test]
        cue[j] = res.rpe[test, res.cue_time].mean()
        at_reward = res.rpe[test, res.reward_time]
        if got.any():
            reward[j] = at_reward[got].mean()
        if (~got).any():
            omission[j] = at_reward[~got].mean()
    rng.random(n_trials)                  # advance the caller's generator by one run
    discount = res.gamma ** (res.reward_time - res.cue_time)
    return RewardProbabilityResult(probabilities=probs, cue_response=cue, reward_response=reward,
                                   omission_response=omission, predicted_cue=probs * discount,
                                   predicted_reward=1.0 - probs, predicted_omission=-probs,
                                   example=res)
