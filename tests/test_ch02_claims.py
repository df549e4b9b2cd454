"""The claims chapters/02_td_dopamine.md makes, asserted on nslib.rl.

Each test repeats the chapter's own calls (same arguments) and checks the sentence quoted in its
docstring. Numbers the chapter quotes from one run come from that run through {eval}; here the effect
the sentence states is checked over several seeds. Monte Carlo tolerances are at least three standard
errors, computed from the Poisson or binomial spread of the counts (stated at each test); only
deterministic numbers (Rescorla-Wagner, TD with a certain reward) are pinned tightly.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from brian2 import Hz, second
from scipy.stats import wasserstein_distance

from nslib import rl

GAMMA, ALPHA = 0.98, 0.3
CUE, REWARD = 5, 15
SEEDS = [0, 1, 2]


# ---------------------------------------------------------------------------
# 1. Rescorla-Wagner (deterministic)
# ---------------------------------------------------------------------------

def test_acquisition_and_extinction():
    """"twenty rewarded trials raise V along 1 - 0.8^n; twenty unrewarded trials then take it back
    down along 0.8^n"; alt text: "from 0.2 after the first trial to almost 1 ... ending close to 0"."""
    res = rl.rescorla_wagner(np.ones((40, 1)), np.r_[np.ones(20), np.zeros(20)], alpha=0.2)
    v = res.strengths[:, 0]
    n = np.arange(1, 21)
    np.testing.assert_allclose(v[:20], 1 - 0.8 ** n)
    np.testing.assert_allclose(v[20:], v[19] * 0.8 ** n)
    assert v[0] == pytest.approx(0.2) and v[19] > 0.98 and v[-1] < 0.02


def test_kamin_blocking():
    """"After the A+ trials V(A) is already {eval}, so the error on the first AX+ trial is only {eval},
    and X gains almost nothing"; "In the control group A and X share one error from the start and split
    the reward: each ends near lambda/2 = 0.5"."""
    blocked = rl.rescorla_wagner(np.r_[np.tile([1, 0], (20, 1)), np.ones((20, 2))], np.ones(40),
                                 alpha=0.2)
    control = rl.rescorla_wagner(np.r_[np.zeros((20, 2)), np.ones((20, 2))],
                                 np.r_[np.zeros(20), np.ones(20)], alpha=0.2)
    # The error left after A+ is what A has not yet learned: 0.8^20 of the asymptote.
    assert blocked.errors[20] == pytest.approx(1 - blocked.strengths[19, 0])
    assert blocked.errors[20] == pytest.approx(0.8 ** 20)
    x_blocked, x_control = blocked.strengths[-1, 1], control.strengths[-1, 1]
    assert x_blocked < 0.01                                   # "almost nothing" (0.006)
    assert x_blocked < 0.05 * x_control                       # well below the control's
    np.testing.assert_allclose(control.strengths[-1], [0.5, 0.5], atol=0.01)   # split the reward


# ---------------------------------------------------------------------------
# 2. TD(0): with a certain reward the model is deterministic
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def learning():
    return rl.td_conditioning(n_trials=150, gamma=GAMMA, alpha=ALPHA)


def test_error_moves_from_the_reward_to_the_cue(learning):
    """"Before learning ... delta = 1 at 1.5 s. After learning ... the reward brings no surprise
    (delta = 0); the surprise has moved to the cue ... worth gamma^10"; alt text: "a fading band moves
    back from the reward towards the cue, after which the error sits at the cue alone"."""
    rpe = learning.rpe
    assert (learning.cue_time, learning.reward_time) == (CUE, REWARD)
    assert rpe[0, REWARD] == 1.0 and rpe[0, CUE] == 0.0
    assert rpe[-1, CUE] == pytest.approx(GAMMA ** 10, abs=1e-6)
    assert abs(rpe[-1, REWARD]) < 1e-6
    peak = np.argmax(rpe, axis=1)
    assert np.all(np.diff(peak) <= 0)                         # the bump only ever moves earlier
    first_at_cue = int(np.argmax(peak == CUE)) + 1            # the chapter's {eval} (26)
    assert 10 < first_at_cue < 50                             # "a few dozen trials"
    assert np.abs(np.delete(rpe[-1], CUE)).max() < 1e-3       # at the cue alone


