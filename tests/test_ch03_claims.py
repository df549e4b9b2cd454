"""The claims chapters/03_attention.md makes, checked on nslib.

The chapter's numbers come from its own executed cells (the ``{eval}`` role), so they cannot drift from
the code; these tests check the words around them. Deterministic models (biased competition, the
normalization model, blocking) are checked against closed forms with tight tolerances. Every effect the
chapter states generally for a random model (crosstalk, capacity, the spiking memory) is checked for
3 seeds, with Monte Carlo tolerances of at least 3 standard errors. Where the chapter reproduces a
published result (biased competition, contrast vs response gain, blocking, softmax capacity), the test
checks the effect's sign, ordering or scaling, not only that the code runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from nslib.attention import (
    attention_gain_model,
    biased_competition,
    blocking_experiment,
    capacity_curves,
    compare_with_torch,
    crosstalk_error,
    delta_rule_memory,
    hebbian_crosstalk_theory,
    hebbian_memory,
    linear_attention,
    memory_capacity,
    naka_rushton,
    pairing_schedule,
    random_multihead_weights,
    random_unit_vectors,
    retrieve,
    softmax_attention,
    spiking_associative_memory,
    spiking_memory,
)

SEEDS = (0, 1, 2)

# ---------------------------------------------------------------------------
# 1. Attention in the brain (deterministic models)
# ---------------------------------------------------------------------------


def test_biased_competition_signs_and_ordering():
    """"The pair's response ... lies between the responses to the two stimuli alone. Attention to the
    preferred stimulus raises it ..., attention to the poor one lowers it"; the pair is "roughly their
    average"."""
    r = biased_competition(preferred_weight=1.0, poor_weight=0.2, attention_gain=3.0, sigma=0.1)
    assert r.poor_alone < r.pair_attend_poor < r.pair < r.pair_attend_preferred < r.preferred_alone
    average = (r.preferred_alone + r.poor_alone) / 2
    assert abs(r.pair - average) < 0.1 * average                 # 0.571 vs 0.545
    # Closed form of the chapter's equation with its parameters.
    assert r.pair == pytest.approx((1.0 + 0.2) / (2 + 0.1), rel=1e-12)


@pytest.fixture(scope="module")
def regimes():
    small = attention_gain_model(stimulus_size=1.0, attention_width=10.0, attention_gain=2.0)
    large = attention_gain_model(stimulus_size=20.0, attention_width=1.0, attention_gain=2.0)
    return small, large


def test_widths_are_compared_at_half_height(regimes):
    """"we compare the stimulus's full width with the field's full width at half height,
    2 sqrt(2 ln 2) w_A ≈ 2.35 w_A"; "much wider" in each regime holds for those widths."""
    small, large = regimes
    for r in (small, large):
        profile = r.attention_field[:, 0] - 1.0                # the bump, at every position
        above = r.positions[profile >= profile.max() / 2]
        assert np.ptp(above) == pytest.approx(r.attention_fwhm, abs=0.25)   # 0.1 deg grid
        assert r.attention_fwhm == pytest.approx(2.35 * r.attention_width, rel=0.005)
    assert small.attention_fwhm > 20 * small.stimulus_size     # 23.5 vs 1 deg
    assert large.stimulus_size > 8 * large.attention_fwhm      # 20 vs 2.4 deg


def test_orientation_width_is_not_a_standard_deviation():
    """"w = 30° ... near the preferred orientation the curve is close to a Gaussian of standard
    deviation w/2 = 15°, and it falls to half height 18° away from it."""
    r = attention_gain_model(tuning_width=30.0, n_orientations=180)
    assert r.tuning_half_width == pytest.approx(18.0, abs=0.5)          # 17.9
    curve = r.tuning_curve_unattended / r.tuning_curve_unattended.max()
    right = r.orientations >= 0
    measured = np.interp(0.5, curve[right][::-1], r.orientations[right][::-1])
    assert measured == pytest.approx(r.tuning_half_width, abs=0.3)
    near = np.abs(r.orientations) <= 5.0                       # near the peak: Gaussian, SD w/2
    gaussian = np.exp(-0.5 * (r.orientations[near] / 15.0) ** 2)
    assert np.allclose(curve[near], gaussian, rtol=0.002)
    assert not np.isclose(measured, 30.0 * np.sqrt(2 * np.log(2)), atol=5)   # not a 30-deg SD


