"""The successor representation (Dayan 1993; Stachenfeld, Botvinick & Gershman 2017).

The successor representation (SR) of a state ``s`` is the discounted number of
future visits the agent expects to every state ``s'`` when it starts in ``s``
and follows its habits:

``M[s, s'] = E[ sum_k gamma^k 1(s_{t+k} = s') | s_t = s ]``.

It is learned by TD, one row at a time, exactly like a value (chapter 2), with
a vector of "rewards" ``1_s`` (one visit to the state just left):

``M[s] <- M[s] + alpha (1_s + gamma M[s'] - M[s])``.

Stachenfeld et al. proposed that a hippocampal place cell encodes one column
of ``M``: cell ``s'`` fires in the states from which ``s'`` is soon reached.
After one-directional running, a column gathers mass from the states *before*
its own state, so the field skews backward, against the direction of travel,
as Mehta, Quirk & Wilson (2000) measured in rat CA1. The eigenvectors of ``M``
for a random walk in a box are periodic, like grid cells' firing maps.

States of the linear track are numbered ``0 .. n_states - 1``, left to right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_int, check_number

__all__ = ["SREigenvectors", "SRResult", "field_centres_of_mass", "sr_eigenvectors",
           "sr_td_update", "successor_representation"]


@dataclass(frozen=True, eq=False)
class SRResult:
    """An SR learned by TD on a linear track.

    Attributes
    ----------
    M : numpy.ndarray
        The learned SR, shape ``(n_states, n_states)``; row ``s`` is what state
        ``s`` predicts, column ``j`` is the place field of cell ``j``.
    M_true : numpy.ndarray
        The exact SR of the same policy, ``(I - gamma T)^-1`` with the track's
        transition matrix ``T`` (the goal absorbing after one visit).
    com_shift : float
        Mean shift of the fields' centre of mass from their own state (in
        states), over the interior fields (``field_states``); positive in the
        direction of travel (rightward).
    field_shifts : numpy.ndarray
        The shift of every field ``j`` (states), shape ``(n_states,)``.
    field_states : numpy.ndarray of int
        The interior states whose fields enter ``com_shift``: at least
        ``n_states // 4`` states away from either end of the track.
    laps_steps : numpy.ndarray of int
        Steps taken in each lap, shape ``(n_laps,)``.
    n_states : int
    p_forward, gamma, alpha : float
    n_laps : int
    """

    M: np.ndarray
    M_true: np.ndarray
    com_shift: float
    field_shifts: np.ndarray
    field_states: np.ndarray
    laps_steps: np.ndarray
    n_states: int
    p_forward: float
    gamma: float
    alpha: float
    n_laps: int


def sr_td_update(M, s: int, s_next: int, *, gamma: float, alpha: float,
                 terminal: bool = False) -> np.ndarray:
    """One TD update of the successor representation, for the step ``s -> s_next``.

    ``M[s] <- M[s] + alpha (1_s + gamma M[s_next] - M[s])``; if the step ends
    the episode (``terminal``), ``M[s_next]`` is replaced by ``1_{s_next}``
    (the last state is visited once, then nothing more).

    Parameters
    ----------
    M : array_like, shape (n_states, n_states)
        The current SR (not modified).
    s, s_next : int
        The state left and the state entered (``0 .. n_states - 1``).
    gamma : float
        Discount factor, in [0, 1).
    alpha : float
        Learning rate, in (0, 1].
    terminal : bool, default False
        Whether the step ends the episode.

    Returns
    -------
    numpy.ndarray
        The updated SR, a new array.

    Examples
    --------
    >>> sr_td_update(np.zeros((3, 3)), 0, 1, gamma=0.5, alpha=0.5)[0].tolist()
    [0.5, 0.0, 0.0]
    """
    m = np.array(M, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or not np.all(np.isfinite(m)):
        raise ValueError(f"M must be a finite square 2-D array; got shape {m.shape}")
    n = m.shape[0]
    s = check_int("s", s, low=0, high=n - 1)
    s_next = check_int("s_next", s_next, low=0, high=n - 1)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0, high_inclusive=False)
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    onehot = np.zeros(n)
    onehot[s] = 1.0
    ahead = np.eye(n)[s_next] if terminal else m[s_next]
    m[s] += alpha * (onehot + gamma * ahead - m[s])
    return m


def field_centres_of_mass(M) -> np.ndarray:
    """Centre of mass of every column of ``M`` (a place field), in states.

    Parameters
    ----------
    M : array_like, shape (n_states, n_states)
        Non-negative; column ``j`` is the field of cell ``j`` over states.

    Returns
    -------
    numpy.ndarray
        ``sum_s s M[s, j] / sum_s M[s, j]`` for every ``j`` (NaN for an empty column).

    Examples
    --------
    >>> field_centres_of_mass(np.array([[1.0, 1.0], [0.0, 1.0]])).tolist()
    [0.0, 0.5]
    """
    m = np.asarray(M, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"M must be a square 2-D array; got shape {m.shape}")
    mass = m.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.arange(m.shape[0]) @ m) / mass


def _track_sr(n_states: int, p_forward: float, gamma: float) -> np.ndarray:
    # The exact SR of the lap policy: left wall reflects (a left step at 0 stays),
    # the right end absorbs after its visit.
    t = np.zeros((n_states, n_states))
    for s in range(n_states - 1):
        t[s, s + 1] += p_forward
        t[s, max(s - 1, 0)] += 1 - p_forward
    return np.linalg.inv(np.eye(n_states) - gamma * t)


def successor_representation(n_states: int = 20, p_forward: float = 0.7, n_laps: int = 200,
                             gamma: float = 0.95, alpha: float = 0.1, *, max_steps: int | None = None,
                             seed=0) -> SRResult:
    """Learn the SR of a linear track by TD while running laps to the right.

    Each lap starts at state 0; every step goes right with probability
    ``p_forward`` and left otherwise (a left step at 0 stays at 0), and the lap
    ends on reaching the last state. After every step the row of the state
    left is updated (:func:`sr_td_update`). Each lap's random numbers, one per
    possible step, are drawn as one block when the lap starts, so no lap's
    draws depend on how long the earlier ones lasted.

    Parameters
    ----------
    n_states : int, default 20
        States of the track (>= 4).
    p_forward : float, default 0.7
        Probability of a rightward step, in (0.5, 1].
    n_laps : int, default 200
        Laps run (>= 0; 0 returns ``M = 0``).
    gamma : float, default 0.95
        Discount per step, in [0, 1).
    alpha : float, default 0.1
        Learning rate, in (0, 1].
    max_steps : int, optional
        Largest number of steps of one lap (default ``20 * n_states``); a lap
        that reaches it stops there.
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    SRResult

    Examples
    --------
    >>> res = successor_representation(n_states=12, n_laps=100, seed=0)
    >>> res.M.shape, bool(res.com_shift < 0)    # fields skew backward
    ((12, 12), True)
    """
    n_states = check_int("n_states", n_states, low=4)
    p_forward = check_number("p_forward", p_forward, low=0.5, high=1.0, low_inclusive=False)
    n_laps = check_int("n_laps", n_laps, low=0)
    gamma = check_number("gamma", gamma, low=0.0, high=1.0, high_inclusive=False)
    alpha = check_number("alpha", alpha, low=0.0, high=1.0, low_inclusive=False)
    max_steps = 20 * n_states if max_steps is None else check_int("max_steps", max_steps, low=1)
    rng = as_generator(seed)
    eye = np.eye(n_states)
    m = np.zeros((n_states, n_states))
    goal = n_states - 1
    laps_steps = np.zeros(n_laps, dtype=int)
    for lap in range(n_laps):
        uniforms = rng.random(max_steps)
        s = 0
        for step in range(max_steps):
            s_next = s + 1 if uniforms[step] < p_forward else max(s - 1, 0)
            ahead = eye[s_next] if s_next == goal else m[s_next]
            m[s] += alpha * (eye[s] + gamma * ahead - m[s])
            s = s_next
            if s == goal:
                m[goal] += alpha * (eye[goal] - m[goal])
                break
        laps_steps[lap] = step + 1
    margin = n_states // 4
    interior = np.arange(margin, n_states - margin)
    shifts = field_centres_of_mass(m) - np.arange(n_states) if n_laps else np.full(n_states, np.nan)
    com_shift = float(np.mean(shifts[interior])) if n_laps else 0.0
    return SRResult(M=m, M_true=_track_sr(n_states, p_forward, gamma), com_shift=com_shift,
                    field_shifts=shifts, field_states=interior, laps_steps=laps_steps,
                    n_states=n_states, p_forward=p_forward, gamma=gamma, alpha=alpha, n_laps=n_laps)


@dataclass(frozen=True, eq=False)
class SREigenvectors:
    """The leading eigenvectors of the SR of a random walk in a 2-D box.

    Attributes
    ----------
    modes : numpy.ndarray
        Eigenvectors as maps, shape ``(n_vectors, height, width)``, ordered by
        decreasing eigenvalue (the first is constant).
    eigenvalues : numpy.ndarray
        Their eigenvalues, shape ``(n_vectors,)``.
    M : numpy.ndarray
        The SR, shape ``(height * width, height * width)``, states numbered row by row.
    width, height : int
    gamma : float
    """

    modes: np.ndarray
    eigenvalues: np.ndarray
    M: np.ndarray
    width: int
    height: int
    gamma: float


def sr_eigenvectors(width: int = 20, height: int = 20, gamma: float = 0.99, *,
                    n_vectors: int = 16) -> SREigenvectors:
    """Eigenvectors of the exact SR of a random walk in a ``height x width`` box.

    The walk steps to each of the four neighbours with probability 1/4; a step
    into a wall stays put. Then ``T`` is symmetric, ``M = (I - gamma T)^-1``
    shares its eigenvectors, and these are products of cosines along the two
    sides: periodic maps, as Stachenfeld et al. (2017) compared with grid cells.

    Parameters
    ----------
    width, height : int, default 20
        Sides of the box in states (>= 2 each, at most 2500 states in all).
    gamma : float, default 0.99
        Discount, in [0, 1).
    n_vectors : int, default 16
        Eigenvectors returned (1 .. width * height).

    Returns
    -------
    SREigenvectors

    Examples
    --------
    >>> eig = sr_eigenvectors(6, 6, n_vectors=3)
    >>> eig.modes.shape, bool(np.ptp(eig.modes[0]) < 1e-9)    # the first is constant
    ((3, 6, 6), True)
    """
    width = check_int("width", width, low=2)
    height = check_int("height", height, low=2)
    if width * height > 2500:
        raise ValueError(f"width * height must be <= 2500 states; got {width * height}")
    gamma = check_number("gamma", gamma, low=0.0, high=1.0, high_inclusive=False)
    n_vectors = check_int("n_vectors", n_vectors, low=1, high=width * height)
    n = width * height
    t = np.zeros((n, n))
    for y in range(height):
        for x in range(width):
            s = y * width + x
            for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                yy, xx = y + dy, x + dx
                target = yy * width + xx if (0 <= yy < height and 0 <= xx < width) else s
                t[s, target] += 0.25
    m = np.linalg.inv(np.eye(n) - gamma * t)
    values, vectors = np.linalg.eigh((m + m.T) / 2)
    order = np.argsort(values)[::-1][:n_vectors]
    vectors = vectors[:, order]
    # A fixed sign per vector: its largest entry in absolute value is positive.
    signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(n_vectors)])
    vectors = vectors * np.where(signs == 0, 1.0, signs)
    return SREigenvectors(modes=vectors.T.reshape(n_vectors, height, width),
                          eigenvalues=values[order], M=m, width=width, height=height, gamma=gamma)
