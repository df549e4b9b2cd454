"""The graded exercises: every assignment's reference solution, release version and tools.

For every assignment found in ``exercises/source``: the reference solution
scores full marks, the release (student) version scores 0, and the release
version contains no line of a solution or of a hidden test. The building
blocks (codec, notebook merging, submission discovery) have fast unit tests.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest

from grader import Limits, check_main, cli, discover_assignments, main, release
from grader._codec import CodecError, decode, encode
from grader._notebooks import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    _segments,
    _split_regions,
    collect_submissions,
    load_assignment,
    student_cells,
    validate_source,
)
from grader._sandbox import require_bwrap

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
ASSIGNMENTS = [a.name for a in discover_assignments(EXERCISES)]


# --- fast: the authoring convention and the building blocks ----------------------------

def test_chapter_0_assignment_is_discovered_with_at_least_three_questions():
    found = {a.name: a for a in discover_assignments(EXERCISES)}
    assert "ch00_neurons" in found
    assert len(found["ch00_neurons"].tests) >= 3
    assert found["ch00_neurons"].max_points == 17


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_follows_the_authoring_convention(name):
    path = EXERCISES / "source" / name / f"{name}.ipynb"
    assert validate_source(path) == []
    assignment = load_assignment(path)
    # Every question has public tests students can run, and hidden ones.
    for test in assignment.tests:
        parts = [p for p, _ in test.segments]
        assert parts == ["public", "hidden"], (test.grade_id, parts)


def test_validate_source_names_each_problem(tmp_path):
    def cell(src, **meta):
        c = nbformat.v4.new_code_cell(src)
        if meta:
            c.metadata["nbgrader"] = {"schema_version": 3, "solution": False, "grade": False,
                                      "locked": False, "task": False, **meta}
        return c

    nb = nbformat.v4.new_notebook(cells=[
        cell("x = 1\n### BEGIN SOLUTION\ny = 2\n", grade_id="a", solution=True),
        cell("assert x\n### BEGIN HIDDEN TESTS\nassert y\n### END HIDDEN TESTS", grade_id="a",
             grade=True, locked=True, points=0),
        cell("### BEGIN HIDDEN TESTS\nz = 1\n### END HIDDEN TESTS"),
        cell("def broken(:\n    pass", grade_id="t2", grade=True, locked=True, points=1),
    ])
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    problems = "\n".join(validate_source(path))
    assert "unbalanced BEGIN SOLUTION/END SOLUTION" in problems
    assert "duplicate grade_id 'a'" in problems
    assert "hidden-test markers outside a test cell" in problems
    assert "code does not parse" in problems
    with pytest.raises(ValueError, match="breaks the authoring convention"):
        load_assignment(path)


def _bound_names(code: str) -> set[str]:
    """Names a block of code binds in the namespace it runs in (a notebook's globals, for a cell).

    Function and comprehension scopes do not count; an ``except ... as err`` name is unbound again at
    the end of its handler, so it does not count either."""
    import ast

    names: set[str] = set()

    def targets(node):
        names.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))

    def walrus(node):
        if node is not None:
            names.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr))

    def visit(statements):
        for s in statements:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(s.name)
            elif isinstance(s, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in s.names)
            elif isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for target in (s.targets if isinstance(s, ast.Assign) else [s.target]):
                    targets(target)
                walrus(s.value)
            elif isinstance(s, (ast.For, ast.AsyncFor)):
                targets(s.target)
                walrus(s.iter)
                visit(s.body + s.orelse)
            elif isinstance(s, (ast.While, ast.If)):
                walrus(s.test)
                visit(s.body + s.orelse)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                for item in s.items:
                    walrus(item.context_expr)
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                visit(s.body)
            elif isinstance(s, ast.Try):
                visit(s.body + s.orelse + s.finalbody)
                for handler in s.handlers:
                    visit(handler.body)
            elif not isinstance(s, ast.Delete):
                walrus(s)

    visit(ast.parse(code).body)
    return names


def _deleted_names(code: str) -> list[str]:
    """Names deleted by the top-level ``del`` statements of a block of code."""
    import ast

    return [n.id for s in ast.parse(code).body if isinstance(s, ast.Delete)
            for target in s.targets for n in ast.walk(target) if isinstance(n, ast.Name)]


def test_bound_names_are_the_globals_a_cell_leaves():
    code = ("import numpy as np\nfrom a.b import c as d\nx, (y, *z) = 1, (2, 3)\nfor k in []:\n    m = 1\n"
            "def f():\n    inner = 1\nsquares = [q * q for q in range(3)]\n"
            "try:\n    pass\nexcept ValueError as err:\n    n = 1\n"
            "with open('f') as fh:\n    pass\nif (w := 3):\n    pass\ndel x")
    assert _bound_names(code) == {"np", "d", "x", "y", "z", "k", "m", "f", "squares", "n", "fh", "w"}
    assert _deleted_names(code) == ["x"]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_leave_no_variables_behind(name):
    # Stock nbgrader runs the tests in the student's kernel: a variable a test cell leaves is seen by
    # every later cell. Chapter 1's `t` reached Brian2, which looks names up among the globals, warned
    # on stderr, and nbgrader gave a correct answer 0 points. So each part of a test cell deletes what
    # it binds: the hidden part at its end, the public part after the hidden region (the release keeps
    # that line), each name once.
    # A test may put a student's function aside and give it back (it rebinds the answer's name):
    # that name is the student's, not one the test leaves behind.
    nb = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    answers = set().union(*(_bound_names(c.source) for c in nb.cells
                            if c.metadata.get("nbgrader", {}).get("solution")))
    for cell in nb.cells:
        if not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        gid = cell.metadata["nbgrader"]["grade_id"]
        public, hidden, _ = _split_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN)
        public, hidden = "\n".join(public), "\n".join(hidden)
        public_names, public_deleted = _bound_names(public) - answers, _deleted_names(public)
        hidden_names = _bound_names(hidden) - answers - public_names
        hidden_deleted = _deleted_names(hidden)
        assert public_names <= set(public_deleted), (gid, sorted(public_names - set(public_deleted)))
        assert hidden_names <= set(hidden_deleted), (gid, sorted(hidden_names - set(hidden_deleted)))
        deleted = public_deleted + hidden_deleted
        assert len(deleted) == len(set(deleted)), f"{gid}: a name deleted twice raises NameError"
        assert set(deleted) <= public_names | hidden_names, f"{gid}: deletes a name it does not bind"
        # Each part's del is its last statement: the public one comes after the hidden region.
        import ast
        for part, names in ((public, public_names), (hidden, hidden_names)):
            assert not names or isinstance(ast.parse(part).body[-1], ast.Delete), gid


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_brian2_runs_use_an_explicit_namespace_and_the_question_says_why(name):
    # Without namespace=, Network.run() and Synapses.connect("i != j") resolve names among the
    # caller's locals and the notebook's globals, so the result depends on other cells: a student's
    # global `i` made Brian2 warn on stderr, which nbgrader grades as a failed test.
    import ast

    nb = nbformat.read(EXERCISES / "source" / name / f"{name}.ipynb", as_version=4)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "brian2" not in cell.source and "Network" not in cell.source:
            continue
        calls = [node for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute)]
        runs = [call for call in calls if call.func.attr == "run"]
        # Synapses.connect resolves the names of a string condition (or p, or j) the same way.
        connects = [call for call in calls if call.func.attr == "connect" and any(
            isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            for arg in [*call.args, *(kw.value for kw in call.keywords)])]
        for call in runs + connects:
            assert any(kw.arg == "namespace" for kw in call.keywords), \
                (cell.metadata.get("nbgrader", {}).get("grade_id"), ast.unparse(call))
        if runs and cell.metadata.get("nbgrader", {}).get("solution"):
            question = nb.cells[k - 1].source
            assert "namespace={}" in question and "nbgrader autograde" in question, k


def test_test_cells_split_into_public_and_hidden_parts():
    src = "a = 1\nassert a == 1\n### BEGIN HIDDEN TESTS\nassert a > 0\n### END HIDDEN TESTS\nprint('done')"
    assert _segments(src) == (("public", "a = 1\nassert a == 1"), ("hidden", "assert a > 0\nprint('done')"))
    # A hidden region inside a block cannot run on its own: keep the cell whole.
    nested = "for i in range(2):\n    ### BEGIN HIDDEN TESTS\n    assert i < 2\n    ### END HIDDEN TESTS"
    assert _segments(nested)[0][0] == "mixed"
    assert _segments("assert True") == (("public", "assert True"),)


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text", [1, [2, "x"]], (1, (2.0,)), {"a": 1, 2: (3,)},
    np.arange(6, dtype=np.int32).reshape(2, 3), np.array([True, False]), np.float64(1.5), np.int64(7),
])
def test_codec_round_trips_plain_data(value):
    back = decode(json.loads(json.dumps(encode(value))))
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    else:
        assert back == value and type(back) is type(value.item() if isinstance(value, np.generic) else value)


def test_codec_keeps_nan_and_dataclass_fields():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Result:
        rate: float
        spikes: np.ndarray

    back = decode(json.loads(json.dumps(encode(Result(float("nan"), np.array([1.0]))))))
    # Only nslib's own classes are rebuilt; others come back as a namespace.
    assert np.isnan(back.rate) and back.spikes.tolist() == [1.0]


@pytest.mark.parametrize("value", [object(), lambda: 1, np.array([object()]), {1, 2}])
def test_codec_refuses_objects_that_could_carry_code(value):
    with pytest.raises(CodecError, match="cannot be checked by the grader|dtype"):
        encode(value)


@pytest.mark.parametrize("data", [
    {"$ndarray": {"dtype": "|O", "shape": [1], "data": [1]}},
    {"$ndarray": {"dtype": "<f8", "shape": [3], "data": [1.0]}},
    {"$dataclass": {"module": "os", "name": "system", "fields": [["__class__", 1]]}},
    {"$unknown": 1},
    {"a": 1, "b": 2},
])
def test_codec_rejects_malformed_or_dangerous_input(data):
    with pytest.raises(CodecError):
        decode(data)


def test_submissions_are_found_in_both_layouts_and_bad_names_are_reported(tmp_path):
    (tmp_path / "ada_ch00_neurons.ipynb").write_text("{}")
    (tmp_path / "li_wei_ch00_neurons.ipynb").write_text("{}")
    (tmp_path / "bo" / "ch00_neurons").mkdir(parents=True)
    (tmp_path / "bo" / "ch00_neurons" / "ch00_neurons.ipynb").write_text("{}")
    (tmp_path / "ch00_neurons.ipynb").write_text("{}")          # no student id
    (tmp_path / "ada_ch99_unknown.ipynb").write_text("{}")      # unknown assignment
    (tmp_path / "notes.md").write_text("hi")
    subs, skipped = collect_submissions(tmp_path, ["ch00_neurons"])
    assert [(s.student_id, s.assignment) for s in subs] == [
        ("ada", "ch00_neurons"), ("bo", "ch00_neurons"), ("li_wei", "ch00_neurons")]
    assert len(skipped) == 3
    (tmp_path / "ada" / "ch00_neurons").mkdir(parents=True)
    (tmp_path / "ada" / "ch00_neurons" / "ch00_neurons.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="two submissions of ch00_neurons by ada"):
        collect_submissions(tmp_path, ["ch00_neurons"])


def test_student_cells_drop_tests_and_restore_read_only_cells():
    assignment = load_assignment(EXERCISES / "source" / "ch00_neurons" / "ch00_neurons.ipynb")
    nb = nbformat.read(EXERCISES / "source" / "ch00_neurons" / "ch00_neurons.ipynb", as_version=4)
    setup_code = dict(assignment.setup)["setup"]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "setup":
            cell.source = "import os; os._exit(0)  # tampered read-only cell"
    cells = student_cells(nb, assignment)
    codes = [code for _, code in cells]
    assert setup_code in codes and not any("tampered" in c for c in codes)
    assert not any(BEGIN_HIDDEN in c for c in codes), "test cells must not reach the student's process"
    # Deleted read-only cell: put back before the first answer.
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "setup"]
    labels = [label for label, _ in student_cells(nb, assignment)]
    assert labels[0] == "read-only cell setup (restored)"


def test_limits_name_the_bad_parameter():
    with pytest.raises(ValueError, match="cell_timeout_s"):
        Limits(cell_timeout_s=0)
    with pytest.raises(ValueError, match="max_tasks"):
        Limits(max_tasks=1)


def test_missing_bwrap_is_explained(monkeypatch):
    import grader._sandbox as sandbox
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install -y bubblewrap"):
        require_bwrap()


def test_cli_without_a_command_prints_usage(capsys):
    assert cli([]) == 2
    assert "release" in capsys.readouterr().err


def test_refused_student_ids_are_on_the_grade_sheet_with_zero_points(tmp_path):
    from grader._report import write_reports
    from grader._runner import _rejected

    subs_dir = tmp_path / "submissions"
    subs_dir.mkdir()
    (subs_dir / "ada_ch00_neurons.ipynb").write_text("{}")
    (subs_dir / "bad id_ch00_neurons.ipynb").write_text("{}")           # a space
    (subs_dir / "=1+1" / "ch00_neurons").mkdir(parents=True)             # a spreadsheet formula
    (subs_dir / "=1+1" / "ch00_neurons" / "ch00_neurons.ipynb").write_text("{}")
    rejected = []
    subs, skipped = collect_submissions(subs_dir, ["ch00_neurons"], rejected)
    assert [s.student_id for s in subs] == ["ada"]
    assert sorted(s.student_id for s in rejected) == ["=1+1", "bad id"]
    assert sum("is not a plain name" in line for line in skipped) == 2   # still in the log too

    found = {a.name: a for a in discover_assignments(EXERCISES)}
    results = [_rejected(s, found[s.assignment], subs_dir) for s in rejected]
    out = tmp_path / "out"
    write_reports(results, found, out)
    with open(out / "grades.csv", newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    # The formula is written as text, so a spreadsheet shows the id rather than computing 2.
    assert set(rows) == {"bad id", "'=1+1"}
    for row in rows.values():
        # The assignment's points (ch00_neurons: 17), so the sheet's total stays right.
        assert (row["score"], row["max_score"], row["status"]) == ("0", "17", "rejected")
    with open(out / "ch00_neurons" / "grades.csv", newline="") as fh:
        per_question = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert set(per_question) == {"bad id", "'=1+1"}
    assert {r["status"] for r in per_question.values()} == {"rejected"}
    assert {r["test_lif_rate"] for r in per_question.values()} == {"0"}
    details = json.loads((out / "results.json").read_text())["results"]
    assert {(r["student_id"], r["status"], r["score"], r["max_score"]) for r in details} == {
        ("bad id", "rejected", 0.0, 17.0), ("=1+1", "rejected", 0.0, 17.0)}
    assert all("not a plain name" in r["message"] for r in details)
    # A refused id is never used as a folder name.
    assert not (out / "feedback").exists()


def _imported_modules(path: Path, strings: bool = False) -> set[str]:
    """Modules a source file imports; with ``strings``, also every identifier-like string (importlib)."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif strings and isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
    return names


def test_nslib_imports_nothing_from_the_grader():
    import subprocess
    import sys

    assert not (ROOT / "nslib" / "grading").exists()
    for path in sorted((ROOT / "nslib").rglob("*.py")):
        bad = {m for m in _imported_modules(path, strings=True) if m == "grader" or m.startswith("grader.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    # And at run time: every nslib module imported, the grader never loaded.
    code = ("import pkgutil, sys, nslib\n"
            "for m in pkgutil.walk_packages(nslib.__path__, 'nslib.'):\n"
            "    __import__(m.name)\n"
            "print(len([n for n in sys.modules if n.startswith('nslib')]))\n"
            "print(sorted(n for n in sys.modules if n == 'grader' or n.startswith('grader.')))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd="/")
    assert proc.returncode == 0, proc.stderr[-2000:]
    n_modules, loaded = proc.stdout.split("\n")[:2]
    assert int(n_modules) == len(list((ROOT / "nslib").rglob("*.py")))  # every module was imported
    assert loaded == "[]"


def test_grader_commands_and_dependencies_are_declared(capsys):
    import importlib.metadata
    import sys
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    scripts = project["scripts"]
    for new, old in (("course-grade", "nslib-grade"), ("course-check", "nslib-check")):
        assert scripts[new] == scripts[old] and scripts[new].startswith("grader:")
    assert {scripts["course-grade"], scripts["course-check"]} == {"grader:main", "grader:check_main"}
    # The installed commands (the virtualenv's console scripts) run these entry points.
    installed = {ep.name: ep for ep in importlib.metadata.entry_points(group="console_scripts")}
    for command, prog in (("course-grade", "course-grade"), ("nslib-grade", "course-grade"),
                          ("course-check", "course-check"), ("nslib-check", "course-check")):
        assert installed[command].value == scripts[command], f"{command}: pip install -e .[grading] again"
        with pytest.raises(SystemExit) as exit_info:
            installed[command].load()(["--help"])
        assert exit_info.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: {prog} "), command

    def name(req):
        return Requirement(req).name.lower().replace("_", "-")

    declared = {name(r) for r in project["dependencies"] + project["optional-dependencies"]["grading"]}
    # nbgrader is run as a program (release), so no import statement names it.
    assert "nbgrader" in {name(r) for r in project["optional-dependencies"]["grading"]}
    dists = importlib.metadata.packages_distributions()
    needed = set()
    for path in sorted((ROOT / "grader").glob("*.py")):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top in ("grader", "nslib") or top not in dists:
                continue   # the standard library, this project, or an optional import
            needed.update(d.lower().replace("_", "-") for d in dists[top])
    assert {"nbformat", "ipython", "traitlets", "numpy"} <= needed
    assert needed <= declared, f"imported by grader but not declared: {sorted(needed - declared)}"


# --- slow: release, check and grade every assignment ----------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A private copy of the exercises folder with release versions generated."""
    dest = tmp_path_factory.mktemp("course")
    shutil.copytree(EXERCISES / "source", dest / "source")
    shutil.copy(EXERCISES / "nbgrader_config.py", dest)
    release(dest, log=lambda *a: None)
    return dest


def _one_mistake_submissions(course, name):
    """For each answer cell: the reference notebook with only that answer left blank.

    Yields ``(answer grade_id, notebook, points that answer's own tests are worth)``: the
    tests between that answer cell and the next one. A blank answer must cost exactly
    those points and no more, or a later question's hidden tests used the student's
    earlier answer (a cascade).
    """
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    blank = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in released.cells}
    meta = [c.metadata.get("nbgrader", {}) for c in source.cells]
    answers = [i for i, m in enumerate(meta) if m.get("solution") and not m.get("grade")]
    for k, i in enumerate(answers):
        end = answers[k + 1] if k + 1 < len(answers) else len(source.cells)
        points = sum(float(m.get("points", 0)) for m in meta[i + 1:end] if m.get("grade"))
        nb = nbformat.from_dict(json.loads(nbformat.writes(source)))
        nb.cells[i].source = blank[meta[i]["grade_id"]]
        yield meta[i]["grade_id"], nb, points


@pytest.fixture(scope="module")
def one_mistake(course):
    """(assignment, answer id) -> (student id, points its own tests are worth)."""
    cases = {}
    for name in ASSIGNMENTS:
        for k, (gid, nb, points) in enumerate(_one_mistake_submissions(course, name)):
            cases[name, gid] = (f"slip{k}", nb, points)
    return cases


@pytest.fixture(scope="module")
def graded(course, one_mistake, tmp_path_factory):
    """Reference and release notebooks of every assignment, graded in one batch by `course-grade`."""
    assert shutil.which("bwrap"), "bubblewrap is required: apt-get install -y bubblewrap"
    subs = tmp_path_factory.mktemp("submissions")
    for (name, _gid), (student, nb, _points) in one_mistake.items():
        nbformat.write(nb, subs / f"{student}_{name}.ipynb")
    for name in ASSIGNMENTS:
        shutil.copy(course / "source" / name / f"{name}.ipynb", subs / f"reference_{name}.ipynb")
        shutil.copy(course / "release" / name / f"{name}.ipynb", subs / f"blank_{name}.ipynb")
        # A refused student id (a space): the full-marks notebook must not be read, but be on the sheet.
        shutil.copy(course / "source" / name / f"{name}.ipynb", subs / f"ref erence_{name}.ipynb")
    out = tmp_path_factory.mktemp("out")
    status = main([str(subs), "--course", str(course), "--out", str(out), "--jobs", "2",
                   "--cell-timeout", "20", "--notebook-timeout", "300"])
    assert status == 0
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {(r["student_id"], r["assignment"]): r for r in rows}, out


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_solution_scores_full_marks(graded, name):
    rows, out = graded
    row = rows["reference", name]
    details = json.loads((out / "results.json").read_text())
    failures = [t for r in details["results"] if (r["student_id"], r["assignment"]) == ("reference", name)
                for t in r["tests"] if not t["passed"]]
    assert row["score"] == row["max_score"], failures


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_one_early_mistake_costs_only_its_own_question(graded, one_mistake, name):
    # No cascades: leaving one answer blank loses exactly that question's points.
    rows, _ = graded
    full = float(rows["reference", name]["max_score"])
    cases = {gid: case for (a, gid), case in one_mistake.items() if a == name}
    assert len(cases) >= 3, cases
    lost = {gid: full - float(rows[student, name]["score"]) for gid, (student, _nb, _p) in cases.items()}
    expected = {gid: points for gid, (_s, _nb, points) in cases.items()}
    assert lost == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_version_scores_zero(graded, name):
    rows, _ = graded
    assert float(rows["blank", name]["score"]) == 0.0
    assert rows["blank", name]["status"] == "graded"


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_refused_student_id_is_graded_zero_with_status_rejected(graded, name):
    rows, out = graded
    row = rows["ref erence", name]
    assert (float(row["score"]), row["status"]) == (0.0, "rejected")
    assert row["max_score"] == rows["reference", name]["max_score"]
    assert not (out / "feedback" / "ref erence").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_version_contains_no_solution_or_hidden_test_line(course, name):
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    # Everything a student receives: cell sources, outputs and metadata.
    text = (
        "\n".join(nbformat.writes(released).splitlines()) + "\n" + "\n".join(c.source for c in released.cells)
    )
    secret_lines = []
    for cell in source.cells:
        for begin, end in ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN)):
            secret_lines += [
                line.strip() for line in _split_regions(cell.source, begin, end)[1] if line.strip()
            ]
    assert secret_lines, "the source has no solution or hidden-test regions"
    leaked = [line for line in secret_lines if line in text]
    assert leaked == []
    for marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
        assert marker not in text


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_version_keeps_the_public_tests_and_read_only_cells(course, name):
    source = load_assignment(course / "source" / name / f"{name}.ipynb")
    raw = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in released.cells}
    for cell in raw.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            # The public tests and the line after the hidden region that deletes their variables.
            public = "\n".join(_split_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN)[0])
            assert by_id[cell.metadata["nbgrader"]["grade_id"]].strip() == public.strip()
    for test in source.tests:
        assert by_id[test.grade_id].startswith(test.segments[0][1].strip())
    for gid, code in source.setup:
        assert by_id[gid] == code


