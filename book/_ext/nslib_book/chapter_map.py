"""The chapter map of the landing page, ``{chapter-map}``: one card per chapter, with one of the
chapter's own figures (drawn from nslib while the book builds, with its alt text).

The figure is picked by a **name**, never by the words of its alt text (which authors must be free
to rewrite). In the chapter, name the figure with a MyST label on the line right above the code
cell that draws it::

    (fig-lif-fi-curve)=
    ```{code-cell} ipython3
    ---
    mystnb:
      image:
        alt: f-I curve of a LIF neuron ...
    ---
    ...
    ```

and give the map that name (``figure: fig-lif-fi-curve``). The label sits in the Markdown, not in
the code cell's metadata, so naming a figure does not change the cell's execution-cache key (the
chapter is not run again), and jupyterlab-myst shows nothing for it. It is an ordinary Sphinx label
(unique in the book, ``{ref}`` can link to it). A MyST-NB figure name (``mystnb: figure: name:``
in the cell's metadata) is found the same way. The card shows the first image with alt text inside
the named element: the cell's figure, its image and its alt text come along.

A chapter whose page (``chapters/NN_*``) exists is linked and shows its figure; the others are
listed as planned. A new chapter needs no edit here to appear. The map is read again whenever a
chapter is (:mod:`.staleness`).
"""

from __future__ import annotations

import yaml
from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.util import logging

from . import staleness
from .common import CHAPTER_DOC, chapter_docs, doc_link

logger = logging.getLogger(__name__)

KIND = "chapter-map"


class chapter_figure(nodes.General, nodes.Element):
    """Stands for a chapter's named figure until every chapter has been read."""


class ChapterMap(Directive):
    """``{chapter-map}``: YAML content, a list of chapters, each a mapping with

    ``number`` (int), ``title`` (used while the chapter does not exist), ``summary`` (one line)
    and ``figure``, the name of the chapter's figure the card shows (see the module docstring);
    without it, the card shows the chapter's first figure with alt text.
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
        chapters = chapter_docs(env)
        staleness.record(env, env.docname, KIND, chapters)
        cards = nodes.container(classes=["nslib-chapter-map"])
        problems = []
        for entry in entries:
            number = f"{int(entry['number']):02d}"
            doc = chapters.get(number)
            card = nodes.container(classes=["nslib-chapter-card"] + ([] if doc else ["planned"]))
            heading = nodes.paragraph(classes=["nslib-chapter-card-title"])
            if doc:
                heading += doc_link(env.docname, doc)
                name = entry.get("figure")
                if name is None or (isinstance(name, str) and name.strip()):
                    card += chapter_figure(chapter=doc, name=name and nodes.fully_normalize_name(name),
                                           line=self.lineno)
                else:
                    problems.append(self.state.document.reporter.warning(
                        f"chapter-map: the figure of chapter {int(number)} must be the name of one of "
                        f"its figures (a label above its cell); got {name!r}", line=self.lineno))
            else:
                heading += nodes.Text(f"{int(number)}. {entry.get('title', '')}")
                heading += nodes.emphasis(" (planned)", " (planned)")
            card.insert(0, heading)
            if entry.get("summary"):
                card += nodes.paragraph(text=str(entry["summary"]))
            cards += card
        return [cards, *problems]


def _images(element) -> list[nodes.image]:
    return [img for img in element.findall(nodes.image) if img.get("alt", "").strip()]


def named_figure(doctree, name: str | None) -> nodes.image | None:
    """The first image with alt text in the element named ``name`` (the whole page if None)."""
    if name is None:
        images = _images(doctree)
        return images[0] if images else None
    for element in doctree.findall(nodes.Element):
        if name in element.get("names", ()):
            images = _images(element)
            if images:
                return images[0]
    return None


def resolve_chapter_figures(app, doctree, docname):
    """Replace each chapter_figure by a copy of that chapter's named figure (its image and alt
    text): every chapter has been read and executed by now, and its images are in the environment."""
    for node in list(doctree.findall(chapter_figure)):
        chapter, name = node["chapter"], node["name"]
        chosen = named_figure(app.env.get_doctree(chapter), name)
        if chosen is None:
            what = f"no figure named {name!r}" if name else "no figure with alt text"
            logger.warning(f"chapter-map: {chapter} has {what} (name it with a label `({name or 'name'})=` "
                           "on the line above the cell that draws it)", location=(docname, node["line"]))
            node.parent.remove(node)
            continue
        copy = nodes.image(uri=chosen["uri"], alt=chosen["alt"], classes=["nslib-chapter-figure"])
        if "candidates" in chosen:
            copy["candidates"] = dict(chosen["candidates"])
        node.replace_self(copy)


def _chapters_now(app, env, docname):
    return chapter_docs(env)


def _chapter_read(docnames) -> bool:
    # The map shows the chapters' own figures: read it again whenever a chapter is.
    return any(CHAPTER_DOC.match(doc) for doc in docnames)


def setup(app):
    app.add_directive("chapter-map", ChapterMap)
    app.add_node(chapter_figure)
    app.connect("doctree-resolved", resolve_chapter_figures)
    staleness.register(KIND, _chapters_now, stale_when=_chapter_read)
