"""Benchmarks of the course: `make bench` runs this and writes bench/results.json.

Timings are measured here and shown in the book (book/benchmarks.md); tests never
assert on time. Each model benchmark runs in a fresh cache folder so that the
first build really compiles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"


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


def bench_standalone(rows: list[dict]) -> None:
    import numpy as np
    from brian2 import ms, nA, second

    with tempfile.TemporaryDirectory() as cache:
        os.environ["NSLIB_CACHE_DIR"] = cache
        from nslib.spiking import CompiledLIF

        model = CompiledLIF(np.linspace(0, 6, 25) * nA, duration=1 * second)
        reruns = []
        for tau in (2.5, 5, 10, 20, 40):
            start = time.perf_counter()
            model.run(tau_m=tau * ms)
            reruns.append(time.perf_counter() - start)
        del os.environ["NSLIB_CACHE_DIR"]
    rerun = statistics.median(reruns)
    rows += [
        {"name": "Standalone LIF (25 neurons, 1 s), first build", "value": model.build_seconds, "unit": "s"},
        {"name": "Standalone LIF, re-run with new tau_m (median of 5)", "value": rerun, "unit": "s"},
        {"name": "Standalone LIF, build / re-run speed-up", "value": model.build_seconds / rerun,
         "unit": "x"},
        {"name": "Standalone LIF, builds needed for 5 runs", "value": float(model.n_builds),
         "unit": "builds"},
    ]


def bench_cython(rows: list[dict]) -> None:
    from brian2 import ms, nA

    with tempfile.TemporaryDirectory() as cache:
        os.environ["NSLIB_CACHE_DIR"] = cache
        from nslib.spiking import simulate_lif

        times = []
        for _ in range(2):
            start = time.perf_counter()
            simulate_lif([0, 3] * nA, duration=500 * ms, target="cython")
            times.append(time.perf_counter() - start)
        del os.environ["NSLIB_CACHE_DIR"]
    rows += [
        {"name": "Cython LIF (2 neurons, 0.5 s), first run (compiles)", "value": times[0], "unit": "s"},
        {"name": "Cython LIF, second run (cached)", "value": times[1], "unit": "s"},
    ]


def bench_chapters(rows: list[dict], pattern: str) -> None:
    import jupytext
    from nbclient import NotebookClient

    env_backup = dict(os.environ)
    os.environ.update({"NSLIB_SWEEP_MODE": "static"})
    try:
        for path in sorted((ROOT / "chapters").glob(pattern)):
            nb = jupytext.read(path)
            start = time.perf_counter()
            NotebookClient(nb, timeout=900, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            rows.append({"name": f"Chapter execution: {path.stem}", "value": time.perf_counter() - start,
                         "unit": "s"})
    finally:
        os.environ.clear()
        os.environ.update(env_backup)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chapters", default="*.md", help="glob of chapters to time (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows: list[dict] = []
    bench_standalone(rows)
    bench_cython(rows)
    bench_chapters(rows, args.chapters)
    result = {"date": date.today().isoformat(), "machine": _machine(), "rows": rows}
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for row in rows:
        print(f"{row['name']:<58} {row['value']:>10.3f} {row['unit']}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
