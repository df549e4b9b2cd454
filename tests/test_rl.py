"""nslib.rl and nslib.plots.rl: conditioning, TD, the dopamine population, distributional TD, actor-critic."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, ms, mV, second
from figure_checks import assert_labelled_figure
from helpers import raises_param

from nslib import rl
from nslib.plots import rl as plots

# ---------------------------------------------------------------------------
# Rescorla-Wagner
# ---------------------------------------------------------------------------

def test_rescorla_wagner_single_cue_follows_the_closed_form():
    alpha, beta, lam = 0.3, 0.5, 2.0
    res = rl.rescorla_wagner(np.ones((12, 1)), np.ones(12), alpha=alpha, beta=beta, lam=lam)
    n = np.arange(1, 13)
    np.testing.assert_allclose(res.strengths[:, 0], lam * (1 - (1 - alpha * beta) ** n))
    np.testing.assert_allclose(res.errors, lam * res.rewards - res.predictions)
    assert res.predictions[0] == 0.0


def test_rescorla_wagner_extinction_decays_geometrically():
    x = np.ones((30, 1))
    r = np.r_[np.ones(20), np.zeros(10)]
    res = rl.rescorla_wagner(x, r, alpha=0.2)
    after = res.strengths[20:, 0]
    np.testing.assert_allclose(after[1:] / after[:-1], 0.8)


def test_rescorla_wagner_shares_one_error_between_present_cues():
    x = np.array([[1, 1, 0], [1, 0, 1]])
    res = rl.rescorla_wagner(x, [1.0, 0.0], alpha=[0.5, 0.25, 1.0])
    np.testing.assert_allclose(res.strengths[0], [0.5, 0.25, 0.0])
    # Trial 2: A and C present, prediction 0.5, error -0.5.
    np.testing.assert_allclose(res.strengths[1], [0.25, 0.25, -0.5])


@pytest.mark.parametrize("kwargs, name", [
    ({"stimuli": [1, 0]}, "stimuli"),
    ({"stimuli": [[2, 0]]}, "stimuli"),
    ({"rewards": [1.0, 1.0]}, "rewards"),
    ({"rewards": [-1.0]}, "rewards"),
    ({"rewards": [[1.0]]}, "rewards"),
    ({"alpha": 0.0}, "alpha"),
    ({"alpha": [0.1, 0.2, 0.3]}, "alpha"),
    ({"alpha": "a"}, "alpha"),
    ({"beta": 1.5}, "beta"),
    ({"lam": 0.0}, "lam"),
])
def test_rescorla_wagner_validates(kwargs, name):
    args = {"stimuli": [[1, 0]], "rewards": [1.0], **kwargs}
    with raises_param(name):
        rl.rescorla_wagner(**args)


# ---------------------------------------------------------------------------
# TD(0)
# ---------------------------------------------------------------------------

def test_td_first_trial_error_is_the_reward_alone():
    res = rl.td_conditioning(n_trials=1, reward_size=2.0)
    expected = np.zeros(res.rpe.shape[1])
    expected[res.reward_time] = 2.0
    np.testing.assert_array_equal(res.rpe[0], expected)
    np.testing.assert_array_equal(res.values[0], 0.0)


def test_td_errors_are_consistent_with_the_recorded_values():
    res = rl.td_conditioning(n_trials=30, gamma=0.9, alpha=0.4)
    v_prev = np.c_[np.zeros(30), res.values[:, :-1]]
    np.testing.assert_allclose(res.rpe, res.rewards + 0.9 * res.values - v_prev, atol=1e-12)
    assert np.all(res.values[:, :res.cue_time] == 0)     # nothing predicts the cue


def test_td_converges_to_the_discounted_reward():
    gamma = 0.9
    res = rl.td_conditioning(n_trials=300, gamma=gamma, alpha=0.5)
    t = np.arange(res.cue_time, res.reward_time)
    np.testing.assert_allclose(res.values[-1, t], gamma ** (res.reward_time - 1 - t), atol=1e-6)
    np.testing.assert_allclose(res.values[-1, res.reward_time:], 0.0, atol=1e-12)
    assert res.rpe[-1, res.cue_time] == pytest.approx(gamma ** 10, abs=1e-6)
    assert abs(res.rpe[-1, res.reward_time]) < 1e-6
    assert res.weights.shape == (300, res.rpe.shape[1] - res.cue_time)


def test_td_omission_and_probability_and_seed():
    res = rl.td_conditioning(n_trials=200, omit_reward_on=[199, 50], alpha=0.5)
    assert not res.rewarded[199] and not res.rewarded[50] and res.rewarded[:50].all()
    assert res.rpe[199, res.reward_time] == pytest.approx(-1.0, abs=1e-6)
    noisy = rl.td_conditioning(n_trials=2000, reward_prob=0.3, seed=1)
    assert abs(noisy.rewarded.mean() - 0.3) < 0.04          # binomial sd 0.01
    again = rl.td_conditioning(n_trials=2000, reward_prob=0.3, seed=1)
    np.testing.assert_array_equal(noisy.rpe, again.rpe)
    other = rl.td_conditioning(n_trials=2000, reward_prob=0.3, seed=np.random.default_rng(2))
    assert not np.array_equal(noisy.rewarded, other.rewarded)
    assert rl.td_conditioning(n_trials=3, omit_reward_on=[]).rewarded.all()


@pytest.mark.parametrize("kwargs, name", [
    ({"n_trials": 0}, "n_trials"),
    ({"n_steps": 2}, "n_steps"),
    ({"reward_time": 25}, "reward_time"),
    ({"cue_time": 15}, "cue_time"),
    ({"cue_time": 0}, "cue_time"),
    ({"gamma": 1.1}, "gamma"),
    ({"alpha": 0.0}, "alpha"),
    ({"reward_prob": -0.1}, "reward_prob"),
    ({"reward_size": 0.0}, "reward_size"),
    ({"omit_reward_on": [150]}, "omit_reward_on"),
    ({"omit_reward_on": [0.5]}, "omit_reward_on"),
    ({"omit_reward_on": [[1]]}, "omit_reward_on"),
    ({"seed": -1}, "seed"),
])
def test_td_conditioning_validates(kwargs, name):
    with raises_param(name):
        rl.td_conditioning(**kwargs)


def test_schultz_conditions_rows():
    c = rl.schultz_conditions(gamma=1.0, alpha=0.5, n_trials=200)
    assert c.labels == ("unpredicted reward", "predicted reward", "omitted reward")
    np.testing.assert_allclose(c.rpe[:, c.cue_time], [0.0, 1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(c.rpe[:, c.reward_time], [1.0, 0.0, -1.0], atol=1e-6)
    with raises_param("n_trials"):
        rl.schultz_conditions(n_trials=0)


def test_reward_probability_uses_the_same_random_numbers_for_every_p():
    """Common random numbers: the run for p is td_conditioning(..., reward_prob=p, seed=seed), so a
    sweep frame at one p shows the same run; a Generator advances by one run's draws."""
    probs = [0.25, 0.5, 0.9]
    res = rl.reward_probability_responses(probs, n_trials=60, n_test=30, seed=7)
    rewarded = []
    for j, p in enumerate(probs):
        run = rl.td_conditioning(60, reward_prob=p, alpha=0.1, seed=7)
        assert run.rpe[30:, run.cue_time].mean() == res.cue_response[j]
        rewarded.append(run.rewarded)
    # The same numbers thresholded at a higher p: every trial rewarded at 0.25 is rewarded at 0.5.
    assert np.all(rewarded[0] <= rewarded[1]) and np.all(rewarded[1] <= rewarded[2])
    g, h = np.random.default_rng(1), np.random.default_rng(1)
    from_generator = rl.reward_probability_responses(probs, n_trials=60, n_test=30, seed=g)
    assert from_generator.cue_response[1] == rl.reward_probability_responses(
        [0.5], n_trials=60, n_test=30, seed=np.random.default_rng(1)).cue_response[0]
    h.random(60)                                    # one run's draws
    assert g.random() == h.random()


