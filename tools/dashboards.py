"""Generate the Voila dashboards from the chapters (`make dashboards`; Binder's postBuild runs it too).

    python tools/dashboards.py                 # write dashboards/NN_name.ipynb and dashboards/index.ipynb
    python tools/dashboards.py --list          # print the dashboards it would write, one per line

One source of truth: a chapter marks what its dashboard needs with the cell tag ``dashboard``:
every code cell its interactive demos need (imports, the few set-up cells, the sweep cells) and,
before each demo, a one-line markdown cell that says what the demo shows. This script copies the
tagged cells, in order and without outputs, under a title into ``dashboards/<chapter>.ipynb``
(Voila serves only notebooks), and writes ``dashboards/index.ipynb``, a landing page that links every
dashboard. A chapter with no tagged code cell gets no dashboard; the script says so and goes on.

Voila hides the code and shows the outputs: the sweeps run live there (``NSLIB_SWEEP_MODE`` unset),
so moving a slider re-runs the model in the kernel; spiking demos re-run a program compiled once.
The folder is generated, never edited: it is git-ignored and rewritten on every run.

Kernel start-up for the sliders: each dashboard ends with one more (hidden) cell, ``FREEZE_HEAP``, that
runs once every demo is made. A kernel that has imported Brian2, torch and matplotlib holds over half
a million objects; without it, a full garbage collection that scans them all pauses a slider move
every few moves. The cell collects once, then freezes what survives (:func:`gc.freeze`: modules, the
demos' data), so later collections scan only the objects made since. This is the dashboards' own
kernel: importing ``nslib`` never changes the garbage collector. ``make bench`` measures the sliders
with it (``bench/sweep_probe.py`` does the same) and without it (``bench/run.py --no-gc-freeze``).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAG = "dashboard"
INDEX = "index.ipynb"
# The chapters are chapters/NN_name.md; a dashboard keeps the chapter's file name.
CHAPTER_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")
# A demo is a cell that calls nslib.sweeps.sweep.
SWEEP_CALL = re.compile(r"(?m)^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*=\s*)?sweep\(")
# The last cell of every dashboard: its kernel's start-up for the sliders (see the docstring).
FREEZE_TAG = "dashboard-kernel"
FREEZE_HEAP = """\
# Kernel start-up for the sliders (tools/dashboards.py): every demo is made, so collect the garbage once
# and freeze what survives; the sliders' garbage collections then scan only the objects made since.
import gc

gc.collect()
gc.freeze()"""


@dataclass(frozen=True)
class Dashboard:
    """One chapter's dashboard: where it comes from, its title, and its demos' one-line contexts."""

    chapter: Path
    name: str
    title: str
    notebook: dict
    demos: tuple[str, ...]
    sweeps: int

    @property
    def filename(self) -> str:
        return f"{self.name}.ipynb"


def _tags(cell) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return list(tags) if isinstance(tags, (list, tuple)) else []


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def chapter_title(notebook) -> str:
    """The text of the chapter's first level-1 heading (``# 2. Title``)."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in _source(cell).splitlines():
            match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
            if match:
                return match.group(1)
    raise ValueError("the chapter has no level-1 heading ('# N. Title') to name its dashboard")


def tagged_cells(notebook) -> list:
    return [cell for cell in notebook.cells if TAG in _tags(cell)]


def has_dashboard(chapter: Path) -> bool:
    """Whether ``chapter`` (a MyST-markdown notebook) tags any code cell ``dashboard``."""
    import jupytext

    notebook = jupytext.read(chapter)
    return any(cell.cell_type == "code" for cell in tagged_cells(notebook))


def _one_line(markdown: str) -> str:
    return " ".join(markdown.split())


