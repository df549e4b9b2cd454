"""From prediction to control: an actor-critic agent in a short corridor.

The critic learns state values with TD(0), exactly as in conditioning; its
prediction error ``delta`` is the dopamine-like signal. The actor keeps action
preferences and uses the *same* ``delta`` to reinforce the action just taken
when things went better than predicted and to weaken it when they went worse
(Barto, Sutton & Anderson 1983). In the basal ganglia the ventral striatum is
thought to play the critic and the dorsal striatum the actor, both taught by
dopamine (Joel, Niv & Ruppin 2002; O'Doherty et al. 2004).

The corridor: positions ``0 .. n_states - 1``; the agent starts at 0 and the
goal is the last position. Moving right advances, moving left goes back (or
bumps the wall at 0). Entering the goal gives a reward of 1 and ends the
episode; every other step gives 0, so with ``gamma < 1`` the shortest path is
the best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_int, check_number

__all__ = ["ActorCriticResult", "actor_critic_corridor"]


@dataclass(frozen=True, eq=False)
class ActorCriticResult:
    """Learning curves of an actor-critic agent in the corridor.

    Attributes
    ----------
    steps : numpy.ndarray of int
        Steps taken in each episode, shape ``(n_episodes,)``; the shortest
        path takes ``n_states - 1``.
    reached_goal : numpy.ndarray of bool
        Whether each episode reached the goal within ``max_steps``.
    start_rpe : numpy.ndarray
        The error at the start of each episode, ``gamma V(0)``: the TD error of
        the transition into the start position from a state *before* the
        episode (an inter-trial state whose value is 0, since nothing predicts
        when an episode begins, and which gives no reward), the analogue of the
        cue response. It is reported, not used for learning.
    goal_rpe : numpy.ndarray
        The error on the step that entered the goal (NaN if it was not reached),
        the analogue of the reward response.
    values : numpy.ndarray
        The critic's ``V(s)`` after each episode, shape ``(n_episodes, n_states)``
        (the goal's value stays 0).
    p_right : numpy.ndarray
        The actor's probability of moving right in each state after each
        episode, shape ``(n_episodes, n_states - 1)``.
    n_states : int
    gamma : float
    """

    steps: np.ndarray
    reached_goal: np.ndarray
    start_rpe: np.ndarray
    goal_rpe: np.ndarray
    values: np.ndarray
    p_right: np.ndarray
    n_states: int
    gamma: float


def _softmax_rows(h: np.ndarray) -> np.ndarray:
    z = np.exp(h - h.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def actor_critic_corridor(n_states: int = 6, n_episodes: int = 200, alpha_critic: float = 0.2,
                          alpha_actor: float = 0.5, gamma: float = 0.9, max_steps: int = 200,
                          *, seed=0) -> ActorCriticResult:
    """Train an actor-critic agent to walk down a corridor to a reward.

    In state ``s`` the actor picks ``a`` (0 = left, 1 = right) with
    probability ``pi(a|s) = softmax(H[s])``; the critic computes

    ``delta = r + gamma V(s') - V(s)``        (``V(goal) = 0``),
    ``V(s) <- V(s) + alpha_critic * delta``,
    ``H[s, b] <- H[s, b] + alpha_actor * delta * (1[b = a] - pi(b|s))``,

    the TD error for the critic and a policy-gradient step, scaled by the same
    error, for the actor. Values and preferences start at 0 (a random walk).

    Parameters
    ----------
    n_states : int, default 6
        Positions including the goal (>= 2).
    n_episodes : int, default 200
        Episodes (>= 1).
    alpha_critic : float, default 0.2
        The critic's learning rate, in (0, 1].
    alpha_actor : float, default 0.5
        The actor's learning rate, in (0, 1].
    gamma : float, default 0.9
        Discount factor per step, in [0, 1).
    max_steps : int, default 200
        Step limit per episode (>= 1).
    seed : int or numpy.random.Generator, default 0
        Draws the actions: ``max_steps`` uniform numbers per episode, drawn as
        one block at the episode's start, so every episode consumes the same
        draws however long it lasts.

    Returns
    -------
    ActorCriticResult

    Examples
    --------
    >>> res = actor_critic_corridor(n_states=4, n_episodes=150, seed=0)
    >>> int(res.steps[0]) > 3, int(np.median(res.steps[-20:]))   # random walk, then straight
    (True, 3)
    """
    n_states = check_int("n_states", n_states, low=2)
    n_episodes = check_int("n_episodes", n_episodes, low=1)
    alpha_critic = check_number("alpha_critic", alpha_critic, low=0.0, high=1.0,
                                low_inclusive=False)
    alpha_actor = check_number("alpha_actor", alpha_actor, low=0.0, high=1.0, low_inclusive=False)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0, high_inclusive=False)
    max_steps = check_int("max_steps", max_steps, low=1)
    rng = as_generator(seed)

    goal = n_states - 1
    v = np.zeros(n_states)
    h = np.zeros((n_states - 1, 2))
    steps = np.zeros(n_episodes, dtype=int)
    reached = np.zeros(n_episodes, dtype=bool)
    start_rpe = np.empty(n_episodes)
    goal_rpe = np.full(n_episodes, np.nan)
    values = np.empty((n_episodes, n_states))
    p_right = np.empty((n_episodes, n_states - 1))
    for episode in range(n_episodes):
        # One uniform number per possible step, drawn as a whole block whatever the
        # episode's length: the draws of later episodes never depend on how long
        # earlier ones took (a last-bit difference cannot reshuffle them).
        uniforms = rng.random(max_steps)
        s = 0
        start_rpe[episode] = gamma * v[0]
        # The loop variable is read after the loop: the episode's length.
        for step in range(1, max_steps + 1):  # noqa: B007
            pi = _softmax_rows(h[s])
            a = int(uniforms[step - 1] < pi[1])
            s_next = s + 1 if a == 1 else max(s - 1, 0)
            r = 1.0 if s_next == goal else 0.0
            delta = r + gamma * v[s_next] - v[s]
            v[s] += alpha_critic * delta
            # The gradient of log pi(a|s) for a softmax: 1[b = a] - pi(b|s).
            h[s] += alpha_actor * delta * (np.eye(2)[a] - pi)
            s = s_next
            if s == goal:
                reached[episode], goal_rpe[episode] = True, delta
                break
        steps[episode] = step
        values[episode] = v
        p_right[episode] = _softmax_rows(h)[:, 1]
    return ActorCriticResult(steps=steps, reached_goal=reached, start_rpe=start_rpe,
                             goal_rpe=goal_rpe, values=values, p_right=p_right,
                             n_states=n_states, gamma=gamma)
