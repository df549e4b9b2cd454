"""Figures for Chapter 1: threshold units, the perceptron, two-layer networks and their learning rules.

Classes are told apart by colour *and* marker shape (circle = class 0,
triangle = class 1), so the figures also read in greyscale.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_choice, check_finite_array, check_int
from ..perceptron import LOGIC_GATES, MLPXORResult, Perceptron, ThresholdUnit
from ..perceptron.feedback_alignment import LearningRuleResult
from ..perceptron.threshold_units import ActivationFit
from . import DIVERGING_CMAP, PALETTE, new_figure
from ._layout import figure_grid, grid_shape, hide, require_fields

__all__ = [
    "plot_activation_fits",
    "plot_decision_boundary",
    "plot_errors_per_epoch",
    "plot_learning_rules",
    "plot_logic_gates",
    "plot_mlp_loss",
    "plot_mlp_xor",
]


_CLASS_STYLE = {0: dict(color=PALETTE[1], marker="o"), 1: dict(color=PALETTE[0], marker="^")}
_REGION_COLORS = ("#FBE9C6", "#CCE3F0")  # light orange (class 0), light blue (class 1)

# What the two XOR figures read of an MLPXORResult (checked by require_fields, as in every plot).
_MLP_XOR = "an MLPXORResult from train_mlp_xor"
_MLP_XOR_FIELDS = ("hidden_units", "grid_x1", "grid_x2", "output_grid", "hidden_activations", "inputs",
                   "targets", "accuracy")


def _scatter_classes(ax, X: np.ndarray, y01: np.ndarray, labels=("class 0", "class 1"), size=40):
    for cls in (0, 1):
        pts = X[y01 == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, edgecolors="black", linewidths=0.6,
                   label=labels[cls], zorder=3, **_CLASS_STYLE[cls])


def _shade(ax, x1, x2, z01):
    from matplotlib.colors import ListedColormap

    ax.pcolormesh(x1, x2, z01, cmap=ListedColormap(_REGION_COLORS), vmin=0, vmax=1,
                  shading="auto", zorder=0, rasterized=True)


def _draw_line(ax, w: np.ndarray, offset: float, xlim, **kwargs):
    """Draw the line ``w·x = offset`` across ``xlim``; nothing if ``w`` is zero."""
    if np.allclose(w, 0):
        return
    if abs(w[1]) > 1e-12:
        xs = np.array(xlim)
        ax.plot(xs, (offset - w[0] * xs) / w[1], **kwargs)
    else:
        ax.axvline(offset / w[0], **kwargs)


def _two_layer_xor(x: np.ndarray) -> np.ndarray:
    """The units of :func:`nslib.perceptron.xor_two_layer`: AND of the hidden OR and NAND units."""
    hidden = np.stack([LOGIC_GATES["OR"](x), LOGIC_GATES["NAND"](x)], axis=-1)
    return LOGIC_GATES["AND"](hidden)


def plot_logic_gates(names: Sequence[str] = ("AND", "OR", "NAND", "XOR"), *,
                     title: str | None = None):
    """The four binary inputs of 2-input gates, each unit's threshold line and firing region.

    A single McCulloch–Pitts unit fires on one side of the line
    ``w₁x₁ + w₂x₂ = θ``. For XOR two lines are needed: the hidden OR and NAND
    units of :func:`nslib.perceptron.xor_two_layer`; the output fires in the
    strip between them.

    Parameters
    ----------
    names : sequence of str
        2-input gates among AND, OR, NAND, NOR, and XOR.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_logic_gates(["AND", "XOR"])
    >>> [ax.get_title() for ax in fig.axes]
    ['AND: x₁ + x₂ ≥ 1.5', 'XOR: two layers']
    """
    if isinstance(names, str) or len(names) == 0:
        raise ValueError(f"names must be a non-empty sequence of gate names; got {names!r}")
    units: list[tuple[str, Any]] = []
    for name in names:
        if isinstance(name, str) and name.upper() == "XOR":
            units.append(("XOR", None))
            continue
        unit = LOGIC_GATES[check_choice("names", name.upper() if isinstance(name, str) else name,
                                        LOGIC_GATES)]
        if len(unit.weights) != 2:
            raise ValueError(f"names must contain 2-input gates only (AND, OR, NAND, NOR, XOR); "
                             f"got {name!r}")
        units.append((name.upper(), unit))

    fig, axes = figure_grid(len(units), width=3.0, height=3.1)
    axes = axes.ravel()
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    lim = (-0.5, 1.5)
    g = np.linspace(*lim, 201)
    g1, g2 = np.meshgrid(g, g)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    for ax, (name, unit) in zip(axes[:len(units)], units, strict=True):
        if unit is None:
            out_grid = _two_layer_xor(grid)
            outputs = _two_layer_xor(inputs)
            for hidden, ls, x1_label in (("OR", "--", -0.2), ("NAND", ":", 1.2)):
                h = LOGIC_GATES[hidden]
                _draw_line(ax, np.array(h.weights), h.threshold, lim, color=PALETTE[7],
                           ls=ls, lw=1.5)
                # Label each hidden unit on its own line (a legend would hide a point).
                x2_label = (h.threshold - h.weights[0] * x1_label) / h.weights[1]
                ax.text(x1_label, x2_label, f"hidden {hidden}", rotation=-45, fontsize=7,
                        ha="center", va="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            ax.set_title("XOR: two layers")
        else:
            out_grid = unit(grid)
            outputs = unit(inputs)
            _draw_line(ax, np.array(unit.weights), unit.threshold, lim, color=PALETTE[7], lw=1.5)
            ax.set_title(f"{name}: {_equation(unit)}")
        _shade(ax, g, g, out_grid.reshape(g1.shape))
        _scatter_classes(ax, inputs, outputs, labels=("output 0", "output 1"), size=70)
        ax.set_xlim(lim)
        ax.set_ylim(lim)
        ax.set_aspect("equal")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_xlabel("input x₁")
        ax.set_ylabel("input x₂")
    fig.suptitle(title or "McCulloch–Pitts units: each unit fires on one side of a line "
                          "(blue: output 1 ▲, orange: output 0 ●)")
    return fig


def _equation(unit: ThresholdUnit) -> str:
    terms = []
    for i, w in enumerate(unit.weights):
        sub = "₁₂₃₄₅₆₇₈₉"[i]
        coef = "" if abs(w) == 1 else f"{abs(w):g}"
        sign = "-" if w < 0 else "+"
        terms.append((sign, f"{coef}x{sub}"))
    text = ("-" if terms[0][0] == "-" else "") + terms[0][1]
    for sign, term in terms[1:]:
        text += f" {sign} {term}"
    return f"{text} ≥ {unit.threshold:g}"


def plot_decision_boundary(model: Perceptron, X: Any, y: Any, *, epoch: int | None = None,
                           true_weights: Any = None, true_bias: float | None = None,
                           title: str | None = None):
    """2-D data and the line a perceptron has learnt (optionally after a given epoch).

    Parameters
    ----------
    model : Perceptron
        Fitted on 2-D inputs.
    X : array_like, shape (n_samples, 2)
    y : array_like, shape (n_samples,)
        Labels in the encoding used in ``fit`` ({0, 1} or {-1, 1}).
    epoch : int, optional
        Draw the line after this many epochs (0 = before training, up to
        ``model.n_epochs_``); default: the final line.
    true_weights, true_bias : optional
        The line that generated the data (e.g. ``Dataset.weights``, ``Dataset.bias``),
        drawn dashed.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.perceptron import Perceptron, make_separable
    >>> data = make_separable(n=40, seed=0)
    >>> fig = plot_decision_boundary(Perceptron().fit(data.X, data.y), data.X, data.y)
    >>> fig.axes[0].get_xlabel()
    'input x₁'
    """
    if not isinstance(model, Perceptron) or not hasattr(model, "weights_"):
        raise ValueError("model must be a fitted nslib.perceptron.Perceptron")
    if model.weights_.size != 2:
        raise ValueError(f"model must be fitted on 2-D inputs; got {model.weights_.size} features")
    X = check_finite_array("X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2); got {X.shape}")
    y = check_finite_array("y", y, ndim=1)
    if y.size != len(X):
        raise ValueError(f"y must have one label per sample of X ({len(X)}); got {y.size}")
    if epoch is None:
        epoch = model.n_epochs_
    epoch = check_int("epoch", epoch, low=0, high=model.n_epochs_)
    w = model.weights_per_epoch_[epoch]
    b = float(model.bias_per_epoch_[epoch])
    y01 = (y == model.classes_[1]).astype(int)

    fig, ax = new_figure(width=4.6, height=4.2)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)).max() + 0.05
    xlim = (X[:, 0].min() - pad, X[:, 0].max() + pad)
    ylim = (X[:, 1].min() - pad, X[:, 1].max() + pad)
    g1 = np.linspace(*xlim, 200)
    g2 = np.linspace(*ylim, 200)
    m1, m2 = np.meshgrid(g1, g2)
    if not np.allclose(w, 0):
        region = ThresholdUnit(weights=tuple(w), threshold=-b)(np.column_stack([m1.ravel(), m2.ravel()]))
        _shade(ax, g1, g2, region.reshape(m1.shape))
        _draw_line(ax, w, -b, xlim, color=PALETTE[7], lw=2, label="learnt boundary")
    if true_weights is not None:
        tw = check_finite_array("true_weights", true_weights, ndim=1)
        if tw.size != 2:
            raise ValueError(f"true_weights must have 2 elements; got {tw.size}")
        tb = 0.0 if true_bias is None else float(true_bias)
        _draw_line(ax, tw, -tb, xlim, color=PALETTE[5], lw=1.5, ls="--", label="true boundary")
    _scatter_classes(ax, X, y01)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("input x₁")
    ax.set_ylabel("input x₂")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    errors = int(np.sum((X @ w + b >= 0).astype(int) != y01))
    ax.set_title(title or f"Perceptron after {epoch} epoch(s): {errors} misclassified")
    return fig


def plot_errors_per_epoch(runs: Mapping[str, Any], *, title: str | None = None):
    """Misclassified samples in each epoch, for one or several perceptron runs.

    On linearly separable data the count reaches 0 and training stops; on XOR
    it never does.

    Parameters
    ----------
    runs : mapping of str to Perceptron or array_like
        Label → a fitted :class:`~nslib.perceptron.Perceptron` or its
        ``errors_per_epoch_``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_errors_per_epoch({"separable": [5, 2, 0], "XOR": [3, 4, 3, 4]})
    >>> fig.axes[0].get_ylabel()
    'misclassified samples'
    """
    if not isinstance(runs, Mapping) or len(runs) == 0:
        raise ValueError("runs must be a non-empty mapping of label -> Perceptron or errors per epoch")
    fig, ax = new_figure(width=5.5, height=3.4)
    top = 0
    for i, (label, run) in enumerate(runs.items()):
        errors = run.errors_per_epoch_ if isinstance(run, Perceptron) else run
        errors = check_finite_array(f"runs[{label!r}]", errors, ndim=1)
        epochs = np.arange(1, errors.size + 1)
        marker = "o^sDv<>p"[i % 8]
        ax.plot(epochs, errors, marker=marker, ms=4, color=PALETTE[i % len(PALETTE)], label=label)
        top = max(top, errors.max())
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylim(-0.05 * max(top, 1), 1.08 * max(top, 1))
    ax.set_xlabel("epoch")
    ax.set_ylabel("misclassified samples")
    ax.legend(frameon=False)
    ax.set_title(title or "Perceptron learning: mistakes per pass over the data")
    return fig


def plot_mlp_xor(result: MLPXORResult, *, max_hidden: int = 8, title: str | None = None):
    """What a 2-layer network learnt on XOR: its output and each hidden unit over the input plane.

    The first panel shows the output probability of class 1 with the decision
    boundary (p = 0.5) and the four XOR patterns. The next panels show each
    hidden unit's activation (tanh, from -1 to 1) with its own line (activation 0):
    every hidden unit is a perceptron-like line, and the output combines them.

    Parameters
    ----------
    result : MLPXORResult
        From :func:`nslib.perceptron.train_mlp_xor`.
    max_hidden : int, >= 0
        Draw at most this many hidden units.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.perceptron import train_mlp_xor
    >>> fig = plot_mlp_xor(train_mlp_xor(epochs=300, grid_resolution=21))
    >>> fig.axes[0].get_title()
    'output p(class 1)'
    """
    result = require_fields(result, _MLP_XOR_FIELDS, _MLP_XOR)
    max_hidden = check_int("max_hidden", max_hidden, low=0)
    n_hidden = min(result.hidden_units, max_hidden)
    n_panels = 1 + n_hidden
    ncols, nrows = grid_shape(n_panels, 5)
    fig, axes = figure_grid(ncols, nrows, width=2.9, height=2.9)
    axes = axes.ravel()
    extent = (result.grid_x1[0], result.grid_x1[-1], result.grid_x2[0], result.grid_x2[-1])

    ax = axes[0]
    im = ax.imshow(result.output_grid, origin="lower", extent=extent, cmap=DIVERGING_CMAP,
                   vmin=0, vmax=1, aspect="equal")
    if result.output_grid.min() < 0.5 < result.output_grid.max():
        ax.contour(result.grid_x1, result.grid_x2, result.output_grid, levels=[0.5],
                   colors="black", linewidths=1.5)
    _scatter_classes(ax, result.inputs, result.targets, size=60)
    ax.set_title("output p(class 1)")
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label("probability")
    for k in range(n_hidden):
        ax = axes[k + 1]
        act = result.hidden_activations[k]
        im = ax.imshow(act, origin="lower", extent=extent, cmap=DIVERGING_CMAP, vmin=-1, vmax=1,
                       aspect="equal")
        if act.min() < 0 < act.max():
            ax.contour(result.grid_x1, result.grid_x2, act, levels=[0.0], colors="black",
                       linewidths=1.0, linestyles="--")
        _scatter_classes(ax, result.inputs, result.targets, size=30)
        ax.set_title(f"hidden unit {k + 1}")
    if n_hidden:
        cbar = fig.colorbar(im, ax=list(axes[1:n_panels]), shrink=0.8)
        cbar.set_label("activation (tanh)")
    for ax in axes[:n_panels]:
        ax.set_xlabel("input x₁")
        ax.set_ylabel("input x₂")
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    hide(axes[n_panels:])
    fig.suptitle(title or f"2-layer network on XOR ({result.hidden_units} hidden units, "
                          f"accuracy {result.accuracy:.0%})")
    return fig


def plot_mlp_loss(result: MLPXORResult, *, title: str | None = None):
    """Training loss of the 2-layer network on XOR (log scale).

    Parameters
    ----------
    result : MLPXORResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.perceptron import train_mlp_xor
    >>> plot_mlp_loss(train_mlp_xor(epochs=50, grid_resolution=2)).axes[0].get_xlabel()
    'epoch'
    """
    result = require_fields(result, ("loss_per_epoch",), _MLP_XOR)
    fig, ax = new_figure(width=5.0, height=3.2)
    epochs = np.arange(1, result.loss_per_epoch.size + 1)
    ax.plot(epochs, result.loss_per_epoch, color=PALETTE[0])
    ax.axhline(np.log(2), color="grey", ls=":", lw=1, label="chance (ln 2)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss (nats)")
    ax.legend(frameon=False)
    ax.set_title(title or "Backpropagation on XOR: training loss")
    return fig


_RULE_LABELS = {"backprop": "backpropagation", "feedback_alignment": "feedback alignment",
                "output_only": "output layer only"}


def plot_learning_rules(results: Sequence[LearningRuleResult], *, title: str | None = None):
    """Held-out accuracy of networks trained with different learning rules, and their alignment.

    Left, test accuracy after each epoch, one line per rule, with chance
    level dashed. Right, the angle between the hidden-layer errors each rule
    uses and backprop's (90 degrees: no better than a random direction).

    Parameters
    ----------
    results : sequence of LearningRuleResult
        From :func:`nslib.perceptron.train_two_layer`, one per rule, same task.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.perceptron import train_two_layer
    >>> runs = [train_two_layer(rule, task="xor", hidden_units=4, epochs=20, batch_size=4)
    ...         for rule in ("backprop", "feedback_alignment")]
    >>> plot_learning_rules(runs).axes[1].get_ylabel().startswith("angle")
    True
    """
    results = list(results) if isinstance(results, (list, tuple)) else results
    if not isinstance(results, list) or not results or not all(
            isinstance(r, LearningRuleResult) for r in results):
        raise ValueError("results must be a non-empty list of LearningRuleResult "
                         "(from nslib.perceptron.train_two_layer)")
    fig, (ax_acc, ax_angle) = new_figure(2, 1, width=4.6, height=3.4)
    n_classes = 10 if results[0].task == "digits" else 2
    for k, res in enumerate(results):
        epochs = np.arange(1, res.test_accuracy.size + 1)
        colour, marker = PALETTE[k % len(PALETTE)], "os^D"[k % 4]
        label = f"{_RULE_LABELS[res.rule]} ({res.final_test_accuracy:.1%})"
        ax_acc.plot(epochs, 100 * res.test_accuracy, marker=marker, ms=3, color=colour,
                    label=label)
        if not np.all(np.isnan(res.alignment_deg)):
            ax_angle.plot(np.arange(0, epochs.size + 1),
                          np.concatenate([[res.initial_alignment_deg], res.alignment_deg]),
                          marker=marker, ms=3, color=colour, label=_RULE_LABELS[res.rule])
    ax_acc.axhline(100 / n_classes, color="grey", ls="--", lw=1, label="chance")
    ax_acc.set_ylim(0, 100)
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("held-out accuracy (%)")
    ax_acc.set_title(f"{results[0].hidden_units} hidden units")
    ax_acc.legend(fontsize=8, loc="lower right")
    ax_angle.axhline(90, color="grey", ls="--", lw=1, label="90° (no alignment)")
    ax_angle.set_ylim(-5, 120)
    ax_angle.set_xlabel("epoch")
    ax_angle.set_ylabel("angle to backprop's hidden errors (°)")
    ax_angle.set_title("Does the feedback point the right way?")
    ax_angle.legend(fontsize=8)
    fig.suptitle(title or f"Learning rules on {'handwritten digits' if n_classes == 10 else 'XOR'}")
    return fig


def plot_activation_fits(currents, rates, fits: Sequence[ActivationFit], *, reference: Any = None,
                         title: str | None = None):
    """A measured f-I curve with the activation functions fitted to it.

    Parameters
    ----------
    currents, rates : array_like
        The measured curve: input currents (nA) and firing rates (Hz), 1-D.
    fits : sequence of ActivationFit
        From :func:`nslib.perceptron.fit_activation` on that curve.
    reference : tuple of array_like, optional
        ``(currents_nA, rates_hz)`` of another curve to draw in grey, e.g.
        the noise-free f-I curve.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.perceptron import fit_activation
    >>> x = np.linspace(0, 4, 17); y = 30 * np.maximum(x - 2, 0)
    >>> fig = plot_activation_fits(x, y, [fit_activation(x, y, "relu")])
    >>> fig.axes[0].get_xlabel()
    'input current (nA)'
    """
    x = check_finite_array("currents", currents, ndim=1)
    y = check_finite_array("rates", rates, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"rates must have the shape of currents {x.shape}; got {y.shape}")
    fits = list(fits) if isinstance(fits, (list, tuple)) else fits
    if not isinstance(fits, list) or not fits or not all(isinstance(f, ActivationFit)
                                                         for f in fits):
        raise ValueError("fits must be a non-empty list of ActivationFit "
                         "(from nslib.perceptron.fit_activation)")
    fig, ax = new_figure(width=5.5, height=3.6)
    if reference is not None:
        ref_x = check_finite_array("reference[0]", reference[0], ndim=1)
        ref_y = check_finite_array("reference[1]", reference[1], ndim=1)
        ax.plot(ref_x, ref_y, "-", color="grey", lw=1.5, label="LIF without noise")
    ax.plot(x, y, "o", color=PALETTE[7], ms=4, mfc="none", label="LIF with noise")
    fine = np.linspace(x.min(), x.max(), 200)
    for k, fit in enumerate(fits):
        ax.plot(fine, fit(fine), ls="--" if fit.kind == "relu" else "-",
                color=PALETTE[k % len(PALETTE)],
                label=f"{fit.kind} fit (rms error {fit.rms_error:.1f} Hz)")
    ax.set_xlabel("input current (nA)")
    ax.set_ylabel("firing rate (Hz)")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title or "A spiking neuron's f-I curve and two activation functions")
    return fig
