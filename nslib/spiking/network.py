"""Compile once, run many: any Brian2 network as a ``cpp_standalone`` program.

A live parameter sweep over a spiking model must not compile on every slider
move. :class:`CompiledNetwork` builds a network once into a C++ program and
re-runs that program with new values of group and synapse variables
(``(shared)`` ones included) and of :class:`~brian2.input.timedarray.TimedArray`
inputs, which Brian2 passes on the program's command line
(``device.run(run_args=...)``). A re-run costs milliseconds.

What is fixed per build: the structure (groups, equations, connections), the
time step, the duration and the shapes of arrays. Values change per run. The
random seed is compiled in, so re-runs would repeat the same noise; the
program built here also reads a seed from the environment at start-up, so
:meth:`CompiledNetwork.run` can pass a new one (``seed=``).

Each model gets its own Brian2 standalone device object, so two compiled
models live side by side in one process: switching between them never
rebuilds. Objects are named ``<model>_<part>`` (:meth:`BuildContext.name`).
Where no C++ compiler exists, every run rebuilds the network on Brian2's
runtime device with the ``numpy`` target, with a :class:`NumpyFallbackWarning`.

The compile-once cache
----------------------
A topic function such as :func:`nslib.attention.spiking_associative_memory`
is pure, yet each call must re-run the program compiled by the first one.
The compiled objects it re-uses live in **one** bounded cache, here, keyed by
the model's name and its build-time shape (sizes, equations, duration,
target: everything a re-run cannot change). :func:`compile_once` returns the
cached object or builds it; :func:`compile_cache_info` says what the cache
holds; :func:`clear_compile_cache` empties it (tests that need a fresh build
call it). When the cache is full, the least recently used model is dropped;
its compiled program stays on disk under :func:`cache_dir`, so building it
again only re-generates code.

The state kept between calls is in this module and nowhere else in nslib:
that cache, and the record of which :class:`CompiledNetwork` last built each
project folder (two objects built into one folder share one binary, so the
older one rebuilds before its next run).
"""

from __future__ import annotations

import collections
import hashlib
import os
import shutil
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Mapping, TypeVar

import numpy as np

from ._brian import (
    _warn_numpy_fallback,
    brian_state,
    cache_dir,
    check_model_name,
    compiler_available,
    seed_int,
    shared_cython_cache,
)
from ._quantities import check_quantity

__all__ = ["BuildContext", "CompileCacheInfo", "CompiledNetwork", "clear_compile_cache",
           "compile_cache_info", "compile_once"]

# The environment variable the compiled program reads its seed from.
SEED_VARIABLE = "NSLIB_BRIAN_SEED"

# Which CompiledNetwork last built into each project folder. Two models built
# into the same folder in one process (same name and key) share one binary:
# the older one must rebuild before its next run. With the compile cache below,
# this is the only state kept between calls; tests/test_spiking_network.py covers it.
_BUILT_BY: dict[str, weakref.ref] = {}

#: How many compiled models the cache keeps before dropping the least recently used.
COMPILE_CACHE_MAXSIZE = 32

_T = TypeVar("_T")


@dataclass(frozen=True)
class CompileCacheInfo:
    """What the compile-once cache holds (:func:`compile_cache_info`).

    Attributes
    ----------
    entries : tuple of (str, object)
        ``(model, key)`` of every cached object, least recently used first.
    size : int
        Number of cached objects.
    maxsize : int
        Bound on ``size``; the least recently used object is dropped beyond it.
    hits, misses : int
        Calls of :func:`compile_once` that found their object, and that built
        it, since the cache was last cleared.
    """

    entries: tuple
    size: int
    maxsize: int
    hits: int
    misses: int


