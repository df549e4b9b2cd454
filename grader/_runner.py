"""Release, grade and check: what the command-line tools call."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from grader._notebooks import (
    Assignment,
    assignment_from_notebook,
    collect_submissions,
    discover_assignments,
    guarded_student_cells,
    read_notebook,
)
from grader._sandbox import UID_BASE, Limits, require_bwrap, worker_process

__all__ = ["CheckReport", "GradeReport", "StudentResult", "check", "grade", "merge", "release",
           "shard_of"]

#: Extra wall time the parent allows a judge beyond the notebook limit.
_JUDGE_GRACE_S = 60.0
#: uids per submission; each worker (re)start of that submission takes the next one.
_UIDS_PER_SUBMISSION = 64


@dataclass(frozen=True)
class StudentResult:
    """The grade of one submission.

    Attributes
    ----------
    student_id, assignment : str
    score, max_score : float
    status : str
        ``"graded"``, ``"unreadable"`` (not a notebook), ``"rejected"`` (the
        student id taken from the file or folder name is not a plain name, so the
        notebook was not read; 0 points) or ``"grading error"``.
    tests : tuple of dict
        Per test cell: ``grade_id``, ``passed``, ``points``, ``max_points``, ``message``.
    cells : tuple of dict
        Per student cell: ``label``, ``status`` (ok, error, timeout, crashed, memory, skipped), ``message``.
    regraded : bool
        True if a timeout or SIGKILL led to grading this submission again,
        alone, so that other submissions' load could not have caused it.
    message : str
        Why the status is not ``"graded"``.
    sandbox : dict
        The worker's report on its sandbox: ``uid``, ``cap_eff``, ``no_new_privs``.
    seconds : float
        Wall time of grading it (0 when it was not run).
    """

    student_id: str
    assignment: str
    score: float
    max_score: float
    status: str
    tests: tuple = ()
    cells: tuple = ()
    regraded: bool = False
    message: str = ""
    sandbox: dict = field(default_factory=dict, repr=False)
    load_sensitive: bool = field(default=False, repr=False)
    seconds: float = field(default=0.0, repr=False)

    def to_dict(self) -> dict:
        """JSON-compatible form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> StudentResult:
        """Read back :meth:`to_dict` (a shard's ``results.json``)."""
        names = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in names}
        data["tests"] = tuple(data.get("tests", ()))
        data["cells"] = tuple(data.get("cells", ()))
        return cls(**data)


@dataclass(frozen=True)
class GradeReport:
    """What :func:`grade` did: results and where it wrote them."""

    results: tuple
    skipped: tuple
    csv_path: Path
    json_path: Path
    feedback_dir: Path

    def score(self, student_id: str, assignment: str) -> float:
        """Score of one submission.

        Raises
        ------
        KeyError
            If there is no such submission.
        """
        for r in self.results:
            if r.student_id == student_id and r.assignment == assignment:
                return r.score
        raise KeyError(f"no submission of {assignment!r} by {student_id!r}")


def _default_course() -> Path:
    return Path("exercises")


def _course(course_dir) -> Path:
    course = Path(course_dir if course_dir is not None else _default_course()).resolve()
    if not (course / "source").is_dir():
        raise ValueError(f"course_dir must be the exercises folder holding source/; got {course}")
    return course


