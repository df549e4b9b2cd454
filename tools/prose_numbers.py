"""Find numbers typed into a chapter's prose that its code computes (the prose must use {eval}).

A chapter's numbers come from its executed code, through the ``{eval}`` role, so that the text
cannot drift from the figures. This check reads a page's executed notebook from the book's
execution cache (``make book`` fills it) and reports every decimal number in the page's Markdown
that equals, to the digits shown, a number one of its code cells printed, unless the number is
also written in the code itself (a parameter, set in the text and in the code).

    .venv/bin/python tools/prose_numbers.py chapters/04_sync_redundancy.md

It prints one line per suspect and exits 1 if there is any. ``tests/test_book.py`` runs it on
every chapter of the built book.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import book_cache  # noqa: E402 -- the tool next to this one

NUMBER = re.compile(r"(?<![\w.\-/])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")
# What is not prose: {eval} and other roles, inline code, directive options, links, labels.
NOT_PROSE = [
    re.compile(r"\{[\w:-]+\}`[^`]*`"),        # {eval}`...`, {cite:p}`...`, {doc}`...`
    re.compile(r"``?[^`]*``?"),               # inline code
    re.compile(r"^```.*?^```", re.S | re.M),   # fenced blocks
    re.compile(r"^:::.*$", re.M),             # directive fences
    re.compile(r"^\s*:[\w-]+:.*$", re.M),     # directive options
    re.compile(r"\]\([^)]*\)"),               # link targets
    re.compile(r"https?://\S+|doi:\S+"),
    re.compile(r"^\(.*\)=\s*$", re.M),        # labels
]


@dataclasses.dataclass(frozen=True)
class Suspect:
    """A number typed in the prose that equals a number the page's code printed."""

    page: str
    cell: int
    number: str
    printed: str
    context: str

    def __str__(self) -> str:
        return (f"{self.page}, Markdown cell {self.cell}: {self.number} is typed by hand, but a "
                f"code cell printed {self.printed}; write it with {{eval}}: ...{self.context}...")


def prose(source: str) -> str:
    for pattern in NOT_PROSE:
        source = pattern.sub(" ", source)
    return source


def _decimals(text: str) -> int:
    mantissa = text.split("e")[0].split("E")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def printed_numbers(notebook) -> set[str]:
    """Every number in the text the page's code cells printed or returned."""
    found = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts.append(output.get("data", {}).get("text/plain", ""))
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                found.update(NUMBER.findall(text))
    return found


def code_numbers(notebook) -> set[float]:
    return {float(n) for cell in notebook.cells if cell.cell_type == "code"
            for n in NUMBER.findall(cell.source)}


def suspects(page: Path, executed) -> list[Suspect]:
    """The hand-typed numbers of ``page`` (its source) given its executed notebook."""
    config = book_cache.book_config(ROOT)
    source = book_cache.read_notebook(page, config)
    printed = printed_numbers(executed)
    in_code = code_numbers(source)
    found = []
    rel = page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else str(page)
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        for match in NUMBER.finditer(text):
            number = match.group(0)
            digits = _decimals(number)
            value = float(number)
            if value in in_code or abs(value) < 10 ** -digits:
                continue
            for shown in printed:
                if _decimals(shown) >= digits and round(float(shown), digits) == value:
                    start, end = max(match.start() - 40, 0), match.end() + 40
                    context = " ".join(text[start:end].split())
                    found.append(Suspect(rel, index, number, shown, context))
                    break
    return found


def executed_notebook(page: Path):
    """The page's executed notebook from the book's execution cache (KeyError if none)."""
    from jupyter_cache import get_cache

    config = book_cache.book_config(ROOT)
    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    notebook = book_cache.read_notebook(page, config)
    record = cache.match_cache_notebook(notebook)
    return cache.get_cache_bundle(record.pk).nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    bad = 0
    for page in args.pages:
        page = page.resolve()
        try:
            executed = executed_notebook(page)
        except KeyError:
            print(f"{page}: not in the execution cache; run tools/book_cache.py --execute "
                  f"--page {page}", file=sys.stderr)
            return 2
        for suspect in suspects(page, executed):
            print(suspect)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
