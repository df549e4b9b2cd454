"""Parameter sweeps: a model function and a grid in, a widget out.

One call gives a chapter an interactive figure that works everywhere the
course is read:

* **live** -- sliders that re-run the model in a kernel (Jupyter, Binder,
  Voila dashboards);
* **static** -- every figure on the grid is drawn once, when the book is
  built, and the sliders are linked to a stack of images on the client side
  (``jslink`` to :class:`ipywidgets.Stack`), so the static HTML book switches
  figures with no kernel at all;
* **both** -- the static figures, then the live controls below them.

The mode is chosen with one argument. The default, ``mode=None``, reads the
environment variable ``NSLIB_SWEEP_MODE`` (``make book`` sets it to
``static``) and is ``live`` otherwise, so one chapter cell serves the static
book and the live notebook alike.

This module knows nothing about any topic: ``model`` is any function of the
grid's parameters that returns a :class:`matplotlib.figure.Figure`.

Speed: a live slider move costs one model call and one figure. Every frame
is made with the BLAS and OpenMP pools on one thread, drawn once on an Agg
canvas, reuses the constrained layout of an earlier frame when nothing the
layout depends on changed (same pixels, about 40 % less drawing), and is
cached per grid point; a live sweep freezes the objects alive when it is made
(:func:`gc.freeze`), so garbage collections stay short.

Timing (opt-in, for ``make bench``): inside ``with SweepTimer() as timer:``
every figure a sweep makes is timed, split into the model call (which builds
the figure) and the rendering to PNG, and every live sweep is kept so that
:meth:`SweepTimer.visit_every_point` can move its sliders like a reader. The
environment variable ``NSLIB_SWEEP_TIMINGS=<file>`` does the same for a whole
process (a book build), appending one JSON line per figure and per sweep to
``<file>``. Without either, sweeps time nothing.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import html
import io
import itertools
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

__all__ = ["MODES", "TIMINGS_VARIABLE", "FrameTiming", "SweepTimer", "TimedSweep", "figure_to_html",
           "grid_points", "resolve_mode", "sweep"]

MODES = ("live", "static", "both")

#: Environment variable naming a file to which every sweep of the process appends its timings.
TIMINGS_VARIABLE = "NSLIB_SWEEP_TIMINGS"


def resolve_mode(mode: str | None = None) -> str:
    """Return the sweep mode: ``mode`` itself, or the ``NSLIB_SWEEP_MODE`` default.

    Examples
    --------
    >>> resolve_mode("static")
    'static'
    """
    if mode is None:
        mode = os.environ.get("NSLIB_SWEEP_MODE", "").strip() or "live"
        if mode not in MODES:
            raise ValueError(f"NSLIB_SWEEP_MODE must be one of {list(MODES)}; got {mode!r}")
    elif mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)} or None; got {mode!r}")
    return mode


def figure_to_html(fig, alt: str, *, dpi: int = 80) -> str:
    """Render a matplotlib figure to an ``<img>`` tag with alt text.

    :class:`ipywidgets.Image` cannot carry alt text, so sweeps show figures as
    HTML images whose ``alt`` attribute describes them for screen readers.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        Non-empty description of the figure.
    dpi : int, default 80
        Resolution of the PNG (dots per inch, 20 to 300).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1)); _ = fig.subplots().plot([0, 1])
    >>> figure_to_html(fig, "a rising line").startswith('<img alt="a rising line"')
    True
    """
    return _figure_html(fig, alt, dpi, None)


def _figure_html(fig, alt: str, dpi: int, layouts: dict | None) -> str:
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ValueError(f"model must return a matplotlib Figure; got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 20 <= dpi <= 300:
        raise ValueError(f"dpi must be an integer in [20, 300]; got {dpi!r}")
    data = base64.b64encode(_png(fig, dpi, layouts)).decode("ascii")
    return (f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}" '
            f'style="max-width:100%;height:auto" />')


def _png(fig, dpi: int, layouts: dict | None = None) -> bytes:
    """The figure as a PNG, drawn once; ``layouts`` memoizes constrained layouts.

    ``savefig`` draws a figure with a layout engine twice: once without output
    to lay it out, then for real. Drawing on an Agg canvas lays out and draws in
    one pass and gives the same pixels (``tests/test_sweeps.py`` compares them),
    15-20 % faster for the course's figures. The figure's canvas and dpi are put
    back afterwards.

    The constrained layout itself is half of a draw. Its result depends only on
    the figure's structure and on the size of what surrounds each panel: tick
    labels, axis labels, title heights, legends and texts. ``layouts`` (one dict
    per sweep) maps that description (:func:`_layout_key`) to the positions the
    layout gave; a later figure with the same description gets them without
    laying out again, and the same pixels.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas, old_dpi = fig.canvas, fig.dpi
    try:
        fig.set_dpi(dpi)
        agg = FigureCanvasAgg(fig)
        key = _layout_key(fig, agg) if layouts is not None else None
        if key is not None and key in layouts:
            _draw_with_layout(fig, agg, layouts[key])
        else:
            agg.draw()
            if key is not None:
                layouts[key] = _recorded_layout(fig)
        image = Image.frombuffer("RGBA", agg.get_width_height(), agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png")
    finally:
        fig.set_dpi(old_dpi)
        fig.set_canvas(canvas)
    return buffer.getvalue()


def _sup_texts(fig) -> list:
    return [fig._suptitle, fig._supxlabel, fig._supylabel]


def _layout_key(fig, agg) -> tuple | None:
    """What a constrained layout of ``fig`` depends on, or None where it is not memoized."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    # Figure-level texts other than the suptitle and suplabels play no part in the layout.
    if not isinstance(engine, ConstrainedLayoutEngine) or fig.subfigs:
        return None
    renderer = agg.get_renderer()

    def height(text) -> tuple:
        # Layouts count the height of titles, not their width.
        if text is None or not text.get_visible() or not text.get_text():
            return ()
        box = text.get_window_extent(renderer)
        return (round(box.height, 3), text.get_fontsize(), text.get_rotation())

    def labels(axis) -> tuple:
        locs = axis.get_majorticklocs()
        return (axis.get_visible(), axis.get_label_position(), axis.get_ticks_position(),
                tuple(axis.major.formatter.format_ticks(locs)), axis.get_label_text(),
                axis.label.get_fontsize(), tuple(axis.get_minorticklocs()),
                type(axis.minor.formatter).__name__)

    panels = []
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        legend = ax.get_legend()
        panels.append((
            type(ax).__name__, ax.get_visible(), ax.get_in_layout(),
            None if spec is None else (spec.rowspan, spec.colspan, spec.get_gridspec().get_geometry()),
            tuple(ax.get_position(original=True).bounds) if spec is None else None,
            ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_aspect(),
            ax.get_anchor(), ax.get_box_aspect(), labels(ax.xaxis), labels(ax.yaxis),
            tuple(height(t) for t in (ax.title, ax._left_title, ax._right_title)),
            _legend_key(legend, renderer),
            tuple((t.get_text(), tuple(t.get_position()), t.get_fontsize(), t.get_in_layout())
                  for t in ax.texts),
            tuple(sorted(type(c).__name__ for c in ax.get_children())),
        ))
    legends = tuple((getattr(legend, "_outside_loc", None), _legend_key(legend, renderer))
                    for legend in fig.legends)
    return (tuple(fig.get_size_inches()), fig.dpi, tuple(sorted(engine.get().items())),
            tuple(height(t) for t in _sup_texts(fig)), legends, tuple(panels))


def _legend_key(legend, renderer) -> tuple | None:
    if legend is None:
        return None
    if legend._bbox_to_anchor is None:
        # Placed by its loc in its panel (or, for a figure legend, in a margin), a
        # legend counts for the layout by its size only.
        box = legend.get_window_extent(renderer)
        return (legend._loc, round(box.width, 3), round(box.height, 3))
    return (legend._loc, str(legend.get_bbox_to_anchor()), tuple(t.get_text() for t in legend.get_texts()))


def _recorded_layout(fig) -> dict:
    return {"axes": [(ax.get_position(original=True).frozen(), ax.get_anchor(), ax.get_box_aspect())
                     for ax in fig.axes],
            "sup": [None if t is None else (t.get_position(), t.get_verticalalignment())
                    for t in _sup_texts(fig)]}


def _draw_with_layout(fig, agg, layout: dict) -> None:
    for ax, (position, anchor, box_aspect) in zip(fig.axes, layout["axes"], strict=True):
        ax._set_position(position, which="both")
        ax.set_anchor(anchor)
        ax.set_box_aspect(box_aspect)
    for text, place in zip(_sup_texts(fig), layout["sup"], strict=True):
        if text is not None and place is not None:
            text.set_position(place[0])
            text.set_verticalalignment(place[1])
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    try:
        agg.draw()
    finally:
        fig.set_layout_engine(engine)


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _check_grid(grid: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if not isinstance(grid, Mapping) or len(grid) == 0:
        raise ValueError("grid must be a non-empty mapping of parameter name -> values")
    checked = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid keys must be parameter names (identifiers); got {name!r}")
        try:
            values = list(values)
        except TypeError:
            raise ValueError(f"grid[{name!r}] must be a sequence of values; got {values!r}") from None
        if len(values) == 0:
            raise ValueError(f"grid[{name!r}] must hold at least 1 value; got 0")
        checked[name] = values
    total = 1
    for values in checked.values():
        total *= len(values)
    if total > 200:
        raise ValueError(f"grid must have at most 200 points in total (every one is drawn "
                         f"for the static book); got {total}")
    return checked


def _alt_text(alt: str | Callable[..., str] | None, params: dict[str, Any]) -> str:
    if alt is None:
        return "Figure for " + ", ".join(f"{k} = {_format_value(v)}" for k, v in params.items())
    if callable(alt):
        return alt(**params)
    return alt.format(**params)


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
        Wall time of :func:`figure_to_html`: rasterising, PNG encoding, base64.
    html_bytes : int
        Size of the figure's ``<img>`` tag, which the static book embeds.
    cpu_s : float
        CPU seconds the process and the programs it waited for (a compiled
        Brian2 model) spent on the figure. On a busy machine the wall times
        above exceed it; on an idle one they are close.
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
    def draw_s(self) -> float:
        """Time spent drawing: building the figure and rendering it."""
        return self.plot_s + self.render_s

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


@dataclass(frozen=True)
class TimedSweep:
    """One sweep made while a :class:`SweepTimer` was active.

    ``controls`` (the sliders by parameter name) and ``figure`` (the widget
    showing the current figure) are set for live sweeps and ``None`` for static
    ones; ``build_s`` and ``html_bytes`` describe a static sweep as a whole
    (every frame drawn, and the bytes of images the page embeds).
    """

    name: str
    mode: str
    grid: dict
    controls: dict | None = None
    figure: Any = None
    build_s: float = float("nan")
    html_bytes: int = 0
    frames: list = field(default_factory=list, repr=False)


class SweepTimer:
    """Time every sweep made while it is active (``with SweepTimer() as timer:``).

    Parameters
    ----------
    plot_clock : callable, optional
        A function returning a running total of seconds spent building
        figures (for example, summed over the plotting functions a benchmark
        wraps). Its increase during each model call is reported as
        :attr:`FrameTiming.plot_s`.
    path : str or path-like, optional
        A file to which each :class:`FrameTiming` and each finished static
        sweep is appended as one JSON line.

    Attributes
    ----------
    frames : list of FrameTiming
        Every figure made, in order.
    sweeps : list of TimedSweep
        Every sweep made (a ``"both"`` sweep counts as a static and a live one).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def line(slope):
    ...     fig = Figure(figsize=(2, 2)); fig.subplots().plot([0, 1], [0, slope])
    ...     return fig
    >>> with SweepTimer() as timer:
    ...     box = sweep(line, {"slope": [1, 2, 3]}, mode="live")
    ...     latencies = timer.visit_every_point(timer.sweeps[0])
    >>> len(timer.frames), len(latencies)
    (3, 2)
    """

    def __init__(self, *, plot_clock: Callable[[], float] | None = None, path=None):
        if plot_clock is not None and not callable(plot_clock):
            raise ValueError(f"plot_clock must be callable or None; got {type(plot_clock).__name__}")
        self.plot_clock = plot_clock
        self.path = None if path is None else os.fspath(path)
        self.frames: list[FrameTiming] = []
        self.sweeps: list[TimedSweep] = []
        self._previous = None

    def __enter__(self) -> SweepTimer:
        global _TIMER
        self._previous, _TIMER = _TIMER, self
        return self

    def __exit__(self, *exc) -> None:
        global _TIMER
        _TIMER, self._previous = self._previous, None

    def _clock(self) -> float:
        return float(self.plot_clock()) if self.plot_clock is not None else 0.0

    def _write(self, record: dict) -> None:
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")

    def _frame(self, timed: TimedSweep, model, params, alt, dpi, layouts=None) -> str:
        cpu_start = _cpu_seconds()
        plot_start = self._clock()
        start = time.perf_counter()
        fig = model(**params)
        model_s = time.perf_counter() - start
        plot_s = self._clock() - plot_start
        start = time.perf_counter()
        tag = _figure_html(fig, _alt_text(alt, params), dpi, layouts)
        render_s = time.perf_counter() - start
        frame = FrameTiming(timed.name, timed.mode, dict(params), model_s, plot_s, render_s, len(tag),
                            _cpu_seconds() - cpu_start)
        self.frames.append(frame)
        timed.frames.append(frame)
        self._write({"kind": "frame", **frame.to_dict()})
        return tag

    def _add(self, timed: TimedSweep) -> TimedSweep:
        self.sweeps.append(timed)
        return timed

    def _static_done(self, timed: TimedSweep, build_s: float) -> TimedSweep:
        done = TimedSweep(timed.name, timed.mode, timed.grid, build_s=build_s,
                          html_bytes=sum(f.html_bytes for f in timed.frames), frames=timed.frames)
        self.sweeps = [done if s is timed else s for s in self.sweeps]
        self._write({"kind": "static_sweep", "sweep": done.name, "n_frames": len(done.frames),
                     "build_s": build_s, "html_bytes": done.html_bytes})
        return done

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
        path = _boustrophedon(timed.grid)
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


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _boustrophedon(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every grid point, consecutive ones differing in one parameter."""
    names = list(grid)
    paths: list[list[Any]] = [[]]
    for name in names:
        values = grid[name]
        paths = [prefix + [v] for k, prefix in enumerate(paths)
                 for v in (values if k % 2 == 0 else values[::-1])]
    return [dict(zip(names, combo, strict=True)) for combo in paths]


_TIMER: SweepTimer | None = None
_ENV_TIMERS: dict[str, SweepTimer] = {}


def _active_timer() -> SweepTimer | None:
    if _TIMER is not None:
        return _TIMER
    path = os.environ.get(TIMINGS_VARIABLE, "").strip()
    if not path:
        return None
    if path not in _ENV_TIMERS:
        _ENV_TIMERS[path] = SweepTimer(path=path)
    return _ENV_TIMERS[path]


def _name(model) -> str:
    return getattr(model, "__name__", type(model).__name__)


def _one_thread():
    """Limit the BLAS and OpenMP thread pools to one thread for a block (restored after).

    A frame multiplies small matrices; a second BLAS thread cannot speed that
    up, and on a busy machine its spinning workers made frames several times
    slower (``make bench``: a distributional-TD frame took 0.71 s with two
    threads and 0.14 s with one). Torch's own pool is set by the models.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def _make_frame(timer, timed, model, params, alt, dpi, layouts) -> str:
    with _one_thread():
        if timer is None:
            return _figure_html(model(**params), _alt_text(alt, params), dpi, layouts)
        return timer._frame(timed, model, params, alt, dpi, layouts)


def _freeze_heap() -> None:
    """Exempt the objects alive now from Python's full garbage collections.

    A kernel that has imported Brian2, torch and matplotlib holds over half a
    million objects; a full collection that scans them all pauses for up to
    0.5 s, and drawing a figure allocates enough to trigger one every few
    slider moves. Garbage is collected first, then what survives (modules,
    the chapter's data) is frozen, so later collections scan only the objects
    made after this point (see :func:`gc.freeze`).
    """
    gc.collect()
    gc.freeze()


def _controls(grid: dict[str, list[Any]], labels: Mapping[str, str]):
    import ipywidgets as widgets

    return {
        name: widgets.SelectionSlider(
            options=[(_format_value(v), v) for v in values], value=values[0],
            description=labels.get(name, name), continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="min(100%, 28em)"))
        for name, values in grid.items()
    }


def _static_widget(model, grid, alt, labels, dpi):
    import ipywidgets as widgets

    timer = _active_timer()
    timed = timer._add(TimedSweep(_name(model), "static", grid)) if timer else None
    start = time.perf_counter()
    layouts: dict = {}  # constrained layouts met so far (see _png)
    names = list(grid)
    sliders = _controls(grid, labels)
    stacks_by_level: list[list[Any]] = [[] for _ in names]

    def build(level: int, chosen: dict[str, Any]):
        if level == len(names):
            return widgets.HTML(_make_frame(timer, timed, model, chosen, alt, dpi, layouts))
        name = names[level]
        children = [build(level + 1, {**chosen, name: v}) for v in grid[name]]
        stack = widgets.Stack(children=children, selected_index=0)
        stacks_by_level[level].append(stack)
        return stack

    root = build(0, {})
    # jslink runs in the browser, so moving a slider switches the shown figure
    # without a kernel: the static book stays interactive.
    links = [widgets.jslink((sliders[name], "index"), (stack, "selected_index"))
             for name, stacks in zip(names, stacks_by_level, strict=True) for stack in stacks]
    box = widgets.VBox([*sliders.values(), root])
    box._nslib_links = links  # keep the links alive as long as the widget
    if timer:
        timer._static_done(timed, time.perf_counter() - start)
    return box


def _live_widget(model, grid, alt, labels, dpi):
    import ipywidgets as widgets

    sliders = _controls(grid, labels)
    figure = widgets.HTML()
    status = widgets.HTML()
    cache: dict[tuple, str] = {}
    layouts: dict = {}  # constrained layouts met so far (see _png)
    timer = _active_timer()
    timed = timer._add(TimedSweep(_name(model), "live", grid, controls=sliders,
                                  figure=figure)) if timer else None
    _freeze_heap()

    def update(*_):
        params = {name: slider.value for name, slider in sliders.items()}
        key = tuple(params.items())
        if key not in cache:
            status.value = "<i>running the model…</i>"
            cache[key] = _make_frame(timer, timed, model, params, alt, dpi, layouts)
            status.value = ""
        figure.value = cache[key]

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    return widgets.VBox([*sliders.values(), status, figure])


def sweep(model: Callable[..., Any], grid: Mapping[str, Sequence[Any]], *,
          mode: str | None = None, alt: str | Callable[..., str] | None = None,
          labels: Mapping[str, str] | None = None, dpi: int = 80):
    """Make an interactive parameter sweep of ``model`` over ``grid``.

    Parameters
    ----------
    model : callable
        ``model(**params)`` returns a :class:`matplotlib.figure.Figure`, for
        one value of every parameter in ``grid``.
    grid : mapping of str to sequence
        Parameter name to the values the sliders offer, in slider order.
        At most 200 points in total, since the static mode draws them all.
    mode : {"live", "static", "both"} or None
        See the module docstring; ``None`` reads ``NSLIB_SWEEP_MODE``.
    alt : str or callable, optional
        Alt text of each figure: a format string using the parameter names
        (``"f-I curve for tau_m = {tau_m} ms"``) or a function of them.
    labels : mapping of str to str, optional
        Slider labels with units, e.g. ``{"tau_m": "τ_m (ms)"}``.
    dpi : int, default 80
        Resolution of the figures.

    Returns
    -------
    ipywidgets.VBox
        The sliders and the figure; its ``sweep_mode`` attribute tells which
        mode was built.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def line(slope):
    ...     fig = Figure(figsize=(2, 2)); ax = fig.subplots()
    ...     ax.plot([0, 1], [0, slope]); ax.set_title(f"slope {slope}")
    ...     return fig
    >>> w = sweep(line, {"slope": [1, 2, 3]}, mode="static")
    >>> w.sweep_mode, len(w.children[-1].children)
    ('static', 3)
    """
    import ipywidgets as widgets

    if not callable(model):
        raise ValueError(f"model must be callable; got {type(model).__name__}")
    checked = _check_grid(grid)
    mode = resolve_mode(mode)
    labels = dict(labels or {})
    unknown = set(labels) - set(checked)
    if unknown:
        raise ValueError(f"labels must name parameters in grid {sorted(checked)}; got "
                         f"{sorted(unknown)}")
    if alt is not None and not (callable(alt) or isinstance(alt, str)):
        raise ValueError(f"alt must be a format string or a callable; got {type(alt).__name__}")
    if mode == "static":
        box = _static_widget(model, checked, alt, labels, dpi)
    elif mode == "live":
        box = _live_widget(model, checked, alt, labels, dpi)
    else:
        box = widgets.VBox([
            widgets.HTML("<b>Precomputed</b> (works in the static book)"),
            _static_widget(model, checked, alt, labels, dpi),
            widgets.HTML("<b>Live</b> (re-runs the model; needs a running kernel)"),
            _live_widget(model, checked, alt, labels, dpi),
        ])
    box.sweep_mode = mode
    return box


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All parameter combinations of ``grid``, in the order the static mode draws them.

    Examples
    --------
    >>> grid_points({"a": [1, 2], "b": ["x"]})
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    """
    checked = _check_grid(grid)
    names = list(checked)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*checked.values())]