def test_reward_probability_edges_and_validation():
    res = rl.reward_probability_responses([0.0, 1.0], n_trials=100, n_test=50)
    assert np.isnan(res.reward_response[0]) and np.isnan(res.omission_response[1])
    assert res.cue_response[0] == 0.0 and res.omission_response[0] == 0.0
    np.testing.assert_allclose(res.predicted_reward, [1.0, 0.0])
    np.testing.assert_allclose(res.predicted_omission, [0.0, -1.0])
    assert res.example.rewarded.all()
    for kwargs, name in [({"probabilities": [1.2]}, "probabilities"),
                         ({"probabilities": []}, "probabilities"),
                         ({"n_trials": 1}, "n_trials"), ({"n_test": 100}, "n_test")]:
        with raises_param(name):
            rl.reward_probability_responses(**{"n_trials": 100, "n_test": 50, **kwargs})


# ---------------------------------------------------------------------------
# The spiking dopamine population
# ---------------------------------------------------------------------------

def test_population_rate_follows_the_rectified_drive_numpy():
    rpe = np.array([[0.0] * 5, [1.0] * 5, [-1.0] * 5, [0.5] * 5])
    res = rl.dopamine_population(rpe, n_neurons=100, baseline_rate=5 * Hz, gain=20 * Hz,
                                 dt=200 * ms, target="numpy", seed=3)
    assert res.target == "numpy"
    np.testing.assert_allclose(res.input_rate / Hz, np.repeat([[5.0], [25.0], [0.0], [15.0]], 5, 1))
    mean = np.asarray(res.psth.mean(axis=1) / Hz)
    # 100 neurons x 1 s: Poisson sd about 0.2 Hz at 5 Hz and 0.5 Hz at 25 Hz; the 2 ms
    # refractory period (one dead 1-ms step) lowers 25 Hz to 25 / 1.025 = 24.4 Hz.
    assert mean[0] == pytest.approx(5.0, abs=0.8)
    assert mean[1] == pytest.approx(24.4, abs=1.5)
    assert mean[2] == 0.0                                   # rectified: silent
    assert mean[3] == pytest.approx(15.0 / 1.015, abs=1.2)
    assert res.psth.shape == (4, 5) and len(res.bin_edges) == 6
    assert set(np.unique(res.spike_rows)) == {0, 1, 3}
    assert res.spike_neurons.max() < 100
    assert np.all((res.spike_times >= 0 * second) & (res.spike_times < 1 * second))


