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
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Mapping

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

__all__ = ["BuildContext", "CompiledNetwork"]

# The environment variable the compiled program reads its seed from.
SEED_VARIABLE = "NSLIB_BRIAN_SEED"

# Which CompiledNetwork last built into each project folder. Two models built
# into the same folder in one process (same name and key) share one binary:
# the older one must rebuild before its next run. This is the only state kept
# between calls; tests/test_spiking_network.py covers it.
_BUILT_BY: dict[str, weakref.ref] = {}


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
        """Return the Brian2 name of one object: ``<model>_<part>``."""
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
