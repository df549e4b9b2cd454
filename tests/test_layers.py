"""The layer contracts of the course, read from the import statements (issue 20).

import-linter is not part of the environment, so this test does its work: it
parses every Python file of ``nslib`` and of the grading package with
:mod:`ast` -- imports inside functions included, docstrings (doctest examples)
excluded -- resolves relative imports, and checks the arrows of
``/work/shared/design.md``:

* topic modules never import ``nslib.plots`` or ``nslib.sweeps``; plots never
  import ``nslib.sweeps``; ``nslib.sweeps`` imports no topic module;
* plots import nothing of a topic module but its result types (classes) and
  constants: a plot draws a result, it does not compute one (the few
  exceptions, with their reason, are in ``PLOT_IMPORT_EXCEPTIONS``);
* nothing in ``nslib`` outside ``nslib/spiking`` imports Brian2, except unit
  objects (``ms``, ``mV``, ``nA``...) and type names (``Quantity``). Units and
  types are values: they touch no device, preference, clock or seed, and
  spiking APIs take and return quantities, so the callers must be able to
  build (``10 * ms``) and convert (``rates / Hz``) them. Everything that builds,
  configures or runs a network goes through ``nslib.spiking``, so ``import
  brian2`` as a whole module, or any other name, is refused;
* the grading package imports no private ``nslib`` module (a name with a
  leading underscore), and ``nslib`` never imports the grading package;
* ``nslib`` never imports ``bench``, ``tools``, ``book``, ``chapters``,
  ``exercises`` or ``tests``.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NSLIB = ROOT / "nslib"

# Packages a library module must never import: they sit above nslib.
ABOVE_NSLIB = ("grader", "bench", "tools", "book", "chapters", "exercises", "tests", "dashboards")
# Top-level nslib packages that are not topics: figures, widgets, the Brian2 layer, the
# spike-free helpers shared by every topic.
NOT_TOPICS = ("plots", "sweeps", "spiking")
# Brian2 names allowed outside nslib/spiking besides unit objects: types for isinstance checks.
BRIAN2_TYPE_NAMES = {"Quantity", "Unit", "DimensionMismatchError"}

_STIMULI = ("draws example stimuli and an angle axis with these; to be replaced by a result type of "
            "nslib.vision carrying the images (a chapter 1 change, issue 20 follow-up)")
# (plot file, imported topic function) -> why the plot still calls it. Keep this short.
PLOT_IMPORT_EXCEPTIONS = {
    ("nslib/plots/vision.py", "gabor"): _STIMULI,
    ("nslib/plots/vision.py", "grating"): _STIMULI,
    ("nslib/plots/vision.py", "orientation_difference"): _STIMULI,
}


@dataclass(frozen=True)
class Import:
    file: str          # path relative to the root
    line: int
    module: str        # absolute module imported from ('nslib.vision.cnn', 'brian2')
    names: tuple       # names imported from it (empty for ``import x``)

    def __str__(self) -> str:
        names = f" import {', '.join(self.names)}" if self.names else ""
        return f"{self.file}:{self.line}: {'from ' if names else 'import '}{self.module}{names}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    rel = str(path.relative_to(ROOT))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append(Import(rel, node.lineno, module, tuple(alias.name for alias in node.names)))
    return found


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


NSLIB_IMPORTS = [imp for path in _files("nslib") for imp in _imports(path)]
GRADER_IMPORTS = [imp for path in _files("grader") for imp in _imports(path)]


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _top(imp: Import) -> str:
    """The nslib subpackage a file belongs to ('vision', 'plots', 'sweeps', '_validation')."""
    parts = Path(imp.file).with_suffix("").parts
    return parts[1] if len(parts) > 1 else ""


def _is_topic_file(imp: Import) -> bool:
    top = _top(imp)
    return bool(top) and top not in NOT_TOPICS and not top.startswith("_") and top != "__init__"


def test_the_parser_sees_the_imports():
    """Guards the test itself: relative and function-level imports are resolved."""
    assert any(imp.module == "nslib.plots" and imp.file.startswith("nslib/plots/") for imp in NSLIB_IMPORTS)
    assert any(imp.module == "brian2" and "plots" in imp.file for imp in NSLIB_IMPORTS)  # inside a function
    assert any(imp.module == "nslib._validation" for imp in NSLIB_IMPORTS)
    assert len({imp.file for imp in NSLIB_IMPORTS}) >= 50


def test_topics_import_neither_plots_nor_sweeps():
    bad = [str(imp) for imp in NSLIB_IMPORTS if _is_topic_file(imp) or _top(imp) == "spiking"
           if any(_in(t, "nslib.plots") or _in(t, "nslib.sweeps") for t in _nslib_targets(imp))]
    assert not bad, "a model knows nothing about figures or widgets:\n" + "\n".join(bad)


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


def _nslib_targets(imp: Import) -> list[str]:
    """The nslib modules an import binds (``from nslib import plots`` binds ``nslib.plots``)."""
    if imp.module == "nslib":
        return [f"nslib.{name}" for name in imp.names]
    return [imp.module] if _in(imp.module, "nslib") else []


def test_plots_do_not_import_sweeps_and_sweeps_know_no_topic():
    bad = [str(imp) for imp in NSLIB_IMPORTS if _top(imp) == "plots"
           if any(_in(t, "nslib.sweeps") for t in _nslib_targets(imp))]
    bad += [str(imp) for imp in NSLIB_IMPORTS if _top(imp) == "sweeps"
            if any(not (_in(t, "nslib.sweeps") or _in(t, "nslib.plots") or _private(t))
                   for t in _nslib_targets(imp))]
    assert not bad, "plots know no widgets, widgets know no topic:\n" + "\n".join(bad)


def test_plots_import_only_result_types_from_topics():
    """A plot draws a result: from a topic (or nslib.spiking) it may import classes only."""
    bad = []
    for imp in NSLIB_IMPORTS:
        if _top(imp) != "plots":
            continue
        for target in _nslib_targets(imp):
            if _in(target, "nslib.plots") or _private(target):
                continue
            if target != imp.module or not imp.names:
                bad.append(f"{imp} (the topic module {target} imported whole)")
                continue
            module = importlib.import_module(target)
            for name in imp.names:
                value = getattr(module, name, None)
                if isinstance(value, type) or not callable(value):
                    continue  # a result type, or a constant (names of items, default sizes)
                if (imp.file, name) not in PLOT_IMPORT_EXCEPTIONS:
                    bad.append(f"{imp}: {name} is a computation, not a result type")
    assert not bad, "plots compute nothing; import the result class, not the model:\n" + "\n".join(bad)


# Linear algebra that computes a model quantity (a projection, a decomposition, a fit): it belongs in
# the topic's result, which the plot then draws. ``norm`` (to scale or pick what to show) is not one.
MODEL_LINALG = ("svd", "pinv", "eig", "eigh", "eigvals", "eigvalsh", "lstsq", "solve", "inv", "qr",
                "cholesky")


def test_plots_compute_no_linear_algebra():
    found = []
    for path in sorted((NSLIB / "plots").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr in MODEL_LINALG
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "linalg"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: linalg.{node.attr}")
    assert not found, "plots draw results, they do not compute them; move this into the topic:\n" + \
        "\n".join(found)


def test_plot_import_exceptions_are_still_needed():
    """An exception that no import needs any more is removed, so the list only shrinks."""
    used = {(imp.file, name) for imp in NSLIB_IMPORTS for name in imp.names}
    assert set(PLOT_IMPORT_EXCEPTIONS) <= used, set(PLOT_IMPORT_EXCEPTIONS) - used


def _brian2_allowed(imp: Import) -> list[str]:
    """The names of a brian2 import that are neither units nor type names."""
    if not imp.names:
        return [f"the whole module {imp.module}"]
    from brian2.units.fundamentalunits import Unit

    module = importlib.import_module(imp.module)
    return [name for name in imp.names
            if name not in BRIAN2_TYPE_NAMES and not isinstance(getattr(module, name, None), Unit)]


def test_only_nslib_spiking_uses_brian2_beyond_units():
    bad = []
    for imp in NSLIB_IMPORTS:
        if _top(imp) == "spiking" or not _in(imp.module, "brian2"):
            continue
        refused = _brian2_allowed(imp)
        if refused:
            bad.append(f"{imp}: {', '.join(refused)}")
    assert not bad, ("outside nslib/spiking, import only Brian2 units and types; build and run networks "
                     "through nslib.spiking:\n" + "\n".join(bad))


def test_grader_imports_no_private_nslib_module():
    bad = [str(imp) for imp in GRADER_IMPORTS if any(_private(t) for t in _nslib_targets(imp))]
    assert not bad, "the grader uses nslib's public API only:\n" + "\n".join(bad)


@pytest.mark.parametrize("above", ABOVE_NSLIB)
def test_nslib_imports_nothing_above_it(above):
    bad = [str(imp) for imp in NSLIB_IMPORTS
           if _in(imp.module, above) or (imp.module == "" and above in imp.names)]
    assert not bad, f"nslib must not import {above}:\n" + "\n".join(bad)
