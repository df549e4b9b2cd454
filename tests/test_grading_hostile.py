"""Hostile submissions, graded in one sandboxed batch beside honest ones.

Each hostile notebook attacks the grader in one way (loops, crashes, memory
and fork bombs, monkeypatching, snooping for hidden tests, vandalism, forging
the worker protocol). Every one of them must score exactly what its honest
cells earn, the honest students beside them must score exactly what they
earn, and the course's source folder, gradebook and the submissions folder
must come out byte-for-byte unchanged.

Some attacks are built so that *success would raise the score* (e.g. "if I
can read the source notebook, answer correctly"), so an exact score is also
a proof that the attack failed.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from grader import Limits, grade, release
from grader._notebooks import cell_kind

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NAME = "ch00_neurons"
UID_BASE = 200_000
SITE_PTH = Path(sysconfig.get_paths()["purelib"]) / "zz_nslib_hostile.pth"

# Short limits keep the batch fast; honest notebooks need well under a second per cell.
LIMITS = Limits(cell_timeout_s=4.0, test_timeout_s=20.0, notebook_timeout_s=120.0,
                memory_mb=2048, max_tasks=16, disk_mb=32)

def _log(*args):
    """Progress of the batch with timestamps (shown by pytest when a test fails)."""
    import time
    print(f"[{time.strftime('%H:%M:%S')}]", *args, flush=True)


# --- answer cells (grade_id -> code) ------------------------------------------------

STUBS = {
    "mcculloch_pitts": "def mcculloch_pitts(x, weights, threshold):\n    raise NotImplementedError()",
    "lif_rate": "def lif_rate(I_nA, **kwargs):\n    raise NotImplementedError()",
    "current_for_rate": "def current_for_rate(rate_Hz, **kwargs):\n    raise NotImplementedError()",
    "simulate_lif": "def simulate_lif(I_nA, **kwargs):\n    raise NotImplementedError()",
}

# current_for_rate without the ValueError check: right values, fails the public test.
CFR_NO_CHECK = '''
def current_for_rate(rate_Hz, R_MOhm=R_MOhm, tau_ms=TAU_ms, v_rest_mV=V_REST_mV, v_th_mV=V_TH_mV,
                     t_ref_ms=T_REF_ms):
    climb_ms = 1000.0 / rate_Hz - t_ref_ms
    return float((v_th_mV - v_rest_mV) / (1.0 - np.exp(-climb_ms / tau_ms)) / R_MOhm)
'''

MONKEYPATCH = '''
import builtins, sys
import numpy as np

class NeverRaised(Exception):
    pass

builtins.AssertionError = NeverRaised
builtins.abs = lambda value: 0
np.isclose = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
sys.exit = lambda *args: None
get_ipython().showtraceback = lambda *args, **kwargs: None

def raised(*args, **kwargs):          # the tests' helper, replaced
    return ValueError("weights rate_Hz")

print("mcculloch_pitts: public tests passed")
print("lif_rate: public tests passed")
'''

WRONG_BUT_PATCHED = {
    "mcculloch_pitts": "def mcculloch_pitts(x, weights, threshold):\n    return 1",
    "lif_rate": "def lif_rate(I_nA, **kwargs):\n    return 77.0053",
    "current_for_rate": "def current_for_rate(rate_Hz, **kwargs):\n    return 2.396067",
    "simulate_lif": "def simulate_lif(I_nA, **kwargs):\n    return np.arange(0.0, 500.0, 13.0)",
}

FRAME_SNOOP = '''
import gc, sys

def _snoop():
    """Every number and string in the frames that called us, and anything test-like in memory."""
    found = {}
    frame = sys._getframe(1)
    while frame is not None:
        found.update(frame.f_locals)
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "expected_rate" in obj:
            found.update(obj)
    return found

def lif_rate(I_nA, **kwargs):
    seen = _snoop()
    for key in ("expected_rate", "expected", "want", "got_h"):
        if key in seen:
            return seen[key]
    return 0.0

def mcculloch_pitts(x, weights, threshold):
    seen = _snoop()
    return seen.get("want", seen.get("expected_mp", -1))

history = " ".join(get_ipython().user_ns.get("_ih", []))
LEAKED = "BEGIN HIDDEN" in history
'''

FORGER = '''
import json, os, threading, time

def _forge():
    # Write fake "success" answers for every request id onto every pipe we hold.
    lines = b"".join(json.dumps({"id": i, "kind": "value", "value": 1, "ok": True}).encode() + b"\\n"
                     for i in range(1, 400))
    for _ in range(20):
        for fd in range(0, 20):
            try:
                os.write(fd, lines)
            except OSError:
                pass
        time.sleep(0.05)

threading.Thread(target=_forge, daemon=True).start()
print('{"id": 1, "kind": "value", "value": 1}')
'''

FORK_BOMB = '''
import os
children = 0
try:
    while True:
        if os.fork() == 0:
            while True:      # every child spins on the CPU, forever
                pass
        children += 1
except OSError:
    pass                    # RLIMIT_NPROC stops the bomb; the children keep spinning
'''


def _honest(source_nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in source_nb.cells if cell_kind(c) == "answer"}


def _build(release_nb, answers: dict, extra=(), drop=(), tamper_tests=False):
    """A submission: the release notebook with answers filled in and extra cells.

    extra: (after_grade_id or None, code) pairs; None puts the cell first.
    drop: grade_ids of cells the student deleted.
    """
    nb = copy.deepcopy(release_nb)
    cells = []
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in drop:
            continue
        if gid in answers:
            cell.source = answers[gid]
        if tamper_tests and cell_kind(cell) == "test":
            cell.source = "pass  # tests? what tests?"
            cell.metadata["nbgrader"]["points"] = 100
        cells.append(cell)
        for after, code in extra:
            if after == gid and gid is not None:
                cells.append(nbformat.v4.new_code_cell(code))
    firsts = [nbformat.v4.new_code_cell(code) for after, code in extra if after is None]
    nb.cells = firsts + cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nb


def _tree_hash(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        h.update(str(p.relative_to(path)).encode())
        if p.is_symlink():
            h.update(b"->" + os.readlink(p).encode())
        elif p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def _sandbox_processes() -> list[str]:
    """Processes still running as one of the sandbox uids."""
    left = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        uid = int(next(line for line in text.splitlines() if line.startswith("Uid:")).split()[1])
        if uid >= UID_BASE - 100:
            left.append(f"{status.parent.name}: uid {uid}")
    return left


EXPECTED = {
    "alice": 17,  # reference solution
    "bob": 5,  # partial: Q1 + Q2 right, Q3 misses its ValueError, Q4 not done; deleted the setup cell
    "carl": 0,  # the release notebook, untouched
    "dora": 7,  # infinite loop at top level and inside simulate_lif
    "evan": 5,  # exceptions, sys.exit/exit()/SystemExit in cells and inside functions
    "fay": 7,  # os._exit, kill -9 of itself, kill -1, a segfault, os._exit inside simulate_lif
    "gus": 4,  # memory bombs in cells and in lif_rate; a 72 MB answer from simulate_lif
    "hal": 13,  # honest answers next to a fork bomb of CPU-spinning children
    "ida": 0,  # wrong answers + monkeypatched AssertionError/numpy/builtins/test helper + tampered tests
    "jon": 0,  # reads caller frames, gc and input history looking for expected values
    "kim": 0,  # tries to read the source, gradebook, other submissions (success would give 2)
    "leo": 2,  # vandal: deletes/writes everywhere, fills the disk, uses the network (success would give 5)
    "max": 0,  # forges protocol replies and "passed" lines
    "nia": 0,  # not a notebook at all
    "quinn": 17,  # honest, in nbgrader's <student>/<assignment>/ layout
}


def _course(tmp: Path):
    """A private copy of the course in ``tmp/course``, with ch00's release version generated."""
    course = tmp / "course"
    shutil.copytree(ROOT / "exercises" / "source", course / "source")
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
    release(course, [NAME], log=lambda *a: None)
    source_nb = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    release_nb = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    return course, source_nb, release_nb


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    assert shutil.which("bwrap"), ("bubblewrap is required to grade: apt-get install -y bubblewrap "
                                   "(the project's `make system-deps` installs it)")
    tmp = tmp_path_factory.mktemp("hostile")
    course, source_nb, release_nb = _course(tmp)
    subs = tmp / "submissions"
    out = tmp / "out"
    subs.mkdir()
    notebooks = _notebooks(course, subs, out, source_nb, release_nb)
    for student, nb in notebooks.items():
        nbformat.write(nb, subs / f"{student}_{NAME}.ipynb")
    (subs / f"nia_{NAME}.ipynb").write_text("this is not a notebook {", encoding="utf-8")
    (subs / "quinn" / NAME).mkdir(parents=True)
    nbformat.write(source_nb, subs / "quinn" / NAME / f"{NAME}.ipynb")
    # A symlink to the instructor's source would be full marks for free.
    (subs / f"eve_{NAME}.ipynb").symlink_to(course / "source" / NAME / f"{NAME}.ipynb")

    gradebook = course / "gradebook.db"
    before = {"source": _tree_hash(course / "source"), "gradebook": _tree_hash_file(gradebook),
              "submissions": _tree_hash(subs), "config": _tree_hash_file(course / "nbgrader_config.py")}
    report = grade(subs, course, out, limits=LIMITS, jobs=2, log=_log)
    after = {"source": _tree_hash(course / "source"), "gradebook": _tree_hash_file(gradebook),
             "submissions": _tree_hash(subs), "config": _tree_hash_file(course / "nbgrader_config.py")}
    return {"report": report, "before": before, "after": after, "out": out, "nslib": _nslib_dir()}