class _CompileCache:
    """A bounded, least-recently-used map ``(model, key) -> compiled object``."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._items: collections.OrderedDict[tuple, Any] = collections.OrderedDict()
        self._lock = threading.RLock()
        self.hits = self.misses = 0

    def get(self, model: str, key: Hashable, make: Callable[[], _T]) -> _T:
        entry = (model, key)
        with self._lock:
            if entry in self._items:
                self._items.move_to_end(entry)
                self.hits += 1
                return self._items[entry]
            obj = make()
            self.misses += 1
            self._items[entry] = obj
            while len(self._items) > max(1, self.maxsize):
                self._items.popitem(last=False)
            return obj

    def info(self) -> CompileCacheInfo:
        with self._lock:
            return CompileCacheInfo(entries=tuple(self._items), size=len(self._items),
                                    maxsize=self.maxsize, hits=self.hits, misses=self.misses)

    def clear(self, model: str | None) -> int:
        with self._lock:
            drop = [e for e in self._items if model is None or e[0] == model]
            for entry in drop:
                del self._items[entry]
            if model is None:
                self.hits = self.misses = 0
            return len(drop)


_COMPILE_CACHE = _CompileCache(COMPILE_CACHE_MAXSIZE)


def compile_once(model: str, key: Hashable, make: Callable[[], _T]) -> _T:
    """Return the compiled object of ``model`` with build-time shape ``key``; build it on first use.

    The one place where nslib keeps compiled programs between calls: topic
    functions call it with a ``make`` that builds a :class:`CompiledNetwork`
    (or an object holding one), so the first call compiles and later calls
    with the same ``model`` and ``key`` re-run the same program with new
    values. The cache holds at most ``COMPILE_CACHE_MAXSIZE`` objects and
    drops the least recently used one beyond that.

    Parameters
    ----------
    model : str
        The model's name (letters, digits, ``_``, starting with a letter),
        usually the :class:`CompiledNetwork`'s.
    key : hashable
        Everything fixed at build time that tells two builds of ``model``
        apart: sizes, equations, duration, time step, target. Run-time values
        (inputs, parameters that :meth:`CompiledNetwork.run` sets, seeds of a
        run) do not belong in it.
    make : callable
        ``make()`` builds the object; called only on a miss.

    Returns
    -------
    object
        What ``make`` returned, now or on an earlier call.

    Examples
    --------
    >>> _ = clear_compile_cache()       # start from an empty cache
    >>> built = []
    >>> def make():
    ...     built.append(1)
    ...     return object()
    >>> first = compile_once("doc_model", ("shape", 3), make)
    >>> first is compile_once("doc_model", ("shape", 3), make), len(built)
    (True, 1)
    >>> info = compile_cache_info()
    >>> info.entries, info.size, info.hits, info.misses
    ((('doc_model', ('shape', 3)),), 1, 1, 1)
    >>> clear_compile_cache()
    1
    """
    check_model_name(model)
    try:
        hash(key)
    except TypeError:
        raise ValueError(f"key must be hashable (a tuple of numbers and strings); "
                         f"got {type(key).__name__}") from None
    if not callable(make):
        raise ValueError(f"make must be callable; got {type(make).__name__}")
    return _COMPILE_CACHE.get(model, key, make)


def compile_cache_info() -> CompileCacheInfo:
    """Describe the compile-once cache: its entries, size, bound, hits and misses.

    Returns
    -------
    CompileCacheInfo

    Examples
    --------
    >>> info = compile_cache_info()
    >>> info.size == len(info.entries) <= info.maxsize
    True
    """
    return _COMPILE_CACHE.info()


def clear_compile_cache(model: str | None = None) -> int:
    """Empty the compile-once cache, or drop the entries of one model.

    The next call of a topic function then builds its network afresh (the
    compiled program on disk is re-used, so only code generation is repeated).
    Objects that callers still hold keep working.

    Parameters
    ----------
    model : str, optional
        Drop only this model's entries; default: all (and reset the counters).

    Returns
    -------
    int
        The number of entries dropped.

    Examples
    --------
    >>> clear_compile_cache("no_such_model")
    0
    """
    if model is not None:
        check_model_name(model)
    return _COMPILE_CACHE.clear(model)


def _seed_code(n_generators: int) -> str:
    # Re-seed Brian2's generators from the environment when the variable is
    # set, so a re-run can draw new noise without recompiling.
    return (f'if (const char* _nslib_seed = std::getenv("{SEED_VARIABLE}")) {{\n'
            f'    const unsigned long _v = std::strtoul(_nslib_seed, nullptr, 10);\n'
            f'    for (int _i=0; _i<{n_generators}; _i++) brian::_random_generators[_i].seed(_v + _i);\n'
            f'}}')


@dataclass(frozen=True)
class _TimedSpec:
    shape: tuple
    unit: Any
    dt: Any


class BuildContext:
    """What the ``build`` function of a :class:`CompiledNetwork` receives.

    A :class:`CompiledNetwork` makes one for each build; a model's code only
    reads it, names its objects with :meth:`name` and makes its time-varying
    inputs with :meth:`timed_array`.

    Parameters
    ----------
    brian2 : module
        The ``brian2`` module.
    model : str
        The model name, the prefix of every object's name.
    clock : brian2.Clock
        The model's clock.
    target : str
        ``"cpp_standalone"``, or ``"numpy"`` in the fallback.
    overrides : mapping of str to array
        Values that replace those of :meth:`timed_array` by key (the numpy
        fallback builds each run with that run's inputs); empty for a standalone build.

    Attributes
    ----------
    brian2 : module
        The ``brian2`` module.
    model : str
        The model name.
    clock : brian2.Clock
        The model's clock (time step ``dt``); pass it to every group.
    target : str
        ``"cpp_standalone"``, or ``"numpy"`` in the fallback.
    """

    def __init__(self, brian2, model: str, clock, target: str, overrides: Mapping[str, Any]):
        self.brian2 = brian2
        self.model = model
        self.clock = clock
        self.target = target
        self._overrides = dict(overrides)
        self.timed_specs: dict[str, _TimedSpec] = {}

    def name(self, part: str) -> str:
        """Return the Brian2 name of one object: ``<model>_<part>``.

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

    def timed_array(self, key: str, values, dt):
        """Make a :class:`~brian2.TimedArray` input whose values can change per run.

        Parameters
        ----------
        key : str
            The name under which :meth:`CompiledNetwork.run` accepts new values
            (also the Brian2 name's suffix).
        values : Quantity or array, shape (n_steps,) or (n_steps, n_neurons)
            Default values; row ``k`` holds from ``k*dt`` to ``(k+1)*dt``. In
            the equations write ``name(t)`` (1-D) or ``name(t, i)`` (2-D).
        dt : Quantity
            Duration of one row (> 0 s).

        Returns
        -------
        brian2.TimedArray
        """
        from brian2 import ms

        check_quantity("dt", dt, ms, example="1*ms")
        values = self._overrides.get(key, values)
        arr, unit = _split_unit(values, key)
        if arr.ndim not in (1, 2) or arr.size == 0 or not np.all(np.isfinite(arr)):
            raise ValueError(f"{key} must be a finite, non-empty 1-D or 2-D array "
                             f"(time steps x neurons); got shape {arr.shape}")
        self.timed_specs[key] = _TimedSpec(arr.shape, unit, dt)
        return self.brian2.TimedArray(arr * unit if unit is not None else arr, dt=dt,
                                      name=self.name(key))


def _split_unit(values, name):
    from brian2.units.fundamentalunits import Quantity, get_unit

    if isinstance(values, Quantity):
        unit = get_unit(values.dim)
        return np.asarray(values / unit, dtype=float), unit
    try:
        return np.asarray(values, dtype=float), None
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers or a Brian2 quantity array; "
                         f"got {type(values).__name__}") from None