def test_the_error_creeps_back_at_most_one_step_per_trial(learning):
    """Caveat: "In TD(0) with a tapped delay line, the error creeps back from the reward to the cue, at
    most one step per trial"; alt text: trial 10 has "a low hump before the reward"; "After learning, V
    just before the reward is 1"."""
    earliest = [int(np.flatnonzero(np.abs(row) > 1e-12)[0]) for row in learning.rpe]
    assert earliest[0] == REWARD and min(earliest) == CUE
    assert np.all(np.diff(earliest) >= -1)                    # never more than one step back
    hump = learning.rpe[9, CUE + 1:REWARD + 1]
    assert 0 < hump.max() < 0.5 and np.argmax(hump) < REWARD - CUE - 1   # low, and before the reward
    assert learning.values[-1, REWARD - 1] == pytest.approx(1.0, abs=1e-6)


def test_schultz_conditions_and_omission():
    """"When the trained animal's reward is withheld ... delta = 0 + 0 - 1 = -1, a dip at exactly the
    time the reward was due"; the three panels' values."""
    c = rl.schultz_conditions(n_trials=150, gamma=GAMMA, alpha=ALPHA)
    np.testing.assert_allclose(c.rpe[:, c.cue_time], [0.0, GAMMA ** 10, GAMMA ** 10], atol=1e-6)
    np.testing.assert_allclose(c.rpe[:, c.reward_time], [1.0, 0.0, -1.0], atol=1e-6)
    assert np.argmin(c.rpe[2]) == c.reward_time
    other = np.delete(c.rpe, [c.cue_time, c.reward_time], axis=1)
    assert np.abs(other).max() < 0.01                         # nothing elsewhere


def _first_trial_above_half(alpha):
    cue_response = rl.td_conditioning(n_trials=150, gamma=GAMMA, alpha=alpha).rpe[:, CUE]
    above = np.flatnonzero(cue_response > 0.5 * GAMMA ** 10)
    return int(above[0]) + 1 if above.size else None


def test_alpha_sets_the_speed():
    """Demo answer: "alpha sets the speed. With alpha = 0.1 the error does reach the cue, slowly: the cue
    response first exceeds half its final size on trial {eval}, against {eval} with alpha = 0.5, {eval}
    with 0.3 and {eval} with 0.2. With alpha = 0.05 it has reached only {eval} after 150 trials"."""
    half_way = {alpha: _first_trial_above_half(alpha) for alpha in (0.05, 0.1, 0.2, 0.3, 0.5)}
    assert half_way[0.5] < half_way[0.3] < half_way[0.2] < half_way[0.1] <= 150
    assert half_way[0.05] is None                             # not even half way by trial 150
    slow = rl.td_conditioning(n_trials=150, gamma=GAMMA, alpha=0.1).rpe[-1]
    assert np.argmax(slow) == CUE                             # alpha = 0.1 does reach the cue


@pytest.mark.parametrize("gamma, size", [(0.8, 0.11), (0.9, 0.35), (0.98, 0.82), (1.0, 1.0)])
def test_gamma_sets_the_size(gamma, size):
    """Demo answer: "gamma sets the size of the final cue response, gamma^10: 0.11 for gamma = 0.8, 0.35
    for 0.9, 0.82 for 0.98 and 1 for 1"."""
    res = rl.td_conditioning(n_trials=150, gamma=gamma, alpha=ALPHA)
    assert res.rpe[-1, CUE] == pytest.approx(size, abs=0.005)
    assert res.rpe[-1, CUE] == pytest.approx(gamma ** 10, abs=1e-4)


