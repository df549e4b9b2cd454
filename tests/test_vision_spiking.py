"""Tests of the compiled spiking simple cells of chapter 1 (CompiledSpikingV1, population_tuning,
contrast_invariance) and their figures. Fast runs use Brian2's numpy target; one test builds the
C++ program, as the chapter does."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import ms, mV, nA
from figure_checks import assert_labelled_figure
from helpers import raises_param

from nslib.plots import vision as vplots
from nslib.vision import (
    CompiledSpikingV1,
    ContrastInvariance,
    PopulationTuning,
    SpikingTuning,
    compiled_spiking_v1,
    contrast_invariance,
    population_tuning,
    simple_cell_drive,
    spiking_orientation_tuning,
)

ORIS = np.arange(4) * np.pi / 4


def test_simple_cell_drive_is_normalised_and_scales_with_contrast():
    drive = simple_cell_drive([0.0, np.pi / 2], ORIS, n_phases=8)
    assert drive.shape == (2, 4, 8)
    assert drive.min() >= 0 and drive.max() == pytest.approx(1.0)
    assert drive[0, 0].max() == pytest.approx(1.0) and drive[1, 2].max() == pytest.approx(1.0)
    assert drive[0, 2].max() < 0.01                         # orthogonal grating: no drive
    # The chapter's currents at contrast c are I_bias + I_gain * c * r/r_max, checked against the
    # closed form, not against simple_cell_drive: at the preferred orientation the even Gabor sees
    # cos(phase) of the drifting grating, rectified, so 1 + 4 * 0.5 * max(0, cos(2 pi k / 8)) nA.
    half = spiking_orientation_tuning([0.0], ORIS, contrast=0.5, duration=400 * ms,
                                      target="numpy")
    currents = np.asarray(half.input_currents / nA)
    assert currents.shape == (1, 4, 8)
    phases = 2 * np.pi * np.arange(8) / 8
    np.testing.assert_allclose(currents[0, 0], 1 + 2 * np.maximum(0, np.cos(phases)), atol=1e-9)
    # Away from the preferred orientation the filter barely responds (< 1 % of its best response,
    # 0.4 % measured at 45 degrees): the current stays within 0.02 nA of the 1 nA bias.
    assert np.all((currents[0, 1:] >= 1 - 1e-12) & (currents[0, 1:] < 1.02))


@pytest.fixture(scope="module")
def small_model():
    return CompiledSpikingV1([0.0, np.pi / 2], ORIS, duration=400 * ms, n_trials=3,
                             target="numpy")


def test_compiled_population_matches_the_one_off_run(small_model):
    # Same model, same seed, no noise -> identical spike counts (per trial).
    compiled = small_model.run(contrast=1.0, noise_sigma=0 * mV)
    once = spiking_orientation_tuning([0.0, np.pi / 2], ORIS, duration=400 * ms,
                                      noise_sigma=0 * mV, target="numpy")
    assert isinstance(compiled, SpikingTuning)
    assert compiled.n_trials == 3
    np.testing.assert_array_equal(compiled.spike_counts, 3 * once.spike_counts)
    assert compiled.spike_trials.shape == compiled.spike_cells.shape
    assert set(np.unique(compiled.spike_trials)) == {0, 1, 2}


def test_compiled_population_reruns_with_new_contrast_noise_and_seed(small_model):
    full = small_model.run(contrast=1.0, seed=0)
    low = small_model.run(contrast=0.5, seed=0)
    assert full.spike_counts[0, 0] > low.spike_counts[0, 0] > 0
    assert low.contrast == 0.5 and float(low.noise_sigma / mV) == pytest.approx(2.0)
    again = small_model.run(contrast=1.0, seed=0)
    np.testing.assert_array_equal(np.asarray(full.spike_times), np.asarray(again.spike_times))
    other = small_model.run(contrast=1.0, seed=1)
    assert not np.array_equal(np.asarray(other.spike_times), np.asarray(full.spike_times))
    loud = small_model.run(contrast=0.0, noise_sigma=8 * mV)
    assert loud.spike_counts.sum() > 0 == small_model.run(contrast=0.0, noise_sigma=0 * mV
                                                          ).spike_counts.sum()


def test_population_tuning_aligns_each_cell_on_its_preference(small_model):
    res = small_model.run(contrast=1.0, noise_sigma=0 * mV)
    tuning = population_tuning(res)
    assert isinstance(tuning, PopulationTuning)
    # Cell 0 prefers index 0, cell 1 index 2: aligned, both peak at offset 0.
    expected = (res.spike_counts[0] + np.roll(res.spike_counts[1], -2)) / 2 / res.n_trials
    np.testing.assert_allclose(tuning.mean_counts, expected)
    assert tuning.mean_counts.argmax() == 0 and tuning.orientation_offsets[0] == 0
    assert 0 < tuning.half_width < np.pi / 2 and 0 < tuning.osi <= 1
    silent = population_tuning(small_model.run(contrast=0.0, noise_sigma=0 * mV))
    assert np.isnan(silent.half_width) and np.isnan(silent.osi)


def test_population_tuning_needs_preferences_among_the_stimuli():
    res = spiking_orientation_tuning([0.3], ORIS, duration=400 * ms, target="numpy")
    with raises_param("result"):
        population_tuning(res)
    with raises_param("result"):
        population_tuning("counts")


def test_compiled_spiking_v1_is_cached_per_configuration(fresh_compile_cache):
    a = compiled_spiking_v1(n_trials=1, duration=200 * ms, target="numpy")
    assert a is compiled_spiking_v1(n_trials=1, duration=200 * ms, target="numpy")
    assert a is not compiled_spiking_v1(n_trials=2, duration=200 * ms, target="numpy")
    assert a.drive.shape == (4, 24, 8)
    # One entry per configuration, in nslib.spiking's one cache; a Generator seed gives an int seed.
    b = compiled_spiking_v1(1, 200 * ms, seed=np.random.default_rng(0), target="numpy")
    assert b is compiled_spiking_v1(1, 200 * ms, seed=b.model.network.seed, target="numpy")
    assert [model for model, _ in fresh_compile_cache().entries] == ["vision_v1"] * 3


def test_the_chapters_compiled_program_reruns_without_rebuilding():
    # target "auto": a C++ program when a compiler exists; re-runs must never rebuild it.
    model = CompiledSpikingV1([0.0], ORIS, duration=400 * ms, n_trials=2)
    builds = model.model.n_builds
    counts = [model.run(contrast=c).spike_counts[0, 0] for c in (0.25, 0.5, 1.0)]
    assert counts[0] < counts[1] < counts[2]
    if model.target == "cpp_standalone":
        assert model.model.n_builds == builds == 1


@pytest.mark.parametrize("call, name", [
    (lambda: CompiledSpikingV1([0.0], ORIS, n_trials=0, target="numpy"), "n_trials"),
    (lambda: CompiledSpikingV1([], ORIS, target="numpy"), "preferred_orientations"),
    (lambda: CompiledSpikingV1([0.0], ORIS, duration=-1 * ms, target="numpy"), "duration"),
    (lambda: CompiledSpikingV1([0.0], ORIS, gain=-1 * nA, target="numpy"), "gain"),
    (lambda: CompiledSpikingV1([0.0], ORIS, noise_sigma=1 * nA, target="numpy"), "noise_sigma"),
    (lambda: compiled_spiking_v1(n_trials=0, target="numpy"), "n_trials"),
    (lambda: compiled_spiking_v1(seed=-1, target="numpy"), "seed"),
    (lambda: compiled_spiking_v1(target="gpu"), "target"),
    (lambda: simple_cell_drive([0.0], ORIS, n_phases=0), "n_phases"),
    (lambda: contrast_invariance([0.0, 1.0], target="numpy"), "contrasts"),
    (lambda: contrast_invariance([1.0], [-1] * mV, target="numpy"), "noise_sigmas"),
])
def test_errors_name_the_parameter(call, name):
    with raises_param(name):
        call()


def test_run_errors(small_model):
    with raises_param("contrast"):
        small_model.run(contrast=1.5)
    with raises_param("noise_sigma"):
        small_model.run(noise_sigma=-1 * mV)


def test_contrast_invariance_structure_on_a_short_run():
    res = contrast_invariance([0.5, 1.0], [0, 4] * mV, n_trials=1, target="numpy")
    assert isinstance(res, ContrastInvariance)
    assert res.tuning_curves.shape == (2, 2, 24) and res.half_widths.shape == (2, 2)
    # Without noise the iceberg narrows tuning at lower contrast; the input's width is contrast-free.
    assert res.half_widths[0, 0] < res.half_widths[0, 1]
    assert np.degrees(res.input_half_width) == pytest.approx(15.2, abs=0.2)
    np.testing.assert_allclose(res.peak_counts, res.tuning_curves[:, :, 0])


def test_spiking_figures_are_labelled(small_model):
    low = population_tuning(small_model.run(contrast=0.5))
    full = population_tuning(small_model.run(contrast=1.0))
    fig = vplots.plot_population_tuning(low, full, title="two contrasts")
    assert_labelled_figure(fig)
    assert fig.axes[1].get_ylabel() == "spikes / peak"
    res = contrast_invariance([0.5, 1.0], [0, 4] * mV, n_trials=1, target="numpy")
    fig = vplots.plot_contrast_invariance(res, noise_panels=[0, 4])
    assert_labelled_figure(fig)
    assert len(fig.axes) == 3
    raster = vplots.plot_spiking_tuning(small_model.run())
    assert_labelled_figure(raster)
    with raises_param("tunings"):
        vplots.plot_population_tuning()
    with raises_param("noise_panels"):
        vplots.plot_contrast_invariance(res, noise_panels=[3])
    with raises_param("result"):
        vplots.plot_contrast_invariance(low)
