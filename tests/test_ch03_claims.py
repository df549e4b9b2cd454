"""The claims chapters/03_attention.md makes, checked on the chapter's own calls.

Each test repeats the chapter's calls (same arguments, same seeds) and checks the sentence quoted in its
docstring, with the value measured on those runs in a comment and a tolerance that could fail. Where the
chapter reproduces a published effect (biased competition, contrast vs response gain, multiplicative
tuning, blocking), the test checks the effect's sign and ordering, not only that the code runs.
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
    delta_rule_memory,
    hebbian_crosstalk_theory,
    hebbian_memory,
    linear_attention,
    random_multihead_weights,
    random_unit_vectors,
    retrieval_error,
    retrieve,
    softmax_attention,
    spiking_associative_memory,
    spiking_memory,
)

# ---------------------------------------------------------------------------
# 1. Attention in the brain
# ---------------------------------------------------------------------------

def test_biased_competition_numbers_and_signs():
    """"The pair's response, 0.57, lies between the responses to the two stimuli alone (0.91 and
    0.18). Attention to the preferred stimulus raises it to 0.78, attention to the poor one lowers it
    to 0.39"; the pair is "roughly their average"."""
    r = biased_competition(preferred_weight=1.0, poor_weight=0.2, attention_gain=3.0)
    assert r.preferred_alone == pytest.approx(0.91, abs=0.005)   # 0.909
    assert r.poor_alone == pytest.approx(0.18, abs=0.005)        # 0.182
    assert r.pair == pytest.approx(0.57, abs=0.005)              # 0.571
    assert r.pair_attend_preferred == pytest.approx(0.78, abs=0.005)   # 0.780
    assert r.pair_attend_poor == pytest.approx(0.39, abs=0.005)  # 0.390
    assert r.poor_alone < r.pair_attend_poor < r.pair < r.pair_attend_preferred < r.preferred_alone
    average = (r.preferred_alone + r.poor_alone) / 2
    assert abs(r.pair - average) < 0.1 * average                 # 0.571 vs 0.545


@pytest.fixture(scope="module")
def regimes():
    small = attention_gain_model(stimulus_size=1.0, attention_width=10.0, attention_gain=2.0)
    large = attention_gain_model(stimulus_size=20.0, attention_width=1.0, attention_gain=2.0)
    return small, large


def test_small_stimulus_large_field_is_a_contrast_gain(regimes):
    """"With a 1° stimulus and a 10° attention field, attention lowers c50 by a factor 0.71 (=1/√2) and
    changes r_max by less than 1%." (Reynolds & Heeger's contrast-gain regime.)"""
    small, _ = regimes
    assert small.c50 / small.c50_unattended == pytest.approx(1 / np.sqrt(2), abs=0.005)  # 0.708
    assert abs(small.r_max / small.r_max_unattended - 1) < 0.01                          # 1.003
    # The attended curve is the unattended one shifted left: higher at every contrast below c50.
    low = small.contrasts < small.c50_unattended
    assert np.all(small.contrast_response[low] > 1.3 * small.contrast_response_unattended[low])


def test_large_stimulus_small_field_is_a_response_gain(regimes):
    """"With a 20° stimulus and a 1° attention field, it raises r_max by 60% and lowers c50 by only
    10%." Alt text: "reaching a 60 percent higher maximum"."""
    _, large = regimes
    assert large.r_max / large.r_max_unattended == pytest.approx(1.60, abs=0.02)          # 1.605
    assert large.c50 / large.c50_unattended == pytest.approx(0.90, abs=0.02)             # 0.896
    # Response gain: attention still multiplies the response at full contrast, where a pure contrast
    # gain (the small-stimulus regime) has nothing left to add.
    small, _ = regimes
    at_full = large.contrast_response[-1] / large.contrast_response_unattended[-1]
    assert at_full > 1.5                                                     # 1.61
    assert small.contrast_response[-1] / small.contrast_response_unattended[-1] < 1.1   # 1.07


def test_normalization_figure_suppressive_drive_is_wider_than_the_stimulus_drive():
    """Alt text: "The suppressive drive is a vertical band at position 0 spanning all orientations,
    wider than the stimulus"; the attention field is "the same at every orientation"."""
    r = attention_gain_model(stimulus_size=2.0, attention_width=10.0)

    def width(profile):  # positions where the profile exceeds half its peak (deg)
        return np.ptp(r.positions[profile > profile.max() / 2])

    assert width(r.suppressive_drive.max(axis=1)) > 1.5 * width(r.stimulus_drive.max(axis=1))
    assert np.allclose(r.suppressive_drive, r.suppressive_drive[:, :1])
    assert np.allclose(r.attention_field, r.attention_field[:, :1])