def _nslib_dir() -> Path:
    return Path(sys.modules["nslib"].__file__).parent


def _notebooks(course: Path, subs: Path, out: Path, source_nb, release_nb) -> dict:
    """Student id -> submitted notebook, for every student of EXPECTED graded from a flat file.

    The attacks that go after files are aimed at this batch's own course,
    submissions and output folders.
    """
    honest = _honest(source_nb)
    gradebook = course / "gradebook.db"
    nslib_dir = _nslib_dir()
    secrets = {
        "SOURCE_NB": str(course / "source" / NAME / f"{NAME}.ipynb"),
        "GRADEBOOK": str(gradebook), "COURSE": str(course), "SUBMISSIONS": str(subs),
        "OTHER": str(subs / f"alice_{NAME}.ipynb"), "OUT": str(out), "NSLIB_DIR": str(nslib_dir),
        # A .pth file in site-packages would run code in every later Python, graders included.
        "SITE_PTH": str(SITE_PTH),
    }
    paths = "".join(f"{k} = {v!r}\n" for k, v in secrets.items())

    def answers(**over):
        base = dict(STUBS)
        base.update(over)
        return base

    notebooks = {
        "alice": source_nb,
        "bob": _build(
            release_nb,
            answers(
                mcculloch_pitts=honest["mcculloch_pitts"],
                lif_rate=honest["lif_rate"],
                current_for_rate=CFR_NO_CHECK,
            ),
            drop={"setup"},
        ),
        "carl": release_nb,
        "dora": _build(
            release_nb,
            answers(
                **{k: honest[k] for k in ("mcculloch_pitts", "lif_rate", "current_for_rate")},
                simulate_lif="def simulate_lif(I_nA, **kw):\n    while True:\n        pass",
            ),
            extra=[("setup", "while True:\n    pass")],
        ),
        "evan": _build(
            release_nb,
            answers(
                mcculloch_pitts=honest["mcculloch_pitts"],
                lif_rate=honest["lif_rate"],
                current_for_rate="def current_for_rate(rate_Hz, **kw):\n    import sys\n    sys.exit(0)",
                simulate_lif="def simulate_lif(I_nA, **kw):\n    raise KeyboardInterrupt",
            ),
            extra=[
                (None, "raise RuntimeError('boom')"),
                ("setup", "import sys\nsys.exit(3)"),
                ("mcculloch_pitts", "exit()"),
                ("lif_rate", "raise SystemExit"),
                ("lif_rate", "quit()"),
            ],
        ),
        "fay": _build(
            release_nb,
            answers(
                **{k: honest[k] for k in ("mcculloch_pitts", "lif_rate", "current_for_rate")},
                simulate_lif="def simulate_lif(I_nA, **kw):\n    import os\n    os._exit(1)",
            ),
            extra=[
                ("setup", "import os\nos._exit(0)"),
                ("mcculloch_pitts", "import os\nos.kill(os.getpid(), 9)"),
                ("lif_rate", "import os\nos.kill(-1, 9)"),
                ("current_for_rate", "import ctypes\nctypes.string_at(0)"),
            ],
        ),
        "gus": _build(
            release_nb,
            answers(
                mcculloch_pitts=honest["mcculloch_pitts"],
                current_for_rate=honest["current_for_rate"],
                lif_rate="def lif_rate(I_nA, **kw):\n    return np.ones(10**11)",
                simulate_lif="def simulate_lif(I_nA, **kw):\n    return ['x' * 900_000] * 80",
            ),
            extra=[
                ("setup", "blob = bytearray(50 * 2**30)"),
                ("setup", "hog = []\nwhile True:\n    hog.append(np.empty(2**25))"),
            ],
        ),
        # Brian2 cannot start within the 4 s cell limit beside a fork bomb: hal skips Q5.
        "hal": _build(release_nb, answers(**{k: v for k, v in honest.items() if k != "brian2_lif"}),
                      extra=[("setup", FORK_BOMB)]),
        "ida": _build(release_nb, WRONG_BUT_PATCHED, extra=[("setup", MONKEYPATCH)], tamper_tests=True),
        "jon": _build(release_nb, answers(), extra=[("current_for_rate", FRAME_SNOOP)]),
        "kim": _build(
            release_nb,
            answers(
                mcculloch_pitts=(
                    paths + "import os\nLEAKS = []\n"
                    "for p in [SOURCE_NB, GRADEBOOK, COURSE, SUBMISSIONS, OTHER, OUT, '/root',\n"
                    "          '/work/main/exercises']:\n"
                    "    try:\n"
                    "        LEAKS.append(os.listdir(p) if os.path.isdir(p) else open(p, 'rb').read(64))\n"
                    "    except OSError:\n"
                    "        pass\n"
                    "def mcculloch_pitts(x, weights, threshold):\n"
                    "    if not LEAKS:\n"
                    "        return -1\n"
                    "    return int(np.dot(weights, x) >= threshold)\n"
                )
            ),
        ),
        "leo": _build(
            release_nb,
            answers(mcculloch_pitts=honest["mcculloch_pitts"]),
            extra=[
                (
                    "setup",
                    (
                        paths + "import os, shutil, socket\n"
                        "for target in [COURSE, SUBMISSIONS, OUT, NSLIB_DIR, '/etc/ssl', '/root']:\n"
                        "    shutil.rmtree(target, ignore_errors=True)\n"
                        "for path in [GRADEBOOK, SOURCE_NB, OTHER, '/etc/passwd', NSLIB_DIR + '/evil.py',\n"
                        "             SITE_PTH, SUBMISSIONS + '/zed_ch00_neurons.ipynb',\n"
                        "             '/tmp/pwned-by-leo', '/root/pwned']:\n"
                        "    try:\n"
                        "        with open(path, 'w') as fh:\n"
                        "            fh.write('pwned')\n"
                        "    except OSError:\n"
                        "        pass\n"
                        "try:\n"
                        "    open('/tmp/fill', 'wb').write(b'0' * (100 * 2**20))\n"
                        "except OSError:\n"
                        "    pass\n"
                        "try:\n"
                        "    socket.create_connection(('151.101.0.223', 443), timeout=2)\n"
                        "    NET = True\n"
                        "except OSError:\n"
                        "    NET = False\n"
                        "if NET:\n"
                        "    " + honest["lif_rate"].replace("\n", "\n    ") + "\n"
                    ),
                )
            ],
        ),
        "max": _build(release_nb, answers(), extra=[("setup", FORGER)]),
    }
    return notebooks


