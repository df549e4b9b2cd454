"""Staleness: pages whose content depends on other pages or on nslib are read again when those change.

A chapter's banner depends on its exercise page, its dashboard and the nslib version; the chapter
map depends on every chapter. Sphinx re-reads a page only when its own source changes, so each
part that builds such content registers a *signature* (what the page's content was built from)
with :func:`register`, and records the signature it used with :func:`record` while the page is
read. Before each build, a page whose recorded signature differs from today's is read again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# kind -> (signature(app, env, docname), stale_when(changed docnames) -> bool or None)
_KINDS: dict[str, tuple[Callable, Callable[[Iterable[str]], bool] | None]] = {}


def register(kind: str, signature: Callable, *, stale_when: Callable | None = None) -> None:
    """``signature(app, env, docname)``: what a page of this kind is built from (comparable);
    ``stale_when(changed)``: whether the pages of this kind are stale anyway when the pages
    ``changed`` (added, changed or removed docnames) are read again."""
    _KINDS[kind] = (signature, stale_when)


def record(env, docname: str, kind: str, signature) -> None:
    """The page ``docname`` (of ``kind``) was built from ``signature``."""
    env.nslib_book_deps[docname] = (kind, signature)


def _init_deps(app, env, docnames):
    if not hasattr(env, "nslib_book_deps"):
        env.nslib_book_deps = {}
    for doc in docnames:
        env.nslib_book_deps.pop(doc, None)


def _outdated(app, env, added, changed, removed):
    stale = []
    read_again = (*added, *changed, *removed)
    for doc, seen in list(getattr(env, "nslib_book_deps", {}).items()):
        if doc not in env.found_docs:
            continue
        kind, signature = seen if isinstance(seen, tuple) and len(seen) == 2 else (None, None)
        if kind not in _KINDS:
            stale.append(doc)
            continue
        now, stale_when = _KINDS[kind]
        if (stale_when is not None and stale_when(read_again)) or now(app, env, doc) != signature:
            stale.append(doc)
    return stale


def _purge(app, env, docname):
    getattr(env, "nslib_book_deps", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    if not hasattr(env, "nslib_book_deps"):
        env.nslib_book_deps = {}
    env.nslib_book_deps.update({d: other.nslib_book_deps[d] for d in docnames
                                if d in getattr(other, "nslib_book_deps", {})})


def setup(app):
    app.connect("env-before-read-docs", _init_deps)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
