r"""Redundant noisy evidence integrators (drift-diffusion models) coupled through a graph.

One drift-diffusion model (Ratcliff 1978; Bogacz et al. 2006) accumulates
noisy evidence ``dx = A dt + c dW`` from ``x = 0`` until ``|x|`` reaches the
threshold ``z``; the sign of ``x`` then is the choice (correct for ``A > 0``
when ``x = +z``). With ``n`` redundant integrators that see the same evidence
with independent noise and are coupled through a graph Laplacian ``L``,

.. math:: dx_i = \Big[A - \kappa\sum_j L_{ij} x_j\Big]\,dt + c\, dW_i ,

each unit decides when its own ``|x_i|`` first reaches ``z``. The coupling
leaves the average ``x_bar`` untouched (``L 1 = 0``): it is a single DDM with
drift ``A`` and noise ``c / sqrt(n)``. Strong coupling ties every unit to
``x_bar``, so each unit decides as accurately as the pooled evidence allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_int, check_number
from .graphs import GRAPH_KINDS, check_laplacian, graph_laplacian, laplacian_spectrum
from .learners import ou_step_coefficients

__all__ = ["CoupledDDM", "DDMTheory", "coupled_ddm", "ddm_theory"]

#: Steps of noise each trial draws at a time (a fixed shape, see :func:`coupled_ddm`).
_BLOCK_STEPS = 100


@dataclass(frozen=True)
class DDMTheory:
    """Error rate and mean decision time of one drift-diffusion model (Bogacz et al. 2006).

    Attributes
    ----------
    error_rate : float
        ``1 / (1 + exp(2 A z / c^2))``.
    decision_time : float
        ``(z / A) tanh(A z / c^2)`` (time units of ``1/A`` per threshold).
    """

    error_rate: float
    decision_time: float


def ddm_theory(drift: float, noise: float, threshold: float) -> DDMTheory:
    """Error rate and mean decision time of a pure DDM starting halfway between its thresholds.

    Parameters
    ----------
    drift : float
        ``A`` > 0, the evidence's mean rate (threshold units per second).
    noise : float
        ``c`` > 0 (threshold units per sqrt(second)).
    threshold : float
        ``z`` > 0; decisions at ``x = +z`` (correct) or ``-z`` (error).

    Returns
    -------
    DDMTheory

    Examples
    --------
    >>> th = ddm_theory(drift=0.5, noise=1.0, threshold=1.0)
    >>> round(th.error_rate, 4), round(th.decision_time, 4)
    (0.2689, 0.9242)
    """
    a = check_number("drift", drift, low=0.0, low_inclusive=False)
    c = check_number("noise", noise, low=0.0, low_inclusive=False)
    z = check_number("threshold", threshold, low=0.0, low_inclusive=False)
    k = a * z / c ** 2
    return DDMTheory(error_rate=float(1.0 / (1.0 + np.exp(2.0 * k))),
                     decision_time=float(z / a * np.tanh(k)))


@dataclass(frozen=True)
class CoupledDDM:
    """Decisions of coupled redundant integrators over many trials.

    Attributes
    ----------
    choices : numpy.ndarray of int, shape (n_trials, n_units)
        +1 (correct), -1 (error) or 0 (no decision by ``t_max``), per unit.
    decision_times : numpy.ndarray, shape (n_trials, n_units)
        Time of each unit's first threshold crossing (s; NaN when undecided).
    accuracy : float
        Fraction of correct choices among the units' decisions.
    mean_decision_time : float
        Mean decision time of the units that decided (s).
    undecided_fraction : float
        Fraction of (trial, unit) pairs without a decision by ``t_max``.
    first_accuracy, first_decision_time : float
        The same for a group that takes the choice of whichever unit decides
        first in each trial.
    single : DDMTheory
        Theory for one unit alone (``kappa = 0``).
    pooled : DDMTheory
        Theory for infinitely strong coupling: one DDM with noise ``c/sqrt(n)``.
    coupling, drift, noise, threshold : float
    n_units : int
    """

    choices: np.ndarray
    decision_times: np.ndarray
    accuracy: float
    mean_decision_time: float
    undecided_fraction: float
    first_accuracy: float
    first_decision_time: float
    single: DDMTheory
    pooled: DDMTheory
    coupling: float
    drift: float
    noise: float
    threshold: float
    n_units: int


def coupled_ddm(n_units: int, coupling: float, *, drift: float = 0.5, noise: float = 1.0,
                threshold: float = 1.0, laplacian=None, kind: str = "all", n_trials: int = 2000,
                dt: float = 0.002, t_max: float = 10.0, correct_discreteness: bool = True,
                seed=0) -> CoupledDDM:
    r"""Simulate redundant drift-diffusion integrators coupled through a graph.

    Every trial starts at ``x_i = 0``; all units see the same drift ``A`` and
    their own noise. A unit's decision is the sign of its first threshold
    crossing; it keeps integrating afterwards (its state still couples to the
    others), and the trial ends when every unit has decided or at ``t_max``.
    The linear dynamics are integrated exactly in the Laplacian's eigenbasis
    (drift plus Ornstein-Uhlenbeck modes), so strong coupling needs no small
    step; ``dt`` only sets how often crossings are checked.

    Parameters
    ----------
    n_units : int
        Redundant integrators, in [1, 500].
    coupling : float
        ``kappa`` >= 0 (1/s).
    drift : float, default 0.5
        ``A`` > 0 (1/s, in units of the threshold).
    noise : float, default 1.0
        ``c`` > 0 (per sqrt(s)).
    threshold : float, default 1.0
        ``z`` > 0.
    laplacian : array_like, shape (n_units, n_units), optional
        Coupling graph; default ``graph_laplacian(kind, n_units)``.
    kind : {"all", "ring", "star", "random"}, default "all"
    n_trials : int, default 2000
        Independent trials, in [1, 100000].
    dt : float, default 0.002
        Time step (s), in (0, 0.1].
    t_max : float, default 10
        Longest trial (s, > dt).
    correct_discreteness : bool, default True
        Check crossings against ``z - 0.5826 c sqrt(dt)`` so that checks every
        ``dt`` behave like a continuous threshold at ``z``.
    seed : int or numpy.random.Generator, default 0
        Trial ``k`` draws its noise from the ``k``-th generator spawned from
        it (:meth:`numpy.random.Generator.spawn`), so its decisions do not
        depend on the other trials.

    Returns
    -------
    CoupledDDM

    Examples
    --------
    >>> alone = coupled_ddm(1, 0.0, n_trials=500)
    >>> together = coupled_ddm(8, 20.0, n_trials=500)
    >>> bool(together.accuracy > alone.accuracy)
    True
    """
    n = check_int("n_units", n_units, low=1, high=500)
    kappa = check_number("coupling", coupling, low=0.0)
    a = check_number("drift", drift, low=0.0, low_inclusive=False)
    c = check_number("noise", noise, low=0.0, low_inclusive=False)
    z = check_number("threshold", threshold, low=0.0, low_inclusive=False)
    trials = check_int("n_trials", n_trials, low=1, high=100000)
    dt = check_number("dt", dt, low=0.0, high=0.1, low_inclusive=False)
    t_max = check_number("t_max", t_max, low=dt, low_inclusive=False)
    if n == 1:
        L = np.zeros((1, 1))
    elif laplacian is None:
        if kind not in GRAPH_KINDS:
            raise ValueError(f"kind must be one of {sorted(GRAPH_KINDS)}; got {kind!r}")
        L = graph_laplacian(kind, n)
    else:
        L = check_laplacian("laplacian", laplacian, n=n)
    rng = as_generator(seed)

    if n == 1:
        mu, U = np.zeros(1), np.ones((1, 1))
    else:
        spec = laplacian_spectrum(L)
        mu, U = spec.eigenvalues, spec.eigenvectors
    rates = kappa * mu
    decay, scale = ou_step_coefficients(rates, dt)
    # Exact drift over one step: b (1 - e^{-a dt}) / a, or b dt when a = 0.
    safe = np.where(rates * dt < 1e-8, 1.0, rates)
    gain = np.where(rates * dt < 1e-8, dt, -np.expm1(-rates * dt) / safe)
    # The exact step, mode by mode, written back in the units' coordinates:
    # x <- P x + b + S eps with P = U diag(decay) U^T, S = c U diag(scale) U^T and
    # eps standard normal per unit. P, S and b depend only on L, not on which
    # eigenvectors LAPACK returns for a repeated eigenvalue (the complete graph
    # has one eigenvalue n, n - 1 times), so the noise of unit i is unit i's
    # on every machine.
    propagator = (U * decay) @ U.T
    noise_mix = c * (U * scale) @ U.T
    step_drift = (U * gain) @ (U.T @ np.full(n, a))

    # Crossings are only checked every dt, which misses excursions between
    # checks; lowering the checked threshold by 0.5826 c sqrt(dt) corrects
    # for that to leading order (Broadie, Glasserman & Kou 1997).
    barrier = z - 0.5826 * c * np.sqrt(dt) if correct_discreteness else z
    n_steps = int(round(t_max / dt))
    # Every trial has its own noise stream (spawned from ``seed``), read in
    # blocks of a fixed shape (_BLOCK_STEPS steps x units): trial k's noise at
    # step s is the same number whichever other trials have finished, so a
    # rounding difference that changes one crossing (another BLAS, another CPU)
    # changes one decision, not the noise of every later trial. A finished
    # trial stops reading its stream, which changes nothing that is used.
    streams = rng.spawn(trials)
    x = np.zeros((trials, n))
    choices = np.zeros((trials, n), dtype=int)
    times = np.full((trials, n), np.nan)
    active = np.arange(trials)           # trials in which some unit has not decided yet
    step = 0
    while step < n_steps and active.size:
        draws = np.stack([streams[k].standard_normal((_BLOCK_STEPS, n)) for k in active], axis=1)
        kicks = (draws.reshape(-1, n) @ noise_mix + step_drift).reshape(draws.shape)
        rows = np.arange(active.size)    # where the running trials sit in this block's kicks
        for kick in kicks[:n_steps - step]:
            step += 1
            x = x @ propagator + (kick if rows.size == len(kick) else kick[rows])
            open_ = choices[active] == 0
            crossed = (np.abs(x) >= barrier) & open_
            if crossed.any():
                hit, cols = np.nonzero(crossed)
                choices[active[hit], cols] = np.sign(x[hit, cols]).astype(int)
                times[active[hit], cols] = step * dt
                done = ~np.any(choices[active] == 0, axis=1)
                if done.any():
                    # Drop finished trials: later steps only simulate the open ones.
                    active, x, rows = active[~done], x[~done], rows[~done]
                    if active.size == 0:
                        break

    decided = choices != 0
    accuracy = float(np.mean(choices[decided] > 0)) if decided.any() else float("nan")
    mean_time = float(np.nanmean(times)) if decided.any() else float("nan")
    # The group's choice: the unit that crosses first in each trial (ties: the lowest index).
    first_times = np.where(decided, times, np.inf)
    first_unit = np.argmin(first_times, axis=1)
    rows = np.arange(trials)
    group_decided = decided[rows, first_unit]
    first_choice = choices[rows, first_unit][group_decided]
    return CoupledDDM(
        choices=choices, decision_times=times, accuracy=accuracy, mean_decision_time=mean_time,
        undecided_fraction=float(1.0 - decided.mean()),
        first_accuracy=float(np.mean(first_choice > 0)) if group_decided.any() else float("nan"),
        first_decision_time=(float(first_times[rows, first_unit][group_decided].mean())
                             if group_decided.any() else float("nan")),
        single=ddm_theory(a, c, z), pooled=ddm_theory(a, c / np.sqrt(n), z),
        coupling=kappa, drift=a, noise=c, threshold=z, n_units=n)
