"""The leaky integrate-and-fire neuron: simulation, analytic rate and f-I curve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int
from ._brian import (_brian_runtime, _check_currents, _check_lif_params, _check_quantity,
                     _LIFParams, _seed_int, runtime_target)

# ---------------------------------------------------------------------------
# The leaky integrate-and-fire neuron
# ---------------------------------------------------------------------------

#: The LIF membrane equation as Brian2 sees it. ``I_ext`` and ``tau_m`` are
#: per-neuron parameters so that one NeuronGroup can hold a whole f-I curve and
#: so that a compiled standalone binary can be re-run with new values.
LIF_EQUATIONS = """
dv/dt = (v_rest - v + R_m*I_ext)/tau_m + noise_sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
I_ext : amp
tau_m : second
"""


@dataclass(frozen=True)
class LIFResult:
    """Spikes (and optionally voltages) of a population of LIF neurons.

    Attributes
    ----------
    input_current : Quantity, shape (n_neurons,)
        Constant input current of each neuron (amp).
    spike_counts : ndarray of int, shape (n_neurons,)
        Number of spikes of each neuron during ``duration``.
    rates : Quantity, shape (n_neurons,)
        ``spike_counts / duration`` (Hz).
    spike_indices : ndarray of int
        Neuron index of every spike, in time order.
    spike_times : Quantity
        Time of every spike (s).
    duration : Quantity
        Simulated time (s).
    t, v : Quantity or None
        Sample times (s) and membrane potentials (volt, shape
        ``(n_recorded, n_samples)``) of the neurons in ``record_v``.
    target : str
        The Brian2 code-generation target that ran (``"cython"``,
        ``"numpy"`` or ``"cpp_standalone"``).
    """

    input_current: Any
    spike_counts: np.ndarray
    rates: Any
    spike_indices: np.ndarray
    spike_times: Any
    duration: Any
    t: Any
    v: Any
    target: str


def _lif_namespace(params: _LIFParams, noise_sigma) -> dict:
    return {
        "v_rest": params.v_rest,
        "v_reset": params.v_reset,
        "v_threshold": params.v_threshold,
        "R_m": params.R_m,
        "noise_sigma": noise_sigma,
    }


def _build_lif_group(brian2, n: int, params: _LIFParams, noise_sigma, dt):
    noisy = float(noise_sigma / brian2.mV) > 0
    # Without noise the linear equation is integrated exactly; the xi term
    # would force a stochastic (Euler-Maruyama) scheme for nothing.
    equations = LIF_EQUATIONS if noisy else LIF_EQUATIONS.replace(
        " + noise_sigma*sqrt(2/tau_m)*xi", "")
    # An explicitly named clock: Brian2 would otherwise number it ("lif_clock_2")
    # whenever an older one is still alive, changing the generated C++ and
    # forcing a standalone rebuild.
    clock = brian2.Clock(dt=dt, name="lif_clock")
    group = brian2.NeuronGroup(
        n, equations, threshold="v > v_threshold", reset="v = v_reset",
        refractory=params.refractory, method="euler" if noisy else "exact", clock=clock,
        namespace=_lif_namespace(params, noise_sigma), name="lif",
    )
    group.v = params.v_rest
    group.tau_m = params.tau_m
    return group


def simulate_lif(input_current, *, tau_m=None, duration=None, v_rest=None, v_reset=None,
                 v_threshold=None, R_m=None, refractory=None, noise_sigma=None, dt=None,
                 record_v=None, seed=0, target: str = "auto") -> LIFResult:
    r"""Simulate leaky integrate-and-fire neurons driven by constant currents.

    Each neuron *i* obeys

    .. math:: \tau_m \frac{dv_i}{dt} = v_{rest} - v_i + R_m I_i + \sigma \sqrt{2\tau_m}\,\xi_i(t)

    and emits a spike when :math:`v_i > v_{threshold}`, after which ``v`` is
    reset to ``v_reset`` and held for ``refractory``.

    Parameters
    ----------
    input_current : Quantity, shape (n_neurons,)
        Constant input current of each neuron (amp), e.g. ``[1, 3]*nA``.
        One neuron per entry: the whole population runs in one simulation.
    tau_m : Quantity, default 10 ms
        Membrane time constant (> 0 s).
    duration : Quantity, default 500 ms
        Simulated time (> 0 s).
    v_rest, v_reset, v_threshold : Quantity, default -70, v_rest, -50 mV
        Resting, reset and threshold potentials (volt); ``v_threshold`` must
        exceed ``v_rest`` and ``v_reset``.
    R_m : Quantity, default 10 Mohm
        Membrane resistance (> 0 ohm).
    refractory : Quantity, default 2 ms
        Absolute refractory period (>= 0 s).
    noise_sigma : Quantity, default 0 mV
        Standard deviation of the membrane noise (>= 0 volt).
    dt : Quantity, default 0.1 ms
        Integration time step (> 0 s, at most ``duration``).
    record_v : sequence of int, optional
        Indices of neurons whose membrane potential is recorded.
    seed : int or numpy.random.Generator, default 0
        Seeds Brian2's noise, so the same seed gives the same spikes.
    target : {"auto", "cython", "numpy"}, default "auto"
        Code-generation target; see :func:`runtime_target`.

    Returns
    -------
    LIFResult

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> res = simulate_lif([0, 3] * nA, duration=200 * ms, target="numpy")
    >>> res.spike_counts.tolist()   # below rheobase (2 nA) the neuron is silent
    [0, 15]
    """
    from brian2 import ms, mV

    params = _check_lif_params(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)
    currents = _check_currents("input_current", input_current)
    duration = _check_quantity("duration", 500 * ms if duration is None else duration, ms,
                               example="500*ms")
    dt = _check_quantity("dt", 0.1 * ms if dt is None else dt, ms, example="0.1*ms")
    if dt > duration:
        raise ValueError(f"dt must be <= duration ({duration}); got {dt}")
    noise_sigma = _check_quantity("noise_sigma", 0 * mV if noise_sigma is None else noise_sigma,
                                  mV, strict=False, example="2*mV")
    n = len(currents)
    if record_v is not None:
        record_v = [check_int("record_v[i]", i, low=0, high=n - 1) for i in record_v]
    seed_value = _seed_int(seed)
    chosen = runtime_target(target)

    with _brian_runtime(chosen, "lif_runtime") as brian2:
        brian2.seed(seed_value)
        group = _build_lif_group(brian2, n, params, noise_sigma, dt)
        group.I_ext = currents
        spikes = brian2.SpikeMonitor(group, name="spikes")
        objects = [group, spikes]
        if record_v:
            vmon = brian2.StateMonitor(group, "v", record=record_v, name="vmon")
            objects.append(vmon)
        net = brian2.Network(*objects)
        net.run(duration, namespace={})
        counts = np.asarray(spikes.count[:], dtype=int)
        return LIFResult(
            input_current=currents, spike_counts=counts, rates=counts / duration,
            spike_indices=np.asarray(spikes.i[:], dtype=int), spike_times=spikes.t[:],
            duration=duration, t=vmon.t[:] if record_v else None,
            v=vmon.v[:] if record_v else None, target=chosen)


def lif_rate_analytic(input_current, *, tau_m=None, v_rest=None, v_reset=None,
                      v_threshold=None, R_m=None, refractory=None):
    r"""Firing rate of a noise-free LIF neuron under a constant current.

    For :math:`R_m I > v_{threshold} - v_{rest}` the membrane reaches threshold
    after

    .. math:: T = \tau_m \ln\frac{R_m I + v_{rest} - v_{reset}}{R_m I + v_{rest} - v_{threshold}}

    so the rate is :math:`1/(t_{ref} + T)`; below that (the rheobase) the
    neuron never fires.

    Parameters
    ----------
    input_current : Quantity, shape (n,)
        Input currents (amp).
    tau_m, v_rest, v_reset, v_threshold, R_m, refractory : Quantity
        As in :func:`simulate_lif`, with the same defaults.

    Returns
    -------
    Quantity, shape (n,)
        Firing rates (Hz).

    Examples
    --------
    >>> from brian2 import nA
    >>> rates = lif_rate_analytic([1, 3] * nA)
    >>> [round(float(r), 1) for r in rates]  # in Hz
    [0.0, 77.0]
    """
    from brian2 import Hz, mV, second

    p = _check_lif_params(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)
    currents = _check_currents("input_current", input_current)
    drive = np.asarray((p.R_m * currents) / mV, dtype=float)
    gap = float((p.v_threshold - p.v_rest) / mV)
    reset_gap = float((p.v_rest - p.v_reset) / mV)
    rates = np.zeros_like(drive)
    above = drive > gap
    period = float(p.tau_m / second) * np.log((drive[above] + reset_gap) / (drive[above] - gap))
    rates[above] = 1.0 / (float(p.refractory / second) + period)
    return rates * Hz


@dataclass(frozen=True)
class FICurve:
    """An f-I curve: simulated and analytic firing rate against input current.

    Attributes
    ----------
    currents : Quantity, shape (n,)
        Input currents (amp), strictly increasing.
    rates : Quantity, shape (n,)
        Simulated firing rates (Hz).
    analytic_rates : Quantity, shape (n,)
        Noise-free analytic rates from :func:`lif_rate_analytic` (Hz).
    tau_m : Quantity
        Membrane time constant used (s).
    rheobase : Quantity
        Smallest current that makes the noise-free neuron fire (amp).
    target : str
        Brian2 target that ran.
    """

    currents: Any
    rates: Any
    analytic_rates: Any
    tau_m: Any
    rheobase: Any
    target: str


def _rheobase(params: _LIFParams):
    return (params.v_threshold - params.v_rest) / params.R_m


def fi_curve(currents, *, tau_m=None, duration=None, seed=0, target: str = "auto",
             **lif_params) -> FICurve:
    """Compute an f-I curve the Brian2 way: one neuron per current, one run.

    Parameters
    ----------
    currents : Quantity, shape (n,)
        Strictly increasing input currents (amp), at least 2.
    tau_m : Quantity, default 10 ms
        Membrane time constant (> 0 s).
    duration : Quantity, default 1 s
        Simulated time (> 0 s); the rate resolution is 1/duration.
    seed : int or numpy.random.Generator, default 0
    target : {"auto", "cython", "numpy"}
    **lif_params
        ``v_rest``, ``v_reset``, ``v_threshold``, ``R_m``, ``refractory``,
        ``noise_sigma``, ``dt`` as in :func:`simulate_lif`.

    Returns
    -------
    FICurve

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA, second
    >>> curve = fi_curve(np.linspace(0, 4, 5) * nA, duration=1 * second, target="numpy")
    >>> [int(round(float(r))) for r in curve.rates]          # simulated, Hz
    [0, 0, 0, 77, 112]
    >>> [int(round(float(r))) for r in curve.analytic_rates] # analytic, Hz
    [0, 0, 0, 77, 112]
    """
    from brian2 import second

    currents = _check_currents("currents", currents, increasing=True)
    known = {"v_rest", "v_reset", "v_threshold", "R_m", "refractory", "noise_sigma", "dt"}
    unknown = set(lif_params) - known
    if unknown:
        raise ValueError(f"unknown LIF parameter(s) {sorted(unknown)}; allowed: {sorted(known)}")
    analytic_kw = {k: v for k, v in lif_params.items() if k not in ("noise_sigma", "dt")}
    params = _check_lif_params(tau_m, **analytic_kw)
    res = simulate_lif(currents, duration=1 * second if duration is None else duration,
                       seed=seed, target=target, tau_m=params.tau_m, **lif_params)
    return FICurve(currents=currents, rates=res.rates,
                   analytic_rates=lif_rate_analytic(currents, tau_m=params.tau_m, **analytic_kw),
                   tau_m=params.tau_m, rheobase=_rheobase(params), target=res.target)


