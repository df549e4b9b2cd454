"""Unit tests of nslib.neural_data (Chapter 7): small, fast configurations."""

import numpy as np
import pytest
from brian2 import ms, second

from nslib.neural_data import (
    bin_spikes,
    elbo_terms,
    fit_poisson_glm,
    flipflop_task,
    lagged_features,
    latent_recovery,
    linear_r2,
    lorenz_latents,
    lorenz_population,
    masked_poisson_loss,
    pretrain_transfer,
    ridge_decode,
    roc_auc,
    simulate_glm_network,
    smooth_counts,
    train_vae,
)
from nslib.neural_data._cache import input_hash
from nslib.neural_data.pretrain import build_population_model


@pytest.fixture(scope="module")
def small_population():
    # The chapter's shape (50 neurons, 200 trials, 50 bins): Brian2's compiled code is shared.
    return lorenz_population(n_neurons=50, n_trials=200, n_steps=50, mean_count=0.1, seed=0)


def test_lorenz_latents_are_z_scored_and_seeded():
    z = lorenz_latents(50, 100, seed=1)
    assert z.shape == (50, 100, 3)
    assert np.all(np.abs(z.reshape(-1, 3).mean(axis=0)) < 0.35)
    assert np.all(np.abs(z.reshape(-1, 3).std(axis=0) - 1) < 0.25)
    np.testing.assert_array_equal(z, lorenz_latents(50, 100, seed=1))
    assert not np.allclose(z, lorenz_latents(50, 100, seed=2))


def test_population_mean_count_and_shapes(small_population):
    pop = small_population
    assert pop.counts.shape == (200, 50, 50) and pop.latents.shape == (200, 50, 3)
    assert abs(pop.rates.mean() - 0.1) < 1e-9
    # Brian2's Poisson spikes: the observed mean count is within 5 standard errors of the expected one.
    se = np.sqrt(pop.rates.sum()) / pop.counts.size
    assert abs(pop.counts.mean() - 0.1) < 5 * se
    # Counts follow the rates bin by bin: Poisson counts correlate with their means by
    # sd(rate) / sqrt(var(rate) + mean(rate)); 0.05 is about 10 standard errors of a correlation here.
    r = pop.rates.ravel()
    expected = r.std() / np.sqrt(r.var() + r.mean())
    assert np.corrcoef(pop.counts.ravel(), r)[0, 1] > expected - 0.05
    np.testing.assert_allclose(pop.rates, np.exp(pop.bias + pop.latents @ pop.readout.T))


def test_population_is_seeded(small_population):
    again = lorenz_population(n_neurons=50, n_trials=200, n_steps=50, mean_count=0.1, seed=0)
    np.testing.assert_array_equal(again.counts, small_population.counts)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_neurons": 0}, "n_neurons"), ({"mean_count": 0.0}, "mean_count"),
    ({"bin_width": 1.5 * ms, "sim_dt": 1 * ms}, "bin_width"), ({"seed": -1}, "seed")])
def test_population_validation(kwargs, name):
    with pytest.raises(ValueError, match=name):
        lorenz_population(**{"n_trials": 2, "n_steps": 5, **kwargs})


def test_bin_spikes_and_smoothing():
    counts = bin_spikes([0.0, 0.019, 0.02, 0.05], [0, 0, 1, 1], 2, 2, 0.02)
    assert counts.tolist() == [[2, 0], [0, 1]]
    x = np.zeros((1, 21, 1))
    x[0, 10, 0] = 1.0
    s = smooth_counts(x, 2.0)
    assert s.sum() == pytest.approx(1.0, abs=1e-3) and s[0, 10, 0] == s.max()
    np.testing.assert_allclose(smooth_counts(np.ones((2, 8, 3)), 3.0), 1.0)
    with pytest.raises(ValueError, match="sigma_bins"):
        smooth_counts(x, -1.0)


def test_linear_r2_is_one_for_a_linear_map_and_low_for_noise():
    rng = np.random.default_rng(0)
    f = rng.normal(size=(10, 20, 4))
    z = f[..., :3] @ rng.normal(size=(3, 3))
    score = linear_r2(f[:6], z[:6], f[6:], z[6:])
    assert score.r2 == pytest.approx(1.0) and np.allclose(score.r2_per_latent, 1.0)
    assert np.allclose(score.predicted, z[6:])
    noise = rng.normal(size=(10, 20, 4))
    assert linear_r2(noise[:6], z[:6], noise[6:], z[6:]).r2 < 0.1


def test_pca_recovery_beats_shuffled_factors(small_population):
    res = latent_recovery(small_population, "pca", n_factors=3)
    assert 0.3 < res.r2 <= 1.0
    assert res.predicted.shape == res.test_latents.shape == (40, 50, 3)
    with pytest.raises(ValueError, match="method"):
        latent_recovery(small_population, "ica")
    with pytest.raises(ValueError, match="n_factors"):
        latent_recovery(small_population, "pca", n_factors=33)


def test_elbo_terms_match_closed_forms():
    import torch

    counts = torch.tensor([[[0.0, 2.0]]])
    log_rates = torch.log(torch.tensor([[[0.5, 1.5]]]))
    terms = elbo_terms(counts, log_rates, torch.zeros(1, 2), torch.zeros(1, 2))
    expected = (0 - 0.5) + (2 * np.log(1.5) - 1.5 - np.log(2.0))
    assert float(terms.log_likelihood[0]) == pytest.approx(expected, rel=1e-5)
    assert float(terms.kl[0]) == pytest.approx(0.0, abs=1e-7)
    assert float(terms.elbo[0]) == pytest.approx(expected, rel=1e-5)
    kl = elbo_terms(counts, log_rates, torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, np.log(2.0)]])).kl
    assert float(kl[0]) == pytest.approx(0.5 * (1.0 + (2 - np.log(2) - 1)), rel=1e-5)


