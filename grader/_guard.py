"""Switch off the library functions a question asks the student to write.

A question can name, in its answer cell's metadata, the ``nslib`` functions that compute its
answer::

    "metadata": {"nbgrader": {...}, "grader": {"guard": ["nslib.rl.rescorla_wagner"]}}

While that question's answer cell runs, and while its tests call the student's functions, calling
one of those functions raises :class:`GuardedFunctionError`, whose message says why. Other
questions may still use them.

How it works, in the worker (the process that runs student code), before any student code runs:

* each guarded function's module source is parsed, a check is put at the top of the function's
  body, and the function object's ``__code__`` is replaced by the checked version, so every
  reference to it -- ``from nslib.rl import rescorla_wagner`` before or after, an alias, a copy
  made with ``types.FunctionType`` -- is checked;
* an import hook serves those modules, checked, to every later import of them: ``importlib.reload``,
  ``importlib.import_module`` after deleting it from ``sys.modules``, a fresh ``import``;
* when grading (sandboxed), the module's file itself shows the checked source, so compiling it
  from its file (``importlib.util.spec_from_file_location``, ``exec(open(path).read())``) gives
  checked functions as well. ``course-check``, on the student's own machine, has the first two.

What it cannot stop: code in the same process can undo anything done in it, so a student who
deliberately dismantles the guard (replacing the check in ``builtins``; in ``course-check``,
also compiling the original file) gets past it, as does one who copies the library's code into the
answer. The first leaves an obvious trace in the submission; the second is, at least, writing it
out. The hidden tests check the answer's behaviour either way.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import types
from pathlib import Path

__all__ = ["GuardedFunctionError", "active", "checked_sources", "install", "resolve"]

CHECK_NAME = "__grader_guard_check__"


class GuardedFunctionError(RuntimeError):
    """A library function the current question asks the student to write was called."""


def resolve(name: str) -> list[tuple[str, str]]:
    """``[(module, qualname), ...]`` of the code ``name`` stands for: a function, or each method a
    class defines in Python (``"nslib.perceptron.Perceptron"``: its ``__init__``, ``fit``, ...).

    Raises
    ------
    ValueError
        If ``name`` is not a dotted name of a Python function or class in ``nslib``.
    """
    if not isinstance(name, str) or not name.startswith("nslib.") or "." not in name:
        raise ValueError(f"guard: {name!r} is not a dotted name in nslib (e.g. 'nslib.rl.td_learning')")
    module_name, _, attr = name.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise ValueError(f"guard: cannot import {module_name!r} for {name!r}: {err}") from None
    obj = inspect.unwrap(getattr(module, attr, None) or _missing(name))
    if isinstance(obj, types.FunctionType):
        return [(obj.__module__, obj.__qualname__)]
    if isinstance(obj, type) and obj.__module__.startswith("nslib"):
        methods = [inspect.unwrap(v) for v in vars(obj).values()
                   if isinstance(inspect.unwrap(v), types.FunctionType)
                   and inspect.unwrap(v).__qualname__.startswith(obj.__qualname__ + ".")
                   and inspect.unwrap(v).__code__.co_filename == inspect.getsourcefile(obj)]
        if methods:
            return [(obj.__module__, m.__qualname__) for m in methods]
        raise ValueError(f"guard: the class {name!r} defines no method in Python to switch off")
    raise ValueError(f"guard: {name!r} is not a Python function or class")


def _missing(name: str):
    raise ValueError(f"guard: {name!r} does not exist")


class _Guard:
    def __init__(self):
        self.active: frozenset = frozenset()
        self.targets: dict[str, dict[str, str]] = {}   # module -> {qualname: public name}

    def check(self, qualified: str) -> None:
        if qualified in self.active:
            public = self.public.get(qualified, qualified)
            raise GuardedFunctionError(
                f"{public}() is what this question asks you to write, so the course library's "
                "version is switched off while your answer and its tests run. Write it yourself "
                "(numpy is fine); other questions may still use it.")

    @property
    def public(self) -> dict[str, str]:
        return {f"{module}.{qualname}": name for module, names in self.targets.items()
                for qualname, name in names.items()}


_GUARD = _Guard()


class _CheckInserter(ast.NodeTransformer):
    def __init__(self, module: str, qualnames):
        self.module, self.qualnames, self.stack = module, set(qualnames), []

    def _function(self, node):
        self.stack.append(node.name)
        qualname = ".".join(self.stack)
        self.generic_visit(node)
        self.stack.pop()
        if qualname in self.qualnames:
            call = ast.parse(f"{CHECK_NAME}({self.module + '.' + qualname!r})").body[0]
            body = node.body
            # Keep the docstring first (inspect and help() read it from there).
            at = 1 if body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str) else 0
            node.body = body[:at] + [ast.copy_location(call, body[0])] + body[at:]
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()
        return node


def checked_code(module_name: str, source: str, filename: str, qualnames) -> types.CodeType:
    """The module's code with a guard check at the top of each function in ``qualnames``."""
    tree = _CheckInserter(module_name, qualnames).visit(ast.parse(source, filename))
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec", dont_inherit=True)


