"""What instructors get besides grades.csv: a class report per assignment and gradebook exports.

* :func:`class_report_html` -- ``<out>/<assignment>/report.html``: a static page (figures inline,
  nothing loaded from the network) with the distribution of total scores, per question the mean,
  the share of full marks and how often each test failed with which message, the submissions
  that were refused, timed out or crashed, and the grading time.
* :func:`export_grades` -- the grades of a graded folder in the import format of Canvas, of
  Moodle, or as a plain CSV (``course-grade export``).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import statistics
from collections import Counter

from grader._spreadsheet import csv_cell, fmt_points

__all__ = ["EXPORT_FORMATS", "class_report_html", "export_grades"]

#: Okabe-Ito, as in the book's figures (nslib.plots).
_BLUE, _ORANGE, _GREEN = "#0072B2", "#D55E00", "#009E73"

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
td,th{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;margin:0;font-size:.85em}
figure{margin:1rem 0}figcaption{font-size:.9em;color:#444}
.bar{display:inline-block;height:.8em;background:""" + _BLUE + """;vertical-align:middle}
"""


def _first_line(message: str) -> str:
    line = (message or "").strip().splitlines()[0] if (message or "").strip() else "(no message)"
    return line[:240]


def _histogram_png(scores, max_score: float, title: str) -> str:
    """A histogram of total scores as a base64 PNG (matplotlib, Agg, no pyplot state)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.0), dpi=100)
    ax = fig.subplots()
    top = max(max_score, max(scores, default=0.0))
    if top <= 40 and all(float(s).is_integer() for s in scores):
        # One bar per whole point, centred on it.
        ax.hist(scores, bins=[k - 0.5 for k in range(int(top) + 2)], color=_BLUE, edgecolor="white")
        ax.set_xticks(range(0, int(top) + 1, max(1, int(top) // 10)))
    else:
        ax.hist(scores, bins=20, range=(0, top if top > 0 else 1), color=_BLUE, edgecolor="white")
    ax.set_xlabel("total score (points)")
    ax.set_ylabel("submissions")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def question_summary(assignment, rows) -> list[dict]:
    """Per test cell: points, mean score, share of full marks, failure messages with counts."""
    graded = [r for r in rows if r.status == "graded"]
    summary = []
    for test in assignment.tests:
        records = [next((t for t in r.tests if t["grade_id"] == test.grade_id), None) for r in graded]
        records = [t for t in records if t is not None]
        points = [float(t["points"]) for t in records]
        failures = Counter(_first_line(t.get("message", "")) for t in records if not t["passed"])
        summary.append({
            "grade_id": test.grade_id, "max_points": test.points, "n": len(records),
            "mean": statistics.fmean(points) if points else 0.0,
            "full_share": (sum(p >= test.points for p in points) / len(points)) if points else 0.0,
            "failures": failures.most_common(),
        })
    return summary


def _problems(rows) -> list[tuple[str, str, str]]:
    """``(student, what, why)`` for refused, unreadable, crashed or timed-out submissions."""
    found = []
    for r in rows:
        if r.status != "graded":
            found.append((r.student_id, r.status, r.message or ""))
            continue
        for c in r.cells:
            if c.get("status") in ("timeout", "crashed", "memory"):
                found.append((r.student_id, f"cell {c['status']}", f"{c['label']}: {c['message']}"))
        for t in r.tests:
            if not t["passed"] and t.get("load_sensitive"):
                found.append((r.student_id, "test timeout", f"{t['grade_id']}: {t['message']}"))
    return found


def class_report_html(name: str, assignment, rows, run: dict | None = None) -> str:
    """The class report of one assignment (a standalone page; all student text is escaped)."""
    e = html.escape
    run = run or {}
    graded = [r for r in rows if r.status == "graded"]
    totals = [r.score for r in rows]
    max_score = assignment.max_points
    title = f"{name}: class report"
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             "<link rel='icon' href='data:,'>",
             f"<title>{e(title)}</title><style>{_CSS}</style></head><body><main>",
             f"<h1>{e(title)}</h1>",
             f"<p>{len(rows)} submission(s): {len(graded)} graded, {len(rows) - len(graded)} not "
             f"graded (refused, unreadable or a grading error), scored out of {fmt_points(max_score)} "
             "points.</p>"]
    if totals:
        mean, median = statistics.fmean(totals), statistics.median(totals)
        alt = (f"Histogram of the total scores of {len(totals)} submissions of {name}, out of "
               f"{fmt_points(max_score)} points: mean {mean:.2f}, median {median:g}, lowest {min(totals):g}, "
               f"highest {max(totals):g}.")
        png = _histogram_png(totals, max_score, f"{name}: total scores")
        parts += ["<h2>Total scores</h2>",
                  f"<p>Mean <span id='mean-total'>{mean:.2f}</span>, median {median:g}, "
                  f"lowest {min(totals):g}, highest {max(totals):g} (of {fmt_points(max_score)}).</p>",
                  f"<figure><img src='data:image/png;base64,{png}' alt='{e(alt, quote=True)}' "
                  "width='640' height='300'>",
                  f"<figcaption>{e(alt)}</figcaption></figure>"]
    parts += ["<h2>Questions</h2>",
              "<p>Per test cell, over graded submissions: the mean score, the share that earned full "
              "marks, and each message a failing test gave, with how many submissions got it: a "
              "message many students share is a common misconception.</p>",
              "<table id='questions'><thead><tr><th>Question</th><th class='num'>Points</th>"
              "<th class='num'>Mean</th><th class='num'>Full marks</th><th>Failures</th></tr></thead><tbody>"]
    for q in question_summary(assignment, rows):
        fails = "".join(f"<li>{count}&times; <pre>{e(msg)}</pre></li>" for msg, count in q["failures"])
        share = q["full_share"]
        parts.append(
            f"<tr data-question='{e(q['grade_id'], quote=True)}'><td>{e(q['grade_id'])}</td>"
            f"<td class='num'>{fmt_points(q['max_points'])}</td>"
            f"<td class='num mean'>{q['mean']:.2f}</td>"
            f"<td class='num'><span class='full'>{share:.0%}</span> "
            f"<span class='bar' style='width:{share * 4:.2f}em' aria-hidden='true'></span></td>"
            f"<td>{'<ul>' + fails + '</ul>' if fails else 'none'}</td></tr>")
    parts.append("</tbody></table>")
    problems = _problems(rows)
    parts.append("<h2>Submissions that need a look</h2>")
    if problems:
        parts.append("<table id='problems'><thead><tr><th>Student</th><th>What</th><th>Why</th></tr>"
                     "</thead><tbody>")
        parts += [f"<tr><td>{e(s)}</td><td>{e(w)}</td><td><pre>{e(why[:2000])}</pre></td></tr>"
                  for s, w, why in problems]
        parts.append("</tbody></table>")
    else:
        parts.append("<p>None: every submission was read and graded, with no timeout or crash.</p>")
    seconds = [r.seconds for r in rows if getattr(r, "seconds", 0.0) > 0]
    parts.append("<h2>Grading time</h2>")
    if seconds:
        parts.append(f"<p>Per submission: median {statistics.median(seconds):.1f} s, longest "
                     f"{max(seconds):.1f} s, {sum(seconds):.1f} s in all.")
        if run.get("seconds"):
            parts.append(f" The whole run (every assignment) took {run['seconds']:.1f} s of wall "
                         f"time with {run.get('jobs', 1)} job(s)" +
                         (f" over {run['shards']} shards" if run.get("shards") else "") + ".")
        parts.append("</p>")
    else:
        parts.append("<p>Not recorded.</p>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


#: ``course-grade export --format``: what each learning-management system imports.
EXPORT_FORMATS = ("canvas", "moodle", "csv")


def export_grades(results, assignment_names, fmt: str) -> str:
    """The grades as CSV text in ``fmt`` (one of :data:`EXPORT_FORMATS`), one row per student.

    * ``canvas``: Canvas's gradebook import (Grades > Import): the columns ``Student``, ``ID``,
      ``SIS User ID``, ``SIS Login ID`` and ``Section``, then one column per assignment, and a
      ``Points Possible`` row first. Canvas matches students by SIS Login ID here.
    * ``moodle``: Moodle's grade import from CSV (Grades > Import > CSV file): an identifier column
      (``username``, mapped to the user field *username* when importing), then one column per
      grade item.
    * ``csv``: ``student_id``, one column per assignment, ``total``.

    A student whose submission was refused or unreadable appears once, with 0 for it.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}; got {fmt!r}")
    names = list(assignment_names)
    scores: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    for r in results:
        scores.setdefault(r.student_id, {})[r.assignment] = r.score
        maxima[r.assignment] = r.max_score
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    students = sorted(scores)

    def marks(student):
        return [fmt_points(scores[student].get(n, 0.0)) for n in names]

    if fmt == "canvas":
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *names])
        writer.writerow(["    Points Possible", "", "", "", "",
                         *(fmt_points(maxima.get(n, 0.0)) for n in names)])
        for s in students:
            writer.writerow([csv_cell(s), "", "", csv_cell(s), "", *marks(s)])
    elif fmt == "moodle":
        writer.writerow(["username", *names])
        for s in students:
            writer.writerow([csv_cell(s), *marks(s)])
    else:
        writer.writerow(["student_id", *names, "total"])
        for s in students:
            writer.writerow([csv_cell(s), *marks(s), fmt_points(sum(scores[s].values()))])
    return buf.getvalue()