def release(course_dir=None, assignments=None, *, log=print) -> list[Path]:
    """Generate the student version of every assignment with nbgrader.

    Runs ``nbgrader generate_assignment NAME --force`` for each assignment in
    ``<course_dir>/source``; the student notebooks land in
    ``<course_dir>/release/NAME/NAME.ipynb`` without solutions or hidden tests.

    Parameters
    ----------
    course_dir : path, optional
        The exercises folder (default ``./exercises``).
    assignments : iterable of str, optional
        Only these assignments (default: all discovered).
    log : callable
        Where progress lines go.

    Returns
    -------
    list of pathlib.Path
        The release notebooks.

    Raises
    ------
    ValueError
        If an assignment is unknown or breaks the authoring convention.
    RuntimeError
        If nbgrader fails.
    """
    course = _course(course_dir)
    found = {a.name: a for a in discover_assignments(course)}
    names = list(found) if assignments is None else list(assignments)
    unknown = [n for n in names if n not in found]
    if unknown:
        raise ValueError(f"assignments {unknown} not found; known: {sorted(found)}")
    out = []
    for name in names:
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
               f"--CourseDirectory.root={course}", "--log-level=WARN"]
        # nbgrader shells out to `alembic`, which lives next to this interpreter
        # even when the virtualenv is not activated.
        env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                                     os.environ.get("PATH", "")]))
        proc = subprocess.run(cmd, cwd=course, capture_output=True, text=True, timeout=900, env=env)
        notebook = course / "release" / name / f"{name}.ipynb"
        if proc.returncode != 0 or not notebook.is_file():
            raise RuntimeError(f"nbgrader generate_assignment {name} failed "
                               f"(exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
        log(f"released {name}: {notebook}")
        out.append(notebook)
    return out


def _job(assignment: Assignment, cells, limits: Limits, show_hidden: bool) -> dict:
    """The judge's job: ``cells`` are ``(label, code, guard)`` (:func:`guarded_student_cells`)."""
    return {
        "cells": [[label, code] for label, code, _ in cells],
        "cell_guards": [list(guard) for _, _, guard in cells],
        "guards": list(assignment.guarded_names),
        "setup": [list(s) for s in assignment.setup],
        "tests": [{"grade_id": t.grade_id, "points": t.points, "segments": [list(s) for s in t.segments],
                   "guard": list(t.guard)}
                  for t in assignment.tests],
        "limits": limits.to_dict(),
        "show_hidden": show_hidden,
    }


def _result(sub, assignment: Assignment, status: str, message: str = "", raw: dict | None = None,
            regraded: bool = False, seconds: float = 0.0) -> StudentResult:
    raw = raw or {}
    tests = tuple(raw.get("tests", ()))
    if not tests:
        tests = tuple({"grade_id": t.grade_id, "max_points": t.points, "points": 0.0, "passed": False,
                       "failed_part": None, "message": "not graded", "load_sensitive": False}
                      for t in assignment.tests)
    setup_errors = raw.get("setup_errors") or []
    if setup_errors:  # an authoring bug, not the student's fault: make it visible
        message = (
            (message + "\n" if message else "")
            + "read-only cells failed in the judge: "
            + "; ".join(setup_errors)
        )
    return StudentResult(
        student_id=sub.student_id, assignment=sub.assignment,
        score=float(sum(t["points"] for t in tests)), max_score=assignment.max_points,
        status=status, tests=tests, cells=tuple(raw.get("cells", ())), regraded=regraded,
        message=message, sandbox=dict(raw.get("sandbox") or {}),
        load_sensitive=bool(raw.get("load_sensitive")) or status == "grading error",
        seconds=round(seconds, 3))


def _grade_one(sub, assignment: Assignment, limits: Limits, *, uid_base: int, secrets, workdir: Path,
               show_hidden: bool, regraded: bool = False) -> StudentResult:
    """Grade one submission in its own judge process (which starts the sandboxed worker)."""
    try:
        nb = read_notebook(sub.path)
    except ValueError as err:
        return _result(sub, assignment, "unreadable", str(err))
    job = _job(assignment, guarded_student_cells(nb, assignment), limits, show_hidden)
    job.update(sandbox=True, uid_base=uid_base, secrets=[str(s) for s in secrets])
    stem = f"{sub.assignment}--{sub.student_id}--{'2' if regraded else '1'}"
    job_path, result_path = workdir / f"{stem}.job.json", workdir / f"{stem}.result.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    timeout = limits.notebook_timeout_s + limits.startup_timeout_s + _JUDGE_GRACE_S
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "grader._judge", str(job_path), str(result_path)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout, cwd=workdir, start_new_session=True)
    except subprocess.TimeoutExpired:
        return _result(sub, assignment, "grading error", f"grading took longer than {timeout:g} s",
                       regraded=regraded)
    if proc.returncode != 0 or not result_path.is_file():
        tail = proc.stderr.decode("utf-8", "replace")[-2000:]
        return _result(sub, assignment, "grading error", f"the judge failed (exit {proc.returncode}): {tail}",
                       regraded=regraded)
    raw = json.loads(result_path.read_text(encoding="utf-8"))
    return _result(sub, assignment, "graded", raw=raw, regraded=regraded,
                   seconds=time.monotonic() - started)


