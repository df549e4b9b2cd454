"""tools/book_cache.py: a page re-runs when what it imports changes, and only then.

The fast tests check the dependency analysis on the real chapters; the slow one
builds a two-page book in a temporary folder, with real kernels, to show that an
edit to one nslib module re-executes only the page that imports it, and that
Jupyter Book then finds every page in the cache the script filled (it executes
nothing itself).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool():
    spec = importlib.util.spec_from_file_location("book_cache", ROOT / "tools" / "book_cache.py")
    module = importlib.util.module_from_spec(spec)
    # Registered, so that its worker function pickles by name for the process pool.
    sys.modules["book_cache"] = module
    spec.loader.exec_module(module)
    return module


def _rel(paths):
    return {p.relative_to(ROOT).as_posix() for p in paths}


def test_imports_resolve_relative_and_submodule_imports():
    book_cache = _tool()
    code = "from nslib.plots import neurons\nimport nslib.rl as rl\nfrom .x import y\n%matplotlib inline"
    assert book_cache._imports(code, None) >= {"nslib.plots", "nslib.plots.neurons", "nslib.rl"}
    assert book_cache._imports("from ..spiking import runtime", "nslib.rl") >= {"nslib.spiking",
                                                                                "nslib.spiking.runtime"}
    assert book_cache._imports("from . import new_figure", "nslib.plots") == {"nslib.plots",
                                                                             "nslib.plots.new_figure"}
    assert book_cache._imports("def broken(:", None) == set()


def test_a_chapter_depends_on_the_nslib_modules_it_imports_and_no_others():
    book_cache = _tool()
    rl_chapter = book_cache.nslib_dependencies(ROOT, ["from nslib.rl import td_conditioning"])
    deps = _rel(rl_chapter)
    # The package, its parents and what they import (nslib.rl's dopamine model runs Brian2).
    assert {"nslib/__init__.py", "nslib/rl/__init__.py", "nslib/rl/conditioning.py",
            "nslib/spiking/__init__.py", "nslib/spiking/network.py"} <= deps
    assert not any(p.startswith(("nslib/vision", "nslib/attention", "nslib/plots")) for p in deps)
    plots = _rel(book_cache.nslib_dependencies(ROOT, ["from nslib.plots.neurons import plot_fi_curves"]))
    assert {"nslib/plots/__init__.py", "nslib/plots/neurons.py"} <= plots
    assert "nslib/plots/vision.py" not in plots


def test_every_executed_page_has_inputs_and_the_benchmarks_page_reads_the_results():
    book_cache = _tool()
    config = book_cache.book_config(ROOT)
    pages = book_cache.executed_pages(ROOT, config)
    names = {p.relative_to(ROOT).as_posix() for p in pages}
    assert "chapters/00_neurons.md" in names and "book/benchmarks.md" in names
    assert not any(name.startswith("exercises/") for name in names)
    for page in pages:
        inputs = _rel(book_cache.page_inputs(ROOT, page, book_cache.read_notebook(page, config)))
        assert "requirements.lock" in inputs
        if page.parent.name == "chapters":
            assert "nslib/sweeps.py" in inputs, page
    bench = ROOT / "book" / "benchmarks.md"
    assert "bench/results.json" in _rel(book_cache.page_inputs(
        ROOT, bench, book_cache.read_notebook(bench, config)))


# --- slow: a two-page book, real kernels, a real build ------------------------------------

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Page {name}

:::{{note}}
A colon fence, as the chapters use.
:::

```{{code-cell}} ipython3
if False:  # what the page imports (read, never run: there is no such nslib here)
    import nslib.{name}
print("page {name}")
```
"""


