"""Grades CSV, results JSON and per-student feedback HTML (written by the trusted parent)."""

from __future__ import annotations

import csv
import html
import io
import json
import os
from pathlib import Path

from grader._class_report import class_report_html
from grader._spreadsheet import csv_cell, fmt_points

__all__ = ["write_reports"]


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write_reports(results, assignments: dict, out_dir: Path, skipped=(), run=None) -> dict:
    """Write ``grades.csv``, ``<assignment>/grades.csv`` and ``report.html``, ``results.json``
    and feedback.

    Parameters
    ----------
    results : list of StudentResult
    assignments : dict
        Assignment name -> :class:`~grader._notebooks.Assignment`.
    out_dir : pathlib.Path
    skipped : iterable of str
        Files of the submissions folder that were not graded, and why.
    run : dict, optional
        How the run went (``seconds``, ``jobs``, ...), for the class reports and results.json.

    Returns
    -------
    dict
        Paths written: ``csv``, ``json``, ``feedback`` (a folder).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One row per submission, all assignments together.
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["student_id", "assignment", "score", "max_score", "status", "regraded_alone"])
    for r in results:
        writer.writerow([csv_cell(r.student_id), r.assignment, fmt_points(r.score), fmt_points(r.max_score),
                         r.status, "yes" if r.regraded else "no"])
    _atomic_write(out_dir / "grades.csv", buf.getvalue())
    # Per assignment: one column per question, for spreadsheets and LMS upload.
    for name, assignment in assignments.items():
        rows = [r for r in results if r.assignment == name]
        if not rows:
            continue
        ids = [t.grade_id for t in assignment.tests]
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["student_id", *ids, "score", "max_score", "status"])
        for r in rows:
            earned = {t["grade_id"]: t["points"] for t in r.tests}
            writer.writerow([csv_cell(r.student_id), *(fmt_points(earned.get(i, 0.0)) for i in ids),
                             fmt_points(r.score), fmt_points(r.max_score), r.status])
        _atomic_write(out_dir / name / "grades.csv", buf.getvalue())
        _atomic_write(out_dir / name / "report.html", class_report_html(name, assignment, rows, run))
    for r in results:
        # A refused id is not safe as a folder name (it may hold "/" or ".."),
        # and there is no feedback to give beyond the CSV's status.
        if r.status != "rejected":
            _atomic_write(out_dir / "feedback" / r.student_id / f"{r.assignment}.html", feedback_html(r))
    payload = {"results": [r.to_dict() for r in results], "skipped": list(skipped), "run": run or {}}
    _atomic_write(out_dir / "results.json", json.dumps(payload, indent=1))
    return {"csv": out_dir / "grades.csv", "json": out_dir / "results.json", "feedback": out_dir / "feedback"}


_CSS = """
body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}
.pass{color:#009E73;font-weight:bold}.fail{color:#D55E00;font-weight:bold}
pre{white-space:pre-wrap;margin:0;font-size:.9em}
"""


def feedback_html(r) -> str:
    """A standalone HTML page for one student and assignment; all student text is escaped."""
    e = html.escape
    rows = []
    for t in r.tests:
        verdict = '<span class="pass">passed</span>' if t["passed"] else '<span class="fail">failed</span>'
        rows.append(f"<tr><td>{e(t['grade_id'])}</td><td>{verdict}</td>"
                    f"<td>{fmt_points(t['points'])} / {fmt_points(t['max_points'])}</td>"
                    f"<td><pre>{e(t.get('message', ''))}</pre></td></tr>")
    cell_rows = [
        f"<tr><td>{e(c['label'])}</td><td>{e(c['status'])}</td><td><pre>{e(c['message'])}</pre></td></tr>"
        for c in r.cells
        if c["status"] != "ok"
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Feedback: {e(r.assignment)} ({e(r.student_id)})</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(r.assignment)}: feedback for {e(r.student_id)}</h1>",
        f"<p><strong>Score: {fmt_points(r.score)} / {fmt_points(r.max_score)}</strong> ({e(r.status)})</p>",
    ]
    if r.message:
        parts.append(f"<p><pre>{e(r.message)}</pre></p>")
    if rows:
        parts += [
            "<h2>Questions</h2><table><tr><th>Test</th><th>Result</th><th>Points</th><th>Details</th></tr>",
            *rows,
            "</table>",
        ]
    if cell_rows:
        parts += [
            "<h2>Cells that did not run cleanly</h2>",
            "<p>Your notebook's cells were run from top to bottom; "
            "these raised an error or were stopped.</p>",
            "<table><tr><th>Cell</th><th>Status</th><th>Message</th></tr>",
            *cell_rows,
            "</table>",
        ]
    parts.append("</body></html>\n")
    return "\n".join(parts)
