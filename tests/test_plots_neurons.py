"""Chapter 0 figures: titles, labelled axes with units, the colour-blind-safe palette."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, ms, mV, nA
from figure_checks import assert_labelled_figure
from helpers import raises_param
from matplotlib.colors import to_hex

from nslib import spiking
from nslib.perceptron.threshold_units import fit_activation
from nslib.plots import PALETTE
from nslib.plots.neurons import plot_fi_curves, plot_membrane_trace, plot_noisy_fi_curve, plot_voltage_trace


def test_fi_curves_figure():
    curves = [spiking.fi_curve(np.linspace(0, 4, 5) * nA, tau_m=t * ms, target="numpy")
              for t in (5, 10)]
    fig = plot_fi_curves(curves, max_rate_hz=300)
    (ax,) = fig.axes
    assert ax.get_title() and ax.get_xlabel() == "input current I (nA)"
    assert ax.get_ylabel() == "firing rate (Hz)" and ax.get_ylim() == (0, 300)
    colors = {to_hex(line.get_color()) for line in ax.lines[:4]}
    assert colors == {PALETTE[0].lower(), PALETTE[1].lower()}


def test_membrane_trace_figure():
    res = spiking.simulate_lif([3] * nA, duration=30 * ms, record_v=[0], target="numpy")
    fig = plot_membrane_trace(res, v_threshold=-50 * mV)
    (ax,) = fig.axes
    assert "3 nA" in ax.get_title() and ax.get_xlabel() == "time (ms)"
    assert ax.get_ylabel() == "membrane potential v (mV)"


def test_plot_errors():
    res = spiking.simulate_lif([3] * nA, duration=10 * ms, target="numpy")
    with pytest.raises(ValueError, match="record_v"):
        plot_membrane_trace(res)
    res = spiking.simulate_lif([3] * nA, duration=10 * ms, record_v=[0], target="numpy")
    with pytest.raises(ValueError, match=r"neuron must be in \[0, 0\]"):
        plot_membrane_trace(res, neuron=3)
    with pytest.raises(ValueError, match="curves must hold at least 1"):
        plot_fi_curves([])
    with pytest.raises(ValueError, match="^result must be a LIFResult"):
        plot_membrane_trace(np.zeros(3))
    with pytest.raises(ValueError, match="^curves must hold only FICurve"):
        plot_fi_curves([res])


def test_voltage_trace_figure_from_monitor_arrays():
    res = spiking.simulate_lif([3] * nA, duration=30 * ms, record_v=[0], target="numpy")
    fig = plot_voltage_trace(res.t, res.v[0], v_threshold=-50 * mV)
    assert_labelled_figure(fig)
    (ax,) = fig.axes
    assert ax.get_ylabel() == "membrane potential v (mV)"
    assert to_hex(ax.lines[0].get_color()) == PALETTE[0].lower()
    with raises_param("v"):
        plot_voltage_trace(res.t, res.v[0][:-1])
    with raises_param("t"):
        plot_voltage_trace(np.arange(3), [-70, -60, -50] * mV)


def test_noisy_fi_figure_draws_curve_fits_and_fit_range():
    model = spiking.CompiledNoisyFI(np.linspace(0, 4, 9) * nA, n_trials=3, duration=200 * ms,
                                    target="numpy")
    curve = model.fi_curve(noise_sigma=4 * mV)
    x, y = np.asarray(curve.currents / nA), np.asarray(curve.rates / Hz)
    fits = [fit_activation(x, y, "relu"), fit_activation(x, y, "softplus")]
    fig = plot_noisy_fi_curve(curve, fits, fit_range_na=(0, 4), max_rate_hz=200)
    assert_labelled_figure(fig)
    (ax,) = fig.axes
    assert "4 mV" in ax.get_title() and ax.get_ylim() == (0, 200)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lbl.startswith("best ReLU") for lbl in labels)
    assert any(lbl.startswith("best softplus") for lbl in labels)
    assert any("without noise" in lbl for lbl in labels) and "fitted range" in labels
    colors = {to_hex(line.get_color()) for line in ax.lines}
    assert {PALETTE[5].lower(), PALETTE[2].lower()} <= colors
    with raises_param("curve"):
        plot_noisy_fi_curve(res_like := spiking.fi_curve([1, 3] * nA, target="numpy"))
    with raises_param("fits"):
        plot_noisy_fi_curve(curve, [res_like])
    with raises_param("fit_range_na"):
        plot_noisy_fi_curve(curve, fit_range_na=(4, 0))
