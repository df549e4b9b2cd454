"""The book's sources, checked without building it: includes, citations, bibliography, table of contents.

The book build (tests/test_book.py) finds these too, but only after minutes of executing
chapters; a renamed function or a reformatted line that a chapter includes fails here in
a second, with the chapter and line named.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
PAGES = [*CHAPTERS, ROOT / "book" / "intro.md", ROOT / "book" / "benchmarks.md"]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

_INCLUDE = re.compile(r"```\{literalinclude\}\s+(\S+)\n((?::[\w-]+:.*\n)*)")


def _includes():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _INCLUDE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            # MyST reads option values as YAML: a quoted value is unquoted.
            options = {k: str(yaml.safe_load(v)) if v.strip()[:1] in "\"'" else v.strip()
                       for k, v in re.findall(r":([\w-]+):\s*(.*)", match.group(2))}
            yield pytest.param(page, match.group(1), options, id=f"{page.name}:{line}")


@pytest.mark.parametrize("page, target, options", list(_includes()))
def test_every_literalinclude_resolves(page, target, options):
    path = (page.parent / target).resolve()
    assert path.is_file(), f"{page.name} includes a missing file {target}"
    source = path.read_text(encoding="utf-8")
    if "pyobject" in options:
        wanted = options["pyobject"].strip().split(".")
        body = ast.parse(source).body
        for name in wanted:
            found = [n for n in body if getattr(n, "name", None) == name]
            assert found, f"{page.name}: {target} has no {'.'.join(wanted)}"
            body = found[0].body
    start = options.get("start-at") or options.get("start-after")
    end = options.get("end-at") or options.get("end-before")
    if start:
        assert start in source, f"{page.name}: {target} no longer contains {start!r}"
    if end:
        position = source.index(start) if start else 0
        assert end in source[position:], f"{page.name}: {target} has no {end!r} after the start"


def _bib_entries():
    """Every entry of the book's BibTeX files, parsed by pybtex (what sphinxcontrib-bibtex uses):
    ``key -> (file, entry type, fields)``, field names in lower case."""
    from pybtex.database import parse_file

    entries = {}
    for bib in CONFIG["bibtex_bibfiles"]:
        # pybtex raises on a syntax error or a key defined twice in one file.
        data = parse_file(str(ROOT / bib), bib_format="bibtex")
        for key, entry in data.entries.items():
            assert key not in entries, f"{key} is defined in {entries.get(key, ('?',))[0]} and {bib}"
            fields = {k.lower(): str(v) for k, v in entry.fields.items()}
            entries[key] = (bib, entry.type, fields)
    return entries


def test_bibtex_parser_reads_fields_and_refuses_a_broken_file(tmp_path):
    from pybtex.database import parse_file
    from pybtex.scanner import PybtexSyntaxError

    good = tmp_path / "good.bib"
    good.write_text("@article{a2020,\n  title = {A {B} c},\n  doi = {10.1/x},\n  year = 2020\n}\n")
    entry = parse_file(str(good), bib_format="bibtex").entries["a2020"]
    assert entry.fields["doi"] == "10.1/x" and entry.fields["year"] == "2020"
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{b2020,\n  title = {unclosed,\n}\n")
    with pytest.raises(PybtexSyntaxError):
        parse_file(str(broken), bib_format="bibtex")


def test_bibliography_files_are_all_listed():
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "book").rglob("*.bib")}
    assert on_disk == set(CONFIG["bibtex_bibfiles"])


def test_every_reference_has_an_identifier():
    # A DOI, an arXiv id or an ISBN; a work from before those existed says so in a note.
    missing = [key for key, (_bib, _kind, fields) in _bib_entries().items()
               if not {"doi", "eprint", "isbn"} & set(fields)
               and not re.search(r"no DOI|before DOIs", fields.get("note", ""), re.I)]
    assert missing == []


def test_every_citation_is_in_the_bibliography_and_every_entry_is_cited():
    entries = _bib_entries()
    cited = set()
    for page in PAGES:
        for match in re.finditer(r"\{cite(?::\w+)?\}`([^`]+)`", page.read_text(encoding="utf-8")):
            cited.update(k.strip() for k in match.group(1).split(","))
    assert sorted(cited - set(entries)) == []
    assert sorted(set(entries) - cited) == []


def test_table_of_contents_lists_every_chapter_and_exercise():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    chapters = [f"chapters/{p.stem}" for p in CHAPTERS]
    assert [f for f in files if f.startswith("chapters/")] == chapters
    assignments = sorted(p.name for p in (ROOT / "exercises" / "source").iterdir() if p.is_dir())
    assert [f for f in files if f.startswith("exercises/")] == [
        f"exercises/release/{a}/{a}" for a in assignments]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_substitutions_that_jupyterlab_would_show_raw(page):
    # jupyterlab-myst has no {{ }} substitutions: use {eval}`expression` (book/_ext/nslib_book/evals.py).
    assert "{{" not in page.read_text(encoding="utf-8")


BOOK_PAGES = sorted({*CHAPTERS, *(ROOT / "book").glob("*.md")})


def _hard_coded_repository_links(text: str, repository_url: str) -> list[str]:
    """Links into the repository written out in full (any scheme, www or not, any case)."""
    host_path = re.sub(r"^https?://(www\.)?", "", repository_url.strip().rstrip("/").removesuffix(".git"))
    return re.findall(rf"(?:https?://)?(?:www\.)?{re.escape(host_path)}(?![\w.-])\S*", text, re.I)


def test_hard_coded_repository_link_detector_finds_every_spelling():
    url = "https://github.com/neuroscience-inspired-ai/course"
    text = ("[a](https://github.com/neuroscience-inspired-ai/course/blob/main/nslib/rl.py) "
            "<http://www.GitHub.com/Neuroscience-Inspired-AI/course/tree/main/nslib> "
            "github.com/neuroscience-inspired-ai/course "
            "[fine](repo:nslib/rl.py) https://github.com/neuroscience-inspired-ai/course-other/x")
    assert len(_hard_coded_repository_links(text, url)) == 3


@pytest.mark.parametrize("page", BOOK_PAGES, ids=[p.name for p in BOOK_PAGES])
def test_no_hard_coded_repository_links(page):
    # A fork changes repository.url in _config.yml and every link follows: write
    # [text](repo:path/in/the/repository) (book/_ext/nslib_book/repository.py).
    found = _hard_coded_repository_links(page.read_text(encoding="utf-8"), CONFIG["repository"]["url"])
    assert found == [], f"{page.name}: write [text](repo:path) instead of {found}"


@pytest.mark.parametrize("page", BOOK_PAGES, ids=[p.name for p in BOOK_PAGES])
def test_repository_links_point_to_existing_files(page):
    text = page.read_text(encoding="utf-8")
    files = re.findall(r"\]\(repo:([^)\s#]+)", text)
    folders = re.findall(r"\]\(repotree:([^)\s#]+)", text)
    missing = [t for t in files if not (ROOT / t).is_file()] + [t for t in folders if not (ROOT / t).is_dir()]
    assert missing == [], (f"{page.name}: links whose target the repository does not have as that kind "
                           f"(repo: a file, repotree: a folder): {missing}")
