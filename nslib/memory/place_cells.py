"""Spiking place cells on a linear track (Brian2, through :mod:`nslib.spiking`).

A place cell of the hippocampus fires when the animal is in one part of its
environment, the cell's place field (O'Keefe & Dostrovsky 1971). Here each
cell is a leaky integrate-and-fire neuron with membrane noise, driven by a
Gaussian function of the animal's position ``x(t)`` around its field centre
``c_i`` (:func:`place_field_drive`):

``drive_i(t) = peak_drive * exp(-(x(t) - c_i)^2 / (2 field_width^2))``.

The drive, computed from the position, reaches the network as a 2-D Brian2
``TimedArray`` (one row per position sample of ``position_dt``, one column
per cell), so the compiled program (:class:`PlaceCellPopulation`, a
:class:`nslib.spiking.CompiledNetwork`) re-runs with a new path, peak drive
and field width without recompiling. (Written inside the equations, the
Gaussian would be expanded by Brian2's code optimiser into a product of
exponentials that overflows for narrow fields.) Theta phase precession (O'Keefe & Recce
1993) is not modelled: the drive has no theta rhythm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_choice, check_finite_array, check_int, check_number

__all__ = ["PLACE_CELL_EQUATIONS", "PlaceCellPopulation", "PlaceCellResult", "place_cells",
           "place_field_drive", "track_path"]

#: One place cell, in Brian2's equation syntax. ``drive`` is a TimedArray of
#: the place-field drive (volt), one column per cell (``drive(t, i)``).
PLACE_CELL_EQUATIONS = """
dv/dt = (v_rest - v + drive(t, i)) / tau_m + sigma * sqrt(2 / tau_m) * xi : volt (unless refractory)
"""


def place_field_drive(positions, centres, peak_drive: float = 14.0, field_width: float = 0.1) -> np.ndarray:
    """Gaussian place-field drive of every cell at every position sample.

    ``drive[k, i] = peak_drive * exp(-(x_k - c_i)^2 / (2 field_width^2))``.

    Parameters
    ----------
    positions : array_like, shape (n_samples,)
        The animal's positions (m).
    centres : array_like, shape (n_cells,)
        Field centres (m).
    peak_drive : float, default 14.0
        Drive at the field centre (mV, >= 0).
    field_width : float, default 0.1
        Standard deviation of the Gaussian (m, > 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_samples, n_cells)``, in mV.

    Examples
    --------
    >>> place_field_drive([0.0, 0.1], [0.0], peak_drive=10.0, field_width=0.1).round(2).tolist()
    [[10.0], [6.07]]
    """
    x = check_finite_array("positions", positions, ndim=1)
    c = check_finite_array("centres", centres, ndim=1)
    peak_drive = check_number("peak_drive", peak_drive, low=0.0)
    field_width = check_number("field_width", field_width, low=0.0, low_inclusive=False)
    return peak_drive * np.exp(-(x[:, None] - c[None, :]) ** 2 / (2 * field_width ** 2))


def track_path(track_length: float = 2.0, speed: float = 0.4, n_laps: int = 1, *,
               dt_ms: float = 10.0) -> np.ndarray:
    """Positions (m) of an animal running back and forth on a linear track at constant speed.

    One lap runs from 0 to ``track_length`` and back.

    Parameters
    ----------
    track_length : float, default 2.0
        Length of the track (m, > 0).
    speed : float, default 0.4
        Running speed (m/s, > 0).
    n_laps : int, default 1
        Laps (>= 1).
    dt_ms : float, default 10.0
        Time between samples (ms, > 0).

    Returns
    -------
    numpy.ndarray
        Positions in metres, one per ``dt_ms``.

    Examples
    --------
    >>> path = track_path(1.0, 0.5, 1, dt_ms=250.0)
    >>> path.tolist()
    [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125]
    """
    track_length = check_number("track_length", track_length, low=0.0, low_inclusive=False)
    speed = check_number("speed", speed, low=0.0, low_inclusive=False)
    n_laps = check_int("n_laps", n_laps, low=1)
    dt_ms = check_number("dt_ms", dt_ms, low=0.0, low_inclusive=False)
    lap_s = 2 * track_length / speed
    t = np.arange(int(round(n_laps * lap_s * 1000.0 / dt_ms))) * dt_ms / 1000.0
    phase = (t % lap_s) * speed
    return np.where(phase <= track_length, phase, 2 * track_length - phase)


@dataclass(frozen=True, eq=False)
class PlaceCellResult:
    """Spikes and rate maps of a population of place cells.

    Attributes
    ----------
    spike_times : Quantity
        Time of every spike (s).
    spike_cells : numpy.ndarray of int
        Cell of every spike.
    positions : Quantity
        The animal's position at every sample (m).
    position_dt : Quantity
        Time between position samples (s).
    centres : Quantity
        Field centre of every cell (m), shape ``(n_cells,)``.
    rate_maps : Quantity
        Firing rate of every cell in every position bin (Hz), shape ``(n_cells, n_bins)``:
        its spikes in the bin divided by the time spent there.
    bin_edges : Quantity
        Edges of the position bins (m), shape ``(n_bins + 1,)``.
    occupancy : Quantity
        Time spent in each bin (s).
    peak_drive : Quantity
        (V)
    field_width : Quantity
        (m)
    target : str
        ``"cpp_standalone"`` or ``"numpy"``.
    """

    spike_times: Any
    spike_cells: np.ndarray
    positions: Any
    position_dt: Any
    centres: Any
    rate_maps: Any
    bin_edges: Any
    occupancy: Any
    peak_drive: Any
    field_width: Any
    target: str


class PlaceCellPopulation:
    """Place cells on a linear track, compiled once and re-run with new paths and fields.

    ``n_cells`` noisy LIF neurons with field centres evenly spaced along the
    track (from ``track_length / (2 n_cells)`` to ``track_length`` minus that).
    The Brian2 model (see :data:`PLACE_CELL_EQUATIONS`)::

        NeuronGroup(n_cells, PLACE_CELL_EQUATIONS, threshold="v > v_threshold",
                    reset="v = v_reset", refractory=2 * ms, method="euler")

    with ``v_rest = -65 mV``, ``v_threshold = -50 mV``, ``v_reset = -65 mV``,
    ``tau_m = 10 ms`` and membrane noise ``sigma = 2 mV``.

    Parameters
    ----------
    n_cells : int, default 40
        Cells (>= 1).
    n_samples : int, default 1000
        Position samples per run (>= 1); the run lasts ``n_samples * position_dt``.
    track_length : Quantity, default 2 m
    position_dt : Quantity, default 10 ms
        Time between position samples (a multiple of ``sim_dt``).
    sim_dt : Quantity, default 0.5 ms
        Integration time step.
    seed : int or numpy.random.Generator, default 0
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"

    Examples
    --------
    >>> from brian2 import metre, mV
    >>> pop = PlaceCellPopulation(n_cells=4, n_samples=100, target="numpy")
    >>> res = pop.run(track_path(2.0, 4.0, 1) * metre, peak_drive=18 * mV)   # 1 s, 100 samples
    >>> res.rate_maps.shape[0]
    4
    """

    def __init__(self, n_cells: int = 40, n_samples: int = 1000, *, track_length=None, position_dt=None,
                 sim_dt=None, seed=0, target: str = "auto"):
        from brian2 import metre, ms, mV

        from ..spiking import CompiledNetwork, check_quantity, seed_int

        self.n_cells = check_int("n_cells", n_cells, low=1)
        self.n_samples = check_int("n_samples", n_samples, low=1)
        self.track_length = check_quantity("track_length", 2 * metre if track_length is None
                                           else track_length, metre, example="2*metre")
        self.position_dt = check_quantity("position_dt", 10 * ms if position_dt is None else position_dt,
                                          ms, example="10*ms")
        self.sim_dt = check_quantity("sim_dt", 0.5 * ms if sim_dt is None else sim_dt, ms,
                                     example="0.5*ms")
        ratio = float(self.position_dt / self.sim_dt)
        if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
            raise ValueError(f"position_dt must be a whole multiple of sim_dt ({self.sim_dt}); "
                             f"got {self.position_dt}")
        check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
        self.seed = seed_int(seed)
        self.duration = self.n_samples * self.position_dt
        spacing = self.track_length / self.n_cells
        self.centres = (np.arange(self.n_cells) + 0.5) * spacing
        n_cells_, n_samples_, step = self.n_cells, self.n_samples, self.position_dt

        def build(ctx):
            b2 = ctx.brian2
            drive = ctx.timed_array("drive", np.zeros((n_samples_, n_cells_)) * mV, dt=step)
            constants = {"drive": drive, "v_rest": -65 * mV, "v_threshold": -50 * mV,
                         "v_reset": -65 * mV, "tau_m": 10 * ms, "sigma": 2 * mV}
            cells = b2.NeuronGroup(n_cells_, PLACE_CELL_EQUATIONS, threshold="v > v_threshold",
                                   reset="v = v_reset", refractory=2 * ms, method="euler",
                                   clock=ctx.clock, namespace=constants, name=ctx.name("cells"))
            cells.v = -65 * mV
            spikes = b2.SpikeMonitor(cells, name=ctx.name("spikes"))
            return {"cells": cells, "spikes": spikes, "drive": drive}

        def collect(objects):
            spikes = objects["spikes"]
            return np.asarray(spikes.t[:] / ms, dtype=float), np.asarray(spikes.i[:], dtype=int)

        key = ("place_cells", self.n_cells, self.n_samples, float(self.track_length),
               float(self.position_dt), PLACE_CELL_EQUATIONS)
        self.network = CompiledNetwork("place_cells", build, collect, duration=self.duration,
                                       dt=self.sim_dt, key=key, seed=self.seed, target=target)

    target = property(lambda self: self.network.target)
    n_builds = property(lambda self: self.network.n_builds)

    def run(self, positions, *, peak_drive=None, field_width=None, bin_width=None,
            seed=None) -> PlaceCellResult:
        """Run the population along a path and return its spikes and rate maps.

        Parameters
        ----------
        positions : Quantity, shape (n_samples,)
            The animal's position at each sample (m), within the track.
        peak_drive : Quantity, default 14 mV
            Drive at the field centre (>= 0 V); 15 mV reaches threshold without noise.
        field_width : Quantity, default 0.1 m
            Standard deviation of the Gaussian field (> 0 m).
        bin_width : Quantity, default 5 cm
            Position bins of the rate maps (> 0 m).
        seed : int or numpy.random.Generator, optional
            Seed of the membrane noise; default: the population's seed.

        Returns
        -------
        PlaceCellResult
        """
        from brian2 import Hz, metre, ms, mV, second
        from brian2.units.fundamentalunits import Quantity

        from ..spiking import check_quantity

        if not isinstance(positions, Quantity) or positions.dim != metre.dim:
            raise ValueError("positions must be a Brian2 quantity array in metres, e.g. path * metre")
        x = check_finite_array("positions", np.asarray(positions / metre), ndim=1)
        if x.shape != (self.n_samples,):
            raise ValueError(f"positions must have the compiled shape ({self.n_samples},); got {x.shape}")
        length = float(self.track_length / metre)
        if x.min() < 0 or x.max() > length:
            raise ValueError(f"positions must lie on the track, in [0, {length:g}] m")
        peak = check_quantity("peak_drive", 14 * mV if peak_drive is None else peak_drive, mV,
                              strict=False, example="14*mV")
        width = check_quantity("field_width", 0.1 * metre if field_width is None else field_width, metre,
                               example="0.1*metre")
        bin_m = 0.05 if bin_width is None else float(check_quantity("bin_width", bin_width, metre,
                                                                    example="0.05*metre") / metre)
        drive = place_field_drive(x, np.asarray(self.centres / metre), float(peak / mV),
                                  float(width / metre))
        values = {"drive": np.ascontiguousarray(drive) * mV}
        t_ms, cells = self.network.run(values, seed=seed)
        step_ms = float(self.position_dt / ms)
        n_bins = max(1, int(round(length / bin_m)))
        edges = np.linspace(0.0, length, n_bins + 1)
        sample_bin = np.clip(np.digitize(x, edges) - 1, 0, n_bins - 1)
        occupancy = np.bincount(sample_bin, minlength=n_bins) * step_ms / 1000.0
        spike_sample = np.clip((t_ms / step_ms).astype(int), 0, self.n_samples - 1)
        counts = np.zeros((self.n_cells, n_bins))
        np.add.at(counts, (cells, sample_bin[spike_sample]), 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate_maps = np.where(occupancy > 0, counts / occupancy, np.nan)
        return PlaceCellResult(spike_times=t_ms / 1000.0 * second, spike_cells=cells,
                               positions=x * metre, position_dt=self.position_dt,
                               centres=self.centres, rate_maps=rate_maps * Hz, bin_edges=edges * metre,
                               occupancy=occupancy * second, peak_drive=peak, field_width=width,
                               target=self.target)


def place_cells(positions=None, *, n_cells: int = 40, track_length=None, peak_drive=None,
                field_width=None, position_dt=None, bin_width=None, seed=0,
                target: str = "auto") -> PlaceCellResult:
    """Simulate spiking place cells along a path on a linear track.

    A one-call front end to :class:`PlaceCellPopulation`: the first call with a
    given number of samples and cells (and track, ``position_dt``,
    ``target``) compiles the Brian2 program; later calls re-run it.

    Parameters
    ----------
    positions : Quantity, shape (n_samples,), optional
        The path (m); default one lap of :func:`track_path` on a 2 m track at
        0.4 m/s (10 s).
    n_cells : int, default 40
    track_length : Quantity, default 2 m
    peak_drive : Quantity, default 14 mV
    field_width : Quantity, default 0.1 m
    position_dt : Quantity, default 10 ms
    bin_width : Quantity, default 5 cm
    seed : int or numpy.random.Generator, default 0
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"

    Returns
    -------
    PlaceCellResult

    Examples
    --------
    >>> from brian2 import metre, mV
    >>> res = place_cells(track_path(2.0, 4.0, 1) * metre, n_cells=5, peak_drive=20 * mV, target="numpy")
    >>> abs(int(np.nanargmax(res.rate_maps[2])) - 20) <= 2   # cell 2's field is at 1 m: bin 20 of 40
    True
    """
    from brian2 import metre, ms

    from ..spiking import check_quantity, compile_once, seed_int

    check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
    seed = seed_int(seed)
    length = check_quantity("track_length", 2 * metre if track_length is None else track_length, metre,
                            example="2*metre")
    step = check_quantity("position_dt", 10 * ms if position_dt is None else position_dt, ms,
                          example="10*ms")
    if positions is None:
        positions = track_path(float(length / metre), 0.4, 1, dt_ms=float(step / ms)) * metre
    n_samples = int(np.size(positions))
    n_cells = check_int("n_cells", n_cells, low=1)
    key = (n_cells, n_samples, float(length), float(step), target)
    # One compiled program per network shape and target, in nslib.spiking's one compile cache.
    population = compile_once("place_cells", key, lambda: PlaceCellPopulation(
        n_cells, n_samples, track_length=length, position_dt=step, seed=seed, target=target))
    return population.run(positions, peak_drive=peak_drive, field_width=field_width,
                          bin_width=bin_width, seed=seed)
