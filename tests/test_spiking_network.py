"""nslib.spiking's gate: runtime() for any network, CompiledNetwork (compile once, run many)."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, ms, mV, nA
from helpers import raises_param

from nslib import spiking


def _build_driven(ctx, n=4):
    """Poisson inputs whose rates come from a TimedArray, one synapse each onto a LIF-like cell."""
    b2 = ctx.brian2
    drive = ctx.timed_array("drive", np.full((10, n), 50.0) * Hz, dt=20 * ms)
    inputs = b2.PoissonGroup(n, rates="drive(t, i)", clock=ctx.clock, namespace={"drive": drive},
                             name=ctx.name("inputs"))
    cells = b2.NeuronGroup(n, """dv/dt = -v/(10*ms) + sigma*sqrt(2/(10*ms))*xi : volt
                                 w : volt (shared)
                                 sigma : volt (shared)""",
                           threshold="v > 10*mV", reset="v = 0*mV", method="euler",
                           clock=ctx.clock, name=ctx.name("cells"))
    cells.w = 4 * mV
    syn = b2.Synapses(inputs, cells, on_pre="v_post += w_post", clock=ctx.clock,
                      name=ctx.name("synapses"))
    syn.connect(j="i")
    spikes = b2.SpikeMonitor(cells, name=ctx.name("spikes"))
    return {"inputs": inputs, "cells": cells, "synapses": syn, "spikes": spikes, "drive": drive}


def _counts(objects):
    return np.asarray(objects["spikes"].count[:], dtype=int)


@pytest.fixture(scope="module")
def driven():
    return spiking.CompiledNetwork("test_gate_driven", _build_driven, _counts, duration=200 * ms,
                                   key=("driven", 4))


def test_rerun_with_new_values_changes_the_result_without_recompiling(driven, monkeypatch):
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    assert driven.target == "cpp_standalone"
    binary = driven.directory / "main"
    first = driven.run()
    stamp = binary.stat().st_mtime_ns
    calls = []
    original = CPPStandaloneDevice.compile_source
    monkeypatch.setattr(CPPStandaloneDevice, "compile_source",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    busier = driven.run({"drive": np.full((10, 4), 400.0) * Hz})
    stronger = driven.run({"cells.w": 12 * mV})
    silent = driven.run({"drive": np.zeros((10, 4)) * Hz})
    assert calls == [] and binary.stat().st_mtime_ns == stamp and driven.n_builds == 1
    # Measured: about 2 spikes per cell at 50 Hz input, 30 at 400 Hz; every input spike fires at w = 12 mV.
    assert busier.sum() > 5 * max(first.sum(), 1)
    assert stronger.sum() > first.sum()
    assert silent.sum() == 0


def test_timed_input_changes_within_a_run(driven):
    # Input only in the second half of the run: no spike can come before 100 ms.
    rates = np.zeros((10, 4))
    rates[5:] = 500.0
    rec = spiking.CompiledNetwork(
        "test_gate_times", _build_driven,
        lambda o: (np.asarray(o["spikes"].t[:] / ms), np.asarray(o["spikes"].i[:])),
        duration=200 * ms, key=("times", 4))
    times, _ = rec.run({"drive": rates * Hz, "cells.w": 12 * mV})
    assert times.size > 20 and times.min() >= 100.0


def test_run_values_need_not_be_contiguous(driven):
    # A transposed (Fortran-ordered) array is a fine input; Brian2 hashes raw buffers.
    rates = (np.full((4, 10), 400.0) * Hz).T
    assert not rates.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(driven.run({"drive": rates}),
                                  driven.run({"drive": np.full((10, 4), 400.0) * Hz}))


def test_seed_is_a_run_argument(driven):
    noisy = {"cells.sigma": 6 * mV, "drive": np.zeros((10, 4)) * Hz}
    a = driven.run(noisy, seed=1)
    b = driven.run(noisy, seed=1)
    c = driven.run(noisy, seed=2)
    np.testing.assert_array_equal(a, b)
    assert a.sum() > 0  # noise alone crosses threshold
    assert not np.array_equal(a, c)


def test_two_models_alternate_and_each_compiles_once(driven, monkeypatch):
    other = spiking.CompiledLIF(np.array([3.0, 4.0]) * nA, duration=100 * ms)
    builds = (driven.n_builds, other.n_builds)
    results = []
    for _ in range(3):
        results.append((driven.run({"cells.w": 12 * mV}).sum(), int(other.run().spike_counts.sum())))
    assert (driven.n_builds, other.n_builds) == builds == (1, 1)
    assert len(set(results)) == 1 and results[0][0] > 0 and results[0][1] > 0


def test_same_folder_rebuilt_by_a_newer_model_is_taken_back():
    a = spiking.CompiledNetwork("test_gate_shared", _build_driven, _counts, duration=50 * ms,
                                key="same")
    b = spiking.CompiledNetwork("test_gate_shared", lambda ctx: _build_driven(ctx, n=2), _counts,
                                duration=50 * ms, key="same")
    assert a.directory == b.directory
    assert b.run().shape == (2,)
    assert a.run().shape == (4,)      # a rebuilt its program before running
    assert a.n_builds == 2 and b.n_builds == 1


def test_rebuilding_a_live_model_generates_the_same_code(driven):
    # Re-running a notebook cell builds the model again while the old one is alive:
    # Brian2 would name the new code objects "..._1" and recompile everything.
    again = spiking.CompiledNetwork("test_gate_driven", _build_driven, _counts, duration=200 * ms,
                                    key=("driven", 4))
    assert again.directory == driven.directory
    generated = sorted(p.name for p in (again.directory / "code_objects").glob("*.cpp"))
    assert generated and not [n for n in generated if "_codeobject_" in n], generated
    np.testing.assert_array_equal(again.run({"cells.w": 12 * mV}), driven.run({"cells.w": 12 * mV}))


def test_numpy_fallback_gives_the_same_deterministic_result(monkeypatch, driven):
    values = {"drive": np.full((10, 4), 300.0) * Hz, "cells.w": 12 * mV}
    compiled = driven.run(values)
    monkeypatch.setenv("NSLIB_FORCE_NUMPY", "1")
    with pytest.warns(spiking.NumpyFallbackWarning, match="CompiledNetwork"):
        fallback = spiking.CompiledNetwork("test_gate_driven", _build_driven, _counts,
                                           duration=200 * ms)
    assert fallback.target == "numpy" and fallback.directory is None
    got = fallback.run(values)
    # Poisson draws differ between targets; both see about 60 input spikes per cell and
    # every one makes the cell fire (w = 12 mV > threshold), so counts agree within noise.
    assert got.shape == compiled.shape
    assert abs(int(got.sum()) - int(compiled.sum())) <= 0.25 * compiled.sum()


def test_runtime_runs_any_network_and_restores_brian2():
    import brian2
    from brian2.devices.device import get_device

    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    before = (brian2.prefs["codegen.target"], brian2.defaultclock.dt, type(get_device()))
    with spiking.runtime("test_gate_rt", target="numpy", seed=3, dt=0.05 * ms) as rt:
        g = rt.brian2.NeuronGroup(3, "dv/dt = -v/(5*ms) + xi/sqrt(ms) : 1", method="euler",
                                  clock=rt.clock, name=rt.name("cells"))
        rt.brian2.Network(g).run(5 * ms, namespace={})
        first = np.array(g.v[:])
        assert rt.target == "numpy" and float(rt.clock.dt / ms) == pytest.approx(0.05)
    with spiking.runtime("test_gate_rt", target="numpy", seed=3, dt=0.05 * ms) as rt:
        g = rt.brian2.NeuronGroup(3, "dv/dt = -v/(5*ms) + xi/sqrt(ms) : 1", method="euler",
                                  clock=rt.clock, name=rt.name("cells"))
        rt.brian2.Network(g).run(5 * ms, namespace={})
        np.testing.assert_array_equal(first, np.array(g.v[:]))  # same seed, same noise
    assert np.random.random() == expected
    assert (brian2.prefs["codegen.target"], brian2.defaultclock.dt, type(get_device())) == before


def test_runtime_restores_after_an_error():
    import brian2

    target = brian2.prefs["codegen.target"]
    with pytest.raises(RuntimeError, match="^failed inside the block$"):
        with spiking.runtime("test_gate_err", target="numpy"):
            raise RuntimeError("failed inside the block")
    assert brian2.prefs["codegen.target"] == target


# --- bad input -----------------------------------------------------------------------------

def test_run_rejects_unknown_keys_and_wrong_shapes(driven):
    with raises_param("values"):
        driven.run({"cells.nope": 1})
    with raises_param("values"):
        driven.run({"ghost.v": 1})
    with raises_param("drive"):
        driven.run({"drive": np.zeros((3, 4)) * Hz})
    with raises_param("drive"):
        driven.run({"drive": np.zeros((10, 4)) * mV})
    with raises_param("values"):
        driven.run([1, 2])
    with raises_param("seed"):
        driven.run(seed=-1)


@pytest.mark.parametrize("kwargs, name", [
    (dict(model="bad name"), "model"),
    (dict(model="1abc"), "model"),
    (dict(build=3), "build"),
    (dict(collect=None), "collect"),
    (dict(duration=-1 * ms), "duration"),
    (dict(duration=1 * ms, dt=2 * ms), "dt"),
    (dict(target="gpu"), "target"),
    (dict(seed=-2), "seed"),
])
def test_compiled_network_rejects_bad_arguments(kwargs, name):
    args = dict(model="test_gate_bad", build=_build_driven, collect=_counts, duration=10 * ms)
    args.update(kwargs)
    with raises_param(name):
        spiking.CompiledNetwork(args.pop("model"), args.pop("build"), args.pop("collect"), **args)


def test_build_must_return_objects():
    with raises_param("build"):
        spiking.CompiledNetwork("test_gate_empty", lambda ctx: [], _counts, duration=10 * ms,
                                target="numpy")


@pytest.mark.parametrize("call, name", [
    (lambda: spiking.check_quantity("tau_m", 3, ms), "tau_m"),
    (lambda: spiking.check_quantity("tau_m", -3 * ms, ms), "tau_m"),
    (lambda: spiking.check_quantity("gain", 5 * mV, mV, high=2), "gain"),
    (lambda: spiking.check_quantity_array("rates", [1, 2] * mV, Hz), "rates"),
    (lambda: spiking.check_quantity_array("rates", np.ones((2, 2)) * Hz, Hz), "rates"),
    (lambda: spiking.check_quantity_array("rates", [] * Hz, Hz), "rates"),
    (lambda: spiking.check_quantity_array("rates", [-1, 2] * Hz, Hz, low=0), "rates"),
    (lambda: spiking.seed_int(2**40), "seed"),
])
def test_quantity_checks_name_the_parameter(call, name):
    with raises_param(name):
        call()


# --- the one compile-once cache -------------------------------------------------------------

def test_compile_cache_is_bounded_keyed_inspectable_and_clearable(fresh_compile_cache, monkeypatch):
    from nslib.spiking import network

    monkeypatch.setattr(network._COMPILE_CACHE, "maxsize", 2)
    made = []

    def make(tag):
        return lambda: made.append(tag) or object()

    a = spiking.compile_once("cache_a", ("n", 3), make("a"))
    assert spiking.compile_once("cache_a", ("n", 3), make("again")) is a        # a hit builds nothing
    b = spiking.compile_once("cache_a", ("n", 4), make("b"))                    # another shape: built
    assert b is not a
    spiking.compile_once("cache_a", ("n", 3), make("again"))                    # a used last: b is LRU
    spiking.compile_once("cache_c", ("n", 3), make("c"))                        # same key, other model
    info = fresh_compile_cache()
    assert made == ["a", "b", "c"]
    assert info.entries == (("cache_a", ("n", 3)), ("cache_c", ("n", 3)))     # b dropped: bounded
    assert (info.size, info.maxsize, info.hits, info.misses) == (2, 2, 2, 3)
    assert spiking.clear_compile_cache("cache_c") == 1
    assert spiking.compile_cache_info().entries == (("cache_a", ("n", 3)),)
    assert spiking.clear_compile_cache() == 1
    assert spiking.compile_cache_info() == spiking.CompileCacheInfo((), 0, 2, 0, 0)


@pytest.mark.parametrize("args, name", [
    (("bad name", (), object), "model"),
    (("cache_x", [1, 2], object), "key"),
    (("cache_x", (), None), "make"),
])
def test_compile_once_rejects_bad_arguments(args, name):
    with raises_param(name):
        spiking.compile_once(*args)
    with raises_param("model"):
        spiking.clear_compile_cache("no/slash")


def test_every_compiled_topic_model_lives_in_the_one_cache(fresh_compile_cache):
    from nslib.attention import spiking_associative_memory
    from nslib.predictive import smooth_signal, spike_coding_network
    from nslib.rl import dopamine_population
    from nslib.vision import compiled_spiking_v1

    compiled_spiking_v1(1, 100 * ms, target="numpy")
    dopamine_population([[0.0, 1.0]], n_neurons=2, target="numpy")
    spiking_associative_memory(1, n_neurons=4, pattern_size=2, max_pairs=1, max_cues=1,
                               target="numpy")
    spike_coding_network(smooth_signal(100.0, n_dims=1, seed=0), n_neurons=4, target="numpy")
    models = [model for model, _ in fresh_compile_cache().entries]
    assert models == ["vision_v1", "dopamine", "attention_memory_numpy", "predictive_scn_numpy"]


def test_no_module_of_nslib_keeps_its_own_compiled_networks(root):
    import re

    # The compile-once cache of nslib/spiking/network.py is the one place: no lru_cache, no module
    # dict elsewhere (nslib.datasets keeps the decoded photographs, which are data, not programs).
    pattern = re.compile(r"lru_cache|functools\.cache\b|^@cache\b|"
                         r"^_[A-Z_]+\s*(:\s*dict[^=]*)?=\s*(\{\}|dict\(\))", re.M)
    allowed = {"nslib/spiking/network.py"}
    offenders = [path.relative_to(root).as_posix() for path in sorted((root / "nslib").rglob("*.py"))
                 if path.parent.name != "datasets" and pattern.search(path.read_text())]
    assert set(offenders) <= allowed, f"use nslib.spiking.compile_once instead, in {offenders}"


def test_a_topic_sweep_reruns_its_compiled_program_without_building(fresh_compile_cache):
    # target "auto": the second call with new values re-runs the program the first one built.
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    from nslib.rl import dopamine_population

    first = dopamine_population([[0.0, 1.0, -1.0]], n_neurons=5, seed=0)
    assert first.target == "cpp_standalone"
    (model, key), = fresh_compile_cache().entries
    population = spiking.compile_once(model, key, lambda: pytest.fail("not cached"))
    builds = population.n_builds
    original, calls = CPPStandaloneDevice.build, []
    try:
        CPPStandaloneDevice.build = lambda self, *a, **k: calls.append(a) or original(self, *a, **k)
        again = dopamine_population([[1.0, 1.0, 1.0]], n_neurons=5, gain=40 * Hz, seed=1)
    finally:
        CPPStandaloneDevice.build = original
    assert calls == [] and population.n_builds == builds == 1
    assert fresh_compile_cache().hits == 2 and again.psth.sum() > first.psth.sum()
