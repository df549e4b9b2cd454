"""Model-free and model-based control: the two-step task (Daw, Gershman, Seymour, Dayan & Dolan 2011).

On each trial the agent first chooses between two actions. Action 0 usually
(``p_common = 0.7``) leads to second-stage state 0 and rarely to state 1;
action 1 the reverse. In the second-stage state the agent chooses again
between two actions, each rewarded (1) or not (0) with a probability that
drifts slowly and independently (a Gaussian random walk of standard deviation
0.025 per trial, reflected into [0.25, 0.75]).

* A **model-free** agent, SARSA(lambda), caches first-stage values and
  repeats what was rewarded, whatever the transition: a main effect of reward
  on the probability to stay with the same first-stage action.
* A **model-based** agent knows the transition probabilities and plans:
  ``Q_MB(a) = sum_s P(s | a) max_b Q2(s, b)``. A reward after a *rare*
  transition makes it switch (the other action leads there more often): a
  reward x transition interaction.
* A **hybrid** chooses by ``w Q_MB + (1 - w) Q_MF``; Daw et al. found human
  choices in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = ["AGENTS", "TwoStepResult", "stay_probabilities", "two_step_task"]

AGENTS = ("model_free", "model_based", "hybrid")


@dataclass(frozen=True, eq=False)
class TwoStepResult:
    """A simulated session of the two-step task.

    Attributes
    ----------
    stay : numpy.ndarray
        Probability of repeating the previous first-stage choice, shape ``(2, 2)``:
        rows rewarded / unrewarded on the previous trial, columns common / rare
        transition on the previous trial.
    stay_counts : numpy.ndarray of int
        Number of trials behind each entry of ``stay``, shape ``(2, 2)``.
    choices1 : numpy.ndarray of int
        First-stage choice of every trial (0 or 1), shape ``(n_trials,)``.
    states : numpy.ndarray of int
        Second-stage state reached (0 or 1).
    choices2 : numpy.ndarray of int
        Second-stage choice (0 or 1).
    rewards : numpy.ndarray of int
        Reward of every trial (0 or 1).
    common : numpy.ndarray of bool
        Whether the transition was the common one.
    reward_probabilities : numpy.ndarray
        The drifting reward probabilities, shape ``(n_trials, 2, 2)`` (state, action).
    agent : str
    w : float
        The model-based weight used (0 for model-free, 1 for model-based).
    """

    stay: np.ndarray
    stay_counts: np.ndarray
    choices1: np.ndarray
    states: np.ndarray
    choices2: np.ndarray
    rewards: np.ndarray
    common: np.ndarray
    reward_probabilities: np.ndarray
    agent: str
    w: float


def stay_probabilities(choices1, rewards, common) -> np.ndarray:
    """Stay probabilities by the previous trial's reward and transition, from a choice log.

    Parameters
    ----------
    choices1 : array_like of int, shape (n_trials,)
        First-stage choices (0 or 1), at least 2 trials.
    rewards : array_like of int, shape (n_trials,)
        Rewards (0 or 1).
    common : array_like of bool, shape (n_trials,)
        Whether each trial's transition was common.

    Returns
    -------
    numpy.ndarray
        Shape ``(2, 2)``: rows rewarded / unrewarded, columns common / rare; an
        entry with no trials is NaN.

    Examples
    --------
    >>> stay_probabilities([0, 0, 1, 1], [1, 0, 1, 0], [True, True, True, True]).tolist()
    [[1.0, nan], [0.0, nan]]
    """
    return _stay(choices1, rewards, common)[0]


def _stay(choices1, rewards, common):
    c = check_finite_array("choices1", choices1, ndim=1, min_size=2)
    r = check_finite_array("rewards", rewards, ndim=1)
    k = check_finite_array("common", np.asarray(common, dtype=float), ndim=1)
    if not (c.shape == r.shape == k.shape):
        raise ValueError(f"rewards and common must have the shape of choices1 {c.shape}; "
                         f"got {r.shape} and {k.shape}")
    for name, a in (("choices1", c), ("rewards", r), ("common", k)):
        if not np.all((a == 0) | (a == 1)):
            raise ValueError(f"{name} must hold only 0 and 1")
    stayed = c[1:] == c[:-1]
    prev_r, prev_k = r[:-1] == 1, k[:-1] == 1
    stay = np.full((2, 2), np.nan)
    counts = np.zeros((2, 2), dtype=int)
    for row, rewarded in enumerate((True, False)):
        for col, was_common in enumerate((True, False)):
            sel = (prev_r == rewarded) & (prev_k == was_common)
            counts[row, col] = int(sel.sum())
            if counts[row, col]:
                stay[row, col] = float(stayed[sel].mean())
    return stay, counts


def _softmax_pick(q0: float, q1: float, beta: float, u: float) -> int:
    # P(choose 1) = 1 / (1 + exp(-beta (q1 - q0))).
    return int(u < 1.0 / (1.0 + np.exp(-beta * (q1 - q0))))


def two_step_task(agent: str, n_trials: int = 2000, w: float | None = None, *, alpha: float = 0.5,
                  beta: float = 5.0, lam: float = 1.0, p_common: float = 0.7, drift: float = 0.025,
                  seed=0) -> TwoStepResult:
    """Simulate one agent in Daw et al.'s (2011) two-step task.

    Second-stage values learn ``Q2(s, b) += alpha (r - Q2(s, b))``. The
    model-free first-stage values learn by SARSA(lambda):
    ``Q_MF(a) += alpha (Q2(s, b) - Q_MF(a)) + alpha lam (r - Q2(s, b))``
    (the second term with the second-stage error before its update). The
    model-based values are ``Q_MB(a) = sum_s P(s | a) max_b Q2(s, b)`` with the
    true transition probabilities. Both stages choose by a softmax with inverse
    temperature ``beta``; the first stage uses ``w Q_MB + (1 - w) Q_MF``. All
    random numbers of the session (choices, transitions, rewards, drift) are
    drawn as blocks before the first trial.

    Parameters
    ----------
    agent : {"model_free", "model_based", "hybrid"}
    n_trials : int, default 2000
        Trials (>= 2).
    w : float, optional
        Model-based weight of the hybrid, in [0, 1] (default 0.5). Only the
        hybrid takes it: model-free means ``w = 0``, model-based ``w = 1``.
    alpha : float, default 0.5
        Learning rate, in (0, 1].
    beta : float, default 5.0
        Softmax inverse temperature (>= 0, in 1 / reward units).
    lam : float, default 1.0
        Eligibility-trace parameter of SARSA(lambda), in [0, 1].
    p_common : float, default 0.7
        Probability of the common transition, in (0.5, 1).
    drift : float, default 0.025
        Standard deviation of the reward probabilities' random walk per trial (>= 0).
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    TwoStepResult

    Examples
    --------
    >>> mf = two_step_task("model_free", n_trials=3000, seed=0)
    >>> bool(mf.stay[0].mean() > mf.stay[1].mean())     # reward makes it stay
    True
    """
    check_choice("agent", agent, AGENTS)
    n_trials = check_int("n_trials", n_trials, low=2)
    if agent == "hybrid":
        w = 0.5 if w is None else check_number("w", w, low=0.0, high=1.0)
    elif w is not None:
        raise ValueError(f"w must be None for agent {agent!r} (only 'hybrid' takes a weight); got {w!r}")
    else:
        w = 0.0 if agent == "model_free" else 1.0
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    beta = check_number("beta", beta, low=0.0)
    lam = check_number("lam", lam, low=0.0, high=1.0)
    p_common = check_number("p_common", p_common, low=0.5, high=1.0, low_inclusive=False,
                            high_inclusive=False)
    drift = check_number("drift", drift, low=0.0)
    rng = as_generator(seed)
    u_choice1, u_transition, u_choice2, u_reward = rng.random((4, n_trials))
    steps = rng.normal(0.0, drift, size=(n_trials, 2, 2))
    start = rng.uniform(0.25, 0.75, size=(2, 2))
    probs = np.empty((n_trials, 2, 2))
    p = start
    for t in range(n_trials):
        probs[t] = p
        p = p + steps[t]
        p = np.where(p > 0.75, 1.5 - p, p)
        p = np.where(p < 0.25, 0.5 - p, p)
    q_mf = [0.0, 0.0]
    q2 = [[0.0, 0.0], [0.0, 0.0]]
    choices1 = np.zeros(n_trials, dtype=int)
    states = np.zeros(n_trials, dtype=int)
    choices2 = np.zeros(n_trials, dtype=int)
    rewards = np.zeros(n_trials, dtype=int)
    common = np.zeros(n_trials, dtype=bool)
    for t in range(n_trials):
        best = (max(q2[0]), max(q2[1]))
        q_mb = (p_common * best[0] + (1 - p_common) * best[1],
                (1 - p_common) * best[0] + p_common * best[1])
        q_net = [w * q_mb[a] + (1 - w) * q_mf[a] for a in (0, 1)]
        a1 = _softmax_pick(q_net[0], q_net[1], beta, u_choice1[t])
        is_common = bool(u_transition[t] < p_common)
        s2 = a1 if is_common else 1 - a1
        a2 = _softmax_pick(q2[s2][0], q2[s2][1], beta, u_choice2[t])
        r = int(u_reward[t] < probs[t, s2, a2])
        delta1 = q2[s2][a2] - q_mf[a1]
        delta2 = r - q2[s2][a2]
        q_mf[a1] += alpha * delta1 + alpha * lam * delta2
        q2[s2][a2] += alpha * delta2
        choices1[t], states[t], choices2[t], rewards[t], common[t] = a1, s2, a2, r, is_common
    stay, counts = _stay(choices1, rewards, common)
    return TwoStepResult(stay=stay, stay_counts=counts, choices1=choices1, states=states,
                         choices2=choices2, rewards=rewards, common=common,
                         reward_probabilities=probs, agent=agent, w=float(w))
