"""The exercises grade the skill: every learning goal is asked, no answer is importable.

* Every learning goal of every chapter (its *Learning goals* block) maps to a graded question in
  the goal-to-question table of ``exercises/README.md``.
* A submission that answers a question by calling the ``nslib`` function that computes the same
  thing (``tests/exercise_bypasses/<assignment>.py``) scores 0 on that question and loses nothing else: the
  question's answer cell switches that function off (``grader.guard`` metadata, grader/_guard.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grader import discover_assignments, main
from grader._notebooks import guard_names, load_assignment

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
ASSIGNMENTS = {a.name: a for a in discover_assignments(EXERCISES)}
BYPASS_DIR = ROOT / "tests" / "exercise_bypasses"


def _bypasses(name: str) -> dict[str, str] | None:
    path = BYPASS_DIR / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bypasses_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BYPASSES


BYPASSES = {name: _bypasses(name) for name in ASSIGNMENTS}
GOAL_ROW = re.compile(r"^\|\s*(ch\d\d_\w+)\s*\|\s*(\d+)\s*\|[^|]*\|\s*([^|]+?)\s*\|\s*$", re.M)


def _chapter_page(assignment: str) -> Path:
    return next((ROOT / "chapters").glob(f"{assignment[2:4]}_*.md"))


def learning_goals(page: Path) -> list[str]:
    """The numbered items of the chapter's *Learning goals* admonition."""
    text = page.read_text(encoding="utf-8")
    block = re.search(r":::\{admonition\} Learning goals\n(.*?)\n:::", text, re.S)
    assert block, f"{page.name}: no Learning goals admonition"
    return re.findall(r"^(\d+)\. ", block.group(1), re.M)


def goal_table() -> dict[tuple[str, int], list[str]]:
    """(assignment, goal number) -> the test cells that grade it, from exercises/README.md."""
    text = (EXERCISES / "README.md").read_text(encoding="utf-8")
    table = {}
    for assignment, goal, questions in GOAL_ROW.findall(text):
        table[assignment, int(goal)] = re.findall(r"`([\w]+)`", questions)
    return table


# Goals with no graded question yet (none left; every goal of a new chapter needs one).
# The test below fails if a goal has none, unless it is listed here.
UNGRADED: set[tuple[str, int]] = set()


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_every_learning_goal_has_a_graded_question(name):
    goals = [int(n) for n in learning_goals(_chapter_page(name))]
    assert goals == list(range(1, len(goals) + 1))
    table = goal_table()
    tests = {t.grade_id for t in ASSIGNMENTS[name].tests}
    rows = {g for (a, g) in table if a == name}
    assert rows == set(goals), f"{name}: goals {sorted(set(goals) - rows)} have no row in exercises/README.md"
    missing = [g for g in goals if not table.get((name, g))]
    assert missing == sorted(g for a, g in UNGRADED if a == name), \
        f"{name}: goals without a graded question {missing}; open ones listed here " \
        f"{sorted(g for a, g in UNGRADED if a == name)}"
    for goal in goals:
        unknown = set(table.get((name, goal), [])) - tests
        assert not unknown, f"{name} goal {goal}: {sorted(unknown)} are not test cells of the assignment"


def test_the_goal_table_lists_only_existing_goals():
    table = goal_table()
    for (name, goal) in table:
        assert name in ASSIGNMENTS, name
        assert goal <= len(learning_goals(_chapter_page(name))), (name, goal)


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_every_bypassed_question_guards_the_functions_it_asks_for(name):
    source = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    guards = {c.metadata.get("nbgrader", {}).get("grade_id"): guard_names(c) for c in source.cells}
    for gid, code in (BYPASSES.get(name) or {}).items():
        assert gid in guards, f"{name}: no answer cell {gid!r}"
        used = set(re.findall(r"\b(nslib(?:\.\w+)+)", code))
        named = set(guards[gid])
        assert named, f"{name}: answer {gid} has no grader.guard metadata"
        assert any(u in named or any(n.startswith(u + ".") or u.startswith(n) for n in named)
                   for u in used), (gid, used, named)