# ---------------------------------------------------------------------------
# 3. Probabilistic reward
# ---------------------------------------------------------------------------

PROBABILITIES = [0.0, 0.25, 0.5, 0.75, 1.0]


@pytest.fixture(scope="module")
def probability():
    return rl.reward_probability_responses(PROBABILITIES, n_trials=400, n_test=200, alpha=0.1,
                                           seed=0)


@pytest.fixture(scope="module")
def probability_runs():
    """Ten seeds at p = 0.25, 0.5 and 0.7: the spread of single runs and their Monte Carlo mean."""
    runs = [rl.reward_probability_responses([0.25, 0.5, 0.7], n_trials=400, n_test=200, alpha=0.1,
                                            seed=seed) for seed in range(10)]
    return {name: np.array([getattr(r, name) for r in runs])
            for name in ("cue_response", "reward_response", "omission_response")} | {
        "prediction": runs[0]}


@pytest.mark.parametrize("seed", SEEDS)
def test_cue_response_grows_and_reward_response_shrinks_with_p(seed):
    """"The cue response grows with p and the reward response shrinks, as TD predicts"; alt text: they
    lie "close to" TD's lines. In the chapter's run (seed 0) the largest distance is {eval} (0.06)."""
    res = rl.reward_probability_responses(PROBABILITIES, n_trials=400, n_test=200, alpha=0.1,
                                          seed=seed)
    assert np.all(np.diff(res.cue_response) > 0)
    assert np.all(np.diff(res.reward_response[1:]) < 0)
    assert np.all(np.diff(res.omission_response[:-1]) < 0)
    off = np.nanmax(np.abs(np.r_[res.cue_response - res.predicted_cue,
                                 res.reward_response - res.predicted_reward,
                                 res.omission_response - res.predicted_omission]))
    assert off < 0.1                                          # measured 0.058 for each seed
    # The edges are exact: nothing to learn at p = 0, a certain reward at p = 1.
    assert res.cue_response[0] == 0.0 and abs(res.reward_response[-1]) < 1e-6


def test_responses_average_to_tds_fixed_point(probability_runs):
    """"TD's lines, which are what they average to over runs"; the p = 0.5 answer: "TD's fixed point has
    a cue response of 0.5 x 0.82 = 0.41 and a reward response of 1 - 0.5 = 0.5. An omission gives -0.5.
    Only with p > 1/(1 + gamma^10) = 0.55 does the cue response become the larger one". Means of ten
    runs, each within 3 standard errors of the mean (the runs' own spread, 0.03 each)."""
    pred = probability_runs["prediction"]
    for name, expected in [("cue_response", pred.predicted_cue),
                           ("reward_response", pred.predicted_reward),
                           ("omission_response", pred.predicted_omission)]:
        runs = probability_runs[name]
        mean, se = runs.mean(axis=0), runs.std(axis=0, ddof=1) / np.sqrt(len(runs))
        assert np.all(se < 0.02), name                        # the mean is a sharp test
        np.testing.assert_array_less(np.abs(mean - expected), 3 * se + 1e-3, err_msg=name)
    gap = probability_runs["cue_response"] - probability_runs["reward_response"]   # (runs, p)
    mean, se = gap.mean(axis=0), gap.std(axis=0, ddof=1) / np.sqrt(len(gap))
    assert mean[1] + 3 * se[1] < 0                            # p = 0.5: the reward burst is larger
    assert mean[2] - 3 * se[2] > 0                            # p = 0.7 > 0.55: the cue's is


