"""grader._guard: a question switches off the library functions it asks the student to write.

Each test grades a small notebook with `course-check` (the worker runs in its own process, as
for a student) or `course-grade` (sandboxed). The guarded question asks for the Rescorla-Wagner
rule, which nslib.rl has; a submission that calls nslib's version, however it reaches it, scores
0 on that question, an honest one scores full marks, and another question may still use it.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from grader import check
from grader._notebooks import guarded_student_cells, load_assignment, validate_source

SETUP = """\
import numpy as np
import nslib.rl
STIMULI = np.array([[1, 0], [1, 0], [1, 1], [1, 1], [0, 1]], dtype=float)
REWARDS = np.array([1.0, 1.0, 1.0, 0.0, 1.0])
"""

HONEST = """\
def strengths(stimuli, rewards, alpha=0.2):
    v = np.zeros(np.shape(stimuli)[1])
    for x, r in zip(np.asarray(stimuli, float), rewards):
        v = v + alpha * (r - x @ v) * x
    return v
"""

TEST_RW = """\
got = strengths(STIMULI, REWARDS)
assert np.allclose(got, nslib.rl.rescorla_wagner(STIMULI, REWARDS, alpha=0.2).strengths[-1]), got
print("strengths: public tests passed")
"""

# The second question may use the library's rule: only the first question asks for it.
OTHER = """\
def final_strength(stimuli, rewards):
    return float(nslib.rl.rescorla_wagner(stimuli, rewards).strengths[-1].sum())
