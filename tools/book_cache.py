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

3. **Numbers in the prose** (``{eval}`expression```). While a page executes, each Markdown
   cell's ``{eval}`` expressions are evaluated in the page's kernel right after the code cells
   above it ran, as jupyterlab-myst does when a reader runs the notebook (the results are also
   kept in the cell's ``user_expressions`` metadata, jupyterlab-myst's format). The values are
   written to ``_build/.evals/<page>.json``; the book's ``{eval}`` role (``book/_ext``) shows
   them, so a number in the text is the number the chapter's code computed. A page whose
   expressions changed runs again; a page whose prose alone changed keeps its values.

The seconds each page took are written to ``_build/.execution-times.json``.
If ``NSLIB_BOOK_SWEEP_TIMINGS`` names a folder, each page's kernel times its
sweeps into ``<folder>/<page>.jsonl``, for ``make bench``: before the page's first cell the
kernel runs ``bench/sweep_timing.py``'s ``record_to``, an observer of ``nslib.sweeps``
(its one hook, ``nslib.sweeps.observers``).
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import fnmatch
import hashlib
import json
import os
import re
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



# -- numbers in the prose: {eval} ----------------------------------------------------------------

EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
EVALS_DIR = "_build/.evals"


def eval_expressions(notebook) -> list[str]:
    """The ``{eval}`` expressions of the notebook's Markdown cells, in order."""
    return [match.group(1) for cell in notebook.cells if cell.cell_type == "markdown"
            for match in EVAL_ROLE.finditer(cell.source)]


def evals_file(root: Path, page: Path) -> Path:
    """Where the values of ``page``'s ``{eval}`` expressions are kept (read by book/_ext)."""
    return root / EVALS_DIR / page.relative_to(root).with_suffix(".json")


def source_digest(page: Path) -> str:
    return hashlib.sha256(page.read_bytes()).hexdigest()


def shown_value(result: dict) -> str:
    """An expression's value as jupyterlab-myst shows it: a str without its quotes, else repr."""
    text = result.get("data", {}).get("text/plain", "")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _eval_client_class():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    class EvalNotebookClient(NotebookClient):
        """Executes code cells as usual and evaluates each Markdown cell's ``{eval}`` roles.

        ``setup_code``, if set, runs silently in the kernel before the first cell (it adds no
        cell, output or execution count to the page)."""

        setup_code = ""

        async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                     store_history=True):
            if self.setup_code:
                code, self.setup_code = self.setup_code, ""
                msg_id = self.kc.execute(code, silent=True, store_history=False)
                reply = await self.async_wait_for_reply(msg_id, cell)
                if reply is None or reply["content"].get("status") != "ok":
                    content = reply["content"] if reply else {}
                    raise CellExecutionError(f"the set-up code failed: {content.get('ename')}: "
                                             f"{content.get('evalue')}", content.get("ename", ""),
                                             content.get("evalue", ""))
            if cell.cell_type != "markdown":
                return await super().async_execute_cell(cell, cell_index, execution_count,
                                                        store_history)
            expressions = [m.group(1) for m in EVAL_ROLE.finditer(cell.source)]
            if not expressions:
                return cell
            keys = {f"e{i}": expression for i, expression in enumerate(expressions)}
            msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions=keys)
            reply = await self.async_wait_for_reply(msg_id, cell)
            results = reply["content"].get("user_expressions", {}) if reply else {}
            stored = []
            for key, expression in keys.items():
                result = results.get(key, {"status": "error", "ename": "NoReply", "evalue": ""})
                if result.get("status") != "ok":
                    raise CellExecutionError(
                        f"{{eval}}`{expression}` in Markdown cell {cell_index} failed: "
                        f"{result.get('ename')}: {result.get('evalue')}",
                        result.get("ename", ""), result.get("evalue", ""))
                stored.append({"expression": expression, "result": result})
            cell.metadata["user_expressions"] = stored
            return cell

    return EvalNotebookClient


# -- executing ------------------------------------------------------------------------------------

def _timings_setup(timings: str | None) -> str:
    """Code that makes a page's kernel time its sweeps into ``timings`` (nothing without it)."""
    if not timings:
        return ""
    bench = str(ROOT / "bench")
    return (f"import sys as _s; _s.path.append({bench!r}); import sweep_timing as _t; "
            f"_t.record_to({timings!r}); del _s, _t")


def _execute(page: str, notebook_json: str, timeout: int, allow_errors: bool,
             timings: str | None) -> tuple[str, str | None, float, str | None, list | None]:
    """Execute one page's notebook in a fresh kernel (in a worker process).

    Returns the page, the executed notebook (None on error), the seconds, the error, and the
    page's ``{eval}`` values as ``[expression, shown value]`` pairs in order.
    """
    import nbformat

    os.environ["NSLIB_SWEEP_MODE"] = "static"
    # Pages run side by side, one per core: a page's own BLAS or OpenMP threads
    # would only compete with the other pages for the same cores.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    notebook = nbformat.reads(notebook_json, as_version=4)
    execution = notebook.metadata.get("execution", {})
    timeout = execution.get("timeout", timeout)
    allow_errors = execution.get("allow_errors", allow_errors)
    # No timing metadata: the cache hashes code cells with their metadata, and the book
    # finds the executed page by the hash of its source.
    client = _eval_client_class()(notebook, timeout=timeout, allow_errors=allow_errors,
                                  record_timing=False,
                                  resources={"metadata": {"path": str(Path(page).parent)}})
    client.setup_code = _timings_setup(timings)
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 -- reported, and left to Sphinx to report again
        seconds = time.perf_counter() - start
        return page, None, seconds, f"{type(exc).__name__}: {exc}"[-3000:], None
    seconds = time.perf_counter() - start
    values = [[item["expression"], shown_value(item["result"])]
              for cell in notebook.cells if cell.cell_type == "markdown"
              for item in cell.metadata.get("user_expressions", [])]
    return page, nbformat.writes(notebook), seconds, None, values