def test_one_run_scatters_around_the_fixed_point(probability_runs):
    """The p = 0.5 answer: "The gap between cue and reward is small against the scatter from run to run,
    so a single run can show it larger, smaller or even reversed"; and "a run whose recent trials
    happened to be rewarded more often than p ends with a larger cue response and a smaller reward
    response"."""
    gap = (probability_runs["cue_response"] - probability_runs["reward_response"])[:, 1]
    fixed = 0.5 * GAMMA ** 10 - 0.5                           # -0.09
    assert gap.min() < fixed - 0.05 and gap.max() > 0         # larger, and reversed
    assert np.any((gap > fixed) & (gap < 0))                  # smaller
    runs = [rl.td_conditioning(n_trials=400, reward_prob=0.5, alpha=0.1, seed=s) for s in range(10)]
    rewarded = [r.rewarded[200:].mean() for r in runs]        # the test trials' share of rewards
    assert np.corrcoef(rewarded, probability_runs["cue_response"][:, 1])[0, 1] > 0.5     # 0.96
    assert np.corrcoef(rewarded, probability_runs["reward_response"][:, 1])[0, 1] < -0.5  # -0.97


def test_the_frame_at_one_half_is_the_figures_run(probability):
    """The p = 0.5 answer: "The frame at p = 0.5 is the same run as the p = 0.5 point of the figure
    above (the same seed and random numbers)": the numbers quoted are the frame's."""
    for j, p in enumerate(PROBABILITIES):
        frame = rl.td_conditioning(n_trials=400, reward_prob=p, alpha=0.1, seed=0)  # probability_frame
        late = slice(200, 400)
        got = frame.rewarded[late]
        assert frame.rpe[late, CUE].mean() == probability.cue_response[j]
        if got.any():
            assert frame.rpe[late, REWARD][got].mean() == probability.reward_response[j]
        if (~got).any():
            assert frame.rpe[late, REWARD][~got].mean() == probability.omission_response[j]


# ---------------------------------------------------------------------------
# 4. The spiking dopamine population
# ---------------------------------------------------------------------------

def _refractory_rate(rate_hz, dt_ms=1.0):
    """Expected rate of a Bernoulli neuron with one silent step after each spike."""
    return rate_hz / (1 + rate_hz * dt_ms / 1000)


@pytest.fixture(scope="module")
def conditions():
    return rl.schultz_conditions(n_trials=150, gamma=GAMMA, alpha=ALPHA)


@pytest.fixture(scope="module")
def population():
    return rl.DopaminePopulation(n_rows=3, n_steps=25, n_neurons=50)


def test_drive_values(population, conditions):
    """"a full positive error (delta = 1) drives 25 Hz, 20 Hz above baseline, but a full negative one
    (delta = -1) only silences the cells, 5 Hz below"."""
    res = population.run(conditions.rpe, baseline_rate=5 * Hz, gain=20 * Hz, seed=0)
    drive = np.asarray(res.input_rate / Hz)
    assert drive[0, REWARD] == pytest.approx(25.0) and drive[2, REWARD] == 0.0
    assert drive[1, CUE] == pytest.approx(5 + 20 * GAMMA ** 10)   # 21.3 Hz at the cue


@pytest.mark.parametrize("seed", SEEDS)
def test_population_follows_the_rectified_error_and_dips_less_than_it_bursts(population, conditions,
                                                                            seed):
    """"The binned rate follows the rectified drive: in this run (seed 0) their correlation is {eval}
    (0.96). An unpredicted reward raises the rate by {eval} Hz (19.1), close to the gain g = 20 Hz; an
    omission ... lowers it by only {eval} Hz, the whole baseline of {eval} Hz." Single bins of 50 neurons
    x 100 ms: the reward bin's Poisson standard error is sqrt(24.4 / 5) = 2.2 Hz, the baseline's (345
    bins) 0.12 Hz."""
    res = population.run(conditions.rpe, baseline_rate=5 * Hz, gain=20 * Hz, seed=seed)
    psth = np.asarray(res.psth / Hz)
    drive = np.asarray(res.input_rate / Hz)
    baseline = np.delete(psth, [CUE, REWARD], axis=1).mean()
    burst, dip = psth[0, REWARD] - baseline, psth[2, REWARD] - baseline
    assert np.corrcoef(psth.ravel(), drive.ravel())[0, 1] > 0.9   # measured 0.96, 0.96, 0.97
    assert abs(baseline - _refractory_rate(5)) < 0.4              # 3 SE = 0.36 Hz
    expected_burst = _refractory_rate(25) - _refractory_rate(5)   # 19.4 Hz: close to g
    assert abs(burst - expected_burst) < 3 * 2.3
    assert psth[2, REWARD] == 0.0 and dip == -baseline            # the whole baseline, no more
    assert abs(dip) < 0.5 * burst


