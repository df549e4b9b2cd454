"""Text the grader writes into its CSV files and reports, shared by :mod:`grader._report` (grades
CSV, feedback) and :mod:`grader._class_report` (class report, gradebook exports).

* :func:`csv_cell` -- a student id as a cell a spreadsheet shows as text;
* :func:`fmt_points` -- points as a spreadsheet reads them (``3``, ``2.5``).
"""

from __future__ import annotations

__all__ = ["csv_cell", "fmt_points"]


def fmt_points(points: float) -> str:
    return f"{points:g}"


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: control characters escaped, formulas defused.

    Accepted student ids are plain names already; a refused one is written as
    it came (so the instructor can find the file), but made inert.
    """
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