class CompiledNetwork:
    """A Brian2 network built once as a C++ program and re-run with new values.

    Parameters
    ----------
    model : str
        Name of the model (letters, digits, ``_``, starting with a letter). It
        names the cache folder and prefixes every Brian2 object.
    build : callable
        ``build(ctx)`` creates the network with ``ctx.brian2`` and returns a
        dict of its objects by key: groups, synapses, monitors, and the inputs
        made with :meth:`BuildContext.timed_array`. Name objects with
        ``ctx.name(part)`` and give groups ``clock=ctx.clock``.
    collect : callable
        ``collect(objects)`` reads the monitors after a run and returns the
        result (for example a frozen dataclass of arrays). It must copy what it
        returns (``mon.t[:]`` does).
    duration : Quantity
        Simulated time per run (> 0 s), fixed at build time.
    dt : Quantity, default 0.1 ms
        Integration time step (> 0 s, at most ``duration``).
    key : object, optional
        A ``repr``-able description of the network's structure (sizes,
        equations...). Builds with the same model name and key share a cache
        folder, so a second process re-uses the compiled objects.
    seed : int or numpy.random.Generator, default 0
        Seed compiled into the program; :meth:`run` can override it.
    target : {"auto", "cpp_standalone", "numpy"}, default "auto"
        ``"auto"`` builds a standalone program when a C++ compiler exists and
        falls back to ``"numpy"`` with a :class:`NumpyFallbackWarning`.

    Attributes
    ----------
    target : str
        ``"cpp_standalone"`` or ``"numpy"``.
    directory : pathlib.Path or None
        The standalone project folder (``None`` under ``numpy``).
    build_seconds : float
        Wall-clock time of the last build (code generation and compilation).
    n_builds : int
        How many times this model was built.
    objects : dict
        What ``build`` returned (standalone only).

    Examples
    --------
    A group whose drive comes from a TimedArray; re-run with a new drive:

    >>> from brian2 import ms
    >>> def build(ctx):
    ...     drive = ctx.timed_array("drive", np.zeros((10, 3)), dt=10 * ms)
    ...     g = ctx.brian2.NeuronGroup(3, "dv/dt = (drive(t, i) - v)/(5*ms) : 1",
    ...                                threshold="v > 0.5", reset="v = 0", method="exact",
    ...                                clock=ctx.clock,
    ...                                namespace={"drive": drive}, name=ctx.name("cells"))
    ...     return {"cells": g, "spikes": ctx.brian2.SpikeMonitor(g, name=ctx.name("spikes")),
    ...             "drive": drive}
    >>> def collect(objects):
    ...     return objects["spikes"].count[:].tolist()
    >>> net = CompiledNetwork("doc_drive", build, collect, duration=100 * ms,
    ...                       target="numpy")   # "auto" compiles a C++ program
    >>> net.run({"drive": np.tile([0.0, 1.0, 2.0], (10, 1))})
    [0, 28, 66]
    """

    def __init__(self, model: str, build: Callable[[BuildContext], Mapping[str, Any]],
                 collect: Callable[[Mapping[str, Any]], Any], *, duration, dt=None, key: Any = (),
                 seed: Any = 0, target: str = "auto"):
        from brian2 import ms

        from .._validation import check_choice

        self.model = check_model_name(model)
        if not callable(build):
            raise ValueError(f"build must be callable; got {type(build).__name__}")
        if not callable(collect):
            raise ValueError(f"collect must be callable; got {type(collect).__name__}")
        self.duration = check_quantity("duration", duration, ms, example="1*second")
        self.dt = 0.1 * ms if dt is None else check_quantity("dt", dt, ms, example="0.1*ms")
        if self.dt > self.duration:
            raise ValueError(f"dt must be <= duration ({self.duration}); got {self.dt}")
        check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
        self.seed = seed_int(seed)
        self._build_fn, self._collect = build, collect
        self.n_builds = 0
        self.build_seconds = float("nan")
        self.directory = None
        self.objects: dict[str, Any] = {}
        self._timed_specs: dict[str, _TimedSpec] = {}
        self._device = None
        if target != "numpy" and compiler_available():
            self.target = "cpp_standalone"
            from brian2 import __version__ as brian2_version
            digest = hashlib.sha1(repr((key, float(self.duration), float(self.dt),
                                        brian2_version)).encode()).hexdigest()[:12]
            self.directory = cache_dir(self.model) / digest
            self._build()
        else:
            if target != "numpy":
                _warn_numpy_fallback(f"CompiledNetwork({model!r})")
            self.target = "numpy"
            # Build once on the runtime device to learn the inputs' shapes and
            # to fail early on a broken model.
            self._run_runtime({}, self.seed, collect=False)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        try:
            self._build_once()
        except RuntimeError:
            # A project folder left half-built (an interrupted compile, another
            # Brian2 version) fails to link; start it afresh, once.
            shutil.rmtree(self.directory, ignore_errors=True)
            self._build_once()

    def _build_once(self) -> None:
        from brian2.devices.cpp_standalone.device import CPPStandaloneDevice
        from brian2.utils.filelock import FileLock

        start = time.perf_counter()
        # One device object per model: its code objects and arrays stay valid
        # after another model builds, so switching models never rebuilds.
        device = CPPStandaloneDevice()
        with brian_state(device, build_on_run=False) as brian2:
            n_generators = max(1, int(brian2.prefs["devices.cpp_standalone.openmp_threads"]))
            device.seed(self.seed)
            device.insert_code("main", _seed_code(n_generators))
            brian2.defaultclock.dt = self.dt
            clock = brian2.Clock(dt=self.dt, name=f"{self.model}_clock")
            ctx = BuildContext(brian2, self.model, clock, self.target, {})
            objects = self._checked_objects(self._build_fn(ctx))
            net = brian2.Network(*[o for o in objects.values() if isinstance(o, brian2.BrianObject)],
                                 name=f"{self.model}_network")
            net.run(self.duration, namespace={})
            # Two processes (a test run and a book build) must not compile the
            # same project at once.
            with FileLock(str(self.directory) + ".lock"):
                device.build(directory=str(self.directory), compile=True, run=False,
                             with_output=False)
        self._device, self.objects, self._timed_specs = device, objects, ctx.timed_specs
        self.n_builds += 1
        self.build_seconds = time.perf_counter() - start
        _BUILT_BY[str(self.directory)] = weakref.ref(self)

    def _checked_objects(self, objects) -> dict[str, Any]:
        if not isinstance(objects, Mapping) or not objects:
            raise ValueError("build must return a non-empty dict of the network's objects by key; "
                             f"got {type(objects).__name__}")
        return dict(objects)

    # -- running ----------------------------------------------------------------------------

    def run(self, values: Mapping[str, Any] | None = None, *, seed: Any = None) -> Any:
        """Run the model with new values and return ``collect(objects)``.

        Parameters
        ----------
        values : dict, optional
            New values for this run. Keys are ``"<object>.<variable>"`` for a
            variable of a group or synapses returned by ``build`` (a scalar,
            or one value per element), or the key of a
            :meth:`BuildContext.timed_array` (an array of the build-time
            shape and unit). Anything not given keeps its build-time value.
        seed : int or numpy.random.Generator, optional
            Seed of this run's random numbers; default: the model's seed.

        Returns
        -------
        object
            What ``collect`` returns.
        """
        values = {} if values is None else values
        if not isinstance(values, Mapping):
            raise ValueError(f"values must be a dict of run values by key; got {type(values).__name__}")
        seed_value = self.seed if seed is None else seed_int(seed)
        if self.target == "numpy":
            return self._run_runtime(values, seed_value, collect=True)
        owner = _BUILT_BY.get(str(self.directory))
        if owner is None or owner() is not self:
            self._build()
        run_args = {self._run_arg_key(name): self._checked_value(name, value)
                    for name, value in values.items()}
        saved = os.environ.get(SEED_VARIABLE)
        os.environ[SEED_VARIABLE] = str(seed_value)
        try:
            # One results folder per process, so concurrent runs (a test
            # session and a book build) never read each other's output.
            self._device.run(directory=str(self.directory), with_output=False,
                             results_directory=f"results_{os.getpid()}", run_args=run_args)
        finally:
            if saved is None:
                os.environ.pop(SEED_VARIABLE, None)
            else:
                os.environ[SEED_VARIABLE] = saved
        return self._collect(self.objects)

    def _run_arg_key(self, name: str):
        if name in self._timed_specs:
            return self.objects[name]
        obj_name, _, var = name.partition(".")
        obj = self.objects.get(obj_name)
        if obj is None or not var or var not in getattr(obj, "variables", {}):
            raise ValueError(f"values has an unknown key {name!r}; allowed: the inputs "
                             f"{sorted(self._timed_specs)} or '<object>.<variable>' with an object "
                             f"of {sorted(self.objects)}")
        return getattr(obj, var)

    def _checked_value(self, name: str, value):
        spec = self._timed_specs.get(name)
        if spec is None:
            return value
        arr, unit = _split_unit(value, name)
        if arr.shape != spec.shape:
            raise ValueError(f"{name} must have the build-time shape {spec.shape}; got {arr.shape}")
        if (unit is None) != (spec.unit is None) or (unit is not None and unit.dim != spec.unit.dim):
            raise ValueError(f"{name} must be in {spec.unit or 'no unit'}; got {unit or 'no unit'}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite values")
        # Brian2 hashes the raw buffer of run values: it must be C-contiguous.
        arr = np.ascontiguousarray(arr)
        return arr * unit if unit is not None else arr

    def _run_runtime(self, values: Mapping[str, Any], seed_value: int, *, collect: bool):
        with brian_state("runtime") as brian2:
            brian2.prefs["codegen.target"] = "numpy"
            brian2.prefs["codegen.runtime.cython.cache_dir"] = str(shared_cython_cache())
            brian2.seed(seed_value)
            brian2.defaultclock.dt = self.dt
            clock = brian2.Clock(dt=self.dt, name=f"{self.model}_clock")
            timed = {k: self._checked_value(k, v) for k, v in values.items()
                     if k in self._timed_specs}
            ctx = BuildContext(brian2, self.model, clock, "numpy", timed)
            objects = self._checked_objects(self._build_fn(ctx))
            if not self._timed_specs:
                self._timed_specs = ctx.timed_specs
            self.objects = objects
            for name, value in values.items():
                if name not in ctx.timed_specs:
                    obj_name, _, var = name.partition(".")
                    self._run_arg_key(name)  # validates the key
                    setattr(objects[obj_name], var, value)
            net = brian2.Network(*[o for o in objects.values() if isinstance(o, brian2.BrianObject)],
                                 name=f"{self.model}_network")
            net.run(self.duration, namespace={})
            self.n_builds += 1
            return self._collect(objects) if collect else None
