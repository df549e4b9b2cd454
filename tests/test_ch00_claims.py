"""The claims chapters/00_neurons.md makes in prose, in its printed output, its alt text and its answers.

Each test repeats the chapter's own calls (same arguments, same seeds) or the hand calculation the
chapter asks readers to do, and checks the sentence quoted in its docstring, with tolerances that could
fail (measured values in the comments). Claims asserted elsewhere as well: the f-I curve's rheobase, the
2 Hz gap and its shrinking with dt (test_spiking), the noisy f-I model's basics (test_neurons).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

brian2 = pytest.importorskip("brian2")
from brian2 import Hz, Mohm, ms, mV, nA, nF, second  # noqa: E402

from nslib import spiking  # noqa: E402
from nslib.perceptron import mcculloch_pitts  # noqa: E402
from nslib.perceptron.threshold_units import fit_activation  # noqa: E402

#: The chapter's equations cell, verbatim.
CHAPTER_EQUATIONS = """
dv/dt = (v_rest - v + R_m*I_ext)/tau_m : volt (unless refractory)
I_ext : amp
tau_m : second
"""
CONSTANTS = {"v_rest": -70 * mV, "v_reset": -70 * mV, "v_threshold": -50 * mV, "R_m": 10 * Mohm}


def _hz(q):
    return np.asarray(q / Hz, dtype=float)


# ---------------------------------------------------------------------------
# 1. The McCulloch-Pitts unit
# ---------------------------------------------------------------------------

def test_equal_weights_give_and_and_or():
    """The printed table: weights [1, 1] with threshold 2 give AND, with threshold 1 give OR."""
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert mcculloch_pitts(inputs, weights=[1, 1], threshold=2).tolist() == [0, 0, 0, 1]
    assert mcculloch_pitts(inputs, weights=[1, 1], threshold=1).tolist() == [0, 1, 1, 1]


def test_a_negative_enough_weight_is_an_absolute_veto():
    """"an inhibitory weight negative enough that no number of excitatory inputs can outweigh it"; the
    printed table: weight -3 against two excitatory inputs of weight 1 gives "OR unless inh"."""
    patterns = np.array([[a, b, c] for c in (0, 1) for a in (0, 1) for b in (0, 1)])
    vetoed = mcculloch_pitts(patterns, weights=[1, 1, -3], threshold=1)
    original = [int((a + b >= 1) and c == 0) for a, b, c in patterns]   # McCulloch and Pitts's rule
    assert vetoed.tolist() == original == [0, 1, 1, 1, 0, 0, 0, 0]
    # -1 is not negative enough: two active excitatory inputs outweigh one inhibitory input.
    assert mcculloch_pitts([1, 1, 1], weights=[1, 1, -1], threshold=1) == 1


# ---------------------------------------------------------------------------
# 2. The LIF neuron: parameters, equations, the Brian2 cell
# ---------------------------------------------------------------------------

def test_parameter_table_and_the_numbers_derived_from_it():
    """The table (-70/-70/-50 mV, 10 Mohm, tau_m = R_m C_m = 10 ms with C_m = 1 nF, 2 ms) and "the neuron
    fires only ... for I above 20 mV / 10 Mohm = 2 nA"."""
    d = spiking.LIF_DEFAULTS
    assert d["v_rest"] == (-70.0, "mV") and d["v_threshold"] == (-50.0, "mV")
    assert d["R_m"] == (10.0, "Mohm") and d["tau_m"] == (10.0, "ms") and d["refractory"] == (2.0, "ms")
    assert float((10 * ms) / (10 * Mohm) / nF) == pytest.approx(1.0)
    assert float((1 * nA) * (1 * Mohm) / mV) == pytest.approx(1.0)
    curve = spiking.fi_curve([1, 3] * nA, target="numpy")
    assert float(curve.rheobase / nA) == pytest.approx(2.0)
    # The reset defaults to rest: the analytic rate with v_reset=-70 mV given is the default one.
    assert _hz(spiking.lif_rate_analytic([3] * nA, v_reset=-70 * mV)) == pytest.approx(
        _hz(spiking.lif_rate_analytic([3] * nA)))


def test_the_chapters_equations_are_nslibs():
    """The Brian2 cell uses "the equations ... without the noise term", the ones nslib prints with it."""
    assert CHAPTER_EQUATIONS.strip() == spiking.lif_equations().strip()
    noisy = spiking.lif_equations(noise=True)
    assert "+ noise_sigma*sqrt(2/tau_m)*xi : volt (unless refractory)" in noisy
    assert "noise_sigma : volt (shared)" in noisy


