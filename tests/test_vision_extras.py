"""Tests of the tools added for the chapter 1 text: filter_orientation_tuning, the stimulus
recorded in OrientationTuning, and plot_grating_responses (the orientation x contrast sweep)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from nslib.plots.vision import plot_grating_responses
from nslib.vision import (FilterTuning, filter_orientation_tuning, gabor, orientation_difference,
                          orientation_tuning)


# ---------------------------------------------------------------------------
# filter_orientation_tuning
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("theta, wavelength", [(0.0, 4.0), (0.7, 3.0), (2.0, 6.0)])
def test_a_gabor_is_tuned_to_its_own_orientation_and_wavelength(theta, wavelength):
    tuning = filter_orientation_tuning(gabor(16, theta, wavelength),
                                       wavelengths=[2.5, 3.0, 4.0, 6.0, 9.0])
    assert isinstance(tuning, FilterTuning)
    assert tuning.responses.shape == (1, 24)
    step = np.pi / 24
    assert orientation_difference(tuning.preferred_orientations[0], theta) <= step / 2 + 1e-9
    assert tuning.best_wavelengths[0] == wavelength
    assert tuning.osi[0] > 0.8


def test_response_does_not_depend_on_the_filter_phase():
    # RMS over the drift cycle: even and odd Gabors of a quadrature pair give the same curve.
    even = filter_orientation_tuning(gabor(15, 0.4, 5.0, phase=0.0))
    odd = filter_orientation_tuning(gabor(15, 0.4, 5.0, phase=-np.pi / 2))
    # Measured: they differ by < 0.5 % of the peak (the pair's tiny spectral overlap at 0 frequency).
    np.testing.assert_allclose(even.responses, odd.responses, atol=0.01 * even.responses.max())


def test_isotropic_and_random_filters_are_weakly_selective():
    y, x = np.mgrid[-6:7, -6:7]
    r2 = x**2 + y**2
    centre_surround = np.exp(-r2 / 2.0) - 0.5 * np.exp(-r2 / 8.0)
    assert filter_orientation_tuning(centre_surround).osi[0] < 0.05
    noise = np.random.default_rng(0).standard_normal((32, 13, 13))
    osi = filter_orientation_tuning(noise).osi
    assert osi.shape == (32,)
    assert np.median(osi) < 0.3


def test_defaults_and_shapes():
    bank = np.stack([gabor(12, t, 4.0) for t in (0.0, 1.0, 2.0)])
    tuning = filter_orientation_tuning(bank, orientations=np.linspace(0, np.pi, 12, endpoint=False))
    assert tuning.responses.shape == (3, 12)
    assert tuning.wavelengths.size == 8
    assert tuning.wavelengths[0] == pytest.approx(2.5) and tuning.wavelengths[-1] == pytest.approx(12)
    assert np.all(tuning.responses >= 0)
    assert np.all((0 <= tuning.osi) & (tuning.osi <= 1))


@pytest.mark.parametrize("kwargs, name", [
    (dict(filters=np.zeros(9)), "filters"),
    (dict(filters=np.ones((2, 5, 6))), "filters"),
    (dict(filters=np.zeros((2, 5, 5))), "filters"),
    (dict(filters=np.full((5, 5), np.nan)), "filters"),
    (dict(filters=np.eye(5), orientations=[]), "orientations"),
    (dict(filters=np.eye(5), wavelengths=[1.5, 4.0]), "wavelengths"),
    (dict(filters=np.eye(5), n_phases=2), "n_phases"),
])
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        filter_orientation_tuning(**kwargs)


# ---------------------------------------------------------------------------
# OrientationTuning records its stimulus; plot_grating_responses
# ---------------------------------------------------------------------------

def test_orientation_tuning_records_the_stimulus():
    t = orientation_tuning("complex", contrast=0.25, wavelength=5.0, size=21)
    assert (t.contrast, t.wavelength, t.size) == (0.25, 5.0, 21)


def test_grating_response_figure_is_labelled_and_marks_the_stimulus():
    cells = [orientation_tuning(kind, contrast=0.5) for kind in ("simple", "complex")]
    fig = plot_grating_responses(*cells, orientation=np.radians(45), max_response=10.0)
    assert isinstance(fig, Figure)
    assert "simple and complex" in fig.get_suptitle()
    axes = fig.axes
    assert len(axes) == 3
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert "45°" in axes[0].get_title() and "contrast 0.5" in axes[0].get_title()
    # The response axes are held at the given maximum, so sweep frames compare.
    assert axes[1].get_ylim()[1] == pytest.approx(10.8)
    assert axes[2].get_ylim()[1] == pytest.approx(10.8)
    # Each cell's marker sits on its tuning curve at the stimulus orientation.
    markers = [line for line in axes[2].lines if line.get_linestyle() == "None"]
    assert len(markers) == 2
    index = int(np.argmin(orientation_difference(cells[0].orientations, np.radians(45))))
    for line, cell in zip(markers, cells):
        assert line.get_xdata()[0] == pytest.approx(45.0)
        assert line.get_ydata()[0] == pytest.approx(cell.responses[index])
    # Orientation 180 degrees is the same as 0.
    plot_grating_responses(cells[0], orientation=np.pi)


def test_grating_response_figure_rejects_bad_inputs():
    simple = orientation_tuning("simple")
    with pytest.raises(ValueError, match="tunings"):
        plot_grating_responses(orientation=0.0)
    with pytest.raises(ValueError, match="tunings"):
        plot_grating_responses(simple, orientation_tuning("complex", contrast=0.5), orientation=0.0)
    with pytest.raises(ValueError, match="orientation"):
        plot_grating_responses(simple, orientation=0.01)
    with pytest.raises(ValueError, match="orientation"):
        plot_grating_responses(simple, orientation=float("nan"))
    with pytest.raises(ValueError, match="max_response"):
        plot_grating_responses(simple, orientation=0.0, max_response=0.0)
