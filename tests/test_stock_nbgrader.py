"""Stock `nbgrader autograde` and `course-grade` give the same score to every test cell.

Instructors who already run nbgrader may grade with `nbgrader autograde` rather than with
`course-grade` (exercises/README.md says how the two differ). Both must agree, test cell by test
cell, on three submissions of an assignment, graded in a temporary course directory:

* ``reference``: the source notebook (solutions and hidden tests);
* ``honest``: what a student hands in, i.e. the release notebook with the reference answers typed
  into the answer cells, plus a scratch cell of the student's own that defines globals with the
  names Brian2 uses (``t``, ``i``, ``v``, ``dt``, ...). Brian2 code that looked up names in the
  notebook's globals would pick those up, and warn on stderr, which nbgrader grades as a failure;
* ``slip``: the reference with one wrong answer (``SLIPS``: it runs, but returns wrong values).

Reference and honest get full marks from both graders; the slip loses the same points from both,
exactly its own question's (no cascade into later questions).

The suite grades chapter 1's honest and slip submissions only (``IN_SUITE``: the assignment of
issue 25, with a Brian2 question; about a minute): stock nbgrader runs every notebook top to
bottom, explorations included, in a fresh kernel, so all three submissions of every assignment
take about five minutes on 2 cores. ``make bench`` (``python bench/run.py --only nbgrader``) runs that full
comparison with :func:`compare`; test_exercises.py grades every reference with course-grade.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
IN_SUITE = ("ch01_perceptron_to_v1",)
STUDENTS = ("reference", "honest", "slip")
IN_SUITE_STUDENTS = ("honest", "slip")

# One wrong answer per assignment: (answer cell, text of the reference answer, the slip, what it does).
SLIPS = {
    "ch00_neurons": ("lif_rate", "isi_ms = t_ref_ms + tau_ms * np.log(", "isi_ms = tau_ms * np.log(",
                     "forgets the refractory period"),
    "ch01_perceptron_to_v1": ("spike_counts", " : volt (unless refractory)", " : volt",
                              "does not hold v during the refractory period"),
    "ch02_td_dopamine": ("td_errors", "+ gamma * v_series - previous)", "+ v_series - gamma * previous)",
                         "discounts the wrong value"),
    "ch03_attention": ("masked_attention", "/ (temperature * np.sqrt(queries.shape[1]))", "/ temperature",
                       "forgets the 1/sqrt(d_k) scaling"),
    "ch04_sync_redundancy": ("kuramoto", "np.sin(psi_now - phases)", "np.sin(phases - psi_now)",
                             "pushes the phases away from the mean phase"),
    "ch05_continual_learning": ("logistic_fisher", "spread @ inputs ** 2", "spread @ inputs",
                                "forgets to square the inputs"),
    "ch06_predictive_coding": ("binary_hgf", "sigma2 + np.exp(omega)", "sigma2 + omega",
                               "adds omega instead of exp(omega)"),
    "ch07_neural_data": ("glm_newton", "w_now = w_now + np.linalg.solve(hess_now, grad_now)",
                         "w_now = w_now - np.linalg.solve(hess_now, grad_now)", "steps uphill on the loss"),
    "ch08_memory": ("sr_td_step", "visits[s] + gamma * ahead_row", "visits[s_next] + gamma * ahead_row",
                    "counts a visit to the state entered instead of the state left"),
}

# A student's own cell after the read-only one: globals named like Brian2's variables.
SCRATCH = '''# My scratch work: a time axis and a few values to try my functions with.
t = np.linspace(0.0, 0.5, 501)   # s
i, j, v, dt, N = 3, 4, -65.0, 1e-4, 10
x, w, I = np.ones(3), np.zeros(3), 2.5
'''


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _answer_code(source: str) -> str:
    """An answer cell as a student would type it: the reference without the solution markers."""
    return "\n".join(line for line in source.split("\n")
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def question_points(source_nb, answer_id: str) -> dict[str, float]:
    """The test cells of the question whose answer cell is ``answer_id``: grade_id -> points."""
    meta = [_meta(c) for c in source_nb.cells]
    answers = [k for k, m in enumerate(meta) if m.get("solution") and not m.get("grade")]
    k = next(n for n, i in enumerate(answers) if meta[i]["grade_id"] == answer_id)
    end = answers[k + 1] if k + 1 < len(answers) else len(meta)
    return {m["grade_id"]: float(m["points"]) for m in meta[answers[k] + 1:end] if m.get("grade")}


def submissions(course: Path, name: str) -> dict[str, nbformat.NotebookNode]:
    """The reference, honest and slip submissions of one assignment (see the module docstring)."""
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    answers = {_meta(c)["grade_id"]: c.source for c in source.cells if _meta(c).get("solution")}
    honest = nbformat.reads(nbformat.writes(released), as_version=4)
    for cell in honest.cells:
        if _meta(cell).get("solution"):
            cell.source = _answer_code(answers[_meta(cell)["grade_id"]])
    first_code = next(k for k, c in enumerate(honest.cells) if c.cell_type == "code")
    honest.cells.insert(first_code + 1, nbformat.v4.new_code_cell(SCRATCH))
    slip = nbformat.reads(nbformat.writes(source), as_version=4)
    answer_id, old, new, _why = SLIPS[name]
    cell = next(c for c in slip.cells if _meta(c).get("grade_id") == answer_id)
    assert cell.source.count(old) == 1, f"{name}: the slip's text is not in answer {answer_id}"
    cell.source = cell.source.replace(old, new)
    return {"reference": source, "honest": honest, "slip": slip}


def make_course(dest: Path, names, students=STUDENTS) -> Path:
    """A temporary nbgrader course with these assignments released (which fills its gradebook) and
    their submissions in nbgrader's ``submitted/<student>/<assignment>/`` layout."""
    from grader import release

    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(EXERCISES / "source" / name, dest / "source" / name)
    shutil.copy(EXERCISES / "nbgrader_config.py", dest)
    release(dest, list(names), log=lambda *a: None)
    for name in names:
        for student, nb in submissions(dest, name).items():
            if student not in students:
                continue
            folder = dest / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{name}.ipynb")
    return dest