def test_small_stimulus_wide_field_is_a_contrast_gain(regimes):
    """"attention multiplies c50 by [0.71] (the limit of a field much wider than the stimulus is
    1/√2) and changes r_max by only [0.3%]"; the attended curve is "the unattended one shifted to
    lower contrasts, with the same maximum"."""
    small, _ = regimes
    assert small.c50 / small.c50_unattended == pytest.approx(1 / np.sqrt(2), abs=0.005)  # 0.708
    assert abs(small.r_max / small.r_max_unattended - 1) < 0.01                          # 1.003
    low = small.contrasts < small.c50_unattended
    assert np.all(small.contrast_response[low] > 1.3 * small.contrast_response_unattended[low])


def test_large_stimulus_narrow_field_is_a_response_gain(regimes):
    """"attention raises r_max by [60%] and lowers c50 by only [10%]"; alt text: "scaled up to a
    clearly higher maximum, with almost the same half-maximum contrast"."""
    small, large = regimes
    rise, drop = large.r_max / large.r_max_unattended - 1, 1 - large.c50 / large.c50_unattended
    assert rise > 0.4 and 0 < drop < 0.2 and rise > 3 * drop                    # 0.605, 0.104
    at_full = large.contrast_response[-1] / large.contrast_response_unattended[-1]
    assert at_full > 1.4                                                        # 1.61
    assert small.contrast_response[-1] / small.contrast_response_unattended[-1] < 1.1   # 1.07


def test_every_contrast_response_is_a_naka_rushton_function():
    """"every neuron's contrast response is exactly a Naka–Rushton function": the population
    response, computed from E and S at each contrast, equals r_max c^n / (c^n + c50^n)."""
    for contrast in (0.05, 0.2, 0.7):
        r = attention_gain_model(stimulus_size=2.0, attention_width=10.0, tuning_contrast=contrast)
        centre = np.argmin(np.abs(r.positions))
        preferred = np.argmin(np.abs(r.orientations))
        assert r.response[centre, preferred] == pytest.approx(
            float(naka_rushton(contrast, r.r_max, r.c50, r.exponent)), rel=1e-9)


def test_normalization_figure_suppressive_drive_is_wider_than_the_stimulus_drive():
    """Alt text: "The suppressive drive is a vertical band at position 0 spanning all orientations,
    wider than the stimulus"; the attention field is "the same at every orientation"."""
    r = attention_gain_model(stimulus_size=2.0, attention_width=10.0)

    def width(profile):  # positions where the profile exceeds half its peak (deg)
        return np.ptp(r.positions[profile > profile.max() / 2])

    assert width(r.suppressive_drive.max(axis=1)) > 1.5 * width(r.stimulus_drive.max(axis=1))
    assert np.allclose(r.suppressive_drive, r.suppressive_drive[:, :1])
    assert np.allclose(r.attention_field, r.attention_field[:, :1])


def test_the_attentional_boost_falls_with_contrast():
    """Demo answer: "attention is a contrast gain: with a = 2 it multiplies the response by [1.72] at
    10% contrast but only by [1.03] at full contrast, where the response saturates"."""
    contrasts = (0.05, 0.1, 0.25, 0.5, 1.0)
    boost = []
    for c in contrasts:
        r = attention_gain_model(stimulus_size=2.0, attention_width=10.0, attention_gain=2.0,
                                 tuning_contrast=c)
        boost.append(r.tuning_curve.max() / r.tuning_curve_unattended.max())
    assert np.all(np.diff(boost) < 0)
    assert boost[1] > 1.5 and boost[-1] < 1.1                            # 1.72 and 1.03
    assert boost[0] < 2.0                                                # never above the gain a


# ---------------------------------------------------------------------------
# 2. Attention in transformers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_and_torch_attention_agree_to_rounding_error(seed):
    """"The two agree to [2e-16], the rounding error of double precision"."""
    c = compare_with_torch(n_tokens=6, d_model=8, n_heads=2, seed=seed)
    assert c.max_output_difference < 1e-14
    assert c.max_weight_difference < 1e-14


