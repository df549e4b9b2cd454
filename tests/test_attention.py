"""Unit tests of nslib.attention and nslib.plots.attention (chapter 3)."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import ms, mV, nA
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param

from nslib.attention import (
    attention_gain_model,
    biased_competition,
    blocking_experiment,
    capacity_curves,
    compare_with_torch,
    crosstalk_error,
    delta_rule_memory,
    delta_rule_theory,
    hebbian_crosstalk_theory,
    hebbian_memory,
    linear_attention,
    mean_abs_overlap,
    memory_capacity,
    multihead_attention,
    naka_rushton,
    pairing_schedule,
    potentiated_fraction_theory,
    random_multihead_weights,
    random_unit_vectors,
    recall_scores,
    retrieval_error,
    retrieve,
    softmax,
    softmax_attention,
    spiking_associative_memory,
    torch_multihead_attention,
)
from nslib.plots import attention as plots


@pytest.fixture
def qkv():
    rng = np.random.default_rng(0)
    return rng.normal(size=(5, 4)), rng.normal(size=(6, 4)), rng.normal(size=(6, 3))


# ---------------------------------------------------------------------------
# softmax and softmax attention
# ---------------------------------------------------------------------------

def test_softmax_is_a_distribution_and_stable_for_huge_scores():
    w = softmax([[1000.0, 1000.0, -np.inf], [0.0, 1.0, 2.0]])
    assert np.allclose(w.sum(axis=1), 1.0)
    assert np.allclose(w[0], [0.5, 0.5, 0.0])
    e = np.exp([0.0, 1.0, 2.0])
    assert np.allclose(w[1], e / e.sum())


@pytest.mark.parametrize("bad", [[], [np.nan, 1.0], [np.inf, 0.0], [-np.inf, -np.inf]])
def test_softmax_refuses_bad_scores(bad):
    with raises_param("scores"):
        softmax(bad)


def test_softmax_attention_matches_the_formula(qkv):
    q, k, v = qkv
    res = softmax_attention(q, k, v, temperature=0.7)
    scores = q @ k.T / (0.7 * np.sqrt(4))
    w = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert res.kind == "softmax"
    assert np.allclose(res.scores, scores)
    assert np.allclose(res.weights, w)
    assert np.allclose(res.output, w @ v)


def test_temperature_sharpens_and_flattens(qkv):
    q, k, v = qkv
    sharp = softmax_attention(q, k, v, temperature=1e-4)
    flat = softmax_attention(q, k, v, temperature=1e5)
    best = np.argmax(q @ k.T, axis=1)
    assert np.allclose(sharp.output, v[best])
    assert np.allclose(flat.output, v.mean(axis=0), atol=1e-4)


def test_single_query_returns_vectors(qkv):
    q, k, v = qkv
    res = softmax_attention(q[0], k, v)
    assert res.output.shape == (3,) and res.weights.shape == (6,)
    assert np.allclose(res.output, softmax_attention(q, k, v).output[0])


def test_causal_softmax_attention_sees_only_the_past():
    x = np.random.default_rng(1).normal(size=(5, 4))
    res = softmax_attention(x, x, x, causal=True)
    assert np.allclose(np.triu(res.weights, 1), 0.0)
    assert np.allclose(res.weights.sum(axis=1), 1.0)
    assert np.allclose(res.output[0], x[0])
    with raises_param("causal"):
        softmax_attention(x[:3], x, x, causal=True)
    with raises_param("causal"):
        softmax_attention(x, x, x, causal="yes")


def test_attention_validates_its_inputs(qkv):
    q, k, v = qkv
    with raises_param("q"):
        softmax_attention(np.zeros((2, 2, 2)), k, v)
    with raises_param("k"):
        softmax_attention(q, k[:, :3], v)
    with raises_param("v"):
        softmax_attention(q, k, v[:4])
    with raises_param("temperature"):
        softmax_attention(q, k, v, temperature=0.0)
    with raises_param("q"):
        softmax_attention([[np.nan] * 4], k, v)


# ---------------------------------------------------------------------------
# linear attention
# ---------------------------------------------------------------------------

def test_linear_attention_is_hebbian_retrieval(qkv):
    q, k, v = qkv
    res = linear_attention(q, k, v)
    assert res.kind == "linear"
    assert np.allclose(res.output, retrieve(hebbian_memory(k, v), q))
    assert np.allclose(res.weights, q @ k.T)


def test_causal_linear_attention_writes_the_memory_token_by_token():
    x = np.random.default_rng(2).normal(size=(6, 4))
    res = linear_attention(x, x, x, causal=True)
    for t in range(6):
        memory_t = hebbian_memory(x[: t + 1], x[: t + 1])
        assert np.allclose(res.output[t], retrieve(memory_t, x[t]))


def test_feature_map_and_normaliser_make_weights_a_distribution(qkv):
    q, k, v = qkv
    res = linear_attention(q, k, v, feature_map="elu", normalize=True)
    assert np.all(res.weights > 0)
    assert np.allclose(res.weights.sum(axis=1), 1.0)
    assert np.all(res.output <= v.max(axis=0) + 1e-12)
    single = linear_attention(q[0], k, v, feature_map="elu")
    assert single.output.shape == (3,)
    causal = linear_attention(q[:6] if len(q) >= 6 else k, k, v, feature_map="elu",
                              normalize=True, causal=True)
    assert np.allclose(causal.weights.sum(axis=1), 1.0)


def test_linear_attention_validates(qkv):
    q, k, v = qkv
    with raises_param("feature_map"):
        linear_attention(q, k, v, feature_map="relu")
    with raises_param("normalize"):
        linear_attention(q, k, v, normalize=True)
    with raises_param("normalize"):
        linear_attention(q, k, v, normalize="no")
    with raises_param("causal"):
        linear_attention(q, k, v, causal=1)


# ---------------------------------------------------------------------------
# multi-head attention, numpy and torch
# ---------------------------------------------------------------------------

def test_numpy_and_torch_multihead_attention_agree_and_torch_state_is_restored():
    import torch

    threads = torch.get_num_threads()
    w = random_multihead_weights(8, seed=3)
    rng = np.random.default_rng(4)
    xq, xkv = rng.normal(size=(3, 8)), rng.normal(size=(5, 8))
    ours = multihead_attention(xq, xkv, xkv, w, n_heads=4)
    theirs = torch_multihead_attention(xq, xkv, xkv, w, n_heads=4)
    assert ours.backend == "numpy" and theirs.backend == "torch"
    assert ours.output.shape == theirs.output.shape == (3, 8)
    assert ours.weights.shape == theirs.weights.shape == (4, 3, 5)
    assert np.max(np.abs(ours.output - theirs.output)) < 1e-12
    assert np.max(np.abs(ours.weights - theirs.weights)) < 1e-12
    assert torch.get_num_threads() == threads


def test_one_head_is_projected_softmax_attention():
    w = random_multihead_weights(4, seed=0)
    x = np.random.default_rng(5).normal(size=(3, 4))
    res = multihead_attention(x, x, x, w, n_heads=1)
    q, k, v = x @ w.w_q.T + w.b_q, x @ w.w_k.T + w.b_k, x @ w.w_v.T + w.b_v
    expected = softmax_attention(q, k, v).output @ w.w_o.T + w.b_o
    assert np.allclose(res.output, expected)
    assert w.d_model == 4


def test_multihead_validates():
    w = random_multihead_weights(4, seed=0)
    x = np.zeros((3, 4))
    with raises_param("n_heads"):
        multihead_attention(x, x, x, w, n_heads=3)
    with raises_param("n_heads"):
        multihead_attention(x, x, x, w, n_heads=0)
    with raises_param("weights"):
        multihead_attention(x, x, x, {"w_q": 1}, n_heads=2)
    with raises_param("x_key"):
        multihead_attention(x, np.zeros((3, 5)), x, w)
    with raises_param("x_value"):
        multihead_attention(x, x, np.zeros((2, 4)), w)
    with raises_param("d_model"):
        random_multihead_weights(0)
    with raises_param("n_tokens"):
        compare_with_torch(n_tokens=0)


def test_compare_with_torch_is_seeded():
    a, b = compare_with_torch(seed=7), compare_with_torch(seed=7)
    assert np.array_equal(a.tokens, b.tokens)
    assert np.array_equal(a.numpy_result.output, b.numpy_result.output)
    assert a.max_output_difference < 1e-12 and a.max_weight_difference < 1e-12


# ---------------------------------------------------------------------------
# memories
# ---------------------------------------------------------------------------

def test_random_unit_vectors():
    x = random_unit_vectors(50, 7, seed=1)
    assert x.shape == (50, 7) and np.allclose(np.linalg.norm(x, axis=1), 1.0)
    assert np.array_equal(x, random_unit_vectors(50, 7, seed=1))
    with raises_param("n"):
        random_unit_vectors(0, 3)
    with raises_param("d"):
        random_unit_vectors(3, 0)


def test_hebbian_memory_is_a_sum_of_outer_products():
    keys, values = random_unit_vectors(4, 6, seed=0), random_unit_vectors(4, 3, seed=1)
    M = hebbian_memory(keys, values)
    assert np.allclose(M, sum(np.outer(v, k) for k, v in zip(keys, values, strict=True)))
    with raises_param("values"):
        hebbian_memory(keys, values[:3])


def test_one_delta_write_makes_the_pair_exact():
    keys, values = random_unit_vectors(3, 8, seed=2), random_unit_vectors(3, 5, seed=3)
    M = delta_rule_memory(keys, values, lr=1.0, epochs=1)
    assert np.allclose(retrieve(M, keys[-1]), values[-1])           # the last pair written
    assert not np.allclose(retrieve(M, keys[0]), values[0])          # an earlier one disturbed


def test_delta_rule_converges_to_the_pseudo_inverse_memory():
    keys, values = random_unit_vectors(6, 10, seed=4), random_unit_vectors(6, 4, seed=5)
    converged = delta_rule_memory(keys, values, epochs=None)
    assert np.allclose(converged, values.T @ np.linalg.pinv(keys.T))
    assert np.allclose(retrieve(converged, keys), values)
    online = delta_rule_memory(keys, values, lr=1.0, epochs=300)
    assert np.allclose(online, converged, atol=1e-8)


def test_delta_rule_initial_memory_and_validation():
    keys, values = np.eye(2), np.array([[1.0], [2.0]])
    start = np.array([[1.0, 2.0]])
    assert np.allclose(delta_rule_memory(keys, values, initial=start), start)   # nothing to learn
    with raises_param("initial"):
        delta_rule_memory(keys, values, initial=np.zeros((2, 2)))
    with raises_param("lr"):
        delta_rule_memory(keys, values, lr=2.0)
    with raises_param("epochs"):
        delta_rule_memory(keys, values, epochs=0)


def test_retrieve_validates_shapes():
    assert retrieve(np.eye(2), [[1.0, 0.0]]).shape == (1, 2)
    with raises_param("queries"):
        retrieve(np.eye(2), [1.0, 0.0, 0.0])
    with raises_param("M"):
        retrieve(np.zeros(3), [1.0])


def test_theories():
    assert float(hebbian_crosstalk_theory(1, 8)) == 0.0
    assert np.allclose(hebbian_crosstalk_theory([9, 17], 16), [0.5, 1.0])
    assert np.allclose(delta_rule_theory([8, 16, 32], 16), [0.0, 0.0, 0.5])
    with raises_param("n_pairs", ">= 1"):
        hebbian_crosstalk_theory(0, 4)
    with raises_param("d_k", ">= 1"):
        delta_rule_theory(4, 0)


def test_retrieval_error_is_seeded_and_consistent():
    a = retrieval_error(10, 16, seed=3)
    b = retrieval_error(10, 16, seed=3)
    assert np.array_equal(a.per_trial, b.per_trial) and a.worst == b.worst
    assert a.worst >= a.mean > 0 and a.sem > 0
    assert a.per_trial.shape == (20,) and a.d_v == 16 and a.rule == "hebbian"
    assert retrieval_error(1, 8, n_trials=1).mean == pytest.approx(0.0, abs=1e-24)
    one_pass = retrieval_error(10, 16, "delta", epochs=1, seed=3)
    assert np.isnan(one_pass.theory) and one_pass.epochs == 1
    soft = retrieval_error(10, 16, "softmax", beta=50.0, d_v=4, seed=3)
    assert soft.d_v == 4 and soft.mean < a.mean


def test_retrieval_error_validates():
    with raises_param("rule"):
        retrieval_error(4, 4, rule="oja")
    with raises_param("n_pairs"):
        retrieval_error(0, 4)
    with raises_param("d_k"):
        retrieval_error(4, 0)
    with raises_param("epochs"):
        retrieval_error(4, 4, rule="hebbian", epochs=2)
    with raises_param("beta"):
        retrieval_error(4, 4, rule="softmax", beta=-1.0)


def test_capacity_curves_shapes_and_validation():
    c = capacity_curves([1, 4], [4, 8], rules=("hebbian", "delta, 1 pass", "softmax"),
                        n_trials=3, seed=0)
    assert c.mean.shape == c.worst.shape == c.theory.shape == (3, 2, 2)
    assert np.all(np.isfinite(c.theory[0])) and np.all(np.isnan(c.theory[1:]))
    assert capacity_curves([2], [4], rules="hebbian", n_trials=2).rules == ("hebbian",)
    with raises_param("rules"):
        capacity_curves([2], [4], rules=("magic",))
    with raises_param("rules"):
        capacity_curves([2], [4], rules=())
    with raises_param("n_pairs"):
        capacity_curves([2.5], [4])
    with raises_param("d_ks"):
        capacity_curves([2], [0])


def test_memory_capacity_shapes_nesting_and_crossing():
    res = memory_capacity([8, 16], rule="hebbian", n_pairs=[1, 2, 4, 8, 16], n_trials=3,
                          n_probes=4, tolerance=0.5, seed=0)
    assert res.mean_error.shape == res.sem.shape == (2, 5) and res.capacity.shape == (2,)
    assert res.beta_scaling is None and np.all(np.isnan(res.betas))
    assert np.allclose(res.mean_error[:, 0], 0.0, atol=1e-24)          # one pair: exact
    # The capacity lies between the two grid points around the first crossing of the tolerance.
    for b in range(2):
        i = int(np.flatnonzero(res.mean_error[b] >= 0.5)[0])
        assert res.n_pairs[i - 1] <= res.capacity[b] <= res.n_pairs[i]
    never = memory_capacity([64], rule="softmax", n_pairs=[1, 2, 4], n_trials=2, seed=0)
    assert np.isnan(never.capacity[0]) and never.betas.tolist() == [8.0]
    assert np.isnan(never.log_capacity_slope())
    linear = memory_capacity([4], rule="softmax", beta_scaling="linear", n_pairs=[2, 4], n_trials=2)
    assert linear.betas.tolist() == [4.0] and linear.beta_scaling == "linear"


def test_memory_capacity_draws_do_not_depend_on_the_errors():
    # Every pair of a trial is drawn before any error is known: the tolerance changes nothing drawn.
    a = memory_capacity([8], rule="softmax", n_pairs=[2, 8, 32], tolerance=0.1, seed=5)
    b = memory_capacity([8], rule="softmax", n_pairs=[2, 8, 32], tolerance=0.6, seed=5)
    assert np.array_equal(a.mean_error, b.mean_error)
    # The least-squares memory is exact up to d_k and follows 1 - d_k/N beyond.
    ls = memory_capacity([8], rule="delta", n_pairs=[4, 8, 32], n_trials=20, n_probes=32, seed=1)
    assert ls.mean_error[0, :2].max() < 1e-20
    assert ls.mean_error[0, 2] == pytest.approx(1 - 8 / 32, abs=4 * ls.sem[0, 2])
    assert_generator_seed_reproducible(
        lambda rng: memory_capacity([4], n_pairs=[2, 4], n_trials=2, seed=rng).mean_error)


@pytest.mark.parametrize("name, kwargs", [
    ("d_ks", {"d_ks": [16, 8]}), ("d_ks", {"d_ks": [0]}), ("rule", {"rule": "oja"}),
    ("beta_scaling", {"beta_scaling": "cubic"}), ("tolerance", {"tolerance": 1.0}),
    ("n_pairs", {"n_pairs": [4, 2]}), ("n_pairs", {"n_pairs": [2.5]}),
    ("n_trials", {"n_trials": 0}), ("n_probes", {"n_probes": 0})])
def test_memory_capacity_validates(name, kwargs):
    with raises_param(name):
        memory_capacity(**{"n_pairs": [1, 2], **kwargs})


def test_log_capacity_fit_recovers_a_known_line():
    res = memory_capacity([16, 36], rule="hebbian", n_pairs=[1, 2], n_trials=2)
    fake = type(res)(**{**res.__dict__, "capacity": np.exp(0.5 + 2.0 * np.sqrt(res.d_ks))})
    assert fake.log_capacity_fit("sqrt_d_k") == pytest.approx((2.0, 0.5))
    with raises_param("against"):
        fake.log_capacity_fit("log")


def test_mean_abs_overlap_matches_sampling_and_its_limit():
    x = random_unit_vectors(20000, 9, seed=0)
    y = random_unit_vectors(20000, 9, seed=1)
    sample = np.abs(np.sum(x * y, axis=1))
    assert float(mean_abs_overlap(9)) == pytest.approx(sample.mean(), abs=4 * sample.std() / 141)
    assert float(mean_abs_overlap(400)) == pytest.approx(np.sqrt(2 / (np.pi * 400)), rel=0.01)
    with raises_param("d"):
        mean_abs_overlap(1)


def test_crosstalk_error_compares_the_same_memories():
    base = crosstalk_error(8, 16, n_trials=500, seed=2)
    flipped = crosstalk_error(8, 16, overlaps="positive", n_trials=500, seed=2)
    assert base.theory == flipped.theory == pytest.approx(7 / 16)
    assert base.mean != flipped.mean                                    # same draws, other signs
    shared = crosstalk_error(8, 16, overlaps="positive", values="shared", n_trials=500, seed=2)
    assert shared.theory == pytest.approx(7 / 16 + 42 * float(mean_abs_overlap(16)) ** 2)
    assert_generator_seed_reproducible(
        lambda rng: crosstalk_error(4, 4, n_trials=10, seed=rng).mean)
    for name, kwargs in (("n_pairs", {"n_pairs": 1}), ("d_k", {"d_k": 1}),
                         ("overlaps", {"overlaps": "negative"}), ("values", {"values": "same"}),
                         ("n_trials", {"n_trials": 1})):
        with raises_param(name):
            crosstalk_error(**{"n_pairs": 4, "d_k": 4, **kwargs})


def test_blocking_validates_and_records_every_trial():
    res = blocking_experiment("delta", n_phase1=3, n_phase2=4)
    assert res.strengths.shape == (8, 2) and res.control_strengths.shape == (5, 2)
    assert np.all(res.strengths[:4, 1] == 0.0)          # B absent in phase 1
    with raises_param("rule"):
        blocking_experiment("oja")
    with raises_param("lr"):
        blocking_experiment(lr=1.0)
    with raises_param("us"):
        blocking_experiment(us=0.0)


# ---------------------------------------------------------------------------
# attention in the brain
# ---------------------------------------------------------------------------

def test_biased_competition_limits_and_validation():
    res = biased_competition(attention_gain=1.0)
    assert res.pair_attend_preferred == pytest.approx(res.pair)
    strong = biased_competition(attention_gain=100.0, sigma=0.0)
    assert strong.pair_attend_preferred == pytest.approx(strong.preferred_alone, rel=0.02)
    assert strong.pair_attend_poor == pytest.approx(strong.poor_alone, rel=0.05)
    with raises_param("poor_weight"):
        biased_competition(preferred_weight=0.1, poor_weight=0.5)
    with raises_param("attention_gain"):
        biased_competition(attention_gain=0.5)
    with raises_param("contrast"):
        biased_competition(contrast=0.0)


def test_naka_rushton():
    assert np.allclose(naka_rushton([0.0, 1.0], 2.0, 1.0), [0.0, 1.0])
    with raises_param("contrast"):
        naka_rushton([1.5], 1.0, 0.2)
    with raises_param("c50"):
        naka_rushton([0.5], 1.0, 0.0)


def test_normalization_model_is_consistent():
    res = attention_gain_model(tuning_contrast=0.3)
    centre = np.argmin(np.abs(res.positions))
    preferred = np.argmin(np.abs(res.orientations))
    # The population image and the Naka-Rushton parameters describe the same neuron.
    assert res.response[centre, preferred] == pytest.approx(
        float(naka_rushton(0.3, res.r_max, res.c50, res.exponent)))
    assert np.allclose(res.tuning_curve, res.response[centre])
    assert res.contrast_response.shape == res.contrasts.shape == (25,)
    assert np.all(np.diff(res.contrast_response) > 0)
    assert res.attention_field.max() == pytest.approx(2.0, rel=1e-3)


def test_attention_field_and_tuning_widths():
    res = attention_gain_model(attention_width=4.0, tuning_width=30.0)
    assert res.attention_fwhm == pytest.approx(4.0 * 2.0 * np.sqrt(2.0 * np.log(2.0)))
    assert res.tuning_width == 30.0
    w = np.radians(30.0)
    half = np.degrees(0.5 * np.arccos(1 - w**2 * np.log(2)))
    assert res.tuning_half_width == pytest.approx(half)
    broad = attention_gain_model(tuning_width=90.0)
    assert broad.tuning_half_width == pytest.approx(67.6, abs=0.1)


def test_no_attention_changes_nothing():
    res = attention_gain_model(attention_gain=1.0)
    assert np.allclose(res.contrast_response, res.contrast_response_unattended)
    assert res.c50 == pytest.approx(res.c50_unattended)


@pytest.mark.parametrize("name, value", [
    ("stimulus_size", 0.0), ("attention_width", 100.0), ("attention_gain", 0.5),
    ("tuning_contrast", 0.0), ("rf_width", 0.0), ("suppression_width", 50.0),
    ("tuning_width", 1.0), ("sigma", 0.0), ("exponent", 5.0), ("n_orientations", 2)])
def test_normalization_model_validates(name, value):
    with raises_param(name):
        attention_gain_model(**{name: value})


def test_normalization_model_refuses_bad_contrasts():
    with raises_param("contrasts"):
        attention_gain_model(contrasts=[0.0, 0.5])


# ---------------------------------------------------------------------------
# spiking associative memory
# ---------------------------------------------------------------------------

def test_pairing_schedule_drives_the_right_neurons():
    s = pairing_schedule(3, n_neurons=12, pattern_size=3, max_pairs=4, max_cues=2, drive=2.5 * nA,
                         seed=1)
    assert s.cs_current_nA.shape == s.us_current_nA.shape == (30, 12)
    assert s.n_pairs == 3 and s.learning_slots == 4
    assert np.array_equal(s.cs_current_nA[0] > 0, s.cs_patterns[0])
    assert np.array_equal(s.us_current_nA[5] > 0, s.us_patterns[1])
    assert np.all(s.cs_current_nA[3:5] == 0)                         # the silent gap
    assert np.all(s.us_current_nA[15:] == 0)                         # unused slot, then cues
    assert np.array_equal(s.cs_current_nA[20] > 0, s.cs_patterns[s.cue_pairs[0]])
    assert s.learning[:20].min() == 1.0 and s.learning[20:].max() == 0.0
    assert s.cue_window_ms(1) == (250.0, 300.0)


def test_pairing_schedule_draws_one_block_whatever_n_pairs():
    # The patterns are drawn for every pairing slot, so a smaller memory holds the first pairs of a
    # larger one, and what is drawn after them (the noise seed) does not depend on n_pairs.
    small = pairing_schedule(3, n_neurons=30, pattern_size=5, max_pairs=10, seed=7)
    large = pairing_schedule(10, n_neurons=30, pattern_size=5, max_pairs=10, seed=7)
    assert np.array_equal(small.cs_patterns, large.cs_patterns[:3])
    assert np.array_equal(small.us_patterns, large.us_patterns[:3])
    assert np.all(large.cs_patterns.sum(axis=1) == 5) and np.all(large.us_patterns.sum(axis=1) == 5)
    assert not np.array_equal(large.cs_patterns, large.us_patterns)
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(1)
    pairing_schedule(2, max_pairs=8, seed=rng_a)
    pairing_schedule(8, max_pairs=8, seed=rng_b)
    assert rng_a.integers(0, 2**31) == rng_b.integers(0, 2**31)
    # Every neuron is equally likely to be in a pattern.
    many = pairing_schedule(1000, n_neurons=20, pattern_size=5, max_pairs=1000, seed=0)
    assert np.allclose(many.cs_patterns.mean(axis=0), 0.25, atol=0.05)


def test_pairing_schedule_accepts_given_patterns_and_validates():
    cs = np.eye(3, 5, dtype=bool)
    s = pairing_schedule(3, n_neurons=5, max_pairs=3, max_cues=3, cs_patterns=cs,
                         us_patterns=cs[::-1])
    assert np.array_equal(s.cs_patterns, cs) and s.cue_pairs.tolist() == [0, 1, 2]
    with raises_param("cs_patterns"):
        pairing_schedule(3, n_neurons=5, cs_patterns=cs)
    with raises_param("us_patterns"):
        pairing_schedule(3, n_neurons=5, cs_patterns=cs, us_patterns=np.zeros((3, 5)))
    with raises_param("cs_patterns"):
        pairing_schedule(2, n_neurons=5, cs_patterns=cs, us_patterns=cs)
    with raises_param("n_pairs"):
        pairing_schedule(5, max_pairs=4)
    with raises_param("pattern_size"):
        pairing_schedule(1, n_neurons=5, pattern_size=6)


def test_recall_scores_handles_silence_and_ties():
    us = np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool)
    s = recall_scores([[0, 0, 0, 0], [1, 1, 1, 1]], us, [0, 1])
    assert s.correlation.tolist() == [0.0, 0.0]
    assert s.similarity.shape == (2, 2) and s.similarity[0].tolist() == [0.0, 0.0]
    assert s.own_similarity == pytest.approx([0.0, np.sqrt(0.5)])
    assert s.correct.tolist() == [False, False]
    with raises_param("counts"):
        recall_scores([[1, 2]], us, [0])
    with raises_param("cue_pairs"):
        recall_scores([[1, 1, 0, 0]], us, [2])


def test_potentiated_fraction_theory():
    assert float(potentiated_fraction_theory(0)) == 0.0
    assert np.allclose(potentiated_fraction_theory([1, 2], 10, 5), [0.25, 1 - 0.75**2])
    with raises_param("n_pairs", ">= 0"):
        potentiated_fraction_theory(-1)


def test_spiking_memory_learns_the_pairs_numpy():
    res = spiking_associative_memory(3, n_neurons=40, pattern_size=10, max_pairs=3, max_cues=3,
                                     seed=2, target="numpy")
    s = res.schedule
    expected = (s.cs_patterns.T.astype(int) @ s.us_patterns.astype(int)) > 0
    assert np.mean((res.weights > 0.5) == expected) > 0.98
    assert res.target == "numpy"
    assert res.recall_counts.shape == (3, 40)
    assert res.accuracy == 1.0 and res.mean_correlation > 0.9 and res.mean_similarity > 0.9
    assert res.scores.own_similarity.shape == (3,) and 0 <= res.other_similarity < 0.5
    # The same seed gives the same spikes.
    again = spiking_associative_memory(3, n_neurons=40, pattern_size=10, max_pairs=3,
                                       max_cues=3, seed=2, target="numpy")
    assert np.array_equal(res.us_spike_times_ms, again.us_spike_times_ms)


def test_spiking_memory_validates():
    with raises_param("target"):
        spiking_associative_memory(target="cython")
    with raises_param("w_syn", ">= 0. V"):
        spiking_associative_memory(w_syn=-1 * mV)
    with raises_param("w_syn", "quantity in mV"):
        spiking_associative_memory(w_syn=4.0)              # a float: the unit is missing
    with raises_param("eta"):
        spiking_associative_memory(eta=2.0)
    with raises_param("tau_hebb"):
        spiking_associative_memory(tau_hebb=0 * ms)
    with raises_param("noise_sigma"):
        spiking_associative_memory(noise_sigma=11 * mV)
    with raises_param("drive"):
        spiking_associative_memory(drive=3 * mV)           # a voltage, not a current


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------

def test_brain_figures_are_labelled():
    small = attention_gain_model(stimulus_size=1.0, attention_width=10.0)
    large = attention_gain_model(stimulus_size=20.0, attention_width=1.0)
    for fig in (plots.plot_biased_competition(biased_competition()),
                plots.plot_normalization_model(small),
                plots.plot_contrast_gain(small, large),
                plots.plot_contrast_gain(small, titles=["one"]),
                plots.plot_tuning_gain(small, ymax=5.0)):
        assert_labelled_figure(fig)
    with raises_param("titles"):
        plots.plot_contrast_gain(small, titles=["a", "b"])
    with raises_param("results"):
        plots.plot_contrast_gain()
    with raises_param("result"):
        plots.plot_tuning_gain(biased_competition())


def test_transformer_and_memory_figures_are_labelled():
    x = np.random.default_rng(0).normal(size=(4, 4))
    pattern = softmax_attention(x, x, x)
    curves = capacity_curves([1, 4, 16], [4, 8], rules=("hebbian", "delta", "delta, 1 pass"),
                             n_trials=2)
    one = capacity_curves([1, 4], [8], rules=("hebbian", "delta"), n_trials=2)
    keys, values = random_unit_vectors(4, 8, seed=0), random_unit_vectors(4, 8, seed=1)
    for fig in (plots.plot_attention_pattern(pattern, labels=list("abcd"), temperature=1.0),
                plots.plot_attention_pattern(pattern),
                plots.plot_torch_comparison(compare_with_torch(n_tokens=3, d_model=4)),
                plots.plot_blocking(blocking_experiment("delta"), blocking_experiment("hebbian")),
                plots.plot_capacity(curves),
                plots.plot_capacity_demo(one, 4, keys, values,
                                         {"hebbian": retrieve(hebbian_memory(keys, values),
                                                              keys[0])})):
        assert_labelled_figure(fig)
    with raises_param("recalled"):
        plots.plot_capacity_demo(one, 4, keys, values, {"softmax": values[0]})
    soft = memory_capacity([4, 9], n_pairs=[1, 2, 4, 8, 16, 32], n_trials=2, seed=0)
    lin = memory_capacity([4, 6], beta_scaling="linear", n_pairs=[1, 2, 4, 8, 16, 32], n_trials=2)
    hebb = memory_capacity([4, 8], rule="hebbian", n_pairs=[1, 2, 3, 4], n_trials=2)
    assert_labelled_figure(plots.plot_memory_capacity([soft, lin, hebb]))
    assert_labelled_figure(plots.plot_memory_capacity([hebb], curves_of=0))
    with raises_param("results"):
        plots.plot_memory_capacity([])
    with raises_param("results"):
        plots.plot_memory_capacity([soft, memory_capacity([4], n_pairs=[1, 2], tolerance=0.5)])
    with raises_param("curves_of"):
        plots.plot_memory_capacity([soft], curves_of=1)
    assert plots.plot_capacity(curves).axes[0].get_xscale() == "linear"   # N on a linear axis
    with raises_param("labels"):
        plots.plot_attention_pattern(pattern, labels=["a"])
    with raises_param("results"):
        plots.plot_blocking()


def test_spiking_figures_are_labelled():
    runs = [spiking_associative_memory(n, n_neurons=40, pattern_size=10, max_pairs=2, max_cues=2,
                                       target="numpy") for n in (1, 2)]
    assert_labelled_figure(plots.plot_spiking_memory(runs[1]))
    assert_labelled_figure(plots.plot_spiking_capacity(runs))
    with raises_param("results"):
        plots.plot_spiking_capacity([])


def test_seeded_figures_are_byte_identical():
    import io

    def png(fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return buffer.getvalue()

    def capacity(seed):
        return png(plots.plot_capacity(capacity_curves([2, 8], [8], n_trials=3, seed=seed)))

    def spiking(seed):
        return png(plots.plot_spiking_memory(spiking_associative_memory(
            2, n_neurons=40, pattern_size=10, max_pairs=2, max_cues=2, seed=seed,
            target="numpy")))

    assert capacity(1) == capacity(1) and capacity(2) != capacity(1)
    assert spiking(3) == spiking(3) and spiking(4) != spiking(3)
