"""Figures for the digits CNN of Chapter 1: learnt filters, feature maps, training curves.

Signed weights and feature maps use the diverging colormap centred at 0 with a
common scale for all panels, so that filters can be compared with each other
(and with V1 receptive fields: excitatory = red, inhibitory = blue).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_finite_array, check_int
from ..vision.cnn import DigitsCNNResult, FeatureMaps
from . import DIVERGING_CMAP, PALETTE, SEQUENTIAL_CMAP, new_figure
from ._layout import figure_grid, grid_shape, hide, no_ticks

__all__ = ["plot_feature_maps", "plot_filters", "plot_training_curve"]


def plot_filters(filters: Any, *, ncols: int | None = None, title: str | None = None):
    """First-layer filters as a grid of images (red positive, blue negative, white 0).

    Parameters
    ----------
    filters : DigitsCNNResult or array_like, shape (n_filters, k, k)
        A trained result (its ``first_layer_filters``) or the filters themselves.
    ncols : int, optional
        Panels per row (default: up to 8).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> bank = np.array([[[-1, 0, 1]] * 3, [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]])
    >>> fig = plot_filters(bank)
    >>> fig.axes[0].get_title(), fig.get_supxlabel()
    ('filter 1', 'column (pixels)')
    """
    if isinstance(filters, DigitsCNNResult):
        filters = filters.first_layer_filters
    filt = check_finite_array("filters", filters, ndim=3)
    n = filt.shape[0]
    ncols, nrows = grid_shape(n, 8 if ncols is None else check_int("ncols", ncols, low=1))
    fig, axes = figure_grid(ncols, nrows, width=1.5, height=1.6)
    axes = axes.ravel()
    # One symmetric scale for all filters: colours mean the same weight everywhere.
    vmax = float(np.abs(filt).max()) or 1.0
    for i, ax in enumerate(axes[:n]):
        im = ax.imshow(filt[i], cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
        ax.set_title(f"filter {i + 1}", fontsize=9)
    no_ticks(axes)
    hide(axes[n:])
    cbar = fig.colorbar(im, ax=list(axes[:n]), shrink=0.8)
    cbar.set_label("weight")
    fig.supxlabel("column (pixels)")
    fig.supylabel("row (pixels)")
    fig.suptitle(title or f"First-layer filters ({n} × {filt.shape[1]}×{filt.shape[2]} pixels)")
    return fig


def plot_feature_maps(maps: FeatureMaps, image_index: int = 0, *, title: str | None = None):
    """One digit and the first-layer feature map of each filter (after the ReLU).

    Each map is the response of a grid of identical "simple cells", one per
    pixel position, whose receptive field is the filter above it.

    Parameters
    ----------
    maps : FeatureMaps
        From :func:`nslib.vision.cnn_feature_maps`.
    image_index : int
        Which of ``maps.images`` to draw.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision.cnn import FeatureMaps, convolve_filters
    >>> digit = np.zeros((1, 8, 8)); digit[0, 1:7, 3:5] = 1.0   # a vertical bar, like a "1"
    >>> edges = np.array([[[-1, 0, 1]] * 3, [[1, 0, -1]] * 3], dtype=float)
    >>> maps = FeatureMaps(images=digit, labels=np.array([1]), predictions=np.array([1]),
    ...                    filters=edges, maps=convolve_filters(digit, edges))
    >>> [ax.get_title().split("\\n")[0] for ax in plot_feature_maps(maps).axes[:3]]
    ['input: 1', 'filter 1', 'filter 2']
    """
    if not isinstance(maps, FeatureMaps):
        raise ValueError(f"maps must be a FeatureMaps from nslib.vision.cnn_feature_maps; "
                         f"got {type(maps).__name__}")
    image_index = check_int("image_index", image_index, low=0, high=len(maps.images) - 1)
    image, responses, filters = maps.images[image_index], maps.maps[image_index], maps.filters
    n = len(filters)
    ncols, rows_of_filters = grid_shape(n, 8)
    nrows = 2 * rows_of_filters
    fig, axes = figure_grid(ncols + 1, nrows, width=1.5, height=1.6)
    vmax_f = float(np.abs(filters).max()) or 1.0
    vmax_m = float(responses.max()) or 1.0
    ax = axes[0, 0]
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    shown = "input" if maps.labels is None else f"input: {int(maps.labels[image_index])}"
    ax.set_title(f"{shown}\n(predicted {int(maps.predictions[image_index])})", fontsize=9)
    hide(axes[1:, 0])
    for i in range(rows_of_filters * ncols):
        row, col = 2 * (i // ncols), 1 + i % ncols
        if i >= n:
            hide(axes[row:row + 2, col])
            continue
        im_f = axes[row, col].imshow(filters[i], cmap=DIVERGING_CMAP, vmin=-vmax_f, vmax=vmax_f,
                                     interpolation="nearest")
        axes[row, col].set_title(f"filter {i + 1}", fontsize=9)
        im_m = axes[row + 1, col].imshow(responses[i], cmap=SEQUENTIAL_CMAP, vmin=0, vmax=vmax_m,
                                         interpolation="nearest")
        axes[row + 1, col].set_title(f"map {i + 1}", fontsize=9)
    no_ticks(axes.ravel())
    fig.colorbar(im_f, ax=list(axes[0::2, 1:].ravel()), shrink=0.8).set_label("weight")
    fig.colorbar(im_m, ax=list(axes[1::2, 1:].ravel()), shrink=0.8).set_label("response (ReLU)")
    fig.supxlabel("column (pixels)")
    fig.supylabel("row (pixels)")
    fig.suptitle(title or "First-layer feature maps: each filter applied at every position")
    return fig


def plot_training_curve(result: DigitsCNNResult, *, title: str | None = None):
    """Training loss and held-out test accuracy after each epoch.

    Parameters
    ----------
    result : DigitsCNNResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision.cnn import train_digits_cnn
    >>> fig = plot_training_curve(train_digits_cnn(n_filters=2, epochs=2))
    >>> fig.axes[0].get_xlabel()
    'epoch'
    """
    if not isinstance(result, DigitsCNNResult):
        raise ValueError(f"result must be a DigitsCNNResult from train_digits_cnn; "
                         f"got {type(result).__name__}")
    fig, (ax_loss, ax_acc) = new_figure(2, width=4.0, height=3.2)
    epochs = np.arange(1, result.loss_per_epoch.size + 1)
    ax_loss.plot(epochs, result.loss_per_epoch, marker="o", ms=3, color=PALETTE[0])
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training cross-entropy (nats)")
    ax_loss.set_title("training loss")
    ax_acc.plot(epochs, 100 * result.test_accuracy_per_epoch, marker="s", ms=3, color=PALETTE[2],
                label="test (held out)")
    ax_acc.axhline(10, color="grey", ls=":", lw=1, label="chance (10 %)")
    ax_acc.set_ylim(0, 100)
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("test accuracy (%)")
    ax_acc.set_title(f"final test accuracy {100 * result.test_accuracy:.1f} %")
    ax_acc.legend(loc="lower right", frameon=False)
    fig.suptitle(title or f"CNN on 8×8 digits ({result.n_filters} filters)")
    return fig
