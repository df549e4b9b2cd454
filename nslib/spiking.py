"""The one place where Brian2 is configured and run.

Every spiking simulation in the course goes through this module, so that the
choice of code-generation target, the cache folders and the fallback when no
C++ compiler exists are decided once:

* short, one-off runs (:func:`simulate_lif`, :func:`fi_curve`) use Brian2's
  **runtime** device with the ``cython`` target: each code object is compiled
  once to C++ and cached, so a second run of the same model starts at once;
* long or repeated runs (parameter sweeps) use :class:`CompiledLIF`, which
  builds a **cpp_standalone** binary once and re-runs it with new parameter
  values through ``device.run(run_args=...)`` without recompiling;
* where no C++ compiler is found, both fall back to Brian2's ``numpy`` target
  and say so with a :class:`NumpyFallbackWarning` -- never silently.

Build directories and caches live under ``$NSLIB_CACHE_DIR`` (default
``~/.cache/nslib``), one folder per model, never inside the repository.

Importing this module has no global side effects: Brian2's device, preferences
and default clock are only touched inside the functions, and restored after.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._validation import as_generator, check_choice, check_int

__all__ = [
    "CompiledLIF",
    "FICurve",
    "LIFResult",
    "NumpyFallbackWarning",
    "cache_dir",
    "compiler_available",
    "fi_curve",
    "lif_rate_analytic",
    "runtime_target",
    "simulate_lif",
]


class NumpyFallbackWarning(UserWarning):
    """Emitted when no C++ compiler is found and Brian2 runs with ``numpy``."""


# ---------------------------------------------------------------------------
# Where and how Brian2 runs
# ---------------------------------------------------------------------------

def cache_dir(model: str) -> Path:
    """Return (and create) the cache folder of one model.

    Parameters
    ----------
    model : str
        A short name such as ``"lif_runtime"``; one folder per model keeps
        unrelated builds from invalidating each other.

    Returns
    -------
    pathlib.Path
        ``$NSLIB_CACHE_DIR/<model>``, by default ``~/.cache/nslib/<model>``.

    Examples
    --------
    >>> cache_dir("doctest").name
    'doctest'
    """
    if not isinstance(model, str) or not model or not model.replace("_", "").isalnum():
        raise ValueError(f"model must be a non-empty name of letters, digits and '_'; got {model!r}")
    root = os.environ.get("NSLIB_CACHE_DIR")
    if root:
        base = Path(root)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nslib"
    path = base / model
    path.mkdir(parents=True, exist_ok=True)
    return path


def compiler_available() -> bool:
    """Tell whether a C++ compiler (and Cython) can be used by Brian2.

    Setting the environment variable ``NSLIB_FORCE_NUMPY=1`` pretends that no
    compiler exists, which is how the fallback path is tested.

    Examples
    --------
    >>> isinstance(compiler_available(), bool)
    True
    """
    if os.environ.get("NSLIB_FORCE_NUMPY", "") not in ("", "0"):
        return False
    cxx = os.environ.get("CXX", "")
    candidates = [cxx.split()[0]] if cxx.strip() else []
    candidates += ["g++", "c++", "clang++"]
    if not any(shutil.which(c) for c in candidates):
        return False
    try:  # the cython target also needs Cython itself
        import Cython  # noqa: F401
    except ImportError:
        return False
    return True


def _warn_numpy_fallback(what: str) -> None:
    warnings.warn(
        f"No C++ compiler found: {what} falls back to Brian2's slower 'numpy' target. "
        "Install g++ (Debian: apt-get install g++; conda: cxx-compiler) for the C++ targets.",
        NumpyFallbackWarning,
        stacklevel=3,
    )


def runtime_target(requested: str = "auto") -> str:
    """Return the Brian2 runtime code-generation target to use.

    Parameters
    ----------
    requested : {"auto", "cython", "numpy"}
        ``"auto"`` picks ``"cython"`` when a compiler exists and ``"numpy"``
        otherwise, with a :class:`NumpyFallbackWarning`. Asking for
        ``"cython"`` without a compiler also falls back, with the warning.

    Examples
    --------
    >>> runtime_target("numpy")
    'numpy'
    """
    check_choice("target", requested, ("auto", "cython", "numpy"))
    if requested == "numpy":
        return "numpy"
    if compiler_available():
        return "cython"
    _warn_numpy_fallback("this simulation")
    return "numpy"


@contextlib.contextmanager
def _brian_runtime(target: str, model: str):
    """Run Brian2 code on the runtime device with ``target``; restore everything after."""
    import brian2
    from brian2.devices.device import reset_device, set_device

    saved_prefs = {
        "codegen.target": brian2.prefs["codegen.target"],
        "codegen.runtime.cython.cache_dir": brian2.prefs["codegen.runtime.cython.cache_dir"],
        "logging.file_log": brian2.prefs["logging.file_log"],
    }
    set_device("runtime")
    try:
        brian2.prefs["codegen.target"] = target
        brian2.prefs["codegen.runtime.cython.cache_dir"] = str(cache_dir(model) / "cython")
        # Brian2 otherwise writes a debug log to /tmp for every run.
        brian2.prefs["logging.file_log"] = False
        yield brian2
    finally:
        for key, value in saved_prefs.items():
            brian2.prefs[key] = value
        reset_device()


def _seed_int(seed: Any) -> int:
    """Brian2 wants an integer seed; derive one from an int or a Generator."""
    return int(as_generator(seed).integers(0, 2**31 - 1))


# ---------------------------------------------------------------------------
# Validation of Brian2 quantities
# ---------------------------------------------------------------------------

def _check_quantity(name: str, value: Any, unit, *, low: float | None = 0.0,
                    strict: bool = True, example: str) -> Any:
    """Check ``value`` is a finite scalar with the dimensions of ``unit`` and > low."""
    from brian2.units.fundamentalunits import Quantity, have_same_dimensions

    rng = "any value" if low is None else f"{'>' if strict else '>='} {low * unit}"
    if not isinstance(value, Quantity) or not have_same_dimensions(value, unit) or np.ndim(value) != 0:
        raise ValueError(f"{name} must be a scalar Brian2 quantity in {unit!s} ({rng}), "
                         f"e.g. {example}; got {value!r}")
    v = float(value / unit)
    if not np.isfinite(v) or (low is not None and (v <= low if strict else v < low)):
        raise ValueError(f"{name} must be {rng}, e.g. {example}; got {value!r}")
    return value


def _check_currents(name: str, value: Any, *, increasing: bool = False):
    from brian2 import amp
    from brian2.units.fundamentalunits import Quantity, have_same_dimensions

    if not isinstance(value, Quantity) or not have_same_dimensions(value, amp):
        raise ValueError(f"{name} must be a Brian2 quantity array of currents (amp), "
                         f"e.g. np.linspace(0, 4, 9)*nA; got {type(value).__name__}")
    arr = np.asarray(value / amp, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one current per neuron; got shape {arr.shape}")
    if arr.size < 1:
        raise ValueError(f"{name} must hold at least 1 current (one per neuron); got 0 neurons")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite currents")
    if increasing and (arr.size < 2 or np.any(np.diff(arr) <= 0)):
        raise ValueError(f"{name} must be strictly increasing with at least 2 values; got {value!r}")
    return arr * amp


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
    """Fill in the course's default LIF parameters and validate them all."""
    from brian2 import Mohm, ms, mV

    tau_m = 10 * ms if tau_m is None else tau_m
    v_rest = -70 * mV if v_rest is None else v_rest
    v_threshold = -50 * mV if v_threshold is None else v_threshold
    R_m = 10 * Mohm if R_m is None else R_m
    refractory = 2 * ms if refractory is None else refractory
    _check_quantity("tau_m", tau_m, ms, example="10*ms")
    _check_quantity("v_rest", v_rest, mV, low=None, example="-70*mV")
    v_reset = v_rest if v_reset is None else v_reset
    _check_quantity("v_reset", v_reset, mV, low=None, example="-70*mV")
    _check_quantity("v_threshold", v_threshold, mV, low=None, example="-50*mV")
    if not v_threshold > v_rest:
        raise ValueError(f"v_threshold must be > v_rest ({v_rest}); got {v_threshold}")
    if not v_reset < v_threshold:
        raise ValueError(f"v_reset must be < v_threshold ({v_threshold}); got {v_reset}")
    _check_quantity("R_m", R_m, Mohm, example="10*Mohm")
    _check_quantity("refractory", refractory, ms, low=0.0, strict=False, example="2*ms")
    return _LIFParams(tau_m, v_rest, v_reset, v_threshold, R_m, refractory)


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
