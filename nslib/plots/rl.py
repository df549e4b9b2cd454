"""Figures for chapter 2: conditioning, TD errors, dopamine neurons, distributional TD, actor-critic.

Every function takes results of :mod:`nslib.rl` and only draws. Times inside a
trial are in TD steps; ``step_ms`` says how long one step lasts (the chapter
uses 100 ms) so axes can be labelled in seconds.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import DIVERGING_CMAP, PALETTE, new_figure

__all__ = [
    "plot_actor_critic",
    "plot_blocking",
    "plot_distributional",
    "plot_dopamine_population",
    "plot_probabilistic_trials",
    "plot_reward_probability",
    "plot_rescorla_wagner",
    "plot_td_conditions",
    "plot_td_heatmap",
]


def _check_step(step_ms) -> float:
    if not isinstance(step_ms, (int, float)) or isinstance(step_ms, bool) or not step_ms > 0:
        raise ValueError(f"step_ms must be a number > 0 (ms per TD step); got {step_ms!r}")
    return float(step_ms)


def _mark_events(ax, cue_s: float | None, reward_s: float | None, *, label: bool = True) -> None:
    if cue_s is not None:
        ax.axvline(cue_s, color=PALETTE[2], ls="--", lw=1, label="cue" if label else None)
    if reward_s is not None:
        ax.axvline(reward_s, color=PALETTE[1], ls=":", lw=1.5, label="reward" if label else None)


def plot_rescorla_wagner(result, *, cue_names: Sequence[str] | None = None,
                         phases: Sequence[tuple[str, int]] | None = None, title: str | None = None):
    """Plot the associative strength of each cue over trials.

    Parameters
    ----------
    result : nslib.rl.RescorlaWagnerResult
    cue_names : sequence of str, optional
        One name per cue (default ``"cue 0"``, ``"cue 1"``...).
    phases : sequence of (name, first_trial), optional
        Phases of the experiment, drawn as shaded bands with their names.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import rescorla_wagner
    >>> res = rescorla_wagner(np.ones((20, 1)), np.r_[np.ones(10), np.zeros(10)])
    >>> plot_rescorla_wagner(res, phases=[("acquisition", 0), ("extinction", 10)]).axes[0].get_xlabel()
    'trial'
    """
    strengths = result.strengths
    n_trials, n_cues = strengths.shape
    names = list(cue_names) if cue_names is not None else [f"cue {k}" for k in range(n_cues)]
    if len(names) != n_cues:
        raise ValueError(f"cue_names must name every cue ({n_cues}); got {len(names)}")
    fig, ax = new_figure(width=6, height=3.2)
    trials = np.arange(1, n_trials + 1)
    if phases:
        starts = [int(s) for _, s in phases] + [n_trials]
        for k, (name, _) in enumerate(phases):
            lo, hi = starts[k] + 0.5, starts[k + 1] + 0.5
            if k % 2:
                ax.axvspan(lo, hi, color="0.93", lw=0)
            ax.text((lo + hi) / 2, 1.04, name, ha="center", va="bottom", fontsize="small",
                    transform=ax.get_xaxis_transform())
    for k in range(n_cues):
        ax.plot(trials, strengths[:, k], "-o", ms=3, color=PALETTE[k % len(PALETTE)],
                label=f"V({names[k]})")
    ax.set_xlabel("trial")
    ax.set_ylabel("associative strength V (reward units)")
    ax.set_xlim(0.5, n_trials + 0.5)
    ax.set_title(title or "Rescorla–Wagner learning", pad=18 if phases else None)
    ax.legend(frameon=False, fontsize="small", loc="center right")
    return fig


def plot_blocking(blocked, control, *, test_cue: int = 1, cue_names: Sequence[str] = ("A", "X"),
                  title: str | None = None):
    """Kamin blocking: the target cue's strength in the blocking and the control group.

    Parameters
    ----------
    blocked, control : nslib.rl.RescorlaWagnerResult
        The two groups, run over the same trials (pre-training, then compound).
    test_cue : int, default 1
        Column of the cue tested at the end (X).
    cue_names : sequence of str, default ("A", "X")
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import rescorla_wagner
    >>> a = np.r_[np.tile([1, 0], (20, 1)), np.ones((20, 2))]
    >>> c = np.r_[np.zeros((20, 2)), np.ones((20, 2))]
    >>> fig = plot_blocking(rescorla_wagner(a, np.ones(40)),
    ...                     rescorla_wagner(c, np.r_[np.zeros(20), np.ones(20)]))
    >>> len(fig.axes)
    2
    """
    names = list(cue_names)
    n_cues = blocked.strengths.shape[1]
    if not 0 <= test_cue < n_cues:
        raise ValueError(f"test_cue must be in [0, {n_cues - 1}]; got {test_cue!r}")
    fig, (ax, bar) = new_figure(2, width=3.6, height=3.3, gridspec_kw={"width_ratios": [2.2, 1]})
    trials = np.arange(1, blocked.strengths.shape[0] + 1)
    for k in range(n_cues):
        ax.plot(trials, blocked.strengths[:, k], color=PALETTE[k], label=f"blocking: V({names[k]})")
    ax.plot(trials, control.strengths[:, test_cue], color=PALETTE[test_cue], ls="--",
            label=f"control: V({names[test_cue]})")
    ax.set_xlabel("trial")
    ax.set_ylabel("associative strength V (reward units)")
    ax.set_title("Training")
    ax.legend(frameon=False, fontsize="small")
    final = [blocked.strengths[-1, test_cue], control.strengths[-1, test_cue]]
    bar.bar([0, 1], final, color=[PALETTE[5], PALETTE[0]], width=0.6)
    bar.set_xticks([0, 1], ["blocking", "control"])
    bar.set_xlabel("group")
    bar.set_ylabel(f"V({names[test_cue]}) at test (reward units)")
    bar.set_ylim(0, 1.05 * max(1.0, max(final)))
    bar.set_title(f"Test: {names[test_cue]} alone")
    fig.suptitle(title or "Kamin blocking in the Rescorla–Wagner model")
    return fig


def plot_td_heatmap(result, *, step_ms: float = 100.0, trials: Sequence[int] | None = None,
                    vmax: float = 1.0, title: str | None = None):
    """The TD error over trials as a heat map, and a few trials as traces.

    Parameters
    ----------
    result : nslib.rl.TDResult
    step_ms : float, default 100
        Duration of one TD step (ms).
    trials : sequence of int, optional
        Trials drawn as traces on the right (default: first, 10th, 30th, last).
    vmax : float, default 1.0
        Colour scale limit (the scale runs from ``-vmax`` to ``vmax``).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import td_conditioning
    >>> fig = plot_td_heatmap(td_conditioning(n_trials=40))
    >>> fig.axes[0].get_ylabel()
    'trial'
    """
    step = _check_step(step_ms) / 1000.0
    rpe = result.rpe
    n_trials, n_steps = rpe.shape
    if trials is None:
        trials = sorted({0, min(9, n_trials - 1), min(29, n_trials - 1), n_trials - 1})
    trials = [int(t) for t in trials]
    if any(not 0 <= t < n_trials for t in trials):
        raise ValueError(f"trials must be in [0, {n_trials - 1}]; got {trials}")
    fig, (heat, traces) = new_figure(2, width=4.1, height=3.4)
    image = heat.imshow(rpe, aspect="auto", origin="lower", cmap=DIVERGING_CMAP, vmin=-vmax,
                        vmax=vmax, extent=(0, n_steps * step, 0.5, n_trials + 0.5),
                        interpolation="nearest")
    cue_s, reward_s = result.cue_time * step, result.reward_time * step
    for x, c in ((cue_s, PALETTE[2]), (reward_s, PALETTE[1])):
        heat.axvline(x, color=c, ls="--", lw=0.8)
    heat.set_xlabel("time in trial (s)")
    heat.set_ylabel("trial")
    heat.set_title("δ(t) over trials")
    bar = fig.colorbar(image, ax=heat, fraction=0.05)
    bar.set_label("δ (reward units)")
    edges = np.arange(n_steps + 1) * step
    for k, trial in enumerate(trials):
        traces.stairs(rpe[trial], edges, color=PALETTE[k % len(PALETTE)],
                      label=f"trial {trial + 1}")
    _mark_events(traces, cue_s, reward_s)
    traces.axhline(0, color="0.6", lw=0.8)
    traces.set_ylim(-vmax * 1.05, vmax * 1.05)
    traces.set_xlabel("time in trial (s)")
    traces.set_ylabel("TD error δ (reward units)")
    traces.set_title("Single trials")
    traces.legend(frameon=False, fontsize="small", loc="lower left")
    fig.suptitle(title or f"TD(0) learning: γ = {result.gamma:g}, α = {result.alpha:g}")
    return fig


def plot_td_conditions(conditions, *, step_ms: float = 100.0, title: str | None = None):
    """TD errors in Schultz's three conditions, one panel each.

    Parameters
    ----------
    conditions : nslib.rl.ConditionRPEs
    step_ms : float, default 100
        Duration of one TD step (ms).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import schultz_conditions
    >>> len(plot_td_conditions(schultz_conditions()).axes)
    3
    """
    step = _check_step(step_ms) / 1000.0
    rows = conditions.rpe
    fig, axes = new_figure(len(rows), width=2.6, height=2.6, sharey=True)
    edges = np.arange(rows.shape[1] + 1) * step
    for k, (ax, label) in enumerate(zip(np.atleast_1d(axes), conditions.labels, strict=True)):
        ax.stairs(rows[k], edges, color=PALETTE[0])
        ax.axhline(0, color="0.6", lw=0.8)
        cue = None if k == 0 else conditions.cue_time * step
        _mark_events(ax, cue, conditions.reward_time * step, label=k == 2)
        ax.set_title(label)
        ax.set_xlabel("time in trial (s)")
    fig.supylabel("TD error δ (reward units)")
    np.atleast_1d(axes)[-1].legend(frameon=False, fontsize="small", loc="lower right")
    fig.suptitle(title or "The TD error in Schultz's three conditions")
    return fig


def plot_reward_probability(result, *, highlight: float | None = None, title: str | None = None):
    """Cue and reward responses against the reward probability, with TD's predictions.

    Parameters
    ----------
    result : nslib.rl.RewardProbabilityResult
    highlight : float, optional
        A probability to mark with a vertical line (the one a sweep shows).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import reward_probability_responses
    >>> plot_reward_probability(reward_probability_responses([0.5, 1.0])).axes[0].get_xlabel()
    'reward probability p'
    """
    fig, ax = new_figure(width=4.6, height=3.4)
    p = result.probabilities
    ax.plot(p, result.predicted_cue, color=PALETTE[2], lw=1, label="TD fixed point: p γ^d")
    ax.plot(p, result.cue_response, "o", color=PALETTE[2], label="response at the cue")
    ax.plot(p, result.predicted_reward, color=PALETTE[1], lw=1, label="TD fixed point: 1 − p")
    ax.plot(p, result.reward_response, "s", color=PALETTE[1], label="response at the reward")
    ax.axhline(0, color="0.6", lw=0.8)
    if highlight is not None:
        ax.axvline(highlight, color="0.3", ls=":", lw=1)
    ax.set_xlabel("reward probability p")
    ax.set_ylabel("mean TD error δ (reward units)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title or "Cue and reward responses (Fiorillo et al. 2003)")
    ax.legend(frameon=False, fontsize="small", loc="center right")
    return fig


def plot_probabilistic_trials(result, summary, *, step_ms: float = 100.0, n_last: int = 100,
                              title: str | None = None):
    """Mean TD error of rewarded and unrewarded late trials, beside the responses against p.

    Parameters
    ----------
    result : nslib.rl.TDResult
        A run with one reward probability.
    summary : nslib.rl.RewardProbabilityResult
        Responses over many probabilities (right panel).
    step_ms : float, default 100
    n_last : int, default 100
        Late trials averaged (>= 1).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import reward_probability_responses, td_conditioning
    >>> summary = reward_probability_responses([0.5, 1.0])
    >>> fig = plot_probabilistic_trials(td_conditioning(reward_prob=0.5), summary)
    >>> len(fig.axes)
    2
    """
    step = _check_step(step_ms) / 1000.0
    if isinstance(n_last, bool) or not isinstance(n_last, int) or n_last < 1:
        raise ValueError(f"n_last must be an integer >= 1; got {n_last!r}")
    fig, (ax, summary_ax) = new_figure(2, width=4.3, height=3.4)
    late = slice(max(0, result.rpe.shape[0] - n_last), None)
    got = result.rewarded[late]
    edges = np.arange(result.rpe.shape[1] + 1) * step
    rows = result.rpe[late]
    if got.any():
        ax.stairs(rows[got].mean(axis=0), edges, color=PALETTE[0],
                  label=f"rewarded ({int(got.sum())} trials)")
    if (~got).any():
        ax.stairs(rows[~got].mean(axis=0), edges, color=PALETTE[5], ls="--",
                  label=f"no reward ({int((~got).sum())} trials)")
    ax.axhline(0, color="0.6", lw=0.8)
    _mark_events(ax, result.cue_time * step, result.reward_time * step)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("time in trial (s)")
    ax.set_ylabel("mean TD error δ (reward units)")
    ax.set_title(f"Late trials, p = {np.mean(result.rewarded):.2f} rewarded")
    ax.legend(frameon=False, fontsize="small", loc="lower left")
    p = summary.probabilities
    summary_ax.plot(p, summary.cue_response, "o-", color=PALETTE[2], label="cue")
    summary_ax.plot(p, summary.reward_response, "s-", color=PALETTE[1], label="reward")
    summary_ax.plot(p, summary.omission_response, "v-", color=PALETTE[5], label="omission")
    summary_ax.axhline(0, color="0.6", lw=0.8)
    summary_ax.set_xlabel("reward probability p")
    summary_ax.set_ylabel("mean TD error δ (reward units)")
    summary_ax.set_ylim(-1.05, 1.05)
    summary_ax.set_title("Responses against p")
    summary_ax.legend(frameon=False, fontsize="small")
    fig.suptitle(title or "Probabilistic reward")
    return fig


def plot_dopamine_population(result, *, labels: Sequence[str] | None = None,
                             cue_time: int | None = None, reward_time: int | None = None,
                             max_rate_hz: float | None = None, n_raster: int = 20,
                             title: str | None = None):
    """Rasters and PSTHs of a dopamine population, one column per condition.

    Parameters
    ----------
    result : nslib.rl.DopamineResult
    labels : sequence of str, optional
        Name of each row (condition).
    cue_time, reward_time : int, optional
        TD steps of the cue and the reward, marked when given. No cue is drawn
        in a column whose label starts with ``"unpredicted"``.
    max_rate_hz : float, optional
        Upper limit of the rate axes (fixed across the frames of a sweep).
    n_raster : int, default 20
        Neurons per row shown in the raster (>= 1).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import dopamine_population
    >>> res = dopamine_population([[0.0, 1.0, -1.0]], n_neurons=10, target="numpy")
    >>> len(plot_dopamine_population(res).axes)
    2
    """
    from brian2 import Hz, second

    n_rows = result.rpe.shape[0]
    names = list(labels) if labels is not None else [f"condition {k + 1}" for k in range(n_rows)]
    if len(names) != n_rows:
        raise ValueError(f"labels must name every row ({n_rows}); got {len(names)}")
    if isinstance(n_raster, bool) or not isinstance(n_raster, int) or n_raster < 1:
        raise ValueError(f"n_raster must be an integer >= 1; got {n_raster!r}")
    step = float(result.dt / second)
    fig, axes = new_figure(n_rows, 2, width=3.0, height=2.0, sharex=True,
                           gridspec_kw={"height_ratios": [1, 1.3]})
    axes = np.asarray(axes).reshape(2, n_rows)
    times = np.asarray(result.spike_times / second)
    edges = np.asarray(result.bin_edges / second)
    psth = np.asarray(result.psth / Hz)
    drive = np.asarray(result.input_rate / Hz)
    top = max_rate_hz if max_rate_hz is not None else 1.1 * max(psth.max(), drive.max(), 1.0)
    t_steps = np.arange(drive.shape[1] + 1) * step
    for k in range(n_rows):
        raster, rate = axes[0, k], axes[1, k]
        shown = (result.spike_rows == k) & (result.spike_neurons < n_raster)
        raster.plot(times[shown], result.spike_neurons[shown], "|", color="0.15", ms=3)
        raster.set_ylim(-0.5, min(n_raster, result.n_neurons) - 0.5)
        raster.set_title(names[k])
        raster.set_ylabel("neuron")
        rate.stairs(psth[k], edges, fill=True, color=PALETTE[0], alpha=0.6, label="PSTH")
        rate.stairs(drive[k], t_steps, color=PALETTE[5], ls="--", lw=1.2,
                    label="max(0, b + g δ)")
        rate.axhline(float(result.baseline_rate / Hz), color="0.5", lw=0.8, ls=":")
        cue = None if (cue_time is None or names[k].lower().startswith("unpredicted")) \
            else cue_time * step
        reward = None if reward_time is None else reward_time * step
        for ax in (raster, rate):
            _mark_events(ax, cue, reward, label=False)
        rate.set_ylim(0, top)
        rate.set_ylabel("rate (Hz)")
    fig.supxlabel("time in trial (s)")
    axes[1, -1].legend(frameon=False, fontsize="small", loc="upper right")
    fig.suptitle(title or (f"{result.n_neurons} Poisson dopamine neurons per condition: "
                           f"baseline {float(result.baseline_rate / Hz):g} Hz, "
                           f"gain {float(result.gain / Hz):g} Hz"))
    return fig


def plot_distributional(result, decoded=None, *, unit: str = "reward units",
                        title: str | None = None):
    """Reversal points against asymmetry, and the decoded reward distribution.

    Parameters
    ----------
    result : nslib.rl.DistributionalTDResult
    decoded : nslib.rl.DecodedDistribution, optional
        Adds a right panel comparing the cumulative distribution of the
        decoded samples with the true one.
    unit : str, default "reward units"
        Unit of the rewards, for the axis labels (chapter 2 uses "µl" of juice).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import distributional_td
    >>> plot_distributional(distributional_td(n_trials=500)).axes[0].get_xlabel()
    'asymmetry τ = α⁺ / (α⁺ + α⁻)'
    >>> plot_distributional(distributional_td(n_trials=500), unit="µl").axes[0].get_ylabel()
    'reversal point (µl)'
    """
    if not isinstance(unit, str) or not unit.strip():
        raise ValueError(f"unit must be a non-empty string (the rewards' unit); got {unit!r}")
    n_panels = 1 if decoded is None else 2
    fig, axes = new_figure(n_panels, width=4.3, height=3.4)
    ax = np.atleast_1d(axes)[0]
    order = np.argsort(result.asymmetries)
    ax.plot(result.asymmetries[order], result.expectiles[order], color=PALETTE[7], lw=1,
            label="expectiles of the reward")
    ax.scatter(result.asymmetries, result.reversal_points, c=result.asymmetries, cmap="viridis",
               vmin=0, vmax=1, zorder=3, label="reversal points")
    ax.axhline(np.mean(result.distribution), color=PALETTE[1], ls="--", lw=1,
               label="mean reward")
    ax.set_xlim(0, 1)
    ax.set_xlabel("asymmetry τ = α⁺ / (α⁺ + α⁻)")
    ax.set_ylabel(f"reversal point ({unit})")
    ax.set_title("Each predictor learns an expectile")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    if decoded is not None:
        cdf = np.atleast_1d(axes)[1]
        values = np.sort(result.distribution)
        probs = np.arange(1, len(values) + 1) / len(values)
        low = min(values.min(), decoded.samples.min()) - 0.5
        high = max(values.max(), decoded.samples.max()) + 0.5
        cdf.step(np.r_[low, values, high], np.r_[0, probs, 1], where="post", color=PALETTE[7],
                 label="true reward distribution")
        samples = decoded.samples
        cdf.step(np.r_[low, samples, high], np.r_[0, np.arange(1, len(samples) + 1) / len(samples), 1],
                 where="post", color=PALETTE[0], ls="--", label="decoded from the population")
        cdf.set_xlabel(f"reward ({unit})")
        cdf.set_ylabel("cumulative probability")
        cdf.set_ylim(0, 1.02)
        cdf.set_title("What the population knows")
        cdf.legend(frameon=False, fontsize="small", loc="lower right")
    fig.suptitle(title or "Distributional TD")
    return fig


def plot_actor_critic(result, *, title: str | None = None):
    """Learning of the actor-critic agent: path length, TD errors, and the final policy.

    Parameters
    ----------
    result : nslib.rl.ActorCriticResult
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.rl import actor_critic_corridor
    >>> len(plot_actor_critic(actor_critic_corridor(n_episodes=20)).axes)
    3
    """
    fig, (steps_ax, rpe_ax, policy_ax) = new_figure(3, width=3.2, height=3.2)
    episodes = np.arange(1, len(result.steps) + 1)
    steps_ax.plot(episodes, result.steps, color=PALETTE[0], lw=1)
    steps_ax.axhline(result.n_states - 1, color=PALETTE[7], ls="--", lw=1, label="shortest path")
    steps_ax.set_ylim(0, None)
    steps_ax.set_xlabel("episode")
    steps_ax.set_ylabel("steps to the goal")
    steps_ax.set_title("Actor: the path shortens")
    steps_ax.legend(frameon=False, fontsize="small")
    rpe_ax.plot(episodes, result.goal_rpe, ".", ms=3, color=PALETTE[1], label="δ on reaching the goal")
    rpe_ax.plot(episodes, result.start_rpe, ".", ms=3, color=PALETTE[2], label="δ at the start")
    rpe_ax.axhline(0, color="0.6", lw=0.8)
    rpe_ax.set_xlabel("episode")
    rpe_ax.set_ylabel("TD error δ (reward units)")
    rpe_ax.set_title("Critic: the error moves to the start")
    rpe_ax.legend(frameon=False, fontsize="small")
    states = np.arange(result.n_states)
    policy_ax.bar(states[:-1], result.p_right[-1], color=PALETTE[0], width=0.6,
                  label="P(move right)")
    policy_ax.plot(states, result.values[-1], "o-", color=PALETTE[5], label="critic's V(s)")
    policy_ax.set_xticks(states, [*map(str, states[:-1]), "goal"])
    policy_ax.set_ylim(0, 1.35)
    policy_ax.set_xlabel("position in the corridor")
    policy_ax.set_ylabel("probability / value")
    policy_ax.set_title("After training")
    policy_ax.legend(frameon=False, fontsize="small", loc="upper left", ncol=2)
    fig.suptitle(title or f"Actor–critic in a corridor of {result.n_states} positions")
    return fig