def preflight(limits: Limits, secrets=()) -> dict:
    """Start one sandboxed worker and run a trivial cell, or explain what is wrong.

    Grading every student 0 because the sandbox cannot start would be worse
    than not grading, so :func:`grade` calls this first.

    Returns
    -------
    dict
        The worker's self-report (its uid, capabilities, no_new_privs).

    Raises
    ------
    RuntimeError
        If bwrap is missing or the sandbox does not start.
    """
    from grader._judge import WorkerClient, WorkerFailure
    require_bwrap()
    try:
        # Build the grader's matplotlib font list once; workers get a copy of
        # it instead of each spending a second rebuilding it.
        import matplotlib.font_manager  # noqa: F401
    except ImportError:  # pragma: no cover - matplotlib is a dependency of nslib
        pass

    def start(n):
        return worker_process(limits, sandbox=True, uid=UID_BASE - 1 - n, secrets=secrets)

    client = WorkerClient(start, limits.to_dict(), [], time.monotonic() + limits.startup_timeout_s + 30)
    try:
        reply = client.request({"op": "exec", "code": "import numpy\nx = 1 + 1"}, limits.startup_timeout_s)
    except WorkerFailure as err:
        raise RuntimeError(
            f"the grading sandbox does not start ({err}). Check that `bwrap --unshare-pid --unshare-net "
            "--ro-bind / / true` works on this machine (user namespaces must be enabled when not root)."
        ) from None
    finally:
        client.kill()
    if not reply.get("ok"):
        raise RuntimeError(f"the grading sandbox cannot run Python code: {reply.get('error')}")
    report = client.sandbox_report or {}
    if os.geteuid() == 0 and report.get("uid") == 0:
        raise RuntimeError("the grading sandbox still runs as root; refusing to grade")
    return report