@pytest.mark.slow
def test_check_explains_each_question_to_a_student(course, capsys):
    name = "ch00_neurons"
    assert check_main([str(course / "source" / name / f"{name}.ipynb")]) == 0
    assert "6 of 6 questions pass" in capsys.readouterr().out
    assert check_main([str(course / "release" / name / f"{name}.ipynb")]) == 1
    out = capsys.readouterr().out
    assert "FAIL  test_lif_rate" in out
    assert "NotImplementedError" in out and "raised by your lif_rate()" in out
    assert "failing test line: got = lif_rate(1.0)" in out


@pytest.mark.slow
def test_check_reports_a_teaching_message_for_a_wrong_answer(course, tmp_path, capsys):
    name = "ch00_neurons"
    nb = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "lif_rate":
            # A classic slip: the rate in spikes per ms instead of Hz.
            cell.source = ("def lif_rate(I_nA, R_MOhm=R_MOhm, tau_ms=TAU_ms, v_rest_mV=V_REST_mV,"
                           " v_th_mV=V_TH_mV, t_ref_ms=T_REF_ms):\n"
                           "    d = R_MOhm * np.asarray(I_nA, dtype=float); g = v_th_mV - v_rest_mV\n"
                           "    s = np.where(d > g, d, 2 * g)\n"
                           "    r = np.where(d > g, 1.0 / (t_ref_ms + tau_ms * np.log(s / (s - g))), 0.0)\n"
                           "    return float(r) if r.ndim == 0 else r\n")
    path = tmp_path / "mine.ipynb"
    nbformat.write(nb, path)
    assert check_main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "expected about 77.005 Hz" in out and "Did you convert ms to s?" in out