def test_population_is_seeded_and_bins_are_configurable():
    rpe = np.zeros((1, 10))
    kw = dict(n_neurons=20, target="numpy")
    a = rl.dopamine_population(rpe, seed=1, **kw)
    b = rl.dopamine_population(rpe, seed=1, **kw)
    c = rl.dopamine_population(rpe, seed=2, **kw)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)
    assert not np.array_equal(np.asarray(a.spike_times), np.asarray(c.spike_times))
    fine = rl.dopamine_population(rpe[0], bin_width=50 * ms, **kw)
    assert fine.psth.shape == (1, 20)
    silent = rl.dopamine_population(rpe, baseline_rate=0 * Hz, **kw)
    assert silent.spike_times.size == 0


def test_a_rows_spikes_do_not_depend_on_the_other_rows_numpy():
    """Brian2 draws rand() for every neuron and step, refractory or not: silencing one row leaves the
    random numbers, and so the spikes, of the others unchanged."""
    rpe = np.array([[0.0, 1.0, 0.0, 0.5], [1.0, 1.0, 1.0, 1.0]])
    kw = dict(n_neurons=20, target="numpy", seed=4)
    a = rl.dopamine_population(rpe, **kw)
    b = rl.dopamine_population(np.array([rpe[0], [-1.0] * 4]), **kw)
    np.testing.assert_array_equal(a.spike_times[a.spike_rows == 0], b.spike_times[b.spike_rows == 0])
    assert np.sum(b.spike_rows == 1) == 0 < np.sum(a.spike_rows == 1)


