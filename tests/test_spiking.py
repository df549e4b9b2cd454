"""nslib.spiking: the LIF model, its f-I curve, compile-once-run-many and the numpy fallback;
nslib.plots.neurons: Chapter 0's figures of them."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from brian2 import Hz, Mohm, ms, mV, nA, second
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param
from matplotlib.colors import to_hex

from nslib import spiking
from nslib.perceptron.threshold_units import fit_activation
from nslib.plots import PALETTE
from nslib.plots.neurons import plot_fi_curves, plot_membrane_trace, plot_noisy_fi_curve, plot_voltage_trace


def hand_rate(i_na, tau_ms=10.0, gap_mv=20.0, r_mohm=10.0, t_ref_ms=2.0):
    """The LIF rate written out by hand, in Hz, for v_reset == v_rest."""
    drive = i_na * r_mohm  # mV
    if drive <= gap_mv:
        return 0.0
    return 1000.0 / (t_ref_ms + tau_ms * math.log(drive / (drive - gap_mv)))


def test_analytic_rate_matches_hand_formula():
    currents = [0.5, 2.0, 2.5, 4.0, 10.0]
    rates = spiking.lif_rate_analytic(np.array(currents) * nA)
    expected = [hand_rate(i) for i in currents]
    np.testing.assert_allclose(np.asarray(rates / Hz), expected, rtol=1e-9)
    assert rates.has_same_dimensions(Hz)


def test_analytic_rate_with_reset_below_rest():
    # Resetting further from threshold lengthens every interval.
    base = spiking.lif_rate_analytic([4] * nA)
    deep = spiking.lif_rate_analytic([4] * nA, v_reset=-80 * mV)
    assert deep[0] < base[0]


@pytest.fixture(scope="module")
def curve():
    return spiking.fi_curve(np.linspace(0, 6, 25) * nA, tau_m=10 * ms, duration=1 * second)


def test_fi_curve_runs_one_group_with_cython(curve):
    assert spiking.compiler_available()
    assert curve.target == "cython"
    assert len(curve.rates) == 25


def test_fi_curve_matches_analytic_within_2_hz(curve):
    # Chapter 0: "Simulation and formula agree within 2 Hz".
    gap = np.abs(np.asarray((curve.rates - curve.analytic_rates) / Hz))
    assert gap.max() <= 2.0, gap


def test_fi_curve_zero_below_rheobase_and_rising_above(curve):
    currents = np.asarray(curve.currents / nA)
    rates = np.asarray(curve.rates / Hz)
    assert float(curve.rheobase / nA) == pytest.approx(2.0)
    assert np.all(rates[currents <= 2.0] == 0)
    above = rates[currents > 2.0]
    assert np.all(above > 0) and np.all(np.diff(above) > 0)


def test_gap_to_analytic_shrinks_with_time_step():
    # Chapter 0: the gap comes from the discrete time step and shrinks with it.
    currents = np.linspace(3, 6, 4) * nA
    gaps = []
    for dt in (0.1 * ms, 0.02 * ms):
        c = spiking.fi_curve(currents, tau_m=5 * ms, dt=dt, target="numpy")
        gaps.append(float(np.max(np.abs((c.rates - c.analytic_rates) / Hz))))
    assert gaps[1] < gaps[0] / 2, gaps


def test_larger_tau_lowers_rate_but_keeps_rheobase():
    # Chapter 0's interactive demo: tau_m moves the rates, not the rheobase.
    currents = np.linspace(0, 6, 13) * nA
    fast = spiking.fi_curve(currents, tau_m=5 * ms, target="numpy")
    slow = spiking.fi_curve(currents, tau_m=20 * ms, target="numpy")
    assert fast.rheobase == slow.rheobase
    above = np.asarray(currents / nA) > 2.0
    assert np.all(np.asarray(fast.rates / Hz)[above] > np.asarray(slow.rates / Hz)[above])
    assert np.all(np.asarray(slow.rates / Hz)[~above] == 0)


def test_membrane_trace_is_recorded_and_resets():
    res = spiking.simulate_lif([3] * nA, duration=50 * ms, record_v=[0], target="numpy")
    v = np.asarray(res.v[0] / mV)
    assert v.max() <= -50.0 + 1e-9 and v.min() >= -70.0 - 1e-9
    assert res.spike_counts[0] >= 3
    assert len(res.t) == len(v)


def test_noise_is_seeded():
    kw = dict(duration=200 * ms, noise_sigma=4 * mV, target="numpy")
    a = spiking.simulate_lif([1.9] * 20 * nA, seed=1, **kw)
    b = spiking.simulate_lif([1.9] * 20 * nA, seed=1, **kw)
    c = spiking.simulate_lif([1.9] * 20 * nA, seed=2, **kw)
    np.testing.assert_array_equal(a.spike_times, b.spike_times)
    assert a.spike_counts.sum() > 0  # noise lifts a sub-rheobase neuron over threshold
    assert not np.array_equal(np.asarray(a.spike_times), np.asarray(c.spike_times))
    assert_generator_seed_reproducible(
        lambda seed: spiking.simulate_lif([1.9] * 5 * nA, seed=seed, **kw).spike_times / ms)


def test_brian2_state_is_restored_after_a_run():
    import brian2
    from brian2.devices.device import get_device

    before = brian2.prefs["codegen.target"]
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    spiking.simulate_lif([3] * nA, duration=10 * ms, noise_sigma=1 * mV, target="numpy", seed=9)
    assert np.random.random() == expected  # numpy's global generator is left as it was
    assert brian2.prefs["codegen.target"] == before
    assert type(get_device()).__name__ == "RuntimeDevice"


def test_import_has_no_global_side_effects():
    code = ("import sys, nslib, nslib.spiking, nslib.sweeps, nslib.plots; "
            "print('brian2' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_cache_dir_is_outside_the_repository(root, monkeypatch):
    monkeypatch.delenv("NSLIB_CACHE_DIR", raising=False)
    path = spiking.cache_dir("lif_runtime")
    assert root not in path.parents and path.is_dir()


# --- compile once, run many ------------------------------------------------------------------

@pytest.fixture(scope="module")
def compiled():
    return spiking.CompiledLIF(np.linspace(0, 6, 13) * nA, duration=500 * ms)


def test_standalone_rerun_does_not_compile(compiled, monkeypatch):
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    first = compiled.fi_curve(tau_m=10 * ms)
    binary = compiled.directory / "main"
    stamp = binary.stat().st_mtime_ns
    calls = []
    original = CPPStandaloneDevice.compile_source
    monkeypatch.setattr(CPPStandaloneDevice, "compile_source",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    second = compiled.fi_curve(tau_m=20 * ms)
    assert calls == [] and binary.stat().st_mtime_ns == stamp
    assert compiled.target == "cpp_standalone" and compiled.n_builds == 1
    # The changed parameter changed the result, and both runs match the formula.
    assert np.all(second.rates <= first.rates) and np.any(second.rates < first.rates)
    for c in (first, second):
        assert np.max(np.abs(np.asarray((c.rates - c.analytic_rates) / Hz))) <= 4.0


def test_standalone_matches_runtime(compiled):
    currents = np.linspace(0, 6, 13) * nA
    standalone = compiled.run(tau_m=10 * ms, input_current=currents[::-1].copy())
    runtime = spiking.simulate_lif(currents[::-1].copy(), tau_m=10 * ms, duration=500 * ms,
                                   target="numpy")
    np.testing.assert_array_equal(standalone.spike_counts, runtime.spike_counts)


def test_standalone_survives_another_standalone_model(compiled):
    before = compiled.run(tau_m=10 * ms)
    other = spiking.CompiledLIF([3] * nA, duration=100 * ms)
    assert other.run().spike_counts[0] > 0
    builds = compiled.n_builds
    again = compiled.run(tau_m=10 * ms)  # each model keeps its own device: no rebuild
    assert compiled.n_builds == builds == 1
    np.testing.assert_array_equal(again.spike_counts, before.spike_counts)


def test_time_varying_input_through_a_timed_array():
    # 0 nA then 3 nA: the neuron is silent for the first 100 ms, then fires at the 3 nA rate.
    steps = np.array([[0.0], [3.0]]) * nA
    res = spiking.simulate_lif(steps, input_dt=100 * ms, duration=200 * ms, target="numpy")
    times = np.asarray(res.spike_times / ms)
    assert times.min() > 100.0
    constant = spiking.simulate_lif([3] * nA, duration=100 * ms, target="numpy")
    assert res.spike_counts[0] == constant.spike_counts[0]


def test_compiled_lif_with_timed_input_and_noise_reruns():
    steps = np.array([[0.0, 3.0], [3.0, 0.0]]) * nA
    model = spiking.CompiledLIF(steps, input_dt=100 * ms, duration=200 * ms, noise_sigma=0 * mV)
    quiet = model.run()
    np.testing.assert_array_equal(
        quiet.spike_counts,
        spiking.simulate_lif(steps, input_dt=100 * ms, duration=200 * ms,
                             target="numpy").spike_counts)
    sub = np.full((2, 2), 1.9) * nA   # just below the 2 nA rheobase
    assert model.run(input_current=sub).spike_counts.sum() == 0
    noisy = model.run(input_current=sub, noise_sigma=4 * mV, seed=1)
    assert noisy.spike_counts.sum() > 0            # noise lifts it over threshold
    np.testing.assert_array_equal(noisy.spike_times,
                                  model.run(input_current=sub, noise_sigma=4 * mV, seed=1).spike_times)
    assert model.n_builds == 1
    with raises_param("noise_sigma"):
        spiking.CompiledLIF([3] * nA, duration=10 * ms).run(noise_sigma=1 * mV)


def test_numpy_fallback_warns(monkeypatch):
    monkeypatch.setenv("NSLIB_FORCE_NUMPY", "1")
    assert not spiking.compiler_available()
    with pytest.warns(spiking.NumpyFallbackWarning, match="No C\\+\\+ compiler"):
        res = spiking.simulate_lif([3] * nA, duration=50 * ms)
    assert res.target == "numpy" and res.spike_counts[0] > 0
    with pytest.warns(spiking.NumpyFallbackWarning):
        model = spiking.CompiledLIF([3] * nA, duration=50 * ms)
    assert model.target == "numpy" and model.run().spike_counts[0] == res.spike_counts[0]
    with pytest.warns(spiking.NumpyFallbackWarning):
        assert spiking.runtime_target("cython") == "numpy"


def test_no_warning_when_numpy_is_asked_for():
    with warnings.catch_warnings():
        warnings.simplefilter("error", spiking.NumpyFallbackWarning)
        assert spiking.simulate_lif([3] * nA, duration=20 * ms, target="numpy").target == "numpy"


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name, match", [
    (dict(tau_m=-10 * ms), "tau_m", "must be > 0"),
    (dict(tau_m=10), "tau_m", "must be a scalar Brian2 quantity"),
    (dict(tau_m=10 * mV), "tau_m", "must be a scalar Brian2 quantity"),
    (dict(duration=0 * ms), "duration", "must be > 0"),
    (dict(dt=-0.1 * ms), "dt", "must be > 0"),
    (dict(dt=2 * second), "dt", "must be <= duration"),
    (dict(v_threshold=-80 * mV), "v_threshold", "must be > v_rest"),
    (dict(v_reset=-40 * mV), "v_reset", "must be < v_threshold"),
    (dict(R_m=0 * Mohm), "R_m", "must be > 0"),
    (dict(refractory=-1 * ms), "refractory", "must be >= 0"),
    (dict(noise_sigma=-1 * mV), "noise_sigma", "must be >= 0"),
    (dict(record_v=[5]), "record_v[i]", r"must be an integer in \[0, 0\]"),
    (dict(target="gpu"), "target", "must be one of"),
    (dict(seed=-1), "seed", "must be a non-negative integer"),
    (dict(input_dt=-1 * ms), "input_current", "must be 2-D"),
])
def test_simulate_lif_rejects_bad_parameters(kwargs, name, match):
    with raises_param(name, match):
        spiking.simulate_lif([3] * nA, **kwargs)


@pytest.mark.parametrize("current, match", [
    ([] * nA, "must hold at least 1 value"),
    ([1, 2], r"must be a Brian2 quantity array in A"),
    ([1, 2] * mV, r"must be a Brian2 quantity array in A"),
    (np.ones((2, 2)) * nA, "must be 1-D"),
    ([1, np.nan] * nA, "finite"),
])
def test_simulate_lif_rejects_bad_currents(current, match):
    with raises_param("input_current", match):
        spiking.simulate_lif(current)


@pytest.mark.parametrize("input_dt, name", [(-1 * ms, "input_dt"), (0.01 * ms, "input_dt"),
                                            (5 * mV, "input_dt")])
def test_simulate_lif_rejects_bad_input_dt(input_dt, name):
    with raises_param(name):
        spiking.simulate_lif(np.ones((2, 1)) * nA, input_dt=input_dt)


@pytest.mark.parametrize("currents", [[1, 1, 2] * nA, [3, 2, 1] * nA, [1] * nA])
def test_fi_curve_rejects_non_increasing_currents(currents):
    with raises_param("currents", "must be strictly increasing"):
        spiking.fi_curve(currents)


def test_fi_curve_rejects_unknown_parameter():
    with raises_param("lif_params", r"unknown LIF parameter\(s\) \['tau'\]"):
        spiking.fi_curve([1, 2] * nA, tau=5 * ms)


def test_compiled_rejects_bad_input(compiled):
    with raises_param("input_current", "must have the compiled shape"):
        compiled.run(input_current=[1, 2] * nA)
    with raises_param("tau_m", "must be > 0"):
        compiled.run(tau_m=0 * ms)
    with raises_param("dt", "must be <= duration"):
        spiking.CompiledLIF([1] * nA, duration=1 * ms, dt=2 * ms)
    with raises_param("input_current", "at least 1 value"):
        spiking.CompiledLIF([] * nA)


@pytest.mark.parametrize("name", ["", "a/b", "../x", 3])
def test_cache_dir_rejects_bad_names(name):
    with raises_param("model", "non-empty name"):
        spiking.cache_dir(name)


# --- figures (nslib.plots.neurons) --------------------------------------------------------

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
    with raises_param("result", "record_v"):
        plot_membrane_trace(res)
    res = spiking.simulate_lif([3] * nA, duration=10 * ms, record_v=[0], target="numpy")
    with raises_param("neuron", r"\[0, 0\]"):
        plot_membrane_trace(res, neuron=3)
    with raises_param("curves", "at least 1"):
        plot_fi_curves([])
    with raises_param("result", "LIFResult"):
        plot_membrane_trace(np.zeros(3))
    with raises_param("curves", "only FICurve"):
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
    noiseless = spiking.fi_curve([1, 3] * nA, target="numpy")
    with raises_param("curve"):
        plot_noisy_fi_curve(noiseless)
    with raises_param("fits"):
        plot_noisy_fi_curve(curve, [noiseless])
    with raises_param("fit_range_na"):
        plot_noisy_fi_curve(curve, fit_range_na=(4, 0))
