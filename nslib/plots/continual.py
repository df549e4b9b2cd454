"""Figures for Chapter 5: task sequences, accuracy matrices, consolidation, replay, Hebbian learning.

Every function takes results from :mod:`nslib.continual` and only draws.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .._validation import check_finite_array, check_int
from . import DIVERGING_CMAP, PALETTE, SEQUENTIAL_CMAP, CourseFigure, new_figure

__all__ = [
    "plot_accuracy_matrices",
    "plot_forgetting_curves",
    "plot_hebbian_spiking",
    "plot_input_importance",
    "plot_method_comparison",
    "plot_oja_vs_pca",
    "plot_rich_lazy",
    "plot_rich_lazy_run",
    "plot_scenario_comparison",
    "plot_stability_plasticity",
    "plot_task_examples",
    "plot_tradeoff",
]


def _axes_row(ncols: int, nrows: int = 1, **kwargs):
    fig, axes = new_figure(ncols, nrows, **kwargs)
    return fig, np.asarray(axes, dtype=object).reshape(nrows, ncols)


def _matrix(result_or_R) -> np.ndarray:
    R = getattr(result_or_R, "R", result_or_R)
    arr = check_finite_array("R", R, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"R must be square (n_tasks x n_tasks); got shape {arr.shape}")
    return arr


def _draw_matrix(ax, R: np.ndarray, title: str):
    n = R.shape[0]
    image = ax.imshow(R, vmin=0.0, vmax=1.0, cmap=SEQUENTIAL_CMAP)
    for i in range(n):
        for j in range(n):
            # Dark text on the bright (yellow) end of viridis, light text elsewhere.
            ax.text(j, i, f"{100 * R[i, j]:.0f}", ha="center", va="center", fontsize=8,
                    color="black" if R[i, j] > 0.6 else "white")
    ticks = np.arange(n)
    ax.set_xticks(ticks, [str(t + 1) for t in ticks])
    ax.set_yticks(ticks, [str(t + 1) for t in ticks])
    ax.set_xlabel("tested on task j")
    ax.set_ylabel("after training on task i")
    ax.set_title(title, fontsize=10)
    return image


def _summary(R: np.ndarray) -> str:
    n = R.shape[0]
    acc = R[-1].mean()
    if n < 2:
        return f"ACC {100 * acc:.0f}%"
    bwt = np.mean(R[-1, :-1] - np.diag(R)[:-1])
    return f"ACC {100 * acc:.0f}%, BWT {100 * bwt:+.1f} pts"


def plot_accuracy_matrices(results: Mapping[str, Any], *, title: str | None = None):
    """Accuracy matrices side by side, each titled with its average accuracy and backward transfer.

    Parameters
    ----------
    results : mapping of str to ContinualResult or array (n_tasks, n_tasks)
        Panel label → result (or its ``R``).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_accuracy_matrices({"toy": np.array([[0.9, 0.1], [0.4, 0.95]])})
    >>> fig.axes[0].get_xlabel()
    'tested on task j'
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping of label -> result")
    matrices = {label: _matrix(r) for label, r in results.items()}
    n = len(matrices)
    fig, axes = _axes_row(n, width=3.4, height=4.0)
    for ax, (label, R) in zip(axes[0], matrices.items(), strict=True):
        image = _draw_matrix(ax, R, f"{label}\n{_summary(R)}")
    bar = fig.colorbar(image, ax=list(axes[0]), shrink=0.8)
    bar.set_label("accuracy")
    fig.suptitle(title or "Accuracy matrix R[i, j] (%)")
    return fig


def plot_forgetting_curves(result, *, title: str | None = None):
    """Accuracy on each task as training moves through the sequence (the columns of R).

    Parameters
    ----------
    result : ContinualResult or array_like, shape (n_tasks, n_tasks)
        A run, or its accuracy matrix ``R``.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_forgetting_curves(np.array([[0.9, 0.1], [0.4, 0.95]]))
    >>> fig.axes[0].get_ylabel()
    'test accuracy (%)'
    """
    R = _matrix(result)
    n = R.shape[0]
    fig, ax = new_figure(width=5.5, height=3.5)
    stages = np.arange(1, n + 1)
    markers = "osD^v<>p*h"
    for j in range(n):
        ax.plot(stages[j:], 100 * R[j:, j], marker=markers[j % len(markers)],
                color=PALETTE[j % len(PALETTE)], label=f"task {j + 1}")
    chance = _chance(result)
    ax.axhline(100 * chance, color="grey", linestyle=":", linewidth=1,
               label=f"chance ({round(1 / chance)} outputs)")
    ax.set_xticks(stages)
    ax.set_ylim(0, 100)
    ax.set_xlabel("trained up to task")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize=8, ncols=2)
    ax.set_title(title or "Each task's accuracy as later tasks are learned")
    return fig