def build(chapter: Path) -> Dashboard | None:
    """The dashboard of one chapter, or None when the chapter tags no code cell."""
    import jupytext
    import nbformat

    chapter = Path(chapter)
    notebook = jupytext.read(chapter)
    cells = tagged_cells(notebook)
    if not any(cell.cell_type == "code" for cell in cells):
        return None
    title = chapter_title(notebook)
    demos = tuple(_one_line(_source(c)) for c in cells if c.cell_type == "markdown")
    sweeps = sum(1 for c in cells if c.cell_type == "code" and SWEEP_CALL.search(_source(c)))
    source = chapter.resolve().relative_to(ROOT).as_posix() if chapter.resolve().is_relative_to(ROOT) \
        else chapter.name
    out = nbformat.v4.new_notebook()
    out.metadata["kernelspec"] = dict(notebook.metadata.get("kernelspec") or
                                      {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"})
    out.metadata["language_info"] = {"name": "python"}
    out.cells.append(nbformat.v4.new_markdown_cell(
        f"# Dashboard: {title}\n\n"
        f"The interactive demos of the chapter *{title}*, without the code. Each slider re-runs the "
        f"model in a live kernel: give a new frame a moment to appear.\n\n"
        f"*Generated from `{source}` by `make dashboards`; edit the chapter, not this notebook.*"))
    for cell in cells:
        metadata = {"tags": _tags(cell)}
        if cell.cell_type == "code":
            out.cells.append(nbformat.v4.new_code_cell(_source(cell), metadata=metadata))
        elif cell.cell_type == "markdown":
            out.cells.append(nbformat.v4.new_markdown_cell(_source(cell), metadata=metadata))
    out.cells.append(nbformat.v4.new_code_cell(FREEZE_HEAP, metadata={"tags": [FREEZE_TAG]}))
    nbformat.validate(out)
    return Dashboard(chapter=chapter, name=chapter.stem, title=title, notebook=out, demos=demos,
                     sweeps=sweeps)


def collect(chapters: Path = ROOT / "chapters", *, report=print) -> list[Dashboard]:
    """The dashboards of every chapter in ``chapters`` that has one, in chapter order."""
    dashboards = []
    for chapter in sorted(Path(chapters).glob("*.md")):
        if not CHAPTER_NAME.match(chapter.stem):
            continue
        dashboard = build(chapter)
        if dashboard is None:
            report(f"{chapter.name}: no cell is tagged '{TAG}', so this chapter has no dashboard yet")
        else:
            dashboards.append(dashboard)
    return dashboards


def landing_page(dashboards: list[Dashboard]) -> dict:
    """The landing notebook: a link to every dashboard, with its demos' one-line descriptions."""
    import nbformat

    text = ("# Neuroscience-Inspired AI: dashboards\n\n"
            "Each dashboard holds the interactive demos of one chapter of the book, without the code. "
            "Move a slider and the model re-runs in a live kernel; spiking models re-run a program "
            "compiled once, so a slider never waits for a compiler.\n")
    for dashboard in dashboards:
        text += f"\n## [{dashboard.title}]({dashboard.filename})\n\n"
        text += "".join(f"- {demo}\n" for demo in dashboard.demos) or "- Its interactive demos.\n"
    if not dashboards:
        text += "\nNo chapter has a dashboard yet.\n"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.validate(notebook)
    return notebook


def write(dashboards: list[Dashboard], out: Path) -> list[Path]:
    """Write the dashboards and the landing page to ``out``; remove dashboards no chapter makes."""
    import nbformat

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    keep = {d.filename for d in dashboards} | {INDEX}
    for old in out.glob("*.ipynb"):
        if old.name not in keep and (CHAPTER_NAME.match(old.stem) or old.name == INDEX):
            old.unlink()
    written = []
    for dashboard in dashboards:
        path = out / dashboard.filename
        nbformat.write(dashboard.notebook, path)
        written.append(path)
    index = out / INDEX
    nbformat.write(landing_page(dashboards), index)
    written.append(index)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters",
                        help="folder of the MyST-markdown chapters (default: chapters/)")
    parser.add_argument("--out", type=Path, default=ROOT / "dashboards",
                        help="folder to write the dashboards to (default: dashboards/)")
    parser.add_argument("--list", action="store_true",
                        help="print the dashboard files that would be written, and write nothing")
    args = parser.parse_args(argv)
    dashboards = collect(args.chapters, report=lambda msg: print(msg, file=sys.stderr))
    if args.list:
        for dashboard in dashboards:
            print(dashboard.filename)
        return 0
    for path in write(dashboards, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
