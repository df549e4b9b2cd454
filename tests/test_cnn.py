"""Chapter 1 claims about the small CNN on scikit-learn's 8 × 8 digits."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param

from nslib.plots import cnn as plots
from nslib.vision.cnn import (
    DigitsCNNResult,
    FeatureMaps,
    cnn_feature_maps,
    convolve_filters,
    train_digits_cnn,
)


@pytest.fixture(scope="module")
def result():
    """The default network of the chapter, trained once for the whole module."""
    return train_digits_cnn()


def test_cnn_reaches_95_percent_on_held_out_digits(result):
    assert isinstance(result, DigitsCNNResult)
    assert result.test_accuracy > 0.95
    n_test = len(result.split.test_labels)
    assert n_test == 449
    assert result.test_accuracy == pytest.approx(
        np.mean(result.test_predictions == result.split.test_labels))
    assert result.confusion.sum() == n_test
    assert np.trace(result.confusion) / n_test == pytest.approx(result.test_accuracy)
    assert result.test_accuracy_per_epoch[-1] == pytest.approx(result.test_accuracy)


def test_training_reduces_the_loss(result):
    losses = result.loss_per_epoch
    assert losses.shape == (20,) and np.all(np.isfinite(losses))
    assert losses[0] < np.log(10)  # below chance after one epoch
    assert losses[-1] < 0.1 * losses[0]
    assert result.train_accuracy >= result.test_accuracy - 0.01


def test_filters_and_rebuilt_network_agree(result):
    import torch

    assert result.first_layer_filters.shape == (8, 5, 5) and result.n_filters == 8
    assert result.first_layer_bias.shape == (8,)
    net = result.build_module()
    assert not net.training
    np.testing.assert_array_equal(result.first_layer_filters, net.conv.weight.numpy()[:, 0])
    assert not any(p.requires_grad for p in net.parameters())
    x = torch.tensor(result.split.test_images, dtype=torch.float32).unsqueeze(1)
    with torch.no_grad():
        # The float32 weights survive the trip through float64 arrays exactly.
        np.testing.assert_array_equal(net(x).argmax(1).numpy(), result.test_predictions)
        torch_maps = torch.relu(net.conv(x[:20])).numpy()
    # The numpy convolution computes exactly what the network's first layer computes.
    numpy_maps = convolve_filters(result.split.test_images[:20], result.first_layer_filters,
                                  result.first_layer_bias)
    np.testing.assert_allclose(numpy_maps, torch_maps, atol=1e-5)


def _torch_objects(value, path="result"):
    """Paths of every torch object (module, tensor, ...) held in a result, however deep."""
    if type(value).__module__.split(".")[0] == "torch":
        return [path]
    if dataclasses.is_dataclass(value):
        return [p for f in dataclasses.fields(value)
                for p in _torch_objects(getattr(value, f.name), f"{path}.{f.name}")]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _torch_objects(v, f"{path}[{k!r}]")]
    return []


def test_result_holds_arrays_and_rebuilds_a_fresh_module_on_demand(result):
    import torch

    assert _torch_objects(result) == []
    assert all(isinstance(w, np.ndarray) for w in result.weights.values())
    assert set(result.weights) == {f"{layer}.{kind}" for layer in ("conv", "hidden", "output")
                                   for kind in ("weight", "bias")}
    rng_state = torch.get_rng_state()
    a, b = result.build_module(), result.build_module()
    assert torch.equal(torch.get_rng_state(), rng_state)  # rebuilding draws nothing
    assert a is not b and a.output.weight.data_ptr() != b.output.weight.data_ptr()


def test_feature_maps_of_the_test_set(result):
    maps = cnn_feature_maps(result)
    assert isinstance(maps, FeatureMaps)
    n_test = len(result.split.test_labels)
    assert maps.maps.shape == (n_test, 8, 8, 8)
    np.testing.assert_array_equal(maps.labels, result.split.test_labels)
    np.testing.assert_array_equal(maps.predictions, result.test_predictions)
    np.testing.assert_array_equal(maps.filters, result.first_layer_filters)
    np.testing.assert_array_equal(maps.maps[:5], convolve_filters(
        result.split.test_images[:5], result.first_layer_filters, result.first_layer_bias))
    assert maps.maps.min() == 0.0  # rectified
    one = cnn_feature_maps(result, result.split.test_images[7])
    assert one.maps.shape == (1, 8, 8, 8) and one.labels is None
    assert one.predictions[0] == result.test_predictions[7]
    np.testing.assert_array_equal(one.maps[0], maps.maps[7])


@pytest.mark.parametrize("kwargs, name", [
    (dict(images=np.zeros((8, 9))), "images"), (dict(images=np.zeros((2, 2, 8, 8))), "images"),
    (dict(images=np.full((8, 8), 2.0)), "images"), (dict(images=np.full((8, 8), np.nan)), "images"),
    (dict(images=np.zeros((2, 8, 8)), labels=[1]), "labels"),
    (dict(images=np.zeros((2, 8, 8)), labels=[1, 10]), "labels"),
    (dict(images=np.zeros((2, 8, 8)), labels=[1.0, 2.0]), "labels"),
    (dict(labels=[1, 2]), "labels"),
])
def test_feature_map_errors_name_the_argument(result, kwargs, name):
    with raises_param(name):
        cnn_feature_maps(result, **kwargs)


def test_same_seed_same_network_and_torch_state_restored():
    import torch

    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    rng_state = torch.get_rng_state()
    small = dict(n_filters=4, kernel_size=3, epochs=2, hidden_units=16)
    a = train_digits_cnn(seed=5, **small)
    b = train_digits_cnn(seed=5, **small)
    c = train_digits_cnn(seed=6, **small)
    np.testing.assert_array_equal(a.first_layer_filters, b.first_layer_filters)
    np.testing.assert_array_equal(a.loss_per_epoch, b.loss_per_epoch)
    np.testing.assert_array_equal(a.test_predictions, b.test_predictions)
    assert not np.array_equal(a.first_layer_filters, c.first_layer_filters)
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert_generator_seed_reproducible(lambda seed: train_digits_cnn(seed=seed, **small).loss_per_epoch)


def test_importing_vision_does_not_import_torch():
    code = ("import sys, nslib.vision, nslib.vision.cnn, nslib.plots.cnn; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("kwargs, name", [
    (dict(n_filters=0), "n_filters"), (dict(n_filters=65), "n_filters"),
    (dict(n_filters=2.0), "n_filters"), (dict(kernel_size=4), "kernel_size"),
    (dict(kernel_size=9), "kernel_size"), (dict(epochs=0), "epochs"),
    (dict(learning_rate=0.0), "learning_rate"), (dict(learning_rate=-1e-3), "learning_rate"),
    (dict(batch_size=0), "batch_size"), (dict(hidden_units=0), "hidden_units"),
    (dict(test_fraction=0.0), "test_fraction"), (dict(test_fraction=1.0), "test_fraction"),
    (dict(test_fraction=0.001), "test_fraction"), (dict(seed=-1), "seed"),
])
def test_train_errors_name_the_argument(kwargs, name):
    with raises_param(name):
        train_digits_cnn(**kwargs)


def test_convolve_filters_shapes_and_errors():
    image = np.zeros((6, 6))
    image[:, 3:] = 1.0
    edge = np.array([[-1.0, 0.0, 1.0]] * 3)
    maps = convolve_filters(image, edge, relu=False)
    assert maps.shape == (1, 1, 6, 6)
    assert maps[0, 0, 2, 3] == 3.0 and maps[0, 0, 2, 1] == 0.0
    assert convolve_filters(image, edge)[0, 0].min() == 0.0  # rectified
    bank = np.stack([edge, -edge])
    assert convolve_filters(np.stack([image] * 3), bank, bias=[0.5, -0.5]).shape == (3, 2, 6, 6)
    with raises_param("images", "must have shape"):
        convolve_filters(np.zeros((1, 1, 6, 6)), edge)
    with raises_param("filters", "must have shape"):
        convolve_filters(image, np.zeros((2, 2)))
    with raises_param("filters", "finite"):
        convolve_filters(image, np.full((3, 3), np.nan))
    with raises_param("bias", "must have one value per filter"):
        convolve_filters(image, edge, bias=[1.0, 2.0])
    with raises_param("relu", "True or False"):
        convolve_filters(image, edge, relu="yes")


def test_figures(result):
    fig = plots.plot_filters(result)
    assert_labelled_figure(fig)
    images = [ax for ax in fig.axes if not hasattr(ax, "_colorbar")]
    assert len(images) == 8
    # Diverging colormap centred at 0, one scale for all filters.
    limits = {ax.images[0].get_clim() for ax in images}
    assert len(limits) == 1
    low, high = limits.pop()
    assert low == -high == -np.abs(result.first_layer_filters).max()
    assert images[0].images[0].get_cmap().name == plots.DIVERGING_CMAP
    odd = plots.plot_filters(result.first_layer_filters[:5], ncols=3)  # 2 rows, 1 hidden panel
    assert_labelled_figure(odd)
    assert_labelled_figure(plots.plot_feature_maps(cnn_feature_maps(result), image_index=3))
    ten = train_digits_cnn(n_filters=10, kernel_size=3, epochs=1, hidden_units=8)
    maps = plots.plot_feature_maps(cnn_feature_maps(ten))  # 2 rows of filters, 6 panels hidden
    assert_labelled_figure(maps)
    assert sum(ax.get_title().startswith("map") for ax in maps.axes) == 10
    curve = plots.plot_training_curve(result)
    assert_labelled_figure(curve)
    assert curve.axes[1].get_ylabel() == "test accuracy (%)"


def test_figure_errors(result):
    with raises_param("filters", "must be a 3-D"):
        plots.plot_filters(np.zeros((5, 5)))
    with raises_param("ncols", r"\[1, inf\]"):
        plots.plot_filters(result, ncols=0)
    with raises_param("image_index", r"\[0, 448\]"):
        plots.plot_feature_maps(cnn_feature_maps(result), image_index=10_000)
    with raises_param("maps", "must be a FeatureMaps"):
        plots.plot_feature_maps(result)  # the maps are computed by the model, not the plot
    for func in (cnn_feature_maps, plots.plot_training_curve):
        with raises_param("result", "must be a DigitsCNNResult"):
            func("not a result")
