"""What the parts of the extension share: where the repository is, which pages are chapters, a
link to a page, the nslib version."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

ROOT = Path(__file__).resolve().parents[3]
# The repository root on sys.path, once, so that its tools import as modules (`from tools import
# dashboards`); nslib is installed (editable) anyway.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHAPTER_DOC = re.compile(r"^chapters/(\d\d)_[A-Za-z0-9_]+$")


def nslib_version() -> str:
    import nslib

    return nslib.__version__


def chapter_docs(env) -> dict[str, str]:
    """Chapter number ("02") -> docname, for every chapter the book has."""
    chapters = {}
    for doc in sorted(env.found_docs):
        match = CHAPTER_DOC.match(doc)
        if match:
            chapters.setdefault(match.group(1), doc)
    return chapters


def doc_link(fromdoc: str, todoc: str):
    """An internal link to a document, with its title as the text, resolved (and checked) by
    Sphinx when the pages are written: the target may not have been read yet."""
    xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + todoc,
                                 refexplicit=False, refwarn=True, refdoc=fromdoc)
    xref += nodes.inline(todoc, todoc)
    return xref