def grade(
    submissions,
    course_dir=None,
    out_dir=None,
    *,
    limits: Limits | None = None,
    jobs: int | None = None,
    assignments=None,
    show_hidden: bool = False,
    shard: tuple[int, int] | None = None,
    progress=None,
    log=print,
) -> GradeReport:
    """Autograde a folder of submitted notebooks in the sandbox; write CSV and feedback.

    Parameters
    ----------
    submissions : path
        Folder of ``<student_id>_<assignment>.ipynb`` files, or nbgrader's
        ``<student_id>/<assignment>/<assignment>.ipynb`` layout.
    course_dir : path, optional
        The exercises folder with ``source/`` (default ``./exercises``).
    out_dir : path, optional
        Where ``grades.csv``, ``results.json`` and ``feedback/`` go
        (default ``<course_dir>/autograded``).
    limits : Limits, optional
        Time, memory and process limits per submission.
    jobs : int, optional
        Submissions graded side by side (default: number of CPUs, at most 4).
    assignments : iterable of str, optional
        Only grade these assignments.
    show_hidden : bool
        Put the message of a failing hidden assert in the feedback.
    shard : (int, int), optional
        ``(k, n)``: grade only shard ``k`` of ``n`` (1 <= k <= n), the students whose id falls in
        it (:func:`shard_of`), so that ``n`` machines can share a class; :func:`merge` joins the
        shards' output folders.
    progress : callable, optional
        ``progress(done, total, seconds_so_far, label)`` after each submission (the CLI draws a
        bar with a time estimate).
    log : callable
        Where progress lines go.

    Returns
    -------
    GradeReport

    Raises
    ------
    ValueError
        If a folder is missing or a student submitted an assignment twice.
    RuntimeError
        If bubblewrap is missing or the sandbox does not start.
    """
    limits = limits or Limits()
    course = _course(course_dir)
    sub_dir = Path(submissions).resolve()
    out = Path(out_dir).resolve() if out_dir is not None else course / "autograded"
    if jobs is None:
        jobs = max(1, min(4, os.cpu_count() or 1))
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer; got {jobs!r}")
    found = {a.name: a for a in discover_assignments(course)}
    if assignments is not None:
        unknown = [n for n in assignments if n not in found]
        if unknown:
            raise ValueError(f"assignments {unknown} not found; known: {sorted(found)}")
        found = {n: found[n] for n in assignments}
    rejected = []
    subs, skipped = collect_submissions(sub_dir, found, rejected)
    if shard is not None:
        k, n_shards = _check_shard(shard)
        subs = [s for s in subs if shard_of(s.student_id, n_shards) == k]
        rejected = [s for s in rejected if shard_of(s.student_id, n_shards) == k]
        skipped = [line for line in skipped if shard_of(line, n_shards) == k]
    for line in skipped:
        log(f"skipped {line}")
    # Folders student code must never see; checked against every path bound
    # into the sandbox (they are not bound, this guards against a venv or
    # checkout of nslib and the grader living inside one of them).
    secrets = [course, sub_dir, out]
    preflight(limits, secrets)
    workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(workdir, 0o700)
    n = len(subs)

    def one(i_sub, regraded=False):
        i, sub = i_sub
        # Phase 2 uses a different uid block than phase 1.
        uid_base = UID_BASE + _UIDS_PER_SUBMISSION * (i + (n if regraded else 0))
        return _grade_one(sub, found[sub.assignment], limits, uid_base=uid_base, secrets=secrets,
                          workdir=workdir, show_hidden=show_hidden, regraded=regraded)

    try:
        t0 = time.monotonic()
        results: list = [None] * n
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(one, item): item[0] for item in enumerate(subs)}
            for done, future in enumerate(as_completed(futures), start=1):
                i = futures[future]
                results[i] = future.result()
                if progress is not None:
                    progress(done, n, time.monotonic() - t0, f"{subs[i].student_id} {subs[i].assignment}")
        # A timeout (or a SIGKILL, maybe from the out-of-memory killer) while
        # other submissions ran alongside might be the machine's load, not
        # this student's code: grade those again, alone, and keep that result.
        if jobs > 1 and n > 1:
            for i, r in enumerate(results):
                if r.load_sensitive:
                    log(f"re-grading {r.student_id} {r.assignment} alone (a timeout or SIGKILL happened)")
                    results[i] = one((i, subs[i]), regraded=True)
        # A refused student id must still reach the grade sheet, with 0
        # points, or that student would silently disappear from it.
        results += [_rejected(sub, found[sub.assignment], sub_dir) for sub in rejected]
        results.sort(key=lambda r: (r.assignment, r.student_id))
        run = {"seconds": round(time.monotonic() - t0, 3), "jobs": jobs, "submissions": n,
               "shard": None if shard is None else f"{shard[0]}/{shard[1]}"}
        paths = _write(results, found, out, skipped, run)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for r in results:
        who = repr(r.student_id) if r.status == "rejected" else r.student_id
        log(f"{r.assignment}  {who}: {r.score:g} / {r.max_score:g}"
            + ("" if r.status == "graded" else f"  ({r.status})"))
    log(f"graded {n} submission(s) in {time.monotonic() - t0:.1f} s"
        + (f"; {len(rejected)} with a refused student id listed as rejected" if rejected else ""))
    log(f"grades:   {paths['csv']}")
    log(f"feedback: {paths['feedback']}/<student_id>/<assignment>.html")
    return GradeReport(tuple(results), tuple(skipped), paths["csv"], paths["json"], paths["feedback"])


def _rejected(sub, assignment: Assignment, sub_dir: Path) -> StudentResult:
    """The grade-sheet row of a submission whose student id was refused: 0 points, not read."""
    try:
        where = str(sub.path.relative_to(sub_dir))
    except ValueError:  # pragma: no cover - collect_submissions only returns paths inside sub_dir
        where = str(sub.path)
    return _result(sub, assignment, "rejected",
                   f"not graded: the student id {sub.student_id!r} (from {where!r}) is not a plain name "
                   "(up to 100 letters, digits and _.@+-, starting with a letter or digit); rename it "
                   "and grade again")


def _write(results, found, out, skipped, run=None):
    from grader._report import write_reports
    return write_reports(results, found, out, skipped, run=run)


