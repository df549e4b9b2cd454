"""The one place where Brian2 is configured and run: the course's gate to Brian2.

Every spiking simulation of the course goes through this package, so that the
choice of code-generation target, the cache folders, the seeds and the
fallback when no C++ compiler exists are decided once. It offers three ways to
run a network, from the most general to the most specific:

* :func:`runtime` -- a ``with`` block in which **any** Brian2 network runs on
  Brian2's runtime device, with the ``cython`` target (each code object is
  compiled once to C++ and cached, shared by all models) or ``numpy``. It
  seeds Brian2 and restores Brian2's preferences, device, default clock and
  numpy's global random state afterwards;
* :class:`CompiledNetwork` -- **compile once, run many** for any network: a
  ``cpp_standalone`` program built once and re-run with new values of group
  and synapse variables and of :class:`~brian2.TimedArray` inputs (and a new
  seed) without recompiling. Every live sweep over a spiking model uses it;
  topic functions keep their compiled networks in the one bounded cache of
  :func:`compile_once` (inspect it with :func:`compile_cache_info`, empty it
  with :func:`clear_compile_cache`);
* the course's LIF neuron: :func:`simulate_lif` (constant or time-varying
  input through a TimedArray), :func:`fi_curve` and :class:`CompiledLIF`.

Where no C++ compiler is found, everything falls back to Brian2's ``numpy``
target and says so with a :class:`NumpyFallbackWarning` -- never silently.

Build folders and caches live under ``$NSLIB_CACHE_DIR`` (default
``~/.cache/nslib``), one folder per model, never inside the repository.
Importing this package imports neither Brian2 nor anything else heavy.

Time-varying input, the Brian2 way: a :class:`~brian2.TimedArray` of shape
``(n_steps, n_neurons)`` read in the equations as ``I_input(t, i)``; inside a
:class:`CompiledNetwork`, make it with :meth:`BuildContext.timed_array` so
each run can pass new values.

Other modules of nslib build their networks through these functions and
never touch Brian2's device or preferences themselves.
"""

from ._brian import (
    NumpyFallbackWarning,
    Runtime,
    brian_state,
    cache_dir,
    compiler_available,
    runtime,
    runtime_target,
    seed_int,
)
from ._quantities import check_quantity, check_quantity_array
from .compiled_lif import CompiledLIF, CompiledNoisyFI, NoisyFICurve
from .lif import (
    LIF_DEFAULTS,
    LIF_EQUATIONS,
    FICurve,
    LIFResult,
    build_lif_group,
    fi_curve,
    lif_equations,
    lif_rate_analytic,
    simulate_lif,
)
from .network import (
    BuildContext,
    CompileCacheInfo,
    CompiledNetwork,
    clear_compile_cache,
    compile_cache_info,
    compile_once,
)

__all__ = [
    "BuildContext",
    "CompileCacheInfo",
    "CompiledLIF",
    "CompiledNetwork",
    "CompiledNoisyFI",
    "FICurve",
    "LIF_DEFAULTS",
    "LIF_EQUATIONS",
    "LIFResult",
    "NoisyFICurve",
    "NumpyFallbackWarning",
    "Runtime",
    "brian_state",
    "build_lif_group",
    "cache_dir",
    "check_quantity",
    "check_quantity_array",
    "clear_compile_cache",
    "compile_cache_info",
    "compile_once",
    "compiler_available",
    "fi_curve",
    "lif_equations",
    "lif_rate_analytic",
    "runtime",
    "runtime_target",
    "seed_int",
    "simulate_lif",
]
