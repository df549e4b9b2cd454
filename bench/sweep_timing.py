"""Timers of ``nslib.sweeps`` for ``make bench`` and the book build: an observer of the sweeps.

``nslib.sweeps`` times nothing itself; it tells the callables in ``nslib.sweeps.observers`` what
it does (a sweep made, a model call started and ended, a frame rendered, a static sweep complete).
:class:`SweepTimer` is such an observer: inside ``with SweepTimer() as timer:`` every figure a
sweep makes is timed, split into the model call (which builds the figure) and the rendering to
PNG, and every live sweep is kept so that :meth:`SweepTimer.visit_every_point` can move its
sliders like a reader. :func:`record_to` does the same for a whole kernel (a page of the book
build, ``tools/book_cache.py``), appending one JSON line per figure and per static sweep to a file.

    with SweepTimer() as timer:                 # bench/ on sys.path
        box = sweep(model, grid, mode="live")   # the first frame is timed
        latencies = timer.visit_every_point(timer.sweeps[0])
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from nslib import sweeps as _sweeps


def _format_value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class FrameTiming:
    """How long one figure of a sweep took to make, in seconds.

    Attributes
    ----------
    sweep : str
        The model function's name.
    mode : str
        ``"static"`` (drawn up front) or ``"live"`` (drawn after a slider move).
    params : dict
        The grid point.
    model_s : float
        Wall time of ``model(**params)``, which computes and builds the figure.
    plot_s : float
        The part of ``model_s`` that the timer's ``plot_clock`` counted (time
        spent building the figure); 0 without a clock.
    render_s : float
        Wall time of the rendering: rasterising, PNG encoding, base64.
    html_bytes : int
        Size of the figure's ``<img>`` tag, which the static book embeds.
    cpu_s : float
        CPU seconds the process and the programs it waited for (a compiled
        Brian2 model) spent on the figure.
    """

    sweep: str
    mode: str
    params: dict
    model_s: float
    plot_s: float
    render_s: float
    html_bytes: int
    cpu_s: float = float("nan")

    @property
    def compute_s(self) -> float:
        """Time in the model proper: ``model_s - plot_s``."""
        return self.model_s - self.plot_s

    @property
    def total_s(self) -> float:
        """Time from the parameters to the finished ``<img>`` tag."""
        return self.model_s + self.render_s

    def to_dict(self) -> dict:
        """A JSON-compatible dict (parameters as strings where JSON has no type for them)."""
        return {"sweep": self.sweep, "mode": self.mode,
                "params": {k: _format_value(v) for k, v in self.params.items()},
                "model_s": self.model_s, "plot_s": self.plot_s, "render_s": self.render_s,
                "html_bytes": self.html_bytes, "cpu_s": self.cpu_s}


@dataclass
class TimedSweep:
    """One sweep made while a :class:`SweepTimer` was active: the sweep (``nslib.sweeps.SweepInfo``),
    its frames, and for a static sweep the seconds it took to build and the bytes the page embeds."""

    info: Any
    frames: list = field(default_factory=list, repr=False)
    build_s: float = float("nan")
    html_bytes: int = 0

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def mode(self) -> str:
        return self.info.mode

    @property
    def grid(self) -> dict:
        return self.info.grid

    @property
    def controls(self) -> dict | None:
        return self.info.controls

    @property
    def figure(self):
        return self.info.figure


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def boustrophedon(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every grid point, consecutive ones differing in one parameter."""
    names = list(grid)
    paths: list[list[Any]] = [[]]
    for name in names:
        values = grid[name]
        paths = [prefix + [v] for k, prefix in enumerate(paths)
                 for v in (values if k % 2 == 0 else values[::-1])]
    return [dict(zip(names, combo, strict=True)) for combo in paths]


