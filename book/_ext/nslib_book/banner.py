"""A banner under every chapter's title, and the nslib version in every page's footer.

Every page under ``chapters/`` gets, with no edit to the chapter: the nslib version, the chapter's
Voila dashboard on Binder (when the chapter tags cells ``dashboard``; ``tools/dashboards.py``, the
one place that decides which chapter has a dashboard, imported as a module) and its exercise.
A banner is built from other pages and from nslib: it is read again when they change
(:mod:`.staleness`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from docutils import nodes

from . import staleness
from .common import CHAPTER_DOC, ROOT, doc_link, nslib_version
from .repository import binder_url


@functools.cache
def dashboards():
    """``tools/dashboards.py``, imported as the module ``tools.dashboards`` (.common put the
    repository root on sys.path)."""
    from tools import dashboards

    if Path(dashboards.__file__).resolve() != ROOT / "tools" / "dashboards.py":
        raise ImportError(f"`tools` is not the repository's tools folder: {dashboards.__file__}")
    return dashboards

KIND = "chapter-banner"


def _add_version(app, config):
    note = f"Models from <code>nslib</code> {nslib_version()}."
    options = dict(config.html_theme_options or {})
    footer = options.get("extra_footer", "")
    options["extra_footer"] = f"{footer} <p>{note}</p>" if footer else f"<p>{note}</p>"
    config.html_theme_options = options


def _exercise_doc(env, number: str) -> str | None:
    found = sorted(doc for doc in env.found_docs
                   if re.match(rf"^exercises/release/ch{number}_[^/]+/ch{number}_[^/]+$", doc))
    return found[0] if found else None


def chapter_links(app, env, docname: str) -> dict:
    """What the chapter's banner links to; also the signature that tells when it is stale."""
    number = CHAPTER_DOC.match(docname).group(1)
    source = Path(env.doc2path(docname))
    dashboard = None
    if source.suffix == ".md" and dashboards().has_dashboard(source):
        dashboard = binder_url(app.config, f"voila/render/dashboards/{source.stem}.ipynb")
    return {"exercise": _exercise_doc(env, number), "dashboard": dashboard, "version": nslib_version()}


def add_chapter_banner(app, doctree):
    docname = app.env.docname
    if not CHAPTER_DOC.match(docname):
        return
    links = chapter_links(app, app.env, docname)
    staleness.record(app.env, docname, KIND, links)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    items = []
    version = nodes.inline(classes=["nslib-version"])
    version += nodes.Text("Models from ")
    version += nodes.literal("nslib", "nslib")
    version += nodes.Text(f" {links['version']}")
    items.append(version)
    if links["dashboard"]:
        dashboard = nodes.inline()
        dashboard += nodes.reference("", "Dashboard", refuri=links["dashboard"],
                                     classes=["nslib-dashboard-link"])
        dashboard += nodes.Text(": the interactive demos, live, in Voila on Binder")
        items.append(dashboard)
    if links["exercise"]:
        exercise = nodes.inline()
        exercise += nodes.Text("Exercises: ")
        exercise += doc_link(docname, links["exercise"])
        items.append(exercise)
    para = nodes.paragraph()
    for i, item in enumerate(items):
        if i:
            para += nodes.Text(" · ")
        para += item
    banner = nodes.container("", para, classes=["nslib-chapter-banner"])
    section.insert(1, banner)


def setup(app):
    app.connect("config-inited", _add_version)
    app.connect("doctree-read", add_chapter_banner)
    staleness.register(KIND, chapter_links)
