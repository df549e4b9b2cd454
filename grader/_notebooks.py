"""Reading nbgrader notebooks: assignments, their questions, and submissions.

An *assignment* is ``<course>/source/<name>/<name>.ipynb`` (one notebook per
chapter, named after the chapter). Its cells carry nbgrader metadata:

* **answer** cells (``solution: true``): the student's code;
* **test** cells (``grade: true``, ``locked: true``, ``points: n``): public
  asserts, then hidden ones between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS``;
* **read-only** cells (``locked: true``): imports and constants that both the
  student's code and the tests rely on.

Everything here is plain data processing, run by the trusted parent process.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Assignment",
    "Submission",
    "TestCell",
    "collect_submissions",
    "assignment_from_notebook",
    "discover_assignments",
    "guard_names",
    "guarded_student_cells",
    "load_assignment",
    "read_notebook",
    "student_cells",
    "validate_source",
]

#: Assignment names are chapter names: lower case, digits and underscores.
ASSIGNMENT_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
#: Student ids end up in file names, so no slashes, no leading dot, no spaces.
STUDENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"

#: Submissions larger than this are refused unread (a notebook of code is KBs).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class TestCell:
    """One graded test cell of an assignment.

    Attributes
    ----------
    grade_id : str
        nbgrader's id of the cell, also the question's column in the CSV.
    points : float
        Points earned when every assert in the cell passes.
    segments : tuple of (str, str)
        ``("public", code)`` and ``("hidden", code)`` pieces, run in order in
        one namespace; a single ``("mixed", code)`` piece if the hidden region
        cannot be run on its own (e.g. it sits inside an indented block).
    """

    __test__ = False  # not a pytest test class, despite the name

    grade_id: str
    points: float
    segments: tuple
    guard: tuple = ()


@dataclass(frozen=True)
class Assignment:
    """An assignment's source notebook, split into what grading needs.

    Attributes
    ----------
    name : str
        Chapter name, e.g. ``"ch00_neurons"``.
    path : pathlib.Path
        The source notebook (with solutions and hidden tests).
    tests : tuple of TestCell
        In notebook order.
    setup : tuple of (str, str)
        ``(grade_id, code)`` of read-only code cells, in notebook order.
    order : tuple of str
        grade_id of every nbgrader cell in notebook order (for re-inserting
        read-only cells a student deleted).
    guards : tuple of (str, tuple of str)
        ``(grade_id, names)`` of each answer cell whose question switches off library
        functions (metadata ``grader.guard``; see :mod:`grader._guard`).
    """

    name: str
    path: Path
    tests: tuple
    setup: tuple
    order: tuple
    guards: tuple = ()

    @property
    def guarded_names(self) -> tuple:
        """Every library function some question of the assignment switches off."""
        return tuple(sorted({name for _, names in self.guards for name in names}))

    @property
    def max_points(self) -> float:
        """Total points of the assignment."""
        return float(sum(t.points for t in self.tests))


@dataclass(frozen=True)
class Submission:
    """One student's notebook for one assignment."""

    student_id: str
    assignment: str
    path: Path


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def guard_names(cell) -> tuple:
    """The library functions an answer cell's question switches off (metadata ``grader.guard``)."""
    meta = cell.get("metadata", {}).get("grader", {})
    names = meta.get("guard", []) if isinstance(meta, dict) else []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return ()
    return tuple(names)


def assignment_from_notebook(nb, path: Path, name: str) -> Assignment:
    """The tests, read-only cells, order and guards of an (already read) exercise notebook.

    A test cell takes the guard of the answer cell(s) between it and the previous test cell.
    """
    tests, setup, order, guards = [], [], [], []
    pending: list[str] = []
    for cell in nb.cells:
        meta = _meta(cell)
        gid = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        if gid:
            order.append(gid)
        kind = cell_kind(cell)
        if kind == "answer" and gid:
            names = guard_names(cell)
            if names:
                guards.append((gid, names))
                pending.extend(n for n in names if n not in pending)
        elif kind == "test" and gid:
            points = meta.get("points", 0)
            numeric = isinstance(points, (int, float)) and not isinstance(points, bool)
            points = float(points) if numeric else 0.0
            tests.append(TestCell(gid, points, _segments(cell.source), tuple(pending)))
            pending = []
        elif kind == "readonly" and gid and cell.cell_type == "code":
            setup.append((gid, cell.source))
    return Assignment(name, path, tuple(tests), tuple(setup), tuple(order), tuple(guards))


