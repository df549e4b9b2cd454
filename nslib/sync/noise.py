"""Noise in neurons: spike-time variability of noisy LIF neurons, and what pooling buys.

A population of ``n_units`` identical leaky integrate-and-fire neurons (the
course's LIF, :mod:`nslib.spiking`) with independent membrane noise is run for
``n_trials`` repeats of the same constant input. Two kinds of variability come
out of one Brian2 run:

* **within a trial**: how irregular one neuron's spike train is, measured by
  the coefficient of variation of its interspike intervals (ISI CV: 0 for a
  clock, 1 for a Poisson process);
* **across trials**: how much one neuron's spike count changes from one
  repeat to the next (its CV, or its Fano factor ``var/mean``), against the
  same for the average count of a pool of ``n`` redundant neurons, which
  falls as ``1/sqrt(n)`` when their noise is independent.

Every (trial, unit) pair is one neuron of a single ``NeuronGroup``: neuron
``k = trial * n_units + unit``. Since the noise is independent, separate
neurons and separate repeats are statistically the same thing, and one run
replaces ``n_trials`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_int

__all__ = ["NoisyPopulation", "isi_cv", "noisy_lif_population", "population_variability"]


def isi_cv(spike_times) -> float:
    """Coefficient of variation of the interspike intervals of one spike train.

    Parameters
    ----------
    spike_times : array_like, shape (n_spikes,)
        Spike times of one neuron, in increasing order (any time unit, or a
        Brian2 quantity).

    Returns
    -------
    float
        ``std(ISI) / mean(ISI)``; NaN with fewer than 3 spikes (2 intervals).

    Examples
    --------
    >>> round(isi_cv([0.0, 0.1, 0.2, 0.3]), 6)       # a clock
    0.0
    >>> round(isi_cv([0.0, 0.1, 0.3, 0.4]), 4)
    0.3536
    """
    times = np.asarray(spike_times, dtype=float)
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        raise ValueError("spike_times must be a 1-D array of finite times")
    if times.size < 3:
        return float("nan")
    intervals = np.diff(times)
    if np.any(intervals < 0):
        raise ValueError("spike_times must be in increasing order")
    return float(intervals.std() / intervals.mean())


@dataclass(frozen=True)
class NoisyPopulation:
    """Variability of a population of noisy LIF neurons over repeated trials.

    Attributes
    ----------
    spike_counts : numpy.ndarray of int, shape (n_trials, n_units)
        Spikes of each unit in each trial.
    rate_hz : float
        Mean firing rate over units and trials (Hz).
    isi_cv : numpy.ndarray, shape (n_units,)
        Each unit's ISI CV, from its intervals pooled over trials (NaN for a
        unit with fewer than 2 intervals in every trial).
    mean_isi_cv : float
        ``isi_cv`` averaged over units (ignoring NaN).
    fano_factor : float
        Across-trial variance over mean of one unit's count, averaged over units.
    pool_sizes : numpy.ndarray of int
        Numbers of units pooled, from 1 to ``n_units``.
    pooled_count_cv : numpy.ndarray
        Across-trial CV of the pool's average count, for each pool size
        (averaged over disjoint pools of that size).
    raster_units, raster_times : numpy.ndarray
        Unit index and time (s) of every spike of the first trial.
    duration_s : float
        Length of one trial (s).
    target : str
        Brian2 target that ran.
    """

    spike_counts: np.ndarray
    rate_hz: float
    isi_cv: np.ndarray
    mean_isi_cv: float
    fano_factor: float
    pool_sizes: np.ndarray
    pooled_count_cv: np.ndarray
    raster_units: np.ndarray
    raster_times: np.ndarray
    duration_s: float
    target: str


def _ratio(num, den):
    # NaN where the denominator is 0 (a silent unit has no CV or Fano factor).
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _finite_mean(values) -> float:
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


def population_variability(result, n_units: int, n_trials: int) -> NoisyPopulation:
    """Measure ISI and trial-to-trial variability from one run of ``n_trials x n_units`` neurons.

    Parameters
    ----------
    result : nslib.spiking.LIFResult
        A run of ``n_trials * n_units`` neurons (from :func:`nslib.spiking.simulate_lif`
        or :meth:`nslib.spiking.CompiledLIF.run`) where neuron
        ``k = trial * n_units + unit``.
    n_units : int
        Units per trial, >= 1.
    n_trials : int
        Trials, >= 2.

    Returns
    -------
    NoisyPopulation

    Examples
    --------
    >>> from brian2 import nA, mV, ms
    >>> from nslib.spiking import simulate_lif
    >>> run = simulate_lif(np.full(12, 2.5) * nA, noise_sigma=2 * mV, duration=300 * ms,
    ...                    target="numpy")
    >>> pop = population_variability(run, n_units=4, n_trials=3)
    >>> pop.spike_counts.shape, pop.pool_sizes.tolist()
    ((3, 4), [1, 2, 4])
    """
    from brian2 import second

    n_units = check_int("n_units", n_units, low=1)
    n_trials = check_int("n_trials", n_trials, low=2)
    counts = np.asarray(result.spike_counts)
    if counts.shape != (n_units * n_trials,):
        raise ValueError(f"n_units must satisfy n_units * n_trials == the number of neurons "
                         f"({counts.size}); got {n_units} * {n_trials}")
    counts = counts.reshape(n_trials, n_units)
    duration = float(result.duration / second)
    times = np.asarray(result.spike_times / second)
    indices = np.asarray(result.spike_indices)
    trial_of, unit_of = np.divmod(indices, n_units)

    cvs = np.full(n_units, np.nan)
    for unit in range(n_units):
        mine = unit_of == unit
        # Intervals within each trial only: the gap between trials is not an ISI.
        order = np.lexsort((times[mine], trial_of[mine]))
        t_sorted, trial_sorted = times[mine][order], trial_of[mine][order]
        same = np.diff(trial_sorted) == 0
        intervals = np.diff(t_sorted)[same]
        if intervals.size >= 2:
            cvs[unit] = intervals.std() / intervals.mean()

    means = counts.mean(axis=0)
    fano = _finite_mean(_ratio(counts.var(axis=0, ddof=1), means))
    sizes = np.array([s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if s < n_units]
                     + [n_units])
    pooled_cv = np.empty(sizes.size)
    for k, size in enumerate(sizes):
        groups = counts[:, :(n_units // size) * size].reshape(n_trials, -1, size).mean(axis=2)
        pooled_cv[k] = _finite_mean(_ratio(groups.std(axis=0, ddof=1), groups.mean(axis=0)))
    first = trial_of == 0
    return NoisyPopulation(
        spike_counts=counts, rate_hz=float(counts.mean() / duration), isi_cv=cvs,
        mean_isi_cv=_finite_mean(cvs),
        fano_factor=float(fano), pool_sizes=sizes, pooled_count_cv=pooled_cv,
        raster_units=unit_of[first], raster_times=times[first], duration_s=duration,
        target=result.target)


def noisy_lif_population(n_units: int = 50, n_trials: int = 40, drive=None, noise=None,
                         duration=None, *, seed=0, target: str = "auto") -> NoisyPopulation:
    """Run ``n_trials`` repeats of ``n_units`` identical noisy LIF neurons and measure their variability.

    Each neuron is the course's LIF (10 ms membrane, rest and reset -70 mV,
    threshold -50 mV, 10 MOhm, 2 ms refractory; rheobase 2 nA) with the
    constant current ``drive`` and membrane noise of standard deviation
    ``noise``; see :func:`nslib.spiking.simulate_lif`.

    Parameters
    ----------
    n_units : int, default 50
        Redundant units per trial, in [1, 2000].
    n_trials : int, default 40
        Repeats, in [2, 2000]; ``n_units * n_trials`` is at most 100000.
    drive : Quantity, default 1 nA
        Constant input current (amp); below the 2 nA rheobase only the noise
        makes the neurons fire.
    noise : Quantity, default 6 mV
        Standard deviation of the free membrane potential's fluctuations (>= 0 volt).
    duration : Quantity, default 1 s
        Length of one trial (> 0 s).
    seed : int or numpy.random.Generator, default 0
    target : {"auto", "cython", "numpy"}, default "auto"

    Returns
    -------
    NoisyPopulation

    Examples
    --------
    >>> from brian2 import nA, mV, ms
    >>> pop = noisy_lif_population(5, 4, drive=1.5 * nA, noise=5 * mV, duration=500 * ms,
    ...                            target="numpy")
    >>> pop.spike_counts.shape
    (4, 5)
    """
    from brian2 import mV, nA, second

    from .. import spiking

    n_units = check_int("n_units", n_units, low=1, high=2000)
    n_trials = check_int("n_trials", n_trials, low=2, high=2000)
    if n_units * n_trials > 100000:
        raise ValueError(f"n_units * n_trials must be <= 100000; got {n_units * n_trials}")
    drive = spiking.check_quantity("drive", 1 * nA if drive is None else drive, nA, low=None,
                                   example="1*nA")
    noise = spiking.check_quantity("noise", 6 * mV if noise is None else noise, mV,
                                   strict=False, example="6*mV")
    duration = 1 * second if duration is None else duration
    result = spiking.simulate_lif(np.full(n_units * n_trials, float(drive / nA)) * nA,
                                  noise_sigma=noise, duration=duration, seed=seed, target=target)
    return population_variability(result, n_units, n_trials)
