"""The common API contract of nslib, checked for every public name (issue 20).

In the manner of scikit-learn's ``check_estimator``: instead of each module's
tests remembering the conventions of ``nslib/__init__.py``, this file walks
every public name of every public module of ``nslib`` (found with
:mod:`pkgutil`, so a new subpackage is checked the day it is added) and checks:

* ``seed`` is keyword-only, and reaches the shared normaliser
  (``nslib._validation.as_generator``, or ``nslib.spiking.seed_int`` /
  ``nslib._torch.torch_seed``, which call it) or is forwarded as ``seed=`` to
  another nslib function; a cheap representative set is called with an int and
  with a :class:`numpy.random.Generator`;
* results are frozen dataclasses: the return annotation of every topic function
  is a frozen dataclass, a plain value (array or Brian2 quantity, number, string,
  path) or an nslib class of the estimator pattern -- never a tuple, a list or a
  dict; a builder may return the network object it builds for its caller (a
  Brian2 group, a torch module) -- and every dataclass exported is frozen; the
  cheap set's results are checked at run time;
* docstrings pass :func:`numpydoc.validate.validate` for :data:`DOC_CHECKS`
  (a docstring with a summary, every parameter documented and none unknown, a
  Returns section, an Examples section), and document every field of a result;
* every ``ValueError`` names the parameter: statically, each
  ``raise ValueError("...")`` and ``check_*("name", ...)`` in a public function
  starts with one of its parameters; at run time, each numeric parameter whose
  docstring states a range (``> 0``, ``>= 1``, ``in [0, 1]``, ``positive``...)
  is called with a value outside it and the message must start with its name;
* functions that run Brian2 take Brian2 quantities, not floats whose names
  carry a unit suffix (``_ms``, ``_mV``, ``_nA``, ``_Hz``, ``_s``...).

Plots (``nslib.plots``) and widgets (``nslib.sweeps``) return figures and
widgets, so the result check does not apply to them; the others do.

A name that cannot meet a check yet is listed in :data:`EXCEPTIONS` with the
reason; keep that list short.
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import functools
import importlib
import inspect
import pathlib
import pkgutil
import re
import signal
import sys
import textwrap
import types
import typing

# brian2 and torch are imported here, so that no time bound below counts their import
# (and so that annotations naming them resolve: see _hints).
import brian2
import numpy as np
import pytest
import torch
from numpydoc.docscrape import ClassDoc, FunctionDoc
from numpydoc.validate import validate

import nslib

# numpydoc's codes: GL08 no docstring, SS01 no summary, PR01 a parameter is not
# documented, PR02 an unknown parameter is documented, RT01 no Returns section,
# EX01 no Examples section.
DOC_CHECKS = ("GL08", "SS01", "PR01", "PR02", "RT01", "EX01")

# The functions that turn ``seed`` into a Generator or a seed for Brian2/torch;
# the last two call ``as_generator`` themselves.
SEED_NORMALISERS = {"as_generator", "seed_int", "torch_seed"}
# What a seed must not go to directly: they accept None or a negative int, or no Generator.
RAW_SEEDERS = {"default_rng", "RandomState", "SeedSequence", "Generator", "manual_seed", "seed"}

# Parameter-name suffixes that carry a unit: spiking code takes quantities instead.
UNIT_SUFFIX = re.compile(r"_(s|ms|us|Hz|kHz|V|mV|uV|A|nA|pA|S|nS|uS|F|nF|pF|ohm|Mohm|MOhm)$")

# Brian2 names whose use means a function builds or runs a network.
BRIAN2_SIMULATION_NAMES = {
    "NeuronGroup", "Synapses", "Network", "SpikeMonitor", "StateMonitor", "PoissonGroup",
    "PoissonInput", "SpikeGeneratorGroup", "PopulationRateMonitor", "TimedArray", "set_device",
}

# Modules whose functions return figures or widgets rather than results.
NOT_RESULTS = ("nslib.plots", "nslib.sweeps")

# Seconds one call of the cheap representative set may take (the seeded, all-default
# functions that neither run Brian2 nor import torch); slower ones are skipped.
CHEAP_SECONDS = 0.5
# Seconds within which a function must refuse a bad argument or reach the seed normaliser:
# both happen at the boundary, before any work (Brian2 and torch are imported already).
BOUNDARY_SECONDS = 5.0

# (public name or module, check) -> why it cannot pass yet; a module covers every name in it.
# Checks: "seed", "seed_generator", "result", "docstring", "value_error", "units".
# A failure of an excused name is reported as xfail (``pytest -rx`` lists them with the error); an
# excused name that meets the contract simply passes. Delete an entry once -rx no longer shows it.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # For good: the helper that turns a seed into Brian2's integer; its one argument is the seed.
    ("nslib.spiking._brian.seed_int", "seed"): "the seed normaliser itself (seed_int(seed))",
}


# ---------------------------------------------------------------- discovery


def _public_modules() -> tuple[list[str], dict[str, str]]:
    names, errors = [], {}

    def onerror(name):
        errors[name] = "could not be imported while walking the packages"

    for info in pkgutil.walk_packages(nslib.__path__, "nslib.", onerror=onerror):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # a module being written: reported by a test, not at collection
            errors[info.name] = f"{type(exc).__name__}: {exc}"
            continue
        names.append(info.name)
    return sorted(names), errors


MODULES, IMPORT_ERRORS = _public_modules()


def _public_objects() -> dict[str, object]:
    """Every function and class named in a public module's ``__all__``, by its defining path."""
    found: dict[str, object] = {}
    for modname in MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("nslib"):
                continue
            found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return dict(sorted(found.items()))


