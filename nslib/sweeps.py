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
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import os
from typing import Any, Callable, Mapping, Sequence

__all__ = ["MODES", "figure_to_html", "resolve_mode", "sweep"]

MODES = ("live", "static", "both")


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
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ValueError(f"model must return a matplotlib Figure; got {type(fig).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 20 <= dpi <= 300:
        raise ValueError(f"dpi must be an integer in [20, 300]; got {dpi!r}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}" '
            f'style="max-width:100%;height:auto" />')


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

    names = list(grid)
    sliders = _controls(grid, labels)
    stacks_by_level: list[list[Any]] = [[] for _ in names]

    def build(level: int, chosen: dict[str, Any]):
        if level == len(names):
            fig = model(**chosen)
            return widgets.HTML(figure_to_html(fig, _alt_text(alt, chosen), dpi=dpi))
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
    return box


def _live_widget(model, grid, alt, labels, dpi):
    import ipywidgets as widgets

    sliders = _controls(grid, labels)
    figure = widgets.HTML()
    status = widgets.HTML()
    cache: dict[tuple, str] = {}

    def update(*_):
        params = {name: slider.value for name, slider in sliders.items()}
        key = tuple(params.items())
        if key not in cache:
            status.value = "<i>running the model…</i>"
            cache[key] = figure_to_html(model(**params), _alt_text(alt, params), dpi=dpi)
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
