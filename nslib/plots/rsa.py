"""Figures for representational similarity analysis (chapter 6): RDMs and their comparisons.

Every function takes results of :mod:`nslib.rsa` and only draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import DIVERGING_CMAP, PALETTE, SEQUENTIAL_CMAP, CourseFigure, new_figure
from ._layout import require_fields as _require

__all__ = ["plot_layer_correspondence", "plot_layer_rdm", "plot_rdms", "plot_seed_geometry"]

#: How each comparison of RDMs is written in titles.
_SYMBOL = {"spearman": "ρ", "kendall_tau_a": "τ_A", "pearson": "r"}
_NAME = {"spearman": "Spearman ρ", "kendall_tau_a": "Kendall τ_A", "pearson": "Pearson r"}



def _class_ticks(ax, labels: np.ndarray) -> None:
    # One tick per class, at the middle of its block of stimuli.
    labels = np.asarray(labels)
    classes = np.unique(labels)
    centres = [float(np.mean(np.flatnonzero(labels == c))) for c in classes]
    ax.set_xticks(centres, [str(c) for c in classes], fontsize=7)
    ax.set_yticks(centres, [str(c) for c in classes], fontsize=7)


def _rank_image(rdm: np.ndarray) -> np.ndarray:
    # RDMs are compared by rank; drawing percentiles makes any two comparable by eye.
    from scipy.stats import rankdata

    upper = np.triu_indices(len(rdm), k=1)
    ranks = np.zeros_like(rdm, dtype=float)
    ranks[upper] = rankdata(rdm[upper]) / len(upper[0])
    return ranks + ranks.T


def plot_rdms(result: Any, ncols: int = 4):
    """Every representation's RDM (as percentiles), titled with its correlation to the category model.

    Parameters
    ----------
    result : LayerRDMs
        From :func:`nslib.rsa.layer_rdm_correlations`.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rsa import LayerRDMs, category_rdm
    >>> lab = np.repeat([0, 1, 2], 2)
    >>> res = LayerRDMs(("a",), category_rdm(lab)[None], category_rdm(lab), np.array([1.0]),
    ...                 np.array([1.0]), lab, "spearman")
    >>> plot_rdms(res).axes[0].get_xlabel()
    'stimulus (digit)'
    """
    r = _require(result, ("names", "rdms", "category", "correlations", "labels"), "a LayerRDMs")
    panels = list(zip(r.names, r.rdms, r.correlations, strict=True)) + [("category model", r.category,
                                                                         None)]
    ncols = max(1, min(int(ncols), len(panels)))
    nrows = -(-len(panels) // ncols)
    fig = CourseFigure(figsize=(2.7 * ncols + 0.8, 2.8 * nrows + 0.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    for ax, (name, matrix, corr) in zip(axes, panels, strict=False):
        image = ax.imshow(_rank_image(np.asarray(matrix)), cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1,
                          interpolation="nearest")
        _class_ticks(ax, r.labels)
        symbol = _SYMBOL.get(r.method, "ρ")
        ax.set_title(name if corr is None else f"{name}: {symbol} = {corr:.2f}", fontsize=10)
        ax.set_xlabel("stimulus (digit)")
        ax.set_ylabel("stimulus (digit)")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.colorbar(image, ax=list(axes[:len(panels)]), shrink=0.7, label="dissimilarity (percentile)")
    fig.suptitle(f"Representational dissimilarity matrices of {len(r.labels)} held-out digits "
                 f"({_NAME.get(r.method, r.method)} with the category model)")
    return fig


def plot_layer_rdm(result: Any, layer: str):
    """One representation's RDM beside every representation's correlation with the category model.

    Parameters
    ----------
    result : LayerRDMs
    layer : str
        One of ``result.names``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rsa import LayerRDMs, category_rdm
    >>> lab = np.repeat([0, 1, 2], 2)
    >>> res = LayerRDMs(("a", "b"), np.stack([category_rdm(lab)] * 2), category_rdm(lab),
    ...                 np.array([0.5, 1.0]), np.array([0.4, 1.0]), lab, "spearman")
    >>> plot_layer_rdm(res, "b").axes[1].get_ylabel()
    'similarity to the category model'
    """
    r = _require(result, ("names", "rdms", "category", "correlations", "labels"), "a LayerRDMs")
    names = list(r.names)
    if layer not in names:
        raise ValueError(f"layer must be one of {names}; got {layer!r}")
    k = names.index(layer)
    fig, (ax1, ax2) = new_figure(2, 1, width=4.6, height=4.0)
    image = ax1.imshow(_rank_image(np.asarray(r.rdms[k])), cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1,
                       interpolation="nearest")
    _class_ticks(ax1, r.labels)
    ax1.set_xlabel("stimulus (digit)")
    ax1.set_ylabel("stimulus (digit)")
    ax1.set_title(f"RDM of '{layer}'")
    fig.colorbar(image, ax=ax1, shrink=0.8, label="dissimilarity (percentile)")
    x = np.arange(len(names))
    colors = [PALETTE[5] if i == k else PALETTE[0] for i in x]
    ax2.bar(x, r.correlations, color=colors)
    if hasattr(r, "cka"):
        ax2.plot(x, r.cka, "D", color=PALETTE[2], label="linear CKA with the labels")
        ax2.legend(fontsize=8, loc="upper left")
    ax2.set_xticks(x, names, rotation=30, ha="right")
    ax2.set_ylabel("similarity to the category model")
    ax2.set_xlabel("representation (input → output)")
    ax2.set_ylim(0, 1)
    ax2.set_title(f"{_NAME.get(r.method, r.method)} with the category RDM")
    symbol = _SYMBOL.get(r.method, "ρ")
    fig.suptitle(f"'{layer}': {symbol} = {r.correlations[k]:.2f} with the category model")
    return fig


def plot_seed_geometry(result: Any):
    """Networks trained from different seeds: weights compared unit by unit, and geometry compared by RDMs.

    Parameters
    ----------
    result : SeedGeometry
        From :func:`nslib.rsa.seed_geometry`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rsa import SeedGeometry
    >>> eye = np.eye(2)
    >>> geo = SeedGeometry(("a", "b"), eye, eye, eye, np.zeros((2, 3, 3)), np.ones(2), np.arange(3))
    >>> plot_seed_geometry(geo).axes[0].get_title()
    'hidden weights, unit by unit'
    """
    r = _require(result, ("names", "weight_correlation", "rdm_correlation", "cka"), "a SeedGeometry")
    fig, axes = new_figure(3, 1, width=3.7, height=3.5)
    names = list(r.names)
    panels = ((r.weight_correlation, "hidden weights, unit by unit", "weight correlation"),
              (r.rdm_correlation, "hidden-layer RDMs", "Spearman ρ of the RDMs"),
              (r.cka, "hidden layers, linear CKA", "CKA"))
    for ax, (matrix, title, label) in zip(axes, panels, strict=True):
        m = np.asarray(matrix)
        image = ax.imshow(m, cmap=DIVERGING_CMAP, vmin=-1, vmax=1)
        for i in range(len(m)):
            for j in range(len(m)):
                ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if abs(m[i, j]) > 0.6 else "black")
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.set_title(title)
        ax.set_xlabel("network")
        ax.set_ylabel("network")
        fig.colorbar(image, ax=ax, shrink=0.75, label=label)
    fig.suptitle("Different weights, the same geometry: digits MLPs from different seeds (and PC)")
    return fig


def plot_layer_correspondence(result: Any, *, labels: tuple[str, str] = ("network A", "network B")):
    """Every layer of one network against every layer of another, by linear CKA and by RDM correlation.

    Parameters
    ----------
    result : LayerCorrespondence
        From :func:`nslib.rsa.layer_correspondence`.
    labels : tuple of two str
        What to call the two networks on the axes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rsa import LayerCorrespondence
    >>> eye = np.eye(2)
    >>> res = LayerCorrespondence(("a", "b"), eye, eye, 10, "spearman")
    >>> plot_layer_correspondence(res).axes[0].get_xlabel()
    'layer of network B'
    """
    r = _require(result, ("names", "cka", "rdm_correlation", "n_stimuli", "method"),
                 "a LayerCorrespondence")
    names = list(r.names)
    fig, axes = new_figure(2, 1, width=4.3, height=4.0)
    panels = ((r.cka, "linear CKA", "CKA"),
              (r.rdm_correlation, f"{_NAME.get(r.method, r.method)} of the RDMs",
               _NAME.get(r.method, r.method)))
    for ax, (matrix, title, label) in zip(axes, panels, strict=True):
        m = np.asarray(matrix)
        low = min(0.5, float(m.min()))
        image = ax.imshow(m, cmap=SEQUENTIAL_CMAP, vmin=low, vmax=1)
        best = np.argmax(m, axis=1)
        for i in range(len(m)):
            for j in range(len(m)):
                # viridis is dark at the bottom of its range: white text there, black above.
                dark = (m[i, j] - low) / (1 - low) < 0.6
                ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        fontweight="bold" if j == best[i] else "normal",
                        color="white" if dark else "black")
        ax.plot(best, np.arange(len(m)), "s", ms=22, mfc="none", mec=PALETTE[5], mew=2)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        ax.set_xlabel(f"layer of {labels[1]}")
        ax.set_ylabel(f"layer of {labels[0]}")
        ax.set_title(f"{title}\n(boxed: the best match in each row)", fontsize=10)
        fig.colorbar(image, ax=ax, shrink=0.75, label=label)
    fig.suptitle(f"Layer by layer: {labels[0]} against {labels[1]} ({r.n_stimuli} held-out digits)")
    return fig