def checked_sources(names) -> dict[str, str]:
    """The source of each module defining one of ``names``, with the checks written in.

    The grading sandbox shows these in place of the real files, so that compiling a module from
    its file (``importlib.util.spec_from_file_location``, ``exec(open(...).read())``) gives
    the checked functions too.
    """
    targets: dict[str, set] = {}
    for name in names:
        for module, qualname in resolve(name):
            targets.setdefault(module, set()).add(qualname)
    sources = {}
    for module_name, qualnames in targets.items():
        path = sys.modules[module_name].__file__
        with open(path, encoding="utf-8") as fh:
            tree = _CheckInserter(module_name, qualnames).visit(ast.parse(fh.read(), path))
        sources[str(Path(path).resolve())] = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    return sources


def _find_code(code: types.CodeType, qualname: str):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_qualname == qualname:
                return const
            found = _find_code(const, qualname)
            if found is not None:
                return found
    return None


class _CheckedLoader(importlib.abc.SourceLoader):
    def __init__(self, fullname: str, path: str):
        self.fullname, self.path = fullname, path

    def get_filename(self, fullname):
        return self.path

    def get_data(self, path):
        with open(path, "rb") as fh:
            return fh.read()

    def get_code(self, fullname):
        source = self.get_data(self.path).decode("utf-8")
        return checked_code(fullname, source, self.path, _GUARD.targets.get(fullname, {}))


class _CheckedFinder(importlib.abc.MetaPathFinder):
    """Serves the guarded modules, checked, to every import after :func:`install`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _GUARD.targets:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if not spec.origin or not spec.origin.endswith(".py"):
            return spec
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=_CheckedLoader(fullname, spec.origin),
            submodule_search_locations=spec.submodule_search_locations)


def install(names) -> None:
    """Prepare the guard for ``names`` (public dotted names); call before any student code runs.

    Nothing is switched off until :func:`active` names some of them.
    """
    names = sorted(set(names))
    if not names:
        return
    for name in names:
        for module, qualname in resolve(name):
            _GUARD.targets.setdefault(module, {})[qualname] = name
    setattr(builtins, CHECK_NAME, _GUARD.check)
    for module_name, qualnames in _GUARD.targets.items():
        module = sys.modules[module_name]
        with open(module.__file__, encoding="utf-8") as fh:
            code = checked_code(module_name, fh.read(), module.__file__, qualnames)
        for qualname in qualnames:
            obj = module
            for part in qualname.split("."):
                obj = getattr(obj, part)
            obj = inspect.unwrap(obj)
            obj.__code__ = _find_code(code, qualname)
    if not any(isinstance(f, _CheckedFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _CheckedFinder())


def active(names) -> None:
    """Switch off exactly ``names`` (public dotted names; empty: none) from now on."""
    wanted = set(names)
    _GUARD.active = frozenset(q for q, name in _GUARD.public.items() if name in wanted)
