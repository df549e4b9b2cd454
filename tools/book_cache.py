"""Prepare the book's execution cache: re-run exactly the pages whose inputs changed, in parallel.

`make book` runs this before ``jupyter-book build``. Jupyter Book's
``execute_notebooks: cache`` re-runs a page only when the page's own code
changes, so this script handles what it cannot see, and makes the runs faster:

1. **What a page depends on.** A page's figures also depend on the ``nslib``
   modules it imports -- followed through nslib's own imports -- on the pinned
   packages (``requirements.lock``) and, for a few pages, on other files
   (``EXTRA_INPUTS``: the benchmarks page reads ``bench/results.json``). When
   any of these change, only that page's cached outputs are dropped and its
   source is touched so Sphinx reads it again. Editing ``nslib/rl`` re-runs the
   chapter on reinforcement learning, not the whole book.
2. **Parallel execution** (``--execute``, as `make book` runs it). Every page
   with no valid cached outputs is executed here, several at a time (``--jobs``,
   default: one per CPU core), slowest first, and stored in the cache Jupyter
   Book reads (``_build/.jupyter_cache``), read exactly as myst-nb reads it so
   that Sphinx finds a match. Sphinx then executes nothing. A page that fails
   here is left to Sphinx, which reports the error as usual.

The seconds each page took are written to ``_build/.execution-times.json``.
If ``NSLIB_BOOK_SWEEP_TIMINGS`` names a folder, each page's kernel times its
sweeps into ``<folder>/<page>.jsonl`` (``nslib.sweeps.TIMINGS_VARIABLE``), for
``make bench``.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import fnmatch
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Files some pages read besides nslib (paths relative to the repository).
EXTRA_INPUTS = {
    "book/benchmarks.md": ["bench/results.json", "bench/plots.py"],
}
# Inputs of every page.
COMMON_INPUTS = ["requirements.lock"]
SWEEP_TIMINGS_VARIABLE = "NSLIB_BOOK_SWEEP_TIMINGS"


# -- which pages execute, and what they read ----------------------------------------------------

def book_config(root: Path) -> dict:
    """The Sphinx configuration Jupyter Book derives from ``_config.yml`` (myst and nb settings)."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(user_yaml=root / "_config.yml", sourcedir=root,
                                 cli_config={"latex_individualpages": False}, use_external_toc=True)
    return config


def toc_pages(root: Path) -> list[Path]:
    """Every Markdown page of the table of contents, in order."""
    import yaml

    toc = yaml.safe_load((root / "book" / "_toc.yml").read_text())
    names: list[str] = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("chapters"))
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [root / f"{name}.md" for name in names if (root / f"{name}.md").exists()]


def executed_pages(root: Path, config: dict) -> list[Path]:
    """The pages Jupyter Book executes: MyST notebooks not excluded from execution."""
    from myst_nb.core.read import is_myst_markdown_notebook

    excluded = config.get("nb_execution_excludepatterns", [])
    pages = []
    for page in toc_pages(root):
        rel = page.relative_to(root).as_posix()
        if any(fnmatch.fnmatch(rel, pattern) for pattern in excluded):
            continue
        if is_myst_markdown_notebook(page.read_text(encoding="utf-8")):
            pages.append(page)
    return pages


def read_notebook(page: Path, config: dict):
    """Read ``page`` exactly as myst-nb does in the build, so the cache hashes agree."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    names = {f.name for f in dataclasses.fields(MdParserConfig)}
    md_config = MdParserConfig(**{key[5:]: value for key, value in config.items()
                                  if key.startswith("myst_") and key[5:] in names})
    return read_myst_markdown_notebook(page.read_text(encoding="utf-8"), config=md_config,
                                       add_source_map=True, path=str(page))


def _imports(source: str, package: str | None) -> set[str]:
    """Absolute names of the modules ``source`` imports (``package``: for relative imports)."""
    # IPython magics and shell lines are not Python.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and package:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from nslib.plots import neurons` imports a submodule.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _module_file(root: Path, name: str) -> Path | None:
    path = root.joinpath(*name.split("."))
    if (path / "__init__.py").exists():
        return path / "__init__.py"
    if path.with_suffix(".py").exists():
        return path.with_suffix(".py")
    return None


def nslib_dependencies(root: Path, sources: list[str]) -> list[Path]:
    """Every nslib file that importing the modules named in ``sources`` executes."""
    todo = [name for source in sources for name in _imports(source, None)]
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if not (name == "nslib" or name.startswith("nslib.")):
            continue
        # Importing a.b.c runs a/__init__, a/b/__init__ and c.
        parts = name.split(".")
        for k in range(1, len(parts) + 1):
            prefix = ".".join(parts[:k])
            if prefix in seen:
                continue
            path = _module_file(root, prefix)
            if path is None:
                continue
            seen[prefix] = path
            package = prefix if path.name == "__init__.py" else prefix.rpartition(".")[0]
            todo.extend(_imports(path.read_text(encoding="utf-8"), package))
    return sorted(set(seen.values()))


def page_inputs(root: Path, page: Path, notebook) -> list[Path]:
    """The files a page's outputs depend on, besides its own code."""
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    rel = page.relative_to(root).as_posix()
    extra = [root / p for p in COMMON_INPUTS + EXTRA_INPUTS.get(rel, [])]
    return nslib_dependencies(root, code) + [p for p in extra if p.exists()]


