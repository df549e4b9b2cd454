"""Seeds decide everything random: the same seed gives the same figure (identical PNG bytes), another
seed another figure, and a numpy Generator works as a seed wherever an int does."""

from __future__ import annotations

import io

import numpy as np
import pytest
from brian2 import Hz, ms, mV, nA
from helpers import assert_generator_seed_reproducible

from nslib import attention, perceptron, rl, spiking, vision
from nslib.datasets import load_digits_split
from nslib.plots.neurons import plot_fi_curves
from nslib.plots.perceptron import plot_errors_per_epoch, plot_mlp_xor
from nslib.plots.vision import plot_learned_filters


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def _noisy_fi_curve(seed):
    return plot_fi_curves([spiking.fi_curve(np.linspace(0, 4, 9) * nA, duration=200 * ms,
                                            noise_sigma=3 * mV, seed=seed, target="numpy")])


def _perceptron_errors(seed):
    # The seed draws the data set and the perceptron's presentation order.
    X, y = perceptron.make_separable(n=60, margin=0.1, seed=seed)
    return plot_errors_per_epoch({"separable": perceptron.Perceptron(seed=seed).fit(X, y)})


def _mlp_xor(seed):
    return plot_mlp_xor(perceptron.train_mlp_xor(epochs=100, seed=seed))


def _learned_filters(seed):
    patches = vision.natural_image_patches(2000, 8, seed=seed)
    return plot_learned_filters(vision.fit_gabors(vision.learn_v1_filters(patches, 8, seed=seed)))


FIGURES = {"noisy f-I curve": _noisy_fi_curve, "perceptron errors": _perceptron_errors,
           "MLP on XOR": _mlp_xor, "learned filters": _learned_filters}


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_same_seed_same_figure_other_seed_other_figure(make):
    first = _png(make(4))
    assert first == _png(make(4))
    # Without this, a figure that ignored its seed (or drew nothing random) would pass.
    assert first != _png(make(5))


# Every seeded public function that the model tests do not already check with a Generator
# (make_separable, train_mlp_xor, natural_image_patches, simulate_lif and train_digits_cnn are).
GENERATOR_SEEDED = {
    "make_xor": lambda seed: perceptron.make_xor(n_per_corner=5, noise=0.1, seed=seed).X,
    "Perceptron": lambda seed: perceptron.Perceptron(seed=seed).fit(
        *perceptron.make_separable(n=60, margin=0.05, seed=0)).weights_per_epoch_,
    "learn_v1_filters": lambda seed: vision.learn_v1_filters(
        vision.natural_image_patches(2000, 6, seed=0), 4, seed=seed),
    "load_digits_split": lambda seed: load_digits_split(seed=seed).test_labels,
    "fi_curve": lambda seed: spiking.fi_curve(
        np.linspace(1, 3, 5) * nA, duration=200 * ms, noise_sigma=3 * mV, seed=seed,
        target="numpy").rates / Hz,
    "spiking_orientation_tuning": lambda seed: vision.spiking_orientation_tuning(
        [0.0], orientations=[0.0], seed=seed, target="numpy").spike_times / ms,
    "td_conditioning": lambda seed: rl.td_conditioning(n_trials=50, reward_prob=0.5,
                                                       seed=seed).rewarded,
    "reward_probability_responses": lambda seed: rl.reward_probability_responses(
        [0.5], n_trials=40, n_test=20, seed=seed).cue_response,
    "distributional_td": lambda seed: rl.distributional_td(n_trials=200, seed=seed).rewards,
    "decode_distribution": lambda seed: rl.decode_distribution(
        [0.5, 1.0, 2.0], [0.25, 0.5, 0.75], n_samples=10, seed=seed).samples,
    "actor_critic_corridor": lambda seed: rl.actor_critic_corridor(n_episodes=20, seed=seed).steps,
    "dopamine_population": lambda seed: rl.dopamine_population(
        np.zeros((1, 10)), n_neurons=20, seed=seed, target="numpy").spike_times / ms,
    "random_unit_vectors": lambda seed: attention.random_unit_vectors(4, 3, seed=seed),
    "retrieval_error": lambda seed: attention.retrieval_error(8, 16, n_trials=5, seed=seed).per_trial,
    "capacity_curves": lambda seed: attention.capacity_curves((2, 8), (16,), n_trials=3,
                                                              seed=seed).mean,
    "random_multihead_weights": lambda seed: attention.random_multihead_weights(4, seed=seed).w_q,
    "compare_with_torch": lambda seed: attention.compare_with_torch(4, 4, seed=seed).tokens,
    "pairing_schedule": lambda seed: attention.pairing_schedule(4, seed=seed).cs_patterns,
}


@pytest.mark.parametrize("run", GENERATOR_SEEDED.values(), ids=GENERATOR_SEEDED.keys())
def test_a_generator_seed_is_used_and_reproducible(run):
    assert_generator_seed_reproducible(run)
