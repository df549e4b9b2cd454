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
cached per grid point. Importing or using this module leaves the garbage
collector alone; the dashboards tune their own kernel (``tools/dashboards.py``).

Observers (the one hook, for ``make bench`` and the book build's timings):
a callable in :data:`observers` (or added for a block with :func:`observing`)
is called with a :class:`SweepEvent` when a sweep is made, before and after
each model call, after each frame is rendered, and when a static sweep is
complete. The timers themselves live in ``bench/sweep_timing.py``; with no
observer, sweeps time nothing.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import itertools
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

__all__ = ["EVENTS", "MODES", "SweepEvent", "SweepInfo", "figure_to_html", "grid_points", "observers",
           "observing", "resolve_mode", "sweep"]

MODES = ("live", "static", "both")


def resolve_mode(mode: str | None = None) -> str:
    """Return the sweep mode: ``mode`` itself, or the ``NSLIB_SWEEP_MODE`` default.

    Parameters
    ----------
    mode : {"live", "static", "both"} or None, default None
        ``"live"`` draws on each slider move, ``"static"`` pre-renders every
        grid point, ``"both"`` shows the two. None reads the environment
        variable ``NSLIB_SWEEP_MODE``, and ``"live"`` where it is unset.

    Returns
    -------
    str
        One of :data:`MODES`.

    Examples
    --------
    >>> resolve_mode("static")
    'static'
    """
    if mode is None:
        mode = os.environ.get("NSLIB_SWEEP_MODE", "").strip() or "live"
        if mode not in MODES:
            raise ValueError(f"mode is None, so the environment variable NSLIB_SWEEP_MODE decides, and it "
                             f"must be one of {list(MODES)}; got {mode!r}")
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
        The figure to render.
    alt : str
        Non-empty description of the figure.
    dpi : int, default 80
        Resolution of the PNG (dots per inch, 20 to 300).

    Returns
    -------
    str
        An ``<img alt="..." src="data:image/png;base64,..." ...>`` tag, the alt text escaped.

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
        # zlib's fastest level: the same pixels, about as small for these flat-coloured figures
        # (0-6 % larger), and half the encoding time of the default level 6 (a heatmap frame:
        # 104 -> 53 ms on a busy machine).
        image.save(buffer, format="png", compress_level=1)
    finally:
        fig.set_dpi(old_dpi)
        fig.set_canvas(canvas)
    return buffer.getvalue()


def _layout_key(fig, agg) -> tuple | None:
    """What a constrained layout of ``fig`` depends on, or None where it is not memoized."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.text import Text

    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine) or fig.subfigs:
        return None
    renderer = agg.get_renderer()

    def height(text) -> tuple:
        # Layouts count the height of titles, not their width.
        if not text.get_visible() or not text.get_text():
            return ()
        box = text.get_window_extent(renderer)
        return (round(box.height, 3), text.get_fontsize(), text.get_rotation())

    def titles(ax) -> tuple:
        # The centre, left and right titles: the Text children that are not in ax.texts.
        return tuple(height(t) for t in ax.get_children()
                     if isinstance(t, Text) and all(t is not other for other in ax.texts))

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
            titles(ax), _legend_key(legend, renderer, ax.bbox),
            tuple((t.get_text(), tuple(t.get_position()), t.get_fontsize(), t.get_in_layout())
                  for t in ax.texts),
            tuple(sorted(type(c).__name__ for c in ax.get_children())),
        ))
    # A figure legend is placed in a margin by its loc: its box before the layout says where.
    legends = tuple(_legend_key(legend, renderer, None) for legend in fig.legends)
    # The figure's texts: the suptitle and suplabels (which the layout moves) and any other.
    texts = tuple((height(t), tuple(t.get_position()), t.get_in_layout()) for t in fig.texts)
    return (tuple(fig.get_size_inches()), fig.dpi, tuple(sorted(engine.get().items())), texts,
            legends, tuple(panels))


def _rounded(box) -> tuple:
    return tuple(round(v, 3) for v in box.bounds)


def _legend_key(legend, renderer, panel) -> tuple | None:
    """What a legend contributes to the layout: its size, and where it is when that matters.

    A legend inside its panel (``panel``, the axes' box) counts by its size only, wherever its
    loc puts it (``"best"`` moves it with the data); a figure legend, or one that sticks out of
    its panel, counts by its box too.
    """
    if legend is None:
        return None
    box = legend.get_window_extent(renderer)
    anchor = _rounded(legend.get_bbox_to_anchor())
    if panel is not None and panel.x0 <= box.x0 and box.x1 <= panel.x1 and panel.y0 <= box.y0 \
            and box.y1 <= panel.y1:
        return ("inside", anchor, round(box.width, 3), round(box.height, 3))
    return ("placed", anchor, _rounded(box), legend.get_in_layout())


def _recorded_layout(fig) -> dict:
    return {"axes": [(ax.get_position(original=True).frozen(), ax.get_anchor(), ax.get_box_aspect())
                     for ax in fig.axes],
            "texts": [(t.get_position(), t.get_verticalalignment()) for t in fig.texts]}


def _draw_with_layout(fig, agg, layout: dict) -> None:
    for ax, (position, anchor, box_aspect) in zip(fig.axes, layout["axes"], strict=True):
        in_layout = ax.get_in_layout()
        ax.set_position(position, which="both")
        ax.set_in_layout(in_layout)  # set_position takes the axes out of the layout
        ax.set_anchor(anchor)
        ax.set_box_aspect(box_aspect)
    for text, (position, va) in zip(fig.texts, layout["texts"], strict=True):
        text.set_position(position)
        text.set_verticalalignment(va)
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


# -- the observer hook ---------------------------------------------------------------------------

#: The kinds of :class:`SweepEvent`, in the order a frame sees them.
EVENTS = ("sweep", "frame_start", "model_done", "frame_done", "static_done")


@dataclass(frozen=True)
class SweepInfo:
    """A sweep as its observers see it.

    Attributes
    ----------
    name : str
        The model function's name.
    mode : str
        ``"static"`` (every frame drawn up front) or ``"live"`` (a ``"both"``
        sweep is one of each).
    grid : dict
        Parameter name to its values, in slider order.
    controls : dict or None
        A live sweep's sliders by parameter name (setting a slider's
        ``value`` moves it as a reader would); None for a static sweep.
    figure : ipywidgets.HTML or None
        The widget showing a live sweep's current figure; None for a static one.
    """

    name: str
    mode: str
    grid: dict
    controls: dict | None = None
    figure: Any = None


@dataclass(frozen=True)
class SweepEvent:
    """What a sweep tells its observers.

    Attributes
    ----------
    kind : str
        One of :data:`EVENTS`: ``"sweep"`` (a sweep was made, before its first
        frame), ``"frame_start"`` (a model call begins), ``"model_done"`` (the
        model returned its figure; rendering begins), ``"frame_done"`` (the
        ``<img>`` tag is ready) and ``"static_done"`` (every frame of a static
        sweep is drawn).
    sweep : SweepInfo
    params : dict or None
        The grid point, for the three frame events.
    html : str or None
        The frame's ``<img>`` tag, for ``"frame_done"``.
    """

    kind: str
    sweep: SweepInfo
    params: dict | None = None
    html: str | None = None


#: Callables ``observer(event)`` told of every :class:`SweepEvent` of every sweep, in order.
observers: list[Callable[[SweepEvent], Any]] = []


@contextlib.contextmanager
def observing(observer: Callable[[SweepEvent], Any]) -> Iterator[Callable[[SweepEvent], Any]]:
    """Add ``observer`` to :data:`observers` for the duration of a ``with`` block.

    Parameters
    ----------
    observer : callable
        Called with each :class:`SweepEvent`; what it returns is ignored.

    Yields
    ------
    callable
        ``observer`` itself.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def line(slope):
    ...     fig = Figure(figsize=(2, 2)); fig.subplots().plot([0, 1], [0, slope])
    ...     return fig
    >>> seen = []
    >>> with observing(lambda event: seen.append(event.kind)):
    ...     _ = sweep(line, {"slope": [1, 2]}, mode="static")
    >>> seen[0], seen.count("frame_done"), seen[-1]
    ('sweep', 2, 'static_done')
    """
    if not callable(observer):
        raise ValueError(f"observer must be callable; got {type(observer).__name__}")
    observers.append(observer)
    try:
        yield observer
    finally:
        observers.remove(observer)


def _notify(kind: str, info: SweepInfo, params: dict | None = None, html: str | None = None) -> None:
    if not observers:
        return
    event = SweepEvent(kind, info, None if params is None else dict(params), html)
    for observer in list(observers):
        observer(event)


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


def _make_frame(info: SweepInfo, model, params, alt, dpi, layouts) -> str:
    """One frame: the model's figure as an ``<img>`` tag, told to the observers."""
    with _one_thread():
        _notify("frame_start", info, params)
        fig = model(**params)
        _notify("model_done", info, params)
        tag = _figure_html(fig, _alt_text(alt, params), dpi, layouts)
        _notify("frame_done", info, params, tag)
    return tag


def _info(model, mode: str, grid: dict, controls=None, figure=None) -> SweepInfo:
    return SweepInfo(_name(model), mode, grid, controls, figure)


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

    info = _info(model, "static", grid)
    _notify("sweep", info)
    layouts: dict = {}  # constrained layouts met so far (see _png)
    names = list(grid)
    sliders = _controls(grid, labels)
    stacks_by_level: list[list[Any]] = [[] for _ in names]

    def build(level: int, chosen: dict[str, Any]):
        if level == len(names):
            return widgets.HTML(_make_frame(info, model, chosen, alt, dpi, layouts))
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
    _notify("static_done", info)
    return box


def _live_widget(model, grid, alt, labels, dpi):
    import ipywidgets as widgets

    sliders = _controls(grid, labels)
    figure = widgets.HTML()
    status = widgets.HTML()
    cache: dict[tuple, str] = {}
    layouts: dict = {}  # constrained layouts met so far (see _png)
    info = _info(model, "live", grid, sliders, figure)
    _notify("sweep", info)

    def update(*_):
        params = {name: slider.value for name, slider in sliders.items()}
        key = tuple(params.items())
        if key not in cache:
            status.value = "<i>running the model…</i>"
            cache[key] = _make_frame(info, model, params, alt, dpi, layouts)
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

    Parameters
    ----------
    grid : mapping of str to sequence
        The values of each parameter, as given to :func:`sweep`.

    Returns
    -------
    list of dict
        One ``{name: value}`` per combination; the last parameter varies fastest.

    Examples
    --------
    >>> grid_points({"a": [1, 2], "b": ["x"]})
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'x'}]
    """
    checked = _check_grid(grid)
    names = list(checked)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*checked.values())]