class SweepTimer:
    """Time every sweep made while it is active (``with SweepTimer() as timer:``).

    Parameters
    ----------
    plot_clock : callable, optional
        A running total of seconds spent building figures; its increase during
        each model call is reported as :attr:`FrameTiming.plot_s`.
    path : str or path-like, optional
        A file to which each :class:`FrameTiming` and each finished static
        sweep is appended as one JSON line.
    """

    def __init__(self, *, plot_clock: Callable[[], float] | None = None, path=None):
        if plot_clock is not None and not callable(plot_clock):
            raise ValueError(f"plot_clock must be callable or None; got {type(plot_clock).__name__}")
        self.plot_clock = plot_clock
        self.path = None if path is None else os.fspath(path)
        self.frames: list[FrameTiming] = []
        self.sweeps: list[TimedSweep] = []
        self._by_info: dict[int, TimedSweep] = {}
        self._started: dict[int, float] = {}
        self._frame_start: tuple[float, float, float] | None = None
        self._model_s = self._plot_s = 0.0
        self._render_start = 0.0

    # -- the observer -----------------------------------------------------------------------------
    def __call__(self, event) -> None:
        key = id(event.sweep)
        if event.kind == "sweep":
            timed = TimedSweep(event.sweep)
            self._by_info[key] = timed
            self._started[key] = time.perf_counter()
            self.sweeps.append(timed)
            return
        timed = self._by_info.get(key)
        if timed is None:  # made before the timer started
            return
        if event.kind == "frame_start":
            self._frame_start = (time.perf_counter(), self._clock(), _cpu_seconds())
        elif event.kind == "model_done":
            start, plot_start, _ = self._frame_start
            self._model_s = time.perf_counter() - start
            self._plot_s = self._clock() - plot_start
            self._render_start = time.perf_counter()
        elif event.kind == "frame_done":
            render_s = time.perf_counter() - self._render_start
            frame = FrameTiming(timed.name, timed.mode, dict(event.params), self._model_s, self._plot_s,
                                render_s, len(event.html), _cpu_seconds() - self._frame_start[2])
            self.frames.append(frame)
            timed.frames.append(frame)
            self._write({"kind": "frame", **frame.to_dict()})
        elif event.kind == "static_done":
            timed.build_s = time.perf_counter() - self._started[key]
            timed.html_bytes = sum(f.html_bytes for f in timed.frames)
            self._write({"kind": "static_sweep", "sweep": timed.name, "n_frames": len(timed.frames),
                         "build_s": timed.build_s, "html_bytes": timed.html_bytes})

    def __enter__(self) -> SweepTimer:
        _sweeps.observers.append(self)
        return self

    def __exit__(self, *exc) -> None:
        if self in _sweeps.observers:
            _sweeps.observers.remove(self)

    def _clock(self) -> float:
        return float(self.plot_clock()) if self.plot_clock is not None else 0.0

    def _write(self, record: dict) -> None:
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")

    def visit_every_point(self, timed: TimedSweep) -> list[float]:
        """Move a live sweep's sliders through every grid point, one slider at a time.

        The path is a boustrophedon: the last slider runs up and down while the
        ones before it step, so each move changes one slider, as a reader would,
        and reaches every grid point once; it starts where the sliders are (the
        first grid point, or the end of a previous visit, walked back). A point
        the sweep has already drawn comes from its cache.

        Returns
        -------
        list of float
            Seconds from setting each slider to the new figure being shown, one
            per move (one fewer than the grid's points).
        """
        if timed.controls is None:
            raise ValueError(f"timed must be a live sweep; got a {timed.mode} one")
        path = boustrophedon(timed.grid)
        if all(timed.controls[k].value == v for k, v in path[-1].items()):
            path.reverse()  # back from where a previous visit ended
        latencies = []
        for point in path:
            moves = [(k, v) for k, v in point.items() if timed.controls[k].value != v]
            if not moves:  # where the sliders already are
                continue
            start = time.perf_counter()
            for name, value in moves:
                timed.controls[name].value = value
            latencies.append(time.perf_counter() - start)
        return latencies


def record_to(path) -> SweepTimer:
    """Time every sweep of this process from now on, appending JSON lines to ``path``.

    ``tools/book_cache.py`` runs this in a page's kernel before its first cell when
    ``NSLIB_BOOK_SWEEP_TIMINGS`` names a folder (``make bench``'s book section)."""
    return SweepTimer(path=path).__enter__()