def _chance(result) -> float:
    """Chance accuracy: 1/2 with two outputs per answer (task-incremental, split domain-incremental)."""
    scenario = getattr(result, "scenario", "domain")
    two_way = scenario == "task" or (scenario == "domain" and getattr(result, "kind", "") == "split")
    return 0.5 if two_way else 0.1


_SCENARIO_NAMES = {"task": "task-incremental\n(told the task)",
                   "domain": "domain-incremental\n(even or odd?)",
                   "class": "class-incremental\n(which digit?)"}


def plot_scenario_comparison(comparison, *, title: str | None = None):
    """Average accuracy and backward transfer of one method in the three scenarios, over seeds.

    Parameters
    ----------
    comparison : ScenarioComparison
        From :func:`nslib.continual.compare_scenarios`.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure
        Bars of the mean over seeds, a dot per seed, and the chance level of
        each scenario.

    Examples
    --------
    >>> from types import SimpleNamespace as C
    >>> toy = C(scenarios=("task", "domain", "class"), seeds=(0, 1), method="sgd",
    ...         average_accuracy=np.array([[0.99, 0.98], [0.8, 0.7], [0.2, 0.19]]),
    ...         backward_transfer=np.array([[0.0, -0.01], [-0.2, -0.3], [-1.0, -0.99]]))
    >>> [ax.get_ylabel() for ax in plot_scenario_comparison(toy).axes]
    ['average accuracy at the end (%)', 'backward transfer (percentage points)']
    """
    scenarios = tuple(getattr(comparison, "scenarios", ()))
    if not scenarios:
        raise ValueError("comparison must be a ScenarioComparison with at least one scenario")
    acc = 100 * np.asarray(comparison.average_accuracy, dtype=float)
    bwt = 100 * np.asarray(comparison.backward_transfer, dtype=float)
    n_seeds = acc.shape[1]
    fig, axes = _axes_row(2, width=4.3, height=3.8)
    x = np.arange(len(scenarios))
    jitter = np.linspace(-0.12, 0.12, n_seeds) if n_seeds > 1 else np.zeros(1)
    chance = [50.0 if s in ("task", "domain") else 10.0 for s in scenarios]
    for ax, values, ylabel, color in ((axes[0, 0], acc, "average accuracy at the end (%)", PALETTE[2]),
                                      (axes[0, 1], bwt, "backward transfer (percentage points)",
                                       PALETTE[5])):
        ax.bar(x, values.mean(axis=1), width=0.6, color=color, alpha=0.6, label="mean over seeds")
        for k in range(n_seeds):
            ax.plot(x + jitter[k], values[:, k], "o", color="black", markersize=4,
                    label="one seed" if k == 0 else None)
        ax.set_xticks(x, [_SCENARIO_NAMES.get(s, s) for s in scenarios], fontsize=8)
        ax.set_xlabel("scenario (split digits, two per task)")
        ax.set_ylabel(ylabel)
        ax.axhline(0, color="grey", linewidth=0.8)
    axes[0, 0].plot(x, chance, "_", color=PALETTE[1], markersize=30, markeredgewidth=2,
                    label="chance")
    axes[0, 0].set_ylim(0, 122)                   # room for the legend above the bars
    axes[0, 0].set_yticks(range(0, 101, 20))
    axes[0, 1].set_ylim(-105, 5)
    axes[0, 0].legend(fontsize=7, loc="upper center", ncols=3)
    axes[0, 0].set_title("what is known after the last task", fontsize=10)
    axes[0, 1].set_title("what the earlier tasks lost", fontsize=10)
    name = getattr(comparison, "method", "sgd").upper()
    fig.suptitle(title or f"One network ({name}) in the three scenarios, {n_seeds} seeds")
    return fig


