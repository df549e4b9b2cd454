"""The claims chapters/08_memory.md makes, asserted on nslib.memory.

Each test repeats the chapter's calls (same arguments, unless a docstring says why not) and checks the
sentence quoted in its docstring. Numbers the chapter quotes from one run come from that run through
{eval}; here the effect the sentence states is checked over several seeds. Monte Carlo tolerances are
at least three standard errors, computed from binomial counts where stated.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from brian2 import Hz, metre, mV

from nslib import memory

SEEDS = [0, 1, 2]


# ---------------------------------------------------------------------------
# 1. Place cells (Brian2, the chapter's compiled shape)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def place_runs():
    cells = memory.PlaceCellPopulation(n_cells=40, n_samples=1000, track_length=2 * metre)
    path = memory.track_path(2.0, 0.4, 1) * metre
    runs = {}
    for seed in SEEDS:
        for width, peak in [(0.1, 14), (0.05, 14), (0.2, 14), (0.1, 13)]:
            runs[seed, width, peak] = cells.run(path, peak_drive=peak * mV, field_width=width * metre,
                                                seed=seed)
    return runs


def _rates(run):
    return np.asarray(run.rate_maps / Hz)


@pytest.mark.parametrize("seed", SEEDS)
def test_each_cell_fires_in_its_own_field(place_runs, seed):
    """"each cell in its own stretch of the track, with a peak rate of {eval} Hz on average"; "Each cell's
    rate map peaks, on average, {eval} cm from its field centre"; "stays above half its peak over {eval} cm"
    (alt text: "a narrow peak of a few tens of Hz")."""
    run = place_runs[seed, 0.1, 14]
    rates = _rates(run)
    edges = np.asarray(run.bin_edges / metre)
    centres = np.asarray(run.centres / metre)
    preferred = (edges[:-1] + edges[1:])[np.nanargmax(rates, axis=1)] / 2
    assert np.abs(preferred - centres).max() <= 0.05 + 1e-9        # every cell within one bin
    assert np.abs(preferred - centres).mean() < 0.025              # on average within half a bin
    peaks = np.nanmax(rates, axis=1)
    assert 15 < peaks.mean() < 45 and peaks.min() > 5
    # Above half the peak over less than the drive's own full width at half maximum (2.355 w = 23.5 cm).
    above_half = (rates >= peaks[:, None] / 2).sum(axis=1) * 0.05
    assert 0.05 <= above_half.mean() < 0.235
    # Far from its field (more than 3 widths) a cell is silent.
    far = np.abs((edges[:-1] + edges[1:])[None, :] / 2 - centres[:, None]) > 0.3
    assert np.nansum(rates[far]) == 0


def test_bins_are_visited_for_a_quarter_second(place_runs):
    """"the animal passes each bin twice, for 0.25 s in all, so a single spike more or less changes a bin's
    rate by 4 Hz"."""
    occupancy = np.asarray(place_runs[0, 0.1, 14].occupancy / (1 * metre / metre))
    np.testing.assert_allclose(occupancy[1:-1], 0.25, atol=0.011)   # one 10-ms sample either way


@pytest.mark.parametrize("seed", SEEDS)
def test_field_width_and_drive(place_runs, seed):
    """Answer: "More spikes: a wider field ... {eval} spikes with w = 0.2 m against {eval} with w = 0.05 m.
    The peak rate changes much less ... It comes out lower for the narrow fields"; "At 13 mV ... only the
    noise makes the cells fire: {eval} spikes"."""
    wide, narrow = place_runs[seed, 0.2, 14], place_runs[seed, 0.05, 14]
    assert wide.spike_cells.size > 2 * narrow.spike_cells.size
    peak_wide = np.nanmax(_rates(wide), axis=1).mean()
    peak_narrow = np.nanmax(_rates(narrow), axis=1).mean()
    assert peak_narrow < peak_wide < 2 * peak_narrow                # lower, but far less than the spikes
    low, normal = place_runs[seed, 0.1, 13], place_runs[seed, 0.1, 14]
    assert 0 < low.spike_cells.size < normal.spike_cells.size