OBJECTS = _public_objects()


def _callables() -> dict[str, types.FunctionType]:
    """Public functions, constructors of classes that are not records, and public methods."""
    out: dict[str, types.FunctionType] = {}
    for key, obj in OBJECTS.items():
        if inspect.isfunction(obj):
            out[key] = obj
            continue
        if not dataclasses.is_dataclass(obj) and "__init__" in vars(obj):
            out[f"{key}.__init__"] = vars(obj)["__init__"]
        for name, member in vars(obj).items():
            if name.startswith("_"):
                continue
            if isinstance(member, (classmethod, staticmethod)):
                member = member.__func__
            # Methods written in nslib (not those a base class generates, as matplotlib's ``set``).
            if inspect.isfunction(member) and member.__code__.co_filename == inspect.getsourcefile(obj):
                out[f"{key}.{name}"] = member
    return out


CALLABLES = _callables()
FUNCTIONS = {k: v for k, v in OBJECTS.items() if inspect.isfunction(v)}
CLASSES = {k: v for k, v in OBJECTS.items() if inspect.isclass(v)}


def _exception(key: str, check: str) -> str | None:
    """Why ``key`` (a public name, a method or a module's) may fail ``check``, if it is excused."""
    while True:
        if (key, check) in EXCEPTIONS:
            return EXCEPTIONS[key, check]
        if "." not in key:
            return None
        key = key.rsplit(".", 1)[0]


def _excusable(check: str, key_of=lambda param: param):
    """Run a contract test; a failure of a name EXCEPTIONS excuses for ``check`` becomes an xfail.

    The excuse is applied only when the check fails, so a name that meets the contract passes
    (no XPASS noise) and a module-wide entry excuses only what is still wrong in it.
    """
    def decorate(test):
        first = next(iter(inspect.signature(test).parameters))  # "key" or "case"

        @functools.wraps(test)
        def run(**kwargs):  # pytest passes the parameters by name
            try:
                return test(**kwargs)
            except (Exception, pytest.fail.Exception) as exc:
                reason = _exception(key_of(kwargs[first]), check)
                if reason is None:
                    raise
                pytest.xfail(f"{reason}; fails with: {str(exc).splitlines()[0][:200]}")
        return run
    return decorate


def _tree(fn) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
    node = ast.parse(source).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return node