def test_a_row_draws_the_same_random_numbers_whatever_the_other_rows_do(population, conditions):
    """The random stream does not depend on the spikes: Brian2 draws rand() for every neuron at every
    step, refractory or not, so silencing one condition leaves the others' spikes untouched."""
    a = population.run(conditions.rpe, seed=3)
    quiet = conditions.rpe.copy()
    quiet[2] = -1.0                                               # row 2 silent all trial
    b = population.run(quiet, seed=3)
    for row in (0, 1):
        np.testing.assert_array_equal(a.spike_times[a.spike_rows == row],
                                      b.spike_times[b.spike_rows == row])
    assert np.sum(b.spike_rows == 2) == 0 < np.sum(a.spike_rows == 2)


@pytest.fixture(scope="module")
def steady_runs(population):
    """Ten runs with row 0 at the 5 Hz baseline and rows 1-2 at 25 Hz the whole 2.5 s trial."""
    rpe = np.r_[np.zeros((1, 25)), np.ones((2, 25))]
    return np.stack([np.asarray(population.run(rpe, baseline_rate=5 * Hz, gain=20 * Hz,
                                               seed=seed).psth / Hz) for seed in range(10)])


def test_refractory_step_lowers_a_25_hz_drive_to_24_4_hz(steady_runs):
    """"every spike is followed by exactly one silent 1-ms step ... a 25 Hz drive gives 25 / (1 + 25 Hz x
    1 ms) = 24.4 Hz". 10 runs x 100 neurons x 2.5 s: about 61,000 spikes, a Poisson standard error of
    0.1 Hz, so 24.4 and 25 Hz (or 23.8 Hz, two silent steps) lie 6 standard errors apart."""
    rate = steady_runs[:, 1:].mean()
    se = np.sqrt(24.4 / (10 * 100 * 2.5))
    assert abs(rate - _refractory_rate(25)) < 3 * se
    assert rate < 25 - 3 * se and rate > 25 / (1 + 2 * 0.025) + 3 * se


def test_a_bins_rate_varies_by_about_1_hz_at_baseline_and_2_hz_at_25_hz(steady_runs):
    """"from run to run a bin's rate varies by about 1 Hz at the baseline and 2 Hz at 25 Hz:
    sqrt(rate / (50 x 100 ms))". Standard deviations over 250 and 500 bins; the standard error of a
    standard deviation s from n bins is about s / sqrt(2n): 0.045 and 0.07 Hz."""
    low = steady_runs[:, 0].std(ddof=1)
    high = steady_runs[:, 1:].std(ddof=1)
    assert abs(low - np.sqrt(5 / 5)) < 3 * 0.045 + 0.03        # measured 0.95
    assert abs(high - np.sqrt(25 / 5)) < 3 * 0.07 + 0.15       # measured 2.14 (refractory: 2.15)


