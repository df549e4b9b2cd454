"""Unit tests of nslib.rsa and nslib.plots.rsa (chapter 6): RDMs, their comparison, CKA, network layers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param
from scipy.spatial.distance import pdist, squareform
from scipy.stats import kendalltau, spearmanr

from nslib import rsa
from nslib.datasets import load_digits_split
from nslib.plots import rsa as plots
from nslib.predictive import init_digits_mlp
from nslib.vision import train_digits_cnn
from nslib.vision.cnn import cnn_feature_maps, convolve_filters


@pytest.fixture(scope="module")
def patterns():
    return np.random.default_rng(0).normal(size=(12, 30))


def test_rdm_matches_scipy(patterns):
    d = rsa.rdm(patterns)
    assert np.allclose(d, squareform(pdist(patterns, metric="correlation")))
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)
    e = rsa.rdm(patterns, metric="euclidean")
    assert np.allclose(e, squareform(pdist(patterns, metric="sqeuclidean")) / patterns.shape[1])
    # Patterns that differ only by a positive gain and an offset are identical for the correlation
    # distance; a negative gain makes them opposite (2).
    scaled = np.r_[patterns[:2], 3 * patterns[:1] + 1, -3 * patterns[:1] + 1]
    assert rsa.rdm(scaled)[0, 2] == pytest.approx(0.0, abs=1e-12)
    assert rsa.rdm(scaled)[0, 3] == pytest.approx(2.0, abs=1e-12)
    # Any number of dimensions per stimulus: flattened.
    assert np.allclose(rsa.rdm(patterns.reshape(12, 5, 6)), d)


@pytest.mark.parametrize("call, name", [
    (lambda p: rsa.rdm(p[:2]), "patterns"), (lambda p: rsa.rdm(p[0]), "patterns"),
    (lambda p: rsa.rdm(np.r_[p[:3], np.ones((1, 30))]), "patterns"),
    (lambda p: rsa.rdm(p, metric="cosine"), "metric"),
    (lambda p: rsa.category_rdm([[0, 1, 2]]), "labels"), (lambda p: rsa.category_rdm([0, 1]), "labels"),
    (lambda p: rsa.compare_rdms(np.zeros((3, 4)), np.zeros((3, 3))), "a"),
    (lambda p: rsa.compare_rdms(rsa.rdm(p), rsa.rdm(p[:5])), "b"),
    (lambda p: rsa.compare_rdms(rsa.rdm(p), rsa.rdm(p), method="cosine"), "method"),
    (lambda p: rsa.category_ceiling([0, 1, 1], method="r"), "method"),
    (lambda p: rsa.linear_cka(p, p[:5]), "y"),
    (lambda p: rsa.linear_cka(np.ones((5, 3)), p[:5]), "x"),
])
def test_tools_validate(patterns, call, name):
    with raises_param(name):
        call(patterns)


def test_compare_rdms_matches_scipy(patterns):
    a = rsa.rdm(patterns)
    b = rsa.rdm(patterns + np.random.default_rng(1).normal(scale=2.0, size=patterns.shape))
    upper = np.triu_indices(12, k=1)
    assert rsa.compare_rdms(a, b) == pytest.approx(spearmanr(a[upper], b[upper]).statistic)
    assert rsa.compare_rdms(a, b, "pearson") == pytest.approx(np.corrcoef(a[upper], b[upper])[0, 1])
    # Without ties, Kendall's tau-a is scipy's tau-b.
    assert rsa.compare_rdms(a, b, "kendall_tau_a") == pytest.approx(kendalltau(a[upper], b[upper]).statistic)


def test_kendall_tau_a_counts_ties_as_neither():
    labels = np.repeat([0, 1, 2], 3)
    cat = rsa.category_rdm(labels)
    other = rsa.rdm(np.random.default_rng(2).normal(size=(9, 5)))
    ua, ub = cat[np.triu_indices(9, 1)], other[np.triu_indices(9, 1)]
    n = len(ua)
    naive = sum(np.sign(ua[i] - ua[j]) * np.sign(ub[i] - ub[j])
                for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    assert rsa.compare_rdms(cat, other, "kendall_tau_a") == pytest.approx(naive)
    assert rsa.compare_rdms(cat, cat, "kendall_tau_a") < 1.0       # ties are not rewarded
    # Ties on both sides, counted by brute force.
    rng = np.random.default_rng(4)
    a = rng.integers(0, 3, size=(12, 12)).astype(float)
    b = rng.integers(0, 4, size=(12, 12)).astype(float)
    a, b = a + a.T, b + b.T
    ua, ub = a[np.triu_indices(12, 1)], b[np.triu_indices(12, 1)]
    n = len(ua)
    naive = np.sum(np.sign(ua[:, None] - ua[None, :]) * np.sign(ub[:, None] - ub[None, :])) / (n * (n - 1))
    assert rsa.compare_rdms(a, b, "kendall_tau_a") == pytest.approx(naive, abs=1e-12)
    constant = np.ones((4, 4)) - np.eye(4)
    assert np.isnan(rsa.compare_rdms(constant, rsa.rdm(rng.normal(size=(4, 5))), "kendall_tau_a"))


def test_category_rdm_and_its_ceiling():
    labels = np.repeat(np.arange(4), 5)
    cat = rsa.category_rdm(labels)
    assert cat.sum() == 20 * 20 - 4 * 25 and np.all(np.diag(cat) == 0)
    ceiling = rsa.category_ceiling(labels)
    # Any RDM with every within-class pair below every between-class pair reaches the ceiling.
    rng = np.random.default_rng(0)
    noise = rng.uniform(0, 0.4, size=cat.shape)
    perfect = cat + (noise + noise.T) / 2
    np.fill_diagonal(perfect, 0)
    assert rsa.compare_rdms(perfect, cat) == pytest.approx(ceiling)
    assert ceiling < 1.0
    worse = perfect + rng.uniform(0, 2, size=cat.shape)
    worse = (worse + worse.T) / 2
    np.fill_diagonal(worse, 0)
    assert rsa.compare_rdms(worse, cat) < ceiling
    assert rsa.category_ceiling(np.repeat(np.arange(10), 10)) == pytest.approx(0.498, abs=0.001)


def _cka_by_hsic(x, y):
    # Kornblith et al. (2019), eq. 3 with linear kernels: HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)).
    n = len(x)
    h = np.eye(n) - np.ones((n, n)) / n
    k, m = h @ x @ x.T @ h, h @ y @ y.T @ h
    return np.sum(k * m) / np.sqrt(np.sum(k * k) * np.sum(m * m))


def test_linear_cka(patterns):
    rng = np.random.default_rng(3)
    y = patterns @ rng.normal(size=(30, 7)) + rng.normal(size=(12, 7))
    assert rsa.linear_cka(patterns, y) == pytest.approx(_cka_by_hsic(patterns, y))
    rotation = np.linalg.qr(rng.normal(size=(30, 30)))[0]
    assert rsa.linear_cka(patterns, 5 * patterns @ rotation + 2) == pytest.approx(1.0)
    assert rsa.linear_cka(patterns, y) == pytest.approx(rsa.linear_cka(y, patterns))
    big = rng.normal(size=(500, 20))
    assert rsa.linear_cka(big, rng.normal(size=(500, 20))) < 0.1      # unrelated representations


def test_category_structure():
    rng = np.random.default_rng(5)
    labels = np.repeat(np.arange(4), 6)
    means = rng.normal(size=(4, 7)) * [3.0, 1.0, 0.5, 0.2, 0.1, 0.05, 0.0]
    pure = means[labels]
    s = rsa.category_structure(pure, labels)
    assert s.between_fraction == pytest.approx(1.0)
    # No variance within classes: linear CKA with balanced one-hot labels is sqrt(d / (classes - 1)).
    onehot = np.eye(4)[labels]
    assert rsa.linear_cka(pure, onehot) == pytest.approx(np.sqrt(s.class_dimensionality / 3))
    noisy = pure + rng.normal(scale=0.5, size=pure.shape)
    assert 0 < rsa.category_structure(noisy, labels).between_fraction < 1
    # Class means equally far apart in every direction: the full 3 dimensions.
    simplex = np.eye(4)[labels]
    assert rsa.category_structure(simplex, labels).class_dimensionality == pytest.approx(3.0)
    assert rsa.category_structure(rng.normal(size=(24, 3)) * [1, 0, 0], labels).class_dimensionality \
        == pytest.approx(1.0)
    for call, name in [(lambda: rsa.category_structure(pure, labels[:-1]), "labels"),
                       (lambda: rsa.category_structure(pure, np.zeros(24, dtype=int)), "labels"),
                       (lambda: rsa.category_structure(pure, labels + 0.5), "labels"),
                       (lambda: rsa.category_structure(np.ones((24, 3)), labels), "x")]:
        with raises_param(name):
            call()


def test_digit_stimuli_draw_one_block():
    # One permutation of the whole test set, whatever the sizes of the classes.
    split = load_digits_split(seed=0)
    rng, reference = np.random.default_rng(8), np.random.default_rng(8)
    images, labels = rsa.digit_stimuli(3, split=split, seed=rng)
    order = reference.permutation(len(split.test_labels))
    assert rng.random() == reference.random()
    # Each class takes its images in the order of that permutation.
    for digit in range(10):
        first = [i for i in order if split.test_labels[i] == digit][:3]
        assert np.array_equal(images[labels == digit], split.test_images[first])


def test_digit_stimuli_are_balanced_held_out_and_sorted():
    images, labels = rsa.digit_stimuli(4, seed=0)
    assert images.shape == (40, 8, 8) and labels.tolist() == sorted(labels.tolist())
    assert np.array_equal(np.bincount(labels), np.full(10, 4))
    split = load_digits_split(seed=0)
    test_set = {im.tobytes() for im in split.test_images}
    assert all(im.tobytes() in test_set for im in images)
    other_split = load_digits_split(seed=5)
    images5, _ = rsa.digit_stimuli(2, split=other_split, seed=0)
    assert all(any(np.array_equal(im, t) for t in other_split.test_images) for im in images5)
    assert_generator_seed_reproducible(lambda rng: rsa.digit_stimuli(2, seed=rng).images)
    with raises_param("n_per_class"):
        rsa.digit_stimuli(0)
    with raises_param("n_per_class", "rarest digit"):
        rsa.digit_stimuli(30, split=load_digits_split(test_fraction=0.1, seed=0))
    with raises_param("split"):
        rsa.digit_stimuli(2, split="split")


def test_gabor_v1_features_are_orientation_selective():
    image = np.zeros((1, 8, 8))
    image[0, :, 4:] = 1.0                      # a vertical edge: luminance varies along x (theta = 0)
    v1 = rsa.gabor_v1_features(image, n_orientations=4)
    assert v1.shape == (1, 4, 8, 8) and np.all(v1 >= 0)
    energy = v1[0].sum(axis=(1, 2))
    assert np.argmax(energy) == 0 and energy[0] > 2.5 * energy[2]     # 56.8 against 19.1
    for kwargs, name in [(dict(images=np.zeros((2, 7, 8))), "images"),
                         (dict(n_orientations=0), "n_orientations"), (dict(size=4), "size"),
                         (dict(size=9), "size")]:
        with raises_param(name):
            rsa.gabor_v1_features(**{"images": np.zeros((1, 8, 8)), **kwargs})


@pytest.fixture(scope="module")
def tiny_cnn():
    return train_digits_cnn(n_filters=3, kernel_size=3, epochs=2, hidden_units=12, seed=0)


def test_cnn_layer_activations_are_the_networks_layers(tiny_cnn):
    images, _ = rsa.digit_stimuli(2, seed=0)
    acts = rsa.cnn_layer_activations(tiny_cnn, images)
    assert tuple(f.name for f in dataclasses.fields(acts)) == rsa.CNN_LAYERS
    assert [getattr(acts, n).shape for n in rsa.CNN_LAYERS] == [(20, 64), (20, 192), (20, 48), (20, 12),
                                                                 (20, 10)]
    # The first layer is chapter 1's convolution; the last gives chapter 1's predictions.
    conv = convolve_filters(images, tiny_cnn.first_layer_filters, tiny_cnn.first_layer_bias)
    assert np.allclose(acts.conv, conv.reshape(20, -1), atol=1e-5)
    assert np.array_equal(acts.output.argmax(axis=1), cnn_feature_maps(tiny_cnn, images).predictions)
    with raises_param("result"):
        rsa.cnn_layer_activations("net", images)
    with raises_param("images"):
        rsa.cnn_layer_activations(tiny_cnn, images[:, :4])


def test_mlp_layer_activations():
    p = init_digits_mlp(5, seed=0)
    images, _ = rsa.digit_stimuli(1, seed=0)
    acts = rsa.mlp_layer_activations(p, images)
    flat = images.reshape(10, -1)
    assert np.array_equal(acts.pixels, flat)
    assert np.allclose(acts.hidden, np.tanh(flat @ p.w_hidden.T + p.b_hidden))
    assert np.allclose(acts.output, acts.hidden @ p.w_output.T + p.b_output)


def test_layer_rdm_correlations(tiny_cnn):
    res = rsa.layer_rdm_correlations(tiny_cnn, mlp=init_digits_mlp(6, seed=0), n_per_class=3, seed=0)
    assert res.names == ("pixels", "V1", "conv", "pool", "hidden", "output", "MLP hidden", "MLP output")
    assert res.rdms.shape == (8, 30, 30) and res.cka.shape == (8,)
    assert res.correlation("pool") == res.correlations[3]
    # The stimuli are the CNN's own held-out digits; each correlation compares an RDM with the model's.
    images, labels = rsa.digit_stimuli(3, split=tiny_cnn.split, seed=0)
    assert np.allclose(res.rdms[0], rsa.rdm(images)) and np.array_equal(res.labels, labels)
    assert np.allclose(res.category, rsa.category_rdm(labels))
    assert res.correlations[4] == pytest.approx(rsa.compare_rdms(res.rdms[4], res.category))
    plain = rsa.layer_rdm_correlations(tiny_cnn, include_v1=False, n_per_class=3, seed=0,
                                       method="kendall_tau_a")
    assert plain.names == rsa.CNN_LAYERS and plain.method == "kendall_tau_a"
    images, labels = rsa.digit_stimuli(2, seed=1)
    given = rsa.layer_rdm_correlations(tiny_cnn, images, labels, include_v1=False)
    assert np.array_equal(given.labels, labels)
    assert_generator_seed_reproducible(lambda rng: rsa.layer_rdm_correlations(
        tiny_cnn, include_v1=False, n_per_class=2, seed=rng).correlations)


@pytest.mark.parametrize("kwargs, name", [
    (dict(method="cosine"), "method"), (dict(include_v1="yes"), "include_v1"),
    (dict(labels=np.arange(10)), "labels"),
    (dict(images=np.zeros((4, 8, 8)), labels=[0, 1, 2]), "labels"),
    (dict(images=np.zeros((4, 8, 8)), labels=[0.5, 1, 2, 3]), "labels"),
])
def test_layer_rdm_correlations_validates(tiny_cnn, kwargs, name):
    with raises_param(name):
        rsa.layer_rdm_correlations(tiny_cnn, **kwargs)


def test_layer_rdm_correlations_split_the_variance(tiny_cnn):
    res = rsa.layer_rdm_correlations(tiny_cnn, n_per_class=3, seed=0)
    images, labels = rsa.digit_stimuli(3, split=tiny_cnn.split, seed=0)
    acts = rsa.cnn_layer_activations(tiny_cnn, images)
    k = res.names.index("hidden")
    s = rsa.category_structure(acts.hidden, labels)
    assert res.between_fraction[k] == pytest.approx(s.between_fraction)
    assert res.class_dimensionality[k] == pytest.approx(s.class_dimensionality)
    assert res.between_fraction.shape == res.class_dimensionality.shape == (6,)


def test_layer_correspondence(tiny_cnn):
    same = rsa.layer_correspondence(tiny_cnn, tiny_cnn)
    assert same.names == rsa.CNN_LAYERS
    assert np.allclose(np.diag(same.cka), 1.0) and np.allclose(np.diag(same.rdm_correlation), 1.0)
    assert np.array_equal(same.best_match(), np.arange(5))
    assert np.allclose(same.cka, same.cka.T)
    assert same.n_stimuli == len(tiny_cnn.split.test_images)               # held out by both: all
    other = train_digits_cnn(n_filters=3, kernel_size=3, epochs=2, hidden_units=12, seed=1)
    res = rsa.layer_correspondence(tiny_cnn, other, method="kendall_tau_a")
    trained = {im.tobytes() for im in other.split.train_images}
    assert res.n_stimuli == sum(im.tobytes() not in trained for im in tiny_cnn.split.test_images)
    assert res.cka.shape == res.rdm_correlation.shape == (5, 5) and res.method == "kendall_tau_a"
    assert res.cka[0, 0] == pytest.approx(1.0)                             # the same pixels
    images, _ = rsa.digit_stimuli(2, seed=0)
    given = rsa.layer_correspondence(tiny_cnn, other, images)
    acts = [rsa.cnn_layer_activations(n, images) for n in (tiny_cnn, other)]
    assert given.cka[3, 4] == pytest.approx(rsa.linear_cka(acts[0].hidden, acts[1].output))
    assert given.rdm_correlation[1, 2] == pytest.approx(
        rsa.compare_rdms(rsa.rdm(acts[0].conv), rsa.rdm(acts[1].pool)))
    for kwargs, name in [(dict(cnn_a="net"), "cnn_a"), (dict(cnn_b=None), "cnn_b"),
                         (dict(method="x"), "method"), (dict(images=images[:2]), "images")]:
        with raises_param(name):
            rsa.layer_correspondence(**{"cnn_a": tiny_cnn, "cnn_b": other, **kwargs})
    with raises_param("measure"):
        same.best_match("svcca")


def test_seed_geometry_is_symmetric_and_validated():
    geo = rsa.seed_geometry(seeds=(0, 1), include_pc=True, n_per_class=3, epochs=3)
    assert geo.names == ("seed 0", "seed 1", "PC")
    for m in (geo.weight_correlation, geo.rdm_correlation, geo.cka):
        assert m.shape == (3, 3) and np.allclose(m, m.T) and np.allclose(np.diag(m), 1.0)
    assert geo.off_diagonal("cka").shape == (3,)
    assert geo.rdms.shape == (3, 30, 30) and geo.test_accuracy.shape == (3,)
    for kwargs, name in [(dict(seeds=(1,)), "seeds"), (dict(seeds=(1, 1)), "seeds"),
                         (dict(seeds="ab"), "seeds"), (dict(seeds=(0, -1)), "seed"),
                         (dict(include_pc=1), "include_pc"), (dict(method="x"), "method")]:
        with raises_param(name):
            rsa.seed_geometry(**kwargs)


def test_figures(tiny_cnn):
    res = rsa.layer_rdm_correlations(tiny_cnn, n_per_class=2, seed=0)
    assert_labelled_figure(plots.plot_rdms(res))
    assert_labelled_figure(plots.plot_rdms(res, ncols=2))
    assert_labelled_figure(plots.plot_layer_rdm(res, "hidden"))
    tau = rsa.layer_rdm_correlations(tiny_cnn, n_per_class=2, seed=0, method="kendall_tau_a")
    fig = plots.plot_rdms(tau)
    assert "Kendall τ_A" in fig._suptitle.get_text() and "τ_A" in fig.axes[0].get_title()
    assert_labelled_figure(plots.plot_layer_correspondence(rsa.layer_correspondence(tiny_cnn, tiny_cnn)))
    with raises_param("layer"):
        plots.plot_layer_rdm(res, "retina")
    geo = rsa.seed_geometry(seeds=(0, 1), include_pc=False, n_per_class=2, epochs=2)
    assert_labelled_figure(plots.plot_seed_geometry(geo))
    for fn in (plots.plot_rdms, plots.plot_seed_geometry, plots.plot_layer_correspondence):
        with raises_param("result"):
            fn(object())
    with raises_param("result"):
        plots.plot_layer_rdm(object(), "x")