def _tree_hash_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_score_is_exactly_what_the_honest_cells_earn(batch):
    report = batch["report"]
    scores = {r.student_id: r.score for r in report.results}
    assert scores == EXPECTED, "\n".join(
        f"{s}: expected {EXPECTED.get(s)}, got {scores.get(s)}" for s in sorted(set(scores) | set(EXPECTED))
        if scores.get(s) != EXPECTED.get(s))


def test_no_submission_broke_the_grader(batch):
    statuses = {r.student_id: r.status for r in batch["report"].results}
    assert statuses.pop("nia") == "unreadable"
    assert set(statuses.values()) == {"graded"}, statuses


def test_symlinked_submission_is_refused(batch):
    report = batch["report"]
    assert "eve" not in {r.student_id for r in report.results}
    assert any("eve_" in line and "symlink" in line for line in report.skipped), report.skipped


def test_course_gradebook_and_submissions_are_byte_for_byte_unchanged(batch):
    assert batch["before"] == batch["after"]


def test_nothing_was_written_outside_the_sandbox(batch):
    assert not (batch["nslib"] / "evil.py").exists()
    assert not SITE_PTH.exists()
    assert not Path("/tmp/pwned-by-leo").exists()
    assert not Path("/root/pwned").exists()
    assert Path("/etc/passwd").read_text() != "pwned"