def inputs_key(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


# -- executing ------------------------------------------------------------------------------------

def _execute(page: str, notebook_json: str, timeout: int, allow_errors: bool,
             timings: str | None) -> tuple[str, str | None, float, str | None]:
    """Execute one page's notebook in a fresh kernel (in a worker process)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ["NSLIB_SWEEP_MODE"] = "static"
    # Pages run side by side, one per core: a page's own BLAS or OpenMP threads
    # would only compete with the other pages for the same cores.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    os.environ.pop("NSLIB_SWEEP_TIMINGS", None)
    if timings:
        os.environ["NSLIB_SWEEP_TIMINGS"] = timings
    notebook = nbformat.reads(notebook_json, as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(page).parent), timeout=timeout,
                                 allow_errors=allow_errors, meta_override=True)
    if result.err is not None:
        return page, None, result.time, f"{type(result.err).__name__}: {result.exc_string}"[-3000:]
    return page, nbformat.writes(notebook), result.time, None


def prepare(root: Path = ROOT, *, jobs: int | None = None, execute: bool = True,
            log=print) -> dict[str, float]:
    """Drop stale cached outputs, then execute every page that needs it. Returns seconds per page."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    build = root / "_build"
    build.mkdir(exist_ok=True)
    config = book_config(root)
    cache = get_cache(str(build / ".jupyter_cache"))
    keys_file, times_file = build / ".page-keys.json", build / ".execution-times.json"
    old_keys = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    old_times = json.loads(times_file.read_text()) if times_file.exists() else {}
    # The stamp of the previous version of this script, which dropped everything.
    (build / ".nslib-hash").unlink(missing_ok=True)

    records = cache.list_cache_records()
    todo, keys = [], {}
    for page in executed_pages(root, config):
        rel = page.relative_to(root).as_posix()
        notebook = read_notebook(page, config)
        keys[rel] = inputs_key(root, page_inputs(root, page, notebook))
        _, hashkey = cache.create_hashed_notebook(notebook)
        stale_inputs = old_keys.get(rel) != keys[rel]
        for record in records:
            # Older versions of the page, and this one if what it reads changed.
            if record.uri == str(page) and (record.hashkey != hashkey or stale_inputs):
                cache.remove_cache(record.pk)
        if stale_inputs:
            for record in cache.list_cache_records():
                if record.hashkey == hashkey:
                    cache.remove_cache(record.pk)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append((page, notebook))
            if stale_inputs and rel in old_keys:
                log(f"{rel}: what it imports or reads changed; it will run again")
    keys_file.write_text(json.dumps(keys, indent=1, sort_keys=True) + "\n")
    for page, _ in todo:
        # Sphinx keeps parsed pages: make it read these again, with their new outputs
        # (or, if one is not executed here, execute it itself and report any error).
        os.utime(page)
    if not todo or not execute:
        return {}

    timeout = int(config.get("nb_execution_timeout", 600))
    allow_errors = bool(config.get("nb_execution_allow_errors", False))
    timings_dir = os.environ.get(SWEEP_TIMINGS_VARIABLE, "").strip()
    if timings_dir:
        Path(timings_dir).mkdir(parents=True, exist_ok=True)
    # Slowest first (by the last build's times), so the last page to start is a short one.
    todo.sort(key=lambda item: -old_times.get(item[0].relative_to(root).as_posix(), 60.0))
    jobs = jobs or os.cpu_count() or 1
    log(f"executing {len(todo)} page(s), {min(jobs, len(todo))} at a time: "
        + ", ".join(p.relative_to(root).as_posix() for p, _ in todo))
    times, executed_now = dict(old_times), {}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = [pool.submit(_execute, str(page), nbformat.writes(notebook), timeout, allow_errors,
                               str(Path(timings_dir) / f"{page.stem}.jsonl") if timings_dir else None)
                   for page, notebook in todo]
        for future in as_completed(futures):
            page, executed, seconds, error = future.result()
            rel = Path(page).relative_to(root).as_posix()
            if error is not None:
                log(f"{rel}: failed after {seconds:.1f} s; the build will run it and report why")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(nbformat.reads(executed, as_version=4), page,
                              data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            times[rel] = executed_now[rel] = seconds
            # The words myst-nb uses, so that a log reader (tests/conftest.py) finds both.
            log(f"{page}: Executed notebook in {seconds:.2f} seconds")
    log(f"executed {len(executed_now)} page(s) in {time.perf_counter() - start:.1f} s")
    times_file.write_text(json.dumps(times, indent=1, sort_keys=True) + "\n")
    return executed_now


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", action="store_true",
                        help="also execute the pages that need it, in parallel (`make book` does); "
                             "without it, only stale outputs are dropped and Sphinx executes")
    parser.add_argument("--jobs", type=int, default=None,
                        help="pages executed at a time (default: one per CPU core)")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be a positive integer")
    prepare(ROOT, jobs=args.jobs, execute=args.execute)
    return 0


if __name__ == "__main__":
    sys.exit(main())
