"""The inline role ``{eval}`expression```: a number in the prose is the number the code computed.

In an executed chapter the expression is evaluated in the chapter's own kernel, right after the
code cells above it ran (``tools/book_cache.py`` keeps the values in ``_build/.evals/``).
jupyterlab-myst evaluates the same role in the reader's kernel as the reader runs the notebook, so
one source renders in both places, where ``{{ }}`` substitutions render only in the book.

**Staleness.** The kept values record the sha256 of the page they were computed from; values older
than the page are an error, so that prose never shows stale numbers (``book_cache.py`` refreshes
the record when only prose changed, and runs the page again when an expression changed).

On a page that is not executed (the landing page) the expression is evaluated while the book
builds, in this process (the book's own sources are trusted); names in it that are importable
modules are imported.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib
import json
import types
from pathlib import Path

from docutils import nodes

EVALS_DIR = Path("_build") / ".evals"


class _Module:
    """A module whose missing attributes are imported as submodules (``nslib.plots.rl``)."""

    def __init__(self, module: types.ModuleType):
        self._module = module

    def __getattr__(self, name: str):
        try:
            value = getattr(self._module, name)
        except AttributeError:
            try:
                value = importlib.import_module(f"{self._module.__name__}.{name}")
            except ModuleNotFoundError:
                raise AttributeError(f"module {self._module.__name__!r} has no attribute {name!r}") \
                    from None
        return _Module(value) if isinstance(value, types.ModuleType) else value

    def __repr__(self) -> str:
        return repr(self._module)


def evaluate(expression: str):
    """Evaluate a Python expression; its free names that are importable modules are imported."""
    tree = ast.parse(expression.strip(), mode="eval")
    namespace: dict = {}
    for name in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}:
        if hasattr(builtins, name):
            continue
        try:
            namespace[name] = _Module(importlib.import_module(name))
        except ImportError:
            pass  # eval reports the NameError
    return eval(compile(tree, "<eval>", "eval"), namespace)  # noqa: S307 -- the book's own source


def kernel_values(document) -> list[list[str]] | None:
    """The page's ``{eval}`` values computed in its own kernel by ``tools/book_cache.py``.

    None when the page has none (a page that is not executed, such as the landing page): its
    expressions are then evaluated here. A page that was executed but whose values are missing
    or older than its source is an error, so that prose never shows stale numbers.
    """
    env = getattr(document.settings, "env", None)
    if env is None:
        return None
    kept = Path(env.srcdir) / EVALS_DIR / f"{env.docname}.json"
    if not kept.exists():
        return None
    cached = getattr(document, "_nslib_eval_values", None)
    if cached is None:
        record = json.loads(kept.read_text(encoding="utf-8"))
        source = Path(env.doc2path(env.docname))
        if record.get("source_sha256") != hashlib.sha256(source.read_bytes()).hexdigest():
            raise ValueError(f"the values in {kept} are older than {source.name}: run "
                             "`make book` (or tools/book_cache.py --execute --page ...) again")
        cached = document._nslib_eval_values = record["values"]
        document._nslib_eval_seen = {}
    return cached


def _value_from_kernel(document, values: list[list[str]], expression: str) -> str:
    """The n-th value of ``expression`` on this page (the same expression may appear twice)."""
    seen = document._nslib_eval_seen
    occurrence = seen.get(expression, 0)
    seen[expression] = occurrence + 1
    matches = [shown for kept, shown in values if kept == expression]
    if occurrence >= len(matches):
        raise ValueError("the page's executed values do not include it: run `make book` "
                         "(or tools/book_cache.py --execute --page ...) again")
    return matches[occurrence]


def eval_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{eval}`expression```: in an executed chapter, the value the chapter's kernel computed
    at that point of the page (``tools/book_cache.py``); on other pages, evaluated here."""
    document = inliner.document
    try:
        values = kernel_values(document)
        if values is not None:
            shown = _value_from_kernel(document, values, text)
        else:
            value = evaluate(text)
            # As jupyterlab-myst shows it: a string without its quotes, anything else as its repr.
            shown = value if isinstance(value, str) else repr(value)
    except Exception as exc:  # any error of the expression is the author's to see
        message = inliner.reporter.warning(
            f"{{eval}}`{text}` failed while building the book: {type(exc).__name__}: {exc}",
            line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.inline(rawtext, shown, classes=["nslib-eval"])], []


def setup(app):
    # myst-nb registers an `eval` role that needs a kernel running while the page is read
    # (nb_execution_mode: inline); the book executes with a cache, so evaluate here instead.
    app.add_role("eval", eval_role, override=True)
