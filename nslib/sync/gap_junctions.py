r"""Spiking neurons coupled by gap junctions (electrical synapses), in Brian2.

A gap junction is a channel joining two cells' insides: current flows from
the more to the less depolarised cell, ``I = g_gap (v_pre - v_post)``, in both
directions and at once. Each model neuron is the course's leaky
integrate-and-fire neuron (10 ms membrane, rest and reset -70 mV, threshold
-50 mV, 10 MOhm, 2 ms refractory period) with its own constant drive and
membrane noise, and every pair of the ``n`` neurons is joined by a junction
of conductance ``g_gap``:

.. math:: \tau_m \frac{dv_i}{dt} = v_\text{rest} - v_i
          + R_m\Big(I_i + \sum_{j\ne i} g_\text{gap}(v_j - v_i)\Big)
          + \sigma\sqrt{2\tau_m}\,\xi_i(t) .

The LIF neuron has no spike shape, so the junction would see only the
subthreshold voltage and the reset after each spike, which pulls the partners
down (like inhibition). The real spike, though, is a brief, large
depolarisation that passes through the junction as a *spikelet*. It is added
here as the charge a spike of area ``A`` (its integral above threshold, in
mV·ms) drives through the junction: every partner that is not refractory
jumps by ``g_gap R_m A / tau_m``. The balance of the two effects, set by the
spike's shape, the firing frequency (drive) and the noise, decides whether
electrical coupling synchronises (Chow & Kopell 2000; Lewis & Rinzel 2003;
Ostojic et al. 2009).

Synchrony is measured by Golomb's ``chi`` (:func:`synchrony_chi`): the
standard deviation of the population-average voltage over the average
standard deviation of single voltages, 1 when all move together and about
``1/sqrt(n)`` for independent neurons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = ["GAP_JUNCTION_EQUATIONS", "GAP_JUNCTION_SPIKELET", "GAP_JUNCTION_SYNAPSE",
           "GapJunctionNetwork", "GapJunctionResult", "gap_junction_population",
           "synchrony_chi"]

#: The neurons: the course's LIF with a drive, a summed gap-junction current
#: and noise. ``g_gap``, ``spike_area`` and ``noise_sigma`` are ``(shared)``
#: so that a compiled program can take new values on every run.
GAP_JUNCTION_EQUATIONS = """
dv/dt = (v_rest - v + R_m*(I_drive + I_gap))/tau_m + noise_sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
I_drive : amp
I_gap : amp
g_gap : siemens (shared)
spike_area : volt*second (shared)
noise_sigma : volt (shared)
"""

#: The junctions: each synapse adds g_gap (v_pre - v_post) to its target's I_gap.
GAP_JUNCTION_SYNAPSE = "I_gap_post = g_gap_post*(v_pre - v_post) : amp (summed)"

#: What a presynaptic spike does through the junction: a spikelet in every
#: partner that is not refractory.
GAP_JUNCTION_SPIKELET = "v_post += int(not_refractory_post)*g_gap_post*R_m*spike_area_post/tau_m"

# The course's LIF (nslib.spiking.LIF_DEFAULTS), as (value, unit) pairs.
_NEURON = {"tau_m": (10.0, "ms"), "v_rest": (-70.0, "mV"), "v_reset": (-70.0, "mV"),
           "v_threshold": (-50.0, "mV"), "R_m": (10.0, "Mohm")}
_REFRACTORY_MS = 2.0
INITIAL_STATES = ("random", "synchronous")


def synchrony_chi(v, *, axis: int = 1) -> float:
    r"""Golomb's synchrony measure :math:`\chi` of a population's voltage traces.

    .. math:: \chi^2 = \frac{\mathrm{Var}_t\big[\bar V(t)\big]}{\frac1n\sum_i \mathrm{Var}_t\big[V_i(t)\big]},
              \qquad \bar V(t) = \frac1n\sum_i V_i(t)

    (Golomb & Rinzel 1993; Golomb 2007). It is 1 when all traces are
    identical and about ``1/sqrt(n)`` for ``n`` independent ones.

    Parameters
    ----------
    v : array_like, shape (n_neurons, n_samples)
        One row per neuron (``axis=1``: time along the rows), any unit.
    axis : {0, 1}, default 1
        The time axis.

    Returns
    -------
    float
        ``chi`` in [0, 1] (0 if every trace is constant).

    Examples
    --------
    >>> t = np.linspace(0, 1, 200)
    >>> round(synchrony_chi([np.sin(6 * t), np.sin(6 * t)]), 6)
    1.0
    >>> round(synchrony_chi([np.sin(2 * np.pi * 5 * t), -np.sin(2 * np.pi * 5 * t)]), 6)
    0.0
    """
    arr = check_finite_array("v", v, ndim=2)
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 or 1; got {axis!r}")
    if axis == 0:
        arr = arr.T
    if arr.shape[1] < 2:
        raise ValueError(f"v must hold at least 2 time samples per neuron; got {arr.shape[1]}")
    single = arr.var(axis=1).mean()
    if single == 0:
        return 0.0
    return float(np.sqrt(arr.mean(axis=0).var() / single))


@dataclass(frozen=True)
class GapJunctionResult:
    """A run of the gap-junction population.

    Attributes
    ----------
    spike_indices : numpy.ndarray of int
        Neuron of every spike, in time order.
    spike_times_ms : numpy.ndarray
        Time of every spike (ms).
    t_ms : numpy.ndarray
        Voltage sample times (ms).
    v_mean_mv : numpy.ndarray
        Population-average membrane potential at each sample (mV).
    v_sample_mv : numpy.ndarray, shape (3, n_samples)
        Membrane potential of neurons 0, 1 and 2 (mV).
    chi : float
        Golomb's synchrony measure over ``t >= chi_from_ms``.
    rate_hz : float
        Mean firing rate (Hz).
    coupling_ns : float
        Junction conductance between each pair (nS).
    spike_area_mv_ms : float
        Area of the spike passed through the junctions (mV·ms).
    noise_mv : float
        Membrane noise (mV).
    drive_na : numpy.ndarray, shape (n,)
        Each neuron's constant drive (nA).
    initial : str
        ``"random"`` or ``"synchronous"`` start.
    chi_from_ms : float
        Start of the window over which ``chi`` is measured (ms).
    target : str
        Brian2 target that ran.
    """

    spike_indices: np.ndarray
    spike_times_ms: np.ndarray
    t_ms: np.ndarray
    v_mean_mv: np.ndarray
    v_sample_mv: np.ndarray
    chi: float
    rate_hz: float
    coupling_ns: float
    spike_area_mv_ms: float
    noise_mv: float
    drive_na: np.ndarray
    initial: str
    chi_from_ms: float
    target: str


def _namespace(brian2) -> dict:
    return {name: value * getattr(brian2, unit) for name, (value, unit) in _NEURON.items()}


def build_gap_network(ctx, n: int) -> dict:
    """Create the gap-junction population inside a gate block.

    ``ctx`` is a :class:`nslib.spiking.Runtime` or a
    :class:`nslib.spiking.BuildContext`. Values (drive, coupling, spike area,
    noise, initial voltage) are set afterwards, so that a compiled program can
    take new ones on every run.

    Returns
    -------
    dict
        ``neurons``, ``gap`` (the synapses), ``spikes`` and ``voltage`` monitors.
    """
    b2 = ctx.brian2
    namespace = _namespace(b2)
    neurons = b2.NeuronGroup(
        n, GAP_JUNCTION_EQUATIONS, threshold="v > v_threshold", reset="v = v_reset",
        refractory=_REFRACTORY_MS * b2.ms, method="euler", clock=ctx.clock,
        namespace=namespace, name=ctx.name("neurons"))
    neurons.v = namespace["v_rest"]
    gap = b2.Synapses(neurons, neurons, model=GAP_JUNCTION_SYNAPSE, on_pre=GAP_JUNCTION_SPIKELET,
                      clock=ctx.clock, namespace=namespace, name=ctx.name("gap"))
    gap.connect(condition="i != j")            # every pair, both directions
    spikes = b2.SpikeMonitor(neurons, name=ctx.name("spikes"))
    voltage = b2.StateMonitor(neurons, "v", record=True, clock=ctx.clock, name=ctx.name("voltage"))
    return {"neurons": neurons, "gap": gap, "spikes": spikes, "voltage": voltage}


@dataclass(frozen=True)
class _Values:
    v0_mv: np.ndarray
    drive_na: np.ndarray
    coupling_ns: float
    spike_area: float
    noise_mv: float
    initial: str


def _values(n, coupling, drive, heterogeneity, spike_area, noise, initial, seed) -> _Values:
    """Check the run's values and draw its heterogeneous drives and initial voltages."""
    from brian2 import ms, mV, nA, nS

    from ..spiking import check_quantity

    check_quantity("coupling", coupling, nS, strict=False, example="2*nS")
    check_quantity("drive", drive, nA, low=None, example="3*nA")
    heterogeneity = check_number("heterogeneity", heterogeneity, low=0.0, high=1.0)
    check_quantity("spike_area", spike_area, mV * ms, strict=False, example="25*mV*ms")
    check_quantity("noise", noise, mV, strict=False, example="0.5*mV")
    check_choice("initial", initial, INITIAL_STATES)
    rng = as_generator(seed)
    drives = float(drive / nA) * (1.0 + heterogeneity * rng.uniform(-1.0, 1.0, n))
    reset, threshold = _NEURON["v_reset"][0], _NEURON["v_threshold"][0]
    if initial == "random":
        v0 = rng.uniform(reset, threshold, n)
    else:
        # All within 2 mV below threshold: they are about to fire together.
        v0 = rng.uniform(threshold - 2.0, threshold, n)
    return _Values(v0_mv=v0, drive_na=drives, coupling_ns=float(coupling / nS),
                   spike_area=float(spike_area / (mV * ms)), noise_mv=float(noise / mV),
                   initial=initial)


