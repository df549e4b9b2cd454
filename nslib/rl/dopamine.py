"""A spiking population of midbrain dopamine neurons whose rate follows the TD error (Brian2).

Each model neuron fires as a Poisson process (with a short refractory period)
whose rate follows the prediction error ``delta(t)`` of a TD model:

``rate(t) = max(0, baseline_rate + gain * delta(t))``.

Dopamine neurons fire tonically at a few spikes per second (Schultz 1998), so a
positive error can raise the rate by tens of Hz while a negative one can only
silence the cell: the rectification at zero compresses negative errors, as
recorded (Bayer & Glimcher 2005), where the length of the pause carries part of
the information about a negative error (Bayer, Lau & Glimcher 2007).

The refractory period is counted in whole steps of ``sim_dt``: with the default
2 ms and 1 ms, a neuron that fired at step ``n`` is silent at step ``n + 1``
only, so a drive ``rate`` gives ``rate / (1 + rate * sim_dt)``. The threshold
draws one random number per neuron and step whether or not the neuron is
refractory, so the random stream never depends on the spikes.

The network is built through :mod:`nslib.spiking` only. :class:`DopaminePopulation`
compiles it once (a :class:`nslib.spiking.CompiledNetwork`): the TD errors reach
it through a Brian2 ``TimedArray`` whose values, like the baseline rate and the
gain, change from run to run without recompiling, so a slider over gain or
baseline re-runs a compiled program. :func:`dopamine_population` runs it once,
re-using one compiled program per network shape within a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_choice, check_finite_array, check_int

__all__ = ["DOPAMINE_EQUATIONS", "DopamineResult", "DopaminePopulation", "dopamine_population"]

#: The model of one dopamine neuron, in Brian2's equation syntax. ``delta`` is a
#: TimedArray of the TD error, one column per row (condition) of the input;
#: ``row`` says which column a neuron reads.
DOPAMINE_EQUATIONS = """
rate = clip(baseline_rate + gain * delta(t, row), 0*Hz, inf*Hz) : Hz
baseline_rate : Hz (shared)
gain : Hz (shared)
row : integer (constant)
"""


@dataclass(frozen=True, eq=False)
class DopamineResult:
    """Spikes and peri-stimulus time histograms of a dopamine population.

    Attributes
    ----------
    rpe : numpy.ndarray
        The TD errors that drove it, shape ``(n_rows, n_steps)`` (one row per
        condition, each a trial of its own sub-population).
    input_rate : Quantity
        The rate each neuron was driven at, ``max(0, baseline + gain delta)``
        (Hz), shape ``(n_rows, n_steps)``.
    psth : Quantity
        Mean firing rate of each row's neurons in each time bin (Hz), shape
        ``(n_rows, n_bins)``.
    bin_edges : Quantity
        Edges of the PSTH bins (s), shape ``(n_bins + 1,)``.
    spike_times : Quantity
        Time of every spike from the start of the trial (s).
    spike_neurons : numpy.ndarray of int
        Neuron of every spike, within its row (``0 .. n_neurons - 1``).
    spike_rows : numpy.ndarray of int
        Row (condition) of every spike.
    n_neurons : int
        Neurons per row.
    dt : Quantity
        Duration of one step of ``rpe`` (s).
    baseline_rate, gain : Quantity
        The run's baseline rate and gain (Hz).
    target : str
        ``"cpp_standalone"`` or ``"numpy"``.
    """

    rpe: np.ndarray
    input_rate: Any
    psth: Any
    bin_edges: Any
    spike_times: Any
    spike_neurons: np.ndarray
    spike_rows: np.ndarray
    n_neurons: int
    dt: Any
    baseline_rate: Any
    gain: Any
    target: str


class DopaminePopulation:
    """Dopamine neurons driven by TD errors, compiled once and re-run with new values.

    ``n_rows`` sub-populations of ``n_neurons`` Poisson neurons each; row
    ``k`` follows the TD errors ``rpe[k]`` of one trial (one condition).
    Built as a Brian2 ``cpp_standalone`` program through
    :class:`nslib.spiking.CompiledNetwork`: :meth:`run` passes new TD errors
    (a ``TimedArray``), a new baseline rate and gain and a new seed to the
    compiled program, so no run after the first build compiles anything.
    Without a C++ compiler (or with ``target="numpy"``) every run uses Brian2's
    ``numpy`` target instead.

    The Brian2 model (see :data:`DOPAMINE_EQUATIONS`)::

        NeuronGroup(n_rows * n_neurons, DOPAMINE_EQUATIONS,
                    threshold="rand() < rate * dt", refractory=refractory)

    Parameters
    ----------
    n_rows : int
        Number of conditions simulated side by side (>= 1).
    n_steps : int
        Steps per trial of the TD errors (>= 1).
    n_neurons : int, default 50
        Neurons per row (>= 1).
    dt : Quantity, default 100 ms
        Duration of one step of the TD errors (> 0 s, a multiple of ``sim_dt``).
    refractory : Quantity, default 2 ms
        Absolute refractory period (>= 0 s).
    sim_dt : Quantity, default 1 ms
        Integration time step (> 0 s); rates times ``sim_dt`` must stay well
        below 1.
    seed : int or numpy.random.Generator, default 0
        Default seed of the spikes.
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"

    Attributes
    ----------
    network : nslib.spiking.CompiledNetwork
    target : str
    duration : Quantity
        ``n_steps * dt``.

    Examples
    --------
    >>> from brian2 import Hz, ms
    >>> pop = DopaminePopulation(1, 4, n_neurons=20, target="numpy")
    >>> res = pop.run([[0.0, 1.0, -1.0, 0.0]], baseline_rate=5 * Hz, gain=20 * Hz)
    >>> [int(round(float(r))) for r in res.input_rate[0] / Hz]
    [5, 25, 0, 5]
    >>> res.psth.shape
    (1, 4)
    """

    def __init__(self, n_rows: int, n_steps: int, *, n_neurons: int = 50, dt=None,
                 refractory=None, sim_dt=None, seed=0, target: str = "auto"):
        from brian2 import ms

        from ..spiking import CompiledNetwork, check_quantity, seed_int

        self.n_rows = check_int("n_rows", n_rows, low=1)
        self.n_steps = check_int("n_steps", n_steps, low=1)
        self.n_neurons = check_int("n_neurons", n_neurons, low=1)
        self.dt = check_quantity("dt", 100 * ms if dt is None else dt, ms, example="100*ms")
        self.refractory = check_quantity("refractory", 2 * ms if refractory is None else refractory,
                                         ms, strict=False, example="2*ms")
        self.sim_dt = check_quantity("sim_dt", 1 * ms if sim_dt is None else sim_dt, ms,
                                     example="1*ms")
        ratio = float(self.dt / self.sim_dt)
        if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
            raise ValueError(f"dt must be a whole multiple of sim_dt ({self.sim_dt}); got {self.dt}")
        check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
        self.seed = seed_int(seed)
        self.duration = self.n_steps * self.dt
        n_rows_, n_steps_, n_neurons_ = self.n_rows, self.n_steps, self.n_neurons
        step, refractory_ = self.dt, self.refractory

        def build(ctx):
            from brian2 import Hz

            b2 = ctx.brian2
            delta = ctx.timed_array("delta", np.zeros((n_steps_, n_rows_)), dt=step)
            cells = b2.NeuronGroup(n_rows_ * n_neurons_, DOPAMINE_EQUATIONS,
                                   threshold="rand() < rate * dt", refractory=refractory_,
                                   clock=ctx.clock, namespace={"delta": delta},
                                   name=ctx.name("cells"))
            cells.row = np.repeat(np.arange(n_rows_), n_neurons_)
            cells.baseline_rate = 5 * Hz
            cells.gain = 20 * Hz
            spikes = b2.SpikeMonitor(cells, name=ctx.name("spikes"))
            return {"cells": cells, "spikes": spikes, "delta": delta}

        def collect(objects):
            spikes = objects["spikes"]
            return np.asarray(spikes.t[:] / ms, dtype=float), np.asarray(spikes.i[:], dtype=int)

        key = ("dopamine", self.n_rows, self.n_steps, self.n_neurons, float(self.dt),
               float(self.refractory), DOPAMINE_EQUATIONS)
        self.network = CompiledNetwork("dopamine", build, collect, duration=self.duration,
                                       dt=self.sim_dt, key=key, seed=self.seed, target=target)

    target = property(lambda self: self.network.target)
    n_builds = property(lambda self: self.network.n_builds)
    build_seconds = property(lambda self: self.network.build_seconds)

    def run(self, rpe, *, baseline_rate=None, gain=None, bin_width=None, seed=None) -> DopamineResult:
        """Drive the population with TD errors and return its spikes and PSTHs.

        Parameters
        ----------
        rpe : array_like, shape (n_rows, n_steps) or (n_steps,) when n_rows is 1
            TD errors, one row per condition (unitless, finite).
        baseline_rate : Quantity, default 5 Hz
            Rate at ``delta = 0`` (>= 0 Hz).
        gain : Quantity, default 20 Hz
            Rate change per unit of ``delta`` (>= 0 Hz).
        bin_width : Quantity, optional
            PSTH bin (> 0 s); default ``dt``, one bin per TD step.
        seed : int or numpy.random.Generator, optional
            Seed of this run's spikes; default: the population's seed.

        Returns
        -------
        DopamineResult
        """
        from brian2 import Hz, ms, second

        from ..spiking import check_quantity

        values = check_finite_array("rpe", rpe)
        if values.ndim == 1 and self.n_rows == 1:
            values = values[np.newaxis]
        if values.shape != (self.n_rows, self.n_steps):
            raise ValueError(f"rpe must have the compiled shape ({self.n_rows}, {self.n_steps}) "
                             f"(rows x steps); got {values.shape}")
        baseline = check_quantity("baseline_rate", 5 * Hz if baseline_rate is None else baseline_rate,
                                  Hz, strict=False, example="5*Hz")
        gain = check_quantity("gain", 20 * Hz if gain is None else gain, Hz, strict=False,
                              example="20*Hz")
        bin_width = self.dt if bin_width is None else check_quantity(
            "bin_width", bin_width, ms, high=float(self.duration / ms), example="50*ms")
        # The TimedArray is indexed (time step, row); Brian2 needs it C-contiguous.
        run_values = {"delta": np.ascontiguousarray(values.T), "cells.baseline_rate": baseline,
                      "cells.gain": gain}
        t_ms, index = self.network.run(run_values, seed=seed)
        rows, neurons = np.divmod(index, self.n_neurons)
        width_ms, total_ms = float(bin_width / ms), float(self.duration / ms)
        n_bins = int(np.floor(total_ms / width_ms + 1e-9))
        edges_ms = np.arange(n_bins + 1) * width_ms
        counts = np.stack([np.histogram(t_ms[rows == k], bins=edges_ms)[0]
                           for k in range(self.n_rows)])
        psth = counts / (self.n_neurons * width_ms / 1000.0)
        input_rate = np.maximum(0.0, float(baseline / Hz) + float(gain / Hz) * values)
        return DopamineResult(rpe=values, input_rate=input_rate * Hz, psth=psth * Hz,
                              bin_edges=edges_ms / 1000.0 * second, spike_times=t_ms / 1000.0 * second,
                              spike_neurons=neurons, spike_rows=rows, n_neurons=self.n_neurons,
                              dt=self.dt, baseline_rate=baseline, gain=gain, target=self.target)


def dopamine_population(rpe, n_neurons: int = 50, baseline_rate=None, gain=None, dt=None,
                        refractory=None, bin_width=None, *, seed=0,
                        target: str = "auto") -> DopamineResult:
    """Simulate dopamine neurons whose rate follows ``max(0, baseline + gain * delta(t))``.

    A one-call front end to :class:`DopaminePopulation`: the first call with a
    given shape of ``rpe`` (and ``n_neurons``, ``dt``, ``refractory``,
    ``target``) compiles the Brian2 program and keeps it in
    :mod:`nslib.spiking`'s compile-once cache; later calls re-run it with the
    new TD errors, baseline, gain and seed.

    Parameters
    ----------
    rpe : array_like, shape (n_rows, n_steps) or (n_steps,)
        TD errors; row ``k`` drives its own ``n_neurons`` neurons.
    n_neurons : int, default 50
        Neurons per row (>= 1).
    baseline_rate : Quantity, default 5 Hz
        Tonic rate at ``delta = 0`` (>= 0 Hz).
    gain : Quantity, default 20 Hz
        Rate change per unit of ``delta`` (>= 0 Hz).
    dt : Quantity, default 100 ms
        Duration of one step of ``rpe``.
    refractory : Quantity, default 2 ms
        Absolute refractory period.
    bin_width : Quantity, optional
        PSTH bin width; default ``dt``.
    seed : int or numpy.random.Generator, default 0
        Seeds the spikes.
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"
        ``"auto"`` compiles a C++ program when a compiler exists.

    Returns
    -------
    DopamineResult

    Examples
    --------
    >>> from brian2 import Hz
    >>> res = dopamine_population([[0.0] * 10, [1.0] * 10], n_neurons=40, target="numpy")
    >>> [round(float(r)) for r in res.psth.mean(axis=1) / Hz]   # 5 Hz and 25 Hz driven
    [5, 24]

    (The refractory period keeps a neuron silent for a moment after each spike,
    so at 25 Hz it fires a few percent less than the formula.)
    """
    values = check_finite_array("rpe", rpe)
    if values.ndim == 1:
        values = values[np.newaxis]
    if values.ndim != 2:
        raise ValueError(f"rpe must be 1-D (steps) or 2-D (rows x steps); got shape {values.shape}")
    check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
    from brian2 import ms

    from ..spiking import check_quantity, compile_once, seed_int

    # One draw from a Generator, whether or not the population below is built now:
    # a cached population must not change what a Generator seed gives.
    seed = seed_int(seed)
    dt = check_quantity("dt", 100 * ms if dt is None else dt, ms, example="100*ms")
    refractory = check_quantity("refractory", 2 * ms if refractory is None else refractory, ms,
                                strict=False, example="2*ms")
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    # One compiled program per network shape and target, in nslib.spiking's compile-once cache.
    key = (values.shape, n_neurons, float(dt), float(refractory), target)
    population = compile_once("dopamine", key, lambda: DopaminePopulation(
        values.shape[0], values.shape[1], n_neurons=n_neurons, dt=dt, refractory=refractory,
        seed=seed, target=target))
    return population.run(values, baseline_rate=baseline_rate, gain=gain, bin_width=bin_width,
                          seed=seed)