def _entropies(temperature, tokens_seed=1, head_seed=2):
    tokens = np.random.default_rng(tokens_seed).normal(size=(8, 16))
    head = random_multihead_weights(16, seed=head_seed)
    w = softmax_attention(tokens @ head.w_q.T, tokens @ head.w_k.T, tokens,
                          temperature=temperature).weights
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(w > 0, w * np.log2(w), 0.0), axis=1), w


def test_the_chapters_head_is_close_to_uniform_at_temperature_one():
    """Demo answer: "With these random, untrained weights the head is already close to uniform at
    τ = 1 ([2.6] to [2.9] bits)" of at most 3 (the chapter's tokens and head: deterministic)."""
    at_one, _ = _entropies(1.0)
    assert 2.5 <= at_one.min() and at_one.max() < 3.0


@pytest.mark.parametrize("seed", SEEDS)
def test_temperature_moves_attention_between_lookup_and_average(seed):
    """Demo answer: "As τ → 0 each row puts all its weight on its best-matching key (entropy 0 bits)
    ... As τ grows the weights flatten towards 1/8 (entropy log2 8 = 3 bits)"."""
    cold, w_cold = _entropies(1e-6, 10 + seed, 20 + seed)
    assert cold.max() < 0.01 and np.allclose(w_cold.max(axis=1), 1.0, atol=1e-3)
    hot, _ = _entropies(1000.0, 10 + seed, 20 + seed)
    assert np.all(hot > 2.999)
    means = [np.mean(_entropies(t, 10 + seed, 20 + seed)[0])
             for t in (0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 20.0)]
    assert np.all(np.diff(means) > 0)


# ---------------------------------------------------------------------------
# 3. Linear attention is a Hebbian memory; blocking
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_linear_attention_equals_hebbian_retrieval(seed):
    """"the two computations give the same numbers"."""
    rng = np.random.default_rng(seed)
    keys, values, queries = (rng.normal(size=(10, 16)), rng.normal(size=(10, 8)),
                             rng.normal(size=(4, 16)))
    gap = np.max(np.abs(linear_attention(queries, keys, values).output
                        - retrieve(hebbian_memory(keys, values), queries)))
    assert gap < 1e-12


def test_causal_linear_attention_is_a_recurrent_matrix_memory():
    """"M_t = M_{t-1} + v_t k_tᵀ, read by q_t: linear attention is a recurrent network whose state is a
    matrix"; the elu variant with a normaliser has weights that are "positive and sum to 1"."""
    x = np.random.default_rng(3).normal(size=(7, 5))
    out = linear_attention(x, x, x, causal=True).output
    memory = np.zeros((5, 5))
    for t in range(7):
        memory = memory + np.outer(x[t], x[t])
        assert np.allclose(out[t], memory @ x[t])
    w = linear_attention(x, x, x, feature_map="elu", normalize=True).weights
    assert np.all(w > 0) and np.allclose(w.sum(axis=1), 1.0)


def test_blocking_with_the_delta_rule_but_not_with_hebb():
    """"The delta rule learns almost nothing about B after A (V_B = [0.006], against [0.50] in the
    control group, where A and B share the US). The Hebbian rule cannot block ... (V_B = [4.0] in
    both groups), and its strengths grow by ηλ on every trial, without bound." Alt text: "A rises to
    1 in phase 1"."""
    eta, n1, n2 = 0.2, 20, 20
    delta = blocking_experiment("delta", n_phase1=n1, n_phase2=n2, lr=eta)
    hebb = blocking_experiment("hebbian", n_phase1=n1, n_phase2=n2, lr=eta)
    # Rescorla-Wagner in closed form: phase 1 leaves A at 1 - (1-η)^n1 and a surprise (1-η)^n1; in
    # phase 2 the compound's surprise shrinks by (1 - 2η) per trial and B gets η of each.
    surprise = (1 - eta) ** n1
    assert delta.strengths[n1, 0] == pytest.approx(1 - surprise, rel=1e-12)
    assert delta.blocked == pytest.approx(surprise * (1 - (1 - 2 * eta) ** n2) / 2, rel=1e-9)
    assert delta.control == pytest.approx((1 - (1 - 2 * eta) ** n2) / 2, rel=1e-9)
    assert delta.blocked < 0.02 * delta.control
    assert hebb.blocked == pytest.approx(hebb.control) == pytest.approx(eta * n2)
    assert np.allclose(np.diff(hebb.strengths[:, 0]), eta)               # +ηλ every trial
    longer = blocking_experiment("hebbian", n_phase1=n1, n_phase2=10 * n2, lr=eta)
    assert longer.blocked == pytest.approx(10 * hebb.blocked)            # no bound


