"""The course's sandboxed autograder: release student notebooks, check them, grade them safely.

The course's exercises are an nbgrader course in ``exercises/`` (see
``exercises/README.md``). This package, separate from the model library
``nslib`` (which imports nothing from it), adds three commands:

``python -m grader release``
    student versions of every assignment (``nbgrader generate_assignment``);
``course-check NOTEBOOK`` (alias ``nslib-check``)
    a student runs their notebook's public tests and reads, per question,
    what passed and why not;
``course-grade SUBMISSIONS`` (alias ``nslib-grade``)
    an instructor autogrades a folder of notebooks in a bubblewrap sandbox
    and gets a grades CSV and one feedback page per student.

Its extra dependencies (nbgrader, nbformat, IPython, traitlets) are the ``grading``
optional group of the project (``pip install -e .[grading]``).

How grading resists hostile notebooks is explained in :mod:`grader._judge`
and :mod:`grader._sandbox`. Importing this package is cheap and has no
side effects: the heavy modules load on first use.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["CheckReport", "GradeReport", "Limits", "StudentResult", "check", "check_main",
           "discover_assignments", "grade", "main", "release"]

_LAZY = {
    "check": "_runner", "grade": "_runner", "release": "_runner", "preflight": "_runner",
    "CheckReport": "_runner", "GradeReport": "_runner", "StudentResult": "_runner",
    "Limits": "_sandbox", "discover_assignments": "_notebooks", "validate_source": "_notebooks",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _limit_args(parser: argparse.ArgumentParser, cell_timeout: float) -> None:
    g = parser.add_argument_group("limits")
    g.add_argument("--cell-timeout", type=float, default=cell_timeout, metavar="S",
                   help="seconds for one cell or one call of a student function (default %(default)s)")
    g.add_argument("--test-timeout", type=float, default=60.0, metavar="S",
                   help="seconds for one test cell (default %(default)s)")
    g.add_argument("--notebook-timeout", type=float, default=600.0, metavar="S",
                   help="seconds for a whole notebook (default %(default)s)")
    g.add_argument("--memory-mb", type=int, default=2048, metavar="MB",
                   help="address space per process (default %(default)s)")


def _limits(args, **extra):
    from grader._sandbox import Limits
    return Limits(cell_timeout_s=args.cell_timeout, test_timeout_s=args.test_timeout,
                  notebook_timeout_s=args.notebook_timeout, memory_mb=args.memory_mb, **extra)


def main(argv=None) -> int:
    """``course-grade``: autograde a folder of submissions (instructors).

    Returns the process exit status: 0 when every submission was graded
    (whatever the scores), 1 when grading could not run, 2 on bad arguments.
    """
    parser = argparse.ArgumentParser(
        prog="course-grade",
        description="Autograde submitted notebooks in a sandbox; write grades.csv and feedback HTML.")
    parser.add_argument("submissions", help="folder of <student_id>_<assignment>.ipynb files "
                                            "(or nbgrader's <student_id>/<assignment>/ layout)")
    parser.add_argument("--course", default="exercises", help="the exercises folder (default %(default)s)")
    parser.add_argument("--out", default=None, help="output folder (default <course>/autograded)")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel")
    parser.add_argument(
        "--assignment", action="append", default=None, help="only this assignment (repeatable)"
    )
    parser.add_argument("--show-hidden", action="store_true",
                        help="include failing hidden asserts' messages in the feedback")
    _limit_args(parser, 30.0)
    parser.add_argument("--max-tasks", type=int, default=16, help="processes+threads per sandbox")
    args = parser.parse_args(argv)
    from grader._runner import grade
    try:
        report = grade(
            args.submissions,
            args.course,
            args.out,
            limits=_limits(args, max_tasks=args.max_tasks),
            jobs=args.jobs,
            assignments=args.assignment,
            show_hidden=args.show_hidden,
        )
    except ValueError as err:
        print(f"course-grade: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"course-grade: {err}", file=sys.stderr)
        return 1
    # Unreadable notebooks are graded 0; only a failure of the grader itself is an error.
    return 1 if any(r.status == "grading error" for r in report.results) else 0


def check_main(argv=None) -> int:
    """``course-check NOTEBOOK``: run a notebook's public tests and explain the results (students).

    Returns 0 when every test passes, 1 when some fail, 2 on bad input.
    """
    parser = argparse.ArgumentParser(
        prog="course-check",
        description="Run your exercise notebook's public tests the way the grader will, "
                    "and print what passed and why the rest did not.")
    parser.add_argument("notebook", help="your .ipynb file")
    _limit_args(parser, 60.0)
    args = parser.parse_args(argv)
    from grader._runner import check
    try:
        report = check(args.notebook, limits=_limits(args))
    except ValueError as err:
        print(f"course-check: {err}", file=sys.stderr)
        return 2
    print(format_check(report))
    return 0 if report.passed else 1


def format_check(report) -> str:
    """Human-readable summary of a :class:`CheckReport`."""
    lines = [f"Checking {report.notebook} (public tests; hidden tests run only at grading)", ""]
    for t in report.tests:
        mark = "PASS" if t["passed"] else "FAIL"
        lines.append(f"  {mark}  {t['grade_id']}  ({t['points']:g}/{t['max_points']:g} points)")
        if not t["passed"]:
            lines += ["        " + line for line in str(t["message"]).splitlines()]
    bad = [c for c in report.cells if c["status"] != "ok"]
    if bad:
        lines += ["", "Cells that did not run cleanly (run top to bottom, like the grader does):"]
        for c in bad:
            lines.append(f"  {c['label']}: {c['status']}")
            lines += ["        " + line for line in str(c["message"]).splitlines()]
    n_pass = sum(t["passed"] for t in report.tests)
    got = sum(t["points"] for t in report.tests)
    total = sum(t["max_points"] for t in report.tests)
    lines += ["", f"{n_pass} of {len(report.tests)} questions pass their public tests "
                  f"({got:g} of {total:g} points if the hidden tests pass too)."]
    return "\n".join(lines)


def cli(argv=None) -> int:
    """``python -m grader {release,grade,check,validate}``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ("release", "grade", "check", "validate")
    if not argv or argv[0] not in commands:
        print(f"usage: python -m grader {{{','.join(commands)}}} ...\n"
              "  release [--course DIR] [ASSIGNMENT ...]   student versions into <course>/release/\n"
              "  grade SUBMISSIONS [options]               same as course-grade\n"
              "  check NOTEBOOK                            same as course-check\n"
              "  validate [--course DIR]                   check the source notebooks' conventions",
              file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "grade":
        return main(rest)
    if command == "check":
        return check_main(rest)
    parser = argparse.ArgumentParser(prog=f"python -m grader {command}")
    parser.add_argument("--course", default="exercises", help="the exercises folder (default %(default)s)")
    if command == "release":
        parser.add_argument("assignments", nargs="*", help="default: every assignment in <course>/source")
    args = parser.parse_args(rest)
    from grader import _runner
    try:
        if command == "release":
            _runner.release(args.course, args.assignments or None)
        else:
            found = _runner.discover_assignments(_runner._course(args.course))
            for a in found:
                print(f"ok  {a.name}: {len(a.tests)} questions, {a.max_points:g} points")
    except (ValueError, RuntimeError) as err:
        print(f"{command}: {err}", file=sys.stderr)
        return 1
    return 0
