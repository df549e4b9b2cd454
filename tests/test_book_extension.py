"""book/_ext/nslib_book (the package) on a small fixture book (Sphinx + myst-nb + the book theme,
no execution): the {eval} role, the chapter banner, the chapter map (a figure picked by its name)
and its staleness, links to the repository from its URL, the citation list's roles, the inline
scripts Sphinx 7.4 would add twice and the book's own scripts served from book/_ext/js."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import nslib

ROOT = Path(__file__).resolve().parent.parent

CONF = f"""\
import sys
sys.path.insert(0, {str(ROOT / "book" / "_ext")!r})
extensions = ["myst_nb", "sphinx_thebe", "nslib_book"]
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
html_theme = "sphinx_book_theme"
html_theme_options = {{
    "repository_url": "https://github.com/example-org/example-course",
    "repository_branch": "trunk",
    "launch_buttons": {{"binderhub_url": "https://binder.example.org"}},
}}
thebe_config = {{}}
suppress_warnings = ["mystnb.unknown_mime_type"]
"""

INDEX = """\
# Fixture book

Built with nslib {eval}`__import__("nslib").__version__`, also {eval}`nslib.__version__`;
a submodule's attribute: {eval}`nslib.sweeps.MODES[0]`.
The source of [`nslib.rl`](repotree:nslib/rl) and of [its TD model](repo:nslib/rl/conditioning.py).

:::{chapter-map}
- number: 0
  title: Zero
  summary: The first chapter.
  figure: fig-chapter-0
- number: 1
  title: One, not written yet
  summary: The second chapter.
:::

```{toctree}
:glob:
chapters/*
exercises/release/*/*
refs
```
"""

CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {number}. Chapter {number}

![An earlier figure of chapter {number}, not the one the map shows.](early.png)

(fig-chapter-{number})=
![A figure of chapter {number} with enough words to describe it.](fig.png)

```{{code-cell}} ipython3
:tags: [{tags}]
print("demo")
```
"""

REFS = """\
References
==========

As shown before [CIT2002]_ and [CIT2003]_.

.. [CIT2002] A first citation.
.. [CIT2003] A second citation.
"""


def _png(path: Path, slope: float = 1.0) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1], [0, slope])
    fig.savefig(path)


def _build(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(src),
                           str(src / "_build" / "html"), "-d", str(src / "_build" / "doctrees")],
                          capture_output=True, text=True, timeout=600)


def _chapter(src: Path, number: int, tags: str) -> None:
    (src / "chapters" / f"{number:02d}_topic.md").write_text(CHAPTER.format(number=number, tags=tags))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    src = tmp_path_factory.mktemp("fixture_book")
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text(INDEX)
    (src / "refs.rst").write_text(REFS)
    (src / "chapters").mkdir()
    _png(src / "chapters" / "fig.png")
    _png(src / "chapters" / "early.png", slope=-1.0)
    _chapter(src, 0, "dashboard")
    exercise = src / "exercises" / "release" / "ch00_topic"
    exercise.mkdir(parents=True)
    (exercise / "ch00_topic.md").write_text("# Chapter 0 exercises\n\nWork.\n")
    first = _build(src)
    return src, first


def _html(src: Path, page: str) -> str:
    return (src / "_build" / "html" / page).read_text(encoding="utf-8")


def test_fixture_book_builds_without_warnings(book):
    src, first = book
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip() == "", first.stderr


def test_eval_role_renders_its_value_at_build_time(book):
    src, _ = book
    text = _html(src, "index.html")
    assert text.count(f'<span class="nslib-eval">{nslib.__version__}</span>') == 2
    assert '<span class="nslib-eval">live</span>' in text
    assert "{eval}" not in text


