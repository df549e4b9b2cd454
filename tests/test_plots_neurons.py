"""Chapter 0 figures: titles, labelled axes with units, the colour-blind-safe palette."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import mV, ms, nA
from matplotlib.colors import to_hex

from nslib import spiking
from nslib.plots import PALETTE
from nslib.plots.neurons import plot_fi_curves, plot_membrane_trace


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
