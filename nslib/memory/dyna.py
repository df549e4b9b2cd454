"""Replay as planning: Dyna-Q in Sutton & Barto's Dyna maze (Sutton 1990; Sutton & Barto 2018, section 8.2).

The agent learns action values by Q-learning from real steps and, after each
real step, from ``planning_steps`` imagined ones: it picks a state and action
it has already tried, at random, asks its learned **model** (a table of the
next state and reward it saw there) what happens, and applies the same
Q-learning update to the imagined step. The model is a world model in its
simplest form; planning with it is replay of remembered transitions, in any
order, offline.

The maze (Sutton & Barto 2018, figure 8.2): 6 rows x 9 columns, start at row 2,
column 0, goal at row 0, column 8, walls at (1, 2), (2, 2), (3, 2), (4, 5),
(0, 7), (1, 7), (2, 7). Actions up, down, right, left; a move into a wall or
the border stays put. Reaching the goal gives a reward of 1 and ends the
episode; every other step gives 0. The shortest path takes 14 steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_int, check_number

__all__ = ["DYNA_MAZE", "DynaEpisode", "DynaResult", "MazeStep", "dyna_maze", "dyna_q_episode", "maze_step"]

#: The Dyna maze: ``#`` a wall, ``S`` the start, ``G`` the goal.
DYNA_MAZE = (
    ".......#G",
    "..#....#.",
    "S.#....#.",
    "..#......",
    ".....#...",
    ".........",
)
_ROWS, _COLS = len(DYNA_MAZE), len(DYNA_MAZE[0])
_MOVES = ((-1, 0), (1, 0), (0, 1), (0, -1))      # up, down, right, left
_N_STATES, _N_ACTIONS = _ROWS * _COLS, 4


def _find(mark: str) -> int:
    for r, line in enumerate(DYNA_MAZE):
        if mark in line:
            return r * _COLS + line.index(mark)
    raise AssertionError(mark)


START, GOAL = _find("S"), _find("G")


def _transition_table() -> np.ndarray:
    table = np.zeros((_N_STATES, _N_ACTIONS), dtype=int)
    for s in range(_N_STATES):
        r, c = divmod(s, _COLS)
        for a, (dr, dc) in enumerate(_MOVES):
            rr, cc = r + dr, c + dc
            inside = 0 <= rr < _ROWS and 0 <= cc < _COLS and DYNA_MAZE[rr][cc] != "#"
            table[s, a] = rr * _COLS + cc if inside else s
    return table


_NEXT = _transition_table()


@dataclass(frozen=True)
class MazeStep:
    """One step in the Dyna maze.

    Attributes
    ----------
    next_state : int
        The state entered, ``row * 9 + column`` (the same state after a move into a wall or the border).
    reward : float
        1.0 if the next state is the goal, else 0.0.
    """

    next_state: int
    reward: float


def maze_step(state: int, action: int) -> MazeStep:
    """One real step in the Dyna maze: the next state and the reward.

    States are numbered row by row, ``row * 9 + column``; actions are 0 up,
    1 down, 2 right, 3 left.

    Parameters
    ----------
    state : int
        The current state, ``0 .. 53``.
    action : int
        The action, ``0 .. 3`` (up, down, right, left).

    Returns
    -------
    MazeStep
        The next state and the reward.

    Examples
    --------
    >>> maze_step(18, 2)     # from the start (row 2, column 0), right
    MazeStep(next_state=19, reward=0.0)
    >>> maze_step(17, 0)     # below the goal, up
    MazeStep(next_state=8, reward=1.0)
    """
    state = check_int("state", state, low=0, high=_N_STATES - 1)
    action = check_int("action", action, low=0, high=_N_ACTIONS - 1)
    s_next = int(_NEXT[state, action])
    return MazeStep(next_state=s_next, reward=float(s_next == GOAL))


@dataclass(frozen=True, eq=False)
class DynaResult:
    """Learning curves of Dyna-Q in the Dyna maze.

    Attributes
    ----------
    steps_per_episode : numpy.ndarray
        Steps per episode, averaged over runs, shape ``(n_episodes,)``.
    steps : numpy.ndarray of int
        Steps of every episode of every run, shape ``(n_runs, n_episodes)``.
    q_values : numpy.ndarray
        Every run's action values at the end, shape ``(n_runs, 54, 4)``.
    planning_steps : int
    n_runs : int
    shortest_path : int
        14 steps.
    """

    steps_per_episode: np.ndarray
    steps: np.ndarray
    q_values: np.ndarray
    planning_steps: int
    n_runs: int
    shortest_path: int = 14


@dataclass(frozen=True, eq=False)
class DynaEpisode:
    """One episode of Dyna-Q in the Dyna maze.

    Attributes
    ----------
    steps : int
        Real steps taken from the start to the goal (or ``max_steps``).
    q_values : numpy.ndarray
        The action values after the episode, shape ``(54, 4)``.
    model : numpy.ndarray of int
        The learned model after the episode: the next state of each ``(s, a)``,
        -1 where untried, shape ``(54, 4)``.
    """

    steps: int
    q_values: np.ndarray
    model: np.ndarray


def _greedy(q: list, base: int, u: float) -> int:
    # argmax over the 4 actions, ties broken uniformly with the number u in [0, 1).
    row = q[base:base + 4]
    best = max(row)
    ties = [a for a in range(4) if row[a] == best]
    return ties[int(u * len(ties))]


def dyna_q_episode(q, model, planning_steps: int, *, alpha: float = 0.1, gamma: float = 0.95,
                   epsilon: float = 0.1, max_steps: int = 100_000, seed=0) -> DynaEpisode:
    """Run one episode of Dyna-Q from the start to the goal.

    After each real step: a Q-learning update,
    ``Q(s, a) += alpha (r + gamma max_b Q(s', b) - Q(s, a))`` (no bootstrap
    from the goal), the model records ``model[s, a] = (s', r)``, then
    ``planning_steps`` times a previously tried ``(s, a)`` is drawn uniformly
    and updated in the same way from the model's ``(s', r)``.

    The episode's random numbers come in blocks from its own generator:
    numbers for acting (epsilon test, random action, tie-break) and for
    planning are fixed for each step, whatever happened before. While no
    reward has been seen every value is 0 and a planning update changes
    nothing, so it is skipped (its numbers are drawn all the same).

    Parameters
    ----------
    q : array_like, shape (54, 4)
        Action values at the start (not modified).
    model : array_like of int, shape (54, 4)
        The learned model's next state for each ``(s, a)``, -1 where untried
        (not modified); the reward is 1 exactly when the next state is the goal.
    planning_steps : int
        Imagined updates per real step (>= 0).
    alpha, gamma, epsilon : float
        Learning rate in (0, 1], discount in [0, 1], exploration rate in [0, 1].
    max_steps : int, default 100000
        The episode stops there if the goal is not reached.
    seed : int or numpy.random.Generator, default 0
        Seed of the episode's generator.

    Returns
    -------
    DynaEpisode
        Steps taken, the new action values and the new model.

    Examples
    --------
    >>> ep = dyna_q_episode(np.zeros((54, 4)), -np.ones((54, 4), int), 5, seed=0)
    >>> ep.steps >= 14, bool(ep.q_values.max() > 0)
    (True, True)
    """
    planning_steps = check_int("planning_steps", planning_steps, low=0)
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0)
    epsilon = check_number("epsilon", epsilon, low=0.0, high=1.0)
    max_steps = check_int("max_steps", max_steps, low=1)
    q_arr = np.array(q, dtype=float)
    if q_arr.shape != (_N_STATES, _N_ACTIONS) or not np.all(np.isfinite(q_arr)):
        raise ValueError(f"q must be a finite array of shape ({_N_STATES}, {_N_ACTIONS}); got {q_arr.shape}")
    m_arr = np.array(model)
    if m_arr.shape != (_N_STATES, _N_ACTIONS) or not np.all((m_arr >= -1) & (m_arr < _N_STATES)):
        raise ValueError(f"model must be an int array of shape ({_N_STATES}, {_N_ACTIONS}) with values "
                         f"-1 (untried) or a state 0 .. {_N_STATES - 1}")
    rng = as_generator(seed)
    qf = q_arr.ravel().tolist()
    nxt = m_arr.astype(int).ravel().tolist()
    tried = [sa for sa in range(_N_STATES * _N_ACTIONS) if nxt[sa] >= 0]
    steps = _episode(qf, nxt, tried, planning_steps, alpha, gamma, epsilon, max_steps, rng)
    return DynaEpisode(steps=steps, q_values=np.array(qf).reshape(_N_STATES, _N_ACTIONS),
                       model=np.array(nxt).reshape(_N_STATES, _N_ACTIONS))


_BLOCK = 256


def _episode(qf: list, nxt: list, tried: list, n_plan: int, alpha: float, gamma: float,
             epsilon: float, max_steps: int, rng) -> int:
    """The Dyna-Q loop on flat lists (changed in place); returns the steps taken."""
    real_next = _NEXT.ravel().tolist()
    s = START
    seen_reward = any(nxt[sa] == GOAL for sa in tried)
    step = 0
    while step < max_steps:
        k = step % _BLOCK
        if k == 0:
            act_u = rng.random((_BLOCK, 3)).tolist()
            plan_u = rng.random((_BLOCK, n_plan)).tolist() if n_plan else None
        u_eps, u_rand, u_tie = act_u[k]
        base = 4 * s
        a = int(u_rand * 4) if u_eps < epsilon else _greedy(qf, base, u_tie)
        sa = base + a
        s2 = real_next[sa]
        r = 1.0 if s2 == GOAL else 0.0
        future = 0.0 if s2 == GOAL else gamma * max(qf[4 * s2:4 * s2 + 4])
        qf[sa] += alpha * (r + future - qf[sa])
        if nxt[sa] < 0:
            tried.append(sa)
        nxt[sa] = s2
        seen_reward = seen_reward or r > 0
        if n_plan and seen_reward:
            n_tried = len(tried)
            for u in plan_u[k]:
                psa = tried[int(u * n_tried)]
                ps2 = nxt[psa]
                if ps2 == GOAL:
                    qf[psa] += alpha * (1.0 - qf[psa])
                else:
                    b = 4 * ps2
                    qf[psa] += alpha * (gamma * max(qf[b], qf[b + 1], qf[b + 2], qf[b + 3]) - qf[psa])
        step += 1
        s = s2
        if s == GOAL:
            break
    return step


def dyna_maze(planning_steps: int, n_episodes: int = 50, n_runs: int = 30, *, alpha: float = 0.1,
              gamma: float = 0.95, epsilon: float = 0.1, seed=0) -> DynaResult:
    """Dyna-Q in the Dyna maze: steps per episode, averaged over runs.

    Each run starts from zero action values and an empty model and learns for
    ``n_episodes`` episodes (:func:`dyna_q_episode`). Every episode of every
    run draws from its own generator, spawned from ``seed`` by (run, episode),
    so no episode's random numbers depend on how long the others lasted.
    Sutton & Barto's figure 8.2 uses 30 runs, alpha 0.1, gamma 0.95, epsilon 0.1.

    Parameters
    ----------
    planning_steps : int
        Imagined updates per real step (0 is plain Q-learning; >= 0).
    n_episodes : int, default 50
        Episodes per run (>= 1).
    n_runs : int, default 30
        Independent runs averaged (>= 1).
    alpha, gamma, epsilon : float
        Learning rate in (0, 1], discount in [0, 1], exploration rate in [0, 1].
    seed : int, default 0
        Non-negative int (a Generator is turned into one int).

    Returns
    -------
    DynaResult

    Examples
    --------
    >>> res = dyna_maze(5, n_episodes=10, n_runs=2, seed=0)
    >>> res.steps.shape, bool(res.steps_per_episode[-1] < res.steps_per_episode[0])
    ((2, 10), True)
    """
    planning_steps = check_int("planning_steps", planning_steps, low=0)
    n_episodes = check_int("n_episodes", n_episodes, low=1)
    n_runs = check_int("n_runs", n_runs, low=1)
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0)
    epsilon = check_number("epsilon", epsilon, low=0.0, high=1.0)
    entropy = int(as_generator(seed).integers(2**63)) if isinstance(seed, np.random.Generator) \
        else check_int("seed", seed, low=0)
    steps = np.zeros((n_runs, n_episodes), dtype=int)
    q_all = np.zeros((n_runs, _N_STATES, _N_ACTIONS))
    for run in range(n_runs):
        qf = [0.0] * (_N_STATES * _N_ACTIONS)
        nxt = [-1] * (_N_STATES * _N_ACTIONS)
        tried: list = []
        for episode in range(n_episodes):
            rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(run, episode)))
            steps[run, episode] = _episode(qf, nxt, tried, planning_steps, alpha, gamma, epsilon,
                                           100_000, rng)
        q_all[run] = np.reshape(qf, (_N_STATES, _N_ACTIONS))
    return DynaResult(steps_per_episode=steps.mean(axis=0), steps=steps, q_values=q_all,
                      planning_steps=planning_steps, n_runs=n_runs)
