"""Sphinx extension of the course book (``_config.yml``: ``sphinx.local_extensions``).

What it adds:

* **The nslib version** in every page's footer, and the inline role ``{eval}`expression```.
  In an executed chapter the expression is evaluated in the chapter's own kernel, right after
  the code cells above it ran (``tools/book_cache.py`` keeps the values in ``_build/.evals/``),
  so a number in the prose is the number the code computed. jupyterlab-myst evaluates the same
  role in the reader's kernel as the reader runs the notebook, so one source renders in both
  places, where ``{{ }}`` substitutions render only in the book. On a page that is not executed
  (the landing page) the expression is evaluated while the book builds, in this process (the
  book's own sources are trusted); names in it that are importable modules are imported.
* **A banner under every chapter's title** (every page under ``chapters/``, with no edit to the
  chapter): the nslib version, the chapter's Voila dashboard on Binder (when the chapter tags
  cells ``dashboard``; see ``tools/dashboards.py``) and its exercise.
* **The chapter map** of the landing page, ``{chapter-map}``: one card per chapter, with one of
  the chapter's own figures (drawn from nslib while the book builds, with its alt text); a chapter
  not in the book yet is listed as planned, and linked as soon as its page exists.
* **Markup fixes** for a book with no console error and no serious accessibility violation:
  the citation list's ARIA roles (docutils writes ``role="list"`` around ``doc-biblioentry``
  items, which axe-core reports as critical) and inline scripts registered twice. Sphinx 7.4's
  ``prepare_writing`` re-adds the registry's scripts with ``""`` as file name, while
  ``app.add_js_file`` had added those registered after the builder started (sphinx-thebe's, at
  ``env-before-read-docs``) with ``None``; the two compare unequal, so the page declared
  ``const THEBE_JS_URL`` twice, a SyntaxError.
"""

from __future__ import annotations

import ast
import builtins
import html
import importlib
import importlib.util
import json
import re
import sys
import types
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parent / "static"
CHAPTERS = "chapters/"
CHAPTER_DOC = re.compile(r"^chapters/(\d\d)_[A-Za-z0-9_]+$")


# ---------------------------------------------------------------------------------------------
# Build-time evaluation: the {eval} role and the chapter map's figures.


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


EVALS_DIR = Path("_build") / ".evals"


def _kernel_values(document) -> list[list[str]] | None:
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
        import hashlib

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
        values = _kernel_values(document)
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


# ---------------------------------------------------------------------------------------------
# The nslib version.


def _nslib_version() -> str:
    import nslib

    return nslib.__version__


def _add_version(app, config):
    note = f"Models from <code>nslib</code> {_nslib_version()}."
    options = dict(config.html_theme_options or {})
    footer = options.get("extra_footer", "")
    options["extra_footer"] = f"{footer} <p>{note}</p>" if footer else f"<p>{note}</p>"
    config.html_theme_options = options


# ---------------------------------------------------------------------------------------------
# Links: Binder, dashboards, exercises.


def _dashboards_tool():
    """tools/dashboards.py, the one place that decides which chapter has a dashboard."""
    module = sys.modules.get("nslib_tools_dashboards")
    if module is None:
        spec = importlib.util.spec_from_file_location("nslib_tools_dashboards",
                                                      ROOT / "tools" / "dashboards.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def binder_url(config, urlpath: str) -> str | None:
    """The Binder URL that opens ``urlpath`` (e.g. ``voila/render/dashboards/x.ipynb``), as the
    theme's launch buttons build theirs; None when the book has no repository or BinderHub."""
    options = config.html_theme_options or {}
    binderhub = (options.get("launch_buttons") or {}).get("binderhub_url", "").strip("/")
    match = re.match(r"^https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$",
                     options.get("repository_url", "") or "")
    if not binderhub or not match:
        return None
    branch = options.get("repository_branch") or "main"
    return f"{binderhub}/v2/gh/{match.group(1)}/{match.group(2)}/{branch}?urlpath={urlpath}"


def _exercise_doc(env, number: str) -> str | None:
    found = sorted(doc for doc in env.found_docs
                   if re.match(rf"^exercises/release/ch{number}_[^/]+/ch{number}_[^/]+$", doc))
    return found[0] if found else None


def _chapter_links(app, docname: str) -> dict:
    """What the chapter's banner links to; also the signature that tells when it is stale."""
    number = CHAPTER_DOC.match(docname).group(1)
    source = Path(app.env.doc2path(docname))
    dashboard = None
    if source.suffix == ".md" and _dashboards_tool().has_dashboard(source):
        dashboard = binder_url(app.config, f"voila/render/dashboards/{source.stem}.ipynb")
    return {"exercise": _exercise_doc(app.env, number), "dashboard": dashboard,
            "version": _nslib_version()}


def _doc_link(fromdoc: str, todoc: str):
    """An internal link to a document, with its title as the text, resolved (and checked) by
    Sphinx when the pages are written: the target may not have been read yet."""
    xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + todoc,
                                 refexplicit=False, refwarn=True, refdoc=fromdoc)
    xref += nodes.inline(todoc, todoc)
    return xref