def test_population_validates():
    pop = rl.DopaminePopulation(2, 3, n_neurons=5, target="numpy")
    assert float(pop.duration / ms) == pytest.approx(300) and pop.target == "numpy"
    assert pop.n_builds >= 1
    good = np.zeros((2, 3))
    with raises_param("rpe"):
        pop.run(np.zeros((3, 3)))
    with raises_param("rpe"):
        pop.run(np.zeros(3))
    with raises_param("baseline_rate"):
        pop.run(good, baseline_rate=-1 * Hz)
    with raises_param("gain"):
        pop.run(good, gain=3 * mV)
    with raises_param("bin_width"):
        pop.run(good, bin_width=1 * second)
    for kwargs, name in [({"n_rows": 0}, "n_rows"), ({"n_neurons": 0}, "n_neurons"),
                         ({"dt": 1.5 * ms}, "dt"), ({"dt": 0.5 * ms}, "dt"),
                         ({"refractory": -1 * ms}, "refractory"), ({"sim_dt": 0 * ms}, "sim_dt"),
                         ({"target": "cython"}, "target"), ({"seed": -2}, "seed")]:
        with raises_param(name):
            rl.DopaminePopulation(**{"n_rows": 1, "n_steps": 2, "target": "numpy", **kwargs})
    for kwargs, name in [({"rpe": [[[0.0]]]}, "rpe"), ({"rpe": [np.nan]}, "rpe"),
                         ({"target": "gpu"}, "target"), ({"dt": 5}, "dt"),
                         ({"refractory": 2}, "refractory")]:
        with raises_param(name):
            rl.dopamine_population(**{"rpe": [0.0], "target": "numpy", **kwargs})


