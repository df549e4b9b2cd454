"""Compile once, run many: a LIF population as a Brian2 cpp_standalone program."""

from __future__ import annotations

import hashlib
import os
import shutil
import time

import numpy as np

from ._brian import (_check_currents, _check_lif_params, _check_quantity, _warn_numpy_fallback,
                     cache_dir, compiler_available)
from .lif import FICurve, LIFResult, _build_lif_group, _rheobase, lif_rate_analytic, simulate_lif

# ---------------------------------------------------------------------------
# Compile once, run many: cpp_standalone
# ---------------------------------------------------------------------------

# Brian2 has a single standalone device per process; the model that built it
# last owns it. Another model's run() rebuilds, which re-uses the compiled
# objects when the generated code is unchanged.
_STANDALONE_OWNER: "CompiledLIF | None" = None


class CompiledLIF:
    """A population of LIF neurons compiled once to C++, then re-run with new parameters.

    Brian2's ``cpp_standalone`` device turns the model into a C++ program. This
    class builds that program once (in ``cache_dir("lif_standalone")``) and
    re-runs it with new values of the membrane time constant and the input
    currents through ``device.run(run_args=...)``, which passes them on the
    program's command line: no code generation and no compiler on a re-run.
    That is what makes a live parameter sweep over a spiking model fast.

    Where no C++ compiler is found, every :meth:`run` falls back to
    :func:`simulate_lif` with the ``numpy`` target and a
    :class:`NumpyFallbackWarning`.

    Parameters
    ----------
    input_current : Quantity, shape (n_neurons,)
        Default input current of each neuron (amp); the number of neurons is
        fixed at build time, the values can change at each run.
    duration : Quantity, default 1 s
        Simulated time (> 0 s), fixed at build time.
    dt : Quantity, default 0.1 ms
        Integration time step (> 0 s).
    tau_m : Quantity, default 10 ms
        Default membrane time constant (> 0 s); can change at each run.
    v_rest, v_reset, v_threshold, R_m, refractory : Quantity
        Fixed at build time; as in :func:`simulate_lif`.

    Attributes
    ----------
    target : str
        ``"cpp_standalone"``, or ``"numpy"`` where no compiler exists.
    directory : pathlib.Path or None
        The standalone project folder.
    build_seconds : float
        Wall-clock time of the first build (code generation and compilation).
    n_builds : int
        How many times the project was built (1 unless another compiled model
        took over Brian2's standalone device in between).

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA, ms
    >>> model = CompiledLIF(np.linspace(0, 4, 5) * nA, duration=500 * ms)  # doctest: +SKIP
    >>> slow, fast = model.run(tau_m=20 * ms), model.run(tau_m=5 * ms)   # doctest: +SKIP
    >>> bool(fast.spike_counts[-1] > slow.spike_counts[-1])              # doctest: +SKIP
    True
    """

    def __init__(self, input_current, *, duration=None, dt=None, tau_m=None, v_rest=None,
                 v_reset=None, v_threshold=None, R_m=None, refractory=None):
        from brian2 import ms, second

        self._params = _check_lif_params(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)
        self._currents = _check_currents("input_current", input_current)
        self.duration = _check_quantity("duration", 1 * second if duration is None else duration,
                                        ms, example="1*second")
        self.dt = _check_quantity("dt", 0.1 * ms if dt is None else dt, ms, example="0.1*ms")
        if self.dt > self.duration:
            raise ValueError(f"dt must be <= duration ({self.duration}); got {self.dt}")
        self.n_neurons = len(self._currents)
        self.n_builds = 0
        self.build_seconds = float("nan")
        self.directory = None
        self._group = self._spikes = None
        if compiler_available():
            self.target = "cpp_standalone"
            key = repr((self.n_neurons, float(self.duration), float(self.dt),
                        [float(getattr(self._params, f)) for f in ("v_rest", "v_reset", "v_threshold",
                                                                     "R_m", "refractory")]))
            digest = hashlib.sha1(key.encode()).hexdigest()[:12]
            self.directory = cache_dir("lif_standalone") / digest
            self.build_seconds = self._build()
        else:
            self.target = "numpy"
            _warn_numpy_fallback("CompiledLIF")

    def _build(self) -> float:
        try:
            return self._build_once()
        except RuntimeError:
            # A project folder left half-built (an interrupted compile, another
            # Brian2 version) fails to link; start it afresh, once.
            shutil.rmtree(self.directory, ignore_errors=True)
            return self._build_once()

    def _build_once(self) -> float:
        global _STANDALONE_OWNER
        import brian2
        from brian2.devices.device import all_devices, reset_device, set_device
        from brian2.utils.filelock import FileLock

        device = all_devices["cpp_standalone"]
        saved_log = brian2.prefs["logging.file_log"]
        brian2.prefs["logging.file_log"] = False
        start = time.perf_counter()
        device.reinit()
        set_device(device, build_on_run=False)
        try:
            group = _build_lif_group(brian2, self.n_neurons, self._params, 0 * brian2.mV, self.dt)
            group.I_ext = self._currents
            spikes = brian2.SpikeMonitor(group, name="spikes")
            net = brian2.Network(group, spikes)
            net.run(self.duration, namespace={})
            # set_device(directory=...) is ignored when build_on_run=False. The lock
            # keeps two processes (a test run and a book build) from compiling
            # the same project at once.
            with FileLock(str(self.directory) + ".lock"):
                device.build(directory=str(self.directory), compile=True, run=False,
                             with_output=False)
        finally:
            reset_device()
            brian2.prefs["logging.file_log"] = saved_log
        self._device, self._group, self._spikes = device, group, spikes
        self.n_builds += 1
        _STANDALONE_OWNER = self
        return time.perf_counter() - start

    def run(self, *, tau_m=None, input_current=None) -> LIFResult:
        """Run the compiled model with new parameter values.

        Parameters
        ----------
        tau_m : Quantity, optional
            Membrane time constant for this run (> 0 s); default: the one given
            at construction.
        input_current : Quantity, shape (n_neurons,), optional
            Input currents for this run (amp); default: the ones given at
            construction.

        Returns
        -------
        LIFResult
        """
        tau_m = self._params.tau_m if tau_m is None else tau_m
        _check_quantity("tau_m", tau_m, self._params.tau_m / float(self._params.tau_m), example="10*ms")
        currents = self._currents if input_current is None else _check_currents(
            "input_current", input_current)
        if len(currents) != self.n_neurons:
            raise ValueError(f"input_current must hold {self.n_neurons} currents (the compiled "
                             f"population size); got {len(currents)}")
        if self.target == "numpy":
            p = self._params
            return simulate_lif(currents, tau_m=tau_m, duration=self.duration, dt=self.dt,
                                v_rest=p.v_rest, v_reset=p.v_reset, v_threshold=p.v_threshold,
                                R_m=p.R_m, refractory=p.refractory, target="numpy")
        if _STANDALONE_OWNER is not self:
            self._build()
        # One results folder per process, so concurrent runs never read each
        # other's spikes.
        self._device.run(directory=str(self.directory), with_output=False,
                         results_directory=f"results_{os.getpid()}",
                         run_args={self._group.tau_m: tau_m, self._group.I_ext: currents})
        counts = np.asarray(self._spikes.count[:], dtype=int)
        return LIFResult(input_current=currents, spike_counts=counts, rates=counts / self.duration,
                         spike_indices=np.asarray(self._spikes.i[:], dtype=int),
                         spike_times=self._spikes.t[:], duration=self.duration, t=None, v=None,
                         target=self.target)

    def fi_curve(self, *, tau_m=None) -> FICurve:
        """Run the model and return its f-I curve (the currents must increase).

        Parameters
        ----------
        tau_m : Quantity, optional
            Membrane time constant for this run (> 0 s).
        """
        currents = _check_currents("input_current", self._currents, increasing=True)
        tau_m = self._params.tau_m if tau_m is None else tau_m
        res = self.run(tau_m=tau_m)
        p = self._params
        analytic = lif_rate_analytic(currents, tau_m=tau_m, v_rest=p.v_rest, v_reset=p.v_reset,
                                     v_threshold=p.v_threshold, R_m=p.R_m, refractory=p.refractory)
        return FICurve(currents=currents, rates=res.rates, analytic_rates=analytic, tau_m=tau_m,
                       rheobase=_rheobase(p), target=res.target)
