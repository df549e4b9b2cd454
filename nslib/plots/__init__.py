"""Figures for every topic: results in, matplotlib figures out.

Plots know nothing about widgets, so the book, the dashboards, the exercises
and the benchmarks all draw the same figures. Every figure has a title,
labelled axes with units and uses the colour-blind-safe palette below
(Okabe & Ito 2008).
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

#: Okabe–Ito colour-blind-safe palette, in the order lines are drawn.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Perceptually uniform, colour-blind-safe colormaps for images and filters.
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"  # for signed filters/receptive fields, centred on 0


class CourseFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter.

    Course figures are built without pyplot (no global state, nothing to
    close), so no backend registers a display hook for them; ``_repr_png_``
    lets Jupyter, Voila and the book render a returned figure all the same.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 5.0, height: float = 3.5, **kwargs):
    """Create a figure with the course style (palette, sizes), without touching global rcParams.

    Returns ``(fig, axes)`` like :func:`matplotlib.pyplot.subplots` but using the
    object-oriented :class:`matplotlib.figure.Figure` so no pyplot state leaks.

    Parameters
    ----------
    ncols, nrows : int
        Grid of axes.
    width, height : float
        Size of one panel (inches); the figure is ``width * ncols`` by ``height * nrows``.
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.subplots` (``sharex``, ``sharey``...).

    Returns
    -------
    fig : CourseFigure
        The figure, with constrained layout.
    axes : matplotlib.axes.Axes or numpy.ndarray of Axes
        One Axes, or an array of them as :func:`matplotlib.pyplot.subplots` returns.

    Examples
    --------
    >>> fig, axes = new_figure(2, width=3.0, height=2.0)
    >>> len(axes), fig.get_size_inches().tolist()
    (2, [6.0, 2.0])
    """
    from cycler import cycler

    fig = CourseFigure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    for ax in (axes.flat if hasattr(axes, "flat") else [axes]):
        ax.set_prop_cycle(cycler(color=PALETTE))
    return fig, axes


__all__ = ["CourseFigure", "PALETTE", "SEQUENTIAL_CMAP", "DIVERGING_CMAP", "new_figure"]