def test_no_sandboxed_process_survives_the_batch(batch):
    assert _sandbox_processes() == []


def test_student_code_ran_unprivileged(batch):
    for r in batch["report"].results:
        if r.status != "graded":
            continue
        assert r.sandbox.get("no_new_privs") == "1", (r.student_id, r.sandbox)
        if os.geteuid() == 0:
            assert r.sandbox.get("uid", 0) >= UID_BASE, (r.student_id, r.sandbox)
            assert int(r.sandbox.get("cap_eff", "1"), 16) == 0, (r.student_id, r.sandbox)


def test_failures_are_explained_per_cell_and_per_test(batch):
    by_id = {r.student_id: r for r in batch["report"].results}
    dora_cells = {c["status"] for c in by_id["dora"].cells}
    assert "timeout" in dora_cells
    fay_cells = [c["status"] for c in by_id["fay"].cells]
    assert fay_cells.count("crashed") == 3, by_id["fay"].cells  # kill -1 finds no one to kill
    gus_cells = [c["status"] for c in by_id["gus"].cells]
    assert gus_cells.count("memory") >= 2, by_id["gus"].cells
    bob_tests = {t["grade_id"]: t for t in by_id["bob"].tests}
    assert "rate_Hz" in bob_tests["test_current_for_rate"]["message"] or \
        "ValueError" in bob_tests["test_current_for_rate"]["message"]
    # Hidden tests' code and messages stay hidden unless asked for.
    for r in batch["report"].results:
        for t in r.tests:
            assert "BEGIN HIDDEN" not in t["message"]


