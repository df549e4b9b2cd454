"""The course's LIF neuron compiled once and re-run: sweeps over tau_m, inputs and noise.

Both classes are thin uses of :class:`~nslib.spiking.CompiledNetwork`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._validation import check_int
from ._quantities import check_quantity
from .lif import (
    FICurve,
    LIFResult,
    _analytic_line,
    _check_currents,
    _check_lif_params,
    _rheobase,
    build_lif_group,
    lif_rate_analytic,
)
from .network import CompiledNetwork

# ---------------------------------------------------------------------------
# Compile once, run many
# ---------------------------------------------------------------------------

class CompiledLIF:
    """A population of LIF neurons compiled once to C++, then re-run with new values.

    A thin use of :class:`~nslib.spiking.CompiledNetwork`: the course's LIF
    group (:func:`build_lif_group`) and a spike monitor, built once in
    ``cache_dir("lif_standalone")`` and re-run with new membrane time
    constants, input currents and noise levels, passed on the program's
    command line. No code generation and no compiler on a re-run: that is
    what makes a live parameter sweep over a spiking model fast. Without a
    C++ compiler every run falls back to the ``numpy`` target, with a
    :class:`NumpyFallbackWarning`.

    Parameters
    ----------
    input_current : Quantity, shape (n_neurons,) or (n_steps, n_neurons)
        Default input currents (amp): constant per neuron, or per time step
        and neuron with ``input_dt`` (a TimedArray). The shape is fixed at
        build time, the values can change at each run.
    duration : Quantity, default 1 s
        Simulated time (> 0 s), fixed at build time.
    dt : Quantity, default 0.1 ms
        Integration time step (> 0 s).
    input_dt : Quantity, optional
        Duration of one row of a 2-D ``input_current`` (>= ``dt``).
    tau_m : Quantity, default 10 ms
        Default membrane time constant (> 0 s); can change at each run.
    noise_sigma : Quantity, optional
        Default membrane noise (>= 0 volt). Given, the model is built with
        the noise term and each run can change its level and seed; omitted,
        it is built without noise (exact integration).
    v_rest, v_reset, v_threshold, R_m, refractory : Quantity
        Fixed at build time; as in :func:`simulate_lif`.
    seed : int or numpy.random.Generator, default 0
        Default seed of the noise.
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"
        ``"auto"`` compiles a C++ program (``cpp_standalone``), or falls back to
        ``"numpy"`` with a :class:`NumpyFallbackWarning` where no compiler exists.

    Attributes
    ----------
    target : str
        ``"cpp_standalone"``, or ``"numpy"`` where no compiler exists.
    directory : pathlib.Path or None
        The standalone project folder.
    build_seconds : float
        Wall-clock time of the first build (code generation and compilation).
    n_builds : int
        How many times the project was built.
    network : CompiledNetwork
        The compiled network itself.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA, ms
    >>> model = CompiledLIF(np.linspace(0, 4, 5) * nA, duration=500 * ms,
    ...                     target="numpy")   # "auto" compiles a C++ program
    >>> model.run(tau_m=20 * ms).spike_counts.tolist()
    [0, 0, 0, 21, 31]
    >>> model.run(tau_m=5 * ms).spike_counts.tolist()   # a faster membrane fires more
    [0, 0, 0, 67, 92]
    """

    def __init__(self, input_current, *, duration=None, dt=None, input_dt=None, tau_m=None,
                 noise_sigma=None, v_rest=None, v_reset=None, v_threshold=None, R_m=None,
                 refractory=None, seed=0, target: str = "auto"):
        from brian2 import ms, mV, second

        self._params = _check_lif_params(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)
        self._timed = input_dt is not None
        self._currents = _check_currents("input_current", input_current, timed=self._timed)
        self.duration = check_quantity("duration", 1 * second if duration is None else duration,
                                       ms, example="1*second")
        if self._timed:
            check_quantity("input_dt", input_dt, ms, example="10*ms")
        self._noisy = noise_sigma is not None
        self._noise = (check_quantity("noise_sigma", noise_sigma, mV, strict=False, example="2*mV")
                       if self._noisy else 0 * mV)
        self.n_neurons = int(self._currents.shape[-1])
        p = self._params
        key = ("lif", self._currents.shape, self._timed, self._noisy,
               None if input_dt is None else float(input_dt),
               [float(getattr(p, f)) for f in ("v_rest", "v_reset", "v_threshold", "R_m",
                                               "refractory")])

        def build(ctx):
            b2 = ctx.brian2
            drive = (ctx.timed_array("I_input", self._currents, dt=input_dt)
                     if self._timed else None)
            group = build_lif_group(ctx, self.n_neurons, p, noise=self._noisy, input_array=drive)
            if not self._timed:
                group.I_ext = self._currents
            if self._noisy:
                group.noise_sigma = self._noise
            objects = {"neurons": group, "spikes": b2.SpikeMonitor(group, name=ctx.name("spikes"))}
            if drive is not None:
                objects["I_input"] = drive
            return objects

        def collect(objects):
            spikes = objects["spikes"]
            return (np.asarray(spikes.count[:], dtype=int), np.asarray(spikes.i[:], dtype=int),
                    spikes.t[:])

        self.network = CompiledNetwork("lif_standalone", build, collect, duration=self.duration,
                                       dt=dt, key=key, seed=seed, target=target)
        self.dt = self.network.dt

    target = property(lambda self: self.network.target)
    directory = property(lambda self: self.network.directory)
    build_seconds = property(lambda self: self.network.build_seconds)
    n_builds = property(lambda self: self.network.n_builds)

    def run(self, *, tau_m=None, input_current=None, noise_sigma=None, seed=None) -> LIFResult:
        """Run the compiled model with new parameter values.

        Parameters
        ----------
        tau_m : Quantity, optional
            Membrane time constant for this run (> 0 s); default: the one given
            at construction.
        input_current : Quantity, optional
            Input currents for this run (amp), of the build-time shape;
            default: the ones given at construction.
        noise_sigma : Quantity, optional
            Membrane noise for this run (>= 0 volt); only for a model built
            with ``noise_sigma``.
        seed : int or numpy.random.Generator, optional
            Seed of this run's noise; default: the model's seed.

        Returns
        -------
        LIFResult
        """
        from brian2 import ms, mV

        tau_m = self._params.tau_m if tau_m is None else tau_m
        check_quantity("tau_m", tau_m, ms, example="10*ms")
        currents = self._currents if input_current is None else _check_currents(
            "input_current", input_current, timed=self._timed)
        if currents.shape != self._currents.shape:
            raise ValueError(f"input_current must have the compiled shape {self._currents.shape} "
                             f"({self.n_neurons} neurons); got {currents.shape}")
        values = {"neurons.tau_m": tau_m}
        values["I_input" if self._timed else "neurons.I_ext"] = currents
        if noise_sigma is not None:
            if not self._noisy:
                raise ValueError("noise_sigma can only change in a model built with noise_sigma=...")
            values["neurons.noise_sigma"] = check_quantity("noise_sigma", noise_sigma, mV,
                                                           strict=False, example="2*mV")
        counts, indices, times = self.network.run(values, seed=seed)
        return LIFResult(input_current=currents, spike_counts=counts, rates=counts / self.duration,
                         spike_indices=indices, spike_times=times, duration=self.duration, t=None,
                         v=None, target=self.target)

    def fi_curve(self, *, tau_m=None) -> FICurve:
        """Run the model and return its f-I curve (constant currents that increase).

        Parameters
        ----------
        tau_m : Quantity, optional
            Membrane time constant for this run (> 0 s).

        Returns
        -------
        FICurve
            The simulated rates beside the analytic ones.
        """
        from brian2 import amp

        currents = self._currents
        if self._timed or currents.size < 2 or np.any(np.diff(np.asarray(currents / amp)) <= 0):
            # Not a bad argument of this call, but a model built for something else.
            raise ValueError("self must be a CompiledLIF built for an f-I curve: a constant input_current "
                             "per neuron (1-D, no input_dt), strictly increasing with at least 2 values; "
                             f"this one was built with {'a time-varying input' if self._timed else currents}")
        tau_m = self._params.tau_m if tau_m is None else tau_m
        res = self.run(tau_m=tau_m)
        p = self._params
        analytic = lif_rate_analytic(currents, tau_m=tau_m, v_rest=p.v_rest, v_reset=p.v_reset,
                                     v_threshold=p.v_threshold, R_m=p.R_m, refractory=p.refractory)
        return FICurve(currents=currents, rates=res.rates, analytic_rates=analytic, tau_m=tau_m,
                       rheobase=_rheobase(p), target=res.target, params=replace(p, tau_m=tau_m))


# ---------------------------------------------------------------------------
# The f-I curve with membrane noise
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NoisyFICurve:
    """The f-I curve of noisy LIF neurons: mean rate over independent neurons per current.

    Attributes
    ----------
    currents : Quantity, shape (n,)
        Input currents (amp), strictly increasing.
    rates : Quantity, shape (n,)
        Mean firing rate of the ``n_trials`` neurons that receive each current (Hz).
    rate_sem : Quantity, shape (n,)
        Standard error of that mean (Hz).
    analytic_rates : Quantity, shape (n,)
        Noise-free analytic rates (:func:`lif_rate_analytic`, Hz), for comparison.
    noise_sigma : Quantity
        Standard deviation of the free membrane's fluctuations (volt).
    n_trials : int
        Neurons (independent noise) per current.
    tau_m : Quantity
        Membrane time constant (s).
    rheobase : Quantity
        Smallest current that makes the noise-free neuron fire (amp).
    target : str
        Brian2 target that ran.
    params : optional
        The LIF parameters of the curve, for :meth:`analytic_line`.
    """

    currents: Any
    rates: Any
    rate_sem: Any
    analytic_rates: Any
    noise_sigma: Any
    n_trials: int
    tau_m: Any
    rheobase: Any
    target: str
    params: Any = field(default=None, repr=False)

    def analytic_line(self, n: int = 400):
        """The noise-free analytic rate on a fine grid, rheobase included.

        As :meth:`nslib.spiking.FICurve.analytic_line`.

        Parameters
        ----------
        n : int, >= 2
            Points of the uniform grid (as many again crowd towards the rheobase).

        Returns
        -------
        (Quantity, Quantity)
            Currents (amp) and analytic rates (Hz).

        Examples
        --------
        >>> from brian2 import mV, nA, second
        >>> model = CompiledNoisyFI([1, 3] * nA, n_trials=2, duration=0.2 * second,
        ...                         target="numpy")
        >>> currents, rates = model.fi_curve(noise_sigma=0 * mV).analytic_line(10)
        >>> len(currents) == len(rates) > 10
        True
        """
        return _analytic_line(self.params, self.currents, self.analytic_rates, n)


class CompiledNoisyFI:
    """f-I curves of noisy LIF neurons, compiled once and re-run for each noise level.

    ``n_trials`` neurons receive each current, each with its own white noise
    (the ``noise_sigma*sqrt(2/tau_m)*xi`` term of :data:`LIF_EQUATIONS`), all
    in one group and one run of a :class:`CompiledLIF` built with noise; the
    mean rate per current is the noisy f-I curve. The noise level and the seed
    change per run without recompiling.

    Parameters
    ----------
    currents : Quantity, shape (n,)
        Strictly increasing input currents (amp), at least 2.
    n_trials : int, default 20
        Neurons per current (1 to 1000).
    duration : Quantity, default 1 s
        Simulated time (> 0 s), fixed at build time.
    tau_m : Quantity, default 10 ms
        Membrane time constant (> 0 s).
    seed : int or numpy.random.Generator, default 0
        Default seed of the noise.
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"
    **lif_params
        ``v_rest``, ``v_reset``, ``v_threshold``, ``R_m``, ``refractory``,
        ``dt`` as in :class:`CompiledLIF`, fixed at build time.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import mV, nA, second
    >>> model = CompiledNoisyFI([1.5, 2.0, 3.0] * nA, n_trials=10, duration=1 * second,
    ...                         target="numpy")   # "auto" compiles a C++ program
    >>> [round(float(r)) for r in model.fi_curve(noise_sigma=0 * mV).rates]   # Hz
    [0, 0, 77]
    >>> quiet, noisy = model.fi_curve(noise_sigma=4 * mV).rates[:2]  # noise: spikes below rheobase
    >>> bool(quiet > 0 and noisy > quiet)
    True
    """

    def __init__(self, currents, *, n_trials: int = 20, duration=None, tau_m=None, seed=0,
                 target: str = "auto", **lif_params):
        from brian2 import mV

        known = {"v_rest", "v_reset", "v_threshold", "R_m", "refractory", "dt"}
        unknown = set(lif_params) - known
        if unknown:
            raise ValueError(f"lif_params must be among {sorted(known)}; got unknown LIF "
                             f"parameter(s) {sorted(unknown)}")
        self.currents = _check_currents("currents", currents, increasing=True)
        self.n_trials = check_int("n_trials", n_trials, low=1, high=1000)
        fixed = {k: v for k, v in lif_params.items() if k != "dt"}
        self._params = _check_lif_params(tau_m, **fixed)
        # Neuron k*n_trials + j is trial j of current k.
        self.model = CompiledLIF(np.repeat(self.currents, self.n_trials), duration=duration,
                                 tau_m=self._params.tau_m, noise_sigma=0 * mV, seed=seed,
                                 target=target, dt=lif_params.get("dt"), **fixed)
        p = self._params
        self._analytic = lif_rate_analytic(self.currents, tau_m=p.tau_m, v_rest=p.v_rest,
                                           v_reset=p.v_reset, v_threshold=p.v_threshold,
                                           R_m=p.R_m, refractory=p.refractory)

    target = property(lambda self: self.model.target)

    def fi_curve(self, *, noise_sigma, seed=None) -> NoisyFICurve:
        """Run the model at one noise level and return the mean f-I curve.

        Parameters
        ----------
        noise_sigma : Quantity
            Standard deviation of the membrane noise (>= 0 volt).
        seed : int or numpy.random.Generator, optional
            Seed of this run's noise; default: the model's seed.

        Returns
        -------
        NoisyFICurve
        """
        from brian2 import Hz

        res = self.model.run(noise_sigma=noise_sigma, seed=seed)
        rates = np.asarray(res.rates / Hz, dtype=float).reshape(len(self.currents), self.n_trials)
        sem = (rates.std(axis=1, ddof=1) / np.sqrt(self.n_trials) if self.n_trials > 1
               else np.zeros(len(self.currents)))
        return NoisyFICurve(currents=self.currents, rates=rates.mean(axis=1) * Hz,
                            rate_sem=sem * Hz, analytic_rates=self._analytic,
                            noise_sigma=noise_sigma, n_trials=self.n_trials,
                            tau_m=self._params.tau_m, rheobase=_rheobase(self._params),
                            target=res.target, params=self._params)