def test_attention_scales_tuning_curves_without_narrowing_them():
    """Demo answer: "the ratio of the attended to the unattended curve is the same at every
    orientation, so attention scales the tuning curve" (McAdams & Maunsell 1999)."""
    for gain in (1.5, 2.0, 3.0, 4.0):
        for contrast in (0.05, 0.1, 0.25, 0.5, 1.0):
            r = attention_gain_model(stimulus_size=2.0, attention_width=10.0,
                                     attention_gain=gain, tuning_contrast=contrast)
            ratio = r.tuning_curve / r.tuning_curve_unattended
            assert np.ptp(ratio) < 1e-9 * ratio.mean()
            assert ratio.mean() > 1.0


def test_the_attentional_boost_depends_on_contrast():
    """Demo answer: "with a = 2 it multiplies the response by 1.72 at 10% contrast but only by 1.03 at
    full contrast"."""
    boost = {c: (lambda r: r.tuning_curve.max() / r.tuning_curve_unattended.max())(
        attention_gain_model(stimulus_size=2.0, attention_width=10.0, attention_gain=2.0,
                             tuning_contrast=c)) for c in (0.1, 1.0)}
    assert boost[0.1] == pytest.approx(1.72, abs=0.01)   # 1.724
    assert boost[1.0] == pytest.approx(1.03, abs=0.01)   # 1.028


# ---------------------------------------------------------------------------
# 2. Attention in transformers
# ---------------------------------------------------------------------------

def test_numpy_and_torch_attention_agree_to_rounding_error():
    """"The two agree to about 1e-16, the rounding error of double precision." """
    c = compare_with_torch(n_tokens=6, d_model=8, n_heads=2, seed=0)
    assert c.max_output_difference < 1e-14      # 2.2e-16
    assert c.max_weight_difference < 1e-14      # 2.2e-16


def _entropies(temperature):
    tokens = np.random.default_rng(1).normal(size=(8, 16))
    head = random_multihead_weights(16, seed=2)
    w = softmax_attention(tokens @ head.w_q.T, tokens @ head.w_k.T, tokens,
                          temperature=temperature).weights
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(w > 0, w * np.log2(w), 0.0), axis=1), w


def test_temperature_moves_attention_between_lookup_and_average():
    """Demo answer: "As τ → 0 each row puts all its weight on its best-matching key (entropy 0 bits)
    ... As τ grows the weights flatten towards 1/8 (entropy log2 8 = 3 bits)"; "close to uniform at
    τ = 1 (2.6 to 2.9 bits)"."""
    cold, w_cold = _entropies(0.001)
    assert cold.max() < 0.01 and np.allclose(w_cold.max(axis=1), 1.0, atol=1e-3)
    hot, _ = _entropies(1000.0)
    assert np.all(hot > 2.999)
    at_one, _ = _entropies(1.0)
    assert 2.6 <= at_one.min() and at_one.max() <= 2.9    # 2.61 to 2.89
    means = [np.mean(_entropies(t)[0]) for t in (0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 20.0)]
    assert np.all(np.diff(means) > 0)


# ---------------------------------------------------------------------------
# 3. Linear attention is a Hebbian memory
# ---------------------------------------------------------------------------

def test_linear_attention_equals_hebbian_retrieval():
    """"the two computations give the same numbers" (printed: 8.0e-15)."""
    rng = np.random.default_rng(0)
    keys, values, queries = rng.normal(size=(10, 16)), rng.normal(size=(10, 8)), \
        rng.normal(size=(4, 16))
    gap = np.max(np.abs(linear_attention(queries, keys, values).output
                        - retrieve(hebbian_memory(keys, values), queries)))
    assert gap < 1e-12


def test_causal_linear_attention_is_a_recurrent_matrix_memory():
    """"M_t = M_{t-1} + v_t k_tᵀ, read by q_t: linear attention is a recurrent network whose state is a
    matrix"; the elu variant with a normaliser has "positive weights that sum to 1"."""
    x = np.random.default_rng(3).normal(size=(7, 5))
    out = linear_attention(x, x, x, causal=True).output
    memory = np.zeros((5, 5))
    for t in range(7):
        memory = memory + np.outer(x[t], x[t])
        assert np.allclose(out[t], memory @ x[t])
    w = linear_attention(x, x, x, feature_map="elu", normalize=True).weights
    assert np.all(w > 0) and np.allclose(w.sum(axis=1), 1.0)


