"""Where and how Brian2 runs: targets, caches, the numpy fallback, checks of quantities."""

from __future__ import annotations

import contextlib
import os
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice

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
    # brian2.seed() also reseeds numpy's global generator; give the caller's back.
    numpy_state = np.random.get_state()
    try:
        brian2.prefs["codegen.target"] = target
        brian2.prefs["codegen.runtime.cython.cache_dir"] = str(cache_dir(model) / "cython")
        # Brian2 otherwise writes a debug log to /tmp for every run.
        brian2.prefs["logging.file_log"] = False
        yield brian2
    finally:
        for key, value in saved_prefs.items():
            brian2.prefs[key] = value
        np.random.set_state(numpy_state)
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