def _bypassed(name: str):
    """The reference notebook with every answer in BYPASSES swapped for its bypass."""
    nb = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in (BYPASSES.get(name) or {}):
            cell.source = BYPASSES[name][gid]
    return nb


def _question_of_answer(name: str) -> dict[str, list[str]]:
    """Answer grade_id -> the test cells after it, up to the next answer cell."""
    nb = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    owner, found = None, {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            owner = meta["grade_id"]
            found[owner] = []
        elif meta.get("grade") and owner is not None and cell.cell_type == "code":
            found[owner].append(meta["grade_id"])
    return found


@pytest.fixture(scope="module")
def graded_bypasses(tmp_path_factory):
    # EXERCISE_SKILLS_ONLY=ch03_attention grades one assignment's bypasses (while authoring it).
    only = os.environ.get("EXERCISE_SKILLS_ONLY", "").split(",")
    names = [n for n in sorted(ASSIGNMENTS) if BYPASSES.get(n) and (only == [""] or n in only)]
    if not names:
        return {}
    assert shutil.which("bwrap"), "bubblewrap is required: apt-get install -y bubblewrap"
    subs = tmp_path_factory.mktemp("bypass_submissions")
    for name in names:
        nbformat.write(_bypassed(name), subs / f"bypass_{name}.ipynb")
    out = tmp_path_factory.mktemp("bypass_out")
    course = tmp_path_factory.mktemp("bypass_course")
    shutil.copytree(EXERCISES / "source", course / "source")
    assert main([str(subs), "--course", str(course), "--out", str(out), "--jobs", "2",
                 "--cell-timeout", "20", "--notebook-timeout", "300"]) == 0
    results = json.loads((out / "results.json").read_text())["results"]
    return {r["assignment"]: {t["grade_id"]: t for t in r["tests"]} for r in results}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_an_answer_that_calls_nslib_scores_zero_on_its_question_only(graded_bypasses, name):
    if BYPASSES.get(name) is None:
        pytest.fail(f"{name}: tests/exercise_bypasses/{name}.py is missing; list, for each question "
                    "nslib could answer, the answer that calls it")
    if not BYPASSES[name]:
        return   # nslib answers none of its questions (the file says why)
    if name not in graded_bypasses:
        pytest.skip(f"EXERCISE_SKILLS_ONLY leaves out {name}")
    tests = graded_bypasses[name]
    owners = _question_of_answer(name)
    bypassed = {t for gid in BYPASSES[name] for t in owners[gid]}
    wrong = {gid: t["points"] for gid, t in tests.items() if gid in bypassed and t["points"] != 0}
    assert wrong == {}, f"bypasses that still earn points: {wrong}"
    lost = {gid: (t["points"], t["max_points"], t["message"][:200]) for gid, t in tests.items()
            if gid not in bypassed and t["points"] != t["max_points"]}
    assert lost == {}, "questions not bypassed lost points"
    for gid in bypassed:
        assert ("is what this question asks you to write" in tests[gid]["message"]
                or "hidden test" in tests[gid]["message"]), tests[gid]["message"]


def test_assignments_load_their_guards_from_the_source():
    for name, assignment in ASSIGNMENTS.items():
        loaded = load_assignment(EXERCISES / "source" / name / f"{name}.ipynb")
        assert loaded.guards == assignment.guards


# Answer cells that still define two functions (none left; a new one must be split, not listed).
TWO_FUNCTION_CELLS: set[tuple[str, str]] = set()


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_one_function_per_graded_answer_cell(name):
    """All-or-nothing cells with two functions make one slip cost both: each answer cell defines
    exactly one top-level function (helpers go inside it)."""
    source = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or meta.get("grade") or meta.get("task"):
            continue
        defs = re.findall(r"^def (\w+)", cell.source, re.M)
        if (name, meta["grade_id"]) in TWO_FUNCTION_CELLS:
            assert len(defs) > 1, f"{name}/{meta['grade_id']} is split now: remove it from TWO_FUNCTION_CELLS"
            continue
        assert len(defs) == 1, f"{name}/{meta['grade_id']}: {len(defs)} top-level functions {defs}"