@pytest.fixture
def mini_book(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "nslib").mkdir()
    (tmp_path / "_config.yml").write_text(
        "title: mini\nexecute:\n  execute_notebooks: cache\n  timeout: 120\n"
        "parse:\n  myst_enable_extensions: [colon_fence, dollarmath]\n")
    (tmp_path / "book" / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: a\n  - file: b\n")
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    (tmp_path / "requirements.lock").write_text("numpy==1\n")
    (tmp_path / "nslib" / "__init__.py").write_text("")
    for name in "ab":
        (tmp_path / f"{name}.md").write_text(PAGE.format(name=name))
        (tmp_path / "nslib" / f"{name}.py").write_text(f"X = '{name}'\n")
    return tmp_path


@pytest.mark.slow
def test_editing_one_module_reruns_only_the_page_that_imports_it(mini_book):
    book_cache = _tool()
    log = []
    first = book_cache.prepare(mini_book, jobs=2, log=log.append)
    assert set(first) == {"a.md", "b.md"}
    assert book_cache.prepare(mini_book, jobs=2, log=log.append) == {}  # nothing changed
    (mini_book / "nslib" / "b.py").write_text("X = 'b, edited'\n")
    assert set(book_cache.prepare(mini_book, jobs=2, log=log.append)) == {"b.md"}
    (mini_book / "requirements.lock").write_text("numpy==2\n")
    assert set(book_cache.prepare(mini_book, jobs=2, log=log.append)) == {"a.md", "b.md"}
    times = json.loads((mini_book / "_build" / ".execution-times.json").read_text())
    assert set(times) == {"a.md", "b.md"}

    # Jupyter Book reads the pages as myst-nb does and finds both in the cache.
    env = {k: v for k, v in os.environ.items() if k != "NSLIB_SWEEP_MODE"}
    build = subprocess.run([str(BIN / "jupyter-book"), "build", ".", "--toc", "book/_toc.yml",
                            "--config", "_config.yml", "-W", "-n", "--keep-going", "-v"],
                           cwd=mini_book, env=env, capture_output=True, text=True, timeout=600)
    out = build.stdout + build.stderr
    assert build.returncode == 0, out[-3000:]
    assert "Executing notebook" not in out, out[-3000:]
    assert out.count("Using cached notebook") == 2, out[-3000:]
    for name in "ab":
        assert f"page {name}" in (mini_book / "_build" / "html" / f"{name}.html").read_text()


def test_a_page_evaluates_its_eval_roles_in_its_own_kernel(tmp_path):
    """{eval} expressions see the variables of the code cells above them, at that point."""
    import nbformat

    book_cache = _tool()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("rate = 12.5"),
        nbformat.v4.new_markdown_cell('Rate {eval}`f"{rate:.1f}"` Hz, doubled {eval}`rate * 2`.'),
        nbformat.v4.new_code_cell("rate = 3"),
        nbformat.v4.new_markdown_cell('Now {eval}`f"{rate:.1f}"`, a list {eval}`[rate]`.'),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})
    page = tmp_path / "page.md"
    _, executed, _, error, values = book_cache._execute(
        str(page), nbformat.writes(notebook), 60, False, None)
    assert error is None
    assert values == [['f"{rate:.1f}"', "12.5"], ["rate * 2", "25.0"],
                      ['f"{rate:.1f}"', "3.0"], ["[rate]", "[3]"]]
    # jupyterlab-myst's format, so the executed notebook renders in JupyterLab too.
    stored = nbformat.reads(executed, as_version=4).cells[1].metadata["user_expressions"]
    assert stored[0]["expression"] == 'f"{rate:.1f}"'
    assert stored[0]["result"]["data"]["text/plain"] == "'12.5'"
    # The book finds the executed page in the cache by the hash of its source's code cells.
    from jupyter_cache import get_cache

    cache = get_cache(str(tmp_path / "cache"))
    assert (cache.create_hashed_notebook(nbformat.reads(executed, as_version=4))[1]
            == cache.create_hashed_notebook(notebook)[1])


def test_a_failing_eval_fails_the_page_and_names_the_expression(tmp_path):
    import nbformat

    book_cache = _tool()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Missing: {eval}`no_such_name + 1`."),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})
    _, executed, _, error, _ = book_cache._execute(
        str(tmp_path / "page.md"), nbformat.writes(notebook), 60, False, None)
    assert executed is None
    assert "{eval}`no_such_name + 1`" in error and "NameError" in error
