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

from ._brian import NumpyFallbackWarning, cache_dir, compiler_available, runtime_target
from .lif import LIF_EQUATIONS, FICurve, LIFResult, fi_curve, lif_rate_analytic, simulate_lif
from .standalone import CompiledLIF

__all__ = [
    "CompiledLIF",
    "FICurve",
    "LIF_EQUATIONS",
    "LIFResult",
    "NumpyFallbackWarning",
    "cache_dir",
    "compiler_available",
    "fi_curve",
    "lif_rate_analytic",
    "runtime_target",
    "simulate_lif",
]