def test_blocking_with_the_delta_rule_but_not_with_hebb():
    """"The delta rule learns almost nothing about B after A (V_B = 0.006, against 0.5 in the control
    group). The Hebbian rule cannot block ... its strengths grow without bound." Alt text: "A grows
    linearly to 8 by trial 40, and B grows linearly to 4"."""
    delta = blocking_experiment("delta", n_phase1=20, n_phase2=20, lr=0.2)
    hebb = blocking_experiment("hebbian", n_phase1=20, n_phase2=20, lr=0.2)
    assert delta.blocked == pytest.approx(0.006, abs=0.001)        # 0.0058
    assert delta.control == pytest.approx(0.5, abs=0.005)          # 0.49998
    assert delta.strengths[20, 0] > 0.98                           # A learned in phase 1: 0.988
    assert hebb.blocked == pytest.approx(hebb.control) == pytest.approx(4.0)
    assert hebb.strengths[-1, 0] == pytest.approx(8.0)
    longer = blocking_experiment("hebbian", n_phase1=20, n_phase2=200, lr=0.2)
    assert longer.blocked > 10 * hebb.blocked / 2                  # no bound: 40 after 200 trials


# ---------------------------------------------------------------------------
# 4. Capacity
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def curves():
    return capacity_curves(n_pairs=[1, 2, 4, 8, 16, 32, 64, 128, 256], d_ks=[16, 32, 64],
                           rules=["hebbian", "delta, 1 pass", "delta", "softmax"], n_trials=20,
                           seed=0)


def test_hebbian_error_matches_the_crosstalk_theory(curves):
    """"From 16 pairs on, the simulation lies within 5% of the theory for every key dimension ...
    within 10% at 4 and 8 pairs"; printed at N = 32: 1.865 / 0.985 / 0.477 against 1.938 / 0.969 /
    0.484."""
    n = curves.n_pairs
    mean, theory = curves.mean[0], curves.theory[0]
    assert np.allclose(theory, hebbian_crosstalk_theory(n[None, :], curves.d_ks[:, None]))
    rel = np.abs(mean - theory) / np.where(theory > 0, theory, np.nan)
    assert np.nanmax(rel[:, n >= 16]) < 0.05                   # largest: 0.037
    assert np.nanmax(rel[:, (n == 4) | (n == 8)]) < 0.10       # largest: 0.097
    assert np.allclose(mean[:, 0], 0.0, atol=1e-24)            # one pair: exact


def test_hebbian_error_halves_when_d_k_doubles(curves):
    """"doubling d_k halves the error" (the error falls with d_k)."""
    big = curves.n_pairs >= 16
    ratios = curves.mean[0, :-1][:, big] / curves.mean[0, 1:][:, big]
    assert np.all(ratios > 1.85) and np.all(ratios < 2.15)     # 1.89 to 2.08


def test_worst_pair_is_one_and_a_half_to_two_and_a_third_times_the_mean(curves):
    """"With 4 or more pairs stored, the worst pair fares 1.5 to 2.3 times as badly as the average
    one." (With 2 pairs both share the same overlap, so worst = mean.)"""
    n = curves.n_pairs
    ratio = curves.worst[0][:, n >= 4] / curves.mean[0][:, n >= 4]
    assert ratio.min() >= 1.5 and ratio.max() <= 2.3             # 1.57 to 2.26


def test_converged_delta_rule_is_exact_up_to_d_k_then_follows_the_projection(curves):
    """"The converged delta rule is exact up to N = d_k (errors below 1e-20: rounding) and then
    follows 1 - d_k/N"; "the delta rule beats the Hebbian rule below capacity"."""
    n = curves.n_pairs
    for b, d_k in enumerate(curves.d_ks):
        below = n <= d_k
        assert curves.mean[2, b, below].max() < 1e-20          # largest: 1.7e-25
        above = n > d_k
        assert np.allclose(curves.mean[2, b, above], 1 - d_k / n[above], atol=0.01)   # 0.008
        inside = (n >= 2) & below
        assert np.all(curves.mean[2, b, inside] < curves.mean[0, b, inside])


def test_one_pass_of_the_delta_rule_is_better_than_hebb_but_not_exact(curves):
    """"from 4 pairs on, a single pass leaves an error well below Hebbian (0.61 against 0.99 at
    N = d_k = 32) but not zero"."""
    n = curves.n_pairs
    assert np.all(curves.mean[1][:, n >= 4] < 0.7 * curves.mean[0][:, n >= 4])   # ratio <= 0.67
    assert curves.mean[1, 1, 5] == pytest.approx(0.61, abs=0.01)      # 0.605
    assert curves.mean[0, 1, 5] == pytest.approx(0.99, abs=0.01)      # 0.985
    assert np.all(curves.mean[1][:, curves.n_pairs >= 2] > 0.01)      # smallest: 0.015


