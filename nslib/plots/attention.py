"""Figures for chapter 3, attention: gain in visual cortex, attention weights, memories, capacity.

Every function takes results computed by :mod:`nslib.attention` and only
draws; the one exception, :func:`plot_capacity_demo`, draws a single
retrieval (a memory of a few pairs) beside the curves, which costs
microseconds.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import PALETTE, SEQUENTIAL_CMAP, CourseFigure, new_figure
from ._layout import require_fields as _require

__all__ = [
    "plot_attention_pattern",
    "plot_biased_competition",
    "plot_blocking",
    "plot_capacity",
    "plot_capacity_demo",
    "plot_contrast_gain",
    "plot_memory_capacity",
    "plot_normalization_model",
    "plot_spiking_capacity",
    "plot_spiking_memory",
    "plot_torch_comparison",
    "plot_tuning_gain",
]



# ---------------------------------------------------------------------------
# Attention in visual cortex
# ---------------------------------------------------------------------------

def plot_biased_competition(result: Any):
    """Bars: responses to a preferred and a poor stimulus alone, and to the pair with attention.

    Parameters
    ----------
    result : BiasedCompetition
        From :func:`nslib.attention.biased_competition`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import biased_competition
    >>> fig = plot_biased_competition(biased_competition())
    >>> fig.axes[0].get_ylabel()
    'response (relative rate)'
    """
    r = _require(result, ("preferred_alone", "poor_alone", "pair", "pair_attend_preferred",
                          "pair_attend_poor"), "a BiasedCompetition")
    labels = ["preferred\nalone", "poor\nalone", "pair,\nattend away", "pair,\nattend preferred",
              "pair,\nattend poor"]
    values = [r.preferred_alone, r.poor_alone, r.pair, r.pair_attend_preferred,
              r.pair_attend_poor]
    colors = [PALETTE[0], PALETTE[1], PALETTE[7], PALETTE[0], PALETTE[1]]
    fig, ax = new_figure(width=7.0, height=3.4)
    bars = ax.bar(range(5), values, color=colors)
    for bar in list(bars)[3:]:
        bar.set_hatch("//")
        bar.set_edgecolor("white")
    ax.axhline(r.preferred_alone, color=PALETTE[0], lw=0.8, ls=":")
    ax.axhline(r.poor_alone, color=PALETTE[1], lw=0.8, ls=":")
    ax.set_xticks(range(5), labels)
    ax.set_xlabel("stimuli in the receptive field, and where attention is")
    ax.set_ylabel("response (relative rate)")
    ax.set_title(f"Biased competition (attention gain {r.attention_gain:g})")
    return fig


def plot_normalization_model(result: Any):
    """The normalization model of attention as four population images (Reynolds & Heeger, Fig. 1).

    Stimulus drive, attention field, suppressive drive and response over
    receptive-field position (x axis) and preferred orientation (y axis).

    Parameters
    ----------
    result : AttentionGainResult
        From :func:`nslib.attention.attention_gain_model`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import attention_gain_model
    >>> len(plot_normalization_model(attention_gain_model()).axes)   # four images and their colour bars
    8
    """
    r = _require(result, ("positions", "orientations", "stimulus_drive", "attention_field",
                          "suppressive_drive", "response"), "an AttentionGainResult")
    panels = [("stimulus drive E", r.stimulus_drive), ("attention field A", r.attention_field),
              ("suppressive drive S", r.suppressive_drive), ("response R = AE / (S + σⁿ)",
                                                             r.response)]
    fig, axes = new_figure(4, 1, width=3.0, height=2.9)
    extent = (r.positions[0], r.positions[-1], r.orientations[0], r.orientations[-1])
    for ax, (title, image) in zip(axes, panels, strict=True):
        shown = ax.imshow(image.T, origin="lower", aspect="auto", extent=extent,
                          cmap=SEQUENTIAL_CMAP, interpolation="nearest")
        ax.set_title(title)
        ax.set_xlabel("receptive field position (deg)")
        ax.set_ylabel("preferred orientation (deg)")
        bar = fig.colorbar(shown, ax=ax, shrink=0.8)
        bar.set_label("a.u.")
    fig.suptitle(f"Normalization model: stimulus {r.stimulus_size:g}° wide, attention field "
                 f"{r.attention_fwhm:.1f}° wide at half height (SD {r.attention_width:g}°), "
                 f"gain {r.attention_gain:g}, contrast {r.tuning_contrast:g}")
    return fig


def plot_contrast_gain(*results: Any, titles: Sequence[str] | None = None):
    """Contrast-response functions with and without attention, one panel per result.

    Parameters
    ----------
    *results : AttentionGainResult
        E.g. a small stimulus with a large attention field and a large stimulus
        with a small one.
    titles : sequence of str, optional
        One panel title per result.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import attention_gain_model
    >>> small = attention_gain_model(stimulus_size=1.0, attention_width=10.0)
    >>> plot_contrast_gain(small, titles=["small stimulus"]).axes[0].get_xlabel()
    'contrast (%)'
    """
    if not results:
        raise ValueError("results must hold at least one AttentionGainResult")
    for r in results:
        _require(r, ("contrasts", "contrast_response", "contrast_response_unattended", "c50",
                     "r_max"), "an AttentionGainResult")
    if titles is not None and len(titles) != len(results):
        raise ValueError(f"titles must have one entry per result ({len(results)})")
    fig, axes = new_figure(len(results), 1, width=4.2, height=3.4)
    axes = np.atleast_1d(axes)
    for i, (ax, r) in enumerate(zip(axes, results, strict=True)):
        c = 100 * r.contrasts
        ax.plot(c, r.contrast_response_unattended, color=PALETTE[7], label="attend away")
        ax.plot(c, r.contrast_response, color=PALETTE[5], label="attend to the stimulus")
        for c50, r_max, color in ((r.c50_unattended, r.r_max_unattended, PALETTE[7]),
                                  (r.c50, r.r_max, PALETTE[5])):
            ax.plot([100 * c50], [r_max / 2], "o", color=color, ms=5)
        ax.set_xscale("log")
        ax.set_xlabel("contrast (%)")
        ax.set_ylabel("response (a.u.)")
        default = (f"{r.stimulus_size:g}° stimulus, {r.attention_fwhm:.1f}° attention field\n"
                   f"(full widths): c50 × {r.c50 / r.c50_unattended:.2f}, "
                   f"r_max × {r.r_max / r.r_max_unattended:.2f}")
        ax.set_title(default if titles is None else titles[i])
        ax.legend(loc="upper left", fontsize="small")
    fig.suptitle("Attention: contrast gain or response gain (dots: half-maximum, c50)")
    return fig


def plot_tuning_gain(result: Any, ymax: float | None = None):
    """An orientation tuning curve with and without attention, and their ratio.

    Parameters
    ----------
    result : AttentionGainResult
    ymax : float, optional
        Upper limit of the response axis (keeps a sweep's frames comparable).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import attention_gain_model
    >>> plot_tuning_gain(attention_gain_model()).axes[0].get_xlabel()
    'stimulus orientation − preferred (deg)'
    """
    r = _require(result, ("orientations", "tuning_curve", "tuning_curve_unattended",
                          "attention_gain"), "an AttentionGainResult")
    fig, (ax, ax_ratio) = new_figure(2, 1, width=4.0, height=3.3)
    ax.plot(r.orientations, r.tuning_curve_unattended, color=PALETTE[7], label="attend away")
    ax.plot(r.orientations, r.tuning_curve, color=PALETTE[5], label="attend to the stimulus")
    ax.set_xlabel("stimulus orientation − preferred (deg)")
    ax.set_ylabel("response (a.u.)")
    ax.set_title("Tuning curves")
    if ymax is not None:
        ax.set_ylim(0, ymax)
    ax.legend(loc="upper left", fontsize="small")
    ratio = r.tuning_curve / r.tuning_curve_unattended
    ax_ratio.plot(r.orientations, ratio, color=PALETTE[5])
    ax_ratio.axhline(1.0, color=PALETTE[7], lw=0.8, ls=":")
    ax_ratio.set_ylim(0.9, max(2.0, float(ratio.max()) * 1.1))
    ax_ratio.set_xlabel("stimulus orientation − preferred (deg)")
    ax_ratio.set_ylabel("attended / unattended")
    ax_ratio.set_title("Gain: the same at every orientation")
    fig.suptitle(f"Top-down gain {r.attention_gain:g} on the attended location "
                 f"(contrast {r.tuning_contrast:g})")
    return fig


# ---------------------------------------------------------------------------
# Transformers
# ---------------------------------------------------------------------------

def plot_attention_pattern(result: Any, labels: Sequence[str] | None = None,
                           temperature: float | None = None):
    """Softmax attention weights as a query x key image, and their entropy per query.

    Parameters
    ----------
    result : AttentionResult
        From :func:`nslib.attention.softmax_attention` with several queries.
    labels : sequence of str, optional
        Token labels (queries and keys are the same tokens).
    temperature : float, optional
        Shown in the title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import softmax_attention
    >>> x = np.eye(3)
    >>> fig = plot_attention_pattern(softmax_attention(x, x, x), labels=["a", "b", "c"])
    >>> fig.axes[0].get_xlabel()
    'key (token attended to)'
    """
    r = _require(result, ("weights", "output", "kind"), "an AttentionResult")
    w = np.atleast_2d(r.weights)
    if labels is not None and len(labels) != w.shape[1]:
        raise ValueError(f"labels must have one entry per key ({w.shape[1]})")
    fig, (ax, ax_h) = new_figure(2, 1, width=3.8, height=3.5)
    shown = ax.imshow(w, cmap=SEQUENTIAL_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest")
    bar = fig.colorbar(shown, ax=ax, shrink=0.8)
    bar.set_label("attention weight")
    ticks = range(w.shape[1])
    ax.set_xticks(ticks, labels if labels is not None else [str(t) for t in ticks],
                  rotation=90 if labels is not None else 0)
    ax.set_yticks(range(w.shape[0]), labels if labels is not None and w.shape[0] == len(labels)
                  else [str(t) for t in range(w.shape[0])])
    ax.set_xlabel("key (token attended to)")
    ax.set_ylabel("query (token attending)")
    ax.set_title("Attention weights")
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.sum(np.where(w > 0, w * np.log2(w), 0.0), axis=1)
    ax_h.barh(range(w.shape[0]), entropy, color=PALETTE[0])
    ax_h.axvline(np.log2(w.shape[1]), color=PALETTE[7], ls=":", lw=1,
                 label=f"uniform: {np.log2(w.shape[1]):.1f} bits")
    ax_h.set_xlim(0, np.log2(w.shape[1]) * 1.05)
    ax_h.invert_yaxis()
    ax_h.set_xlabel("entropy of the weights (bits)")
    ax_h.set_ylabel("query")
    ax_h.set_title("How spread out")
    ax_h.legend(loc="lower right", fontsize="small")
    fig.suptitle("Softmax attention" + (f", temperature τ = {temperature:g}"
                                        if temperature is not None else ""))
    return fig


def plot_torch_comparison(comparison: Any):
    """Our numpy multi-head attention against PyTorch's: outputs and weights on the identity line.

    Parameters
    ----------
    comparison : TorchComparison
        From :func:`nslib.attention.compare_with_torch`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import compare_with_torch
    >>> len(plot_torch_comparison(compare_with_torch(n_tokens=3, d_model=4)).axes)
    2
    """
    c = _require(comparison, ("numpy_result", "torch_result", "max_output_difference",
                              "max_weight_difference"), "a TorchComparison")
    fig, axes = new_figure(2, 1, width=3.8, height=3.4)
    pairs = [("layer output", c.numpy_result.output, c.torch_result.output,
              c.max_output_difference),
             ("attention weights", c.numpy_result.weights, c.torch_result.weights,
              c.max_weight_difference)]
    for ax, (name, ours, theirs, gap) in zip(axes, pairs, strict=True):
        lo, hi = float(min(ours.min(), theirs.min())), float(max(ours.max(), theirs.max()))
        ax.plot([lo, hi], [lo, hi], color=PALETTE[7], lw=0.8, ls=":")
        ax.plot(ours.ravel(), theirs.ravel(), "o", color=PALETTE[0], ms=4, alpha=0.7)
        ax.set_xlabel(f"numpy {name}")
        ax.set_ylabel(f"torch {name}")
        ax.set_title(f"largest gap {gap:.0e}")
    fig.suptitle(f"Same weights, same result ({c.n_heads} heads)")
    return fig


# ---------------------------------------------------------------------------
# Memories: conditioning and capacity
# ---------------------------------------------------------------------------

def plot_blocking(*results: Any):
    """Associative strength of CS B over trials, after A was learned (blocking) and in the control.

    Parameters
    ----------
    *results : BlockingResult
        From :func:`nslib.attention.blocking_experiment`, one panel each (e.g.
        the delta rule and the Hebbian rule).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import blocking_experiment
    >>> plot_blocking(blocking_experiment("delta")).axes[0].get_xlabel()
    'trial (phase 1: A+US; phase 2: AB+US)'
    """
    if not results:
        raise ValueError("results must hold at least one BlockingResult")
    for r in results:
        _require(r, ("strengths", "control_strengths", "n_phase1", "rule"), "a BlockingResult")
    fig, axes = new_figure(len(results), 1, width=4.0, height=3.3)
    axes = np.atleast_1d(axes)
    for ax, r in zip(axes, results, strict=True):
        trials = np.arange(r.strengths.shape[0])
        ax.axvspan(0, r.n_phase1, color=PALETTE[7], alpha=0.07)
        ax.plot(trials, r.strengths[:, 0], color=PALETTE[0], label="A (blocking group)")
        ax.plot(trials, r.strengths[:, 1], color=PALETTE[1], label="B (blocking group)")
        control_trials = r.n_phase1 + np.arange(r.control_strengths.shape[0])
        ax.plot(control_trials, r.control_strengths[:, 1], color=PALETTE[1], ls="--",
                label="B (control: AB only)")
        ax.set_xlabel("trial (phase 1: A+US; phase 2: AB+US)")
        ax.set_ylabel("associative strength V")
        name = "delta rule (Rescorla-Wagner)" if r.rule == "delta" else "Hebbian rule"
        ax.set_title(f"{name}: V_B = {r.blocked:.2f} vs {r.control:.2f}")
        ax.legend(loc="upper left", fontsize="small")
    fig.suptitle("Kamin's blocking: does a predicted US teach anything?")
    return fig


def _pairs_axis(ax, n_pairs) -> None:
    # A linear axis: an error that grows in proportion to N is drawn as a straight line.
    ax.set_xlim(0, 1.03 * float(np.max(n_pairs)))


_RULE_TITLES = {"hebbian": "Hebbian (linear attention)", "delta": "least squares V K⁺ (batch delta)",
                "delta, 1 pass": "delta rule, one pass", "softmax": "softmax attention"}


def plot_capacity(curves: Any, ymax: float = 2.0):
    """Retrieval error against the number of stored pairs: one panel per rule, one colour per d_k.

    Solid lines with dots: mean error; dashed: worst stored pair; black dotted:
    theory (``(N-1)/d_k`` for Hebbian, ``max(0, 1 - d_k/N)`` least squares).
    The ``N`` axis is linear, so an error proportional to ``N`` is a straight
    line.

    Parameters
    ----------
    curves : CapacityCurves
        From :func:`nslib.attention.capacity_curves`.
    ymax : float, default 2.0
        Upper limit of the error axis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import capacity_curves
    >>> plot_capacity(capacity_curves([1, 4], [8], n_trials=2)).axes[0].get_xlabel()
    'stored pairs N'
    """
    c = _require(curves, ("n_pairs", "d_ks", "rules", "mean", "worst", "theory"),
                 "a CapacityCurves")
    n_rules = len(c.rules)
    ncols = min(n_rules, 2)
    nrows = int(np.ceil(n_rules / ncols))
    fig, axes = new_figure(ncols, nrows, width=4.3, height=3.3)
    axes = np.atleast_1d(axes).ravel()
    for a, (ax, rule) in enumerate(zip(axes[:n_rules], c.rules, strict=True)):
        for b, d_k in enumerate(c.d_ks):
            color = PALETTE[b % len(PALETTE)]
            ax.plot(c.n_pairs, c.mean[a, b], "o-", color=color, ms=3, label=f"d_k = {d_k}")
            ax.plot(c.n_pairs, c.worst[a, b], "--", color=color, lw=1)
            if np.all(np.isfinite(c.theory[a, b])):
                ax.plot(c.n_pairs, c.theory[a, b], ":", color="black", lw=1.2)
        ax.axhline(1.0, color=PALETTE[7], lw=0.6, alpha=0.5)
        _pairs_axis(ax, c.n_pairs)
        ax.set_ylim(-0.03 * ymax, ymax)
        ax.set_xlabel("stored pairs N")
        ax.set_ylabel("retrieval error ‖v̂ − v‖²")
        ax.set_title(_RULE_TITLES.get(rule, rule))
        if a == 0:
            ax.legend(loc="upper left", fontsize="small")
    for ax in axes[n_rules:]:
        ax.set_visible(False)
    fig.suptitle("Capacity: mean (solid), worst pair (dashed), theory (dotted); "
                 "error 1 = recalling nothing")
    return fig


def plot_capacity_demo(curves: Any, n_pairs: int, keys: Any, values: Any, recalled: Any,
                       ymax: float = 2.0):
    """One key dimension: the error curves with ``n_pairs`` marked, and one recalled value.

    Parameters
    ----------
    curves : CapacityCurves
        With one ``d_k`` and the rules to draw.
    n_pairs : int
        The number of stored pairs to mark.
    keys, values : array_like, shape (n_pairs, d)
        The stored pairs of one memory (only value 0 is drawn; keys give ``d_k``).
    recalled : dict of str to array_like, shape (d_v,)
        Rule (one of ``curves.rules``) to the value that rule recalls for key 0;
        drawn in that rule's colour.
    ymax : float, default 2.0

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import capacity_curves, hebbian_memory, random_unit_vectors, retrieve
    >>> curves = capacity_curves([1, 4], [8], n_trials=2)
    >>> keys, values = random_unit_vectors(4, 8, seed=0), random_unit_vectors(4, 8, seed=1)
    >>> recalled = {"hebbian": retrieve(hebbian_memory(keys, values), keys[0])}
    >>> len(plot_capacity_demo(curves, 4, keys, values, recalled).axes)
    2
    """
    c = _require(curves, ("n_pairs", "d_ks", "rules", "mean", "theory"), "a CapacityCurves")
    d_k = int(np.shape(keys)[1])
    fig, (ax, ax_v) = new_figure(2, 1, width=4.3, height=3.4)
    for a, rule in enumerate(c.rules):
        color = PALETTE[a % len(PALETTE)]
        ax.plot(c.n_pairs, c.mean[a, 0], "o-", ms=3, color=color, label=_RULE_TITLES.get(rule,
                                                                                       rule))
        if np.all(np.isfinite(c.theory[a, 0])):
            ax.plot(c.n_pairs, c.theory[a, 0], ":", color="black", lw=1.2)
    ax.axvline(n_pairs, color=PALETTE[7], lw=1)
    ax.axvline(d_k, color=PALETTE[7], lw=0.8, ls="--")
    _pairs_axis(ax, c.n_pairs)
    ax.set_ylim(-0.03 * ymax, ymax)
    ax.set_xlabel("stored pairs N (dashed: N = d_k)")
    ax.set_ylabel("mean retrieval error ‖v̂ − v‖²")
    ax.set_title(f"d_k = {d_k}")
    ax.legend(loc="upper left", fontsize="small")
    v0 = np.asarray(values)[0]
    shown = min(16, v0.size)
    x = np.arange(shown)
    ax_v.bar(x, v0[:shown], color=PALETTE[7], alpha=0.35, label="stored value v")
    for rule, vec in recalled.items():
        if rule not in c.rules:
            raise ValueError(f"recalled must be keyed by rules of curves {list(c.rules)}; "
                             f"got {rule!r}")
        a = list(c.rules).index(rule)
        ax_v.plot(x, np.asarray(vec)[:shown], "o", ms=4, color=PALETTE[a % len(PALETTE)],
                  label=f"recalled, {_RULE_TITLES.get(rule, rule)}")
    ax_v.set_xticks(x[::max(1, shown // 8)])
    ax_v.set_xlabel(f"value component (first {shown})")
    ax_v.set_ylabel("component value")
    ax_v.set_title(f"Recall of pair 1 of {n_pairs}")
    ax_v.legend(loc="lower left", fontsize="x-small")
    fig.suptitle(f"{n_pairs} random pairs in a memory with d_k = {d_k}")
    return fig


def _capacity_label(result: Any) -> str:
    if result.rule == "softmax":
        return ("softmax, β = √d_k (transformer scaling)" if result.beta_scaling == "sqrt"
                else "softmax, β = d_k (β‖k‖² ∝ d_k)")
    return _RULE_TITLES.get(result.rule, result.rule)


def plot_memory_capacity(results: Sequence[Any], curves_of: int = 0):
    """Capacity against key dimension for several memories, and one memory's error curves.

    Left: the mean retrieval error of ``results[curves_of]`` against the number
    of stored pairs (log axis: ``N`` spans decades), one colour per ``d_k``,
    with the tolerance that defines the capacity and the capacity marked.
    Right: the capacity of every result against ``d_k`` on a log axis, where a
    capacity ``∝ e^{b d_k}`` is a straight line; softmax results are drawn
    with their fitted ``ln N = a + b sqrt(d_k)`` (``β = sqrt(d_k)``) or
    ``ln N = a + b d_k`` (``β = d_k``), the Hebbian memory with its theory
    ``N = 1 + tolerance · d_k``.

    Parameters
    ----------
    results : sequence of MemoryCapacity
        From :func:`nslib.attention.memory_capacity`, all with the same tolerance.
    curves_of : int, default 0
        Which result's error curves the left panel shows.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import memory_capacity
    >>> soft = memory_capacity([4, 9], n_pairs=[1, 2, 4, 8, 16, 32], n_trials=2)
    >>> plot_memory_capacity([soft]).axes[0].get_xlabel()
    'stored pairs N (log axis)'
    """
    if len(results) == 0:
        raise ValueError("results must hold at least one MemoryCapacity")
    for r in results:
        _require(r, ("d_ks", "n_pairs", "mean_error", "capacity", "rule", "tolerance",
                     "log_capacity_fit"), "a MemoryCapacity")
    if len({float(r.tolerance) for r in results}) != 1:
        raise ValueError("results must share one tolerance")
    if not 0 <= curves_of < len(results):
        raise ValueError(f"curves_of must be an index into results (0 to {len(results) - 1}); "
                         f"got {curves_of}")
    shown = results[curves_of]
    tol = float(shown.tolerance)
    fig, (ax, ax_c) = new_figure(2, 1, width=4.5, height=3.6)
    for b, d_k in enumerate(shown.d_ks):
        color = PALETTE[b % len(PALETTE)]
        ax.plot(shown.n_pairs, shown.mean_error[b], "-", color=color, lw=1.5, label=f"d_k = {d_k}")
        if np.isfinite(shown.capacity[b]):
            ax.plot([shown.capacity[b]], [tol], "o", color=color, ms=5)
    ax.axhline(tol, color="black", lw=0.8, ls=":", label=f"tolerance {tol:g}")
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("stored pairs N (log axis)")
    ax.set_ylabel("mean retrieval error ‖v̂ − v‖²")
    ax.set_title(_capacity_label(shown))
    ax.legend(loc="upper left", fontsize="x-small")
    markers, colors = "os^Dv", (PALETTE[4], PALETTE[5], PALETTE[7], PALETTE[3], PALETTE[2])
    for i, r in enumerate(results):
        color = colors[i % len(colors)]
        ax_c.plot(r.d_ks, r.capacity, markers[i % len(markers)], color=color, ms=6,
                  label=_capacity_label(r))
        d = np.linspace(float(r.d_ks.min()), float(r.d_ks.max()), 100)
        if r.rule == "softmax":
            against = "sqrt_d_k" if r.beta_scaling == "sqrt" else "d_k"
            slope, intercept = r.log_capacity_fit(against)
            x = np.sqrt(d) if against == "sqrt_d_k" else d
            name = "√d_k" if against == "sqrt_d_k" else "d_k"
            ax_c.plot(d, np.exp(intercept + slope * x), "-", color=color, lw=1,
                      label=f"fit ln N = {intercept:.1f} + {slope:.2f} {name}")
        elif r.rule == "hebbian":
            ax_c.plot(d, 1.0 + r.tolerance * d, ":", color=color, lw=1.2,
                      label=f"theory N = 1 + {r.tolerance:g} d_k")
    ax_c.set_yscale("log")
    ax_c.set_xlabel("key dimension d_k")
    ax_c.set_ylabel(f"capacity: N at error {tol:g} (log axis)")
    ax_c.set_title("Capacity against key dimension")
    ax_c.legend(loc="upper left", fontsize="xx-small")
    fig.suptitle("How many random pairs a memory holds (unit keys and values)")
    return fig


# ---------------------------------------------------------------------------
# The spiking associative memory
# ---------------------------------------------------------------------------

def plot_spiking_memory(result: Any, n_pairing_shown: int = 4):
    """Rasters of the CS and US populations during pairing and cueing, and the recall matrix.

    Parameters
    ----------
    result : SpikingMemoryResult
        From :func:`nslib.attention.spiking_associative_memory`.
    n_pairing_shown : int, default 4
        Pairing slots shown (the first ones); every cue slot is shown.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.attention import spiking_associative_memory
    >>> run = spiking_associative_memory(2, n_neurons=40, pattern_size=10, max_pairs=2, max_cues=2,
    ...                                  target="numpy")
    >>> len(plot_spiking_memory(run).axes)
    6
    """
    r = _require(result, ("schedule", "cs_spike_times_ms", "us_spike_times_ms", "scores",
                          "mean_similarity"), "a SpikingMemoryResult")
    s = r.schedule
    slot_ms = s.slot_rows * s.row_ms
    shown = min(n_pairing_shown, s.n_pairs)
    n_cues = s.cue_pairs.size
    cue_start = s.learning_slots * slot_ms
    windows = ((0.0, shown * slot_ms), (cue_start, cue_start + n_cues * slot_ms))
    fig = CourseFigure(figsize=(11.0, 4.6), layout="constrained")
    grid = fig.add_gridspec(2, 3, width_ratios=(1.0, 1.6, 1.3))
    n = s.cs_patterns.shape[1]
    for row, (idx, times, name, color) in enumerate((
            (r.cs_spike_indices, r.cs_spike_times_ms, "CS", PALETTE[0]),
            (r.us_spike_indices, r.us_spike_times_ms, "US", PALETTE[5]))):
        times, idx = np.asarray(times), np.asarray(idx)
        for col, (lo, hi) in enumerate(windows):
            ax = fig.add_subplot(grid[row, col])
            keep = (times >= lo) & (times < hi)
            ax.plot(times[keep], idx[keep], "|", color=color, ms=3)
            ax.set_xlim(lo, hi)
            ax.set_ylim(-1, n)
            ax.set_ylabel(f"{name} neuron")
            ax.set_xlabel("time (ms)")
            if row == 0:
                ax.set_title(f"pairing (first {shown} of {s.n_pairs} pairs)" if col == 0
                             else f"cueing: CS alone, {n_cues} cues")
    ax_m = fig.add_subplot(grid[:, 2])
    image = ax_m.imshow(r.scores.similarity, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto",
                        interpolation="nearest")
    ax_m.set_yticks(range(n_cues), [str(p) for p in s.cue_pairs])
    ax_m.set_xlabel("stored US pattern")
    ax_m.set_ylabel("cued pair")
    ax_m.set_title("US response vs stored US patterns")
    bar = fig.colorbar(image, ax=ax_m, shrink=0.8)
    bar.set_label("cosine similarity")
    fig.suptitle(f"Spiking associative memory: {s.n_pairs} pairs stored, recall similarity "
                 f"(cosine with the paired pattern) {r.mean_similarity:.2f}")
    return fig


def plot_spiking_capacity(results: Sequence[Any]):
    """Recall quality and potentiated synapses against the number of stored pairs.

    Parameters
    ----------
    results : sequence of SpikingMemoryResult
        One per number of pairs, in increasing order.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from types import SimpleNamespace as R
    >>> runs = [R(n_pairs=n, mean_similarity=0.9, other_similarity=0.1, potentiated_fraction=0.1 * n,
    ...           potentiated_fraction_theory=0.1 * n,
    ...           scores=R(hits=np.array([0.9]), false_alarms=np.array([0.05]))) for n in (1, 2)]
    >>> plot_spiking_capacity(runs).axes[0].get_xlabel()
    'stored pairs N'
    """
    if len(results) == 0:
        raise ValueError("results must hold at least one SpikingMemoryResult")
    for r in results:
        _require(r, ("mean_similarity", "other_similarity", "scores", "potentiated_fraction"),
                 "a SpikingMemoryResult")
    n = np.array([r.n_pairs for r in results])
    fig, (ax, ax_w) = new_figure(2, 1, width=4.2, height=3.3)
    ax.plot(n, [r.mean_similarity for r in results], "o-", color=PALETTE[0],
            label="similarity to the paired US pattern")
    ax.plot(n, [r.other_similarity for r in results], "o:", color=PALETTE[0],
            label="similarity to the other US patterns")
    ax.plot(n, [r.scores.hits.mean() for r in results], "s--", color=PALETTE[2],
            label="hits (paired US neurons firing)")
    ax.plot(n, [r.scores.false_alarms.mean() for r in results], "^--", color=PALETTE[5],
            label="false alarms (other US neurons firing)")
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("stored pairs N")
    ax.set_ylabel("fraction / cosine similarity")
    ax.set_title("Recall")
    ax.legend(loc="center left", fontsize="x-small")
    ax_w.plot(n, [r.potentiated_fraction for r in results], "o", color=PALETTE[0],
              label="Brian2 network")
    ax_w.plot(n, [r.potentiated_fraction_theory for r in results], ":", color="black",
              label="1 − (1 − f²)^N")
    ax_w.set_ylim(0, 1)
    ax_w.set_xlabel("stored pairs N")
    ax_w.set_ylabel("fraction of synapses potentiated")
    ax_w.set_title("The memory fills up")
    ax_w.legend(loc="upper left", fontsize="small")
    fig.suptitle("Spiking associative memory: capacity")
    return fig
