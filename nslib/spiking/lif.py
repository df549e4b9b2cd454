"""The leaky integrate-and-fire neuron: simulation, analytic rate, f-I curve, compiled sweeps.

Everything here runs Brian2 through the gate of :mod:`nslib.spiking`
(:func:`~nslib.spiking.runtime` and :class:`~nslib.spiking.CompiledNetwork`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._validation import check_int
from ._brian import runtime
from ._quantities import check_quantity, check_quantity_array

if TYPE_CHECKING:  # Brian2 is imported inside the functions only
    import brian2

# ---------------------------------------------------------------------------
# The course's LIF neuron: parameters
# ---------------------------------------------------------------------------

#: Default LIF parameters of the course (chapter 0): a 10 ms membrane,
#: resting at -70 mV, threshold -50 mV, 10 Mohm, 2 ms refractory period, so
#: the rheobase is (-50 - -70) mV / 10 Mohm = 2 nA. As ``(value, unit name)``
#: so importing this module does not import Brian2.
LIF_DEFAULTS = {
    "tau_m": (10.0, "ms"),
    "v_rest": (-70.0, "mV"),
    "v_threshold": (-50.0, "mV"),
    "R_m": (10.0, "Mohm"),
    "refractory": (2.0, "ms"),
}

#: The LIF membrane equation as Brian2 sees it. ``I_ext`` and ``tau_m`` are
#: per-neuron parameters so that one NeuronGroup can hold a whole f-I curve and
#: so that a compiled standalone binary can be re-run with new values.
#: ``xi`` is white noise (units s^-1/2): with ``noise_sigma`` the free membrane
#: fluctuates with standard deviation ``noise_sigma`` around its mean.
LIF_EQUATIONS = """
dv/dt = (v_rest - v + R_m*I_ext)/tau_m + noise_sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
I_ext : amp
tau_m : second
"""

_NOISE_TERM = " + noise_sigma*sqrt(2/tau_m)*xi"


def lif_equations(*, noise: bool = False, timed_input: bool = False) -> str:
    """Return the LIF equations as Brian2 strings, with or without noise and timed input.

    Parameters
    ----------
    noise : bool, default False
        Add the white-noise term ``noise_sigma*sqrt(2/tau_m)*xi``, with
        ``noise_sigma`` a ``(shared)`` variable so it can change per run.
    timed_input : bool, default False
        Make the input current a function of time and neuron,
        ``I_ext = I_input(t, i)``, read from a TimedArray named ``I_input``,
        instead of a constant per-neuron parameter.

    Returns
    -------
    str
        The equations, one per line, in Brian2's syntax.

    Examples
    --------
    >>> print(lif_equations(timed_input=True).strip())
    dv/dt = (v_rest - v + R_m*I_ext)/tau_m : volt (unless refractory)
    I_ext = I_input(t, i) : amp
    tau_m : second
    """
    eqs = LIF_EQUATIONS if noise else LIF_EQUATIONS.replace(_NOISE_TERM, "")
    if timed_input:
        eqs = eqs.replace("I_ext : amp", "I_ext = I_input(t, i) : amp")
    if noise:
        eqs += "noise_sigma : volt (shared)\n"
    return eqs


@dataclass(frozen=True)
class _LIFParams:
    tau_m: Any
    v_rest: Any
    v_reset: Any
    v_threshold: Any
    R_m: Any
    refractory: Any


def _check_lif_params(tau_m=None, v_rest=None, v_reset=None, v_threshold=None, R_m=None,
                      refractory=None) -> _LIFParams:
    """Fill in the course's default LIF parameters (:data:`LIF_DEFAULTS`) and validate them."""
    import brian2
    from brian2 import Mohm, ms, mV

    def default(name, value):
        number, unit = LIF_DEFAULTS[name]
        return number * getattr(brian2, unit) if value is None else value

    tau_m, v_rest = default("tau_m", tau_m), default("v_rest", v_rest)
    v_threshold, R_m = default("v_threshold", v_threshold), default("R_m", R_m)
    refractory = default("refractory", refractory)
    check_quantity("tau_m", tau_m, ms, example="10*ms")
    check_quantity("v_rest", v_rest, mV, low=None, example="-70*mV")
    v_reset = v_rest if v_reset is None else v_reset
    check_quantity("v_reset", v_reset, mV, low=None, example="-70*mV")
    check_quantity("v_threshold", v_threshold, mV, low=None, example="-50*mV")
    if not v_threshold > v_rest:
        raise ValueError(f"v_threshold must be > v_rest ({v_rest}); got {v_threshold}")
    if not v_reset < v_threshold:
        raise ValueError(f"v_reset must be < v_threshold ({v_threshold}); got {v_reset}")
    check_quantity("R_m", R_m, Mohm, example="10*Mohm")
    check_quantity("refractory", refractory, ms, low=0.0, strict=False, example="2*ms")
    return _LIFParams(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)