def _collect(objects: dict, values: _Values, chi_from_ms: float, target: str,
             duration_ms: float) -> GapJunctionResult:
    from brian2 import ms, mV

    spikes, voltage = objects["spikes"], objects["voltage"]
    t_ms = np.asarray(voltage.t / ms)
    v_mv = np.asarray(voltage.v / mV)
    window = t_ms >= chi_from_ms
    n = v_mv.shape[0]
    return GapJunctionResult(
        spike_indices=np.asarray(spikes.i[:], dtype=int),
        spike_times_ms=np.asarray(spikes.t[:] / ms), t_ms=t_ms, v_mean_mv=v_mv.mean(axis=0),
        v_sample_mv=v_mv[:3].copy(), chi=synchrony_chi(v_mv[:, window]),
        rate_hz=float(len(spikes.i[:]) / n / (duration_ms / 1000.0)),
        coupling_ns=values.coupling_ns, spike_area_mv_ms=values.spike_area,
        noise_mv=values.noise_mv, drive_na=values.drive_na, initial=values.initial,
        chi_from_ms=chi_from_ms, target=target)


def _set_values(neurons, values: _Values) -> None:
    from brian2 import ms, mV, nA, nS

    neurons.v = values.v0_mv * mV
    neurons.I_drive = values.drive_na * nA
    neurons.g_gap = values.coupling_ns * nS
    neurons.spike_area = values.spike_area * mV * ms
    neurons.noise_sigma = values.noise_mv * mV


