"""Runs inside a chapter's kernel during `make bench`: time every live sweep of the chapter.

`bench/run.py` executes a chapter with two extra cells, one before its first cell and one
after its last, and this module is what they call:

    import sweep_probe; sweep_probe.start()          # before the chapter
    sweep_probe.finish("/path/to/out.json")          # after it

:func:`start` wraps every public function of ``nslib.plots`` (before the chapter imports
them) with a clock, so each figure's time splits into the model proper, building the
figure and rendering it to PNG; it counts Brian2 runs (``brian2.Network.run`` and
``nslib.spiking.CompiledNetwork.run``) to tell spiking sweeps from the others; and it
opens a :class:`sweep_timing.SweepTimer` (an observer of ``nslib.sweeps``). :func:`finish`
moves every live sweep's sliders through its whole grid, one slider at a time
(:meth:`SweepTimer.visit_every_point`), then through it a second time (answers from the
sweep's cache), and writes what it measured.

``finish(path, freeze=True)`` first does what the dashboards' last cell does (``tools/dashboards.py``):
a full collection, then :func:`gc.freeze`, so that the sliders' garbage collections scan only the
objects made since. ``make bench`` measures with it (as a reader's dashboard runs) and records the
collections' seconds per move either way, to show what the freeze buys.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import time

_PLOT_SECONDS = [0.0]
_DEPTH = [0]
_BRIAN_RUNS = [0]
_GC_SECONDS = [0.0]
_GC_START = [0.0]
_STATE: dict = {}


def _gc_callback(phase, info) -> None:
    if phase == "start":
        _GC_START[0] = time.perf_counter()
    else:
        _GC_SECONDS[0] += time.perf_counter() - _GC_START[0]


def _plot_clock() -> float:
    return _PLOT_SECONDS[0]


def _timed(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # Only the outermost plotting call counts, so nested ones are not counted twice.
        _DEPTH[0] += 1
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:
                _PLOT_SECONDS[0] += time.perf_counter() - start
    return wrapper


def _counted(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _BRIAN_RUNS[0] += 1
        return func(*args, **kwargs)
    return wrapper


def _wrap_plots() -> None:
    import nslib.plots as plots

    modules = [plots] + [importlib.import_module(f"nslib.plots.{m.name}")
                         for m in pkgutil.iter_modules(plots.__path__)]
    for module in modules:
        for name, value in list(vars(module).items()):
            if (callable(value) and not isinstance(value, type) and not name.startswith("_")
                    and getattr(value, "__module__", None) == module.__name__):
                setattr(module, name, _timed(value))


def _count_brian() -> None:
    import brian2

    from nslib.spiking import CompiledNetwork

    brian2.Network.run = _counted(brian2.Network.run)
    CompiledNetwork.run = _counted(CompiledNetwork.run)


def start() -> None:
    """Instrument nslib and start timing sweeps (call before the chapter's first cell)."""
    import gc

    from sweep_timing import SweepTimer

    from nslib import sweeps

    _wrap_plots()
    _count_brian()
    # Which sweeps ran Brian2, and the seconds of garbage collection, per frame: a second
    # observer beside the timer, reading the counters when each frame starts and ends.
    _STATE["brian_at_frame"] = []
    _STATE["gc_at_frame"] = []
    gc.callbacks.append(_gc_callback)
    at_start = [0, 0.0]

    def count(event) -> None:
        if event.kind == "frame_start":
            at_start[:] = [_BRIAN_RUNS[0], _GC_SECONDS[0]]
        elif event.kind == "frame_done":
            _STATE["brian_at_frame"].append((event.sweep.name, _BRIAN_RUNS[0] - at_start[0]))
            _STATE["gc_at_frame"].append(_GC_SECONDS[0] - at_start[1])

    sweeps.observers.append(count)
    _STATE["timer"] = SweepTimer(plot_clock=_plot_clock).__enter__()


def finish(path: str, freeze: bool = True) -> None:
    """Drive every live sweep through its grid twice and write the timings to ``path``."""
    import gc

    if freeze:  # as the dashboards' kernel does once their sweeps are made
        gc.collect()
        gc.freeze()
    timer = _STATE["timer"]
    report = []
    for timed in timer.sweeps:
        if timed.controls is None:
            continue
        first = list(timed.frames)  # the frame drawn when the sweep was made
        n_before = len(timed.frames)
        latencies = timer.visit_every_point(timed)
        moves = timed.frames[n_before:]
        cached = timer.visit_every_point(timed)  # every point again: from the cache
        gc_seconds = dict(zip(map(id, timer.frames), _STATE["gc_at_frame"], strict=True))
        report.append({
            "sweep": timed.name,
            "grid": {k: [str(v) for v in vs] for k, vs in timed.grid.items()},
            "first_frame": [f.to_dict() for f in first],
            "moves": [{**f.to_dict(), "latency_s": lat, "gc_s": gc_seconds[id(f)]}
                      for f, lat in zip(moves, latencies, strict=True)],
            "cached_latency_s": cached,
            "brian_runs": sum(n for name, n in _STATE["brian_at_frame"] if name == timed.name),
        })
    timer.__exit__(None, None, None)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(report, fh)