def _chapter_trace(current=3 * nA, equations=CHAPTER_EQUATIONS, duration=100 * ms):
    """The chapter's plain-Brian2 cell (target numpy, seed 0), returning spike times in ms."""
    with spiking.runtime("ch00_claims_trace", target="numpy", seed=0) as rt:
        b2 = rt.brian2
        neuron = b2.NeuronGroup(1, equations, threshold="v > v_threshold", reset="v = v_reset",
                                refractory=2 * ms, method="exact", namespace=CONSTANTS,
                                clock=rt.clock, name=rt.name("neuron"))
        neuron.v = -70 * mV
        neuron.tau_m = 10 * ms
        neuron.I_ext = current
        spikes = b2.SpikeMonitor(neuron, name=rt.name("spikes"))
        b2.Network(neuron, spikes).run(duration, namespace={})
        return np.asarray(spikes.t[:] / ms)


def test_trace_spike_times_by_hand_and_by_brian2():
    """"7 spikes in 100 ms, at [10.9, 23.8, ...] ms"; by hand the first at 10 ms x ln 3 = 11.0 ms and then
    every 13.0 ms; "Brian2 reports 10.9 ms and 12.9 ms"."""
    times = _chapter_trace()
    assert len(times) == 7
    np.testing.assert_allclose(times, [10.9, 23.8, 36.7, 49.6, 62.5, 75.4, 88.3], atol=1e-6)
    assert 10 * math.log(3) == pytest.approx(11.0, abs=0.05)            # 10.986 ms
    assert 2 + 10 * math.log(3) == pytest.approx(13.0, abs=0.05)        # 12.986 ms
    np.testing.assert_allclose(np.diff(times), 12.9, atol=1e-6)
    # The first time and every interval are the hand values rounded down to the 0.1 ms step.
    assert 0 <= 10 * math.log(3) - times[0] < 0.1
    assert np.all((12.986 - np.diff(times) >= 0) & (12.986 - np.diff(times) < 0.1))


def test_simulate_lif_runs_exactly_the_chapters_lines():
    """"nslib.spiking.simulate_lif runs exactly these lines"."""
    res = spiking.simulate_lif([3] * nA, duration=100 * ms, target="numpy", seed=0)
    np.testing.assert_array_equal(np.asarray(res.spike_times / ms), _chapter_trace())


def test_without_unless_refractory_v_integrates_and_fires_as_the_period_ends():
    """"without this flag v would keep integrating, and could fire again the moment the period ends"
    (and Brian2 ignores threshold crossings during the period)."""
    unclamped = CHAPTER_EQUATIONS.replace(" (unless refractory)", "")
    clamped_isi = np.diff(_chapter_trace(20 * nA, duration=50 * ms))
    free_isi = np.diff(_chapter_trace(20 * nA, unclamped, duration=50 * ms))
    np.testing.assert_allclose(clamped_isi, 3.0, atol=1e-6)      # 2 ms held + 1.05 ms climb, on the grid
    np.testing.assert_allclose(free_isi, 2.0, atol=0.1 + 1e-6)   # fires right as the 2 ms end
    assert np.all(free_isi >= 2.0 - 1e-6)                        # never during the period


def test_noise_sigma_is_the_sd_of_the_free_membrane_around_its_mean():
    """"the factor sqrt(2/tau_m) makes noise_sigma the standard deviation of the membrane potential's
    fluctuations when no threshold is in the way (the potential then wanders around v_rest + R_m I)"."""
    res = spiking.simulate_lif([1.8] * nA, noise_sigma=4 * mV, v_threshold=1000 * mV,
                               duration=4 * second, record_v=[0], seed=0, target="numpy")
    v = np.asarray(res.v[0] / mV)[2000:]          # after 200 ms (20 tau_m) the start is forgotten
    assert res.spike_counts[0] == 0
    assert v.mean() == pytest.approx(-52.0, abs=0.5)   # measured -51.9
    assert v.std() == pytest.approx(4.0, rel=0.1)      # measured 4.0


def test_exact_integration_cannot_take_noise():
    """"Euler-Maruyama integration, method="euler", because the exact method cannot integrate noise"."""
    with spiking.runtime("ch00_claims_exact", target="numpy") as rt:
        group = rt.brian2.NeuronGroup(1, spiking.lif_equations(noise=True), method="exact",
                                      namespace=CONSTANTS, clock=rt.clock, name=rt.name("g"))
        with pytest.raises(Exception, match="Cannot solve|stochastic|exact"):
            rt.brian2.Network(group).run(1 * ms, namespace={})


# ---------------------------------------------------------------------------
# 3. The f-I curve
# ---------------------------------------------------------------------------