def test_reports_are_written(batch):
    out = batch["out"]
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student_id,assignment,score,max_score")
    assert len(rows) == 1 + len(EXPECTED)
    assert (out / NAME / "grades.csv").is_file()
    page = (out / "feedback" / "bob" / f"{NAME}.html").read_text()
    assert "5 / 17" in page and "test_current_for_rate" in page



# --- the same attacks, graded by an ordinary user ------------------------------------
#
# Graders are not always root. As an ordinary user bwrap builds the sandbox in an
# unprivileged user namespace instead of switching uids, so that path is graded
# here on its own: a few of the notebooks above, run through the command line as
# a fresh uid (when the tests run as root, as in CI) or as the current user.

UNPRIVILEGED = ("alice", "bob", "fay", "hal", "ida", "kim", "leo")
#: A student id the grader refuses (a space); the file is the full-marks solution.
REFUSED = "alice smith"
#: Far from real accounts and below the uids the root grader hands to workers.
TEST_UID_RANGE = range(150_000, 150_500)


def _pids_of_uid(uid: int, zombies: bool = True) -> list[str]:
    """Processes of ``uid`` (dead ones awaiting their reaper too, unless not ``zombies``)."""
    left = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields["Uid"].split()[1]) == uid and (zombies or fields["State"].split()[0] not in "ZX"):
            left.append(f"{status.parent.name} ({fields['State'].strip()}, parent {fields['PPid'].strip()}): "
                        f"{cmdline[:200]}")
    return left


def _free_uid() -> int:
    import grp
    import pwd
    for uid in TEST_UID_RANGE:
        try:
            pwd.getpwuid(uid)
            continue
        except KeyError:
            pass
        try:
            grp.getgrgid(uid)
            continue
        except KeyError:
            pass
        if not _pids_of_uid(uid):
            return uid
    pytest.fail(f"no unused uid in {TEST_UID_RANGE}")


def _userns_settings() -> str:
    found = []
    for knob in ("kernel/unprivileged_userns_clone", "user/max_user_namespaces",
                 "kernel/apparmor_restrict_unprivileged_userns"):
        path = Path("/proc/sys") / knob
        if path.exists():
            found.append(f"{knob.replace('/', '.')}={path.read_text().strip()}")
    return ", ".join(found) or "no user-namespace sysctls found"