def shard_of(student_id: str, n_shards: int) -> int:
    """The shard (1..n_shards) a student's submissions belong to: a hash of the id, so every
    machine computes the same split without talking to the others."""
    import hashlib

    digest = hashlib.sha256(str(student_id).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % n_shards + 1


def _check_shard(shard) -> tuple[int, int]:
    try:
        k, n = (int(x) for x in shard)
    except (TypeError, ValueError):
        raise ValueError(f"shard must be K/N with integers 1 <= K <= N; got {shard!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"shard must be K/N with integers 1 <= K <= N; got {k}/{n}")
    return k, n


def merge(out_dir, shard_dirs, course_dir=None, *, log=print) -> GradeReport:
    """Join the output folders of sharded runs (``course-grade --shard K/N``) into one.

    Writes the same ``grades.csv``, per-assignment CSVs and reports, ``results.json`` and
    feedback as one run over the whole class would.

    Raises
    ------
    ValueError
        If a folder has no ``results.json``, or two shards graded the same submission.
    """
    course = _course(course_dir)
    found = {a.name: a for a in discover_assignments(course)}
    results, skipped, seen, runs = [], [], {}, []
    for folder in shard_dirs:
        path = Path(folder) / "results.json"
        if not path.is_file():
            raise ValueError(f"shard_dirs: {folder} has no results.json (is it a course-grade output?)")
        data = json.loads(path.read_text(encoding="utf-8"))
        runs.append(data.get("run") or {})
        skipped += data.get("skipped", [])
        for item in data.get("results", []):
            r = StudentResult.from_dict(item)
            key = (r.assignment, r.student_id)
            if key in seen:
                raise ValueError(f"shard_dirs: {r.student_id}'s {r.assignment} is in both {seen[key]} "
                                 f"and {folder}; were the shards taken from different splits?")
            seen[key] = folder
            results.append(r)
    results.sort(key=lambda r: (r.assignment, r.student_id))
    used = {r.assignment for r in results}
    run = {"seconds": round(sum(r.get("seconds", 0.0) for r in runs), 3),
           "jobs": max((r.get("jobs", 1) for r in runs), default=1),
           "submissions": sum(r.get("submissions", 0) for r in runs), "shards": len(runs)}
    paths = _write(results, {n: a for n, a in found.items() if n in used}, Path(out_dir).resolve(),
                   sorted(skipped), run)
    log(f"merged {len(results)} result(s) from {len(runs)} shard(s) into {paths['csv']}")
    return GradeReport(tuple(results), tuple(sorted(skipped)), paths["csv"], paths["json"],
                       paths["feedback"])


@dataclass(frozen=True)
class CheckReport:
    """Result of checking a notebook against its own (public) tests."""

    notebook: Path
    tests: tuple
    cells: tuple

    @property
    def passed(self) -> bool:
        """True if every test cell passed."""
        return all(t["passed"] for t in self.tests)


def check(notebook, *, limits: Limits | None = None) -> CheckReport:
    """Run a notebook's own test cells against its answers, like the grader does.

    Meant for students: the notebook's cells run top to bottom in a separate
    Python process (not sandboxed: it is the student's own code on their own
    machine), then each test cell runs against the answers. Hidden tests are
    not in a student's notebook, so only public tests run.

    Parameters
    ----------
    notebook : path
        A notebook from ``exercises/release`` (or a source notebook).
    limits : Limits, optional

    Raises
    ------
    ValueError
        If the file is not a notebook or has no test cells.
    """
    from grader._judge import run_job
    path = Path(notebook)
    nb = read_notebook(path)
    assignment = assignment_from_notebook(nb, path, path.stem)
    if not assignment.tests:
        raise ValueError(f"notebook has no test cells (cells with nbgrader grade: true): {path}; "
                         "is it a course exercise notebook?")
    limits = limits or Limits()
    job = _job(assignment, guarded_student_cells(nb, assignment), limits, show_hidden=True)
    cwd = str(path.resolve().parent)
    raw = run_job(job, lambda n: worker_process(limits, sandbox=False, cwd=cwd))
    return CheckReport(path, tuple(raw["tests"]), tuple(raw["cells"]))