def _code_objects(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _reachable(obj, seen=None) -> list[types.CodeType]:
    """Code objects of ``obj`` and of the nslib functions and classes it names, transitively."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if inspect.isclass(obj):
        codes = []
        for member in vars(obj).values():
            if isinstance(member, (classmethod, staticmethod, property)):
                member = getattr(member, "__func__", None) or member.fget
            if inspect.isfunction(member):
                codes += _reachable(member, seen)
        return codes
    fn = inspect.unwrap(obj)
    if not inspect.isfunction(fn):
        return []
    codes = list(_code_objects(fn.__code__))
    for code in list(codes):
        for name in code.co_names:
            target = fn.__globals__.get(name)
            # A module (imported at the top or inside the function, ``from .. import spiking``):
            # follow the attributes this code names (``spiking.simulate_lif``).
            modules = [target] if isinstance(target, types.ModuleType) else _NSLIB_MODULES.get(name, [])
            targets = [target] + [getattr(module, other, None) for module in modules
                                  if module.__name__.startswith("nslib") for other in code.co_names]
            for target in targets:
                if target is None or isinstance(target, types.ModuleType):
                    continue
                if str(getattr(target, "__module__", "")).startswith("nslib"):
                    codes += _reachable(target, seen)
    return codes


_NSLIB_MODULES: dict[str, list[types.ModuleType]] = {}
for _name, _module in list(sys.modules.items()):
    if _name.startswith("nslib.") and _module is not None:
        _NSLIB_MODULES.setdefault(_name.rsplit(".", 1)[1], []).append(_module)


def _runs_brian2(fn) -> bool:
    return any(BRIAN2_SIMULATION_NAMES & set(code.co_names) for code in _reachable(fn))


def _uses_torch(fn) -> bool:
    return any("torch" in code.co_names for code in _reachable(fn))


# ---------------------------------------------------------------- discovery sanity


def test_every_public_module_imports():
    assert not IMPORT_ERRORS, IMPORT_ERRORS


def test_the_walk_finds_the_topics():
    """The walk is dynamic; this only guards against it silently finding nothing."""
    packages = {m.split(".")[1] for m in MODULES}
    assert {"perceptron", "vision", "rl", "attention", "sync", "continual", "plots", "sweeps"} <= packages
    assert len(CALLABLES) > 200


def test_exceptions_name_public_objects_and_known_checks():
    checks = {"seed", "seed_generator", "result", "docstring", "value_error", "units"}
    for (name, check), reason in EXCEPTIONS.items():
        assert name in OBJECTS or name in MODULES, f"EXCEPTIONS names {name}, which is not public"
        assert check in checks and reason


# ---------------------------------------------------------------- seed


SEEDED = {k: fn for k, fn in CALLABLES.items() if "seed" in inspect.signature(fn).parameters}


@pytest.mark.parametrize("key", SEEDED)
@_excusable("seed")
def test_seed_is_keyword_only(key):
    parameter = inspect.signature(SEEDED[key]).parameters["seed"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (
        f"{key}: seed must be keyword-only (put it after `*`), so calls read seed=...")


def _seed_uses(fn) -> list[str]:
    node = _tree(fn)
    parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
    uses = []
    for name in ast.walk(node):
        if not (isinstance(name, ast.Name) and name.id == "seed" and isinstance(name.ctx, ast.Load)):
            continue
        parent = parents[name]
        if isinstance(parent, ast.keyword) and parent.arg == "seed":
            func = parents[parent].func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            uses.append(f"passed to {called}" if called in RAW_SEEDERS else "forwarded")
        elif isinstance(parent, ast.Call) and name in parent.args:
            func = parent.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            uses.append("normalised" if called in SEED_NORMALISERS else f"passed to {called}")
        else:
            uses.append(ast.unparse(parent))
    return uses


@pytest.mark.parametrize("key", SEEDED)
@_excusable("seed_generator")
def test_seed_goes_through_the_shared_normaliser(key):
    """An int and a Generator are accepted because one helper turns either into a Generator."""
    uses = _seed_uses(SEEDED[key])
    assert "normalised" in uses or "forwarded" in uses, (
        f"{key}: pass seed to nslib._validation.as_generator (or seed_int / torch_seed, or forward "
        f"seed=seed to an nslib function that does); its uses: {uses}")


def _callable_with_defaults(key, fn) -> bool:
    if key not in FUNCTIONS:
        return False
    return all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


class _Reached(Exception):
    """Raised by the spy normaliser: the seed got there, the rest of the run is not needed."""


@pytest.mark.parametrize("key", [k for k, fn in SEEDED.items() if _callable_with_defaults(k, fn)])
@_excusable("seed_generator")
def test_a_generator_seed_reaches_the_normaliser(key, monkeypatch):
    """Called with a Generator, the function hands it to a seed normaliser before any work.

    Every normaliser in every nslib module is replaced by a spy that stops the call, so
    this checks even the functions that compile a network or train for minutes.
    """
    generator = np.random.default_rng(3)

    def spy(original):
        def normalise(seed):
            if seed is generator:
                raise _Reached
            return original(seed)  # another seed (an internal ``seed=0``) runs as it would
        return normalise

    for name, module in list(sys.modules.items()):
        if name.startswith("nslib") and module is not None:
            for normaliser in SEED_NORMALISERS:
                original = getattr(module, normaliser, None)
                if callable(original):
                    monkeypatch.setattr(module, normaliser, spy(original))
    with pytest.raises(_Reached):
        _within(BOUNDARY_SECONDS, lambda: SEEDED[key](seed=generator), fail=True)


class _TooSlow(Exception):
    pass


def _cheap_seeded() -> dict[str, types.FunctionType]:
    """Seeded functions callable with their defaults that neither run Brian2 nor use torch."""
    return {k: fn for k, fn in SEEDED.items()
            if _callable_with_defaults(k, fn) and not k.startswith(NOT_RESULTS)
            and not _runs_brian2(fn) and not _uses_torch(fn)}


CHEAP_SEEDED = _cheap_seeded()


def test_the_cheap_set_is_representative():
    assert len(CHEAP_SEEDED) >= 10, sorted(CHEAP_SEEDED)
    assert len({k.split(".")[1] for k in CHEAP_SEEDED}) >= 5, sorted(CHEAP_SEEDED)


def _same(a, b) -> bool:
    if dataclasses.is_dataclass(a):
        # A result records the seed as the caller passed it: 3 on one side, default_rng(3) on the other.
        return type(a) is type(b) and all(
            _same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
            if not (f.name == "seed" and isinstance(getattr(b, f.name), np.random.Generator)))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, np.random.Generator):
        return isinstance(b, np.random.Generator)
    return a == b or (a != a and b != b)


def _within(seconds: float, call, *, fail: bool = False):
    """``call()``, stopped by SIGALRM after ``seconds``: then a failure, or a skip if not ``fail``."""
    def alarm(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call()
    except _TooSlow:
        if fail:
            pytest.fail(f"still running after {seconds} s: check the arguments (and normalise the seed) "
                        "at the boundary, before any work")
        pytest.skip(f"not cheap with its defaults (> {seconds} s); test_a_generator_seed_reaches_* covers it")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("key", CHEAP_SEEDED)
@_excusable("seed_generator")
def test_seed_accepts_an_int_and_a_generator(key):
    """seed=3 and seed=np.random.default_rng(3) give the same result; seed=-1 is refused by name.

    Run on the functions that return within CHEAP_SECONDS with their defaults; the result
    is also checked at run time (a frozen dataclass or a plain value, as annotated).
    """
    fn = CHEAP_SEEDED[key]
    by_int = _within(CHEAP_SECONDS, lambda: fn(seed=3))
    by_generator = fn(seed=np.random.default_rng(3))
    assert _same(by_int, by_generator), f"{key}: seed=3 and seed=default_rng(3) differ"
    with pytest.raises(ValueError, match="^seed"):
        fn(seed=-1)
    _check_result_value(key, fn, by_int)


# ---------------------------------------------------------------- results


# nslib imports brian2 and torch only when a model runs, so an annotation naming them
# (``-> brian2.Quantity``, ``-> torch.nn.Module``) is imported under TYPE_CHECKING only: resolve
# those two names here. Every other name must resolve in its own module.
_LAZY_MODULES = {"brian2": brian2, "torch": torch}


def _hints(fn) -> dict:
    try:
        return typing.get_type_hints(inspect.unwrap(fn), localns=_LAZY_MODULES)
    except Exception as exc:  # noqa: BLE001 -- the message says which name did not resolve
        pytest.fail(f"the annotations of {fn.__qualname__} do not resolve: {exc}")


# A path is a plain value (cache_dir); so is a module (brian_state yields brian2 itself), and a torch
# tensor is an array as an ndarray is (a loss). brian2.Quantity is an ndarray: quantities are plain too.
PLAIN = (np.ndarray, float, int, bool, str, complex, type(None), np.floating, np.integer, pathlib.PurePath,
         types.ModuleType, torch.Tensor)
# What a builder returns for its caller to run or train: a network object of the library nslib
# drives (build_lif_group's NeuronGroup inside a gate block, build_vae's untrained torch module), the
# estimator pattern of those libraries. A result of a run or a training is never one of these.
MODEL_OBJECTS = (brian2.Group, torch.nn.Module)


def _allowed_result(tp) -> str | None:
    """None if ``tp`` is an allowed result type, else why not."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            why = _allowed_result(arg)
            if why:
                return why
        return None
    if origin is not None:
        return f"{tp} is a container: return a frozen dataclass with named fields"
    if tp is typing.Any:
        return "Any says nothing: annotate the result type"
    if isinstance(tp, typing.TypeVar):
        return None  # the argument itself, checked and returned (nslib.validation.check_choice)
    if inspect.isclass(tp) and dataclasses.is_dataclass(tp):
        return None if tp.__dataclass_params__.frozen else f"{tp.__name__} is a dataclass but not frozen"
    if inspect.isclass(tp) and issubclass(tp, PLAIN) and not issubclass(tp, (tuple, list, dict)):
        return None
    if inspect.isclass(tp) and issubclass(tp, MODEL_OBJECTS):
        return None
    if inspect.isclass(tp) and tp.__module__.startswith("nslib"):
        return None  # a class of the estimator pattern (a compiled program, a fitted model)
    return f"{tp!r} is not a frozen dataclass or a plain value"


RESULT_FUNCTIONS = {k: fn for k, fn in FUNCTIONS.items() if not k.startswith(NOT_RESULTS)}


@pytest.mark.parametrize("key", RESULT_FUNCTIONS)
@_excusable("result")
def test_result_is_a_frozen_dataclass_or_a_plain_value(key):
    fn = RESULT_FUNCTIONS[key]
    hints = _hints(fn)
    assert "return" in hints, f"{key}: annotate the return type"
    result = hints["return"]
    if fn is not inspect.unwrap(fn) and typing.get_origin(result) in (collections.abc.Iterator,
                                                                        collections.abc.Generator):
        result = typing.get_args(result)[0]  # a context manager: what it yields
    why = _allowed_result(result)
    assert why is None, f"{key}: {why}"


@pytest.mark.parametrize("key", CLASSES)
@_excusable("result")
def test_every_exported_dataclass_is_frozen(key):
    cls = CLASSES[key]
    if dataclasses.is_dataclass(cls):
        assert cls.__dataclass_params__.frozen, f"{key}: use @dataclass(frozen=True)"


def _check_result_value(key, fn, value):
    if key.startswith(NOT_RESULTS):
        return
    assert not isinstance(value, (tuple, list, dict)), f"{key} returned a {type(value).__name__}"
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, f"{key} returned a dataclass that is not frozen"
    expected = _hints(fn).get("return")
    if inspect.isclass(expected):
        assert isinstance(value, expected), f"{key} returned {type(value).__name__}, not {expected.__name__}"


# ---------------------------------------------------------------- docstrings


@pytest.mark.parametrize("key", CALLABLES)
@_excusable("docstring")
def test_docstring_passes_numpydoc(key):
    fn = CALLABLES[key]
    if key.endswith(".__init__"):
        # numpydoc reads a constructor's parameters from the class docstring.
        key, checks = key.removesuffix(".__init__"), ("PR01", "PR02")
    elif key in OBJECTS:
        checks = DOC_CHECKS
    else:
        checks = ("GL08", "SS01", "PR01", "PR02")  # a method: documented, but no example required
    if inspect.unwrap(fn) is not fn and typing.get_origin(_hints(fn).get("return")) is not None:
        checks = tuple(c for c in checks if c != "RT01")  # a context manager documents Yields
    errors = [f"{code}: {msg}" for code, msg in validate(key)["errors"] if code in checks]
    assert not errors, f"{key}:\n  " + "\n  ".join(errors)


@pytest.mark.parametrize("key", CLASSES)
@_excusable("docstring")
def test_result_fields_are_documented(key):
    cls = CLASSES[key]
    doc = inspect.getdoc(cls)
    assert doc, f"{key} has no docstring"
    if not dataclasses.is_dataclass(cls):
        return
    parsed = ClassDoc(cls)
    documented = {name.strip() for p in parsed["Attributes"] + parsed["Parameters"]
                  for name in p.name.split(",")}
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in documented]
    assert not missing, f"{key}: document the fields {missing} in an Attributes section"


