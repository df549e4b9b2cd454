"""Benchmarks of the course: `make bench` runs this and writes bench/results.json.

What it measures (issue 14), each a section of the results:

``cuba``
    Brian2 code generation on the CUBA benchmark network (`bench/cuba.py`), built
    through ``nslib.spiking``: the ``numpy`` target, ``cython`` with a cold and a warm
    cache, ``cpp_standalone`` built once and re-run with ``run_args``; N = 1k to 64k;
    wall time, time per biological second, synaptic events per second and peak memory,
    one process per configuration. Beside them, the machine's own limit for synaptic
    events (`bench/event_limit.cpp`).
``sweeps``
    Every ``nslib.sweeps.sweep`` of every chapter, live: the chapter runs in a kernel
    with `bench/sweep_probe.py`, which then moves each sweep's sliders through its whole
    grid; latency per move (median, p95), split into the model, building the figure and
    rendering it. Also each chapter's execution time in live mode.
``book``
    `make book`'s steps on a copy of the working tree: a cold build (no execution cache,
    no Brian2 cache), a warm rebuild with no change, a rebuild after touching one
    chapter, and after editing one code cell of it. Also each chapter's execution time
    in the (static) book, the build time and HTML size each static sweep adds, and each
    page's size.
``grading``
    Seconds per submission when `python -m grader grade` grades a batch of 20 (the
    reference solution, 20 times) of every assignment.
``dashboards``
    Every dashboard in Voila with headless chromium, end to end (`bench/browser.py`): its first
    render (twice, a new kernel each time), and for every sweep the latency of at least 5 slider
    moves from the key press to the new image's ``load`` event (median and worst), whether each
    move changed the image, and when the progress indicator appeared; kernel side, where the first
    render goes (kernel start, imports, set-up cells, first frames). ``--dashboards '04_*'`` runs some.
``tests``
    Not run here (the suite takes about 20 minutes): the time of a ``make test`` run and its 20
    slowest tests, read from the JUnit file it wrote (``--junit``; the Makefile's ``JUNIT=``).
``nbgrader``
    Not a timing but a check that takes too long for the test suite: stock `nbgrader autograde`
    and `course-grade` grade every assignment's reference solution, an honest submission and one
    with one wrong answer (`tests/test_stock_nbgrader.py`, which runs chapter 1 only); every test
    cell must get the same points from both, the expected ones. `make bench` exits 1 otherwise.

Timings are medians within one run, shown as ratios where they are compared; the load
average is recorded, since the machine may be shared. Tests never assert on time.

    python bench/run.py                      # everything, about 30 minutes on 2 cores
    python bench/run.py --only cuba sweeps   # some sections; the others keep their results
    python bench/run.py --only dashboards --dashboards '04_*'   # one dashboard in the browser
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]  # bench/browser.py, tests/browser_tools.py
RESULTS = BENCH / "results.json"
PY = sys.executable
BIN = Path(PY).parent

SECTIONS = ("cuba", "sweeps", "book", "grading", "dashboards", "nbgrader", "tests")

# -- targets of issue 14 (seconds unless said) -----------------------------------------------
TARGETS = {
    "sweep_rate_s": 0.3,           # median latency, rate and torch models
    "sweep_spiking_s": 0.5,        # median latency, spiking models (compile once, run many)
    "sweep_slow_first_s": 2.0,     # first answer of an inherently slow model (shows progress, caches)
    "cuba_speedup": 10.0,          # cpp_standalone re-run vs numpy, CUBA at 4000 neurons
    "book_cold_s": 600.0,
    "book_one_chapter_s": 90.0,
    "grading_per_submission_s": 3.0,   # in a batch of 20, 2 jobs (issue 19)
    "grading_alone_s": 5.0,            # one submission graded alone, --jobs 1, CLI start-up included
    "dashboard_render_s": 5.0,     # first render in Voila, warm caches, 2 cores (issue 24)
    "test_suite_s": 1200.0,        # make test on a fresh clone, 2 cores (issue 24)
}

# Sweeps whose model is inherently slower than a slider move should be: they show a
# progress indicator ("running the model…") and cache every answer, and their first
# answer must stay under 2 s. Keyed by (chapter file stem, model function name).
INHERENTLY_SLOW = {
    ("01_perceptron_to_v1", "ica_frame"): "runs FastICA on 5,000 natural-image patches",
    ("01_perceptron_to_v1", "cnn_frame"): "trains a convolutional network on the digits",
    ("01_perceptron_to_v1", "rules_frame"): "trains three two-layer networks on the digits",
    ("05_continual_learning", "hlop_frame"): "trains a network on five permuted-digit tasks",
}

CUBA_SIZES = (1000, 4000, 16000, 64000)
GRADING_BATCH = 20


# -- helpers -------------------------------------------------------------------------------

def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')} load {_load()[0]:.1f}] {msg}", flush=True)


def _median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def _p95(xs):
    import numpy as np

    xs = [x for x in xs if x is not None]
    return float(np.percentile(xs, 95)) if xs else None


def run_child(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None,
              timeout: float = 3600) -> dict:
    """Run one process; return its output, wall time, exit status and peak memory.

    The peak resident memory is the largest of the process and its descendants, as
    ``/usr/bin/time`` reports it (``wait4``'s ``ru_maxrss`` where it is missing).
    """
    import threading

    # A child's ru_maxrss starts at its parent's resident size (fork, then exec), so a
    # small parent, /usr/bin/time, measures a child that is smaller than this process.
    report = None
    if Path("/usr/bin/time").exists():
        fd, report = tempfile.mkstemp(prefix="bench-time-")
        os.close(fd)
        cmd = ["/usr/bin/time", "-f", "%M", "-o", report, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    chunks: dict[str, str] = {}

    def drain(name, stream):
        chunks[name] = stream.read()

    threads = [threading.Thread(target=drain, args=pair) for pair in
               (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = usage.ru_maxrss
    if report is not None:
        try:
            peak_kb = int(Path(report).read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        Path(report).unlink(missing_ok=True)
    return {"stdout": chunks.get("out", ""), "stderr": chunks.get("err", ""),
            "wall_s": time.perf_counter() - start, "returncode": proc.returncode,
            "peak_mb": peak_kb / 1024}


def _json_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON line in the output: {text[-2000:]}")


# -- 1. CUBA ----------------------------------------------------------------------------------

def _cuba_config(target: str, n: int, duration: float, cache: Path, label: str,
                 reruns: int = 5) -> dict:
    env = {**os.environ, "NSLIB_CACHE_DIR": str(cache)}
    cmd = [PY, str(BENCH / "cuba.py"), "--target", target, "--n", str(n), "--duration",
           str(duration), "--reruns", str(reruns)]
    _log(f"CUBA {label}, N = {n}, {duration:g} s")
    child = run_child(cmd, env=env, timeout=1800)
    if child["returncode"] != 0:
        return {"label": label, "n": n, "error": child["stderr"][-3000:]}
    r = _json_line(child["stdout"])
    row = {"label": label, "target": target, "n": n, "duration_s": duration,
           "synapses": r["synapses"], "spikes": r["spikes"],
           "rate_hz": r["spikes"] / n / duration, "peak_mb": child["peak_mb"],
           "python_peak_mb": r["python_peak_mb"],
           "process_s": child["wall_s"], "import_s": r["import_s"], "raw": r}
    if target == "cpp_standalone" and not label.endswith("(first build)") and r.get("directory"):
        # The compiled program alone, run once more in its project folder.
        program = run_child(["./main"], cwd=Path(r["directory"]), timeout=600)
        row["program_mb"] = program["peak_mb"] if program["returncode"] == 0 else None
    if target == "cpp_standalone":
        first = label.endswith("(first build)")
        loop = r["first_loop_s"] if first else _median(r["rerun_loop_s"])
        events = r["events"] if first else _median(r["rerun_events"])
        row.update(build_s=r["build_s"], n_builds=r["n_builds"],
                   wall_s=r["build_s"] + r["first_run_s"] if first else _median(r["rerun_s"]),
                   loop_s=loop, events=events)
    else:
        row.update(setup_s=r["setup_s"], prepare_s=r["prepare_s"],
                   wall_s=r["setup_s"] + r["prepare_s"] + r["run_s"], loop_s=r["loop_s"],
                   events=r["events"])
    row["per_bio_s"] = row["loop_s"] / duration
    row["wall_per_bio_s"] = row["wall_s"] / duration
    row["events_per_s"] = row["events"] / row["loop_s"] if row["loop_s"] else None
    return row


def _event_limit(tmp: Path) -> dict:
    exe = tmp / "event_limit"
    build = subprocess.run(["g++", "-O3", "-march=native", str(BENCH / "event_limit.cpp"), "-o",
                            str(exe)], capture_output=True, text=True)
    if build.returncode != 0:
        return {"error": build.stderr[-2000:]}
    rows = []
    for n in CUBA_SIZES:
        child = run_child([str(exe), str(n), str(80 * n), "20"], timeout=600)
        rows.append(_json_line(child["stdout"]))
    return {"rows": rows, "compiler": "g++ -O3 -march=native"}


def bench_cuba(quick: bool) -> dict:
    sizes = CUBA_SIZES[:2] if quick else CUBA_SIZES
    duration = 0.2 if quick else 1.0
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-cuba-") as tmp:
        tmp = Path(tmp)
        limit = _event_limit(tmp)
        for n in sizes:
            rows.append(_cuba_config("numpy", n, duration, tmp / "numpy", "numpy"))
        # Cold: an empty Cython cache; warm: the cache the cold run filled.
        rows.append(_cuba_config("cython", 4000, duration, tmp / "cython", "cython (cold cache)"))
        for n in sizes:
            rows.append(_cuba_config("cython", n, duration, tmp / "cython", "cython (warm cache)"))
        # First build: a new C++ project per N (its size is compiled in). Re-run: a second
        # process finds the compiled program in the cache and re-runs it with run_args.
        for n in sizes:
            rows.append(_cuba_config("cpp_standalone", n, duration, tmp / "standalone",
                                     "cpp_standalone (first build)", reruns=1))
            rows.append(_cuba_config("cpp_standalone", n, duration, tmp / "standalone",
                                     "cpp_standalone (re-run)"))
    by = {(r["label"], r["n"]): r for r in rows if "error" not in r}
    numpy4k, rerun4k = by.get(("numpy", 4000)), by.get(("cpp_standalone (re-run)", 4000))
    speedup = loop_speedup = None
    if numpy4k and rerun4k:
        speedup = numpy4k["wall_s"] / rerun4k["wall_s"]
        loop_speedup = numpy4k["loop_s"] / rerun4k["loop_s"]
    return {"model": "CUBA: 80 % excitatory LIF neurons, current-based exponential synapses, "
                     "80 inputs per neuron (p = 0.02 at N = 4000, p = 80/N otherwise), dt = 0.1 ms",
            "duration_s": duration, "rows": rows, "event_limit": limit,
            "speedup_4k": speedup, "loop_speedup_4k": loop_speedup,
            "target_speedup": TARGETS["cuba_speedup"]}


# -- 2. Live sweeps ---------------------------------------------------------------------------

def _chapters(pattern: str) -> list[Path]:
    return sorted((ROOT / "chapters").glob(pattern))


def _cell_seconds(cell) -> float | None:
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def _execute(nb, cwd: Path, env: dict, timeout: int = 1800):
    """Execute a notebook in a fresh kernel with ``env``; return (wall seconds, per-cell seconds)."""
    from nbclient import NotebookClient

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(cwd)}})
        start = time.perf_counter()
        client.execute()
        wall = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return wall, [_cell_seconds(c) if c.cell_type == "code" else None for c in nb.cells]


def _sweep_row(chapter: str, report: dict) -> dict:
    moves = report["moves"]
    latency = [m["latency_s"] for m in moves]
    first = report["first_frame"][0] if report["first_frame"] else None
    frames = moves + ([first] if first else [])
    kind = "spiking" if report["brian_runs"] > 0 else "rate"
    slow = INHERENTLY_SLOW.get((chapter, report["sweep"]))
    target = (TARGETS["sweep_slow_first_s"] if slow else
              TARGETS["sweep_spiking_s"] if kind == "spiking" else TARGETS["sweep_rate_s"])
    row = {
        "chapter": chapter, "sweep": report["sweep"], "kind": kind, "slow_reason": slow,
        "grid": report["grid"], "n_points": len(frames), "n_moves": len(moves),
        "latency_median_s": _median(latency), "latency_p95_s": _p95(latency),
        "latency_max_s": max(latency) if latency else None,
        "first_frame_s": (first["model_s"] + first["render_s"]) if first else None,
        "compute_median_s": _median([f["model_s"] - f["plot_s"] for f in frames]),
        "plot_median_s": _median([f["plot_s"] for f in frames]),
        "render_median_s": _median([f["render_s"] for f in frames]),
        "model_median_s": _median([f["model_s"] for f in frames]),
        "cpu_median_s": _median([f.get("cpu_s") for f in moves]),
        "gc_median_s": _median([m.get("gc_s") for m in moves]),
        "gc_max_s": max((m.get("gc_s") or 0.0 for m in moves), default=None),
        "cached_median_s": _median(report["cached_latency_s"]),
        "html_kb_median": (_median([f["html_bytes"] for f in frames]) or 0) / 1024,
        "target_s": target,
        # Every move: latency, model proper, building the figure, rendering, garbage collection.
        "moves": [[round(m["latency_s"], 4), round(m["model_s"] - m["plot_s"], 4), round(m["plot_s"], 4),
                   round(m["render_s"], 4), round(m.get("gc_s") or 0.0, 4), round(m.get("cpu_s", 0.0), 4)]
                  for m in moves],
        "moves_columns": ["latency_s", "compute_s", "plot_s", "render_s", "gc_s", "cpu_s"],
    }
    # Slow models are judged on their worst first answer; the others on the median move.
    judged = row["latency_max_s"] if slow else row["latency_median_s"]
    if slow and row["first_frame_s"] is not None:
        judged = max(judged or 0.0, row["first_frame_s"])
    row["judged_s"] = judged
    row["meets_target"] = judged is not None and judged <= target
    return row


def bench_sweeps(pattern: str, freeze: bool = True) -> dict:
    import jupytext
    import nbformat

    sweeps, chapters = [], []
    with tempfile.TemporaryDirectory(prefix="bench-sweeps-") as tmp:
        for path in _chapters(pattern):
            _log(f"live sweeps of {path.name}")
            nb = jupytext.read(path)
            out = Path(tmp) / f"{path.stem}.json"
            probe_start = nbformat.v4.new_code_cell(
                f"import sys; sys.path.insert(0, {str(BENCH)!r})\n"
                "import sweep_probe; sweep_probe.start()")
            probe_end = nbformat.v4.new_code_cell(f"sweep_probe.finish({str(out)!r}, freeze={freeze})")
            nb.cells = [probe_start, *nb.cells, probe_end]
            env = {**os.environ, "NSLIB_SWEEP_MODE": "live"}
            try:
                wall, cells = _execute(nb, path.parent, env)
            except Exception as err:  # a broken chapter must not stop the benchmark
                _log(f"{path.name} failed: {type(err).__name__}")
                chapters.append({"chapter": path.stem, "error": f"{type(err).__name__}: {err}"[-3000:]})
                continue
            chapter_s = sum(s for s in cells[1:-1] if s)
            drive_s = cells[-1] or 0.0
            reports = json.loads(out.read_text())
            rows = [_sweep_row(path.stem, r) for r in reports]
            sweeps += rows
            chapters.append({"chapter": path.stem, "live_exec_s": chapter_s, "kernel_wall_s": wall,
                             "drive_s": drive_s, "n_sweeps": len(rows)})
    return {"sweeps": sweeps, "chapters": chapters, "gc_freeze": freeze,
            "targets": {k: TARGETS[k] for k in ("sweep_rate_s", "sweep_spiking_s",
                                                "sweep_slow_first_s")}}


# -- 3. The book ------------------------------------------------------------------------------

def _copy_tree(dest: Path) -> None:
    """Copy the working tree (tracked and untracked, not ignored files) to ``dest``."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def _book_build(src: Path, env: dict, log: Path) -> dict:
    """`make book` in the copy ``src``, with this checkout's virtualenv."""
    import re

    child = run_child(["make", "-C", str(src), "book", f"VENV={BIN.parent}"], env=env, cwd=src,
                      timeout=3600)
    text = re.sub(r"\x1b\[[0-9;]*m", "", child["stdout"] + child["stderr"])  # no terminal colours
    with log.open("a") as fh:
        fh.write(text + "\n")
    out = {"total_s": child["wall_s"], "returncode": child["returncode"],
           "released": "grader release" in child["stdout"]}
    executing = re.search(r"^executed \d+ page\(s\) in ([0-9.]+) s$", child["stdout"], re.M)
    out["execute_s"] = float(executing.group(1)) if executing else 0.0
    out["warnings"] = [line for line in text.splitlines() if ": WARNING:" in line][:20]
    times = src / "_build" / ".execution-times.json"
    executed = re.findall(r"^(\S+\.md): Executed notebook in ([0-9.]+) seconds$", child["stdout"], re.M)
    out["executed"] = {Path(page).resolve().relative_to(src.resolve()).as_posix(): float(seconds)
                       for page, seconds in executed}
    out["all_times"] = json.loads(times.read_text()) if times.exists() else {}
    if child["returncode"] != 0:
        out["error"] = text[-3000:]
    return out


def _edit_code_cell(chapter: Path) -> None:
    """Append a comment to the chapter's last code cell: its code changed, so it re-runs."""
    text = chapter.read_text()
    marker = "```{code-cell}"
    last = text.rfind(marker)
    end = text.find("\n```", last + len(marker))
    chapter.write_text(text[:end] + "\n# edited by make bench" + text[end:])


def bench_book(edit_chapter: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        _copy_tree(src)
        # A new user's first build: no execution cache and no Brian2 cache either.
        env = {**os.environ, "NSLIB_CACHE_DIR": str(tmp / "nslib-cache")}
        env.pop("NSLIB_SWEEP_MODE", None)
        log = tmp / "build.log"
        result = {}
        _log("book: cold build")
        timings = tmp / "sweep-timings"
        result["cold"] = _book_build(src, {**env, "NSLIB_BOOK_SWEEP_TIMINGS": str(timings)}, log)
        html = src / "_build" / "html"
        sizes = {str(p.relative_to(html)): p.stat().st_size for p in html.rglob("*.html")}
        _log("book: warm rebuild, no change")
        result["warm"] = _book_build(src, env, log)
        chapter = src / "chapters" / f"{edit_chapter}.md"
        _log(f"book: rebuild after touching {chapter.name}")
        os.utime(chapter)
        result["touch"] = _book_build(src, env, log)
        _log(f"book: rebuild after editing a code cell of {chapter.name}")
        _edit_code_cell(chapter)
        result["edit"] = _book_build(src, env, log)
        static = []
        for jsonl in sorted(timings.glob("*.jsonl")):
            for line in jsonl.read_text().splitlines():
                record = json.loads(line)
                if record["kind"] == "static_sweep":
                    static.append({"page": jsonl.stem, **{k: v for k, v in record.items() if k != "kind"}})
        result.update(edited_chapter=edit_chapter, page_bytes=sizes, static_sweeps=static)
    result["targets"] = {k: TARGETS[k] for k in ("book_cold_s", "book_one_chapter_s")}
    return result


# -- 4. Grading -------------------------------------------------------------------------------

def bench_grading(batch: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from grader import discover_assignments

    rows = []
    for assignment in discover_assignments(ROOT / "exercises"):
        name = assignment.name
        with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
            tmp = Path(tmp)
            course = tmp / "course"
            shutil.copytree(ROOT / "exercises" / "source", course / "source")
            shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
            subs = tmp / "submissions"
            subs.mkdir()
            solution = course / "source" / name / f"{name}.ipynb"
            for k in range(batch):
                shutil.copy(solution, subs / f"student{k:02d}_{name}.ipynb")
            _log(f"grading {batch} submissions of {name}")
            child = run_child([PY, "-m", "grader", "grade", str(subs), "--course", str(course),
                               "--out", str(tmp / "out"), "--jobs", "2"], cwd=tmp, timeout=3600)
            # One submission alone, as an instructor regrading one student: the CLI's start-up,
            # the sandbox and the notebook, --jobs 1 (the median of 3 runs).
            alone_dir = tmp / "alone"
            alone_dir.mkdir()
            shutil.copy(solution, alone_dir / f"student00_{name}.ipynb")
            _log(f"grading one submission of {name} alone (3 runs)")
            alone = [run_child([PY, "-m", "grader", "grade", str(alone_dir), "--course", str(course),
                                "--out", str(tmp / f"alone-out{k}"), "--jobs", "1"], cwd=tmp,
                               timeout=600)["wall_s"] for k in range(3)]
            row = {"assignment": name, "batch": batch, "wall_s": child["wall_s"],
                   "per_submission_s": child["wall_s"] / batch, "peak_mb": child["peak_mb"],
                   "alone_s": _median(alone), "alone_runs_s": alone,
                   "returncode": child["returncode"]}
            grades = tmp / "out" / "grades.csv"
            if grades.exists():
                import csv

                with grades.open() as fh:
                    scores = [(float(r["score"]), float(r["max_score"])) for r in csv.DictReader(fh)]
                row["full_marks"] = sum(s == m for s, m in scores)
            if child["returncode"] != 0:
                row["error"] = child["stderr"][-2000:]
            rows.append(row)
    return {"rows": rows, "jobs": 2,
            "target_s": TARGETS["grading_per_submission_s"],
            "target_alone_s": TARGETS["grading_alone_s"]}


# -- 5. Dashboards ----------------------------------------------------------------------------

def _dashboards_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tools_dashboards", ROOT / "tools" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _dashboard_row(measured: dict, breakdown: dict | None) -> dict:
    """One dashboard's results: renders, and per sweep the end-to-end latency of its moves."""
    sweeps = []
    for sweep in measured["sweeps"]:
        moves = sweep["moves"]
        fresh = [m["latency_s"] for m in moves if m["latency_s"] is not None and m["fresh"]]
        every = [m["latency_s"] for m in moves if m["latency_s"] is not None]
        progress = [m["progress_s"] for m in moves if m.get("progress_s") is not None]
        sweeps.append({
            "index": sweep["index"], "alt": sweep["alt"], "n_sliders": sweep["n_sliders"],
            "n_moves": len(moves), "n_fresh": len(fresh),
            "median_s": _median(fresh or every), "worst_s": max(fresh or every, default=None),
            "unchanged": sum(not m["changed"] for m in moves),
            "progress_max_s": max(progress, default=None),
            "moves": [[m["slider"], m["to"], m["fresh"], m["changed"],
                       None if m["latency_s"] is None else round(m["latency_s"], 4)] for m in moves],
            "moves_columns": ["slider", "to_index", "fresh", "changed", "latency_s"],
        })
    renders = measured["render_s"]
    return {"dashboard": measured["dashboard"], "sweeps_expected": measured["sweeps_expected"],
            "render_s": renders, "first_render_s": renders[0], "render_median_s": _median(renders),
            "kernel": breakdown, "sweeps": sweeps}


def _sweep_names(notebook) -> list[str]:
    """The model function of every sweep of a dashboard, in page order (``sweep(model, ...)``)."""
    import re

    return [m.group(1) for cell in notebook.cells if cell.cell_type == "code"
            for m in re.finditer(r"(?m)^\s*(?:\w+\s*=\s*)?sweep\(\s*([A-Za-z_]\w*)", cell.source)]


def _judge_browser(dashboard: str, sweep: dict, kernel_rows: list[dict]) -> dict:
    """The target of one browser-measured sweep (``sweep["sweep"]``, its model's name), from its
    kernel-side row of the sweeps section (which says whether it runs Brian2)."""
    name = sweep.get("sweep")
    row = next((r for r in kernel_rows if r.get("chapter") == dashboard and r.get("sweep") == name), None)
    kind = row["kind"] if row else "not in the sweeps section"
    slow = INHERENTLY_SLOW.get((dashboard, name))
    target = (TARGETS["sweep_slow_first_s"] if slow else
              TARGETS["sweep_spiking_s"] if kind == "spiking" else TARGETS["sweep_rate_s"])
    judged = sweep["worst_s"] if slow else sweep["median_s"]
    return {"kind": kind, "slow_reason": slow, "target_s": target,
            "kernel_median_s": row["latency_median_s"] if row else None,
            "meets_target": judged is not None and judged <= target and sweep["unchanged"] == 0}


def bench_dashboards(only: str = "*", renders: int = 2, preheat: bool = False) -> dict:
    """Every dashboard in Voila, in headless chromium: first renders, and every sweep's slider latency
    from the key press to the new image's load event (bench/browser.py); and, kernel side, where the
    first render goes."""
    import fnmatch

    import browser as measure
    from browser_tools import chromium, free_port, server_process

    tool = _dashboards_tool()
    made = [d for d in tool.collect(ROOT / "chapters", report=lambda _: None)
            if fnmatch.fnmatch(d.name, only)]
    env = {k: v for k, v in os.environ.items() if k != "NSLIB_SWEEP_MODE"}  # live sweeps
    env.update(MPLBACKEND="Agg")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
        out = Path(tmp) / "dashboards"
        tool.write(made, out)
        imports = {m: measure.import_seconds(m, env) for m in ("brian2", "torch")}
        breakdowns = {}
        for dash in made:
            _log(f"dashboard {dash.name}: kernel side")
            try:
                breakdowns[dash.name] = measure.kernel_breakdown(out / dash.filename, env, tool.SWEEP_CALL,
                                                                 tool.FREEZE_TAG)
            except Exception as err:  # a broken dashboard must not stop the benchmark
                breakdowns[dash.name] = {"error": f"{type(err).__name__}: {err}"[-2000:]}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [str(BIN / "voila"), str(out), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
               "--Voila.port_retries=0", "--show_tracebacks=True"]
        if preheat:  # Voila runs each dashboard in a kernel before anyone asks for it (a pool of 1)
            cmd += ["--preheat_kernel=True", "--pool_size=1"]
        with server_process(cmd, ready_url=base + "/", cwd=Path(tmp), env=env, log=Path(tmp) / "voila.log"), \
                chromium() as browser:
            if preheat:  # until every pool's kernel has run its dashboard
                time.sleep(min(600.0, 10.0 + 1.5 * sum(b.get("total_s", 60.0) for b in breakdowns.values())))
            for dash in made:
                _log(f"dashboard {dash.name} ({dash.sweeps} sweeps) in the browser")
                try:
                    measured = measure.measure_dashboard(browser, base, dash, renders=renders, log=_log)
                except Exception as err:
                    rows.append({"dashboard": dash.name, "error": f"{type(err).__name__}: {err}"[-2000:],
                                 "kernel": breakdowns.get(dash.name)})
                    continue
                row = _dashboard_row(measured, breakdowns.get(dash.name))
                names = _sweep_names(dash.notebook)
                for sweep in row["sweeps"]:
                    sweep["sweep"] = names[sweep["index"]] if sweep["index"] < len(names) else None
                rows.append(row)
    kernel_rows = json.loads(RESULTS.read_text())["sections"].get("sweeps", {}).get("sweeps", []) \
        if RESULTS.exists() else []
    for row in rows:
        for sweep in row.get("sweeps", []):
            sweep.update(_judge_browser(row["dashboard"], sweep, kernel_rows))
    return {"rows": rows, "imports_s": imports, "target_render_s": TARGETS["dashboard_render_s"],
            "preheat_kernel": preheat,
            "how": "Voila, headless chromium (playwright): a render is from the request to every live "
                   "sweep's figure loaded, in a new kernel; a move is one slider step by the keyboard, "
                   "timed in the page from keydown to the new <img>'s load event, to a grid point not "
                   f"shown before; at least {measure.MIN_MOVES} moves per sweep, every slider moved"}


# -- 6. Stock nbgrader against course-grade ------------------------------------------------------

def bench_nbgrader() -> dict:
    """Every assignment's reference, honest and one-slip submissions, graded by stock `nbgrader
    autograde` and by `course-grade` (tests/test_stock_nbgrader.py): per test cell, both must give
    the points expected."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    import test_stock_nbgrader as stock

    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
        report = stock.compare(Path(tmp), log=_log)
    rows = [{"assignment": r["assignment"], "student": r["student"], "expected": sum(r["expected"].values()),
             "nbgrader": sum(r["nbgrader"].values()),
             "course_grade": sum(r["course_grade"].values()), "agree": r["agree"]}
            for r in report["rows"]]
    return {"agree": report["agree"], "cells": report["cells"], "rows": rows,
            "differences": stock._differences(report["rows"]), "seconds": report["seconds"],
            "how": "nbgrader autograde (stock, unsandboxed) and course-grade on the same submissions "
                   "in a temporary course; per-cell points compared"}


# -- 7. The test suite's time, from a JUnit file -------------------------------------------------

def bench_tests(junit: Path | None) -> dict:
    """The whole suite's time and its slowest tests, from ``pytest --junitxml`` (``make test
    PYTEST_ADDOPTS=--junitxml=FILE``); the suite is not run here."""
    import xml.etree.ElementTree as ET

    if junit is None or not Path(junit).exists():
        raise FileNotFoundError(f"--junit must name the JUnit XML file of a make test run; got {junit}")
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    cases = [(f"{c.get('classname')}::{c.get('name')}", float(c.get("time") or 0.0))
             for suite in suites for c in suite.iter("testcase")]
    total = sum(float(suite.get("time") or 0.0) for suite in suites)
    count = sum(int(suite.get(k) or 0) for suite in suites for k in ("failures", "errors"))
    return {"total_s": total, "n_tests": len(cases), "n_failed": count,
            "n_skipped": sum(int(suite.get("skipped") or 0) for suite in suites),
            "date": next((suite.get("timestamp", "")[:10] for suite in suites), ""),
            "slowest": sorted(cases, key=lambda c: -c[1])[:20], "target_s": TARGETS["test_suite_s"],
            "source": Path(junit).name}


# -- main ---------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=[x for x in SECTIONS if x != "tests"],
                        help="sections to run; the others keep their committed results")
    parser.add_argument("--chapters", default="*.md", help="glob of chapters for the sweeps section")
    parser.add_argument("--dashboards", default="*",
                        help="glob of dashboard names for the dashboards section (e.g. '04_*')")
    parser.add_argument("--preheat", action="store_true",
                        help="dashboards: serve with Voila's pre-heated kernels (--preheat_kernel, "
                             "a pool of 1 "
                             "per dashboard) to measure what they buy")
    parser.add_argument("--edit-chapter", default=None,
                        help="chapter whose rebuild the book section times (default: the first)")
    parser.add_argument("--batch", type=int, default=GRADING_BATCH, help="submissions per assignment")
    parser.add_argument("--quick", action="store_true", help="CUBA: N up to 4k and 0.2 s only")
    parser.add_argument("--junit", type=Path, default=None,
                        help="tests: the JUnit XML file of a `make test` run "
                             "(PYTEST_ADDOPTS=--junitxml=FILE)")
    parser.add_argument("--no-gc-freeze", dest="gc_freeze", action="store_false",
                        help="sweeps: move the sliders without the gc.freeze() the dashboards' kernel "
                             "does once their sweeps are made (to measure what it buys)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results.setdefault("sections", {})
    edit = args.edit_chapter or _chapters("*.md")[0].stem
    runners = {
        "cuba": lambda: bench_cuba(args.quick),
        "sweeps": lambda: bench_sweeps(args.chapters, args.gc_freeze),
        "book": lambda: bench_book(edit),
        "grading": lambda: bench_grading(args.batch),
        "dashboards": lambda: bench_dashboards(args.dashboards, preheat=args.preheat),
        "nbgrader": bench_nbgrader,
        "tests": lambda: bench_tests(args.junit),
    }
    start_all = time.perf_counter()
    for name in SECTIONS:
        if name not in args.only:
            continue
        load_before = _load()
        start = time.perf_counter()
        try:
            section = runners[name]()
        except Exception:
            section = {"error": traceback.format_exc()[-4000:]}
        section["meta"] = {"date": date.today().isoformat(), "seconds": time.perf_counter() - start,
                           "load_before": load_before, "load_after": _load()}
        old = results["sections"].get(name, {})
        if name == "dashboards" and args.dashboards != "*" and "rows" in section and "rows" in old:
            # Some dashboards only: the others keep their committed rows.
            mine = {r["dashboard"] for r in section["rows"]}
            section["rows"] = sorted([r for r in old["rows"] if r["dashboard"] not in mine] + section["rows"],
                                     key=lambda r: r["dashboard"])
        results["sections"][name] = section
        results.update(date=date.today().isoformat(), machine=_machine(), targets=TARGETS)
        results.pop("rows", None)  # the flat table of earlier versions
        args.out.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n")
        _log(f"{name} done in {section['meta']['seconds']:.0f} s")
    _log(f"all done in {time.perf_counter() - start_all:.0f} s; written to {args.out}")
    check = results["sections"].get("nbgrader", {})
    if "nbgrader" in args.only and check.get("agree") is not True:
        _log("stock nbgrader and course-grade disagree (or the comparison failed): "
             + "; ".join(check.get("differences", [check.get("error", "")[-500:]])))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
