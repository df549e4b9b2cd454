"""Layout helpers shared by the figure modules of :mod:`nslib.plots` (private).

Orientation arithmetic is model math and lives in
:func:`nslib.vision.receptive_fields.orientation_difference`.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from . import new_figure


def require_fields(result: Any, fields: Sequence[str], what: str) -> Any:
    """``result`` if it has every one of ``fields``; else ``ValueError`` naming ``result``.

    The one input check of the plots: duck typing rather than ``isinstance``, because a module
    re-imported by pytest's importlib mode defines new classes.
    """
    if not all(hasattr(result, f) for f in fields):
        raise ValueError(f"result must be {what}; got {type(result).__name__}")
    return result


def figure_grid(ncols: int, nrows: int = 1, **kwargs):
    """Like :func:`nslib.plots.new_figure`, but the axes always come as a 2-D (nrows, ncols) array."""
    fig, axes = new_figure(ncols, nrows, **kwargs)
    return fig, np.asarray(axes, dtype=object).reshape(nrows, ncols)


def grid_shape(n_panels: int, max_cols: int) -> tuple[int, int]:
    """``(ncols, nrows)`` of the smallest grid, at most ``max_cols`` wide, that holds ``n_panels``."""
    ncols = max(1, min(n_panels, max_cols))
    return ncols, -(-n_panels // ncols)


def no_ticks(axes: Iterable) -> None:
    """Remove the ticks of image panels (their pixels need no coordinates)."""
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])


def hide(axes: Iterable) -> None:
    """Hide the panels a grid has to spare."""
    for ax in axes:
        ax.set_visible(False)