# ---------------------------------------------------------------- ValueError names the parameter


def _message_start(node: ast.expr) -> str | None:
    """The literal text a message starts with, or None when it starts with a computed value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return node.values[0].value
    if isinstance(node, ast.BinOp):
        return _message_start(node.left)
    return None


def _named(text: str, parameters) -> bool:
    match = re.match(r"[A-Za-z_]\w*", text)
    return bool(match) and match.group() in parameters


CHECK_HELPERS = re.compile(r"^_?check_\w+$")


@pytest.mark.parametrize("key", CALLABLES)
@_excusable("value_error")
def test_every_value_error_names_a_parameter(key):
    fn = CALLABLES[key]
    parameters = set(inspect.signature(fn).parameters)
    bad = []
    for node in ast.walk(_tree(fn)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id == "ValueError" and node.exc.args:
                text = _message_start(node.exc.args[0])
                if text is not None and not _named(text, parameters):
                    bad.append(ast.unparse(node.exc)[:100])
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if CHECK_HELPERS.match(called):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                        and not _named(first.value, parameters):
                    bad.append(ast.unparse(node)[:100])
    assert not bad, f"{key}: a ValueError must start with the parameter's name:\n  " + "\n  ".join(bad)


_NUMBER = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
_RANGES = [
    (re.compile(r"(?:>=|≥)\s*" + _NUMBER), "low"),
    (re.compile(r">\s*" + _NUMBER), "low"),
    (re.compile(r"\bat least\s+" + _NUMBER), "low"),
    (re.compile(r"\bnon-negative\b"), "nonneg"),
    (re.compile(r"\bpositive\b"), "positive"),
    (re.compile(r"\bin\s*[\[(]\s*" + _NUMBER + r"\s*,\s*" + _NUMBER + r"\s*[\])]"), "interval"),
]


def _out_of_range(text: str, default):
    """A value outside the range the docstring states, or None when it states none."""
    for pattern, kind in _RANGES:
        match = pattern.search(text)
        if not match:
            continue
        if kind == "low":
            low = float(match.group(1))
            bad = low - 1
        elif kind in ("nonneg", "positive"):
            bad = -1
        else:
            bad = float(match.group(1)) - 1
        return int(bad) if isinstance(default, int) and float(bad).is_integer() else float(bad)
    return None


def _range_cases():
    cases = {}
    for key, fn in FUNCTIONS.items():  # methods would need an instance: the static check covers them
        parameters = list(inspect.signature(fn).parameters.values())
        if any(p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in parameters):
            continue
        try:
            documented = {p.name: " ".join([p.type, *p.desc]) for p in FunctionDoc(fn)["Parameters"]}
        except Exception:  # noqa: BLE001 -- a docstring numpydoc cannot read fails test_docstring_*
            continue
        for p in parameters:
            default = p.default
            if isinstance(default, bool) or not isinstance(default, (int, float)) or p.name == "seed":
                continue
            bad = _out_of_range(documented.get(p.name, ""), default)
            if bad is not None:
                cases[f"{key}:{p.name}={bad}"] = (key, fn, p.name, bad)
    return cases


RANGE_CASES = _range_cases()


def test_the_range_cases_are_many():
    assert len(RANGE_CASES) >= 30, sorted(RANGE_CASES)


@pytest.mark.parametrize("case", list(RANGE_CASES))
@_excusable("value_error", key_of=lambda case: RANGE_CASES[case][0])
def test_a_value_outside_the_documented_range_is_refused_by_name(case):
    key, fn, name, bad = RANGE_CASES[case]
    with pytest.raises(ValueError) as info:
        _within(BOUNDARY_SECONDS, lambda: fn(**{name: bad}), fail=True)
    assert str(info.value).startswith(name), (
        f"{key}({name}={bad!r}) raised ValueError({str(info.value)!r}), which does not start with {name!r}")


# ---------------------------------------------------------------- units in spiking code


SPIKING = {k: fn for k, fn in CALLABLES.items() if _runs_brian2(fn)}


def test_the_spiking_functions_are_found():
    assert len(SPIKING) >= 10, sorted(SPIKING)


@pytest.mark.parametrize("key", SPIKING)
@_excusable("units")
def test_spiking_functions_take_quantities(key):
    suffixed = [name for name in inspect.signature(SPIKING[key]).parameters if UNIT_SUFFIX.search(name)]
    assert not suffixed, (
        f"{key} runs Brian2 but takes {suffixed}: take Brian2 quantities (tau=10*ms), checked with "
        "nslib.spiking.check_quantity")