def _check_currents(name: str, value: Any, *, increasing: bool = False, timed: bool = False):
    """Currents: shape (n_neurons,), or (n_steps, n_neurons) when ``timed``."""
    from brian2 import amp

    if timed:
        return check_quantity_array(name, value, amp, ndim=2,
                                    example="np.ones((10, 3))*nA (time steps x neurons)")
    arr = check_quantity_array(name, value, amp, ndim=1, example="np.linspace(0, 4, 9)*nA")
    if increasing and (arr.size < 2 or np.any(np.diff(np.asarray(arr / amp)) <= 0)):
        raise ValueError(f"{name} must be strictly increasing with at least 2 values; got {value!r}")
    return arr


@dataclass(frozen=True)
class LIFResult:
    """Spikes (and optionally voltages) of a population of LIF neurons.

    Attributes
    ----------
    input_current : Quantity, shape (n_neurons,) or (n_steps, n_neurons)
        Input current of each neuron (amp), constant or per input time step.
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


def _lif_namespace(params: _LIFParams) -> dict:
    return {"v_rest": params.v_rest, "v_reset": params.v_reset,
            "v_threshold": params.v_threshold, "R_m": params.R_m}


def build_lif_group(ctx, n: int, params: _LIFParams, *, noise: bool, input_array=None) -> brian2.NeuronGroup:
    """Create the course's LIF ``NeuronGroup`` inside a gate block.

    Parameters
    ----------
    ctx : Runtime or BuildContext
        The block the group is built in (:func:`nslib.spiking.runtime` or the
        ``build`` function of a :class:`~nslib.spiking.CompiledNetwork`).
    n : int
        Number of neurons.
    params : LIF parameters
        The checked parameters (``tau_m``, ``v_rest``, ``v_reset``,
        ``v_threshold``, ``R_m``, ``refractory`` as Brian2 quantities).
    noise : bool
        Add membrane noise (a ``(shared)`` ``noise_sigma``).
    input_array : brian2.TimedArray, optional
        Currents (time steps x neurons); None for a constant ``I_ext`` per neuron.

    Returns
    -------
    brian2.NeuronGroup

    Examples
    --------
    >>> from nslib.spiking import runtime
    >>> from nslib.spiking.lif import _check_lif_params
    >>> from brian2 import ms, nA
    >>> with runtime("doc_lif_group", target="numpy") as rt:
    ...     group = build_lif_group(rt, 2, _check_lif_params(), noise=False)
    ...     group.I_ext = [1, 3] * nA                     # rheobase: 2 nA
    ...     spikes = rt.brian2.SpikeMonitor(group)
    ...     rt.brian2.run(100 * ms)
    ...     counts = spikes.count[:].tolist()
    >>> counts[0] == 0 < counts[1]
    True
    """
    brian2 = ctx.brian2
    namespace = _lif_namespace(params)
    if input_array is not None:
        namespace["I_input"] = input_array
    group = brian2.NeuronGroup(
        n, lif_equations(noise=noise, timed_input=input_array is not None),
        threshold="v > v_threshold", reset="v = v_reset", refractory=params.refractory,
        # Without noise the linear equation is integrated exactly; the xi term
        # needs a stochastic (Euler-Maruyama) scheme.
        method="euler" if noise else "exact", clock=ctx.clock, namespace=namespace,
        name=ctx.name("neurons"))
    group.v = params.v_rest
    group.tau_m = params.tau_m
    return group


def simulate_lif(input_current, *, tau_m=None, duration=None, v_rest=None, v_reset=None,
                 v_threshold=None, R_m=None, refractory=None, noise_sigma=None, dt=None,
                 input_dt=None, record_v=None, seed=0, target: str = "auto") -> LIFResult:
    r"""Simulate leaky integrate-and-fire neurons driven by constant or time-varying currents.

    Each neuron *i* obeys

    .. math:: \tau_m \frac{dv_i}{dt} = v_{rest} - v_i + R_m I_i(t) + \sigma \sqrt{2\tau_m}\,\xi_i(t)

    and emits a spike when :math:`v_i > v_{threshold}`, after which ``v`` is
    reset to ``v_reset`` and held for ``refractory``. A time-varying input is
    a :class:`~brian2.TimedArray` read as ``I_ext = I_input(t, i)``: row ``k``
    of ``input_current`` holds from ``k*input_dt`` to ``(k+1)*input_dt``, and
    the last row holds after that.

    Parameters
    ----------
    input_current : Quantity, shape (n_neurons,) or (n_steps, n_neurons)
        Input current (amp): constant per neuron (1-D, e.g. ``[1, 3]*nA``),
        or per time step and neuron (2-D, with ``input_dt``). One neuron per
        column: the whole population runs in one simulation.
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
    input_dt : Quantity, optional
        Duration of one row of a 2-D ``input_current`` (>= ``dt``); required
        for, and only allowed with, a 2-D input.
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
    >>> steps = [[0, 3], [3, 0]] * nA   # swap the currents after 100 ms
    >>> simulate_lif(steps, input_dt=100 * ms, duration=200 * ms,
    ...              target="numpy").spike_counts.tolist()
    [7, 7]
    """
    from brian2 import ms, mV

    params = _check_lif_params(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)
    duration = check_quantity("duration", 500 * ms if duration is None else duration, ms,
                              example="500*ms")
    dt = check_quantity("dt", 0.1 * ms if dt is None else dt, ms, example="0.1*ms")
    if dt > duration:
        raise ValueError(f"dt must be <= duration ({duration}); got {dt}")
    timed = input_dt is not None
    currents = _check_currents("input_current", input_current, timed=timed)
    if timed:
        check_quantity("input_dt", input_dt, ms, example="10*ms")
        if input_dt < dt:
            raise ValueError(f"input_dt must be >= dt ({dt}); got {input_dt}")
    noise_sigma = check_quantity("noise_sigma", 0 * mV if noise_sigma is None else noise_sigma,
                                 mV, strict=False, example="2*mV")
    n = currents.shape[-1]
    if record_v is not None:
        record_v = [check_int("record_v[i]", i, low=0, high=n - 1) for i in record_v]
    noisy = float(noise_sigma / mV) > 0

    with runtime("lif_runtime", target=target, seed=seed, dt=dt) as rt:
        b2 = rt.brian2
        drive = b2.TimedArray(currents, dt=input_dt, name=rt.name("input")) if timed else None
        group = build_lif_group(rt, n, params, noise=noisy, input_array=drive)
        if timed is False:
            group.I_ext = currents
        if noisy:
            group.noise_sigma = noise_sigma
        spikes = b2.SpikeMonitor(group, name=rt.name("spikes"))
        objects = [group, spikes]
        if record_v:
            vmon = b2.StateMonitor(group, "v", record=record_v, name=rt.name("vmon"))
            objects.append(vmon)
        b2.Network(*objects).run(duration, namespace={})
        counts = np.asarray(spikes.count[:], dtype=int)
        return LIFResult(
            input_current=currents, spike_counts=counts, rates=counts / duration,
            spike_indices=np.asarray(spikes.i[:], dtype=int), spike_times=spikes.t[:],
            duration=duration, t=vmon.t[:] if record_v else None,
            v=vmon.v[:] if record_v else None, target=rt.target)


def lif_rate_analytic(input_current, *, tau_m=None, v_rest=None, v_reset=None,
                      v_threshold=None, R_m=None, refractory=None) -> brian2.Quantity:
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
    params : optional
        The LIF parameters of the curve, for :meth:`analytic_line`.
    """

    currents: Any
    rates: Any
    analytic_rates: Any
    tau_m: Any
    rheobase: Any
    target: str
    params: Any = field(default=None, repr=False)

    def analytic_line(self, n: int = 400):
        """The noise-free analytic rate on a grid fine enough to draw it, rheobase included.

        Just above the rheobase the rate is continuous but rises with an infinite slope: it
        falls to 0 only like ``1/ln`` of the distance to the rheobase. Drawn through the
        simulated currents alone, it would look like a jump; this grid adds currents that crowd
        towards the rheobase from above (down to a billionth of the range).

        Parameters
        ----------
        n : int, >= 2
            Points of the uniform grid (as many again crowd towards the rheobase).

        Returns
        -------
        (Quantity, Quantity)
            Currents (amp, increasing, from the first to the last of ``currents``) and
            analytic rates (Hz). Without ``params``, ``currents`` and ``analytic_rates``.

        Examples
        --------
        >>> import numpy as np
        >>> from brian2 import Hz, nA
        >>> curve = fi_curve(np.linspace(0, 4, 5) * nA, target="numpy")
        >>> currents, rates = curve.analytic_line()
        >>> rates_hz = np.asarray(rates / Hz)
        >>> above = np.asarray(currents / nA) > 2
        >>> float(rates_hz[~above].max()), bool(rates_hz[above].min() < 6)  # 0 up to 2 nA, then from ~5 Hz
        (0.0, True)
        """
        return _analytic_line(self.params, self.currents, self.analytic_rates, n)


