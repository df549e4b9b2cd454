"""The same seed gives the same figures: PNG bytes are identical across two runs."""

from __future__ import annotations

import io

import numpy as np
from brian2 import mV, ms, nA

from nslib import perceptron, spiking, vision
from nslib.plots.neurons import plot_fi_curves
from nslib.plots.perceptron import plot_errors_per_epoch, plot_mlp_xor
from nslib.plots.vision import plot_learned_filters


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def _twice(make):
    return _png(make()), _png(make())


def test_noisy_fi_curve_figure_is_reproducible():
    def make(seed=4):
        curve = spiking.fi_curve(np.linspace(0, 4, 9) * nA, duration=200 * ms,
                                 noise_sigma=3 * mV, seed=seed, target="numpy")
        return plot_fi_curves([curve])
    first, second = _twice(make)
    assert first == second
    assert _png(make(seed=5)) != first  # the seed matters


def test_perceptron_and_mlp_figures_are_reproducible():
    def errors():
        X, y = perceptron.make_separable(n=60, margin=0.1, seed=3)
        return plot_errors_per_epoch({"separable": perceptron.Perceptron(seed=3).fit(X, y)})
    assert len(set(_twice(errors))) == 1
    assert len(set(_twice(lambda: plot_mlp_xor(perceptron.train_mlp_xor(epochs=100, seed=2))))) == 1


def test_learned_filter_figure_is_reproducible():
    def make():
        patches = vision.natural_image_patches(2000, 8, seed=1)
        return plot_learned_filters(vision.fit_gabors(vision.learn_v1_filters(patches, 8, seed=1)))
    assert len(set(_twice(make))) == 1
