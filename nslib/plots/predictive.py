"""Figures for chapter 6, predictive coding: end-stopping, PC vs backprop, spike coding, the HGF.

Every function takes results computed by :mod:`nslib.predictive` and only
draws. The Rao-Ballard filters are drawn by chapter 1's
:func:`nslib.plots.vision.plot_learned_filters`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import PALETTE, CourseFigure, new_figure
from ._layout import require_fields as _require

__all__ = [
    "plot_end_stopping",
    "plot_hgf",
    "plot_pc_alignment",
    "plot_pc_training",
    "plot_silencing",
    "plot_spike_coding",
]



def plot_end_stopping(result: Any, *, bars=None, title: str | None = None):
    """Error-unit responses ``|r - r_td|`` against bar length, with and without level 2's feedback.

    Parameters
    ----------
    result : EndStopping
        From :func:`nslib.predictive.end_stopping`.
    bars : array_like, shape (n, rows, cols), optional
        A few bar stimuli (filtered windows) to draw above the curves.
    title : str, optional
        The figure's title (default: what the figure shows).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import EndStopping
    >>> es = EndStopping(np.arange(1, 4), np.array([0]), np.array([0]), np.array([[1.0, 2.0, 1.0]]),
    ...                  np.array([[1.0, 2.0, 2.0]]), patch_size=2)
    >>> plot_end_stopping(es).axes[0].get_xlabel()
    'bar length (pixels)'
    >>> plot_end_stopping(es).axes[0].get_ylabel()
    'error-unit response |r − r_td| / its peak'
    """
    r = _require(result, ("lengths", "with_feedback", "without_feedback", "patch_size"),
                 "an EndStopping result")
    fig = CourseFigure(figsize=(10.0, 4.0), layout="constrained")
    if bars is not None:
        grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 3.0))
        shown = np.asarray(bars)
        strip = fig.add_subplot(grid[0, :])
        mosaic = np.concatenate([np.pad(b, ((1, 1), (1, 1)), constant_values=np.nan) for b in shown],
                                axis=1)
        limit = np.nanmax(np.abs(mosaic))
        strip.imshow(mosaic, cmap="gray", vmin=-limit, vmax=limit, interpolation="nearest")
        strip.set_xticks([])
        strip.set_yticks([])
        strip.set_title("bars of increasing length, filtered as the training images "
                        "(window of three patches)")
        strip.set_xlabel("stimulus")
        strip.set_ylabel("window")
        axes = [fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])]
    else:
        axes = list(fig.subplots(1, 2))
    lengths = np.asarray(r.lengths)
    for ax, (resp, label) in zip(axes, ((r.with_feedback, "with feedback from level 2"),
                                        (r.without_feedback, "without feedback")), strict=True):
        resp = np.asarray(resp)
        normalised = resp / resp.max(axis=1, keepdims=True)
        for row in normalised:
            ax.plot(lengths, row, color=PALETTE[0], alpha=0.35, lw=1)
        ax.plot(lengths, np.median(normalised, axis=0), color=PALETTE[5], lw=2.5,
                label=f"median of {len(normalised)} bar positions")
        ax.axvspan(0, r.patch_size, color=PALETTE[4], alpha=0.15, label="classical receptive field")
        ax.set_xlim(lengths.min() - 0.5, lengths.max() + 0.5)
        ax.set_ylim(0, 1.08)
        ax.set_xlabel("bar length (pixels)")
        ax.set_ylabel("error-unit response |r − r_td| / its peak")
        ax.set_title(label)
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle(title or "End-stopping: predictive feedback suppresses the error response to long bars")
    return fig


def plot_pc_alignment(curve: Any, alignment: Any = None):
    """Cosine similarity of PC's and backprop's updates against inference steps, per output weight.

    Parameters
    ----------
    curve : AlignmentCurve
        From :func:`nslib.predictive.alignment_curve`.
    alignment : PCAlignment, optional
        One run (:func:`nslib.predictive.pc_backprop_alignment`) to mark on
        the curves and to show update by update.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import alignment_curve
    >>> fig = plot_pc_alignment(alignment_curve([0, 10], [0.1]))
    >>> fig.axes[0].get_ylabel()
    'cosine similarity to backprop'
    """
    c = _require(curve, ("n_inference_steps", "output_weights", "cosine"), "an AlignmentCurve")
    n_panels = 2 if alignment is not None else 1
    fig, axes = new_figure(n_panels, 1, width=5.6, height=3.8)
    axes = np.atleast_1d(axes)
    ax = axes[0]
    steps = np.asarray(c.n_inference_steps)
    # Step 0 has no place on a log axis: draw it at 0.5 and label it.
    x = np.where(steps == 0, 0.5, steps)
    for k, (w, row) in enumerate(zip(c.output_weights, c.cosine, strict=True)):
        ax.plot(x, row, "o-", color=PALETTE[k % len(PALETTE)], label=f"output weight β = {w:g}")
    ax.set_xscale("log")
    ax.set_xticks(x, [str(s) for s in steps])
    ax.minorticks_off()
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("inference steps before the update")
    ax.set_ylabel("cosine similarity to backprop")
    ax.set_ylim(min(0.4, float(np.min(c.cosine)) - 0.05), 1.03)
    ax.set_title("PC's update approaches backprop's")
    ax.legend(fontsize=8, loc="lower right")
    if alignment is not None:
        a = _require(alignment, ("pc_update", "bp_update", "cosine", "output_weight"), "a PCAlignment")
        mark_x = 0.5 if a.n_inference_steps == 0 else a.n_inference_steps
        ax.plot([mark_x], [a.cosine], "s", ms=12, mfc="none", mec=PALETTE[7], mew=2,
                label="shown on the right")
        ax.legend(fontsize=8, loc="lower right")
        ax2 = axes[1]
        bp_h, pc_h = a.bp_update.w_hidden.ravel(), a.pc_update.w_hidden.ravel() / a.output_weight
        bp_o, pc_o = a.bp_update.w_output.ravel(), a.pc_update.w_output.ravel() / a.output_weight
        ax2.plot(bp_h, pc_h, ".", ms=2, color=PALETTE[0], label="hidden-layer weights")
        ax2.plot(bp_o, pc_o, ".", ms=3, color=PALETTE[1], label="output-layer weights")
        lim = float(np.max(np.abs(np.r_[bp_h, bp_o]))) * 1.1
        ax2.plot([-lim, lim], [-lim, lim], color="0.4", lw=0.8, ls="--", label="identity")
        ax2.set_xlim(-lim, lim)
        ax2.set_ylim(-2 * lim, 2 * lim)
        ax2.set_xlabel("backprop's update of each weight")
        ax2.set_ylabel("PC's update / β")
        ax2.set_title(f"{a.n_inference_steps} steps, β = {a.output_weight:g}: cosine {a.cosine:.3f}")
        ax2.legend(fontsize=8, markerscale=4)
    fig.suptitle("Predictive coding vs backprop on the digits MLP (64-32-10)")
    return fig


def plot_pc_training(backprop: Any, pc: Any):
    """Test accuracy and loss over epochs of the digits MLP trained by backprop and by predictive coding.

    Parameters
    ----------
    backprop, pc : MLPTrainingResult
        Runs of :func:`nslib.predictive.train_digits_mlp` with ``rule="backprop"`` and ``rule="pc"``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import train_digits_mlp
    >>> bp, pc = (train_digits_mlp(rule, epochs=2, seed=0) for rule in ("backprop", "pc"))
    >>> plot_pc_training(bp, pc).axes[0].get_xlabel()
    'epoch'
    """
    results = [_require(r, ("test_accuracy_per_epoch", "loss_per_epoch", "rule"), "an MLPTrainingResult")
               for r in (backprop, pc)]
    fig, (ax1, ax2) = new_figure(2, 1, width=4.6, height=3.5)
    names = {"backprop": "backpropagation", "pc": "predictive coding"}
    for k, r in enumerate(results):
        epochs = np.arange(1, len(r.loss_per_epoch) + 1)
        label = f"{names.get(r.rule, r.rule)} (final {100 * r.test_accuracy:.1f} %)"
        ax1.plot(epochs, 100 * np.asarray(r.test_accuracy_per_epoch), color=PALETTE[k],
                 ls=("-", "--")[k], label=label)
        ax2.plot(epochs, r.loss_per_epoch, color=PALETTE[k], ls=("-", "--")[k], label=names[r.rule])
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("test accuracy (%)")
    ax1.set_title("held-out digits")
    ax1.legend(fontsize=8, loc="lower right")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("training loss ½‖y − out‖²")
    ax2.set_yscale("log")
    ax2.set_title("squared error on the training set")
    ax2.legend(fontsize=8)
    fig.suptitle("Trained by backprop or by relaxed prediction errors")
    return fig


def plot_spike_coding(result: Any, *, neuron: int | None = None):
    """The signal and the network's estimate, the spike raster, and one neuron's E and I inputs.

    Parameters
    ----------
    result : SpikeCodingResult
        From :func:`nslib.predictive.spike_coding_network`.
    neuron : int, optional
        Whose excitation and inhibition to draw (default: the most active neuron).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import smooth_signal, spike_coding_network
    >>> res = spike_coding_network(smooth_signal(300.0, 1, seed=0), n_neurons=6, target="numpy")
    >>> plot_spike_coding(res).axes[-1].get_xlabel()
    'time (s)'
    """
    r = _require(result, ("signal", "estimate", "spike_times_ms", "spike_neurons", "excitation",
                          "active"), "a SpikeCodingResult")
    signal, estimate = np.asarray(r.signal), np.asarray(r.estimate)
    n_dims = signal.shape[1]
    n_neurons = len(r.active)
    t = np.arange(len(signal)) * r.dt_ms / 1000.0
    fig = CourseFigure(figsize=(10.0, 2.0 * n_dims + 4.2), layout="constrained")
    grid = fig.add_gridspec(n_dims + 2, 1, height_ratios=[1.0] * n_dims + [1.6, 1.0])
    axes = [fig.add_subplot(grid[k, 0]) for k in range(n_dims + 2)]
    for j in range(n_dims):
        ax = axes[j]
        ax.plot(t, signal[:, j], color="0.2", lw=2, label="signal x")
        ax.plot(t, estimate[:, j], color=PALETTE[5], lw=1, label="estimate x̂ (decoded spikes)")
        ax.set_ylabel(f"x{j + 1} (a.u.)")
        ax.set_xlabel("time (s)")
        ax.legend(fontsize=8, loc="upper right", ncols=2)
    axes[0].set_title(f"Tracking error {r.tracking_error:.3f} (RMS error / RMS signal)")
    ax = axes[n_dims]
    times, idx = np.asarray(r.spike_times_ms) / 1000.0, np.asarray(r.spike_neurons)
    ax.plot(times, idx, "|", color=PALETTE[0], ms=3)
    silent = np.flatnonzero(~np.asarray(r.active))
    if silent.size:
        ax.plot(np.zeros(silent.size), silent, ">", color=PALETTE[5], ms=4, label="silenced")
        ax.legend(fontsize=8, loc="upper right")
    ax.set_ylim(-1, n_neurons)
    ax.set_xlim(t[0], t[-1] + r.dt_ms / 1000.0)
    ax.set_ylabel("neuron")
    ax.set_xlabel("time (s)")
    ax.set_title(f"{len(idx)} spikes; mean rate {np.mean(r.rates_hz):.1f} Hz, "
                 f"ISI CV {r.isi_cv:.2f}")
    ax = axes[-1]
    k = int(np.argmax(r.rates_hz)) if neuron is None else int(neuron)
    ax.plot(t, r.excitation[:, k], color=PALETTE[5], label="excitation")
    ax.plot(t, r.inhibition[:, k], color=PALETTE[0], label="inhibition")
    ax.set_ylabel("input (Hz)")
    ax.set_xlabel("time (s)")
    tau_ms = 1000.0 / getattr(r, "leak_hz", 10.0)
    ax.set_title(f"neuron {k}: excitation and inhibition (filtered over the membrane's {tau_ms:g} ms); "
                 f"balance (mean E–I correlation) {r.balance:.2f}")
    ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(f"Spike coding network: {n_neurons} neurons, {int(silent.size)} silenced")
    return fig


def plot_silencing(results: Sequence[Any]):
    """Tracking error and firing of the spike coding network against the fraction of neurons silenced.

    Parameters
    ----------
    results : sequence of SpikeCodingResult
        One run per silenced fraction (same signal).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import smooth_signal, spike_coding_network
    >>> x = smooth_signal(300.0, 1, seed=0)
    >>> runs = [spike_coding_network(x, n_neurons=6, silenced_fraction=f, target="numpy")
    ...         for f in (0.0, 0.5)]
    >>> plot_silencing(runs).axes[0].get_xlabel()
    'fraction of neurons silenced'
    """
    runs = [_require(r, ("tracking_error", "active", "rates_hz"), "a SpikeCodingResult") for r in results]
    if not runs:
        raise ValueError("results must hold at least one SpikeCodingResult")
    fraction = np.array([1.0 - np.mean(r.active) for r in runs])
    error = np.array([r.tracking_error for r in runs])
    rate_alive = np.array([np.mean(np.asarray(r.rates_hz)[np.asarray(r.active)]) if np.any(r.active)
                           else 0.0 for r in runs])
    fig, (ax1, ax2) = new_figure(2, 1, width=4.4, height=3.4)
    ax1.plot(fraction, error, "o-", color=PALETTE[5])
    ax1.set_xlabel("fraction of neurons silenced")
    ax1.set_ylabel("tracking error (RMS / RMS signal)")
    ax1.set_ylim(0, max(0.6, 1.1 * error.max()))
    ax1.set_title("the estimate degrades gracefully")
    ax2.plot(fraction, rate_alive, "o-", color=PALETTE[0])
    ax2.set_xlabel("fraction of neurons silenced")
    ax2.set_ylabel("mean rate of the remaining neurons (Hz)")
    ax2.set_ylim(0, 1.1 * max(rate_alive.max(), 1.0))
    ax2.set_title("the survivors take over")
    fig.suptitle("Silencing neurons of the spike coding network")
    return fig


def plot_hgf(result: Any, environment: Any = None):
    """Rewards, the HGF's estimate, its learning rate and its volatility belief over trials.

    Parameters
    ----------
    result : HGFResult
        From :func:`nslib.predictive.hgf`.
    environment : VolatileRewards, optional
        The hidden mean and the volatile phase to draw (:func:`nslib.predictive.volatile_rewards`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.predictive import hgf, volatile_rewards
    >>> env = volatile_rewards(n_stable=20, n_volatile=20, seed=0)
    >>> plot_hgf(hgf(env.rewards, mu1_0=5.0), env).axes[-1].get_xlabel()
    'trial'
    """
    r = _require(result, ("rewards", "prediction", "learning_rate", "mu2", "sigma1"), "an HGFResult")
    trials = np.arange(1, len(r.rewards) + 1)
    fig, axes = new_figure(1, 3, width=9.5, height=2.2, sharex=True)
    ax = axes[0]
    ax.plot(trials, r.rewards, ".", ms=3, color="0.6", label="reward u")
    if environment is not None:
        ax.plot(trials, environment.mean, color="0.1", lw=1.5, label="hidden mean")
    ax.plot(trials, r.prediction, color=PALETTE[5], lw=1.5, label="HGF's expectation μ₁")
    ax.set_ylabel("reward")
    ax.set_xlabel("trial")
    ax.legend(fontsize=8, ncols=3, loc="upper left")
    ax.set_title("rewards and the learner's estimate")
    ax = axes[1]
    ax.plot(trials, r.learning_rate, color=PALETTE[0])
    ax.set_ylabel("learning rate α")
    ax.set_xlabel("trial")
    ax.set_ylim(0, 1)
    ax.set_title("the weight of each prediction error")
    ax = axes[2]
    ax.plot(trials, r.mu2, color=PALETTE[2])
    ax.fill_between(trials, r.mu2 - np.sqrt(r.sigma2), r.mu2 + np.sqrt(r.sigma2), color=PALETTE[2],
                    alpha=0.2, lw=0)
    ax.set_ylabel("log-volatility μ₂")
    ax.set_xlabel("trial")
    ax.set_title("belief about volatility (mean ± s.d.)")
    if environment is not None:
        volatile = np.flatnonzero(environment.volatile)
        if volatile.size:
            for ax in axes:
                ax.axvspan(volatile[0] + 0.5, volatile[-1] + 1.5, color=PALETTE[1], alpha=0.12, lw=0)
            axes[0].text(volatile.mean() + 1, 0.02, "volatile", transform=axes[0].get_xaxis_transform(),
                         ha="center", va="bottom", fontsize=8, color=PALETTE[1])
    fig.suptitle("The Hierarchical Gaussian Filter learns faster when the world is volatile")
    return fig
