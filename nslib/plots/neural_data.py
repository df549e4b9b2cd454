"""Figures for Chapter 7: machine learning for neural data.

Every function takes results from :mod:`nslib.neural_data` and only draws.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from . import DIVERGING_CMAP, PALETTE, new_figure

__all__ = ["plot_connectivity", "plot_crossover", "plot_elbo", "plot_flipflop", "plot_population",
           "plot_pretraining", "plot_recovery"]

_LATENT_NAMES = ("$z_1$", "$z_2$", "$z_3$")
_METHOD_NAMES = {"pca": "PCA", "fa": "factor analysis", "vae": "sequential VAE"}


def _axes(ncols: int, nrows: int = 1, **kwargs):
    fig, axes = new_figure(ncols, nrows, **kwargs)
    return fig, np.asarray(axes, dtype=object).reshape(-1)


def plot_population(pop, smoothed=None, *, neuron: int | None = None, title: str | None = None) -> Figure:
    """The latents, the raster and one neuron's true and estimated rate, for trial 0.

    Parameters
    ----------
    pop : LorenzPopulation
        A simulated recording (:func:`nslib.neural_data.lorenz_population`).
    smoothed : ndarray, shape (n_trials, n_steps, n_neurons), optional
        Smoothed counts to compare with the true rate.
    neuron : int, optional
        The neuron whose rate is shown; default the one with the largest readout.
    title : str, optional
        The figure's title; default a description of the population.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the latents, the raster and the neuron's rate.

    Examples
    --------
    >>> from brian2 import ms
    >>> from nslib.neural_data import LorenzPopulation
    >>> z = np.zeros((1, 5, 3))
    >>> pop = LorenzPopulation(counts=np.ones((1, 5, 2), int), latents=z, rates=np.ones((1, 5, 2)),
    ...                        readout=np.ones((2, 3)), bias=np.zeros(2), mean_count=1.0,
    ...                        bin_width=20 * ms, raster_times=np.array([0.01]), raster_neurons=np.array([0]),
    ...                        target="numpy")
    >>> plot_population(pop).axes[2].get_title()
    'neuron 0'
    """
    from brian2 import ms

    bin_ms = float(pop.bin_width / ms)
    t_s = (np.arange(pop.n_steps) + 0.5) * bin_ms / 1000
    if neuron is None:
        neuron = int(np.argmax(np.linalg.norm(pop.readout, axis=1)))
    fig, axes = _axes(3, 1, width=12.0, height=3.4)
    for d in range(3):
        axes[0].plot(t_s, pop.latents[0, :, d], color=PALETTE[d], label=_LATENT_NAMES[d])
    axes[0].set(xlabel="time (s)", ylabel="latent (z-scored)", title="Lorenz latents, trial 1")
    axes[0].legend(fontsize=8, loc="upper right")
    axes[1].scatter(pop.raster_times, pop.raster_neurons, s=4, color="black", marker="|")
    axes[1].set(xlabel="time (s)", ylabel="neuron", xlim=(0, pop.n_steps * bin_ms / 1000),
                ylim=(-0.5, pop.n_neurons - 0.5),
                title=f"{len(pop.raster_times)} spikes, {pop.mean_count:g} per bin per neuron")
    axes[2].plot(t_s, pop.rates[0, :, neuron], color=PALETTE[0], label="true rate")
    axes[2].bar(t_s, pop.counts[0, :, neuron], width=bin_ms / 1000 * 0.8, color="lightgrey", label="count")
    if smoothed is not None:
        axes[2].plot(t_s, smoothed[0, :, neuron], color=PALETTE[1], linestyle="--", label="smoothed count")
    axes[2].set(xlabel="time (s)", ylabel="spikes per bin", title=f"neuron {neuron}")
    axes[2].legend(fontsize=8, loc="upper right")
    fig.suptitle(title or "A population driven by a Lorenz attractor")
    return fig


def plot_recovery(results: Mapping[str, object], *, trial: int = 0, title: str | None = None) -> Figure:
    """True and recovered latents of one held-out trial per method, and every method's R².

    Parameters
    ----------
    results : mapping of method name to RecoveryResult
        From :func:`nslib.neural_data.latent_recovery`, one panel each, in order.
    trial : int, default 0
        The held-out trial to show.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per method and a bar chart of the R².

    Examples
    --------
    >>> from nslib.neural_data import RecoveryResult
    >>> z = np.zeros((1, 5, 3))
    >>> res = RecoveryResult(method="pca", r2=0.5, r2_per_latent=np.full(3, 0.5), test_latents=z,
    ...                      predicted=z, factors=z, elbo=np.empty(0), kl=np.empty(0), n_train=4)
    >>> plot_recovery({"pca": res}).axes[0].get_title()
    'PCA: R² = 0.50'
    """
    names = list(results)
    fig, axes = _axes(len(names) + 1, 1, width=3.6 * (len(names) + 1), height=3.3)
    for ax, name in zip(axes, names, strict=False):
        res = results[name]
        for d in range(3):
            ax.plot(res.test_latents[trial, :, d], color=PALETTE[d], linewidth=1.5,
                    label=f"true {_LATENT_NAMES[d]}")
            ax.plot(res.predicted[trial, :, d], color=PALETTE[d], linestyle="--", linewidth=1.2)
        ax.set(xlabel="time bin", ylabel="latent (z-scored)",
               title=f"{_METHOD_NAMES.get(name, name)}: R² = {res.r2:.2f}")
    axes[0].legend(fontsize=7, loc="lower left", title="solid: true, dashed: recovered", title_fontsize=7)
    bars = axes[-1]
    values = [results[n].r2 for n in names]
    bars.bar(range(len(names)), values, color=[PALETTE[k % len(PALETTE)] for k in range(len(names))])
    bars.set_xticks(range(len(names)), [_METHOD_NAMES.get(n, n) for n in names], fontsize=8)
    bars.set(ylabel="held-out R² to the true latents", ylim=(0, 1), title="recovery")
    fig.suptitle(title or "Recovering the latents from held-out trials")
    return fig


def plot_elbo(vae, *, title: str | None = None) -> Figure:
    """The ELBO and its KL term along training of the sequential VAE.

    Parameters
    ----------
    vae : VAEResult or RecoveryResult
        Anything with ``elbo`` and ``kl`` arrays (nats per trial, one per step).
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: the ELBO and the KL term against the training step.

    Examples
    --------
    >>> from nslib.neural_data import VAEResult
    >>> vae = VAEResult(factors=np.zeros((1, 5, 3)), log_rates=np.zeros((1, 5, 2)),
    ...                 elbo=np.linspace(-50, -10, 20), kl=np.linspace(0, 5, 20), weights={},
    ...                 n_neurons=2, n_factors=3)
    >>> plot_elbo(vae).axes[0].get_ylabel()
    'ELBO (nats per trial)'
    """
    fig, axes = _axes(2, 1, width=9.0, height=3.2)
    steps = np.arange(1, len(vae.elbo) + 1)
    axes[0].plot(steps, vae.elbo, color=PALETTE[0])
    axes[0].set(xlabel="training step", ylabel="ELBO (nats per trial)", title="evidence lower bound")
    axes[1].plot(steps, vae.kl, color=PALETTE[1])
    axes[1].set(xlabel="training step", ylabel="KL term (nats per trial)", title="KL(q(g0, u | x) || prior)")
    fig.suptitle(title or "Training the sequential VAE")
    return fig


def plot_crossover(mean_counts: Sequence[float], r2: Mapping[str, Sequence[float]], *,
                   highlight: float | None = None, title: str | None = None) -> Figure:
    """Held-out R² of each method against the mean count per bin (log axis).

    Parameters
    ----------
    mean_counts : sequence of float
        Spikes per bin per neuron.
    r2 : mapping of method name to one R² per mean count
        The held-out R² of each method (:attr:`RecoveryResult.r2`), one line each.
    highlight : float, optional
        A mean count to mark with a vertical line.
    title : str, optional
        The axes' title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, one line per method.

    Examples
    --------
    >>> fig = plot_crossover([0.1, 1.0], {"pca": [0.2, 0.8], "vae": [0.5, 0.8]}, highlight=0.1)
    >>> fig.axes[0].get_xscale(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ('log', ['PCA', 'sequential VAE'])
    """
    fig, axes = _axes(1, 1, width=5.5, height=3.6)
    ax = axes[0]
    markers = "os^D"
    for k, (name, values) in enumerate(r2.items()):
        ax.plot(mean_counts, values, marker=markers[k % 4], color=PALETTE[k % len(PALETTE)],
                label=_METHOD_NAMES.get(name, name))
    if highlight is not None:
        ax.axvline(highlight, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set(xlabel="mean spikes per bin per neuron", ylabel="held-out R² to the true latents",
           title=title or "The VAE's advantage is a low-count effect")
    ax.legend(fontsize=8)
    return fig


def plot_connectivity(res, *, title: str | None = None) -> Figure:
    """True synapses, the GLM's summed coupling filters, and the ROC curve.

    Parameters
    ----------
    res : GLMConnectivityResult
        From :func:`nslib.neural_data.glm_connectivity`.
    title : str, optional
        The figure's title; default the recording's length.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the true synapses, the coupling and the ROC curve.

    Examples
    --------
    >>> from nslib.neural_data import GLMConnectivityResult
    >>> w = np.array([[0.0, 1.5], [0.0, 0.0]])
    >>> res = GLMConnectivityResult(auc=1.0, auc_signed=1.0, coupling=w / 3, filters=np.zeros((2, 2, 3)),
    ...                             true_weights=w, fpr=np.array([0.0, 0.0, 1.0]),
    ...                             tpr=np.array([0.0, 1.0, 1.0]), rates_hz=np.array([5.0, 8.0]),
    ...                             duration_s=2.0, n_hidden=0, raster_times=np.empty(0),
    ...                             raster_neurons=np.empty(0, int))
    >>> plot_connectivity(res).axes[2].get_title()
    'finding the synapses'
    """
    fig, axes = _axes(3, 1, width=12.0, height=3.6)
    w = res.true_weights
    lim = np.abs(w).max() or 1.0
    image = axes[0].imshow(w, cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim)
    fig.colorbar(image, ax=axes[0], label="synapse (mV)")
    axes[0].set(xlabel="presynaptic neuron j", ylabel="postsynaptic neuron i", title="true synapses")
    c = res.coupling
    lim = np.abs(c).max() or 1.0
    image = axes[1].imshow(c, cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim)
    fig.colorbar(image, ax=axes[1], label="summed coupling (log-rate per spike)")
    axes[1].set(xlabel="presynaptic neuron j", ylabel="postsynaptic neuron i", title="GLM coupling")
    axes[2].plot(res.fpr, res.tpr, color=PALETTE[0], label=f"GLM, AUC = {res.auc:.2f}")
    axes[2].plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    axes[2].set(xlabel="false positive rate", ylabel="true positive rate", title="finding the synapses")
    axes[2].legend(fontsize=8, loc="lower right")
    hidden = f", {res.n_hidden} unobserved neurons" if res.n_hidden else ""
    fig.suptitle(title or f"Connectivity from {res.duration_s:g} s of spikes{hidden}")
    return fig


def plot_pretraining(res, *, index: int | None = None, title: str | None = None) -> Figure:
    """R² against the new session's trials for the three methods, and one decoded trial.

    Parameters
    ----------
    res : PretrainResult
        From :func:`nslib.neural_data.pretrain_transfer`.
    index : int, optional
        Which trial count's example trial to show; default the smallest.
    title : str, optional
        The figure's title; default the number of sessions.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: R² against trials, and the decoded trial.

    Examples
    --------
    >>> from nslib.neural_data import PretrainResult
    >>> r2 = np.array([0.2, 0.6])
    >>> res = PretrainResult(new_session_trials=np.array([5, 10]), pretrained_r2=r2, scratch_r2=r2 / 2,
    ...                      ridge_r2=r2 / 3, pretrain_loss=np.ones(3), test_latents=np.zeros((4, 3)),
    ...                      predictions=np.zeros((2, 3, 4, 3)), n_sessions=8, n_neurons=20, n_test=10)
    >>> plot_pretraining(res, index=1).axes[1].get_title()
    'a held-out trial, fitted on 10 trials'
    """
    index = 0 if index is None else index
    fig, axes = _axes(2, 1, width=11.0, height=3.6)
    trials = res.new_session_trials
    labels = ("pretrained", "from scratch", "smoothed ridge")
    for k, values in enumerate((res.pretrained_r2, res.scratch_r2, res.ridge_r2)):
        axes[0].plot(trials, values, marker="os^"[k], color=PALETTE[k], label=labels[k])
    axes[0].axvline(trials[index], color="grey", linestyle=":", linewidth=1)
    axes[0].set_xscale("log")
    axes[0].set_xticks(trials, [str(t) for t in trials])
    axes[0].set(xlabel="trials of the new session", ylabel="held-out R² of the decoded latent",
                ylim=(min(-0.1, float(np.min(res.scratch_r2)) - 0.05), 1), title="decoding a new session")
    axes[0].legend(fontsize=8, loc="lower right")
    ax = axes[1]
    ax.plot(res.test_latents[:, 0], color="black", linewidth=2, label=f"true {_LATENT_NAMES[0]}")
    for k in range(3):
        ax.plot(res.predictions[index, k, :, 0], color=PALETTE[k], linestyle="--", label=labels[k])
    ax.set(xlabel="time bin", ylabel="latent (z-scored)",
           title=f"a held-out trial, fitted on {trials[index]} trials")
    ax.legend(fontsize=7, loc="lower left")
    fig.suptitle(title or f"Pretraining on {res.n_sessions} sessions, then a new one")
    return fig


def plot_flipflop(res, *, title: str | None = None) -> Figure:
    """One trial of the flip-flop RNN and its fixed points in the top two PCs of its states.

    Parameters
    ----------
    res : FlipFlopResult
        From :func:`nslib.neural_data.flipflop_rnn`.
    title : str, optional
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: the example trial, and the trajectory with the fixed points.

    Examples
    --------
    >>> from nslib.neural_data import FlipFlopResult
    >>> rng = np.random.default_rng(0)
    >>> trial = np.sign(rng.normal(size=(20, 3)))
    >>> res = FlipFlopResult(fixed_points=rng.normal(size=(2, 4)), speeds=np.zeros(2),
    ...                      max_abs_eigenvalue=np.array([0.5, 1.5]), stable=np.array([True, False]),
    ...                      outputs=np.zeros((2, 3)), loss=np.ones(5), test_error=0.0,
    ...                      example_inputs=trial, example_targets=trial, example_outputs=trial,
    ...                      example_states=rng.normal(size=(20, 4)))
    >>> [t.get_text() for t in plot_flipflop(res).axes[1].get_legend().get_texts()]
    ['trajectory', 'stable (1)', 'unstable (1)']
    """
    fig, axes = _axes(2, 1, width=11.0, height=3.8)
    steps = np.arange(len(res.example_inputs))
    for d in range(3):
        offset = 3 * (2 - d)
        axes[0].plot(steps, res.example_targets[:, d] + offset, color="lightgrey", linewidth=3)
        axes[0].plot(steps, res.example_outputs[:, d] + offset, color=PALETTE[d], label=f"bit {d + 1}")
        hits = np.nonzero(res.example_inputs[:, d])[0]
        axes[0].scatter(hits, res.example_inputs[hits, d] * 1.3 + offset, color=PALETTE[d], marker="v",
                        s=20)
    axes[0].set_yticks([])
    axes[0].set(xlabel="time step", ylabel="output (bits offset)",
                title="outputs (colour), targets (grey), pulses (triangles)")
    path, points = res.principal_projection()
    axes[1].plot(path[:, 0], path[:, 1], color="lightgrey", linewidth=1, label="trajectory")
    if len(res.fixed_points):
        axes[1].scatter(points[res.stable, 0], points[res.stable, 1], color=PALETTE[0], s=40,
                        label=f"stable ({res.n_stable})")
        axes[1].scatter(points[~res.stable, 0], points[~res.stable, 1], facecolor="none",
                        edgecolor=PALETTE[1], s=40, label=f"unstable ({int((~res.stable).sum())})")
    axes[1].set(xlabel="PC 1 of the hidden state", ylabel="PC 2", title="fixed points")
    axes[1].legend(fontsize=8)
    fig.suptitle(title or "A 3-bit flip-flop RNN")
    return fig