def test_vae_training_raises_the_elbo_and_is_reproducible(monkeypatch):
    monkeypatch.setenv("NSLIB_NEURAL_DATA_CACHE", "0")
    x = np.random.default_rng(0).poisson(0.3, size=(16, 12, 6)).astype(float)
    a = train_vae(x, n_iterations=30, batch_size=8, seed=0)
    b = train_vae(x, n_iterations=30, batch_size=8, seed=0)
    np.testing.assert_array_equal(a.factors, b.factors)
    assert a.elbo[-5:].mean() > a.elbo[:5].mean()
    assert a.build_module() is not None
    with pytest.raises(ValueError, match="train_counts"):
        train_vae(-x, n_iterations=2)


def test_cache_hash_changes_with_every_input():
    base = {"x": np.zeros(3), "n": 1}
    assert input_hash("m", base) == input_hash("m", {"n": 1, "x": np.zeros(3)})
    assert input_hash("m", base) != input_hash("m", {"x": np.ones(3), "n": 1})
    assert input_hash("m", base) != input_hash("m", {"x": np.zeros(3), "n": 2})


def test_lagged_features_and_poisson_glm():
    counts = np.zeros((6, 1))
    counts[1] = 1
    assert lagged_features(counts, [(1, 1), (2, 3)])[:, 0, :].tolist() == [[0, 0], [0, 0], [1, 0], [0, 1],
                                                                         [0, 1], [0, 0]]
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20000, 3))
    y = rng.poisson(np.exp(-2.0 + X @ [0.5, -0.3, 0.0]))
    w = fit_poisson_glm(X, y, ridge=0.0)
    np.testing.assert_allclose(w, [-2.0, 0.5, -0.3, 0.0], atol=0.06)
    with pytest.raises(ValueError, match="counts"):
        fit_poisson_glm(X, -np.ones(20000))


def test_roc_auc_matches_the_pair_definition():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    scores, labels = rng.normal(size=200), rng.random(200) < 0.3
    assert roc_auc(scores, labels).auc == pytest.approx(roc_auc_score(labels, scores))
    perfect = roc_auc(np.arange(4.0), [False, False, True, True])
    assert perfect.auc == 1.0
    assert perfect.true_positive_rate.tolist() == [0.0, 0.5, 1.0, 1.0, 1.0]
    assert perfect.false_positive_rate.tolist() == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_glm_network_weights_and_spikes():
    spikes = simulate_glm_network(6, 2, 1 * second, seed=0)
    times, neurons, weights = spikes.times_s, spikes.neurons, spikes.weights_mv
    assert weights.shape == (8, 8) and np.all(np.diag(weights) == 0)
    assert set(np.unique(np.abs(weights))) <= {0.0, 1.5}
    rates = np.bincount(neurons, minlength=8) / 1.0
    assert np.all(rates > 2) and np.all(rates < 100)
    assert times.max() < 1.0


def test_masked_loss_only_counts_masked_bins():
    import torch

    counts = torch.ones(1, 4, 2)
    log_rates = torch.zeros(1, 4, 2)
    log_rates[0, 0] = 5.0                                  # a terrible prediction, but not masked
    mask = torch.tensor([[[0.0], [1.0], [1.0], [0.0]]])
    assert float(masked_poisson_loss(log_rates, counts, mask)) == pytest.approx(1.0)


def test_ridge_decode_recovers_a_linear_map_and_checks_shapes():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((8, 30, 3))
    x = z @ rng.standard_normal((3, 6))
    assert ridge_decode(x[:6], z[:6], x[6:], z[6:]).r2 > 0.99
    noise = rng.standard_normal((8, 30, 6))
    assert ridge_decode(noise[:6], z[:6], noise[6:], z[6:]).r2 < 0.1
    with pytest.raises(ValueError, match="train_x"):
        ridge_decode(x[0], z[:6], x[6:], z[6:])
    with pytest.raises(ValueError, match="train_z"):
        ridge_decode(x[:6], z[:6, :, :2], x[6:], z[6:])


def test_population_model_shapes_and_validation():
    import torch

    model = build_population_model([4, 6], width=3, d_model=8, n_layers=1, max_steps=12)
    log_rates, states = model(1, torch.zeros(2, 12, 6))
    assert tuple(log_rates.shape) == (2, 12, 6) and tuple(states.shape) == (2, 12, 8)
    for kwargs, name in [({"n_neurons": []}, "n_neurons"), ({"n_neurons": [0]}, "n_neurons"),
                         ({"d_model": 7}, "d_model"), ({"dropout": 1.0}, "dropout"),
                         ({"n_layers": 0}, "n_layers")]:
        args = {"n_neurons": [4], **kwargs}
        with pytest.raises(ValueError, match=name):
            build_population_model(args.pop("n_neurons"), **args)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_sessions": 0}, "n_sessions"), ({"new_session_trials": (1,)}, "new_session_trials"),
    ({"new_session_trials": (60,)}, "new_session_trials"), ({"d_model": 9}, "d_model"),
    ({"mask_fraction": 1.0}, "mask_fraction"), ({"n_layers": 9}, "n_layers")])
def test_pretrain_transfer_refuses_bad_settings_before_training(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pretrain_transfer(**kwargs)


def test_flipflop_task_holds_the_last_pulse():
    trials = flipflop_task(3, 30, pulse_probability=0.2, seed=0)
    x, y = trials.inputs, trials.targets
    for trial in range(3):
        for bit in range(3):
            last = 0.0
            for t in range(30):
                last = x[trial, t, bit] or last
                assert y[trial, t, bit] == last