def _rheobase(params: _LIFParams):
    return (params.v_threshold - params.v_rest) / params.R_m


def _analytic_line(params: _LIFParams | None, currents, analytic_rates, n: int = 400):
    """Currents and noise-free rates on a uniform grid over ``currents`` plus a grid that crowds
    towards the rheobase from above (see :meth:`FICurve.analytic_line`)."""
    from brian2 import amp

    n = check_int("n", n, low=2)
    if params is None:
        return currents, analytic_rates
    lo, hi = float(currents[0] / amp), float(currents[-1] / amp)
    rheobase = float(_rheobase(params) / amp)
    grid = np.linspace(lo, hi, n)
    if lo <= rheobase < hi:
        grid = np.union1d(grid, rheobase + (hi - rheobase) * np.geomspace(1e-9, 1.0, n))
        grid = np.union1d(grid, [rheobase])
    rates = lif_rate_analytic(grid * amp, tau_m=params.tau_m, v_rest=params.v_rest,
                              v_reset=params.v_reset, v_threshold=params.v_threshold,
                              R_m=params.R_m, refractory=params.refractory)
    return grid * amp, rates


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
        raise ValueError(f"lif_params must be among {sorted(known)}; got unknown LIF "
                         f"parameter(s) {sorted(unknown)}")
    analytic_kw = {k: v for k, v in lif_params.items() if k not in ("noise_sigma", "dt")}
    params = _check_lif_params(tau_m, **analytic_kw)
    res = simulate_lif(currents, duration=1 * second if duration is None else duration,
                       seed=seed, target=target, tau_m=params.tau_m, **lif_params)
    return FICurve(currents=currents, rates=res.rates,
                   analytic_rates=lif_rate_analytic(currents, tau_m=params.tau_m, **analytic_kw),
                   tau_m=params.tau_m, rheobase=_rheobase(params), target=res.target,
                   params=params)