"""

TEST_OTHER = """\
expected = nslib.rl.rescorla_wagner(STIMULI, REWARDS).strengths[-1].sum()
assert abs(final_strength(STIMULI, REWARDS) - expected) < 1e-12
"""

BYPASSES = {
    "direct": "    return nslib.rl.rescorla_wagner(stimuli, rewards, alpha=alpha).strengths[-1]\n",
    "from_import": ("    from nslib.rl import rescorla_wagner as rw\n"
                    "    return rw(stimuli, rewards, alpha=alpha).strengths[-1]\n"),
    "reload": ("    import importlib, nslib.rl.conditioning as m\n"
               "    m = importlib.reload(m)\n"
               "    return m.rescorla_wagner(stimuli, rewards, alpha=alpha).strengths[-1]\n"),
    "reimport": ("    import importlib, sys\n"
                 "    for name in [n for n in sys.modules if n.startswith('nslib.rl')]:\n"
                 "        del sys.modules[name]\n"
                 "    m = importlib.import_module('nslib.rl')\n"
                 "    return m.rescorla_wagner(stimuli, rewards, alpha=alpha).strengths[-1]\n"),
    "copy": ("    import types\n"
             "    f = nslib.rl.rescorla_wagner\n"
             "    g = types.FunctionType(f.__code__, f.__globals__, 'g', f.__defaults__)\n"
             "    return g(stimuli, rewards, alpha=alpha).strengths[-1]\n"),
}


# Compiling the module from its file: stopped when grading, where the file shows checked code.
FILE_BYPASSES = {
    "spec_from_file_location": (
        "    import importlib.util, nslib.rl.conditioning as m\n"
        "    spec = importlib.util.spec_from_file_location('nslib.rl.conditioning', m.__file__)\n"
        "    fresh = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(fresh)\n"
        "    return fresh.rescorla_wagner(stimuli, rewards, alpha=alpha).strengths[-1]\n"),
    "exec_source": (
        "    import nslib.rl.conditioning as m\n"
        "    ns = {'__name__': 'nslib.rl.conditioning'}\n"
        "    exec(compile(open(m.__file__).read(), m.__file__, 'exec'), ns)\n"
        "    return ns['rescorla_wagner'](stimuli, rewards, alpha=alpha).strengths[-1]\n"),
}


def _notebook(path, answer: str, *, guard=("nslib.rl.rescorla_wagner",), extra: str = ""):
    def meta(**kw):
        return {"nbgrader": {"schema_version": 3, **kw}}

    cells = [
        nbformat.v4.new_code_cell(SETUP, metadata=meta(grade_id="setup", locked=True, solution=False,
                                                       grade=False)),
        nbformat.v4.new_code_cell(answer, metadata={**meta(grade_id="strengths", solution=True,
                                                          grade=False, locked=False),
                                                    "grader": {"guard": list(guard)}}),
    ]
    if extra:
        cells.append(nbformat.v4.new_code_cell(extra))
    cells += [
        nbformat.v4.new_code_cell(TEST_RW, metadata=meta(grade_id="test_strengths", grade=True,
                                                         solution=False, locked=True, points=2)),
        nbformat.v4.new_code_cell(OTHER, metadata=meta(grade_id="final_strength", solution=True,
                                                       grade=False, locked=False)),
        nbformat.v4.new_code_cell(TEST_OTHER, metadata=meta(grade_id="test_final_strength",
                                                            grade=True, solution=False,
                                                            locked=True, points=1)),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


def _scores(path) -> dict:
    return {t["grade_id"]: t["points"] for t in check(path).tests}


def _messages(path) -> dict:
    return {t["grade_id"]: t["message"] for t in check(path).tests}


def test_an_honest_answer_scores_full_marks_and_other_questions_may_use_the_function(tmp_path):
    assert _scores(_notebook(tmp_path / "nb.ipynb", HONEST)) == {
        "test_strengths": 2.0, "test_final_strength": 1.0}


@pytest.mark.parametrize("how", sorted(BYPASSES))
def test_an_answer_that_calls_the_library_scores_zero_however_it_reaches_it(tmp_path, how):
    answer = "def strengths(stimuli, rewards, alpha=0.2):\n" + BYPASSES[how]
    path = _notebook(tmp_path / "nb.ipynb", answer)
    assert _scores(path) == {"test_strengths": 0.0, "test_final_strength": 1.0}
    assert "is what this question asks you to write" in _messages(path)["test_strengths"]


def test_without_the_guard_the_same_bypass_would_pass(tmp_path):
    """The guard is what makes the bypasses above fail."""
    answer = "def strengths(stimuli, rewards, alpha=0.2):\n" + BYPASSES["direct"]
    assert _scores(_notebook(tmp_path / "nb.ipynb", answer, guard=()))["test_strengths"] == 2.0


def test_a_cell_the_student_added_is_guarded_like_its_question(tmp_path):
    # Computing with the library in an extra cell, then returning the saved result.
    extra = "SAVED = nslib.rl.rescorla_wagner(STIMULI, REWARDS, alpha=0.2).strengths[-1]\n"
    answer = "def strengths(stimuli, rewards, alpha=0.2):\n    return SAVED\n"
    path = _notebook(tmp_path / "nb.ipynb", answer, extra=extra)
    nb = nbformat.read(path, as_version=4)
    cells = guarded_student_cells(nb, load_assignment(path))
    assert [guard for _, _, guard in cells] == [(), ("nslib.rl.rescorla_wagner",),
                                                ("nslib.rl.rescorla_wagner",), ()]
    assert _scores(path)["test_strengths"] == 0.0


def _grade(tmp_path, answer: str, submitted_guard=()) -> dict:
    """Grade like an instructor (sandboxed), with the guard from the source notebook."""
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is a dependency of grading: apt-get install bubblewrap")
    from grader._notebooks import Submission
    from grader._runner import _grade_one
    from grader._sandbox import UID_BASE, Limits

    source = _notebook(tmp_path / "src.ipynb", HONEST)
    submitted = _notebook(tmp_path / "alice_src.ipynb", answer, guard=submitted_guard)
    work = tmp_path / "work"
    work.mkdir()
    result = _grade_one(Submission("alice", "src", submitted), load_assignment(source), Limits(),
                        uid_base=UID_BASE, secrets=[], workdir=work, show_hidden=True)
    assert result.status == "graded", result.message
    guarded = next(t for t in result.tests if t["grade_id"] == "test_strengths")
    if not guarded["passed"]:
        assert "is what this question asks you to write" in guarded["message"], guarded["message"]
    return {t["grade_id"]: t["points"] for t in result.tests}


@pytest.mark.parametrize("how", ["from_import", *sorted(FILE_BYPASSES)])
def test_grading_takes_the_guard_from_the_source_and_hides_the_original_file(tmp_path, how):
    """A submission that deletes the metadata is still guarded, and compiling the module from
    its file gives the checked code, because the sandbox shows the checked file."""
    answer = "def strengths(stimuli, rewards, alpha=0.2):\n" + {**BYPASSES, **FILE_BYPASSES}[how]
    assert _grade(tmp_path, answer) == {"test_strengths": 0.0, "test_final_strength": 1.0}


def test_grading_gives_an_honest_answer_full_marks(tmp_path):
    assert _grade(tmp_path, HONEST) == {"test_strengths": 2.0, "test_final_strength": 1.0}


def test_a_guard_naming_no_library_function_is_an_authoring_error(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", HONEST, guard=("nslib.rl.no_such_rule", "numpy.sum"))
    problems = validate_source(path)
    assert any("'nslib.rl.no_such_rule' does not exist" in p for p in problems), problems
    assert any("'numpy.sum' is not a dotted name in nslib" in p for p in problems), problems


def test_a_guarded_class_cannot_be_used_while_its_question_runs(tmp_path):
    """Naming a class switches off the methods it defines (constructing it fails)."""
    answer = ("def strengths(stimuli, rewards, alpha=0.2):\n"
              "    import nslib.perceptron\n"
              "    nslib.perceptron.Perceptron()\n"
              + HONEST.split("\n", 1)[1])
    path = _notebook(tmp_path / "nb.ipynb", answer, guard=("nslib.perceptron.Perceptron",))
    assert _scores(path) == {"test_strengths": 0.0, "test_final_strength": 1.0}
    assert "Perceptron() is what this question asks you to write" in _messages(path)["test_strengths"]
    unguarded = _notebook(tmp_path / "free.ipynb", answer, guard=())
    assert _scores(unguarded)["test_strengths"] == 2.0


def test_a_class_with_no_method_of_its_own_is_refused_as_a_guard(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", HONEST, guard=("nslib.rl.RescorlaWagnerResult",))
    assert any("defines no method in Python" in p for p in validate_source(path))