def cell_kind(cell) -> str:
    """Classify a cell as ``answer``, ``test``, ``readonly``, ``manual``, ``task`` or ``plain``."""
    meta = _meta(cell)
    if meta.get("task"):
        return "task"
    if meta.get("solution"):
        return "manual" if meta.get("grade") else "answer"
    if meta.get("grade"):
        return "test" if cell.get("cell_type") == "code" else "manual"
    if meta.get("locked"):
        return "readonly"
    return "plain"


def read_notebook(path: Path):
    """Read a notebook as nbformat v4, refusing symlinks and oversized files.

    Raises
    ------
    ValueError
        If ``path`` is a symlink, too large, or not a readable notebook.
    """
    import nbformat
    path = Path(path)
    # A symlink in a submissions folder could point at the instructor's source
    # notebook (full marks for free) or another student's work.
    if path.is_symlink() or not path.is_file():
        raise ValueError(f"path must be a regular file, not a symlink or directory: {path}")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB: {path}")
    try:
        with open(path, encoding="utf-8") as fh:
            nb = nbformat.read(fh, as_version=4)
    except Exception as err:  # noqa: BLE001 - any parse failure means "not a notebook"
        raise ValueError(f"not a readable Jupyter notebook ({type(err).__name__}: {err})"[:500]) from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("not a readable Jupyter notebook (no cells)")
    return nb


def _split_regions(source: str, begin: str, end: str) -> tuple[list[str], list[str], bool]:
    """Return (lines outside, lines inside, balanced) for ``begin``/``end`` markers."""
    outside, inside, depth, ok = [], [], 0, True
    for line in source.split("\n"):
        if begin in line:
            ok = ok and depth == 0
            depth += 1
        elif end in line:
            ok = ok and depth == 1
            depth = max(0, depth - 1)
        elif depth:
            inside.append(line)
        else:
            outside.append(line)
    return outside, inside, ok and depth == 0


def _compiles(code: str) -> bool:
    try:
        compile(code, "<test>", "exec")
    except SyntaxError:
        return False
    return True


def _segments(source: str) -> tuple:
    """Split a test cell into a public part and a hidden part, run one after the other.

    Running them separately tells the student whether the public asserts they
    could see failed, or only hidden ones, without revealing the hidden code.
    Hidden regions are usually at the end; a public line that follows a hidden
    region still runs, as part of the hidden piece, in its original order.
    """
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if BEGIN_HIDDEN in line), None)
    if first is None:
        return (("public", source),)
    public = "\n".join(lines[:first])
    hidden = "\n".join(line for line in lines[first:] if BEGIN_HIDDEN not in line and END_HIDDEN not in line)
    if _compiles(public) and _compiles(hidden):
        return (("public", public), ("hidden", hidden))
    return (("mixed", source),)


def load_assignment(path: Path, name: str | None = None) -> Assignment:
    """Read a source notebook into an :class:`Assignment`.

    Raises
    ------
    ValueError
        If the notebook breaks the authoring convention (see
        :func:`validate_source` for the list).
    """
    path = Path(path)
    name = name or path.stem
    problems = validate_source(path)
    if problems:
        raise ValueError(f"assignment {name!r} ({path}) breaks the authoring convention:\n  - "
                         + "\n  - ".join(problems))
    return assignment_from_notebook(read_notebook(path), path, name)


