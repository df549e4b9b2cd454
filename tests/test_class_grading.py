"""Teaching a class: the class report, gradebook exports, sharded grading and its merge.

A small course of one assignment is graded for a class of nine (an honest student, wrong
answers, a crash, a student id the grader refuses, a file that is not a notebook), once whole
and once in 3 shards; the merged shards must give byte-identical grades and feedback.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser_tools import chromium

from grader._class_report import export_grades
from grader._runner import StudentResult, grade, merge, shard_of
from grader._sandbox import Limits

pytestmark = pytest.mark.slow

SETUP = "import numpy as np\n"
ANSWER = '''def mean_rate(spike_counts, duration_s):
    """Mean firing rate in Hz."""
    ### BEGIN SOLUTION
    return float(np.mean(spike_counts)) / duration_s
    ### END SOLUTION
'''
TEST = '''got = mean_rate([2, 4, 6], 2.0)
assert abs(got - 2.0) < 1e-9, (f"mean_rate([2, 4, 6], 2.0): expected 2.0 Hz, got {got!r}. "
                              "Did you divide by the duration?")
### BEGIN HIDDEN TESTS
assert abs(mean_rate([1], 0.5) - 2.0) < 1e-9, "hidden: one count over half a second"
### END HIDDEN TESTS
'''
ANSWER2 = '''def total_spikes(spike_counts):
    ### BEGIN SOLUTION
    return int(np.sum(spike_counts))
    ### END SOLUTION
'''
TEST2 = '''assert total_spikes([1, 2, 3]) == 6, "total_spikes([1, 2, 3]) should be 6"
'''

BODIES = {
    "honest": ("return float(np.mean(spike_counts)) / duration_s", "return int(np.sum(spike_counts))"),
    "no_division": ("return float(np.mean(spike_counts))", "return int(np.sum(spike_counts))"),
    "no_division2": ("return float(np.mean(spike_counts))", "return 6"),
    "crash": ("raise RuntimeError('not yet')", "return int(np.sum(spike_counts))"),
    "half": ("return float(np.mean(spike_counts)) / duration_s", "return 0"),
}


def _nb(answer_body=None, answer2_body=None):
    def meta(**kw):
        return {"nbgrader": {"schema_version": 3, **kw}}

    a1 = ANSWER if answer_body is None else ANSWER.split("    ### BEGIN")[0] + f"    {answer_body}\n"
    a2 = ANSWER2 if answer2_body is None else ANSWER2.split("    ### BEGIN")[0] + f"    {answer2_body}\n"
    def answer(source, gid):
        return nbformat.v4.new_code_cell(source, metadata=meta(grade_id=gid, solution=True, grade=False,
                                                                locked=False))

    def test(source, gid, points):
        return nbformat.v4.new_code_cell(source, metadata=meta(grade_id=gid, grade=True, solution=False,
                                                                locked=True, points=points))

    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(SETUP, metadata=meta(grade_id="setup", locked=True, solution=False,
                                                       grade=False)),
        answer(a1, "mean_rate"), test(TEST, "test_mean_rate", 3),
        answer(a2, "total_spikes"), test(TEST2, "test_total_spikes", 1),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture(scope="module")
def class_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    course = root / "course"
    (course / "source" / "rates").mkdir(parents=True)
    nbformat.write(_nb(), course / "source" / "rates" / "rates.ipynb")
    subs = root / "submissions"
    subs.mkdir()
    students = {"ada": "honest", "bo": "no_division", "cy": "no_division", "di": "crash",
                "ed": "half", "fay": "no_division2", "gus": "honest"}
    for student, kind in students.items():
        nbformat.write(_nb(*BODIES[kind]), subs / f"{student}_rates.ipynb")
    nbformat.write(_nb(*BODIES["honest"]), subs / "-x_rates.ipynb")        # a refused id
    (subs / "hal_rates.ipynb").write_text("this is not a notebook")          # unreadable
    limits = Limits(cell_timeout_s=20, test_timeout_s=20)
    lines: list[str] = []
    single = grade(subs, course, root / "single", limits=limits, jobs=2, log=lines.append,
                   progress=lambda done, total, s, label: lines.append(f"progress {done}/{total}"))
    shards = [root / f"shard{k}" for k in (1, 2, 3)]
    for k, folder in enumerate(shards, start=1):
        grade(subs, course, folder, limits=limits, jobs=2, shard=(k, 3), log=lambda *_: None)
    merge(root / "merged", shards, course, log=lambda *_: None)
    return root, course, single, lines


def _files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".csv", ".html") and p.name != "report.html"}


def test_sharded_grading_merges_to_byte_identical_grades_and_feedback(class_runs):
    root, _, single, _ = class_runs
    whole, merged = _files(root / "single"), _files(root / "merged")
    assert "grades.csv" in whole and "rates/grades.csv" in whole
    assert len([k for k in whole if k.startswith("feedback/")]) == 8   # all but the refused id
    assert whole == merged
    # Every shard graded someone, and no one twice.
    counts = [len(json.loads((root / f"shard{k}" / "results.json").read_text())["results"])
              for k in (1, 2, 3)]
    assert sum(counts) == len(single.results) == 9
    assert all(c > 0 for c in counts), counts


def test_shards_are_a_fixed_function_of_the_student_id():
    assert [shard_of("ada", 3), shard_of("ada", 3)] == [shard_of("ada", 3)] * 2
    assert {shard_of(f"s{i}", 4) for i in range(200)} == {1, 2, 3, 4}
    with pytest.raises(ValueError, match="shard must be K/N"):
        grade(".", "exercises", shard=(4, 3))


def test_progress_is_reported_for_every_submission(class_runs):
    _, _, _, lines = class_runs
    assert [line for line in lines if line.startswith("progress")] == [f"progress {i}/8" for i in range(1, 9)]


def _report_numbers(text: str) -> dict:
    return {q: float(m) for q, m in re.findall(
        r"<tr data-question='([^']+)'>.*?<td class='num mean'>([0-9.]+)</td>", text, re.S)}


def test_class_report_agrees_with_grades_csv_and_shows_common_failures(class_runs):
    root, *_ = class_runs
    text = (root / "single" / "rates" / "report.html").read_text()
    rows = list(csv.DictReader(io.StringIO((root / "single" / "rates" / "grades.csv").read_text())))
    graded = [r for r in rows if r["status"] == "graded"]
    for question, mean in _report_numbers(text).items():
        expected = sum(float(r[question]) for r in graded) / len(graded)
        assert abs(mean - expected) < 0.006, question
    assert set(_report_numbers(text)) == {"test_mean_rate", "test_total_spikes"}
    totals = [float(r["score"]) for r in rows]
    assert f"<span id='mean-total'>{sum(totals) / len(totals):.2f}</span>" in text
    # The shared misconception is counted: three students forgot to divide by the duration.
    assert re.search(r"<li>3&times; <pre>AssertionError: mean_rate\(\[2, 4, 6\], 2.0\): expected 2.0 Hz",
                     text)
    # The refused and the unreadable submissions are listed with their reason.
    assert "rejected" in text and "unreadable" in text and "-x" in text
    assert "Grading time" in text and "median" in text


def test_class_report_in_a_browser_has_alt_text_and_no_console_error(class_runs):
    root, *_ = class_runs
    report = root / "single" / "rates" / "report.html"
    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: errors.append(f"network: {r.url}")
                if not r.url.startswith(("file:", "data:")) else None)
        page.goto(report.as_uri())
        images = page.evaluate("() => [...document.images].map(i => [i.alt, i.naturalWidth])")
        page.screenshot(path=str(root / "report.png"))
    assert errors == []
    assert images and all(alt.strip() and width > 0 for alt, width in images), images


def test_exports_have_each_tools_columns_and_every_student_once(class_runs):
    root, _, single, _ = class_runs
    results = list(single.results)
    students = {r.student_id for r in results}
    for fmt, header in (("canvas", ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "rates"]),
                        ("moodle", ["username", "rates"]),
                        ("csv", ["student_id", "rates", "total"])):
        rows = list(csv.reader(io.StringIO(export_grades(results, ["rates"], fmt))))
        assert rows[0] == header, fmt
        body = rows[2:] if fmt == "canvas" else rows[1:]
        ids = [r[3] if fmt == "canvas" else r[0] for r in body]
        assert sorted(ids) == sorted("'-x" if s == "-x" else s for s in students), fmt
        assert len(ids) == len(set(ids)) == 9, fmt
    canvas = list(csv.reader(io.StringIO(export_grades(results, ["rates"], "canvas"))))
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5] == "4"
    with pytest.raises(ValueError, match="format must be one of canvas, moodle, csv"):
        export_grades(results, ["rates"], "blackboard")


def test_export_command_writes_the_file(class_runs):
    root, *_ = class_runs
    out = root / "canvas.csv"
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", "export", str(root / "single"),
                           "--format", "canvas", "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("Student,ID,SIS User ID,SIS Login ID,Section,rates\n")


def test_merge_refuses_overlapping_shards(class_runs, tmp_path):
    root, course, *_ = class_runs
    with pytest.raises(ValueError, match="is in both"):
        merge(tmp_path / "m", [root / "shard1", root / "shard1"], course, log=lambda *_: None)
    with pytest.raises(ValueError, match="has no results.json"):
        merge(tmp_path / "m", [tmp_path], course, log=lambda *_: None)


def test_student_result_round_trips_through_results_json(class_runs):
    root, _, single, _ = class_runs
    data = json.loads((root / "single" / "results.json").read_text())
    back = [StudentResult.from_dict(r) for r in data["results"]]
    assert back == list(single.results)
    assert data["run"]["jobs"] == 2 and data["run"]["seconds"] > 0
    shutil.rmtree(root / "m", ignore_errors=True)


def test_make_grade_writes_grades_report_and_gradebook_exports(tmp_path):
    root = Path(__file__).resolve().parent.parent
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(root / "exercises" / "source" / "ch00_neurons" / "ch00_neurons.ipynb",
                subs / "ada_ch00_neurons.ipynb")
    out = tmp_path / "out"
    proc = subprocess.run(["make", "-s", "-C", str(root), "grade", f"SUBMISSIONS={subs}", f"OUT={out}",
                           f"PYTHON={sys.executable}"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (out / "ch00_neurons" / "report.html").is_file()
    score = next(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))["score"]
    assert (out / "moodle.csv").read_text().splitlines() == ["username,ch00_neurons", f"ada,{score}"]
    for name in ("canvas.csv", "csv.csv", "grades.csv"):
        assert "ada" in (out / name).read_text(), name