def _env() -> dict:
    # nbgrader shells out to alembic, which lives next to this interpreter.
    return dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))


def nbgrader_scores(course: Path, names, students=STUDENTS) -> dict:
    """``nbgrader autograde`` (stock, unsandboxed) of every submission: (student, assignment) ->
    {test grade_id: points}, read from the gradebook."""
    from nbgrader.api import Gradebook

    for name in names:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", name, "--force",
                               f"--CourseDirectory.root={course}", "--log-level=WARN"],
                              cwd=course, env=_env(), capture_output=True, text=True, timeout=1800)
        assert proc.returncode == 0, f"nbgrader autograde {name}:\n{(proc.stdout + proc.stderr)[-3000:]}"
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for name in names:
            for student in students:
                graded = gradebook.find_submission_notebook(name, name, student)
                scores[student, name] = {g.name: float(g.score) for g in graded.grades}
    return scores


def course_grade_scores(course: Path, out: Path) -> dict:
    """``course-grade`` of the same submissions: (student, assignment) -> {test grade_id: points}."""
    from grader import main

    status = main([str(course / "submitted"), "--course", str(course), "--out", str(out), "--jobs", "2",
                   "--cell-timeout", "60", "--notebook-timeout", "900"])
    assert status == 0
    results = json.loads((out / "results.json").read_text())["results"]
    return {(r["student_id"], r["assignment"]): {t["grade_id"]: float(t["points"]) for t in r["tests"]}
            for r in results}


def compare(workdir: Path, names=None, students=STUDENTS, log=lambda *a: None) -> dict:
    """Grade the ``students``' submissions of ``names`` (default: every assignment) with both graders.

    Returns ``rows`` (one per submission: both graders' per-cell scores, the points expected
    and whether the graders agree), ``agree`` (every row agrees and scores as expected) and
    the seconds each step took.
    """
    from grader import discover_assignments

    found = {a.name: a for a in discover_assignments(EXERCISES)}
    names = list(found) if names is None else list(names)
    seconds = {}
    start = time.perf_counter()
    course = make_course(workdir / "course", names, students)
    seconds["release"] = time.perf_counter() - start
    log(f"released {len(names)} assignment(s) in {seconds['release']:.0f} s")
    start = time.perf_counter()
    stock = nbgrader_scores(course, names, students)
    seconds["nbgrader_autograde"] = time.perf_counter() - start
    log(f"nbgrader autograde: {seconds['nbgrader_autograde']:.0f} s")
    start = time.perf_counter()
    ours = course_grade_scores(course, workdir / "course-grade")
    seconds["course_grade"] = time.perf_counter() - start
    log(f"course-grade: {seconds['course_grade']:.0f} s")
    rows = []
    for name in names:
        full = {t.grade_id: float(t.points) for t in found[name].tests}
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        lost = question_points(source, SLIPS[name][0])
        for student in students:
            expected = {g: (0.0 if student == "slip" and g in lost else p) for g, p in full.items()}
            row = {"assignment": name, "student": student, "expected": expected,
                   "nbgrader": stock[student, name], "course_grade": ours[student, name]}
            row["agree"] = row["nbgrader"] == row["course_grade"] == expected
            rows.append(row)
    return {"rows": rows, "agree": all(r["agree"] for r in rows), "seconds": seconds,
            "cells": sum(len(r["expected"]) for r in rows)}


def _differences(rows) -> list[str]:
    return [f"{r['assignment']} {r['student']} {g}: nbgrader {r['nbgrader'].get(g)}, "
            f"course-grade {r['course_grade'].get(g)}, expected {p}"
            for r in rows for g, p in r["expected"].items()
            if not r["nbgrader"].get(g) == r["course_grade"].get(g) == p]


# --- fast -----------------------------------------------------------------------------------------

def test_every_assignment_has_a_slip_in_one_of_its_answers():
    from grader import discover_assignments

    names = [a.name for a in discover_assignments(EXERCISES)]
    assert sorted(SLIPS) == names, "add a slip (a plausible wrong answer) for each new assignment"
    for name, (answer_id, old, new, _why) in SLIPS.items():
        source = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
        cell = next(c for c in source.cells if _meta(c).get("grade_id") == answer_id)
        assert _meta(cell).get("solution") and cell.source.count(old) == 1 and old != new, name
        assert question_points(source, answer_id), f"{name}: answer {answer_id} has no test cell"


# --- slow: both graders on chapter 1 ---------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter_1(tmp_path_factory):
    assert shutil.which("bwrap"), "bubblewrap is required: apt-get install -y bubblewrap"
    return compare(tmp_path_factory.mktemp("stock"), IN_SUITE, IN_SUITE_STUDENTS)


@pytest.mark.slow
def test_an_honest_submission_gets_full_marks_from_both_graders(chapter_1):
    rows = [r for r in chapter_1["rows"] if r["student"] == "honest"]
    assert len(rows) == len(IN_SUITE)
    assert _differences(rows) == []


@pytest.mark.slow
def test_a_wrong_answer_loses_the_same_points_under_both_graders(chapter_1):
    # ... and exactly its own question's points: nothing cascades into later questions.
    rows = [r for r in chapter_1["rows"] if r["student"] == "slip"]
    assert len(rows) == len(IN_SUITE)
    assert all(0.0 in r["expected"].values() for r in rows)  # the slip costs something
    assert _differences(rows) == []
