"""Sphinx extension of the course book (``_config.yml``: ``sphinx.local_extensions``, ``nslib_book``
in ``book/_ext``). One module per idea; :func:`setup` registers them all:

* :mod:`.evals` -- the inline role ``{eval}`expression```: a number in the prose is the value the
  chapter's kernel computed (kept by ``tools/book_cache.py``), refused when older than the page;
* :mod:`.banner` -- a banner under every chapter's title (nslib version, the chapter's Voila
  dashboard on Binder, its exercises) and the nslib version in every page's footer;
* :mod:`.chapter_map` -- ``{chapter-map}`` on the landing page: a card per chapter with one of its
  figures, picked by a **name**: a MyST label ``(fig-name)=`` on the line above the cell that draws
  it, and ``figure: fig-name`` in the map;
* :mod:`.repository` -- links to the repository from ``repository.url``: Markdown links
  ``[text](repo:path/in/the/repository)``, and the Binder links;
* :mod:`.staleness` -- pages built from other pages or from nslib (banners, the map) are read
  again when those change;
* :mod:`.html_fixes` -- the citation list's ARIA roles, inline scripts registered twice, the root
  redirect with the book's icon;
* :mod:`.scripts` -- the book's own browser scripts (``book/_ext/js``), put in the output at the
  URLs the pages load them from, beside the vendored packages they adapt.

Their shared helpers are in :mod:`.common`, which also puts the repository root on ``sys.path``
once, so that ``tools/dashboards.py`` is imported as a module (``from tools import dashboards``).
"""

from __future__ import annotations

from pathlib import Path

from . import banner, chapter_map, evals, html_fixes, repository, scripts, staleness
from .chapter_map import chapter_figure  # doctrees pickled by earlier builds name it here
from .evals import evaluate

__all__ = ["chapter_figure", "evaluate", "setup"]

STATIC = Path(__file__).resolve().parent.parent / "static"


def _add_static(app):
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("nslib-book.css")


def setup(app):
    app.connect("builder-inited", _add_static)
    for part in (evals, banner, chapter_map, repository, staleness, html_fixes, scripts):
        part.setup(app)
    # env_version 2: the record of what banners and the map were built from changed form.
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