def add_chapter_banner(app, doctree):
    docname = app.env.docname
    if not CHAPTER_DOC.match(docname):
        return
    links = _chapter_links(app, docname)
    app.env.nslib_book_deps[docname] = links
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
        exercise += _doc_link(docname, links["exercise"])
        items.append(exercise)
    para = nodes.paragraph()
    for i, item in enumerate(items):
        if i:
            para += nodes.Text(" · ")
        para += item
    banner = nodes.container("", para, classes=["nslib-chapter-banner"])
    section.insert(1, banner)


# ---------------------------------------------------------------------------------------------
# The chapter map.


def _chapter_docs(env) -> dict[str, str]:
    """Chapter number ("02") -> docname, for every chapter the book has."""
    chapters = {}
    for doc in sorted(env.found_docs):
        match = CHAPTER_DOC.match(doc)
        if match:
            chapters.setdefault(match.group(1), doc)
    return chapters


class chapter_figure(nodes.General, nodes.Element):
    """Stands for the n-th figure of a chapter until every chapter has been read."""


class ChapterMap(Directive):
    """``{chapter-map}``: YAML content, a list of chapters, each a mapping with

    ``number`` (int), ``title`` (used while the chapter does not exist), ``summary`` (one line)
    and ``figure``, which of the chapter's own figures the card shows: words from its alt text
    (the first figure whose alt text contains them, ignoring case; this survives revisions that
    add figures) or its rank (1, the default, is the first figure with alt text). The chapter drew
    it from nslib while the book built, and its alt text comes along. A chapter whose page
    (``chapters/NN_*``) exists is linked and shows its figure; the others are listed as planned.
    A new chapter needs no edit here to appear.
    """

    has_content = True

    def run(self):
        env = self.state.document.settings.env
        try:
            entries = yaml.safe_load("\n".join(self.content)) or []
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                raise ValueError("the content must be a YAML list of mappings")
        except (yaml.YAMLError, ValueError) as exc:
            return [self.state.document.reporter.warning(f"chapter-map: {exc}", line=self.lineno)]
        chapters = _chapter_docs(env)
        env.nslib_book_deps[env.docname] = {"chapters": chapters}
        cards = nodes.container(classes=["nslib-chapter-map"])
        problems = []
        for entry in entries:
            number = f"{int(entry['number']):02d}"
            doc = chapters.get(number)
            card = nodes.container(classes=["nslib-chapter-card"] + ([] if doc else ["planned"]))
            heading = nodes.paragraph(classes=["nslib-chapter-card-title"])
            if doc:
                heading += _doc_link(env.docname, doc)
                figure = entry.get("figure", 1)
                if (isinstance(figure, int) and not isinstance(figure, bool) and figure >= 1) or \
                        (isinstance(figure, str) and figure.strip()):
                    card += chapter_figure(chapter=doc, select=figure, line=self.lineno)
                else:
                    problems.append(self.state.document.reporter.warning(
                        f"chapter-map: the figure of chapter {int(number)} must be words of its alt "
                        f"text or its rank (1 is the first); got {figure!r}", line=self.lineno))
            else:
                heading += nodes.Text(f"{int(number)}. {entry.get('title', '')}")
                heading += nodes.emphasis(" (planned)", " (planned)")
            card.insert(0, heading)
            if entry.get("summary"):
                card += nodes.paragraph(text=str(entry["summary"]))
            cards += card
        return [cards, *problems]


def resolve_chapter_figures(app, doctree, docname):
    """Replace each chapter_figure by a copy of that chapter's figure (its image and alt text):
    every chapter has been read and executed by now, and its images are in the environment."""
    for node in list(doctree.findall(chapter_figure)):
        chapter, select = node["chapter"], node["select"]
        images = [img for img in app.env.get_doctree(chapter).findall(nodes.image)
                  if img.get("alt", "").strip()]
        if isinstance(select, int):
            chosen = images[select - 1] if len(images) >= select else None
        else:
            chosen = next((img for img in images if select.lower() in img["alt"].lower()), None)
        if chosen is None:
            logger.warning(f"chapter-map: {chapter} has no figure {select!r} "
                           f"({len(images)} figures with alt text)", location=(docname, node["line"]))
            node.parent.remove(node)
            continue
        image = chosen
        copy = nodes.image(uri=image["uri"], alt=image["alt"], classes=["nslib-chapter-figure"])
        if "candidates" in image:
            copy["candidates"] = dict(image["candidates"])
        node.replace_self(copy)