def _closed_folder(path: Path, uid: int) -> Path | None:
    """The outermost folder above ``path`` that ``uid`` (neither owner nor in its group) cannot enter."""
    for parent in reversed(Path(path).parents):
        st = parent.stat()
        if st.st_uid != uid and st.st_gid != uid and not st.st_mode & 0o001:
            return parent
    return None


def _expose_to(uid: int, tmp: Path) -> tuple[list[str], dict]:
    """A command prefix that lets ``uid`` reach this Python, its virtualenv and the checkout.

    They usually are readable by anyone. When one lies inside a folder only
    root may enter (a pyenv Python under ``/root``, mode 0700), the grader runs
    in a private mount namespace where that folder is an empty tmpfs holding
    only read-only binds of what is needed: the host's permissions are not
    changed, and the test user sees nothing else of the folder.
    """
    needed = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, ROOT,
                                          Path(os.path.realpath(sys.executable)).parent.parent)}
    hidden = {p: _closed_folder(p, uid) for p in sorted(needed)}
    hidden = {p: d for p, d in hidden.items() if d is not None}
    if not hidden:
        return [], {}
    import shlex
    q = shlex.quote
    stage = [q(str(tmp / "stage" / str(i))) for i in range(len(hidden))]
    lines = ["set -e"]
    for p, st in zip(hidden, stage, strict=True):
        lines.append(f"mkdir -p {st} && mount --bind {q(str(p))} {st}")
    for d in sorted(set(hidden.values())):
        lines.append(f"mount -t tmpfs -o mode=0755,size=1m tmpfs {q(str(d))}")
    for p, st in zip(hidden, stage, strict=True):
        lines.append(f"mkdir -p {q(str(p))} && mount --bind -o ro {st} {q(str(p))}")
    lines.append('exec "$@"')
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        "\n".join(lines),
        "sh",
    ], hidden