def plot_stability_plasticity(result, *, title: str | None = None):
    """One run: its accuracy matrix, and for each task its accuracy when learned and at the end.

    The bars compare plasticity (accuracy right after learning a task, the
    diagonal of R) with stability (accuracy on it after the last task, the
    last row). Used for the sweeps over λ, the replay buffer and the subspace
    dimension.

    Parameters
    ----------
    result : ContinualResult or array_like, shape (n_tasks, n_tasks)
        A run, or its accuracy matrix ``R``.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_stability_plasticity(np.array([[0.9, 0.1], [0.4, 0.95]]), title="toy")
    >>> len(fig.axes)
    2
    """
    R = _matrix(result)
    n = R.shape[0]
    fig, axes = _axes_row(2, width=3.6, height=3.8)
    _draw_matrix(axes[0, 0], R, "accuracy matrix R (%)")
    ax = axes[0, 1]
    tasks = np.arange(1, n + 1)
    ax.bar(tasks - 0.2, 100 * np.diag(R), width=0.4, color=PALETTE[0], label="when learned")
    ax.bar(tasks + 0.2, 100 * R[-1], width=0.4, color=PALETTE[1], hatch="//",
           label="after the last task")
    ax.set_xticks(tasks)
    ax.set_ylim(0, 100)
    ax.set_xlabel("task")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(_summary(R), fontsize=10)
    fig.suptitle(title or "Plasticity and stability")
    return fig


def plot_tradeoff(values: Sequence[float], results: Sequence[Any], *, xlabel: str,
                  log_x: bool = True, title: str | None = None):
    """Average accuracy, learning accuracy and backward transfer against a hyperparameter.

    Parameters
    ----------
    values : sequence of float
        The hyperparameter of each run (x axis); with ``log_x`` a 0 is drawn
        at the left edge, marked "0".
    results : sequence of ContinualResult
    xlabel : str
        Axis label with units.
    log_x : bool
        Logarithmic x axis.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> runs = [R(average_accuracy=0.5, learning_accuracy=0.9, backward_transfer=-0.4),
    ...         R(average_accuracy=0.7, learning_accuracy=0.8, backward_transfer=-0.1)]
    >>> fig = plot_tradeoff([1, 10], runs, xlabel="λ")
    >>> fig.axes[0].get_xlabel()
    'λ'
    """
    values = check_finite_array("values", values, ndim=1)
    if len(results) != len(values):
        raise ValueError(f"results must have one entry per value ({len(values)}); got {len(results)}")
    x = values.astype(float)
    ticklabels = None
    if log_x:
        positive = x[x > 0]
        if positive.size == 0:
            raise ValueError("values must include a positive number when log_x is True")
        zero_at = positive.min() / 10
        ticklabels = ["0" if v == 0 else _tick(v) for v in x]
        x = np.where(x > 0, x, zero_at)
    fig, ax = new_figure(width=5.5, height=3.6)
    acc = [100 * r.average_accuracy for r in results]
    la = [100 * r.learning_accuracy for r in results]
    bwt = [100 * r.backward_transfer for r in results]
    ax.plot(x, la, marker="o", color=PALETTE[0], label="learning accuracy (mean of diagonal)")
    ax.plot(x, acc, marker="s", color=PALETTE[2], label="average accuracy at the end (ACC)")
    ax.plot(x, bwt, marker="D", color=PALETTE[5], linestyle="--", label="backward transfer (BWT)")
    ax.axhline(0, color="grey", linewidth=0.8)
    if log_x:
        ax.set_xscale("log")
        ax.set_xticks(x, ticklabels)
        ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("accuracy or change (percentage points)")
    ax.legend(fontsize=8)
    ax.set_title(title or "Stability against plasticity")
    return fig


def _tick(value: float) -> str:
    """A tick label: plain below 10,000, a power of ten (or mantissa × power) above."""
    if value < 1e4:
        return f"{value:g}"
    exponent = int(np.floor(np.log10(value)))
    mantissa = value / 10 ** exponent
    return f"$10^{{{exponent}}}$" if np.isclose(mantissa, 1) else f"${mantissa:g}\\times10^{{{exponent}}}$"


