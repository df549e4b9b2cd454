"""How Brian2 runs: targets, caches, the numpy fallback, seeds and the runtime gate.

This module is the only place in nslib that touches Brian2's device, its
preferences and its random seed. Everything here restores what it changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import types
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from .._validation import as_generator, check_choice
from ._quantities import check_quantity


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
    check_model_name(model)
    root = os.environ.get("NSLIB_CACHE_DIR")
    if root:
        base = Path(root)
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nslib"
    path = base / model
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_model_name(model: Any) -> str:
    """Check a model name: letters, digits and ``_``, starting with a letter.

    The name becomes a folder name and the prefix of every Brian2 object of
    the model, so it must be a valid identifier without dots or slashes.
    """
    if (not isinstance(model, str) or not model or not model.replace("_", "").isalnum()
            or not model[0].isalpha() or not model.isascii()):
        raise ValueError("model must be a non-empty name of ASCII letters, digits and '_', "
                         f"starting with a letter; got {model!r}")
    return model


def compiler_available() -> bool:
    """Tell whether a C++ compiler (and Cython) can be used by Brian2.

    Setting the environment variable ``NSLIB_FORCE_NUMPY=1`` pretends that no
    compiler exists, which is how the fallback path is tested.

    Returns
    -------
    bool
        True if Brian2 can compile C++ code (``cython`` and ``cpp_standalone``).

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


def runtime_target(target: str = "auto") -> str:
    """Return the Brian2 runtime code-generation target to use.

    Parameters
    ----------
    target : {"auto", "cython", "numpy"}
        The target asked for. ``"auto"`` picks ``"cython"`` when a compiler exists and ``"numpy"``
        otherwise, with a :class:`NumpyFallbackWarning`. Asking for
        ``"cython"`` without a compiler also falls back, with the warning.

    Returns
    -------
    str
        ``"cython"`` or ``"numpy"``.

    Examples
    --------
    >>> runtime_target("numpy")
    'numpy'
    """
    check_choice("target", target, ("auto", "cython", "numpy"))
    if target == "numpy":
        return "numpy"
    if compiler_available():
        return "cython"
    _warn_numpy_fallback("this simulation")
    return "numpy"


