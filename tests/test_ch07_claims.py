"""The claims chapters/07_neural_data.md makes, each checked on nslib.

The chapter's numbers come from its executed cells through ``{eval}``, so they cannot drift from the
code; these tests check the *words* around them. A sentence that states an effect generally is checked
for three seeds, 0, 1 and 2, in a reduced configuration where the chapter's would take minutes (each
test says which); seed ``s`` draws its own latents, neurons, spikes, synapses and initial weights. A
sentence about the run the chapter shows ("in this run") is checked for seed 0 with the chapter's calls.
Trained models are cached on disk by a hash of their inputs (``nslib.neural_data._cache``), so a second
run of this file trains nothing.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from brian2 import second

from nslib.neural_data import (
    flipflop_rnn,
    glm_connectivity,
    latent_recovery,
    lorenz_population,
    pretrain_transfer,
)

SEEDS = (0, 1, 2)


@lru_cache(maxsize=None)
def population(mean_count, seed=0):
    """The chapter's recording shape: 50 neurons, 200 trials of 50 bins."""
    return lorenz_population(n_neurons=50, n_trials=200, n_steps=50, mean_count=mean_count, seed=seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_vae_recovers_the_latents_better_than_pca_at_low_rates(seed):
    # "The claims test of this chapter checks, over three seeds, that the VAE beats PCA at low rates."
    # The chapter's configuration (seed 0 is the chapter's own run, cached by its execution).
    pop = population(0.02, seed)
    pca = latent_recovery(pop, "pca", seed=seed)
    vae = latent_recovery(pop, "vae", seed=seed)
    assert vae.r2 > pca.r2 + 0.02


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_recovery_improves_with_smoothing_and_with_the_rate(seed):
    # Section 2: smoothing of 3 bins beats none at 0.02 spikes per bin; the R² grows with the rate.
    low = population(0.02, seed)
    smoothed, raw = latent_recovery(low, "pca", sigma_bins=3.0), latent_recovery(low, "pca", sigma_bins=0.0)
    assert smoothed.r2 > raw.r2 + 0.1
    assert latent_recovery(population(0.2, seed), "pca").r2 > latent_recovery(low, "pca").r2 + 0.05
    # Section 1: at 0.02 spikes per bin most bins of the 50-neuron population hold at most one spike.
    assert np.mean(low.counts.sum(axis=2) <= 1) > 0.5


def test_the_chapter_vae_run_elbo_rises_and_its_lead_shrinks_with_the_rate():
    # "The ELBO rises ... over training in this run"; "as the rate grows, PCA catches up" (seed 0, chapter
    # configuration; cached by the chapter's execution).
    low = latent_recovery(population(0.02), "vae", seed=0)
    assert np.mean(low.elbo[-20:]) > low.elbo[0] + 10
    assert np.mean(low.kl[-20:]) > 1.0
    high = latent_recovery(population(1.0), "vae", seed=0)
    gap_low = low.r2 - latent_recovery(population(0.02), "pca", seed=0).r2
    gap_high = high.r2 - latent_recovery(population(1.0), "pca", seed=0).r2
    assert gap_low > 0.05 and gap_high < gap_low / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_glm_auc_is_well_above_chance_and_grows_with_the_recording(seed):
    # Section 5, reduced to 10 s of spikes: AUC well above 0.5, and more data helps.
    full = glm_connectivity(20, 10 * second, seed=seed)
    short = glm_connectivity(20, 10 * second, fit_seconds=1.0, seed=seed)
    assert full.auc > 0.75
    assert full.auc > short.auc + 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_flipflop_rnn_has_eight_stable_fixed_points(seed):
    # Section 4: 8 stable fixed points, one per corner of the 3-bit cube, and unstable ones between them.
    ff = flipflop_rnn(seed=seed)
    assert ff.test_error < 0.02
    assert ff.n_stable == 8
    assert len(np.unique(np.sign(ff.outputs[ff.stable]), axis=0)) == 8
    assert (~ff.stable).sum() >= 1                  # saddles between the memories


@lru_cache(maxsize=None)
def transfer(seed):
    """Section 6 in the chapter's configuration (8 sessions of 100 trials; seed 0 is the chapter's run)."""
    return pretrain_transfer(seed=seed, new_session_trials=(5, 10, 20, 50))


@pytest.mark.parametrize("seed", SEEDS)
def test_pretraining_beats_the_same_model_trained_from_scratch_from_10_trials(seed):
    # "the pretrained model beats it at 10 trials and more" (over three seeds), by a wide margin: the
    # transformer trained from scratch overfits the few trials.
    res = transfer(seed)
    at_least_10 = res.new_session_trials >= 10
    assert np.all(res.pretrained_r2[at_least_10] > res.scratch_r2[at_least_10] + 0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_smoothed_ridge_wins_at_50_trials(seed):
    # "over three seeds smoothed ridge wins at 50 trials every time"; the pretrained model still decodes
    # the latent well above chance there.
    res = transfer(seed)
    assert res.new_session_trials[-1] == 50
    assert res.ridge_r2[-1] > res.pretrained_r2[-1] + 0.02
    assert res.pretrained_r2[-1] > 0.6