def plot_method_comparison(results: Mapping[str, Any], *, title: str | None = None):
    """Average accuracy, learning accuracy and backward transfer of several methods, as bars.

    Parameters
    ----------
    results : mapping of str to ContinualResult
        Label → a run; one group of bars each.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> fig = plot_method_comparison({"SGD": R(average_accuracy=0.5, learning_accuracy=0.9,
    ...                                         backward_transfer=-0.4)})
    >>> fig.axes[0].get_ylabel()
    'percent or percentage points'
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping of method label -> result")
    labels = list(results)
    x = np.arange(len(labels))
    fig, ax = new_figure(width=max(5.5, 1.3 * len(labels) + 3), height=3.8)
    series = [("learning accuracy", "learning_accuracy", PALETTE[0], None),
              ("average accuracy (ACC)", "average_accuracy", PALETTE[2], "//"),
              ("backward transfer (BWT)", "backward_transfer", PALETTE[5], "..")]
    width = 0.27
    for k, (name, field, color, hatch) in enumerate(series):
        vals = [100 * getattr(results[label], field) for label in labels]
        bars = ax.bar(x + (k - 1) * width, vals, width=width, color=color, hatch=hatch, label=name)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.axhline(0, color="grey", linewidth=0.8)
    # Long labels wrap at their parenthesis: "replay\n(100 images)".
    ax.set_xticks(x, [label.replace(" (", "\n(") for label in labels])
    ax.set_xlabel("method")
    ax.set_ylabel("percent or percentage points")
    ax.set_ylim(min(-10.0, ax.get_ylim()[0] - 8), 108)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "What each method learns and keeps")
    return fig


def plot_task_examples(tasks, *, n_examples: int = 2, title: str | None = None):
    """The same test images as every task of a sequence sees them (8 × 8 pixels).

    One column per task. For permuted tasks the rows are the same digits in
    each task's pixel order; for split tasks, examples of the task's classes.

    Parameters
    ----------
    tasks : TaskSequence
        From :func:`nslib.continual.make_task_sequence`.
    n_examples : int
        Images per task (rows), >= 1.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.continual import make_task_sequence
    >>> fig = plot_task_examples(make_task_sequence("permuted", n_tasks=3), n_examples=2)
    >>> len(fig.axes)
    6
    """
    n_examples = check_int("n_examples", n_examples, low=1)
    n_tasks = tasks.n_tasks
    fig, axes = _axes_row(n_tasks, n_examples, width=1.35, height=1.5)
    for t, task in enumerate(tasks.tasks):
        if tasks.kind == "permuted":
            picks = list(range(n_examples))
        else:
            per_class = [np.flatnonzero(task.y_test == c) for c in task.classes]
            picks = [per_class[k % len(per_class)][k // len(per_class)] for k in range(n_examples)]
        for k, idx in enumerate(picks):
            ax = axes[k, t]
            ax.imshow(task.x_test[idx].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"task {t + 1}: {task.y_test[idx]}", fontsize=8)
    fig.supxlabel("task (8 × 8 pixels each)")
    fig.supylabel("example")
    kind = "permuted pixels" if tasks.kind == "permuted" else "two digits per task"
    fig.suptitle(title or f"The task sequence: {kind}")
    return fig


def plot_input_importance(result, *, task: int = 0, title: str | None = None):
    """How important the synapses leaving each pixel are for task ``task`` (EWC's Fisher or SI's Ω).

    Parameters
    ----------
    result : ContinualResult
        A run of method ``"ewc"`` or ``"si"`` (it has ``input_importance``).
    task : int
        Which task's importance, in [0, n_tasks - 1].
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> fig = plot_input_importance(R(input_importance=np.ones((1, 64)), method="ewc"))
    >>> fig.axes[0].get_title()
    'EWC importance after task 1'
    """
    importance = getattr(result, "input_importance", None)
    if importance is None:
        raise ValueError("result must come from method 'ewc' or 'si' (it has no input_importance)")
    task = check_int("task", task, low=0, high=importance.shape[0] - 1)
    fig, ax = new_figure(width=3.8, height=3.4)
    image = ax.imshow(np.asarray(importance[task]).reshape(8, 8), cmap=SEQUENTIAL_CMAP)
    ax.set_xticks(range(0, 8, 2))
    ax.set_yticks(range(0, 8, 2))
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    bar = fig.colorbar(image, ax=ax)
    bar.set_label("importance (summed over hidden units)")
    name = {"ewc": "EWC", "si": "SI"}.get(getattr(result, "method", ""), "")
    ax.set_title(title or f"{name} importance after task {task + 1}")
    return fig


def plot_oja_vs_pca(oja, pca_components: Any, *, optimal_residual: float | None = None,
                    image_shape: tuple = (8, 8), n_show: int = 6, title: str | None = None):
    """Does the subspace Oja's rule learned contain the principal components?

    Top row: PCA's leading components. Bottom row: each of them projected onto
    the subspace spanned by the learned weights, ``Hᵀ H p``; the same image
    means the component lies in the learned subspace. (Oja's rule learns the
    subspace, not the components themselves: any rotation of them within it is
    a fixed point.) Right: the energy the learned subspace fails to
    reconstruct, over learning.

    Parameters
    ----------
    oja : OjaResult
    pca_components : array_like, shape (k, d)
    optimal_residual : float, optional
        Residual energy of the exact top-k subspace, drawn as a line.
    image_shape : (int, int)
        Shape to draw a row as an image (d = rows × columns).
    n_show : int
        Components to draw.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.continual import oja_subspace, pca_subspace
    >>> x = np.random.default_rng(0).normal(size=(300, 4)) * [2, 1, 0.2, 0.1]
    >>> fig = plot_oja_vs_pca(oja_subspace(x, 2, epochs=5), pca_subspace(x, 2),
    ...                       image_shape=(2, 2), n_show=2)
    >>> fig.axes[-1].get_xlabel()
    'epoch'
    """
    pca = check_finite_array("pca_components", pca_components, ndim=2)
    n_show = min(check_int("n_show", n_show, low=1), len(pca))
    if int(np.prod(image_shape)) != pca.shape[1]:
        raise ValueError(f"image_shape must hold {pca.shape[1]} pixels; got {image_shape}")
    projected = oja.project(pca[:n_show])
    fig = CourseFigure(figsize=(1.25 * n_show + 4.2, 4.0), layout="constrained")
    grid = fig.add_gridspec(2, n_show + 3)
    limit = np.abs(pca[:n_show]).max()
    rows = (("PCA", pca[:n_show]), ("in Oja's", projected))
    for row, (name, comps) in enumerate(rows):
        for k in range(n_show):
            ax = fig.add_subplot(grid[row, k])
            ax.imshow(comps[k].reshape(image_shape), cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{name} {k + 1}", fontsize=8)
            ax.set_xlabel("pixel", fontsize=7)
            ax.set_ylabel("pixel", fontsize=7)
    ax = fig.add_subplot(grid[:, n_show:])
    epochs = np.arange(len(oja.residual_energy))
    ax.plot(epochs, 100 * oja.residual_energy, marker=".", color=PALETTE[0], label="Oja's rule")
    if optimal_residual is not None:
        ax.axhline(100 * optimal_residual, color=PALETTE[1], linestyle="--",
                   label="best subspace (PCA)")
    ax.set_ylim(0, None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("energy not captured (%)")
    ax.legend(fontsize=8)
    ax.set_title("learning the subspace", fontsize=10)
    fig.suptitle(title or f"Oja's subspace rule against PCA (k = {len(oja.components)})")
    return fig


def plot_hebbian_spiking(result, *, title: str | None = None):
    """A spiking neuron's Hebbian synapses: weights over time, alignment with the PCs, final weights.

    Parameters
    ----------
    result : HebbianSpikingResult
        From :func:`nslib.continual.hebbian_spiking_pca`.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import second
    >>> from nslib.continual import hebbian_spiking_pca
    >>> r = hebbian_spiking_pca(8, duration=1 * second, target="numpy")
    >>> len(plot_hebbian_spiking(r).axes)
    3
    """
    from brian2 import second

    t = np.asarray(result.times / second)
    fig, axes = _axes_row(3, width=3.9, height=3.4)
    ax = axes[0, 0]
    n = result.weights.shape[1]
    colors = _cyclic_colors(n)
    for i in range(n):
        ax.plot(t, result.weights[:, i], color=colors[i], linewidth=0.8)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("synaptic weight w (a.u.)")
    ax.set_title("weights of the inputs\n(colour: input index)", fontsize=10)
    ax = axes[0, 1]
    ax.plot(t, result.alignment, color=PALETTE[0], label="PC 1")
    ax.plot(t, result.alignment_second, color=PALETTE[1], linestyle="--", label="PC 2")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("|cos(w, PC)|")
    ax.legend(fontsize=8)
    ax.set_title("alignment with the inputs' PCs", fontsize=10)
    ax = axes[0, 2]
    idx = np.arange(n)
    final = result.final_weights / np.linalg.norm(result.final_weights)
    ax.bar(idx, final, color=PALETTE[0], label="learned w (unit length)")
    ax.plot(idx, result.principal_component, "o", color=PALETTE[1], label="PC 1 of the spike counts")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("input neuron")
    ax.set_ylabel("weight or component")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"final: |cos| = {result.final_alignment:.2f}", fontsize=10)
    fig.suptitle(title or "Hebbian synapses of a spiking neuron learn the first principal component")
    return fig


def _cyclic_colors(n: int):
    from matplotlib import colormaps

    cmap = colormaps["twilight"]
    return [cmap(i / n) for i in range(n)]


def plot_rich_lazy(results: Sequence[Any], *, title: str | None = None):
    """Weight change and kernel and representation alignment against the initial rank.

    Parameters
    ----------
    results : sequence of RichLazyResult
        Any number of runs (several seeds per rank): each run is a dot, the
        mean per rank a line.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> runs = [R(rank=r, weight_change=1.0 / r, kernel_alignment=0.5, representation_alignment=0.9)
    ...         for r in (1, 4)]
    >>> len(plot_rich_lazy(runs).axes)
    3
    """
    if not results:
        raise ValueError("results must hold at least one RichLazyResult")
    ranks = np.array([r.rank for r in results])
    fields = [("weight_change", "‖W_T − W_0‖ (Frobenius)", "weight change"),
              ("kernel_alignment", "alignment A(K_0, K_T)", "tangent kernel"),
              ("representation_alignment", "alignment of activity Gram", "representation")]
    fig, axes = _axes_row(3, width=3.6, height=3.4)
    levels = np.unique(ranks)
    for ax, (field, ylabel, name) in zip(axes[0], fields, strict=True):
        vals = np.array([getattr(r, field) for r in results])
        ax.plot(ranks, vals, "o", color=PALETTE[0], alpha=0.5, label="one seed")
        ax.plot(levels, [vals[ranks == lv].mean() for lv in levels], "-", color=PALETTE[1],
                linewidth=2, label="mean")
        ax.set_xscale("log", base=2)
        ax.set_xticks(levels, [str(lv) for lv in levels])
        ax.minorticks_off()
        ax.set_xlabel("rank of the initial recurrent weights")
        ax.set_ylabel(ylabel)
        ax.set_title(name, fontsize=10)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(title or "Low-rank connectivity learns richly, high-rank lazily")
    return fig


def plot_rich_lazy_run(result, *, title: str | None = None):
    """One rich/lazy run: the spectrum of the recurrent weights before and after learning.

    Left: the singular values of the initial ``W_0`` and the trained ``W_T``.
    Right: those of the change ``W_T − W_0``, against the initial ones.

    Parameters
    ----------
    result : RichLazyResult
        One run of :func:`nslib.continual.rich_lazy_experiment`.
    title : str, optional
        Figure title; a default is used otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.continual import rich_lazy_experiment
    >>> run = rich_lazy_experiment(1, n_units=8, steps=5, n_probe=4)
    >>> [ax.get_ylabel() for ax in plot_rich_lazy_run(run).axes]
    ['singular value', 'singular value']
    """
    spectra = [getattr(result, name, None) for name in
               ("singular_values", "final_singular_values", "change_singular_values")]
    if any(s is None for s in spectra):
        raise ValueError("result must be a RichLazyResult (it has no singular values)")
    initial, final, change = (np.asarray(s, dtype=float) for s in spectra)
    index = np.arange(1, len(initial) + 1)
    fig, axes = _axes_row(2, width=4.2, height=3.5)
    top = 1.05 * max(initial.max(), final.max())
    for ax, series, name in (
            (axes[0, 0], [("initial W_0", initial, "-"), ("trained W_T", final, "--")],
             "the recurrent weights"),
            (axes[0, 1], [("initial W_0", initial, "-"), ("change W_T − W_0", change, "--")],
             "what learning added")):
        for k, (label, values, style) in enumerate(series):
            ax.plot(index, values, marker=".", linestyle=style, color=PALETTE[k], label=label)
        ax.set_xscale("log", base=2)
        ax.set_ylim(0, top)
        ax.set_xlabel("index (largest first)")
        ax.set_ylabel("singular value")
        ax.legend(fontsize=8)
        ax.set_title(name, fontsize=10)
    fig.suptitle(title or f"Initial rank {result.rank}: ‖ΔW‖ = {result.weight_change:.2f}, "
                          f"representation alignment {result.representation_alignment:.2f}")
    return fig