def test_compiled_population_reruns_with_new_drive_gain_and_baseline_without_compiling(monkeypatch):
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    from nslib import spiking

    if not spiking.compiler_available():
        pytest.skip("no C++ compiler")
    pop = rl.DopaminePopulation(2, 10, n_neurons=40)
    assert pop.target == "cpp_standalone"
    first = pop.run(np.zeros((2, 10)))
    calls = []
    original = CPPStandaloneDevice.compile_source
    monkeypatch.setattr(CPPStandaloneDevice, "compile_source",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    burst = pop.run(np.ones((2, 10)), gain=40 * Hz)
    quiet = pop.run(np.zeros((2, 10)), baseline_rate=0 * Hz)
    higher = pop.run(np.zeros((2, 10)), baseline_rate=20 * Hz, seed=5)
    assert calls == [] and pop.n_builds == 1
    # 80 neurons x 1 s: about 400 spikes at 5 Hz, 3500 at 45 Hz (refractory), none at 0 Hz.
    assert 300 < first.spike_times.size < 500
    assert burst.spike_times.size > 6 * first.spike_times.size
    assert quiet.spike_times.size == 0
    assert 1300 < higher.spike_times.size < 1900
    assert pop.build_seconds > 0


# ---------------------------------------------------------------------------
# Distributional TD
# ---------------------------------------------------------------------------

def test_expectiles_basics():
    r = np.array([0.1, 0.3, 1.2, 2.5, 5.0, 10.0, 20.0])
    e = rl.expectiles(r, [0.1, 0.5, 0.9])
    assert e[1] == pytest.approx(r.mean())
    assert e[0] < e[1] < e[2]
    for tau, x in zip([0.1, 0.5, 0.9], e, strict=True):
        assert tau * np.maximum(r - x, 0).mean() == pytest.approx(
            (1 - tau) * np.maximum(x - r, 0).mean())
    np.testing.assert_array_equal(rl.expectiles([2.0, 2.0], [0.2, 0.8]), [2.0, 2.0])
    with raises_param("asymmetries"):
        rl.expectiles(r, [0.0])
    with raises_param("rewards"):
        rl.expectiles([], [0.5])


def test_distributional_td_converges_to_expectiles():
    res = rl.distributional_td(seed=0)
    spread = np.ptp(res.distribution)
    # Measured: within 0.6% of the 19.9 reward range for seed 0.
    assert np.max(np.abs(res.reversal_points - res.expectiles)) < 0.03 * spread
    np.testing.assert_allclose(res.alpha_plus / (res.alpha_plus + res.alpha_minus), res.asymmetries)
    assert res.values.shape == (10000, 20) and res.rewards.shape == (10000,)
    assert set(np.unique(res.rewards)) <= set(rl.DABNEY_REWARDS)


def test_symmetric_predictor_is_classical_td():
    res = rl.distributional_td([0.0, 2.0], [0.5], n_trials=20000, alpha=0.005, seed=1)
    assert res.reversal_points[0] == pytest.approx(1.0, abs=0.05)


def test_bounded_decoding_stays_in_the_reward_range():
    taus = np.linspace(0.05, 0.95, 15)
    target = rl.expectiles(rl.DABNEY_REWARDS, taus)
    free = rl.decode_distribution(target, taus, n_samples=100, seed=0)
    assert free.samples.min() < 0.1 or free.samples.max() > 20.0   # unbounded: it strays
    dec = rl.decode_distribution(target, taus, n_samples=100, bounds=(0.1, 20.0), seed=0)
    assert dec.samples.min() >= 0.1 and dec.samples.max() <= 20.0
    # L-BFGS-B stops in a shallow local minimum (loss 0.0025; the top expectile 0.27 off).
    assert dec.loss < 1e-2
    np.testing.assert_allclose(rl.expectiles(dec.samples, taus), target, atol=0.5)
    assert dec.samples.mean() == pytest.approx(np.mean(rl.DABNEY_REWARDS), abs=0.1)
    for bounds in [(1.0,), (2.0, 1.0), (0.0, np.inf), ("a", 1.0), (2.0, 20.0), (0.1, 10.0), 3.0]:
        with raises_param("bounds"):
            rl.decode_distribution(target, taus, bounds=bounds)


def test_decoding_recovers_expectiles():
    taus = np.linspace(0.05, 0.95, 15)
    target = rl.expectiles(rl.DABNEY_REWARDS, taus)
    dec = rl.decode_distribution(target, taus, n_samples=100, seed=0)
    assert dec.loss < 1e-3
    np.testing.assert_allclose(rl.expectiles(dec.samples, taus), target, atol=0.1)
    assert np.all(np.diff(dec.samples) >= 0)
    with raises_param("asymmetries"):
        rl.decode_distribution([1.0, 2.0], [0.5])
    with raises_param("n_samples"):
        rl.decode_distribution([1.0], [0.5], n_samples=0)


@pytest.mark.parametrize("kwargs, name", [
    ({"rewards": [[1.0]]}, "rewards"), ({"asymmetries": [1.0]}, "asymmetries"),
    ({"n_trials": 3}, "n_trials"), ({"alpha": 0.6}, "alpha"), ({"seed": "x"}, "seed"),
])
def test_distributional_td_validates(kwargs, name):
    with raises_param(name):
        rl.distributional_td(**kwargs)


# ---------------------------------------------------------------------------
# Actor-critic
# ---------------------------------------------------------------------------

def test_actor_critic_learns_the_corridor_and_is_seeded():
    res = rl.actor_critic_corridor(seed=0)
    assert res.reached_goal.all()
    assert np.median(res.steps[-50:]) == res.n_states - 1
    assert np.all(res.p_right[-1] > 0.8)
    assert np.all(np.diff(res.values[-1, :-1]) > 0) and res.values[-1, -1] == 0.0
    again = rl.actor_critic_corridor(seed=0)
    np.testing.assert_array_equal(res.steps, again.steps)
    capped = rl.actor_critic_corridor(n_states=30, n_episodes=2, max_steps=3, seed=0)
    assert not capped.reached_goal.any() and np.isnan(capped.goal_rpe).all()
    assert np.all(capped.steps == 3)


def test_actor_critic_draws_do_not_depend_on_the_episodes_lengths():
    """Each episode draws max_steps numbers as one block: a Generator ends in the same state whatever
    path the agent took, and the first episode's walk is read off the first block."""
    g, h = np.random.default_rng(8), np.random.default_rng(8)
    fast = rl.actor_critic_corridor(n_episodes=30, alpha_actor=1.0, max_steps=50, seed=g)
    slow = rl.actor_critic_corridor(n_episodes=30, alpha_actor=0.01, max_steps=50, seed=h)
    assert not np.array_equal(fast.steps, slow.steps)
    assert g.random() == h.random()
    # Until the first reward every error is 0, so the first episode is an unbiased random walk:
    # step k goes right when the k-th number of the first block is below 0.5.
    u = np.random.default_rng(8).random(50)
    s, n = 0, 0
    while s < 5 and n < 50:
        s = s + 1 if u[n] < 0.5 else max(s - 1, 0)
        n += 1
    assert fast.steps[0] == slow.steps[0] == n


@pytest.mark.parametrize("kwargs, name", [
    ({"n_states": 1}, "n_states"), ({"n_episodes": 0}, "n_episodes"),
    ({"alpha_critic": 0.0}, "alpha_critic"), ({"alpha_actor": 2.0}, "alpha_actor"),
    ({"gamma": 1.0}, "gamma"), ({"max_steps": 0}, "max_steps"), ({"seed": 1.5}, "seed"),
])
def test_actor_critic_validates(kwargs, name):
    with raises_param(name):
        rl.actor_critic_corridor(**kwargs)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def figures():
    blocked = rl.rescorla_wagner(np.r_[np.tile([1, 0], (10, 1)), np.ones((10, 2))], np.ones(20))
    control = rl.rescorla_wagner(np.r_[np.zeros((10, 2)), np.ones((10, 2))],
                                 np.r_[np.zeros(10), np.ones(10)])
    summary = rl.reward_probability_responses([0.0, 0.5, 1.0], n_trials=100, n_test=50)
    conditions = rl.schultz_conditions(n_trials=50)
    population = rl.dopamine_population(conditions.rpe, n_neurons=10, target="numpy")
    dist = rl.distributional_td(n_trials=400)
    return {
        "rw": plots.plot_rescorla_wagner(blocked, cue_names=["A", "X"],
                                         phases=[("A+", 0), ("AX+", 10)]),
        "blocking": plots.plot_blocking(blocked, control),
        "heatmap": plots.plot_td_heatmap(rl.td_conditioning(n_trials=50)),
        "conditions": plots.plot_td_conditions(conditions),
        "probability": plots.plot_reward_probability(summary, highlight=0.5),
        "trials": plots.plot_probabilistic_trials(rl.td_conditioning(reward_prob=0.5), summary),
        "population": plots.plot_dopamine_population(population, labels=conditions.labels,
                                                     cue_time=5, reward_time=15,
                                                     max_rate_hz=40),
        "distributional": plots.plot_distributional(
            dist, rl.decode_distribution(dist.reversal_points, dist.asymmetries,
                                         bounds=(0.1, 20.0)), unit="µl"),
        "actor_critic": plots.plot_actor_critic(rl.actor_critic_corridor(n_episodes=30)),
    }


@pytest.mark.parametrize("name", ["rw", "blocking", "heatmap", "conditions", "probability",
                                  "trials", "population", "distributional", "actor_critic"])
def test_figures_are_labelled(figures, name):
    assert_labelled_figure(figures[name])


def test_population_figure_marks_no_cue_in_the_unpredicted_column(figures):
    fig = figures["population"]
    raster_unpredicted = fig.axes[0]
    dashed = [line for line in raster_unpredicted.get_lines() if line.get_linestyle() == "--"]
    assert dashed == []                      # no cue line where no cue was given
    assert fig.axes[3].get_ylim() == (0.0, 40.0)


def test_plot_arguments_are_validated():
    res = rl.td_conditioning(n_trials=5)
    rw = rl.rescorla_wagner(np.ones((3, 2)), np.ones(3))
    with raises_param("step_ms"):
        plots.plot_td_heatmap(res, step_ms=0)
    with raises_param("trials"):
        plots.plot_td_heatmap(res, trials=[5])
    with raises_param("cue_names"):
        plots.plot_rescorla_wagner(rw, cue_names=["A"])
    with raises_param("test_cue"):
        plots.plot_blocking(rw, rw, test_cue=2)
    summary = rl.reward_probability_responses([0.5], n_trials=20, n_test=10)
    with raises_param("n_last"):
        plots.plot_probabilistic_trials(res, summary, n_last=0)
    dist = rl.distributional_td(n_trials=100)
    with raises_param("unit"):
        plots.plot_distributional(dist, unit="")
    pop = rl.dopamine_population([0.0, 1.0], n_neurons=3, target="numpy")
    with raises_param("labels"):
        plots.plot_dopamine_population(pop, labels=["a", "b"])
    with raises_param("n_raster"):
        plots.plot_dopamine_population(pop, n_raster=0)