# ---------------------------------------------------------------------------
# 2. The successor representation
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _sr(laps, seed, p_forward=0.7):
    return memory.successor_representation(n_states=20, p_forward=p_forward, n_laps=laps, gamma=0.95,
                                           alpha=0.1, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_fields_skew_backward_and_match_the_exact_sr(seed):
    """"the fields' centres of mass lie {eval} states behind their own states on average"; "In every case
    the fields skew backward, never forward"; "The learned M is close to the exact SR of this policy ...
    but not equal to it ... (the largest difference is {eval}% of M's largest entry)"."""
    sr = _sr(200, seed)
    assert sr.com_shift < -2.5
    assert np.all(sr.field_shifts[sr.field_states] < 0)
    exact = memory.field_centres_of_mass(sr.M_true) - np.arange(20)
    assert sr.com_shift == pytest.approx(exact[sr.field_states].mean(), abs=0.4)
    gap = np.abs(sr.M - sr.M_true).max() / sr.M_true.max()
    assert 0.03 < gap < 0.35


@pytest.mark.parametrize("seed", SEEDS)
def test_skew_grows_with_laps(seed):
    """"the shift is {eval} states after 3 laps, {eval} after 30 and {eval} after 200: ... the prediction
    reaches further back lap by lap, until it matches the exact SR"; demo answer: "After a few laps the
    fields are almost symmetric"."""
    shifts = [_sr(laps, seed).com_shift for laps in (3, 30, 200)]
    assert -0.3 < shifts[0] < 0
    assert shifts[0] > shifts[1] + 0.5 > shifts[2] + 1.0
    exact = memory.field_centres_of_mass(_sr(200, seed).M_true) - np.arange(20)
    assert shifts[2] == pytest.approx(exact[_sr(200, seed).field_states].mean(), abs=0.4)


@pytest.mark.parametrize("seed", SEEDS)
def test_straighter_running_skews_more(seed):
    """Demo answer: "A larger p_forward gives more skew ... {eval} states with p_forward = 0.6, {eval} with
    0.7 and {eval} with 0.9"."""
    shifts = [_sr(200, seed, p).com_shift for p in (0.6, 0.7, 0.9)]
    assert shifts[0] > shifts[1] + 0.3 > shifts[2] + 0.6
    assert max(shifts) < 0


def test_box_eigenvectors_are_products_of_cosines():
    """"in a rectangle these are products of cosines along the two sides, periodic maps"; alt text: "The
    first is uniform"."""
    eig = memory.sr_eigenvectors(width=20, height=20, gamma=0.99, n_vectors=12)
    assert np.ptp(eig.modes[0]) < 1e-9
    # The cosine basis, written out here, and the SR eigenvalue of each: 1 / (1 - gamma lambda_T) with
    # lambda_T = (cos(pi k / 20) + cos(pi l / 20)) / 2 for the lazy random walk with reflecting walls.
    pos = (np.arange(20) + 0.5) / 20
    basis, values = [], []
    for k in range(20):
        for m in range(20):
            f = np.outer(np.cos(np.pi * m * pos), np.cos(np.pi * k * pos)).ravel()
            basis.append(f / np.linalg.norm(f))
            values.append(1 / (1 - 0.99 * (np.cos(np.pi * k / 20) + np.cos(np.pi * m / 20)) / 2))
    basis, values = np.array(basis), np.array(values)
    for mode, value in zip(eig.modes, eig.eigenvalues, strict=True):
        same = np.abs(values - value) < 1e-6 * value
        assert same.any()
        captured = np.linalg.norm(basis[same] @ mode.ravel())
        assert captured > 0.999                    # the mode lies in the span of its cosines


# ---------------------------------------------------------------------------
# 3. The two-step task (6000 trials per session: smaller standard errors than the chapter's 2000)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _two_step(agent, w, seed, beta=5.0):
    return memory.two_step_task(agent, n_trials=6000, w=w, beta=beta, seed=seed)


def _effects(run):
    """Main effect of reward, interaction, and their binomial standard errors."""
    stay, n = run.stay, run.stay_counts
    var = stay * (1 - stay) / n
    main = np.mean(stay[0] - stay[1])
    interaction = (stay[0, 0] - stay[0, 1]) - (stay[1, 0] - stay[1, 1])
    return main, interaction, 0.5 * np.sqrt(var.sum()), np.sqrt(var.sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_model_free_shows_a_main_effect_of_reward(seed):
    """"the model-free agent stays {eval} more often after a reward than after none, whatever the
    transition (its interaction is {eval})"."""
    main, interaction, se_main, se_int = _effects(_two_step("model_free", None, seed))
    assert main > 0.2 and main > 10 * se_main
    assert abs(interaction) < max(3 * se_int, 0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_model_based_shows_the_interaction(seed):
    """"The model-based agent shows the crossing pattern: its interaction is {eval} and its main effect of
    reward only {eval}"; alt text: "after a reward high for common and low for rare; after no reward low
    for common and high for rare"."""
    run = _two_step("model_based", None, seed)
    main, interaction, se_main, se_int = _effects(run)
    assert interaction > 0.3 and interaction > 10 * se_int
    assert abs(main) < max(3 * se_main, 0.05)
    stay = run.stay
    assert stay[0, 0] > stay[0, 1] and stay[1, 1] > stay[1, 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_weight_trades_one_effect_for_the_other(seed):
    """"The hybrid shows both"; demo answer: "the stay probability after a rewarded rare transition falls
    ... and after an unrewarded rare transition it rises ... So the main effect of reward shrinks ... and the
    interaction grows ... their difference is {eval} at w = 0 and grows to {eval} at w = 1"."""
    runs = [_two_step("hybrid", w, seed) for w in (0.0, 0.5, 1.0)]
    effects = [_effects(r) for r in runs]
    mains, interactions = [e[0] for e in effects], [e[1] for e in effects]
    se_main = max(e[2] for e in effects)
    se_int = max(e[3] for e in effects)
    assert mains[0] > mains[1] + 3 * se_main and mains[1] > mains[2] + 3 * se_main
    assert interactions[0] + 3 * se_int < interactions[1] and interactions[1] + 3 * se_int < interactions[2]
    assert mains[1] > 0.1 and interactions[1] > 0.1                         # the hybrid shows both
    assert runs[0].stay[0, 1] > runs[2].stay[0, 1] + 0.2                     # rewarded rare: falls
    assert runs[0].stay[1, 1] + 0.05 < runs[2].stay[1, 1]                    # unrewarded rare: rises
    gap = [r.stay[0, 0] - r.stay[0, 1] for r in runs]
    assert abs(gap[0]) < 0.06 and gap[2] > 0.15
    # The hybrid with w = 0 or 1 is the model-free or the model-based agent itself.
    np.testing.assert_array_equal(runs[0].choices1, _two_step("model_free", None, seed).choices1)
    np.testing.assert_array_equal(runs[2].choices1, _two_step("model_based", None, seed).choices1)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_lower_inverse_temperature_shrinks_both_effects(seed):
    """Demo answer: "A lower beta makes every choice noisier and pulls all the bars towards 0.5, shrinking
    both effects"."""
    sharp = _effects(_two_step("hybrid", 0.5, seed, 5.0))
    noisy = _effects(_two_step("hybrid", 0.5, seed, 2.0))
    assert noisy[0] + 3 * sharp[2] < sharp[0]
    assert noisy[1] + 3 * sharp[3] < sharp[1]


# ---------------------------------------------------------------------------
# 4. Dyna (10 runs per seed instead of the chapter's 30, for time)
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _dyna(n, seed):
    return memory.dyna_maze(n, n_episodes=50, n_runs=10, seed=seed)


def _episodes_to_20(result):
    below = result.steps_per_episode <= 20
    assert below.any()
    return int(np.argmax(below)) + 1


@pytest.mark.parametrize("seed", SEEDS)
def test_more_planning_needs_fewer_episodes(seed):
    """"the mean episode first takes at most 20 steps at episode {eval} without planning, at episode {eval}
    with 5 planning steps and at episode {eval} with 50"; "All three approach 14 steps plus the detours of
    exploration"; demo answer: "No: the gain shrinks" (10 steps do not halve the episodes 5 need)."""
    reach = {n: _episodes_to_20(_dyna(n, seed)) for n in (0, 5, 10, 50)}
    assert reach[0] > 2 * reach[5] and reach[5] > reach[50]
    assert reach[0] >= 15 and reach[50] <= 5
    assert reach[10] > reach[5] / 2
    for n in (0, 5, 50):
        assert 14 <= _dyna(n, seed).steps_per_episode[-10:].mean() < 25


def test_planning_does_not_shorten_the_first_episode():
    """Demo answer: "the first episode does not get shorter ... before the goal is found the model holds no
    reward, and replaying it teaches nothing". Pooled over the seeds, the first episodes with 0 and 50
    planning steps differ by less than 3 standard errors of the difference."""
    first0 = np.concatenate([_dyna(0, s).steps[:, 0] for s in SEEDS])
    first50 = np.concatenate([_dyna(50, s).steps[:, 0] for s in SEEDS])
    se = np.sqrt(first0.var(ddof=1) / first0.size + first50.var(ddof=1) / first50.size)
    assert abs(first0.mean() - first50.mean()) < 3 * se
    assert first0.mean() > 200                        # a random walk, far longer than 14 steps


# ---------------------------------------------------------------------------
# 5. Complementary learning systems
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _cls(schedule, seed, replay=None):
    return memory.cls_new_item(schedule, replay=replay, seed=seed)


FLY = memory.ATTRIBUTES.index(("can", "fly"))
SWIM = memory.ATTRIBUTES.index(("can", "swim"))
ROBIN_CAN = 4 * memory.ITEMS.index("robin") + 2
CANARY_CAN = 4 * memory.ITEMS.index("canary") + 2


@pytest.mark.parametrize("seed", SEEDS)
def test_focused_learning_interferes_more_than_interleaved(seed):
    """"the old items' error rises from {eval} to {eval}, {eval} times the {eval} it ends at with
    interleaved learning"; "teaches the network that birds swim, and that they fly less. In this run the
    robin's 'can fly' output drops from {eval} to {eval}, and its 'can swim' output rises to {eval}"; "the
    robin still flies ({eval})"; "The price is speed: ... the penguin's error
    is {eval} with interleaving against {eval} focused"."""
    focused, interleaved = _cls("focused", seed), _cls("interleaved", seed)
    assert focused.old_error > 4 * focused.old_error_before
    assert focused.old_error > 5 * interleaved.old_error
    # "teaches the network that birds swim, and that they fly less", for both old birds.
    for row in (ROBIN_CAN, CANARY_CAN):
        before, after_f = focused.old_outputs_before[row], focused.old_outputs_after[row]
        after_i = interleaved.old_outputs_after[row]
        assert before[FLY] > 0.8 and before[SWIM] < 0.2
        assert after_f[SWIM] > 0.35 and after_f[FLY] < before[FLY] - 0.05
        assert after_i[FLY] > 0.75 and after_i[SWIM] < 0.2
    assert interleaved.new_error > focused.new_error
    assert interleaved.new_error < 0.5 * interleaved.new_curve[0]          # it does learn the penguin


@pytest.mark.parametrize("seed", SEEDS)
def test_a_little_replay_removes_most_of_the_damage(seed):
    """Demo answer: "Even 2 patterns per epoch remove most of the damage"; with all of them the error is
    "below its level before the penguin"."""
    focused = _cls("focused", seed)
    some = _cls("interleaved", seed, 0.0625)
    full = _cls("interleaved", seed)
    damage = focused.old_error - focused.old_error_before
    assert some.old_error - focused.old_error_before < 0.5 * damage
    assert full.old_error < focused.old_error_before < some.old_error
