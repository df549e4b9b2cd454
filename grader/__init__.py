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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["merge"]:
        return _merge_main(argv[1:])
    if argv[:1] == ["export"]:
        return _export_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="course-grade",
        description="Autograde submitted notebooks in a sandbox; write grades.csv, a class report per "
                    "assignment and feedback HTML. Also: `course-grade merge OUT SHARD_DIR...` joins "
                    "sharded runs; `course-grade export --format canvas|moodle|csv GRADED_DIR` writes "
                    "the grades for a gradebook.")
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
    parser.add_argument("--shard", default=None, metavar="K/N",
                        help="grade only shard K of N (by a hash of the student id); join the N "
                             "output folders with `course-grade merge`")
    _limit_args(parser, 30.0)
    parser.add_argument("--max-tasks", type=int, default=16, help="processes+threads per sandbox")
    args = parser.parse_args(argv)
    shard = None
    if args.shard is not None:
        k, _, n = args.shard.partition("/")
        if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
            parser.error(f"--shard must be K/N with integers 1 <= K <= N; got {args.shard!r}")
        shard = (int(k), int(n))
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
            shard=shard,
            progress=Progress(sys.stderr),
        )
    except ValueError as err:
        print(f"course-grade: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"course-grade: {err}", file=sys.stderr)
        return 1
    # Unreadable notebooks are graded 0; only a failure of the grader itself is an error.
    return 1 if any(r.status == "grading error" for r in report.results) else 0


class Progress:
    """A progress line for ``course-grade``: a bar with a time estimate on a terminal, one line per
    submission otherwise (a log file, CI)."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, seconds: float, label: str) -> None:
        left = seconds / done * (total - done) if done else 0.0
        eta = f"{int(left // 60)}m{int(left % 60):02d}s left"
        if self.tty:
            filled = int(self.width * done / max(total, 1))
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {done}/{total}  {seconds:.0f} s, about {eta}   ")
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(f"graded {done}/{total}: {label} ({seconds:.1f} s so far, about {eta})\n")
        self.stream.flush()


def _merge_main(argv) -> int:
    parser = argparse.ArgumentParser(
        prog="course-grade merge",
        description="Join the output folders of sharded runs (course-grade --shard K/N) into one: "
                    "grades.csv, the class reports, results.json and feedback, as one run would write.")
    parser.add_argument("out", help="output folder of the merged grades")
    parser.add_argument("shards", nargs="+", help="the shards' output folders")
    parser.add_argument("--course", default="exercises", help="the exercises folder (default %(default)s)")
    args = parser.parse_args(argv)
    from grader._runner import merge
    try:
        merge(args.out, args.shards, args.course)
    except ValueError as err:
        print(f"course-grade merge: {err}", file=sys.stderr)
        return 2
    return 0


def _export_main(argv) -> int:
    from grader._class_report import EXPORT_FORMATS, export_grades
    parser = argparse.ArgumentParser(
        prog="course-grade export",
        description="Write the grades of a graded folder for a gradebook: Canvas's or Moodle's CSV "
                    "import, or a plain CSV (one row per student, one column per assignment).")
    parser.add_argument("graded", help="a course-grade output folder (it holds results.json)")
    parser.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    parser.add_argument("--out", default=None, help="file to write (default <graded>/<format>.csv)")
    args = parser.parse_args(argv)
    import json
    from pathlib import Path

    from grader._runner import StudentResult
    path = Path(args.graded) / "results.json"
    if not path.is_file():
        print(f"course-grade export: {args.graded} has no results.json", file=sys.stderr)
        return 2
    data = json.loads(path.read_text(encoding="utf-8"))
    results = [StudentResult.from_dict(r) for r in data.get("results", [])]
    names = sorted({r.assignment for r in results})
    out = Path(args.out) if args.out else Path(args.graded) / f"{args.format}.csv"
    out.write_text(export_grades(results, names, args.format), encoding="utf-8")
    print(f"{args.format}: {out}")
    return 0


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