def validate_source(path: Path) -> list[str]:
    """List the ways a source notebook breaks the authoring convention.

    Checks: it is a Python notebook; grade_ids are present and unique; every
    test cell is a locked code cell with positive points; solution and hidden
    markers are balanced and only appear in answer and test cells
    respectively; answer and test code parses; and there is at least one test.

    Returns
    -------
    list of str
        Empty when the notebook is fine.
    """
    try:
        nb = read_notebook(Path(path))
    except ValueError as err:
        return [str(err)]
    problems = []
    lang = nb.metadata.get("kernelspec", {}).get("language", "python")
    if lang != "python":
        problems.append(f"kernel language must be python, got {lang!r}")
    seen = set()
    n_tests = 0
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        meta = _meta(cell)
        kind = cell_kind(cell)
        src = cell.get("source", "")
        if meta:
            gid = meta.get("grade_id")
            if not gid or not isinstance(gid, str):
                problems.append(f"{where}: nbgrader cell without a grade_id")
            elif gid in seen:
                problems.append(f"{where}: duplicate grade_id {gid!r}")
            else:
                seen.add(gid)
                where = f"cell {index} ({gid})"
        has_sol = BEGIN_SOLUTION in src or END_SOLUTION in src
        has_hidden = BEGIN_HIDDEN in src or END_HIDDEN in src
        if has_sol and kind not in ("answer", "manual"):
            problems.append(f"{where}: solution markers outside an answer cell")
        if has_sol and not _split_regions(src, BEGIN_SOLUTION, END_SOLUTION)[2]:
            problems.append(f"{where}: unbalanced {BEGIN_SOLUTION}/{END_SOLUTION} markers")
        if has_hidden and kind != "test":
            problems.append(f"{where}: hidden-test markers outside a test cell")
        if has_hidden and not _split_regions(src, BEGIN_HIDDEN, END_HIDDEN)[2]:
            problems.append(f"{where}: unbalanced {BEGIN_HIDDEN}/{END_HIDDEN} markers")
        if kind == "test":
            n_tests += 1
            points = meta.get("points")
            if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
                problems.append(f"{where}: test cell needs points > 0, got {points!r}")
        names = cell.get("metadata", {}).get("grader", {}).get("guard") \
            if isinstance(cell.get("metadata", {}).get("grader"), dict) else None
        if names is not None:
            problems.extend(f"{where}: {p}" for p in _guard_problems(names, kind))
        if kind in ("answer", "test", "readonly") and cell.cell_type == "code":
            try:
                ast.parse(src)
            except SyntaxError as err:
                problems.append(f"{where}: code does not parse ({err.msg}, line {err.lineno})")
    if n_tests == 0:
        problems.append("no autograded test cells (grade: true, points > 0)")
    return problems


