"""Figures for chapter 4: noise, synchronisation and redundancy.

Every function takes results of :mod:`nslib.sync` and only draws.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.ticker import ScalarFormatter

from . import PALETTE, SEQUENTIAL_CMAP, new_figure

__all__ = ["plot_decision_times", "plot_decisions", "plot_error_vs_coupling", "plot_gap_junction_run",
           "plot_graph_errors", "plot_kuramoto", "plot_kuramoto_frame", "plot_learners_frame",
           "plot_noisy_population", "plot_quartic_centre", "plot_synchrony_vs_coupling"]


def _raster(ax, units, times, *, color=PALETTE[0], size=2.0):
    ax.scatter(times, units, s=size, marker="|", color=color, linewidths=0.8)


# ---------------------------------------------------------------------------
# 1. Noise in neurons
# ---------------------------------------------------------------------------

def plot_noisy_population(pop, *, unit: int = 0, title: str | None = None):
    """Raster of one trial, one unit's count against the pool's over trials, and CV against pool size.

    Parameters
    ----------
    pop : nslib.sync.NoisyPopulation
    unit : int, default 0
        The single unit compared with the pool.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import nA, mV, ms
    >>> from nslib.sync import noisy_lif_population
    >>> pop = noisy_lif_population(4, 3, drive=2.5 * nA, noise=2 * mV, duration=200 * ms,
    ...                            target="numpy")
    >>> len(plot_noisy_population(pop).axes)
    3
    """
    n_trials, n_units = pop.spike_counts.shape
    if not 0 <= unit < n_units:
        raise ValueError(f"unit must be in [0, {n_units - 1}]; got {unit}")
    fig, axes = new_figure(3, 1, width=3.6, height=3.2)
    ax = axes[0]
    _raster(ax, pop.raster_units, pop.raster_times * 1000.0)
    cv = "–" if np.isnan(pop.mean_isi_cv) else f"{pop.mean_isi_cv:.2f}"
    ax.set(xlim=(0, pop.duration_s * 1000.0), ylim=(-0.5, n_units - 0.5), xlabel="time (ms)",
           ylabel="unit", title=f"trial 1: ISI CV {cv}, {pop.rate_hz:.1f} Hz")

    ax = axes[1]
    trials = np.arange(1, n_trials + 1)
    ax.plot(trials, pop.spike_counts[:, unit], "o", ms=3, color=PALETTE[1],
            label=f"unit {unit}")
    ax.plot(trials, pop.spike_counts.mean(axis=1), "-", color=PALETTE[0], lw=2,
            label=f"average of {n_units} units")
    ax.set(xlabel="trial", ylabel="spike count per trial",
           title="trial-to-trial variability")
    ax.legend(frameon=False, fontsize=8)

    ax = axes[2]
    sizes = pop.pool_sizes
    if np.all(np.isfinite(pop.pooled_count_cv)) and pop.pooled_count_cv[0] > 0:
        ax.loglog(sizes, pop.pooled_count_cv, "o", color=PALETTE[0], label="simulation")
        ax.loglog(sizes, pop.pooled_count_cv[0] / np.sqrt(sizes), "--", color=PALETTE[5],
                  label=r"CV$_1/\sqrt{n}$")
    else:
        ax.text(0.5, 0.5, "no spikes: CV undefined", ha="center", va="center",
                transform=ax.transAxes)
    ax.set(xlabel="units pooled n", ylabel="CV of the pooled count across trials",
           title="pooling redundant units")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------------
# 2. Kuramoto oscillators
# ---------------------------------------------------------------------------

def plot_kuramoto(couplings: Sequence[float], r_simulated: Sequence[float], theory_k, theory_r,
                  *, runs: Sequence = (), critical_coupling: float | None = None,
                  n: int | None = None, title: str | None = None):
    """Order parameter against coupling (simulation and theory), and r(t) for a few runs.

    Parameters
    ----------
    couplings, r_simulated : sequence of float
        Couplings ``K`` and the simulated stationary ``r``.
    theory_k, theory_r : array_like
        The theory curve.
    runs : sequence of nslib.sync.KuramotoResult
        Runs whose ``r(t)`` is drawn in a second panel (optional).
    critical_coupling : float, optional
        Marked by a vertical line.
    n : int, optional
        Number of oscillators, for the ``1/sqrt(n)`` finite-size level.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_kuramoto([0.5, 2.0], [0.05, 0.7], [0, 1, 2], [0, 0, 0.71], critical_coupling=1.0)
    >>> fig.axes[0].get_xlabel()
    'coupling K (rad/s)'
    """
    ncols = 2 if runs else 1
    fig, axes = new_figure(ncols, 1, width=4.4, height=3.3)
    axes = np.atleast_1d(axes)
    ax = axes[0]
    ax.plot(theory_k, theory_r, "-", color=PALETTE[0], label="theory (n → ∞)")
    ax.plot(couplings, r_simulated, "o", color=PALETTE[1], label="simulation")
    if critical_coupling is not None:
        ax.axvline(critical_coupling, color=PALETTE[7], ls=":", lw=1)
        ax.text(critical_coupling, 0.95, r" $K_c$", va="top")
    if n is not None:
        ax.axhline(1 / np.sqrt(n), color=PALETTE[5], ls="--", lw=1, label=r"$1/\sqrt{n}$")
    ax.set(xlabel="coupling K (rad/s)", ylabel="order parameter r", ylim=(0, 1.02),
           title="onset of synchrony")
    ax.legend(frameon=False, fontsize=8, loc="center right")
    if runs:
        ax = axes[1]
        for k, res in enumerate(runs):
            ax.plot(res.t, res.r, color=PALETTE[k % len(PALETTE)], lw=1.2,
                    label=f"K = {res.coupling:g}")
        ax.set(xlabel="time (s)", ylabel="order parameter r(t)", ylim=(0, 1.02),
               title="r(t) from random phases")
        ax.legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_kuramoto_frame(result, couplings: Sequence[float], r_simulated: Sequence[float],
                        theory_k, theory_r, *, title: str | None = None):
    """One demo frame: the phases on the circle, r(t), and where this K sits on r(K).

    Parameters
    ----------
    result : nslib.sync.KuramotoResult
        The run to show.
    couplings, r_simulated, theory_k, theory_r
        As in :func:`plot_kuramoto`.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import kuramoto
    >>> res = kuramoto(50, 2.0, t_max=10)
    >>> len(plot_kuramoto_frame(res, [2.0], [res.r_stationary], [0, 2], [0, 0.7]).axes)
    4
    """
    from matplotlib import colors

    fig, axes = new_figure(3, 1, width=3.3, height=3.2)
    ax = axes[0]
    circle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(circle), np.sin(circle), color="0.8", lw=1)
    spread = np.quantile(np.abs(result.omega), 0.9)
    norm = colors.Normalize(-spread, spread)
    points = ax.scatter(np.cos(result.phases), np.sin(result.phases), c=result.omega,
                        cmap=SEQUENTIAL_CMAP, norm=norm, s=10)
    z = np.mean(np.exp(1j * result.phases))
    ax.annotate("", xy=(z.real, z.imag), xytext=(0, 0),
                arrowprops={"arrowstyle": "->", "color": PALETTE[5], "lw": 2})
    ax.set(xlim=(-1.2, 1.2), ylim=(-1.2, 1.2), aspect="equal", xlabel="cos θ", ylabel="sin θ",
           title=f"phases at t = {result.t[-1]:g} s")
    bar = fig.colorbar(points, ax=ax, shrink=0.8)
    bar.set_label("natural frequency ω (rad/s)")
    ax = axes[1]
    ax.plot(result.t, result.r, color=PALETTE[0])
    ax.set(xlabel="time (s)", ylabel="order parameter r(t)", ylim=(0, 1.02),
           title=f"K = {result.coupling:g} rad/s")
    ax = axes[2]
    ax.plot(theory_k, theory_r, "-", color=PALETTE[0], label="theory")
    ax.plot(couplings, r_simulated, "o", color=PALETTE[1], ms=4, label="simulation")
    ax.plot([result.coupling], [result.r_stationary], "o", ms=11, mfc="none",
            color=PALETTE[5], mew=2, label="this run")
    ax.axvline(result.critical_coupling, color=PALETTE[7], ls=":", lw=1)
    ax.set(xlabel="coupling K (rad/s)", ylabel="stationary r", ylim=(0, 1.02),
           title="r against K")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    if title:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------------
# 3. Gap junctions
# ---------------------------------------------------------------------------

def plot_gap_junction_run(result, *, title: str | None = None):
    """Raster and population-average voltage of one gap-junction run.

    Parameters
    ----------
    result : nslib.sync.GapJunctionResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import nS, ms
    >>> from nslib.sync import gap_junction_population
    >>> res = gap_junction_population(2 * nS, n=5, duration=50 * ms, chi_from=10 * ms,
    ...                               target="numpy")
    >>> plot_gap_junction_run(res).axes[1].get_ylabel()
    'mean v (mV)'
    """
    fig, axes = new_figure(1, 2, width=6.5, height=1.9, sharex=True,
                           gridspec_kw={"height_ratios": [2.2, 1]})
    ax = axes[0]
    _raster(ax, result.spike_indices, result.spike_times_ms, size=4)
    n = len(result.drive_na)
    ax.axvspan(0, result.chi_from_ms, color="0.93", lw=0, zorder=0)
    ax.set(ylim=(-0.5, n - 0.5), ylabel="neuron")
    ax = axes[1]
    ax.plot(result.t_ms, result.v_mean_mv, color=PALETTE[0], lw=1)
    ax.axvspan(0, result.chi_from_ms, color="0.93", lw=0, zorder=0)
    ax.set(ylabel="mean v (mV)", ylim=(-72, -48))
    fig.supxlabel("time (ms)")
    fig.suptitle(title or (f"g_gap = {result.coupling_ns:g} nS, spike area "
                           f"{result.spike_area_mv_ms:g} mV·ms: χ = {result.chi:.2f}, "
                           f"{result.rate_hz:.0f} Hz"))
    return fig


def plot_synchrony_vs_coupling(couplings: Sequence[float], chis: Mapping[str, Sequence[float]],
                               *, n: int | None = None, title: str | None = None):
    """Golomb's chi against junction conductance, one line per condition.

    Parameters
    ----------
    couplings : sequence of float
        Junction conductances (nS).
    chis : mapping of str to sequence of float
        Condition label -> chi at each coupling.
    n : int, optional
        Population size, for the ``1/sqrt(n)`` level of independent neurons.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> plot_synchrony_vs_coupling([0, 1], {"a": [0.1, 0.9]}, n=50).axes[0].get_ylabel()
    'synchrony χ'
    """
    fig, ax = new_figure(width=5.5, height=3.4)
    markers = "osD^v"
    for k, (label, values) in enumerate(chis.items()):
        ax.plot(couplings, values, marker=markers[k % len(markers)], color=PALETTE[k],
                label=label)
    if n is not None:
        ax.axhline(1 / np.sqrt(n), color=PALETTE[7], ls=":", lw=1,
                   label=f"independent neurons (1/√{n})")
    ax.set(xlabel="gap-junction conductance g_gap (nS)", ylabel="synchrony χ", ylim=(0, 1.03),
           title=title or "electrical coupling and synchrony")
    # Below the curves that rise early, above those that stay low.
    ax.legend(frameon=False, fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 0.12))
    return fig


# ---------------------------------------------------------------------------
# 4-5. Redundant learners
# ---------------------------------------------------------------------------

def plot_error_vs_coupling(couplings: Sequence[float], simulations: Sequence, theory_k,
                           theories: Sequence, *, title: str | None = None):
    """Stationary error of a unit and of the centre of mass against the coupling.

    Parameters
    ----------
    couplings : sequence of float
        Couplings of the ``simulations``.
    simulations : sequence of nslib.sync.RedundantLearners
    theory_k : array_like
        Couplings of the theory curves.
    theories : sequence of nslib.sync.LearnersTheory
        Theory at each of ``theory_k``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import redundant_learners_theory, simulate_redundant_learners
    >>> sims = [simulate_redundant_learners(4, k, 1.0, t_max=30) for k in (0.0, 10.0)]
    >>> ths = [redundant_learners_theory(4, k, 1.0) for k in (0.01, 1.0, 10.0)]
    >>> plot_error_vs_coupling([0.0, 10.0], sims, [0.0, 1.0, 10.0], ths).axes[0].get_xscale()
    'symlog'
    """
    fig, ax = new_figure(width=5.5, height=3.6)
    ks = np.asarray(theory_k, dtype=float)
    ax.plot(ks, [t.mse_mean_unit for t in theories], "-", color=PALETTE[0],
            label="a unit, theory")
    ax.plot(couplings, [s.mse_mean_unit for s in simulations], "o", color=PALETTE[0],
            label="a unit, simulation")
    ax.plot(ks, [t.mse_centre for t in theories], "--", color=PALETTE[1],
            label="centre of mass, theory")
    ax.plot(couplings, [s.mse_centre for s in simulations], "s", color=PALETTE[1],
            label="centre of mass, simulation")
    ax.axhline(theories[0].mse_uncoupled, color=PALETTE[7], ls=":", lw=1, label="one unit alone")
    _coupling_axis(ax, ks)
    ax.set_yscale("log")
    ax.set(ylabel="stationary E‖x − x*‖²", title=title or "error against coupling")
    ax.legend(frameon=False, fontsize=8)
    return fig


def _padded_ylim(ax, values, pad: float = 0.08):
    # Limits that leave every value, theory lines included, clear of the frame.
    values = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    if values.size == 0:
        return
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, 1e-3 * max(abs(hi), 1.0))
    ax.set_ylim(lo - pad * span, hi + pad * span)


def _coupling_axis(ax, ks, label="coupling κ (1/time)"):
    # Logarithmic above 0.01, linear below, so that kappa = 0 fits on the axis.
    ax.set_xscale("symlog", linthresh=0.01, linscale=0.4)
    ax.set_xlim(0, float(np.max(ks)) * 1.3)
    ax.set_xlabel(label)


def plot_learners_frame(result, theory_k, theories: Sequence, *, theory=None, n_shown: int = 6,
                        t_window: float = 30.0, title: str | None = None):
    """One demo frame: trajectories of the units and their centre, and the error curve.

    Parameters
    ----------
    result : nslib.sync.RedundantLearners
    theory_k : array_like
        Couplings of the theory curve.
    theories : sequence of nslib.sync.LearnersTheory
        Theory at each of ``theory_k`` (same noise and size as ``result``).
    theory : nslib.sync.LearnersTheory, optional
        Theory at ``result.coupling``, for the ±2 standard deviation band.
    n_shown : int, default 6
        Units whose trajectories are drawn.
    t_window : float, default 30
        Trajectories are drawn from 0 to this time.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import redundant_learners_theory, simulate_redundant_learners
    >>> res = simulate_redundant_learners(4, 1.0, 1.0, t_max=30)
    >>> ths = [redundant_learners_theory(4, k, 1.0) for k in (0.01, 1.0, 10.0)]
    >>> len(plot_learners_frame(res, [0.01, 1.0, 10.0], ths).axes)
    2
    """
    fig, axes = new_figure(2, 1, width=4.2, height=3.3)
    ax = axes[0]
    shown = min(n_shown, result.x.shape[1])
    window = result.t <= t_window
    t = result.t[window]
    for i in range(shown):
        ax.plot(t, result.x[window, i, 0], color=PALETTE[4], lw=0.7, alpha=0.9,
                label=f"{shown} of the units" if i == 0 else None)
    ax.plot(t, result.centre[window, 0], color=PALETTE[5], lw=1.6, label="centre of mass")
    if theory is not None:
        dim = result.x.shape[2]
        band = 2 * np.sqrt(theory.mse_mean_unit / dim)
        ax.axhspan(-band, band, color=PALETTE[0], alpha=0.12, lw=0, label="±2 sd of a unit")
    ax.axhline(0, color=PALETTE[7], lw=0.8)
    ax.set(xlabel="time (1/λ)", ylabel="parameter x (first dimension)",
           title=f"{result.x.shape[1]} units, κ = {result.coupling:g}, σ = {result.noise:g}",
           ylim=(-3.2, 3.2))
    ax.legend(frameon=False, fontsize=7, loc="upper right")
    ax = axes[1]
    ks = np.asarray(theory_k, dtype=float)
    ax.plot(ks, [t.mse_mean_unit for t in theories], "-", color=PALETTE[0], label="a unit")
    ax.plot(ks, [t.mse_centre for t in theories], "--", color=PALETTE[1], label="centre of mass")
    ax.axhline(theories[0].mse_uncoupled, color=PALETTE[7], ls=":", lw=1, label="one unit alone")
    ax.plot([result.coupling], [result.mse_mean_unit], "o", color=PALETTE[0], ms=8,
            label="this run: a unit")
    ax.plot([result.coupling], [result.mse_centre], "s", color=PALETTE[1], ms=8,
            label="this run: centre")
    _coupling_axis(ax, ks)
    ax.set_yscale("log")
    ax.set(ylabel="stationary E‖x − x*‖²", title="theory (lines) and this run")
    ax.legend(frameon=False, fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def _circle_layout(n, hub_centre=False):
    angles = 2 * np.pi * np.arange(n) / n
    xy = np.column_stack([np.cos(angles), np.sin(angles)])
    if hub_centre:
        xy[0] = 0.0
        rest = 2 * np.pi * np.arange(n - 1) / (n - 1)
        xy[1:] = np.column_stack([np.cos(rest), np.sin(rest)])
    return xy


def plot_graph_errors(laplacian, theory, *, simulation=None, name: str = "",
                      title: str | None = None):
    """A coupling graph, its Laplacian spectrum and each unit's stationary error.

    Parameters
    ----------
    laplacian : array_like, shape (n, n)
    theory : nslib.sync.LearnersTheory
        Theory for this graph.
    simulation : nslib.sync.RedundantLearners, optional
        Simulated errors per unit, drawn as points.
    name : str, optional
        Graph name for the titles (``"star"`` draws unit 0 in the centre).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import graph_laplacian, redundant_learners_theory
    >>> L = graph_laplacian("star", 6)
    >>> fig = plot_graph_errors(L, redundant_learners_theory(6, 1.0, 1.0, laplacian=L), name="star")
    >>> fig.axes[1].get_xlabel()
    'mode m'
    """
    L = np.asarray(laplacian, dtype=float)
    n = L.shape[0]
    fig, axes = new_figure(3, 1, width=3.3, height=3.2)
    ax = axes[0]
    xy = _circle_layout(n, hub_centre=name == "star")
    rows, cols = np.nonzero(np.triu(L < 0, k=1))
    for i, j in zip(rows, cols, strict=True):
        ax.plot(xy[[i, j], 0], xy[[i, j], 1], color="0.6", lw=0.8, zorder=1)
    errors = theory.mse_per_unit
    dots = ax.scatter(xy[:, 0], xy[:, 1], c=errors, cmap=SEQUENTIAL_CMAP, s=60, zorder=2,
                      edgecolors="k", linewidths=0.5)
    bar = fig.colorbar(dots, ax=ax, shrink=0.8)
    bar.set_label("unit's error (theory)")
    ax.set(aspect="equal", xlim=(-1.3, 1.3), ylim=(-1.3, 1.3), xticks=[], yticks=[],
           xlabel="units (nodes) and links", ylabel=" ",
           title=f"{name + ' ' if name else ''}graph, {n} units")
    ax = axes[1]
    m = np.arange(1, n + 1)
    ax.stem(m, theory.eigenvalues, basefmt=" ", linefmt=PALETTE[0], markerfmt="o")
    mu2 = theory.eigenvalues[1]
    ax.axhline(mu2, color=PALETTE[5], ls="--", lw=1, label=f"μ₂ = {mu2:.2f}")
    ax.set(xlabel="mode m", ylabel="Laplacian eigenvalue μ_m", title="spectrum of L")
    ax.legend(frameon=False, fontsize=8)
    ax = axes[2]
    units = np.arange(n)
    ax.bar(units, errors, color=PALETTE[0], alpha=0.6, label="theory")
    if simulation is not None:
        ax.plot(units, simulation.mse_per_unit, "o", color=PALETTE[1], ms=4, label="simulation")
    ax.axhline(theory.mse_centre, color=PALETTE[1], ls="--", lw=1, label="centre of mass")
    ax.axhline(theory.mse_uncoupled, color=PALETTE[7], ls=":", lw=1, label="one unit alone")
    # Head room above the one-unit line for the legend.
    ax.set(xlabel="unit i", ylabel="stationary E‖x_i − x*‖²", ylim=(0, 1.45 * theory.mse_uncoupled),
           title="error of each unit")
    ax.legend(frameon=False, fontsize=7, ncol=2, loc="upper center")
    if title:
        fig.suptitle(title)
    return fig


def plot_quartic_centre(runs: Sequence, theory, *, quadratic=None, title: str | None = None):
    """Error of a unit and of the centre of mass against the coupling, on the quartic loss.

    Parameters
    ----------
    runs : sequence of nslib.sync.QuarticLearners
        Runs with increasing coupling (same units and noise).
    theory : nslib.sync.QuarticTheory
        The uncoupled and synchronised limits, drawn as horizontal lines.
    quadratic : nslib.sync.LearnersTheory, optional
        A quadratic loss's theory with the same units and noise: its centre's
        error, flat in the coupling, is drawn for comparison.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import quartic_learners_theory, simulate_quartic_learners
    >>> runs = [simulate_quartic_learners(4, k, 1.0, n_runs=5, t_max=15) for k in (0.0, 10.0)]
    >>> plot_quartic_centre(runs, quartic_learners_theory(4, 1.0)).axes[0].get_yscale()
    'log'
    """
    fig, ax = new_figure(width=5.8, height=3.6)
    ks = np.asarray([r.coupling for r in runs], dtype=float)
    unit = np.asarray([r.mse_mean_unit for r in runs])
    centre = np.asarray([r.mse_centre for r in runs])
    ax.errorbar(ks, unit, yerr=[2 * r.mse_mean_unit_se for r in runs], fmt="o-",
                color=PALETTE[0], ms=4, label="a unit, simulation (± 2 SE)", clip_on=False)
    ax.errorbar(ks, centre, yerr=[2 * r.mse_centre_se for r in runs], fmt="s-",
                color=PALETTE[1], ms=4, label="centre of mass, simulation (± 2 SE)",
                clip_on=False)
    ax.axhline(theory.mse_centre_uncoupled, color=PALETTE[1], ls=":", lw=1.2,
               label="centre, uncoupled (theory)")
    ax.axhline(theory.mse_centre_synchronised, color=PALETTE[5], ls="--", lw=1.2,
               label="all units as one (theory)")
    if quadratic is not None:
        ax.axhline(quadratic.mse_centre, color=PALETTE[7], ls="-.", lw=1,
                   label="centre on the quadratic loss (theory)")
    _coupling_axis(ax, ks)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.set(ylabel="stationary E[x²]",
           title=title or "quartic loss f = x⁴/4: coupling moves the centre")
    ax.legend(frameon=False, fontsize=7, loc="upper right")
    return fig


# ---------------------------------------------------------------------------
# 6. Decisions
# ---------------------------------------------------------------------------

def plot_decisions(by_coupling: Sequence, by_size: Sequence = (), *, title: str | None = None):
    """Accuracy and decision time of coupled integrators against coupling (and group size).

    Parameters
    ----------
    by_coupling : sequence of nslib.sync.CoupledDDM
        Runs with the same group size and increasing coupling.
    by_size : sequence of nslib.sync.CoupledDDM, optional
        Runs with strong coupling and increasing group size.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import coupled_ddm
    >>> runs = [coupled_ddm(4, k, n_trials=50, t_max=3) for k in (0.0, 5.0)]
    >>> plot_decisions(runs).axes[0].get_ylabel()
    'accuracy (fraction correct)'
    """
    ncols = 2 if by_size else 1
    fig, axes = new_figure(ncols, 2, width=4.2, height=2.5)
    axes = np.asarray(axes).reshape(2, ncols)
    ks = [r.coupling for r in by_coupling]
    first = by_coupling[0]
    ax = axes[0, 0]
    accuracy = [r.accuracy for r in by_coupling]
    alone, pooled = 1 - first.single.error_rate, 1 - first.pooled.error_rate
    ax.plot(ks, accuracy, "o-", color=PALETTE[0], label="each unit", clip_on=False)
    ax.axhline(alone, color=PALETTE[7], ls=":", label="one alone (theory)")
    ax.axhline(pooled, color=PALETTE[1], ls="--", label=f"pooled {first.n_units} (theory)")
    _coupling_axis(ax, ks, "coupling κ (1/s)")
    _padded_ylim(ax, [*accuracy, alone, pooled])
    ax.set(ylabel="accuracy (fraction correct)",
           title=f"accuracy: {first.n_units} coupled integrators")
    ax.legend(frameon=False, fontsize=7, loc="center right")
    ax = axes[1, 0]
    times = [r.mean_decision_time for r in by_coupling]
    ax.plot(ks, times, "o-", color=PALETTE[0], clip_on=False)
    ax.axhline(first.single.decision_time, color=PALETTE[7], ls=":")
    ax.axhline(first.pooled.decision_time, color=PALETTE[1], ls="--")
    _coupling_axis(ax, ks, "coupling κ (1/s)")
    _padded_ylim(ax, [*times, first.single.decision_time, first.pooled.decision_time])
    ax.set(ylabel="mean decision time (s)", title="speed")
    if by_size:
        ns = [r.n_units for r in by_size]
        ax = axes[0, 1]
        accuracy = [r.accuracy for r in by_size]
        pooled = [1 - r.pooled.error_rate for r in by_size]
        ax.plot(ns, accuracy, "o-", color=PALETTE[0], label="simulation", clip_on=False)
        ax.plot(ns, pooled, "--", color=PALETTE[1], label="pooled DDM (theory)")
        ax.set_xscale("log", base=2)
        _padded_ylim(ax, accuracy + pooled)
        ax.set(xlabel="units N", ylabel="accuracy (fraction correct)",
               title=f"accuracy: κ = {by_size[0].coupling:g}/s, growing group")
        ax.legend(frameon=False, fontsize=7, loc="lower right")
        ax = axes[1, 1]
        times = [r.mean_decision_time for r in by_size]
        pooled = [r.pooled.decision_time for r in by_size]
        ax.plot(ns, times, "o-", color=PALETTE[0], clip_on=False)
        ax.plot(ns, pooled, "--", color=PALETTE[1])
        ax.set_xscale("log", base=2)
        _padded_ylim(ax, times + pooled)
        ax.set(xlabel="units N", ylabel="mean decision time (s)", title="speed")
    if title:
        fig.suptitle(title)
    return fig


def plot_decision_times(result, *, max_time: float | None = None, title: str | None = None):
    """Histogram of the units' decision times, correct and wrong choices apart.

    Parameters
    ----------
    result : nslib.sync.CoupledDDM
    max_time : float, optional
        Right end of the time axis (s); default: the longest decision.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.sync import coupled_ddm
    >>> plot_decision_times(coupled_ddm(3, 1.0, n_trials=50)).axes[0].get_xlabel()
    'decision time (s)'
    """
    fig, ax = new_figure(width=6.0, height=3.2)
    times = result.decision_times
    decided = result.choices != 0
    right = times[decided & (result.choices > 0)]
    wrong = times[decided & (result.choices < 0)]
    top = max_time or (float(np.nanmax(times)) if decided.any() else 1.0)
    bins = np.linspace(0, top, 41)
    ax.hist(right, bins=bins, color=PALETTE[0], alpha=0.8, label="correct")
    ax.hist(wrong, bins=bins, color=PALETTE[5], alpha=0.8, label="wrong")
    if decided.any():
        ax.axvline(result.mean_decision_time, color=PALETTE[7], ls="--", lw=1,
                   label=f"mean {result.mean_decision_time:.2f} s")
    ax.set(xlim=(0, top), xlabel="decision time (s)", ylabel="decisions (units × trials)",
           title=title or (f"{result.n_units} integrators, κ = {result.coupling:g}/s, "
                           f"threshold {result.threshold:g}: {result.accuracy:.1%} correct"))
    ax.legend(frameon=False, fontsize=8,
              title=(f"one alone: {1 - result.single.error_rate:.1%}, "
                     f"{result.single.decision_time:.2f} s\npooled: "
                     f"{1 - result.pooled.error_rate:.1%}, {result.pooled.decision_time:.2f} s"),
              title_fontsize=8)
    return fig