def _evals_valid(root: Path, page: Path, hashkey: str, inputs: str, expressions: list[str]) -> bool:
    """Whether the kept ``{eval}`` values of ``page`` still hold; if only its prose changed,
    record the new source so the book accepts them."""
    path = evals_file(root, page)
    if not expressions:
        path.unlink(missing_ok=True)
        return True
    try:
        kept = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    if (kept.get("hashkey"), kept.get("inputs_key")) != (hashkey, inputs) \
            or [e for e, _ in kept.get("values", [])] != expressions:
        return False
    digest = source_digest(page)
    if kept.get("source_sha256") != digest:
        kept["source_sha256"] = digest
        path.write_text(json.dumps(kept, indent=1) + "\n")
    return True


def _update_json(path: Path, entries: dict) -> None:
    """Merge ``entries`` into a JSON object file (several runs may write it, one page each)."""
    old = json.loads(path.read_text()) if path.exists() else {}
    old.update(entries)
    path.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")


def prepare(root: Path = ROOT, *, jobs: int | None = None, execute: bool = True,
            pages: list[Path] | None = None, force: bool = False,
            log=print) -> dict[str, float]:
    """Drop stale cached outputs, then execute every page that needs it. Returns seconds per page.

    ``pages`` limits both to some pages (paths); ``force`` executes them even when cached.
    """
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

    chosen = None if pages is None else {Path(p).resolve() for p in pages}
    records = cache.list_cache_records()
    todo, keys, hashkeys = [], {}, {}
    for page in executed_pages(root, config):
        if chosen is not None and page.resolve() not in chosen:
            continue
        rel = page.relative_to(root).as_posix()
        notebook = read_notebook(page, config)
        keys[rel] = inputs_key(root, page_inputs(root, page, notebook))
        _, hashkey = cache.create_hashed_notebook(notebook)
        hashkeys[rel] = hashkey
        stale_inputs = old_keys.get(rel) != keys[rel]
        stale_evals = not _evals_valid(root, page, hashkey, keys[rel], eval_expressions(notebook))
        for record in records:
            # Older versions of the page, and this one if what it reads changed.
            if record.uri == str(page) and (record.hashkey != hashkey or stale_inputs):
                cache.remove_cache(record.pk)
        if stale_inputs or stale_evals or force:
            for record in cache.list_cache_records():
                if record.hashkey == hashkey:
                    cache.remove_cache(record.pk)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append((page, notebook))
            if stale_inputs and rel in old_keys:
                log(f"{rel}: what it imports or reads changed; it will run again")
            elif stale_evals and not force:
                log(f"{rel}: its {{eval}} expressions changed; it will run again")
    _update_json(keys_file, keys)
    for page, _ in todo:
        # Sphinx keeps parsed pages: make it read these again, with their new outputs
        # (or, if one is not executed here, execute it itself and report any error).
        os.utime(page)
        # Values from an earlier run must not be shown beside new outputs.
        evals_file(root, page).unlink(missing_ok=True)
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
    executed_now = {}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = [pool.submit(_execute, str(page), nbformat.writes(notebook), timeout, allow_errors,
                               str(Path(timings_dir) / f"{page.stem}.jsonl") if timings_dir else None)
                   for page, notebook in todo]
        for future in as_completed(futures):
            page, executed, seconds, error, values = future.result()
            rel = Path(page).relative_to(root).as_posix()
            if error is not None:
                log(f"{rel}: failed after {seconds:.1f} s; the build will run it and report why")
                log(f"{rel}: {error}")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(nbformat.reads(executed, as_version=4), page,
                              data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            if values:
                target = evals_file(root, Path(page))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(
                    {"page": rel, "hashkey": hashkeys[rel], "inputs_key": keys[rel],
                     "source_sha256": source_digest(Path(page)), "values": values},
                    indent=1) + "\n")
            executed_now[rel] = seconds
            # The words myst-nb uses, so that a log reader (tests/conftest.py) finds both.
            log(f"{page}: Executed notebook in {seconds:.2f} seconds")
    log(f"executed {len(executed_now)} page(s) in {time.perf_counter() - start:.1f} s")
    _update_json(times_file, executed_now)
    return executed_now


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", action="store_true",
                        help="also execute the pages that need it, in parallel (`make book` does); "
                             "without it, only stale outputs are dropped and Sphinx executes")
    parser.add_argument("--jobs", type=int, default=None,
                        help="pages executed at a time (default: one per CPU core)")
    parser.add_argument("--page", action="append", type=Path, default=None, metavar="PATH",
                        help="only this page (repeatable), e.g. chapters/04_sync_redundancy.md; "
                             "its {eval} values are written to _build/.evals/")
    parser.add_argument("--force", action="store_true",
                        help="execute the chosen pages even when their cached outputs are valid")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be a positive integer")
    pages = None
    if args.page:
        pages = [(p if p.is_absolute() else Path.cwd() / p).resolve() for p in args.page]
        missing = [str(p) for p in pages if not p.exists()]
        if missing:
            parser.error(f"--page: no such file: {', '.join(missing)}")
    executed = prepare(ROOT, jobs=args.jobs, execute=args.execute, pages=pages, force=args.force)
    if pages and args.execute and len(executed) < len(pages):
        cached = [p for p in pages if p.relative_to(ROOT).as_posix() not in executed]
        print("not executed (cached and still valid, or failed above): "
              + ", ".join(p.relative_to(ROOT).as_posix() for p in cached))
    return 0


if __name__ == "__main__":
    sys.exit(main())
