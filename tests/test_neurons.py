"""Chapter 0's additions to nslib: the noisy f-I curve (CompiledNoisyFI) and ReLU/softplus fits."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, ms, mV, nA, second
from helpers import raises_param

from nslib import spiking
from nslib.perceptron.threshold_units import ActivationFit, fit_activation, relu, softplus

# --- relu and softplus ----------------------------------------------------------------------

def test_relu_is_zero_below_threshold_and_linear_above():
    x = np.array([-1.0, 2.0, 2.5, 5.0])
    np.testing.assert_allclose(relu(x, threshold=2.0, gain=4.0), [0.0, 0.0, 2.0, 12.0])
    assert relu(np.zeros((2, 3))).shape == (2, 3)


def test_softplus_bends_smoothly_into_the_relu():
    x = np.linspace(-5, 5, 101)
    sharp = softplus(x, threshold=1.0, gain=3.0, width=0.01)
    np.testing.assert_allclose(sharp, relu(x, 1.0, 3.0), atol=3 * 0.01 * np.log(2) + 1e-12)
    broad = softplus(x, threshold=1.0, gain=3.0, width=1.0)
    assert np.all(broad > relu(x, 1.0, 3.0))               # above the ReLU everywhere
    assert np.all(np.diff(broad, 2) > 0)                   # convex: no kink, no bend back
    assert softplus([1.0], 1.0, 3.0, 1.0)[0] == pytest.approx(3.0 * np.log(2))
    assert np.isfinite(softplus([1e6], 0.0, 1.0, 1e-3)).all()   # no overflow


def test_fit_activation_recovers_known_parameters():
    x = np.linspace(0, 6, 25)
    fit = fit_activation(x, relu(x, 2.1, 40.0), "relu")
    assert (fit.threshold, fit.gain) == (pytest.approx(2.1, abs=1e-6), pytest.approx(40.0, rel=1e-6))
    assert fit.width == 0.0 and fit.rms_error < 1e-6
    fit = fit_activation(x, softplus(x, 2.0, 30.0, 0.4), "softplus")
    assert fit.threshold == pytest.approx(2.0, abs=1e-4) and fit.width == pytest.approx(0.4, rel=1e-4)
    np.testing.assert_allclose(fit(x), softplus(x, 2.0, 30.0, 0.4), atol=1e-4)


def test_softplus_fits_a_smooth_onset_better_than_relu():
    x = np.linspace(0, 4, 17)
    y = softplus(x, 2.0, 30.0, 0.5) + 0.1 * np.sin(7 * x)    # smooth onset, small wiggle
    relu_fit, soft_fit = fit_activation(x, y, "relu"), fit_activation(x, y, "softplus")
    assert soft_fit.rms_error < 0.5 * relu_fit.rms_error
    assert isinstance(relu_fit, ActivationFit) and relu_fit.kind == "relu"


@pytest.mark.parametrize("call, name", [
    (lambda: relu([1.0, np.nan]), "x"),
    (lambda: relu([1.0], gain=-1.0), "gain"),
    (lambda: softplus([1.0], width=0.0), "width"),
    (lambda: softplus([1.0], threshold=np.inf), "threshold"),
    (lambda: fit_activation([0, 1, 2], [0, 1, 2], "relu"), "x"),
    (lambda: fit_activation([0, 2, 1, 3], [0, 1, 2, 3], "relu"), "x"),
    (lambda: fit_activation([0, 1, 2, 3], [0, 1, 2], "relu"), "y"),
    (lambda: fit_activation([0, 1, 2, 3], [0, 1, 2, 3], "sigmoid"), "kind"),
])
def test_activation_helpers_reject_bad_input(call, name):
    with raises_param(name):
        call()


# --- the noisy f-I curve --------------------------------------------------------------------

@pytest.fixture(scope="module")
def noisy():
    return spiking.CompiledNoisyFI(np.array([1.0, 1.5, 2.0, 3.0, 6.0]) * nA, n_trials=10,
                                   duration=1 * second, target="numpy")


def test_without_noise_the_curve_is_the_noise_free_one(noisy):
    curve = noisy.fi_curve(noise_sigma=0 * mV)
    assert isinstance(curve, spiking.NoisyFICurve) and curve.target == "numpy"
    # Euler with dt = 0.1 ms on a 10 ms membrane: within 2 Hz of the exact rate (measured <= 1 Hz).
    np.testing.assert_allclose(np.asarray(curve.rates / Hz), np.asarray(curve.analytic_rates / Hz),
                               atol=2.0)
    assert np.all(np.asarray(curve.rate_sem / Hz) == 0)   # identical neurons, identical counts
    assert curve.n_trials == 10 and float(curve.rheobase / nA) == pytest.approx(2.0)


def test_noise_makes_sub_rheobase_currents_fire_and_is_seeded(noisy):
    a = noisy.fi_curve(noise_sigma=4 * mV, seed=1)
    b = noisy.fi_curve(noise_sigma=4 * mV, seed=1)
    c = noisy.fi_curve(noise_sigma=4 * mV, seed=2)
    np.testing.assert_array_equal(np.asarray(a.rates / Hz), np.asarray(b.rates / Hz))
    assert not np.array_equal(np.asarray(a.rates / Hz), np.asarray(c.rates / Hz))
    rates = np.asarray(a.rates / Hz)
    assert rates[1] > 5.0 and rates[2] > rates[1]            # 1.5 and 2 nA fire (measured 17, 38 Hz)
    assert np.all(np.diff(rates) > 0)
    assert np.all(np.asarray(a.rate_sem / Hz)[1:] > 0)
    assert a.noise_sigma == 4 * mV


def test_noisy_fi_rejects_bad_input(noisy):
    with raises_param("currents", "strictly increasing"):
        spiking.CompiledNoisyFI([2, 1] * nA, target="numpy")
    with raises_param("n_trials"):
        spiking.CompiledNoisyFI([1, 2] * nA, n_trials=0, target="numpy")
    with raises_param("tau_m"):
        spiking.CompiledNoisyFI([1, 2] * nA, tau_m=-1 * ms, target="numpy")
    with raises_param("lif_params", r"unknown LIF parameter\(s\) \['noise_sigma'\]"):
        spiking.CompiledNoisyFI([1, 2] * nA, noise_sigma=1 * mV, target="numpy")
    with raises_param("noise_sigma", "must be >= 0"):
        noisy.fi_curve(noise_sigma=-1 * mV)


# --- the analytic line the figures draw -----------------------------------------------------

def test_analytic_line_resolves_the_continuous_rise_at_the_rheobase(noisy):
    """The figures draw the formula on a grid that crowds towards the rheobase from above: there the
    rate is continuous (it falls to 0 like 1/ln of the distance), so the line shows no jump."""
    curve = noisy.fi_curve(noise_sigma=0 * mV)
    currents, rates = curve.analytic_line()
    i_na, r_hz = np.asarray(currents / nA), np.asarray(rates / Hz)
    rheobase = float(curve.rheobase / nA)
    assert rheobase == pytest.approx(2.0) and rheobase in i_na
    assert i_na[0] == pytest.approx(1.0) and i_na[-1] == pytest.approx(6.0)
    assert np.all(np.diff(i_na) > 0)
    assert np.all(r_hz[i_na <= rheobase] == 0)
    above = i_na > rheobase
    # The first point above the rheobase is within 1e-8 nA of it, and its rate is small: the
    # 1/ln fall, 1/(t_ref + tau_m ln(20 mV / (R_m dI))), computed here by hand, not by nslib.
    d_i = i_na[above][0] - rheobase
    assert 0 < d_i < 1e-8
    by_hand = 1 / (2e-3 + 10e-3 * np.log(20 / (10 * d_i)))
    assert r_hz[above][0] == pytest.approx(by_hand, rel=1e-6) and r_hz[above][0] < 6.0
    # Beyond that first step (the 1/ln fall makes it shrink only slowly with a finer grid),
    # consecutive points differ by less than 2 Hz: the line shows no jump.
    first = int(np.argmax(above))
    assert np.max(np.diff(r_hz[first:])) < 2.0
    by_hand = [1 / (2e-3 + 10e-3 * np.log(30 / 10)), 1 / (2e-3 + 10e-3 * np.log(60 / 40))]
    np.testing.assert_allclose(np.interp([3.0, 6.0], i_na, r_hz), by_hand, rtol=1e-3)


def test_analytic_line_of_a_curve_without_parameters_is_its_own_points():
    curve = spiking.fi_curve([1, 3] * nA, duration=100 * ms, target="numpy")
    bare = spiking.FICurve(currents=curve.currents, rates=curve.rates,
                           analytic_rates=curve.analytic_rates, tau_m=curve.tau_m,
                           rheobase=curve.rheobase, target=curve.target)
    currents, rates = bare.analytic_line()
    assert currents is curve.currents and rates is curve.analytic_rates
    slow = spiking.CompiledLIF([1, 3] * nA, duration=100 * ms, target="numpy").fi_curve(
        tau_m=20 * ms)
    _, line = slow.analytic_line(n=2)       # the curve's own tau_m, not the build-time default
    assert float(line[-1] / Hz) == pytest.approx(1 / (2e-3 + 20e-3 * np.log(3)), rel=1e-9)
    with raises_param("n"):
        curve.analytic_line(n=1)