# ---------------------------------------------------------------------------------------------
# Staleness: banners and the map depend on other pages (exercises, chapters) and on nslib.


def _init_deps(app, env, docnames):
    if not hasattr(env, "nslib_book_deps"):
        env.nslib_book_deps = {}
    for doc in docnames:
        env.nslib_book_deps.pop(doc, None)


def _outdated(app, env, added, changed, removed):
    stale = []
    chapters_read = any(CHAPTER_DOC.match(doc) for doc in (*added, *changed, *removed))
    for doc, seen in list(getattr(env, "nslib_book_deps", {}).items()):
        if doc not in env.found_docs:
            continue
        if "chapters" in seen:
            # The map shows the chapters' own figures: re-read it whenever a chapter changes.
            if chapters_read or {"chapters": _chapter_docs(env)} != seen:
                stale.append(doc)
        elif _chapter_links(app, doc) != seen:
            stale.append(doc)
    return stale


def _purge(app, env, docname):
    getattr(env, "nslib_book_deps", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.nslib_book_deps.update({d: other.nslib_book_deps[d] for d in docnames
                                if d in getattr(other, "nslib_book_deps", {})})


# ---------------------------------------------------------------------------------------------
# Markup fixes.


def visit_citation(self, node):
    # docutils writes role="doc-biblioentry" items in a role="list" element; a list must own
    # list items, so axe-core reports a critical violation. Plain list items are valid ARIA.
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop inline scripts that are on the page twice (see the module docstring)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()
                                  if k != "priority"))
        key = (filename, attributes)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>{title}</title>
{icon}<meta http-equiv="Refresh" content="0; url={target}" />
</head>
<body><p><a href="{target}">{title}</a></p></body>
</html>
"""


def _write_root_redirect(app, exception):
    """The root index.html: a redirect to the book's first page, with the book's icon.

    sphinx-external-toc writes a bare ``<meta http-equiv="Refresh">`` when no index.html exists;
    a browser opening it asks for /favicon.ico, a 404 in the console. Written first, this one
    stands (external-toc keeps an existing index.html).
    """
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    favicon = app.config.html_favicon
    icon = (f'<link rel="icon" href="_static/{Path(favicon).name}" />\n'
            if favicon and "://" not in favicon else "")
    target = f"{app.config.root_doc}.html"
    title = html.escape(app.config.html_title or app.config.project or "")
    (Path(app.outdir) / "index.html").write_text(
        REDIRECT.format(title=title, icon=icon, target=target), encoding="utf-8")


def _add_static(app):
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("nslib-book.css")


REPOSITORY_SCHEME = "repo"


def add_repository_scheme(app, config):
    """Markdown links ``[text](repo:path/in/the/repository)`` point to ``repository.url``.

    A MyST URL scheme (``myst_url_schemes``), built from the repository URL and branch that Jupyter
    Book passes to the theme: a fork that changes ``repository.url`` links to itself.
    """
    options = config.html_theme_options or {}
    url = (options.get("repository_url") or "").rstrip("/")
    if not url:
        return
    branch = options.get("repository_branch") or "main"
    schemes = config.myst_url_schemes
    schemes = {s: None for s in schemes} if isinstance(schemes, (list, tuple)) else dict(schemes or {})
    schemes[REPOSITORY_SCHEME] = {"url": f"{url}/blob/{branch}/{{{{path}}}}",
                                  "classes": ["nslib-repository-link"]}
    config.myst_url_schemes = schemes


def setup(app):
    app.connect("config-inited", _add_version)
    app.connect("config-inited", add_repository_scheme)
    app.connect("builder-inited", _add_static)
    # myst-nb registers an `eval` role that needs a kernel running while the page is read
    # (nb_execution_mode: inline); the book executes with a cache, so evaluate here instead.
    app.add_role("eval", eval_role, override=True)
    app.add_directive("chapter-map", ChapterMap)
    app.add_node(chapter_figure)
    app.connect("doctree-resolved", resolve_chapter_figures)
    app.connect("env-before-read-docs", _init_deps)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", add_chapter_banner)
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _write_root_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