def test_a_failing_eval_is_a_build_warning(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.md").write_text("# Page\n\n{eval}`no_such_name + 1`\n")
    result = _build(tmp_path)
    assert "{eval}`no_such_name + 1` failed while building the book: NameError" in result.stderr


def test_chapter_banner_links_version_dashboard_and_exercise(book):
    src, _ = book
    text = _html(src, "chapters/00_topic.html")
    banner = re.search(r'<div class="nslib-chapter-banner[^"]*">(.*?)</div>', text, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", "", banner).split())
    assert words == (f"Models from nslib {nslib.__version__} · Dashboard: the interactive demos, "
                     "live, in Voila on Binder · Exercises: Chapter 0 exercises")
    assert ('href="https://binder.example.org/v2/gh/example-org/example-course/trunk'
            '?urlpath=voila/render/dashboards/00_topic.ipynb"') in banner
    assert 'href="../exercises/release/ch00_topic/ch00_topic.html"' in banner


def test_chapter_map_links_existing_chapters_with_their_named_figure_and_lists_planned_ones(book):
    src, _ = book
    text = _html(src, "index.html")
    cards = re.findall(r'<div class="nslib-chapter-card([^"]*)">(.*?)</div>', text, re.S)
    assert len(cards) == 2
    (classes0, card0), (classes1, card1) = cards
    assert "planned" not in classes0 and 'href="chapters/00_topic.html"' in card0
    # The figure labelled (fig-chapter-0)=, not the chapter's first figure.
    assert 'alt="A figure of chapter 0 with enough words to describe it."' in card0
    assert re.search(r'src="_images/fig\.png"', card0) and "early" not in card0
    assert "planned" in classes1 and "1. One, not written yet (planned)" in re.sub(r"<[^>]+>", "", card1)


def test_chapter_map_warns_about_a_figure_name_the_chapter_does_not_have(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "chapters").mkdir()
    _png(tmp_path / "chapters" / "fig.png")
    _png(tmp_path / "chapters" / "early.png", slope=-1.0)
    _chapter(tmp_path, 0, "other")
    (tmp_path / "index.md").write_text(
        "# Book\n\n:::{chapter-map}\n- number: 0\n  title: Zero\n  figure: a figure of chapter 0\n:::\n\n"
        "```{toctree}\n:glob:\nchapters/*\n```\n")
    result = _build(tmp_path)
    # Words of the alt text are not a name: alt text is free to change.
    assert "chapter-map: chapters/00_topic has no figure named 'a figure of chapter 0'" in result.stderr


def test_repository_links_come_from_the_repository_url(book):
    src, _ = book
    text = _html(src, "index.html")
    base = "https://github.com/example-org/example-course"
    assert f'href="{base}/tree/trunk/nslib/rl"><code' in text
    assert f'href="{base}/blob/trunk/nslib/rl/conditioning.py">its TD model</a>' in text
    assert 'href="repo:' not in text and 'href="repotree:' not in text


def test_extension_is_one_module_per_idea_and_imports_the_dashboards_tool_as_a_module():
    import importlib

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        package = importlib.import_module("nslib_book")
        banner = importlib.import_module("nslib_book.banner")
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    assert {"banner", "chapter_map", "evals", "html_fixes", "repository", "scripts", "staleness"} <= {
        p.stem for p in Path(package.__file__).parent.glob("*.py")}
    dashboards = banner.dashboards()
    assert dashboards.__name__ == "tools.dashboards"
    assert Path(dashboards.__file__) == ROOT / "tools" / "dashboards.py"
    sources = "".join(p.read_text() for p in Path(package.__file__).parent.glob("*.py"))
    assert "spec_from_file_location" not in sources


def test_the_books_own_scripts_are_served_from_their_sources(book):
    # Stored once, in book/_ext/js; the extension puts them at the URLs the pages load
    # (nb_ipywidgets_js in _config.yml), beside the vendored packages they adapt.
    src, _ = book
    static = src / "_build" / "html" / "_static"
    urls = ("requirejs/config.js", "html-manager/nslib-widgets.js")
    served = {url: (static / url).read_bytes() for url in urls}
    js = ROOT / "book" / "_ext" / "js"
    assert served == {"requirejs/config.js": (js / "requirejs-config.js").read_bytes(),
                      "html-manager/nslib-widgets.js": (js / "nslib-widgets.js").read_bytes()}


def test_citation_list_has_list_items(book):
    src, _ = book
    text = _html(src, "refs.html")
    assert '<div role="list" class="citation-list">' in text
    assert len(re.findall(r'<div class="citation" id="[^"]+" role="listitem">', text)) == 2
    assert "doc-biblioentry" not in text


def test_inline_scripts_are_on_the_page_once(book):
    src, _ = book
    assert _html(src, "index.html").count("const THEBE_JS_URL") == 1


def test_a_new_chapter_appears_in_the_map_without_editing_it(book):
    src, _ = book
    _chapter(src, 1, "other")  # no dashboard: the banner has no dashboard link
    again = _build(src)
    assert again.returncode == 0 and again.stderr.strip() == "", again.stderr
    cards = re.findall(r'<div class="nslib-chapter-card([^"]*)">(.*?)</div>', _html(src, "index.html"), re.S)
    assert [("planned" in c, 'href="chapters/01_topic.html"' in b) for c, b in cards][1] == (False, True)
    banner = _html(src, "chapters/01_topic.html")
    assert "voila/render" not in banner and "Models from" in banner


KERNEL_PAGE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{code-cell} ipython3
rate = 12.5
```

The rate is {eval}`f"{rate:.1f}"` Hz, and again {eval}`f"{rate:.1f}"` Hz; then {eval}`rate * 2`.
"""


def _kernel_book(tmp_path: Path, values, source: str = KERNEL_PAGE) -> Path:
    import hashlib
    import json

    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.md").write_text("# Book\n\n```{toctree}\nchapter\n```\n")
    page = tmp_path / "chapter.md"
    page.write_text(KERNEL_PAGE)
    kept = tmp_path / "_build" / ".evals" / "chapter.json"
    kept.parent.mkdir(parents=True)
    kept.write_text(json.dumps({"source_sha256": hashlib.sha256(page.read_bytes()).hexdigest(),
                                "values": values}))
    page.write_text(source)
    return tmp_path


def test_eval_in_an_executed_page_shows_the_kernel_values_in_order(tmp_path):
    # Values the chapter's kernel computed (tools/book_cache.py): not re-evaluated here, where
    # `rate` does not exist; the second occurrence of an expression takes the second value.
    src = _kernel_book(tmp_path, [['f"{rate:.1f}"', "12.5"], ['f"{rate:.1f}"', "13.0"],
                                  ["rate * 2", "25.0"]])
    result = _build(src)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    text = _html(src, "chapter.html")
    shown = re.findall(r'<span class="nslib-eval">([^<]*)</span>', text)
    assert shown == ["12.5", "13.0", "25.0"]


def test_eval_values_older_than_the_page_are_a_build_warning(tmp_path):
    src = _kernel_book(tmp_path, [['f"{rate:.1f}"', "12.5"]] * 2 + [["rate * 2", "25.0"]],
                       source=KERNEL_PAGE.replace("again", "once more"))
    result = _build(src)
    assert "are older than chapter.md: run `make book`" in result.stderr, result.stderr


def test_an_eval_the_kernel_did_not_compute_is_a_build_warning(tmp_path):
    src = _kernel_book(tmp_path, [['f"{rate:.1f}"', "12.5"]])
    result = _build(src)
    assert "`rate * 2` failed while building the book" in result.stderr
    assert "do not include it" in result.stderr