def test_a_single_neurons_silence_says_little(population, conditions):
    """"at 5 Hz a 100-ms window holds no spike 61% of the time anyway (e^-0.5), so a silence says little,
    while a burst adds two spikes ((25 - 5) Hz x 100 ms)". Three runs: 3,600 baseline windows (binomial
    standard error 0.008) and 150 reward windows (Poisson standard error 0.13 spikes)."""
    empty, extra = [], []
    for seed in SEEDS:
        res = population.run(conditions.rpe, baseline_rate=5 * Hz, gain=20 * Hz, seed=seed)
        sel = res.spike_rows == 0                              # unpredicted: only the reward moves
        step = (np.round(np.asarray(res.spike_times / second)[sel] * 1000) // 100).astype(int)
        counts = np.zeros((50, 25), dtype=int)
        np.add.at(counts, (res.spike_neurons[sel], step), 1)
        baseline_windows = np.delete(counts, REWARD, axis=1)
        empty.append((baseline_windows == 0).mean())
        extra.append(counts[:, REWARD].mean() - baseline_windows.mean())
    assert abs(np.mean(empty) - 0.995 ** 100) < 0.025          # 0.606; e^-0.5 = 0.607
    assert abs(np.mean(extra) - 0.1 * (_refractory_rate(25) - _refractory_rate(5))) < 0.4   # 1.94
    assert abs(np.mean(extra) - 2.0) < 0.45


def test_numpy_target_gives_the_same_picture(conditions):
    """The same claims hold where no compiler exists (Brian2's numpy target draws other spikes)."""
    res = rl.dopamine_population(conditions.rpe, n_neurons=50, target="numpy", seed=0)
    psth = np.asarray(res.psth / Hz)
    baseline = np.delete(psth, [CUE, REWARD], axis=1).mean()
    drive = np.asarray(res.input_rate / Hz)
    assert np.corrcoef(psth.ravel(), drive.ravel())[0, 1] > 0.9    # measured 0.963
    assert abs(psth[2, REWARD] - baseline) < 0.5 * (psth[0, REWARD] - baseline)


# Every third step a burst (delta = +1), every third a dip (delta = -1), the rest at delta = 0.
_PATTERN = np.tile([0.0, 1.0, -1.0], 9)[:25]


@pytest.mark.parametrize("gain, base", [(20, 2), (20, 10), (5, 10)])
def test_gain_and_baseline_demo_answer(population, gain, base):
    """Demo answer: "The burst's peak rises with the baseline but its height above baseline stays the
    gain, g = 20 Hz, while the dip deepens from 2 to 10 Hz ... the dip is min(b, g) while the burst is g.
    These are the expected rates (the refractory step takes a few percent off the higher ones) ... Only
    when the gain is no larger than the baseline (for example g = 5 Hz, b = 10 Hz) are bursts and dips
    symmetric". Eight runs of three rows with 8 bursts and 8 dips each: 9,600 neuron-bins per kind. The
    tolerances are 3 Poisson standard errors of the difference of two mean rates."""
    rpe = np.tile(_PATTERN, (3, 1))
    psth = np.stack([np.asarray(population.run(rpe, baseline_rate=base * Hz, gain=gain * Hz,
                                               seed=seed).psth / Hz) for seed in range(8)])
    rates = {kind: psth[:, :, _PATTERN == value] for kind, value in
             [("up", 1.0), ("rest", 0.0), ("down", -1.0)]}
    burst = rates["up"].mean() - rates["rest"].mean()
    dip = rates["rest"].mean() - rates["down"].mean()

    def se(*kinds):   # Poisson: the variance of a mean rate is rate / (neurons x bins x 0.1 s)
        return np.sqrt(sum(rates[k].mean() / (50 * rates[k].size * 0.1) for k in kinds))

    f = _refractory_rate
    assert abs(burst - (f(base + gain) - f(base))) < 3 * se("up", "rest")
    assert abs(dip - (f(base) - f(max(0, base - gain)))) < 3 * se("rest", "down")
    if base + gain >= 30:                                    # the refractory step shows: -2.9%
        assert base + gain - rates["up"].mean() > 3 * se("up")
    if gain > base:                                          # the dip is the baseline, not g
        assert burst - dip > 3 * se("up", "down")
        assert abs(dip - base) < 0.02 * base + 3 * se("rest", "down")
        assert abs(burst - gain) < 0.04 * (base + gain) + 3 * se("up", "rest")
    else:                                                    # symmetric: both near g
        assert abs(burst - dip) < 3 * se("up", "down")
        assert abs(burst - gain) < 0.04 * (base + gain) + 3 * se("up", "rest")


# ---------------------------------------------------------------------------
# 5. Distributional TD
# ---------------------------------------------------------------------------

REWARD_RANGE = (min(rl.DABNEY_REWARDS), max(rl.DABNEY_REWARDS))


@functools.lru_cache(maxsize=None)
def _distributional(seed):
    res = rl.distributional_td(rl.DABNEY_REWARDS, np.linspace(0.05, 0.95, 20), n_trials=10000,
                               alpha=0.01, seed=seed)
    return res, rl.decode_distribution(res.reversal_points, res.asymmetries, n_samples=100,
                                       bounds=REWARD_RANGE, seed=seed)


def test_reward_distribution_is_skewed():
    """"a skewed distribution with mean {eval} µl and standard deviation {eval} µl"."""
    r = np.asarray(rl.DABNEY_REWARDS)
    assert np.median(r) < r.mean() and np.mean((r - r.mean()) ** 3) > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_reversal_points_rise_sit_on_expectiles_and_decode(seed):
    """"The reversal points rise with the asymmetry and sit on the exact expectiles" (seed 0: largest
    gap {eval} = 0.12 µl, {eval} = 0.6% of the range; seeds 1 and 2: 0.12 and 0.34 µl); "the decoded
    samples have mean ... and standard deviation ..., close to the true ones, and follow the true
    staircase", within the task's range, 0.1 to 20 µl; tau = 0.5 is crossed at the mean reward."""
    res, decoded = _distributional(seed)
    assert np.all(np.diff(res.reversal_points) > 0)
    assert np.abs(res.reversal_points - res.expectiles).max() < 0.02 * np.ptp(rl.DABNEY_REWARDS)
    mean, std = np.mean(rl.DABNEY_REWARDS), np.std(rl.DABNEY_REWARDS)
    assert res.reversal_points[9] < mean < res.reversal_points[10]   # tau 0.476 and 0.524
    assert abs(decoded.samples.mean() - mean) < 0.3                 # measured 0.07, 0.05, 0.12
    assert abs(decoded.samples.std() - std) < 0.3                   # measured 0.03, 0.07, 0.10
    assert REWARD_RANGE[0] <= decoded.samples.min() and decoded.samples.max() <= REWARD_RANGE[1]
    assert wasserstein_distance(decoded.samples, rl.DABNEY_REWARDS) < 0.8   # 0.40, 0.35, 0.53


@pytest.mark.parametrize("seed", SEEDS)
def test_unconstrained_decoder_leaves_the_reward_range(seed):
    """"Unconstrained, the decoder puts some of its samples below 0 µl and above 20 µl, rewards the task
    never gives" (seed 0: from -1.9 to 22.0 µl)."""
    res, _ = _distributional(seed)
    free = rl.decode_distribution(res.reversal_points, res.asymmetries, n_samples=100, seed=seed)
    assert free.samples.min() < 0.0 and free.samples.max() > 20.0


def _spread_decoding(spread, seed):
    taus = np.linspace(0.5 - spread / 2, 0.5 + spread / 2, 20)
    run = rl.distributional_td(rl.DABNEY_REWARDS, taus, n_trials=10000, alpha=0.01, seed=seed)
    guess = rl.decode_distribution(run.reversal_points, taus, n_samples=100, bounds=REWARD_RANGE,
                                   seed=seed)
    return run, guess, wasserstein_distance(guess.samples, rl.DABNEY_REWARDS)


@pytest.mark.parametrize("seed", SEEDS)
def test_spread_demo_answer(seed):
    """Demo answer: with no spread "the twenty predictors learn alike, and ... all their reversal points
    are {eval} µl, the mean reward up to the noise of learning ... Every distribution with that mean
    fits its reversal points equally well, so the decoder returns just one of them, set by its random
    starting samples"; "As the band widens ... the decoded distribution approaches the true one" (seed
    0: {eval} = 2.2, 1.4 and 0.4 µl at s = 0, 0.6 and 0.9). The noise of a reversal point: the value's
    standard deviation sqrt(alpha / 2) x 6.7 = 0.47 µl, averaged over about 25 independent stretches
    of 1 / alpha trials, 0.1 µl."""
    runs = {spread: _spread_decoding(spread, seed) for spread in (0.0, 0.6, 0.9)}
    flat, guess, _ = runs[0.0]
    assert np.ptp(flat.reversal_points) == 0.0
    assert abs(flat.reversal_points[0] - np.mean(rl.DABNEY_REWARDS)) < 0.3
    other = rl.decode_distribution(flat.reversal_points, flat.asymmetries, n_samples=100,
                                   bounds=REWARD_RANGE, seed=seed + 10)
    for decoded in (guess, other):                    # both fit: their mean is the reversal point
        assert decoded.loss < 1e-8
        assert decoded.samples.mean() == pytest.approx(flat.reversal_points[0], abs=1e-3)
    assert wasserstein_distance(guess.samples, other.samples) > 0.2   # yet they differ
    distance = [runs[s][2] for s in (0.0, 0.6, 0.9)]
    assert distance[0] > distance[1] > distance[2]
    assert distance[2] < 0.6                          # close to the true distribution


# ---------------------------------------------------------------------------
# 6. Actor-critic
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def agents():
    return {seed: rl.actor_critic_corridor(n_states=6, n_episodes=200, alpha_critic=0.2,
                                           alpha_actor=0.5, gamma=0.9, seed=seed) for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_actor_learns_the_shortest_path(agents, seed):
    """"In this run (seed 0) the agent first wanders, {eval} (22.2) steps per episode on average in the
    first ten, then walks straight to the goal: the median path of the last 50 episodes is {eval} (5)
    steps, the shortest one"; alt text: "falling within a few dozen episodes to the shortest path"."""
    agent = agents[seed]
    assert agent.reached_goal.all()
    assert agent.steps[:10].mean() > 10                      # 22.2, 17.4, 27.4: a random walk
    assert np.median(agent.steps[150:]) == 5
    assert np.median(agent.steps[70:100]) == 5               # by episode 70


@pytest.mark.parametrize("seed", SEEDS)
def test_critic_error_moves_from_the_goal_to_the_start(agents, seed):
    """"at first the reward is a surprise (delta = 1); once the path is learned the reward is predicted
    (over the last 50 episodes delta at the goal averages {eval}) and the surprise has moved to the
    start ... The start error averages {eval} (0.58), a little below gamma^5 = 0.59"; the start error is
    "delta_start = 0 + gamma V(0) - 0 = gamma V(0)", from a state of value 0 before the episode."""
    agent = agents[seed]
    assert agent.goal_rpe[0] == 1.0 and agent.start_rpe[0] == 0.0
    assert np.mean(agent.goal_rpe[150:]) < 0.01               # 0.000, 0.000, 0.000
    assert int(np.argmax(agent.goal_rpe < 0.1)) + 1 <= 30     # "within a few dozen episodes"
    start = np.mean(agent.start_rpe[150:])
    assert 0.9 ** 5 - 0.05 < start < 0.9 ** 5                 # 0.576, 0.574, 0.575
    # The definition: gamma times the start's value as the episode begins (after the last one).
    np.testing.assert_allclose(agent.start_rpe[1:], 0.9 * agent.values[:-1, 0])


@pytest.mark.parametrize("seed", SEEDS)
def test_final_policy_and_values(agents, seed):
    """Alt text: "the probability of moving right is high in every position and the critic's values
    rise towards the goal, to almost 1 next to it"."""
    agent = agents[seed]
    assert np.all(agent.p_right[-1] > 0.9)                    # min 0.950, 0.937, 0.945
    v = agent.values[-1, :-1]
    assert np.all(np.diff(v) > 0) and v[-1] > 0.95