def test_the_hand_calculations_of_the_f_i_curve():
    """At 3 nA T = 11.0 ms and r = 77 Hz; at 6 nA T = 4.1 ms and r = 165 Hz; the ceiling 500 Hz is
    approached but never reached; at 2.01 nA T = 53 ms and the neuron "already fires at 18 Hz"."""
    assert 10 * math.log(60 / 40) == pytest.approx(4.1, abs=0.05)       # 4.055 ms
    rates = _hz(spiking.lif_rate_analytic([3, 6, 2.01, 1e3, 1e5] * nA))
    assert rates[0] == pytest.approx(77.0, abs=0.05)                     # 77.005 Hz
    assert rates[1] == pytest.approx(165.0, abs=0.5)                     # 165.3 Hz
    assert 10 * math.log(20.1 / 0.1) == pytest.approx(53.0, abs=0.1)     # 53.03 ms
    assert rates[2] == pytest.approx(18.0, abs=0.2)                      # 18.17 Hz
    assert 490 < rates[3] < rates[4] < 500.0                             # 495.0, 499.95 Hz


def test_noise_free_curve_is_concave_everywhere_above_the_rheobase():
    """Section 4: the noise-free curve "is concave everywhere above" the rheobase."""
    currents = np.concatenate([2 + np.logspace(-6, 0, 200), np.linspace(3.01, 1000, 3000)])
    slopes = np.diff(_hz(spiking.lif_rate_analytic(currents * nA))) / np.diff(currents)
    assert np.all(np.diff(slopes) < 0)


def test_the_slope_at_the_rheobase_is_infinite():
    """"The slope of r(I) at the rheobase is infinite": the rate over the distance to the rheobase grows
    without bound as the distance shrinks."""
    eps = np.array([1e-2, 1e-4, 1e-6, 1e-8])
    slopes = _hz(spiking.lif_rate_analytic((2 + eps) * nA)) / eps       # Hz per nA
    assert np.all(np.diff(slopes) > 0)
    assert slopes[1] > 5e4 and slopes[-1] > 1e7                          # measured 9.9e4, 2.8e7


@pytest.fixture(scope="module")
def chapter_curve():
    return spiking.fi_curve(np.linspace(0, 6, 25) * nA, tau_m=10 * ms, duration=1 * second, seed=0)


def test_simulated_curve_within_2_hz_concave_to_165_hz(chapter_curve):
    """"Simulation and formula agree within 2 Hz"; alt text: "zero firing up to the 2 nA rheobase, then a
    steep, concave rise to about 165 Hz at 6 nA"."""
    rates = _hz(chapter_curve.rates)
    assert np.max(np.abs(rates - _hz(chapter_curve.analytic_rates))) <= 2.0   # measured 1.85 Hz
    currents = np.asarray(chapter_curve.currents / nA)
    assert np.all(rates[currents <= 2.0] == 0)
    assert rates[-1] == pytest.approx(165, abs=3)                        # measured 166 Hz
    assert np.all(np.diff(rates[currents >= 3.0][::4], 2) < 0)           # 1 nA steps: concave


def test_tau_m_moves_the_rates_not_the_rheobase_or_the_ceiling():
    """Answer: "The rheobase does not move ... every rate above the rheobase falls: at 6 nA from 165 Hz
    (tau_m = 10 ms) to 99 Hz (20 ms). The ceiling 1/t_ref does not depend on tau_m either"."""
    currents = np.linspace(0, 6, 25) * nA
    model = spiking.CompiledLIF(currents, duration=1 * second, target="numpy")
    fast, slow = model.fi_curve(tau_m=10 * ms), model.fi_curve(tau_m=20 * ms)
    assert fast.rheobase == slow.rheobase
    above = np.asarray(currents / nA) > 2.0
    assert np.all(_hz(slow.rates)[above] < _hz(fast.rates)[above])
    assert _hz(slow.analytic_rates)[-1] == pytest.approx(99, abs=0.5)   # 98.9 Hz
    assert _hz(slow.rates)[-1] == pytest.approx(99, abs=2)               # simulated 99 Hz
    huge = [1e5] * nA
    for tau in (10 * ms, 40 * ms):
        assert _hz(spiking.lif_rate_analytic(huge, tau_m=tau))[0] == pytest.approx(500, abs=0.5)


# ---------------------------------------------------------------------------
# 4. Noise, ReLU and softplus
# ---------------------------------------------------------------------------

def test_noisy_neuron_below_rheobase_fires_now_and_then():
    """"Without noise this neuron would never fire. With noise a fluctuation reaches threshold now and then"
    (1.8 nA, 4 mV, 300 ms, seed 1; printed: 8 spikes)."""
    kw = dict(duration=300 * ms, record_v=[0], seed=1, target="numpy")
    noisy = spiking.simulate_lif([1.8] * nA, noise_sigma=4 * mV, **kw)
    quiet = spiking.simulate_lif([1.8] * nA, **kw)
    assert quiet.spike_counts[0] == 0
    assert 3 <= noisy.spike_counts[0] <= 20                                # measured 8