def _defaults(drive, spike_area, noise):
    from brian2 import ms, mV, nA

    return (3 * nA if drive is None else drive,
            25 * mV * ms if spike_area is None else spike_area,
            0.25 * mV if noise is None else noise)


def _check_window(duration, chi_from):
    from brian2 import ms

    from ..spiking import check_quantity

    check_quantity("duration", duration, ms, example="500*ms")
    check_quantity("chi_from", chi_from, ms, strict=False, example="100*ms")
    if not chi_from < duration:
        raise ValueError(f"chi_from must be < duration ({duration}); got {chi_from}")
    return float(duration / ms), float(chi_from / ms)


def gap_junction_population(coupling, *, n: int = 50, drive=None, heterogeneity: float = 0.01,
                            spike_area=None, noise=None, initial: str = "synchronous",
                            duration=None, chi_from=None, dt=None, seed=0,
                            target: str = "auto") -> GapJunctionResult:
    """Run ``n`` LIF neurons, all pairs joined by gap junctions, once; measure their synchrony.

    Parameters
    ----------
    coupling : Quantity
        Conductance ``g_gap`` of each junction (>= 0 siemens), e.g. ``2*nS``.
    n : int, default 50
        Neurons, in [2, 500].
    drive : Quantity, default 3 nA
        Mean constant drive (amp); 3 nA makes a lone neuron fire at about 77 Hz.
    heterogeneity : float, default 0.01
        Each neuron's drive is ``drive * (1 + heterogeneity * u)``, ``u``
        uniform in [-1, 1] (in [0, 1]).
    spike_area : Quantity, default 25 mV·ms
        Area of the spike above threshold that passes through the junctions
        (>= 0 volt·second): about a 90 mV, 0.3 ms spike. 0 passes no spike,
        only the subthreshold voltage and the reset.
    noise : Quantity, default 0.25 mV
        Standard deviation of each membrane's free fluctuations (>= 0 volt).
    initial : {"synchronous", "random"}, default "synchronous"
        Initial voltages all within 2 mV below threshold (the neurons are
        about to fire together), or uniform between reset and threshold.
    duration : Quantity, default 500 ms
    chi_from : Quantity, default 100 ms
        ``chi`` is measured from this time to the end (< duration).
    dt : Quantity, default 0.1 ms
    seed : int or numpy.random.Generator, default 0
        Seeds the drives, the initial voltages and Brian2's noise.
    target : {"auto", "cython", "numpy"}, default "auto"
        See :func:`nslib.spiking.runtime_target`.

    Returns
    -------
    GapJunctionResult

    Examples
    --------
    >>> from brian2 import nS, ms
    >>> apart = gap_junction_population(0 * nS, n=10, duration=200 * ms, target="numpy")
    >>> together = gap_junction_population(10 * nS, n=10, duration=200 * ms, target="numpy")
    >>> bool(apart.chi < 0.7 < 0.95 < together.chi)
    True
    """
    from brian2 import ms

    from .. import spiking

    n = check_int("n", n, low=2, high=500)
    drive, spike_area, noise = _defaults(drive, spike_area, noise)
    duration = 500 * ms if duration is None else duration
    chi_from = 100 * ms if chi_from is None else chi_from
    duration_ms, chi_from_ms = _check_window(duration, chi_from)
    rng = as_generator(seed)
    values = _values(n, coupling, drive, heterogeneity, spike_area, noise, initial, rng)
    with spiking.runtime("gap_junctions", target=target, seed=rng, dt=dt) as rt:
        objects = build_gap_network(rt, n)
        _set_values(objects["neurons"], values)
        rt.brian2.Network(*objects.values()).run(duration, namespace={})
        return _collect(objects, values, chi_from_ms, rt.target, duration_ms)


