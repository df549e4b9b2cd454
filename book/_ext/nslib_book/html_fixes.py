"""Markup fixes, for a book with no console error and no serious accessibility violation.

* **The citation list's ARIA roles.** docutils writes ``role="list"`` around ``doc-biblioentry``
  items, which axe-core reports as critical; plain list items are valid ARIA.
* **Inline scripts registered twice.** Sphinx 7.4's ``prepare_writing`` re-adds the registry's
  scripts with ``""`` as file name, while ``app.add_js_file`` had added those registered after the
  builder started (sphinx-thebe's, at ``env-before-read-docs``) with ``None``; the two compare
  unequal, so the page declared ``const THEBE_JS_URL`` twice, a SyntaxError.
* **The root index.html**, a redirect to the book's first page with the book's icon (the one
  sphinx-external-toc writes has none: a browser then asks for /favicon.ico, a 404 in the console).
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes


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


def dedupe_scripts(app, pagename, templatename, context, doctree):
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


def write_root_redirect(app, exception):
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


def setup(app):
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("build-finished", write_root_redirect, priority=400)