def test_hebbian_capacity_grows_in_proportion_to_d_k():
    """"With a tolerance of ... a mean error of 1/4, the Hebbian memory holds about d_k/4 pairs";
    demo answer: "The Hebbian error reaches 1 at N - 1 = d_k, so about 33 pairs for d_k = 32"."""
    for d_k in (16, 32, 64):
        assert float(hebbian_crosstalk_theory(d_k // 4 + 1, d_k)) == pytest.approx(0.25)
    at_33 = retrieval_error(33, 32, n_trials=20, seed=0)
    assert at_33.mean == pytest.approx(1.0, abs=0.05)                  # 1.026


def test_delta_rule_demo_answer():
    """Demo answer: "The converged delta rule is still exact at N = 32, then degrades towards 1,
    reaching 0.5 at N = 64"."""
    assert retrieval_error(32, 32, "delta", seed=0).mean < 1e-20
    assert retrieval_error(64, 32, "delta", seed=0).mean == pytest.approx(0.5, abs=0.02)   # 0.50


def test_demo_frame_recalls_the_first_value():
    """The demo's recall panel: "the delta rule returns the stored value exactly until the keys run out
    of dimensions"; the Hebbian recall error has size sqrt((N - 1)/d_k) on average."""
    keys, values = random_unit_vectors(32, 32, seed=1), random_unit_vectors(32, 32, seed=2)
    exact = retrieve(delta_rule_memory(keys, values, epochs=None), keys[0])
    assert np.allclose(exact, values[0])
    noisy = retrieve(hebbian_memory(keys, values), keys[0])
    assert 0.3 < np.linalg.norm(noisy - values[0]) < 2.0               # one draw: 0.93


def test_softmax_attention_holds_far_more_pairs(curves):
    """"softmax attention holds far more pairs than the Hebbian memory of linear attention, and beyond
    N = d_k it retrieves better than any linear memory (the converged delta rule)"; its capacity
    grows much faster than linearly with d_k (Ramsauer et al.)."""
    n = curves.n_pairs
    soft, hebb, delta = curves.mean[3], curves.mean[0], curves.mean[2]
    assert np.all(soft[:, n >= 2] < hebb[:, n >= 2])
    for b, d_k in enumerate(curves.d_ks):
        assert np.all(soft[b, n > d_k] < delta[b, n > d_k])
    column = list(n).index(64)
    # Doubling d_k divides the softmax error by far more than the Hebbian factor 2: 5.9 and 61.
    assert np.all(soft[:-1, column] / soft[1:, column] > 4)
    assert soft[2, -1] < 0.05                                          # d_k 64, N 256: 0.015


# ---------------------------------------------------------------------------
# 5. The spiking associative memory
# ---------------------------------------------------------------------------

def test_network_parameters_are_the_ones_the_chapter_states(memories):
    """"chapter 0's neuron: τ_m = 10 ms, rest and reset at -70 mV, threshold -50 mV, R_m = 10 MΩ, 2 ms
    refractory period, membrane noise of 2 mV"; "driven by 3 nA (1.5 times the rheobase) for 30 ms,
    then 20 ms of silence"; "τ_hebb = 10 ms", "η = 0.5", "w × 4 mV"; "80 slots of 50 ms (4 s ...,
    time step 0.1 ms)"."""
    d = spiking_memory.DEFAULTS
    assert d == {"drive_nA": 3.0, "noise_mV": 2.0, "w_syn_mV": 4.0, "eta": 0.5,
                 "tau_hebb_ms": 10.0}
    rheobase_nA = (-50 - -70) / 10.0
    assert d["drive_nA"] / rheobase_nA == 1.5
    assert spiking_memory.ROW_MS * spiking_memory.ON_ROWS == 30.0
    assert spiking_memory.ROW_MS * (spiking_memory.SLOT_ROWS - spiking_memory.ON_ROWS) == 20.0
    from brian2 import ms
    net = spiking_memory._network(100, 64, 16, "auto")      # the chapter's network, already built
    assert float(net.duration / ms) == 4000.0 and float(net.dt / ms) == pytest.approx(0.1)
    cs = net.objects["cs"]
    assert "v > -50*mV" in str(cs.events["spike"])
    assert float(cs.namespace["tau_m"] / ms) == 10.0


@pytest.fixture(scope="module")
def memories():
    return {n: spiking_associative_memory(n_pairs=n, seed=0)
            for n in (1, 2, 4, 8, 16, 32, 48, 64)}


def test_eight_pairs_are_recalled(memories):
    """"With 8 pairs stored, each cue makes the paired US neurons fire and almost no others: the
    correlation ... is 0.99"; alt text: the recall matrix is "bright on the diagonal (near 1), dark
    elsewhere"."""
    m = memories[8]
    assert m.mean_correlation == pytest.approx(0.99, abs=0.01)         # 0.988
    assert m.accuracy == 1.0
    assert m.scores.false_alarms.mean() < 0.01                         # 0.004
    assert m.scores.hits.mean() > 0.95                                 # 0.99: about ten US neurons
    counts, patterns = m.recall_counts.astype(float), m.schedule.us_patterns.astype(float)
    cosine = counts @ patterns.T / (np.linalg.norm(counts, axis=1)[:, None]
                                    * np.linalg.norm(patterns, axis=1)[None, :])
    diagonal = cosine[np.arange(8), m.schedule.cue_pairs]
    off = cosine[~np.eye(8, dtype=bool)]
    assert diagonal.min() > 0.9 and off.mean() < 0.2                  # 0.95 and 0.115


def test_potentiated_synapses_follow_willshaw(memories):
    """"the fraction of potentiated synapses follows 1 - (1 - f²)^N within a percent"; "reaching 0.47
    at 64 pairs"; the learned weights are the clipped Hebbian memory."""
    for m in memories.values():
        assert abs(m.potentiated_fraction - m.potentiated_fraction_theory) < 0.01   # 0.002 at most
        s = m.schedule
        clipped = np.minimum(1, s.cs_patterns.T.astype(int) @ s.us_patterns.astype(int))
        assert np.mean((m.weights > 0.5) == clipped.astype(bool)) > 0.995
    assert memories[64].potentiated_fraction == pytest.approx(0.47, abs=0.01)        # 0.474


def test_spiking_recall_works_for_a_few_pairs_and_degrades_beyond_capacity(memories):
    """"Recall stays good up to 16 pairs (correlation 0.96 or more) and then degrades: at 64 pairs the
    paired US neurons still all fire, but so do 40% of the others, and the correlation falls to 0.55."
    Alt text: the recall correlation "falls from 1 to about 0.55"."""
    corr = {n: m.mean_correlation for n, m in memories.items()}
    assert min(corr[n] for n in (1, 2, 4, 8, 16)) >= 0.96             # 0.963 at 16
    assert corr[1] == pytest.approx(1.0, abs=1e-9)
    assert corr[32] < 0.9 and corr[48] < corr[32] and corr[64] < corr[48]   # 0.83, 0.67, 0.55
    assert corr[64] == pytest.approx(0.55, abs=0.03)                   # 0.552
    assert memories[64].scores.hits.mean() > 0.98                     # 1.00
    assert memories[64].scores.false_alarms.mean() == pytest.approx(0.40, abs=0.03)   # 0.406


def test_the_spiking_demo_answer(memories):
    """Demo answer: "The diagonal stays bright ... What changes is everything else: with more pairs ...
    other US neurons fire too". Also: later runs re-use the compiled program ("without compiling")."""
    def similarity(m):
        counts, patterns = m.recall_counts.astype(float), m.schedule.us_patterns.astype(float)
        cos = counts @ patterns.T / (np.linalg.norm(counts, axis=1)[:, None]
                                     * np.linalg.norm(patterns, axis=1)[None, :])
        rows = np.arange(len(m.schedule.cue_pairs))
        own = cos[rows, m.schedule.cue_pairs]
        mask = np.ones_like(cos, dtype=bool)
        mask[rows, m.schedule.cue_pairs] = False
        return own.mean(), cos[mask].mean()
    own_8, other_8 = similarity(memories[8])
    own_64, other_64 = similarity(memories[64])
    assert memories[64].accuracy == 1.0 and memories[8].accuracy == 1.0   # brightest in every row
    assert own_8 == pytest.approx(0.99, abs=0.01)                      # 0.99
    assert own_64 == pytest.approx(0.61, abs=0.03)                     # 0.605
    assert other_8 == pytest.approx(0.12, abs=0.02)                    # 0.115
    assert other_64 == pytest.approx(0.24, abs=0.02)                   # 0.241
    network = spiking_memory._network(100, 64, 16, "auto")
    if network.target == "cpp_standalone":
        assert network.n_builds == 1
