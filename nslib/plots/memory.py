"""Figures for chapter 8: place cells, the successor representation, the two-step task, Dyna, CLS.

Every function takes results of :mod:`nslib.memory` and only draws.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import PALETTE, SEQUENTIAL_CMAP, new_figure
from ._layout import figure_grid, grid_shape, hide, no_ticks

__all__ = ["plot_cls", "plot_dyna", "plot_place_cells", "plot_sr_eigenvectors", "plot_sr_fields",
           "plot_sr_skew", "plot_two_step"]


def plot_place_cells(result, *, cells: Sequence[int] | None = None, title: str | None = None):
    """A raster of a run along the track, the rate maps, and a few fields.

    Parameters
    ----------
    result : nslib.memory.PlaceCellResult
    cells : sequence of int, optional
        Cells whose rate maps are drawn as curves (default four, evenly spread).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import metre
    >>> from nslib.memory import place_cells, track_path
    >>> res = place_cells(track_path(2.0, 4.0, 1) * metre, n_cells=4, target="numpy")
    >>> len(plot_place_cells(res).axes)
    4
    """
    from brian2 import Hz, metre, mV, second

    rates = np.asarray(result.rate_maps / Hz)
    n_cells = rates.shape[0]
    chosen = list(cells) if cells is not None else sorted({int(k) for k in
                                                          np.linspace(0, n_cells - 1, 4).round()})
    if any(not 0 <= k < n_cells for k in chosen):
        raise ValueError(f"cells must be cell indices in [0, {n_cells - 1}]; got {chosen}")
    edges = np.asarray(result.bin_edges / metre)
    length = edges[-1]
    times = np.asarray(result.spike_times / second)
    x = np.asarray(result.positions / metre)
    t_x = np.arange(x.size) * float(result.position_dt / second)
    fig, axes = new_figure(3, 1, width=4.2, height=3.4)
    raster, maps, curves = axes
    raster.plot(times, result.spike_cells, "|", color="0.15", ms=2.5)
    raster.plot(t_x, x / length * n_cells - 0.5, color=PALETTE[1], lw=1.5, label="position (scaled)")
    raster.set(xlabel="time (s)", ylabel="cell (by field centre)", title="Spikes during the run",
               ylim=(-0.5, n_cells - 0.5))
    raster.legend(frameon=False, fontsize="small", loc="upper right")
    image = maps.imshow(np.nan_to_num(rates), aspect="auto", origin="lower", cmap=SEQUENTIAL_CMAP,
                        extent=(0, length, -0.5, n_cells - 0.5), interpolation="nearest")
    maps.set(xlabel="position on the track (m)", ylabel="cell", title="Rate maps")
    fig.colorbar(image, ax=maps, label="rate (Hz)")
    centres = (edges[:-1] + edges[1:]) / 2
    for colour, k in zip(PALETTE, chosen, strict=False):
        curves.plot(centres, rates[k], color=colour, label=f"cell {k}")
    curves.set(xlabel="position on the track (m)", ylabel="rate (Hz)", title="Place fields")
    curves.legend(frameon=False, fontsize="small")
    fig.suptitle(title or (f"{n_cells} place cells, field width {float(result.field_width / metre):g} m, "
                           f"peak drive {float(result.peak_drive / mV):g} mV"))
    return fig


def plot_sr_fields(result, *, fields: Sequence[int] | None = None, title: str | None = None):
    """The learned successor representation, a few of its columns (place fields), and their skew.

    Parameters
    ----------
    result : nslib.memory.SRResult
    fields : sequence of int, optional
        States whose fields (columns of M) are drawn (default three interior ones).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.memory import successor_representation
    >>> len(plot_sr_fields(successor_representation(n_states=12, n_laps=20)).axes)
    4
    """
    n = result.n_states
    chosen = list(fields) if fields is not None else [n // 4, n // 2, 3 * n // 4]
    if any(not 0 <= k < n for k in chosen):
        raise ValueError(f"fields must be states in [0, {n - 1}]; got {chosen}")
    fig, axes = new_figure(3, 1, width=4.0, height=3.4)
    heat, cols, skew = axes
    image = heat.imshow(result.M, origin="lower", cmap=SEQUENTIAL_CMAP, aspect="auto",
                        interpolation="nearest")
    heat.set(xlabel="state s' (the place cell)", ylabel="state s (where the animal is)",
             title="Learned SR M[s, s']")
    fig.colorbar(image, ax=heat, label="expected discounted visits")
    states = np.arange(n)
    for colour, k in zip(PALETTE, chosen, strict=False):
        cols.plot(states, result.M[:, k], color=colour, marker="o", ms=3, label=f"field of state {k}")
        cols.axvline(k, color=colour, ls=":", lw=1)
    cols.annotate("", xy=(0.97, 0.6), xytext=(0.72, 0.6), xycoords="axes fraction",
                  arrowprops={"arrowstyle": "->", "color": "0.3"})
    cols.text(0.7, 0.63, "running", transform=cols.transAxes, fontsize="small", color="0.3")
    cols.set(xlabel="state s (position)", ylabel="M[s, s'] (field)", title="Fields: columns of M")
    cols.legend(frameon=False, fontsize="small", loc="center left")
    inner = result.field_states
    skew.bar(states[inner], result.field_shifts[inner], color=PALETTE[0])
    skew.axhline(result.com_shift, color=PALETTE[5], ls="--", label=f"mean {result.com_shift:.2f}")
    skew.axhline(0, color="0.3", lw=0.8)
    skew.set(xlabel="state s' of the field", ylabel="centre-of-mass shift (states)",
             title="Skew (negative: backward)")
    skew.legend(frameon=False, fontsize="small")
    fig.suptitle(title or (f"SR after {result.n_laps} laps (p_forward {result.p_forward:g}, "
                           f"γ {result.gamma:g}, α {result.alpha:g})"))
    return fig


def plot_sr_skew(laps, shifts, *, highlight: int | None = None, title: str | None = None):
    """The fields' mean centre-of-mass shift against the number of laps, one line per seed.

    Parameters
    ----------
    laps : sequence of int, shape (n_points,)
        Laps run.
    shifts : array_like, shape (n_points, n_seeds)
        ``SRResult.com_shift`` of each run (states).
    highlight : int, optional
        A number of laps to mark.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> plot_sr_skew([1, 10], [[-0.1, -0.2], [-1.0, -1.1]]).axes[0].get_xscale()
    'log'
    """
    x = np.asarray(laps, dtype=float)
    y = np.asarray(shifts, dtype=float)
    if y.ndim != 2 or y.shape[0] != x.size:
        raise ValueError(f"shifts must have shape (len(laps), n_seeds) = ({x.size}, ...); got {y.shape}")
    fig, ax = new_figure(width=4.8, height=3.2)
    for k in range(y.shape[1]):
        ax.plot(x, y[:, k], color=PALETTE[0], alpha=0.5, marker="o", ms=3,
                label="one seed" if k == 0 else None)
    ax.plot(x, y.mean(axis=1), color=PALETTE[5], lw=2, label=f"mean of {y.shape[1]} seeds")
    if highlight is not None:
        ax.axvline(highlight, color="0.5", ls=":", lw=1)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set(xscale="log", xlabel="laps run", ylabel="mean centre-of-mass shift (states)",
           title=title or "The fields skew backward with experience")
    ax.legend(frameon=False, fontsize="small")
    return fig


def plot_sr_eigenvectors(result, *, title: str | None = None):
    """The SR's leading eigenvectors in a 2-D box, as maps.

    Parameters
    ----------
    result : nslib.memory.SREigenvectors
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.memory import sr_eigenvectors
    >>> len(plot_sr_eigenvectors(sr_eigenvectors(6, 6, n_vectors=4)).axes)
    4
    """
    n = result.modes.shape[0]
    ncols, nrows = grid_shape(n, 6)
    fig, axes = figure_grid(ncols, nrows, width=1.6, height=1.7)
    flat = axes.ravel()
    for k in range(n):
        mode = result.modes[k]
        top = max(np.abs(mode).max(), 1e-12)
        flat[k].imshow(mode, cmap="RdBu_r", vmin=-top, vmax=top, origin="lower", interpolation="nearest")
        flat[k].set_title(f"{k + 1}: λ = {result.eigenvalues[k]:.1f}", fontsize="small")
    no_ticks(flat[:n])
    hide(flat[n:])
    fig.supxlabel(f"x (states, {result.width} wide)")
    fig.supylabel(f"y (states, {result.height} high)")
    fig.suptitle(title or f"Eigenvectors of the SR of a random walk in a box (γ {result.gamma:g})")
    return fig


_CELL_LABELS = ("rewarded", "unrewarded")


def plot_two_step(results, *, labels: Sequence[str] | None = None, title: str | None = None):
    """Stay probabilities by the previous trial's reward and transition, one panel per agent.

    Parameters
    ----------
    results : TwoStepResult or sequence of TwoStepResult
    labels : sequence of str, optional
        Panel titles (default the agents' names and weights).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.memory import two_step_task
    >>> len(plot_two_step([two_step_task("model_free", 200), two_step_task("model_based", 200)]).axes)
    2
    """
    runs = [results] if hasattr(results, "stay") else list(results)
    names = list(labels) if labels is not None else [
        f"{r.agent.replace('_', '-')}" + (f" (w = {r.w:g})" if r.agent == "hybrid" else "") for r in runs]
    if len(names) != len(runs):
        raise ValueError(f"labels must name every result ({len(runs)}); got {len(names)}")
    fig, axes = new_figure(len(runs), 1, width=2.9, height=3.2, sharey=True)
    axes = np.atleast_1d(axes)
    for ax, run, name in zip(axes, runs, names, strict=True):
        for col, (transition, colour) in enumerate(zip(("common", "rare"), PALETTE[:2], strict=True)):
            ax.bar(np.arange(2) + (col - 0.5) * 0.38, run.stay[:, col], width=0.38, color=colour,
                   label=transition)
        ax.set_xticks([0, 1], _CELL_LABELS)
        ax.set(ylim=(0, 1), title=name, xlabel="previous trial")
        ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    fig.supylabel("P(repeat first-stage choice)")
    axes[-1].legend(title="transition", frameon=False, fontsize="small", loc="upper right")
    fig.suptitle(title or "Two-step task: stay probabilities")
    return fig


def plot_dyna(results, *, title: str | None = None, max_steps: float = 800.0):
    """Steps per episode of Dyna-Q for several numbers of planning steps.

    Parameters
    ----------
    results : sequence of DynaResult
    title : str, optional
    max_steps : float, default 800
        Upper limit of the y axis (Sutton & Barto's figure 8.2 starts at episode 2).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.memory import dyna_maze
    >>> plot_dyna([dyna_maze(0, 5, 2), dyna_maze(5, 5, 2)]).axes[0].get_xlabel()
    'episode'
    """
    runs = list(results)
    if not runs:
        raise ValueError("results must hold at least one DynaResult")
    fig, ax = new_figure(width=5.5, height=3.6)
    for colour, run in zip(PALETTE, runs, strict=False):
        episodes = np.arange(1, run.steps_per_episode.size + 1)
        ax.plot(episodes[1:], run.steps_per_episode[1:], color=colour,
                label=f"n = {run.planning_steps} planning steps")
    ax.axhline(runs[0].shortest_path, color="0.4", ls="--", lw=1, label="shortest path (14)")
    ax.set(xlabel="episode", ylabel="steps per episode", ylim=(0, max_steps),
           title=title or f"Dyna-Q in the Dyna maze, mean of {runs[0].n_runs} runs")
    ax.legend(frameon=False, fontsize="small")
    return fig


def plot_cls(focused, interleaved, *, title: str | None = None):
    """Interference: old and new errors over learning the penguin, and the birds' flying.

    Parameters
    ----------
    focused, interleaved : nslib.memory.CLSResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.memory import cls_new_item
    >>> f = cls_new_item("focused", pretrain_epochs=50, new_epochs=20)
    >>> i = cls_new_item("interleaved", pretrain_epochs=50, new_epochs=20)
    >>> len(plot_cls(f, i).axes)
    3
    """
    from nslib.memory.cls import ATTRIBUTES, ITEMS

    fig, axes = new_figure(3, 1, width=3.8, height=3.4)
    old_ax, new_ax, birds = axes
    for run, colour in ((focused, PALETTE[5]), (interleaved, PALETTE[0])):
        name = "focused" if run.replay == 0 else f"interleaved (replay {run.replay:g})"
        old_ax.plot(run.epochs, run.old_curve, color=colour, label=name)
        new_ax.plot(run.epochs, run.new_curve, color=colour, label=name)
    old_ax.axhline(focused.old_error_before, color="0.5", ls=":", lw=1, label="before the penguin")
    old_ax.set(xlabel="epoch with the penguin", ylabel="mean squared error", title="Old items")
    new_ax.set(xlabel="epoch with the penguin", ylabel="mean squared error", title="The penguin",
               yscale="log")
    old_ax.legend(frameon=False, fontsize="small")
    # The birds' "can" patterns: item k, relation "can" (index 2) is row 4 k + 2.
    fly, swim = ATTRIBUTES.index(("can", "fly")), ATTRIBUTES.index(("can", "swim"))
    rows = [4 * ITEMS.index("robin") + 2, 4 * ITEMS.index("canary") + 2]
    stages = [("before", focused.old_outputs_before, "0.6"),
              ("focused", focused.old_outputs_after, PALETTE[5]),
              ("interleaved", interleaved.old_outputs_after, PALETTE[0])]
    bars = [f"{bird} {verb}" for bird in ("robin", "canary") for verb in ("flies", "swims")]
    for k, (label, outputs, colour) in enumerate(stages):
        values = [outputs[row, col] for row in rows for col in (fly, swim)]
        birds.bar(np.arange(4) + (k - 1) * 0.27, values, width=0.27, color=colour, label=label)
    birds.set_xticks(range(4), bars, rotation=20)
    birds.set(ylim=(0, 1), xlabel="output unit", ylabel="network output", title="What the birds can do")
    birds.legend(frameon=False, fontsize="small")
    fig.suptitle(title or "Learning the penguin: focused versus interleaved")
    return fig