# ---------------------------------------------------------------------------
# 4. Capacity
# ---------------------------------------------------------------------------

CURVE_PAIRS = [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 256]


@pytest.fixture(scope="module")
def curves_by_seed():
    return {seed: capacity_curves(n_pairs=CURVE_PAIRS, d_ks=[16, 32, 64],
                                  rules=["hebbian", "delta, 1 pass", "delta", "softmax"],
                                  n_trials=20, seed=seed) for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_crosstalk_adds_in_quadrature_because_the_values_are_independent(seed):
    """"With independent values the error is (N-1)/d_k whether the overlaps have random signs or all
    the same sign ... With one shared value, random signs still cancel on average, but same-sign
    overlaps add up coherently" (N = d_k = 32)."""
    res = {(s, v): crosstalk_error(32, 32, overlaps=s, values=v, n_trials=2000, seed=seed)
           for s in ("random", "positive") for v in ("independent", "shared")}
    quadrature = float(hebbian_crosstalk_theory(32, 32))
    for key in (("random", "independent"), ("positive", "independent"), ("random", "shared")):
        assert abs(res[key].mean - quadrature) < 4 * res[key].sem, key
    coherent = res["positive", "shared"]
    assert abs(coherent.mean - coherent.theory) < 4 * coherent.sem
    assert coherent.mean > 10 * quadrature                               # 19.8 vs 0.97
    # The coherent sum has length about (N-1)/sqrt(d_k) times E|overlap| sqrt(d_k) ~ 0.8.
    assert np.sqrt(coherent.mean) == pytest.approx(31 / np.sqrt(32) * np.sqrt(2 / np.pi), rel=0.1)


@pytest.mark.parametrize("seed", SEEDS)
def test_hebbian_error_matches_the_crosstalk_theory(curves_by_seed, seed):
    """"the Hebbian errors lie on the theory" (within Monte Carlo error, every N and d_k); "doubling d_k
    halves the error"; "each error grows along a straight line"; one pair is recalled exactly."""
    c = curves_by_seed[seed]
    n = c.n_pairs
    mean, sem, theory = c.mean[0], c.sem[0], c.theory[0]
    assert np.allclose(theory, hebbian_crosstalk_theory(n[None, :], c.d_ks[:, None]))
    assert np.all(np.abs(mean - theory)[:, n >= 2] < 4 * sem[:, n >= 2])
    assert np.allclose(mean[:, 0], 0.0, atol=1e-24)
    big = n >= 16
    ratios = mean[:-1][:, big] / mean[1:][:, big]
    assert np.all(ratios > 1.75) and np.all(ratios < 2.3)
    for b in range(len(c.d_ks)):                  # a straight line in N, slope 1/d_k
        slope = np.polyfit(n, mean[b], 1)[0]
        assert slope == pytest.approx(1 / c.d_ks[b], rel=0.1)


@pytest.mark.parametrize("seed", SEEDS)
def test_worst_pair_fares_worse_than_the_average(curves_by_seed, seed):
    """"The worst stored pair fares [1.6] to [2.2] times as badly as the average one" (N >= 4)."""
    c = curves_by_seed[seed]
    ratio = c.worst[0][:, c.n_pairs >= 4] / c.mean[0][:, c.n_pairs >= 4]
    assert ratio.min() > 1.3 and ratio.max() < 3.0


@pytest.mark.parametrize("seed", SEEDS)
def test_least_squares_is_exact_up_to_d_k_then_follows_the_projection(curves_by_seed, seed):
    """"The least-squares memory is exact up to N = d_k (errors below [3e-27]: rounding) and then
    follows 1 - d_k/N"; it beats the Hebbian memory below capacity."""
    c = curves_by_seed[seed]
    n = c.n_pairs
    for b, d_k in enumerate(c.d_ks):
        below, above = n <= d_k, n > d_k
        assert c.mean[2, b, below].max() < 1e-20
        gap = np.abs(c.mean[2, b, above] - (1 - d_k / n[above]))
        assert np.all(gap < 4 * c.sem[2, b, above] + 1e-3)
        inside = (n >= 2) & below
        assert np.all(c.mean[2, b, inside] < c.mean[0, b, inside])


@pytest.mark.parametrize("seed", SEEDS)
def test_one_pass_of_the_delta_rule_is_better_than_hebb_but_not_exact(curves_by_seed, seed):
    """"from 4 pairs on, a single pass of the delta rule leaves an error well below Hebbian ([0.60]
    against [0.97] at N = d_k = 32) but not zero"."""
    c = curves_by_seed[seed]
    n = c.n_pairs
    assert np.all(c.mean[1][:, n >= 4] < 0.75 * c.mean[0][:, n >= 4])
    assert np.all(c.mean[1][:, n >= 2] > 1e-4)               # least squares: below 1e-20


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_attention_holds_far_more_pairs(curves_by_seed, seed):
    """"softmax attention holds far more pairs than the Hebbian memory of linear attention, and beyond
    N = d_k it retrieves better than any linear memory (the least-squares one)"; alt text: "low
    errors that grow slowly, almost zero for d_k = 64"."""
    c = curves_by_seed[seed]
    n = c.n_pairs
    soft, hebb, least_squares = c.mean[3], c.mean[0], c.mean[2]
    assert np.all(soft[:, n >= 2] < hebb[:, n >= 2])
    for b, d_k in enumerate(c.d_ks):
        assert np.all(soft[b, n > d_k] < least_squares[b, n > d_k])
    assert soft[2, -1] < 0.05


def _online_delta(seed, n_pairs, d_k, lr, epochs=300):
    keys = random_unit_vectors(n_pairs, d_k, seed=seed)
    values = random_unit_vectors(n_pairs, d_k, seed=seed + 100)
    least_squares = delta_rule_memory(keys, values, epochs=None)
    memory = delta_rule_memory(keys, values, lr=lr, epochs=epochs)
    again = delta_rule_memory(keys, values, lr=lr, epochs=1, initial=memory)

    def error(m):
        return np.mean(np.sum((retrieve(m, keys) - values) ** 2, axis=1))

    distance = np.linalg.norm(memory - least_squares) / np.linalg.norm(least_squares)
    return distance, np.linalg.norm(again - memory), error(memory) / error(least_squares)


@pytest.mark.parametrize("seed", SEEDS)
def test_online_delta_rule_reaches_least_squares_only_up_to_d_k(seed):
    """"For N <= d_k repeated passes from M = 0 converge to V K⁺. For N > d_k they do not: ... after a
    few passes the memory goes round the same cycle"; its error is "about twice the least-squares";
    "Only ... the online rule with a learning rate η → 0 converges to V K⁺" ("the gap shrinks in
    proportion to η"). Reduced: N = 24 pairs against d_k = 12 (the chapter: 64 against 32)."""
    distance, _, _ = _online_delta(seed, 8, 12, lr=1.0, epochs=300)
    assert distance < 1e-8
    distance, step, ratio = _online_delta(seed, 24, 12, lr=1.0)
    assert distance > 0.3 and step < 1e-10                   # settled, far from V K+: 0.61 to 0.68
    assert 1.6 < ratio < 2.5                                 # 1.92 to 2.20
    small, _, _ = _online_delta(seed, 24, 12, lr=0.1, epochs=600)
    smaller, _, _ = _online_delta(seed, 24, 12, lr=0.05, epochs=1200)
    assert smaller < 0.1 and smaller / small == pytest.approx(0.5, abs=0.15)


@pytest.mark.parametrize("seed", SEEDS)
def test_hebbian_capacity_is_one_plus_d_k_over_4(seed):
    """"The Hebbian memory then holds N = 1 + d_k/4 pairs: its capacity grows in proportion to d_k";
    measured: "[5, 10, 17, 26] pairs for d_k = 16, 36, 64, 100, on its theory 1 + d_k/4"."""
    res = memory_capacity([16, 36, 64, 100], rule="hebbian", n_pairs=np.arange(1, 41), n_trials=20,
                          n_probes=32, seed=seed)
    assert np.allclose(res.capacity, 1 + res.d_ks / 4, rtol=0.15)
    assert res.log_capacity_slope("d_k") < 0.05               # far from exponential


GRID = np.unique(np.round(2.0 ** np.arange(0.0, 12.01, 0.5)))


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_capacity_grows_like_e_to_the_sqrt_d_k(seed):
    """"With β = √d_k ... ln N rises by [1.00] per unit of √d_k (the argument above says 1), so each
    step of 2 in √d_k multiplies the capacity by about e² ≈ 7. Against d_k itself that growth slows
    down ...: it is e^{√d_k}, not e^{d_k}." Reduced: d_k = 16, 36, 64, 3 trials of 8 probes."""
    res = memory_capacity([16, 36, 64], rule="softmax", beta_scaling="sqrt", n_pairs=GRID,
                          n_trials=3, n_probes=8, seed=seed)
    assert np.all(np.isfinite(res.capacity))
    assert res.log_capacity_slope("sqrt_d_k") == pytest.approx(1.0, abs=0.15)     # 0.97 to 1.01
    steps = np.diff(np.log(res.capacity))            # equal steps of 2 in sqrt(d_k): 20, 28 in d_k
    assert steps[1] / steps[0] == pytest.approx(1.0, abs=0.2)    # e^{c d_k} would give 1.4
    assert np.all(np.exp(steps) > 4) and np.all(np.exp(steps) < 12)           # about e^2
    per_unit_d = steps / np.diff(res.d_ks)
    assert per_unit_d[1] < 0.85 * per_unit_d[0]                  # slows down against d_k


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_capacity_is_exponential_when_beta_grows_with_d_k(seed):
    """"With β = d_k, ln N rises by [0.64] per unit of d_k, a straight line on the log axis: an
    exponential capacity"; alt text: "over a thousand pairs by d_k = 12". Reduced config."""
    res = memory_capacity([6, 8, 10, 12], rule="softmax", beta_scaling="linear", n_pairs=GRID,
                          n_trials=3, n_probes=8, seed=seed)
    slope = res.log_capacity_slope("d_k")
    assert 0.45 < slope < 0.85                                   # 0.63 to 0.68
    steps = np.diff(np.log(res.capacity)) / np.diff(res.d_ks)
    assert np.all(steps > 0.4)                                   # no slowing down
    assert res.capacity[-1] > 1000
    sqrt_regime = memory_capacity([12], rule="softmax", beta_scaling="sqrt", n_pairs=GRID,
                                  n_trials=3, n_probes=8, seed=seed)
    assert res.capacity[-1] > 50 * sqrt_regime.capacity[0]      # same d_k, the scaling costs


# ---------------------------------------------------------------------------
# 5. The spiking associative memory
# ---------------------------------------------------------------------------

def test_network_parameters_are_the_ones_the_chapter_states(spiking_runs):
    """"chapter 0's neuron: τ_m = 10 ms, rest and reset at -70 mV, threshold -50 mV, R_m = 10 MΩ, 2 ms
    refractory period, membrane noise of 2 mV"; "driven by 3 nA (1.5 times the rheobase) for 30 ms,
    then 20 ms of silence"; "τ_hebb = 10 ms", "η = 0.5", "w × 4 mV"; "80 slots of 50 ms (4 s ...,
    time step 0.1 ms)"; "a random set of 10 CS neurons and a random set of 10 US neurons"."""
    d = spiking_memory.DEFAULTS
    assert d == {"drive_nA": 3.0, "noise_mV": 2.0, "w_syn_mV": 4.0, "eta": 0.5,
                 "tau_hebb_ms": 10.0}
    assert spiking_memory.ROW_MS * spiking_memory.ON_ROWS == 30.0
    assert spiking_memory.ROW_MS * (spiking_memory.SLOT_ROWS - spiking_memory.ON_ROWS) == 20.0
    from brian2 import Mohm, ms, mV, nA
    net = spiking_memory._network(100, 64, 16, "auto")      # the chapter's network, already built
    assert float(net.duration / ms) == 4000.0 and float(net.dt / ms) == pytest.approx(0.1)
    cs = net.objects["cs"]
    assert "v > -50*mV" in str(cs.events["spike"])
    constants = cs.namespace
    assert float(constants["tau_m"] / ms) == 10.0 and float(constants["v_rest"] / mV) == -70.0
    assert float(constants["R_m"] / Mohm) == 10.0
    # Rheobase of the network's own neuron: (threshold - rest) / R_m; the drive is 1.5 times it.
    rheobase = (-50 * mV - constants["v_rest"]) / constants["R_m"]
    assert float(d["drive_nA"] * nA / rheobase) == pytest.approx(1.5)
    s = spiking_runs[0][64].schedule
    assert np.all(s.cs_patterns.sum(axis=1) == 10) and np.all(s.us_patterns.sum(axis=1) == 10)
    assert len({tuple(np.flatnonzero(p)) for p in s.us_patterns}) > 60      # not one fixed US set


@pytest.fixture(scope="module")
def spiking_runs():
    return {seed: {n: spiking_associative_memory(n_pairs=n, seed=seed) for n in (1, 8, 16, 64)}
            for seed in SEEDS}


def test_smaller_memories_are_the_first_pairs_of_larger_ones(spiking_runs):
    """"The random patterns are drawn for all 64 pairing slots whatever n_pairs is, so with one seed a
    memory of 8 pairs holds the first 8 pairs of the memory of 64."""
    for seed in SEEDS:
        small, large = spiking_runs[seed][8].schedule, spiking_runs[seed][64].schedule
        assert np.array_equal(small.cs_patterns, large.cs_patterns[:8])
        assert np.array_equal(small.us_patterns, large.us_patterns[:8])
    assert np.array_equal(pairing_schedule(8, seed=5).us_patterns,
                          pairing_schedule(64, seed=5).us_patterns[:8])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_few_pairs_are_recalled(spiking_runs, seed):
    """"with 8 pairs stored, each cue makes the paired US neurons fire and almost no others: the
    similarity to the paired pattern is [0.99], to the other stored patterns [0.11]"; "Recall stays
    good up to 16 pairs"; alt text: the recall matrix is "bright on the diagonal (near 1), dark
    elsewhere"."""
    runs = spiking_runs[seed]
    for n in (1, 8, 16):
        assert runs[n].mean_similarity > 0.93 and runs[n].accuracy == 1.0
    m = runs[8]
    assert m.mean_similarity > 0.97 and m.other_similarity < 0.2
    assert m.scores.false_alarms.mean() < 0.02 and m.scores.hits.mean() > 0.95
    assert m.scores.own_similarity.min() > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_potentiated_synapses_follow_willshaw(spiking_runs, seed):
    """"the fraction of potentiated synapses follows 1 - (1 - f²)^N within a percent"; the learned
    weights are "the clipped Hebbian memory W = min(1, Σ cs usᵀ)"; alt text: "reaching about half at
    64 pairs"."""
    for m in spiking_runs[seed].values():
        assert abs(m.potentiated_fraction - m.potentiated_fraction_theory) < 0.01
        s = m.schedule
        clipped = np.minimum(1, s.cs_patterns.T.astype(int) @ s.us_patterns.astype(int))
        assert np.mean((m.weights > 0.5) == clipped.astype(bool)) > 0.995
    assert 0.4 < spiking_runs[seed][64].potentiated_fraction < 0.55


@pytest.mark.parametrize("seed", SEEDS)
def test_spiking_recall_degrades_into_crosstalk(spiking_runs, seed):
    """"and then degrades: at 64 pairs the paired US neurons still fire ([100%] of them), but so do
    [49%] of the others, and the similarity to the paired pattern falls"; demo answer: "The diagonal
    stays bright ... the response resembles the other stored patterns more ... and its own pattern
    less. With 64 pairs the other patterns begin to compete with the diagonal: ... [15] of the [16]
    cues still evoke a response closest to their own pattern"; "The memory does not forget old
    pairs"."""
    runs = spiking_runs[seed]
    full = runs[64]
    assert full.scores.hits.mean() > 0.97
    assert full.scores.false_alarms.mean() > 0.25
    assert full.mean_similarity < runs[16].mean_similarity - 0.2
    assert full.other_similarity > runs[8].other_similarity + 0.08
    assert 0.8 <= full.accuracy                                # most rows: 0.94 or 1
    assert runs[16].accuracy == 1.0                           # competition starts beyond 16
    first_cued = full.schedule.cue_pairs == 0                  # the oldest pair is still there
    assert full.scores.hits[first_cued].min() > 0.9


def test_the_spiking_sweep_reuses_one_compiled_program(spiking_runs):
    """"Every later call re-runs the same program, without compiling"."""
    network = spiking_memory._network(100, 64, 16, "auto")
    if network.target == "cpp_standalone":
        assert network.n_builds == 1