NOISE_LEVELS_MV = (0, 1, 2, 4, 6, 8)


@pytest.fixture(scope="module")
def noisy_curves():
    """The chapter's demo: 41 currents, 20 neurons each, 1 s, seed 0; fits between 0 and 4 nA."""
    model = spiking.CompiledNoisyFI(np.linspace(0, 10, 41) * nA, n_trials=20, duration=1 * second,
                                    seed=0)
    out = {}
    for sigma in NOISE_LEVELS_MV:
        curve = model.fi_curve(noise_sigma=sigma * mV)
        i_na, rates = np.asarray(curve.currents / nA), _hz(curve.rates)
        near = i_na <= 4.0
        fits = {k: fit_activation(i_na[near], rates[near], k) for k in ("relu", "softplus")}
        out[sigma] = (i_na, rates, _hz(curve.analytic_rates), fits)
    return out


def test_noise_lifts_the_rate_below_rheobase(noisy_curves):
    """Answer: "at 1.5 nA, 0 Hz without noise, about 17 Hz with 4 mV and 36 Hz with 8 mV"."""
    at = {s: c[1][np.argmin(abs(c[0] - 1.5))] for s, c in noisy_curves.items()}
    assert at[0] == 0
    assert at[4] == pytest.approx(17, abs=4)                              # measured 17.3 Hz
    assert at[8] == pytest.approx(36, abs=5)                              # measured 36.1 Hz
    assert at[0] <= at[1] <= at[2] < at[4] < at[6] < at[8]


def test_noise_turns_the_step_into_a_finite_slope(noisy_curves):
    """Answer: "the steepest slope, 168 Hz per nA between two points of the noise-free curve ..., falls to
    about 44 Hz/nA with 4 mV"."""
    steepest = {s: np.max(np.diff(c[1]) / 0.25) for s, c in noisy_curves.items()}
    assert steepest[0] == pytest.approx(168, abs=10)                      # measured 168
    assert steepest[4] == pytest.approx(44, abs=8)                        # measured 44.2
    assert steepest[8] < steepest[4] < steepest[2] < steepest[0]


def test_softplus_beats_relu_near_rheobase_once_noise_is_large(noisy_curves):
    """Answer: "With little noise the best softplus is a ReLU (its bend shrinks to nothing); from 4 mV on
    the softplus fits the curve near the rheobase better than the ReLU, and at 8 mV with less than half
    the ReLU's error"."""
    for sigma in (0, 1, 2):
        relu, soft = noisy_curves[sigma][3]["relu"], noisy_curves[sigma][3]["softplus"]
        assert soft.width < 0.05                                          # measured <= 0.02 nA
        assert soft.rms_error == pytest.approx(relu.rms_error, rel=0.02)
    for sigma in (4, 6, 8):
        relu, soft = noisy_curves[sigma][3]["relu"], noisy_curves[sigma][3]["softplus"]
        assert soft.rms_error < relu.rms_error                            # 1.42/1.54, 1.11/1.60, 0.96/2.22
    assert noisy_curves[8][3]["softplus"].rms_error < 0.5 * noisy_curves[8][3]["relu"].rms_error
    # "With 4 mV of noise, a softplus follows ... (within 1.5 Hz rms between 0 and 4 nA), and a ReLU
    # nearly as well".
    assert noisy_curves[4][3]["softplus"].rms_error < 1.5                # measured 1.42 Hz
    assert noisy_curves[4][3]["relu"].rms_error < 1.25 * noisy_curves[4][3]["softplus"].rms_error


def test_far_above_rheobase_noise_hardly_matters_and_the_fits_overshoot(noisy_curves):
    """Answer: "at 10 nA the rate changes by less than 1 %", and the fitted ReLU and softplus "at 10 nA
    ... are 70 to 200 Hz above it"; every rate stays below the 500 Hz ceiling."""
    base = noisy_curves[0][1][-1]                                        # 238 Hz
    for _sigma, (_i_na, rates, _analytic, fits) in noisy_curves.items():
        assert abs(rates[-1] - base) < 0.01 * base                        # measured <= 0.65 %
        assert np.all(rates < 500)
        for fit in fits.values():
            over = fit(np.array([10.0]))[0] - rates[-1]
            assert 65 < over < 200                                        # measured 69 to 194 Hz


def test_noisy_curve_is_s_shaped(noisy_curves):
    """"Over a wide range the noisy curve is S-shaped": convex at its onset, concave above."""
    for sigma in (4, 8):
        second_diff = np.diff(noisy_curves[sigma][1][::4], 2)            # 1 nA steps
        assert second_diff[0] > 0                                         # measured 33, 17
        assert np.all(second_diff[2:] < 0)
