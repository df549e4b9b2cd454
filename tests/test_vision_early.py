"""Tests of the early-vision models of chapter 1: LGN centre-surround fields (nslib.vision.lgn),
divisive normalisation (nslib.vision.normalization), the tuning half-width and their figures."""

from __future__ import annotations

import numpy as np
import pytest
from figure_checks import assert_labelled_figure
from helpers import raises_param

from nslib.plots import vision as vplots
from nslib.vision import (
    NATURAL_IMAGES,
    center_surround,
    complex_cell_response,
    cross_orientation_suppression,
    grating,
    lgn_response,
    natural_image,
    normalized_population,
    orientation_tuning,
    spot_size_tuning,
    tuning_half_width,
)

# ---------------------------------------------------------------------------
# Centre-surround fields
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size, sc, ss", [(11, 1.0, 2.0), (21, 1.5, 4.0), (8, 0.7, 2.5)])
def test_balanced_dog_sums_to_zero_and_is_radially_symmetric(size, sc, ss):
    k = center_surround(size, sc, ss)
    assert k.shape == (size, size)
    assert abs(k.sum()) < 1e-12
    np.testing.assert_allclose(k, k.T, atol=1e-15)
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-15)
    assert k.max() == k[(size - 1) // 2, (size - 1) // 2] or size % 2 == 0


def test_surround_weight_and_off_centre():
    on = center_surround(15, 1.0, 3.0)
    assert np.array_equal(center_surround(15, 1.0, 3.0, on_center=False), -on)
    centre_only = center_surround(15, 1.0, 3.0, surround_weight=0.0)
    assert centre_only.min() >= 0 and centre_only.sum() == pytest.approx(1.0)
    half = center_surround(15, 1.0, 3.0, surround_weight=0.5)
    assert half.sum() == pytest.approx(0.5)


def test_spot_size_tuning_matches_the_continuous_dog():
    # For a continuous DoG the response to a disc of radius r is
    # (1 - exp(-r²/2σc²)) - w (1 - exp(-r²/2σs²)); the pixel grid follows it within a few %.
    sc, ss = 1.5, 4.0
    t = spot_size_tuning(np.arange(4, 31, 2.0), sc, ss, size=61)   # small discs are pixelated
    r = t.diameters / 2
    analytic = (1 - np.exp(-r**2 / (2 * sc**2))) - (1 - np.exp(-r**2 / (2 * ss**2)))
    np.testing.assert_allclose(t.responses, analytic, atol=0.05)
    best = 2 * np.sqrt(2 * np.log(ss**2 / sc**2) / (1 / sc**2 - 1 / ss**2))
    assert abs(t.preferred_diameter - best) <= 2.0


def test_unbalanced_surround_leaves_a_plateau():
    # With w = 0.5 a disc covering the whole field still drives the cell at 1 - w = 0.5.
    t = spot_size_tuning(sigma_center=1.0, sigma_surround=3.0, surround_weight=0.5)
    r = np.linspace(0.01, 15, 3000)
    peak = np.max((1 - np.exp(-r**2 / 2)) - 0.5 * (1 - np.exp(-r**2 / 18)))
    assert t.responses[-1] == pytest.approx(0.5, abs=0.01)
    assert t.suppression_index == pytest.approx(1 - 0.5 / peak, abs=0.03)


def test_lgn_response_reports_local_contrast():
    flat = np.full((30, 30), 3.0)
    res = lgn_response(flat)
    np.testing.assert_allclose(res.linear, 0.0, atol=1e-12)
    spot = np.zeros((31, 31))
    spot[15, 15] = 1.0
    res = lgn_response(spot)
    assert res.on[15, 15] > 0 and res.off[15, 15] == 0
    assert res.off[15, 19] > 0                           # the surround of a nearby cell
    np.testing.assert_allclose(res.on - res.off, res.linear)
    assert np.all(res.on >= 0) and np.all(res.off >= 0)


@pytest.mark.parametrize("call, name", [
    (lambda: center_surround(2), "size"),
    (lambda: center_surround(11, 0.0, 3.0), "sigma_center"),
    (lambda: center_surround(11, 3.0, 2.0), "sigma_surround"),
    (lambda: center_surround(11, 1.0, 3.0, surround_weight=1.5), "surround_weight"),
    (lambda: center_surround(11, on_center="yes"), "on_center"),
    (lambda: spot_size_tuning([1.0, -2.0]), "diameters"),
    (lambda: spot_size_tuning(size=1), "size"),
    (lambda: lgn_response(np.ones(5)), "image"),
    (lambda: lgn_response(np.ones((2, 9))), "image"),
    (lambda: lgn_response(np.ones((9, 9)), sigma_surround=0.5), "sigma_surround"),
])
def test_lgn_errors(call, name):
    with raises_param(name):
        call()


def test_natural_image_is_standardized_and_a_copy():
    img = natural_image("moon")
    assert img.ndim == 2 and abs(img.mean()) < 1e-9 and img.std() == pytest.approx(1.0)
    img[0, 0] = 1e6
    assert natural_image("moon")[0, 0] != 1e6
    assert set(NATURAL_IMAGES) >= {"camera", "moon"}
    with raises_param("name"):
        natural_image("lena")


# ---------------------------------------------------------------------------
# Tuning half-width
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("width_deg", [8.0, 15.0, 30.0])
def test_half_width_of_a_triangle_is_exact(width_deg):
    theta = np.arange(180) * np.pi / 180
    gap = np.degrees(np.abs(np.angle(np.exp(2j * (theta - np.radians(34))))) / 2)
    curve = np.maximum(0.0, 1.0 - gap / (2 * width_deg)) + 0.3      # a baseline does not count
    assert np.degrees(tuning_half_width(curve, theta)) == pytest.approx(width_deg, abs=0.01)


def test_half_width_ignores_order_and_wraps_around():
    theta = np.arange(24) * np.pi / 24
    curve = np.exp(np.cos(2 * (theta - 0.1)) / 0.3)
    shuffled = np.random.default_rng(0).permutation(24)
    assert tuning_half_width(curve[shuffled], theta[shuffled]) == pytest.approx(
        tuning_half_width(curve, theta))
    offsets = np.angle(np.exp(2j * theta)) / 2                    # in (-π/2, π/2]
    assert tuning_half_width(curve, offsets) == pytest.approx(tuning_half_width(curve, theta))


def test_half_width_of_a_broad_curve_is_capped():
    theta = np.arange(8) * np.pi / 8
    curve = np.array([1.0, 0.9, 0.8, 0.7, 0.0, 0.7, 0.8, 0.9])
    assert tuning_half_width(curve, theta) <= np.pi / 2


@pytest.mark.parametrize("call, name", [
    (lambda: tuning_half_width([1.0, 2.0]), "tuning_curve"),
    (lambda: tuning_half_width([1.0, 1.0, 1.0]), "tuning_curve"),
    (lambda: tuning_half_width([1.0, 2.0, 1.0], [0.0, 0.1]), "orientations"),
    (lambda: tuning_half_width([1.0, 2.0, 1.0], [0.0, 0.1, 0.5]), "orientations"),
])
def test_half_width_errors(call, name):
    with raises_param(name):
        call()


def test_model_simple_cell_half_width():
    # The chapter's filter (size 31, λ = 6, γ = 0.7): measured 13.3° half-width.
    t = orientation_tuning("simple")
    assert 10 < np.degrees(tuning_half_width(t.responses, t.orientations)) < 20


# ---------------------------------------------------------------------------
# Divisive normalisation
# ---------------------------------------------------------------------------

def test_normalized_population_follows_its_formula():
    stack = np.stack([grating(31, 0.3, contrast=0.5), grating(31, 1.2, phase=0.7, contrast=0.8)])
    pop = normalized_population(stack, n_cells=6, semisaturation=0.3, exponent=2.5)
    r_max = complex_cell_response(grating(31, 0.0), 0.0)
    r = np.stack([complex_cell_response(stack, t) for t in np.arange(6) * np.pi / 6], axis=1)
    energies = (r / r_max) ** 2.5
    np.testing.assert_allclose(pop.energies, energies)
    np.testing.assert_allclose(pop.responses, energies / (0.3**2.5 + energies.sum(axis=1,
                                                                                  keepdims=True)))
    assert pop.responses.shape == (2, 6) and np.all(pop.responses < 1)


def test_normalized_responses_saturate_below_the_pools_inverse():
    pop = normalized_population(np.stack([grating(31, 0.0, contrast=c) for c in (0.5, 1.0)]))
    # R_0 = E_0 / (σⁿ + ΣE) < E_0 / ΣE ≤ 1, and doubling the contrast far less than doubles it.
    assert np.all(pop.responses[:, 0] < 1)
    assert pop.responses[1, 0] / pop.responses[0, 0] < 1.3


def test_cross_orientation_shapes_and_monotonicity():
    res = cross_orientation_suppression(test_contrasts=[0.1, 0.3, 1.0], mask_contrasts=[0.0, 0.5],
                                        tuning_contrasts=[0.5])
    assert res.normalized.shape == res.energy.shape == (2, 3)
    assert res.tuning.shape == (1, 24)
    assert np.all(np.diff(res.normalized[0]) > 0)
    assert np.all(res.normalized[1] < res.normalized[0])
    assert 0.05 < res.c50 < 0.5


@pytest.mark.parametrize("call, name", [
    (lambda: normalized_population(np.ones((3, 5))), "images"),
    (lambda: normalized_population(grating(11, 0.0), n_cells=1), "n_cells"),
    (lambda: normalized_population(grating(11, 0.0), semisaturation=0.0), "semisaturation"),
    (lambda: normalized_population(grating(11, 0.0), exponent=5.0), "exponent"),
    (lambda: normalized_population(grating(11, 0.0), wavelength=-1.0), "wavelength"),
    (lambda: cross_orientation_suppression(test_contrasts=[1.5]), "test_contrasts"),
    (lambda: cross_orientation_suppression(mask_contrasts=[-0.1]), "mask_contrasts"),
    (lambda: cross_orientation_suppression(tuning_contrasts=[2.0]), "tuning_contrasts"),
    (lambda: cross_orientation_suppression(size=2), "size"),
])
def test_normalization_errors(call, name):
    with raises_param(name):
        call()


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def test_early_vision_figures_are_labelled():
    img = natural_image("camera")[:64, :64]
    fig = vplots.plot_center_surround(center_surround(15), spot_size_tuning(), img, lgn_response(img))
    assert_labelled_figure(fig)
    fig = vplots.plot_normalization(cross_orientation_suppression())
    assert_labelled_figure(fig)
    assert fig.axes[0].get_xscale() == "log"


def test_early_vision_figures_reject_bad_inputs():
    img = np.zeros((20, 20))
    with raises_param("spot"):
        vplots.plot_center_surround(center_surround(), "spots", img, lgn_response(img))
    with raises_param("lgn"):
        vplots.plot_center_surround(center_surround(), spot_size_tuning(), img, img)
    with raises_param("result"):
        vplots.plot_normalization("x")