def seed_int(seed: Any) -> int:
    """Return the integer seed Brian2 wants, from an int or a numpy Generator.

    An int is used as it is (so ``seed=3`` means the same run everywhere); a
    Generator is asked for a fresh integer (and so advances).

    Parameters
    ----------
    seed : int or numpy.random.Generator
        A non-negative int below ``2**31``, or a Generator.

    Returns
    -------
    int
        In ``[0, 2**31)``.

    Examples
    --------
    >>> seed_int(3)
    3
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**31 - 1))
    as_generator(seed)  # validates: a non-negative int
    if int(seed) >= 2**31:
        raise ValueError(f"seed must be a non-negative integer below 2**31; got {seed!r}")
    return int(seed)


@contextlib.contextmanager
def _names_of_this_block() -> Iterator[None]:
    """Make Brian2's automatic names depend only on the objects created in this block.

    Brian2 names internal objects ``<owner>_stateupdater*``, ``..._codeobject*``
    and adds ``_1``, ``_2``... when an object of that name is still alive
    anywhere in the process -- for example the same model built earlier in a
    notebook. The generated code then differs from the cached build and
    recompiles (about 30 s for a standalone program). Counting only this
    block's objects gives the same names, the same code and a cache hit.
    """
    import sys

    import brian2.core.names as names_module
    from brian2.core.names import Nameable

    # Not "import brian2.devices.device": brian2.devices exports the current
    # device under that name, which shadows the module.
    device_module = sys.modules["brian2.devices.device"]

    original = names_module.find_name
    before = set(Nameable.__instances__())

    def find_name(name, names=None):
        if names is None and name.endswith("*"):
            names = {obj.name for ref in Nameable.__instances__()
                     if ref not in before and (obj := ref()) is not None
                     and getattr(obj, "_name", None) is not None}
        return original(name, names)

    names_module.find_name = device_module.find_name = find_name
    try:
        yield
    finally:
        names_module.find_name = device_module.find_name = original


@contextlib.contextmanager
def brian_state(device: Any = "runtime", *, build_on_run: bool = True) -> Iterator[types.ModuleType]:
    """Switch Brian2 to ``device`` for a block; restore everything Brian2-global afterwards.

    Saves Brian2's preferences, its device, the default clock's ``dt`` and
    numpy's global random state (``brian2.seed`` reseeds it), and restores
    them on exit, also after an error. Every simulation of nslib runs inside
    this block, so nothing it sets leaks into the caller's session.

    Parameters
    ----------
    device : str or brian2 Device, default "runtime"
        The device for the block.
    build_on_run : bool, default True
        Passed to :func:`brian2.set_device` (False for a standalone build).

    Yields
    ------
    module
        ``brian2``.

    Examples
    --------
    >>> import brian2
    >>> before = brian2.defaultclock.dt
    >>> with brian_state("runtime") as b2:
    ...     b2.defaultclock.dt = 0.5 * b2.ms
    >>> bool(brian2.defaultclock.dt == before)
    True
    """
    import brian2
    from brian2.devices.device import reset_device, set_device

    saved_prefs = {key: brian2.prefs[key] for key in (
        "codegen.target", "codegen.runtime.cython.cache_dir", "logging.file_log")}
    saved_dt = brian2.defaultclock.dt
    numpy_state = np.random.get_state()
    set_device(device, build_on_run=build_on_run)
    try:
        # Brian2 otherwise writes a debug log to /tmp for every run.
        brian2.prefs["logging.file_log"] = False
        with _names_of_this_block():
            yield brian2
    finally:
        reset_device()
        for key, value in saved_prefs.items():
            brian2.prefs[key] = value
        np.random.set_state(numpy_state)
        # reset_device copies the block's dt to the restored device: undo that.
        brian2.defaultclock.dt = saved_dt


@dataclass(frozen=True)
class Runtime:
    """What :func:`runtime` hands to the code inside its block.

    Attributes
    ----------
    brian2 : module
        The ``brian2`` module, for convenience (``b2 = rt.brian2``).
    model : str
        The model name: it prefixes every object name (:meth:`name`) and
        names the cache folder.
    target : str
        ``"cython"`` or ``"numpy"``: the code-generation target in force.
    seed : int
        The seed Brian2 (and its ``rand()``/``xi``) was given.
    clock : brian2.Clock
        A clock named after the model with the requested ``dt``; pass it to
        every group (``clock=rt.clock``) so no global clock is involved.
    """

    brian2: Any
    model: str
    target: str
    seed: int
    clock: Any

    def name(self, part: str) -> str:
        """Return the Brian2 name of one object of the model: ``<model>_<part>``.

        Parameters
        ----------
        part : str
            Letters, digits and ``_``.

        Returns
        -------
        str
        """
        if not isinstance(part, str) or not part.replace("_", "").isalnum():
            raise ValueError(f"part must be a name of letters, digits and '_'; got {part!r}")
        return f"{self.model}_{part}"


def shared_cython_cache() -> Path:
    """The one Cython cache of the course: code objects are keyed by their source, so models share it."""
    return cache_dir("cython")


@contextlib.contextmanager
def runtime(model: str, *, target: str = "auto", seed: Any = 0, dt=None) -> Iterator[Runtime]:
    """Run any Brian2 network through the course's gate (Brian2's runtime device).

    Inside the block, Brian2 uses the runtime device with the chosen
    code-generation target, the shared Cython cache under
    :func:`cache_dir`, no debug log file, and is seeded with ``seed``. On
    exit (also after an error) Brian2's preferences, device, default clock
    and numpy's global random state are put back as they were.

    Parameters
    ----------
    model : str
        Name of the model (letters, digits, ``_``); prefixes object names.
    target : {"auto", "cython", "numpy"}, default "auto"
        See :func:`runtime_target`; without a compiler ``"auto"`` falls back
        to ``"numpy"`` with a :class:`NumpyFallbackWarning`.
    seed : int or numpy.random.Generator, default 0
        Seeds ``rand()``, ``randn()`` and the noise ``xi``.
    dt : Quantity, default 0.1 ms
        Time step of :attr:`Runtime.clock` (> 0 s).

    Yields
    ------
    Runtime

    Examples
    --------
    >>> from brian2 import ms, mV
    >>> with runtime("doc_example", target="numpy", seed=1) as rt:
    ...     b2 = rt.brian2
    ...     g = b2.NeuronGroup(2, "dv/dt = (-70*mV - v)/(10*ms) : volt", clock=rt.clock,
    ...                        name=rt.name("cells"))
    ...     g.v = [-50, -60] * mV
    ...     b2.Network(g).run(10 * ms, namespace={})
    ...     v = g.v[:]
    >>> [round(float(x / mV), 2) for x in v]
    [-62.64, -66.32]
    """
    from brian2 import ms

    check_model_name(model)
    chosen = runtime_target(target)
    seed_value = seed_int(seed)
    dt = 0.1 * ms if dt is None else check_quantity("dt", dt, ms, example="0.1*ms")
    with brian_state("runtime") as brian2:
        brian2.prefs["codegen.target"] = chosen
        brian2.prefs["codegen.runtime.cython.cache_dir"] = str(shared_cython_cache())
        brian2.seed(seed_value)
        brian2.defaultclock.dt = dt
        clock = brian2.Clock(dt=dt, name=f"{model}_clock")
        yield Runtime(brian2=brian2, model=model, target=chosen, seed=seed_value, clock=clock)