class GapJunctionNetwork:
    """The gap-junction population compiled once, re-run with new coupling, drive and noise.

    A :class:`nslib.spiking.CompiledNetwork`: the structure (``n`` neurons,
    all pairs joined) is built once into a C++ program; the junction
    conductance, the spike area, the noise, each neuron's drive, the initial
    voltages and the seed are values of each run, so a slider never compiles.

    Parameters
    ----------
    n : int, default 50
        Neurons, in [2, 500].
    duration : Quantity, default 500 ms
        Length of every run, fixed at build time.
    dt : Quantity, default 0.1 ms
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"
        ``"auto"`` compiles a C++ program when a compiler exists.

    Attributes
    ----------
    network : nslib.spiking.CompiledNetwork
    target : str

    Examples
    --------
    Without a spike passed through the junctions, coupling spreads the
    neurons apart:

    >>> from brian2 import nS, ms, mV
    >>> net = GapJunctionNetwork(n=10, duration=200 * ms, target="numpy")
    >>> chis = [net.run(g * nS, spike_area=0 * mV * ms).chi for g in (0, 10)]
    >>> bool(chis[1] < 0.3 < 0.5 < chis[0])
    True
    """

    def __init__(self, n: int = 50, *, duration=None, dt=None, target: str = "auto"):
        from brian2 import ms

        from .. import spiking

        self.n = check_int("n", n, low=2, high=500)
        self.duration = 500 * ms if duration is None else duration
        self._duration_ms, _ = _check_window(self.duration, 0 * ms)
        target = "auto" if target == "cython" else target
        self.network = spiking.CompiledNetwork(
            "gap_junctions", lambda ctx: build_gap_network(ctx, self.n), lambda objects: objects,
            duration=self.duration, dt=dt, key=("gap_junctions", self.n, GAP_JUNCTION_EQUATIONS,
                                                GAP_JUNCTION_SYNAPSE, GAP_JUNCTION_SPIKELET),
            target=target)

    target = property(lambda self: self.network.target)

    def run(self, coupling, *, drive=None, heterogeneity: float = 0.01, spike_area=None,
            noise=None, initial: str = "synchronous", chi_from=None, seed=0) -> GapJunctionResult:
        """Run the compiled population with new values.

        Parameters are those of :func:`gap_junction_population`.

        Parameters
        ----------
        coupling : Quantity
            Conductance ``g_gap`` of each junction (>= 0 siemens).
        drive : Quantity, default 3 nA
            Mean constant drive (amp).
        heterogeneity : float, default 0.01
            Spread of the drives, in [0, 1].
        spike_area : Quantity, default 25 mV·ms
            Area of the spike passed through the junctions (>= 0 volt·second).
        noise : Quantity, default 0.25 mV
            Standard deviation of each membrane's free fluctuations (>= 0 volt).
        initial : {"synchronous", "random"}, default "synchronous"
            Initial voltages, as in :func:`gap_junction_population`.
        chi_from : Quantity, default 100 ms
            ``chi`` is measured from this time to the end.
        seed : int or numpy.random.Generator, default 0
            Seeds the drives, the initial voltages and Brian2's noise.

        Returns
        -------
        GapJunctionResult
        """
        from brian2 import ms, mV, nA, nS

        drive, spike_area, noise = _defaults(drive, spike_area, noise)
        chi_from = 100 * ms if chi_from is None else chi_from
        _, chi_from_ms = _check_window(self.duration, chi_from)
        rng = as_generator(seed)
        values = _values(self.n, coupling, drive, heterogeneity, spike_area, noise, initial, rng)
        run_values: dict[str, Any] = {
            "neurons.v": values.v0_mv * mV, "neurons.I_drive": values.drive_na * nA,
            "neurons.g_gap": values.coupling_ns * nS,
            "neurons.spike_area": values.spike_area * mV * ms,
            "neurons.noise_sigma": values.noise_mv * mV}
        objects = self.network.run(run_values, seed=rng)
        return _collect(objects, values, chi_from_ms, self.target, self._duration_ms)