@pytest.fixture(scope="module")
def unprivileged_batch():
    import subprocess
    import tempfile
    import time

    assert shutil.which("bwrap"), "bubblewrap is required to grade: apt-get install -y bubblewrap"
    as_root = os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="grade-unprivileged-", dir="/tmp"))
    try:
        home = tmp / "home"
        home.mkdir()
        if as_root:
            assert shutil.which("setpriv"), "setpriv (util-linux) is needed to run the grader as a fresh uid"
            uid = _free_uid()
            expose, hidden = _expose_to(uid, tmp)
            prefix = expose + ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
            # The grader, as that uid, reads the course and writes its output here.
            os.chmod(tmp, 0o755)
            os.chown(tmp, uid, uid)
            os.chown(home, uid, uid)
        else:
            uid, prefix, hidden = os.getuid(), [], {}
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
               "HOME": str(home), "LANG": "C.UTF-8"}

        def run(argv, timeout):
            return subprocess.run(prefix + argv, env=env, cwd=tmp, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)

        if hidden:
            mounted = run(["true"], 60)
            if mounted.returncode != 0:
                pytest.skip(
                    f"{', '.join(map(str, hidden))} lie inside "
                    f"{', '.join(sorted(map(str, set(hidden.values()))))}, which uid {uid} cannot enter, "
                    f"and no private mount namespace could be made to show them to it "
                    f"({mounted.stderr.strip()[:300]}); install Python and the project where any "
                    "user can read them to test grading as an ordinary user"
                )
        userns = run(["unshare", "--user", "true"], 60)
        if userns.returncode != 0:
            pytest.skip(f"this kernel does not let an ordinary user (uid {uid}) create user namespaces "
                        f"({_userns_settings()}; unshare said: {userns.stderr.strip()[:300]}), which "
                        "bubblewrap needs to sandbox without root")
        # The same interpreter, not just one that starts: a libpython that cannot
        # be read would make the dynamic loader fall back to the system's.
        probe = run([sys.executable, "-c", "import sys, grader, nslib, nbformat, IPython, numpy\n"
                                           "print(sys.version)"], 300)
        assert probe.returncode == 0 and probe.stdout.strip() == sys.version, (
            f"uid {uid} cannot run this Python with the project: {probe.stdout[-500:]}{probe.stderr[-2000:]}")

        course, source_nb, release_nb = _course(tmp)
        subs, out = tmp / "submissions", tmp / "out"
        subs.mkdir()
        notebooks = _notebooks(course, subs, out, source_nb, release_nb)
        for student in UNPRIVILEGED:
            nbformat.write(notebooks[student], subs / f"{student}_{NAME}.ipynb")
        nbformat.write(source_nb, subs / f"{REFUSED}_{NAME}.ipynb")
        if as_root:
            for folder in (course, subs):
                for path in [folder, *folder.rglob("*")]:
                    os.lchown(path, uid, uid)
        gradebook = course / "gradebook.db"
        before = {"source": _tree_hash(course / "source"), "gradebook": _tree_hash_file(gradebook),
                  "submissions": _tree_hash(subs)}
        argv = [sys.executable, "-m", "grader", "grade", str(subs), "--course", str(course),
                "--out", str(out), "--jobs", "2",
                "--cell-timeout", str(LIMITS.cell_timeout_s), "--test-timeout", str(LIMITS.test_timeout_s),
                "--notebook-timeout", str(LIMITS.notebook_timeout_s), "--memory-mb", str(LIMITS.memory_mb),
                "--max-tasks", str(LIMITS.max_tasks)]
        proc = run(argv, 1800)
        _log(f"graded as uid {uid}:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
        after = {"source": _tree_hash(course / "source"), "gradebook": _tree_hash_file(gradebook),
                 "submissions": _tree_hash(subs)}
        results = json.loads((out / "results.json").read_text()) if (out / "results.json").is_file() else {}
        rows = []
        if (out / "grades.csv").is_file():
            with open(out / "grades.csv", newline="") as fh:
                rows = list(csv.DictReader(fh))
        # A killed sandbox's init process is re-parented to the machine's init,
        # which reaps it when it gets to it: a zombie is dead, not a survivor.
        # Processes killed a moment ago may also still be on their way out.
        left = _pids_of_uid(uid, zombies=False) if as_root else []
        for _ in range(20):
            if not left:
                break
            time.sleep(0.5)
            left = _pids_of_uid(uid, zombies=False)
        yield {"uid": uid, "proc": proc, "results": results.get("results", []), "rows": rows,
               "before": before, "after": after, "left": left}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_an_ordinary_user_grades_the_same_exact_scores(unprivileged_batch):
    proc = unprivileged_batch["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    scores = {r["student_id"]: r["score"] for r in unprivileged_batch["results"]}
    expected = {student: EXPECTED[student] for student in UNPRIVILEGED}
    expected[REFUSED] = 0
    assert scores == expected, "\n".join(
        f"{s}: expected {expected.get(s)}, got {scores.get(s)}" for s in sorted(set(scores) | set(expected))
        if scores.get(s) != expected.get(s))
    statuses = {r["student_id"]: r["status"] for r in unprivileged_batch["results"]}
    assert statuses.pop(REFUSED) == "rejected"
    assert set(statuses.values()) == {"graded"}, statuses


def test_an_ordinary_user_puts_a_refused_student_id_on_the_grade_sheet(unprivileged_batch):
    rows = {r["student_id"]: r for r in unprivileged_batch["rows"]}
    assert set(rows) == set(UNPRIVILEGED) | {REFUSED}
    assert (rows[REFUSED]["score"], rows[REFUSED]["max_score"], rows[REFUSED]["status"]) == (
        "0",
        str(EXPECTED["alice"]),  # the reference scores full marks
        "rejected",
    )


def test_an_ordinary_users_sandbox_is_unprivileged_and_leaves_nothing_behind(unprivileged_batch):
    uid = unprivileged_batch["uid"]
    for r in unprivileged_batch["results"]:
        if r["status"] != "graded":
            continue
        assert r["sandbox"].get("uid") == uid, (r["student_id"], r["sandbox"])
        assert r["sandbox"].get("no_new_privs") == "1", (r["student_id"], r["sandbox"])
        assert int(r["sandbox"].get("cap_eff", "1"), 16) == 0, (r["student_id"], r["sandbox"])
    assert unprivileged_batch["before"] == unprivileged_batch["after"]
    assert unprivileged_batch["left"] == []
    assert not (_nslib_dir() / "evil.py").exists()
    assert not SITE_PTH.exists()
    assert not Path("/tmp/pwned-by-leo").exists()