def _guard_problems(names, kind: str) -> list[str]:
    if kind != "answer":
        return ["grader.guard metadata belongs on an answer cell"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return ["grader.guard must be a list of dotted names such as 'nslib.rl.rescorla_wagner'"]
    from grader._guard import resolve

    problems = []
    for name in names:
        try:
            resolve(name)
        except ValueError as err:
            problems.append(str(err))
    return problems


def discover_assignments(course_dir: Path) -> list[Assignment]:
    """Find every assignment under ``<course_dir>/source``, sorted by name.

    A folder counts as an assignment if its name matches ``[a-z0-9][a-z0-9_]*``
    and it holds a notebook of the same name. Other folders (checkpoints,
    drafts starting with ``_``) are ignored.

    Raises
    ------
    ValueError
        If ``course_dir`` has no ``source`` folder, or an assignment folder
        lacks its notebook or breaks the convention.
    """
    source = Path(course_dir) / "source"
    if not source.is_dir():
        raise ValueError(f"course_dir must contain a source/ folder; none in {Path(course_dir).resolve()}")
    found = []
    for folder in sorted(source.iterdir()):
        if not folder.is_dir() or not ASSIGNMENT_RE.match(folder.name):
            continue
        nb_path = folder / f"{folder.name}.ipynb"
        if not nb_path.is_file():
            raise ValueError(f"assignment folder {folder} must contain {nb_path.name}")
        found.append(load_assignment(nb_path, folder.name))
    return found


def collect_submissions(folder: Path, assignment_names, rejected: list | None = None
                        ) -> tuple[list[Submission], list[str]]:
    """Find submitted notebooks in ``folder``.

    Two layouts are accepted, and may be mixed:

    * flat: ``<student_id>_<assignment>.ipynb``;
    * nbgrader (``zip_collect``/``collect``): ``<student_id>/<assignment>/<assignment>.ipynb``.

    Parameters
    ----------
    folder : path
    assignment_names : iterable of str
    rejected : list, optional
        If given, every submission of a known assignment whose student id is
        refused (not a plain name, see ``STUDENT_ID_RE``) is appended to it as
        a :class:`Submission`, so that the caller can put that student on the
        grade sheet. Such submissions are never read, and are also listed in
        ``skipped``.

    Returns
    -------
    submissions : list of Submission
        Sorted by (assignment, student_id).
    skipped : list of str
        Human-readable reasons for every file that was not taken.

    Raises
    ------
    ValueError
        If ``folder`` is not a directory, or one student submitted the same
        assignment twice.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"submissions must be a folder; got {folder}")
    names = sorted(assignment_names, key=len, reverse=True)  # longest suffix wins
    found: dict[tuple[str, str], Path] = {}
    skipped = []

    def add(student: str, assignment: str, path: Path) -> None:
        if not STUDENT_ID_RE.match(student):
            skipped.append(f"{path}: student id {student!r} is not a plain name")
            if rejected is not None:
                rejected.append(Submission(student, assignment, path))
        elif path.is_symlink():
            skipped.append(f"{path}: symlinks are not accepted")
        elif (student, assignment) in found:
            raise ValueError(f"two submissions of {assignment} by {student}: "
                             f"{found[student, assignment]} and {path}")
        else:
            found[student, assignment] = path

    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            stem = entry.stem
            match = next((a for a in names if stem.endswith("_" + a) and len(stem) > len(a) + 1), None)
            if match is None:
                skipped.append(f"{entry}: name is not <student_id>_<assignment>.ipynb "
                               f"for a known assignment ({', '.join(sorted(names))})")
            else:
                add(stem[: -len(match) - 1], match, entry)
        elif entry.is_dir() and not entry.is_symlink():
            for sub in sorted(entry.iterdir()):
                if sub.name in names and sub.is_dir() and not sub.is_symlink():
                    nb_path = sub / f"{sub.name}.ipynb"
                    if nb_path.exists() or nb_path.is_symlink():
                        add(entry.name, sub.name, nb_path)
                    else:
                        skipped.append(f"{sub}: no {sub.name}.ipynb inside")
        elif not entry.name.endswith((".zip", ".txt", ".csv")):
            skipped.append(f"{entry}: not a notebook")
    subs = [Submission(s, a, p) for (s, a), p in found.items()]
    return sorted(subs, key=lambda s: (s.assignment, s.student_id)), skipped


def student_cells(nb, assignment: Assignment) -> list[tuple[str, str]]:
    """The code cells to run for a submission, as ``(label, code)`` pairs.

    Like nbgrader's autograde: the student's cells in the student's order,
    except that test cells are dropped (the judge runs the instructor's
    versions, hidden tests included, in a separate process) and read-only
    cells are replaced by the source's version. Read-only cells the student
    deleted are put back before the first cell that followed them in the source.
    """
    return [(label, code) for label, code, _ in guarded_student_cells(nb, assignment)]


def guarded_student_cells(nb, assignment: Assignment) -> list[tuple[str, str, tuple]]:
    """:func:`student_cells`, each with the library functions switched off while it runs.

    The guards come from the source (``assignment``), never from the submission: an answer
    cell takes its question's guard, and a cell the student added takes the guard of the
    answer cell above it (up to the next test cell); read-only cells run unguarded.
    """
    setup = dict(assignment.setup)
    guards = dict(assignment.guards)
    tests = {t.grade_id for t in assignment.tests}
    position = {gid: i for i, gid in enumerate(assignment.order)}
    cells: list[tuple[str, str, int | None, tuple]] = []
    present = set()
    region: tuple = ()
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        gid = _meta(cell).get("grade_id")
        gid = gid if isinstance(gid, str) else None
        source = cell.get("source", "")
        if not isinstance(source, str):
            source = "".join(source) if isinstance(source, list) else ""
        if gid in tests:
            region = ()
            continue
        label = f"cell {index}" + (f" ({gid})" if gid else "")
        if gid in setup:
            present.add(gid)
            cells.append((label, setup[gid], position[gid], ()))
        else:
            if gid in guards:
                region = guards[gid]
            elif gid in position:
                region = ()
            cells.append((label, source, position.get(gid), region))
    for gid, code in assignment.setup:
        if gid in present:
            continue
        pos = position[gid]
        at = next((i for i, c in enumerate(cells) if c[2] is not None and c[2] > pos), len(cells))
        cells.insert(at, (f"read-only cell {gid} (restored)", code, pos, ()))
    return [(label, code, guard) for label, code, _, guard in cells]
