"""The claims chapters/06_predictive_coding.md makes, checked on the chapter's own calls.

The chapter's numbers come from its executed code through ``{eval}``, so these tests do not repeat
them digit for digit. They check what the sentences say about those numbers, with tolerances that
could fail: an ordering, a sign, a range. Where the text states an effect generally (end-stopping, PC
approaching backprop, a precise and robust spike code, a learning rate that follows volatility,
category structure growing with depth, corresponding layers), the test checks it for at least three
seeds. Where it reports one run, the test checks that run. Some seeds use a smaller configuration
than the chapter's (fewer training steps, a shorter signal) to stay within the suite's time budget;
each test says which.

Two numbers in the chapter come from measurements outside the course's environment and are not tested
here: what pyhgf 0.2.12 adds (24 packages besides itself, 705 MB on a 1.885 GB environment, 1.6 s to
import with JAX from a warm file cache and 3.9 s from a cold one) and the agreement of nslib.rsa with
rsatoolbox 0.3.2 (RDMs and rank correlations equal to 1e-14). The HGF update and the RSA tools are
tested against the published equations and SciPy in tests/test_predictive.py and tests/test_rsa.py.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from nslib import rsa
from nslib.predictive import (
    alignment_curve,
    dog_filter,
    ei_balance,
    end_stopping,
    hgf,
    natural_windows,
    pc_backprop_alignment,
    rao_ballard,
    smooth_signal,
    spike_coding_network,
    steady_signal,
    train_digits_mlp,
    volatile_rewards,
)
from nslib.vision import fit_gabors, train_digits_cnn

SCENES = ("camera", "astronaut", "coffee", "chelsea", "rocket")
ROWS = (-2, -1, 0, 1, 2)

# ---------------------------------------------------------------------------
# 1. Predictive coding in visual cortex
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rao_ballard_model():
    windows = natural_windows(20000, patch_size=8, offset=4, images=SCENES, seed=0)
    return rao_ballard(windows, n_units=32, n_level2=64, seed=0)


@pytest.fixture(scope="module")
def stopping(rao_ballard_model):
    return end_stopping(rao_ballard_model, rows=ROWS)


@pytest.fixture(scope="module")
def other_seeds():
    """The chapter's model trained from seeds 1 and 2, shorter (400 steps on 5,000 windows, not 2,000 on
    20,000) to stay within the test budget: the effects must hold even so."""
    models = {}
    for seed in (1, 2):
        windows = natural_windows(5000, patch_size=8, offset=4, images=SCENES, seed=seed)
        models[seed] = rao_ballard(windows, n_units=32, n_level2=64, n_iterations=400, seed=seed)
    return models


def test_the_retina_filter_is_a_narrower_version_of_chapter_1s():
    """"chapter 1's difference of Gaussians (`nslib.vision.center_surround`), here with standard deviations
    of 1 and 2 pixels. Chapter 1's own cells have a wider surround, 3 pixels"; "a window is 8 × 16"."""
    from scipy.ndimage import correlate

    from nslib.datasets import natural_image_patches
    from nslib.vision import center_surround, lgn_response

    defaults = inspect.signature(dog_filter).parameters
    assert (defaults["sigma_center"].default, defaults["sigma_surround"].default) == (1.0, 2.0)
    for fn in (center_surround, lgn_response):                     # chapter 1's cells
        assert inspect.signature(fn).parameters["sigma_surround"].default == 3.0
    # The training windows are the photographs filtered with (1, 2), not with chapter 1's (1, 3).
    windows = natural_windows(3, images=SCENES, seed=4)
    raw = natural_image_patches(3, 24, seed=4, images=SCENES)
    for surround, same in ((2.0, True), (3.0, False)):
        kernel = center_surround(2 * int(np.ceil(4 * surround)) + 1, 1.0, surround)
        filtered = correlate(raw, kernel[None], mode="reflect")[:, 8:16, 4:20]
        assert np.allclose(filtered / windows.scale, windows.windows) is same
    assert windows.windows.shape == (3, 8, 16)


def test_level_1_filters_are_oriented(rao_ballard_model, other_seeds):
    """"Level 1 learns what chapter 1's ICA learned: localised, oriented, Gabor-like filters (in this run a
    Gabor function explains a median 96% of each filter's variance, against 25% for random filters)"; the
    effect for seeds 1 and 2 too (shorter training: 0.78 and 0.76)."""
    learned = fit_gabors(rao_ballard_model.filters).r_squared
    random = fit_gabors(np.random.default_rng(1).normal(size=rao_ballard_model.filters.shape)).r_squared
    assert np.median(learned) > 0.9                                        # 0.958
    assert 0.15 < np.median(random) < 0.35                                  # 0.246
    assert np.sum(learned > np.max(random)) >= 28                           # 31 of 32 beat every random one
    for model in other_seeds.values():                                      # 12 filters each, to save time
        assert np.median(fit_gabors(model.filters[:12]).r_squared) > np.median(random) + 0.4


def test_error_units_are_end_stopped(stopping):
    """"Without feedback ... its response grows with the bar until the bar fills its patch, then stays (at
    least 0.94 of its peak ...). With feedback, the response peaks and then falls as the bar grows beyond
    the patch ... In this run the median response peaks for a bar of 8 pixels and falls to 0.56 of its peak
    ... (between 0.43 and 0.61 ...)"."""
    with_fb, without = stopping.suppression(feedback=True), stopping.suppression(feedback=False)
    assert without.min() > 0.9                                              # 0.94
    assert np.median(with_fb) < 0.7 and with_fb.max() < 0.75                # 0.56, 0.61
    assert np.all(with_fb < without - 0.3)                                  # every position
    fb = stopping.with_feedback / stopping.with_feedback.max(axis=1, keepdims=True)
    peaks = stopping.lengths[np.argmax(fb, axis=1)]
    assert np.all((peaks >= 5) & (peaks <= 10))                             # about the patch's 8 pixels
    assert 6 <= stopping.lengths[np.argmax(np.median(fb, axis=0))] <= 10    # 8
    # Without feedback, the response saturates once the bar fills the 8-pixel patch.
    no = stopping.without_feedback / stopping.without_feedback.max(axis=1, keepdims=True)
    assert np.all(no[:, 9:] > 0.85) and np.all(no[:, :3] < 0.6)
    # The plots show |r - r_td|: the sizes of the error units.
    assert np.all(stopping.with_feedback >= 0) and np.all(stopping.without_feedback >= 0)


def test_end_stopping_for_other_seeds(other_seeds):
    """The effect, not one run: with feedback the longest bar's response falls well below its peak,
    without feedback it does not (seeds 1 and 2, shorter training; medians 0.67 and 0.71 against 0.98 and
    0.97)."""
    for model in other_seeds.values():
        es = end_stopping(model, rows=ROWS)
        assert np.median(es.suppression(True)) < np.median(es.suppression(False)) - 0.2
        assert np.median(es.suppression(False)) > 0.85


def test_trusting_the_prediction_less_weakens_end_stopping(rao_ballard_model, other_seeds):
    """Demo answer: "Trusted less, the prediction explains less of the long bar, and end-stopping fades
    towards the no-feedback curve ... at σ_td² = 8 and ... at 64, against ... as trained. Trusting it more
    hardly helps (... at 1)"; checked on the chapter's model and on seeds 1 and 2 (shorter training)."""
    def trust(model, values=(1.0, 2.0, 8.0, 64.0)):
        return {v: np.median(end_stopping(model, rows=ROWS, td_variance=v).suppression()) for v in values}

    chapter = trust(rao_ballard_model)
    assert chapter[2.0] < chapter[8.0] < chapter[64.0]                      # 0.55, 0.63, 0.9
    assert chapter[64.0] > chapter[2.0] + 0.2
    assert abs(chapter[1.0] - chapter[2.0]) < 0.05                          # 0.56 against 0.55
    for model in other_seeds.values():
        other = trust(model, (2.0, 64.0))
        assert other[64.0] > other[2.0] + 0.1


def test_all_photographs_give_weaker_end_stopping(stopping):
    """"in one run trained on all eight of chapter 1's photographs, the textures of grass, gravel and the
    moon included, its suppression was weaker" (median 0.81 against 0.56)."""
    windows = natural_windows(20000, patch_size=8, offset=4, seed=0)
    all_images = end_stopping(rao_ballard(windows, n_units=32, n_level2=64, seed=0), rows=ROWS)
    assert np.median(all_images.suppression(True)) > np.median(stopping.suppression(True)) + 0.1


# ---------------------------------------------------------------------------
# 2. Predictive coding as a learning rule
# ---------------------------------------------------------------------------

STEPS = [0, 1, 2, 5, 10, 20, 50, 100, 200]


@pytest.fixture(scope="module")
def curves():
    """The chapter's curve (seed 0) and the same for two more initial networks."""
    return {seed: alignment_curve(n_inference_steps=STEPS, output_weights=[1.0, 0.1, 0.01], seed=seed)
            for seed in (0, 1, 2)}


def test_pc_updates_approach_backprop(curves):
    """"Without inference ... for this network and batch the cosine is 0.57. One step is not enough (0.68)
    ... After about 50 steps the network has settled, and with a small output weight the two updates agree
    almost exactly: cosine 0.9991 for β = 0.1 and 1.0000 for β = 0.01. With β = 1 the equilibrium is a
    different point (0.97)": the effect for three initial networks (seeds 0-2)."""
    at = {n: k for k, n in enumerate(STEPS)}
    for c in (curve.cosine for curve in curves.values()):
        assert np.allclose(c[:, at[0]], c[0, at[0]])                       # the same without inference
        assert np.all(c[:, at[0]] < c[:, at[1]]) and np.all(c[:, at[1]] < 0.8)   # one step: not enough
        assert np.all(np.abs(c[:, at[50]] - c[:, at[200]]) < 1e-3)        # settled by 50 steps
        assert c[1, at[50]] > 0.998 and c[2, at[50]] > 0.9999               # 0.9991, 1.0000
        assert 0.9 < c[0, at[50]] < 0.99                                    # 0.97: a different point
        assert np.all(np.diff(c[1:, :at[20]], axis=1) > 0)                  # rising until it settles


def test_demo_answer_on_the_hidden_layer(curves):
    """"About 20 steps (cosine 0.998 ...). ... after one step the hidden update points exactly in backprop's
    direction but has only 0.10 of its size (the first step moves the hidden error by exactly η times
    backprop's), after ten steps 0.63 ... With β = 1 the points settle on a line of slope 0.55"."""
    assert curves[0].cosine[1, STEPS.index(20)] > 0.99                      # 0.998
    one, ten = pc_backprop_alignment(1, 0.1), pc_backprop_alignment(10, 0.1)
    assert one.layer_cosines[0] > 0.9999                                    # the right direction
    assert one.hidden_scale == pytest.approx(0.1, rel=1e-9)                 # exactly η: closed form
    assert 0.5 < ten.hidden_scale < 0.8                                     # 0.63: growing towards 1
    output_slope = one.pc_update.w_output.ravel() @ one.bp_update.w_output.ravel() / (
        0.1 * one.bp_update.w_output.ravel() @ one.bp_update.w_output.ravel())
    assert output_slope == pytest.approx(1.0, abs=0.02)                     # on the identity from the start
    assert 0.3 < pc_backprop_alignment(200, 1.0).hidden_scale < 0.8          # 0.55


@pytest.fixture(scope="module")
def trained():
    return (train_digits_mlp("backprop", seed=0),
            train_digits_mlp("pc", n_inference_steps=20, output_weight=0.1, seed=0))


@pytest.fixture(scope="module")
def geometry():
    return rsa.seed_geometry(seeds=(0, 1, 2, 3), include_pc=True)


def test_pc_trains_the_mlp_as_well_as_backprop(trained, geometry):
    """"Predictive coding trains the network as well as backprop, to within about a point: in this run 95.1%
    and 94.2% on 449 held-out digits": the chapter's seed, seed 4 (its PC network is the one the chapter's
    seed geometry trains) and seed 1 (20 epochs instead of 40, to save time)."""
    bp, pc = trained
    assert len(bp.data.test_labels) == 449
    pairs = [(bp.test_accuracy, pc.test_accuracy),
             (train_digits_mlp("backprop", epochs=20, seed=1).test_accuracy,
              train_digits_mlp("pc", epochs=20, n_inference_steps=20, output_weight=0.1,
                               seed=1).test_accuracy),
             (train_digits_mlp("backprop", seed=4).test_accuracy, geometry.test_accuracy[-1])]
    for a_bp, a_pc in pairs:                                                # 0.951/0.942, 0.938/0.940, ...
        assert a_bp > 0.9 and a_pc > 0.9                                    # trained
        assert abs(a_bp - a_pc) < 0.015
    # The figure's first epoch: both already well above chance, and both rise from there.
    for run in (bp, pc):
        assert 0.6 < run.test_accuracy_per_epoch[0] < run.test_accuracy - 0.1


# ---------------------------------------------------------------------------
# 3. The spike coding network
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signal():
    return smooth_signal(duration_ms=2000.0, n_dims=2, seed=0)


@pytest.fixture(scope="module")
def silenced(signal):
    return {f: spike_coding_network(signal, n_neurons=40, silenced_fraction=f, seed=0)
            for f in (0.0, 0.25, 0.5, 0.6, 0.75, 0.8, 0.9)}


@pytest.fixture(scope="module")
def seeds_1_2(signal):
    """Runs of the chapter's network with noise seeds 1 and 2: intact, half and 90 % silenced, and steady."""
    steady = steady_signal([0.6, 0.4], duration_ms=2000.0)
    return {seed: {"run": spike_coding_network(signal, n_neurons=40, seed=seed),
                   "half": spike_coding_network(signal, n_neurons=40, silenced_fraction=0.5, seed=seed),
                   "most": spike_coding_network(signal, n_neurons=40, silenced_fraction=0.9, seed=seed),
                   "steady": spike_coding_network(steady, n_neurons=40, seed=seed)}
            for seed in (1, 2)}


def test_parameters_stated_in_the_text(silenced):
    """"each of length ||D_i|| = 0.05 ... the cost μ = 0.000625 (a quarter of ||D_i||²), so every threshold
    is T_i = (0.0025 + 0.000625)/2 ≈ 0.0016": the decoders, cost and thresholds the Brian2 network ran
    with (the thresholds are read back from it)."""
    run = silenced[0.0]
    norms = np.linalg.norm(run.decoder, axis=0)
    assert np.allclose(norms, 0.05)
    assert run.cost == pytest.approx(norms[0] ** 2 / 4)
    assert np.allclose(run.thresholds, (norms**2 + run.cost) / 2)
    assert run.thresholds == pytest.approx(np.full(40, 0.0016), abs=0.00005)
    assert run.decoder.shape == (2, 40) and run.leak_hz == 10.0
    # "the membrane noise has a standard deviation of half a threshold ... slow sinusoids (below 3 Hz)
    # ... one row per millisecond, and the network runs with a time step of 0.1 ms"
    assert inspect.signature(spike_coding_network).parameters["noise"].default == 0.5
    assert (run.dt_ms, run.sim_dt_ms) == (1.0, 0.1)          # the network ran with the defaults
    assert inspect.signature(smooth_signal).parameters["max_frequency_hz"].default == 3.0


def _runs(silenced, seeds_1_2):
    return [(silenced[0.0], silenced[0.5], silenced[0.9], None)] + [
        (s["run"], s["half"], s["most"], s["steady"]) for s in seeds_1_2.values()]


def test_the_network_tracks_fires_irregularly_and_is_balanced(signal, silenced, seeds_1_2):
    """"forty neurons firing 11 spikes per second on average track the signal with an error of 3% of its
    size ... With a steady signal ... CV is 1.10 ... With the moving signal it is 1.42, higher"; "averaged
    over ... 100 ms, their correlation is 0.98 ... Over 2 ms the correlation is only 0.69"; "In this run μr_i
    averages 0.41 of the threshold": the effects over noise seeds 0-2."""
    steady0 = spike_coding_network(steady_signal([0.6, 0.4], duration_ms=2000.0), n_neurons=40, seed=0)
    for run, _, _, steady in _runs(silenced, seeds_1_2):
        steady = steady0 if steady is None else steady
        assert run.tracking_error < 0.05                                    # 0.028
        assert 8.0 < run.rates_hz.mean() < 14.0                             # 10.7
        assert 0.8 < steady.isi_cv < 1.3                                    # 1.10: about Poisson
        assert run.isi_cv > steady.isi_cv + 0.15                            # 1.42
        assert run.balance > 0.95                                           # 0.98
        assert ei_balance(run, 100.0) == pytest.approx(run.balance, abs=1e-12)
        assert 0.5 < ei_balance(run, 2.0) < run.balance - 0.15              # 0.69
        assert 0.3 < run.cost_fraction < 0.5                                # 0.41: not negligible


def test_the_voltage_includes_the_cost_term(signal):
    """"V_i stays at or below the threshold (its largest value is 1.01 times T_i, sampled once per
    millisecond) ...; the error projection alone climbs to 2.00 times T_i": the network simulates
    V = Dᵀ(x - x̂) - μr, not Dᵀ(x - x̂) (noise off: one deterministic run)."""
    quiet = spike_coding_network(signal, n_neurons=40, noise=0.0, seed=0)
    projection = (quiet.signal - quiet.estimate) @ quiet.decoder
    voltage = projection - quiet.cost * quiet.filtered_spikes
    assert np.max(voltage / quiet.thresholds) < 1.1                         # 1.01
    assert np.max(projection / quiet.thresholds) > 1.5                      # 2.00
    # The cost term is what separates them, and it is a sizeable part of the threshold.
    assert np.mean(quiet.cost * quiet.filtered_spikes / quiet.thresholds) > 0.2


def test_the_code_degrades_gracefully(silenced, seeds_1_2):
    """"with half the neurons gone the error is still 5% ... (their rate rises from 11 to 16 Hz) ... Only
    when so many are silenced that whole directions ... lose their neurons (90%, 4 neurons left) does the
    estimate fail"; demo answer: "The remaining neurons fire more (19 Hz on average with 60% silenced ...
    The tracking error is still 6% with 60% silenced and climbs steeply beyond (17% at 80%)": the pattern
    over noise seeds 0-2, the demo's numbers on the chapter's run."""
    for run, half, most, _ in _runs(silenced, seeds_1_2):
        assert half.tracking_error < 2.5 * run.tracking_error               # graceful
        assert most.tracking_error > 5 * run.tracking_error                 # then fails
        assert half.rates_hz[half.active].mean() > 1.2 * run.rates_hz.mean()   # the survivors take over
        assert most.active.sum() == 4
        assert not np.isin(most.spike_neurons, np.flatnonzero(~most.active)).any()
    err = {f: r.tracking_error for f, r in silenced.items()}
    rate = {f: r.rates_hz[r.active].mean() for f, r in silenced.items()}
    assert np.all(np.diff([err[f] for f in sorted(err)]) > 0)              # worse with every fraction
    assert np.all(np.diff([rate[f] for f in sorted(rate)]) > 0)            # and the survivors fire more
    assert err[0.6] < 3 * err[0.0] and err[0.8] > 1.5 * err[0.6]           # 6%, then 17%
    # A larger fraction silences a superset of the neurons (the same order of the neurons).
    actives = [silenced[f].active for f in sorted(silenced)]
    assert all(np.all(later <= earlier) for earlier, later in zip(actives[:-1], actives[1:], strict=True))


def test_without_the_one_spike_rule_the_network_bursts():
    """"if they all fire, the estimate overshoots ... and the network bursts in synchronous volleys": numpy
    target, 300 ms, seeds 0-2 without the rule (70-90% of spikes in volleys of 5 or more within a
    millisecond) against seed 0 with it."""
    x = smooth_signal(300.0, n_dims=2, seed=0)

    def volleys(run):
        per_ms = np.bincount(run.spike_times_ms.astype(int))
        return np.sum(per_ms[per_ms >= 5]) / len(run.spike_times_ms)

    rule = spike_coding_network(x, target="numpy", seed=0)
    assert volleys(rule) < 0.15
    for seed in (0, 1, 2):
        every = spike_coding_network(x, one_spike_per_step=False, target="numpy", seed=seed)
        assert volleys(every) > 0.5
        assert every.tracking_error > 2 * rule.tracking_error


def test_the_compiled_and_numpy_networks_agree(silenced, signal):
    """"Without a C++ compiler the same code runs with Brian2's numpy target": the same network, on the
    signal's first second (to save time), against the compiled run's first second."""
    run = spike_coding_network(signal[:1000], n_neurons=40, seed=0, target="numpy")
    compiled = silenced[0.0]
    assert run.target == "numpy" and run.tracking_error < 0.05 and run.balance > 0.95
    assert abs(run.rates_hz.mean() - np.sum(compiled.spike_times_ms < 1000.0) / 40) < 1.5   # 10.1 and 10.1
    assert np.allclose(run.thresholds, compiled.thresholds)


# ---------------------------------------------------------------------------
# 4. The Hierarchical Gaussian Filter
# ---------------------------------------------------------------------------


def _rates(block, seed):
    env = volatile_rewards(n_stable=150, n_volatile=150, block=block, seed=seed)
    return env, hgf(env.rewards, kappa=1.0, omega=-4.0, theta=0.01, mu1_0=5.0).learning_rate


def _phases(rate):
    # The chapter's phase_rates.
    stable, volatile, last = rate[100:150].mean(), rate[225:300].mean(), rate[-50:].mean()
    return stable, volatile, last, int(np.argmax(rate[150:300] > (stable + volatile) / 2)) + 1


def test_the_learning_rate_rises_with_volatility():
    """"In this run, in the stable phase the learner settles on a learning rate of 0.12 ... about 1/8 ...
    to 0.44 on average in the second half of the volatile phase. The rise lags the change ... When the world
    is stable again the learning rate comes down, but slowly"; "Over ten sequences ... the stable learning
    rate is always near 0.12 ..., the late volatile one between 0.21 and 0.56, always higher, and the
    learning rate gets halfway between 26 and 132 trials into the volatile phase. The rise itself holds for
    every sequence"."""
    for seed in range(10):
        env, rate = _rates(10, seed)
        stable, volatile, last, halfway = _phases(rate)
        assert 0.1 < stable < 0.14                                          # 0.11-0.13
        assert volatile > stable + 0.05                                     # the rise, every sequence
        assert halfway >= 20                                                # it lags: tens of trials
        assert rate[-1] < rate[299] and last > stable + 0.05                # down again, but slowly
        assert np.all(env.volatile[150:300]) and not env.volatile[:150].any()
        if seed == 0:
            assert round(1 / stable) == 8                                   # "about 1/8 of the error"


def test_demo_answer_faster_change_higher_rate():
    """"The faster the world changes, the higher the learning rate climbs. Averaged over ten sequences ...
    With a jump every 40 or 80 trials it stays lower ...: a few isolated jumps are weak evidence of
    volatility. After a large one the learning rate rises for a while ... With 150 the mean jumps only when
    the phase begins and when it ends, and the learner sees an almost stable world"."""
    late, rise = {}, {}
    for block in (5, 10, 20, 40, 80, 150):
        runs = [_rates(block, seed)[1] for seed in range(10)]
        late[block] = np.mean([_phases(rate)[1] for rate in runs])
        rise[block] = np.mean([rate[150:300].max() - _phases(rate)[0] for rate in runs])
    blocks = sorted(late)
    assert np.all(np.diff([late[b] for b in blocks]) < 0)                   # 0.59 ... 0.12
    assert late[40] < late[10] - 0.1 and late[80] < late[10] - 0.1          # weaker evidence
    assert rise[80] > 0.03                                                  # but evidence: it rises
    assert late[150] == pytest.approx(np.mean([_phases(_rates(10, s)[1])[0] for s in range(10)]), abs=0.03)
    env = _rates(150, 0)[0]
    assert np.flatnonzero(np.diff(env.mean)).tolist() == [149, 299]
    # Every block length sees the same noise: only the means differ.
    a, b = volatile_rewards(block=5, seed=3), volatile_rewards(block=80, seed=3)
    assert np.allclose(a.rewards - a.mean, b.rewards - b.mean)


# ---------------------------------------------------------------------------
# 5. Representational geometry
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cnns():
    return {seed: train_digits_cnn(seed=seed) for seed in (0, 1, 2)}


@pytest.fixture(scope="module")
def layers(trained, cnns):
    return rsa.layer_rdm_correlations(cnns[0], mlp=trained[0].params, method="kendall_tau_a",
                                      n_per_class=10, seed=0)


def test_category_structure_grows_with_depth(layers, cnns):
    """"Through the CNN it grows, layer by layer, ... and the output layer keeps it ... would score 0.165,
    so the CNN's hidden layer is close to the ceiling. Chapter 1's model V1 ... is about as categorical as
    the CNN's convolution and pooling layers"; demo answer: "the output layer ... is not more categorical ...
    In this run the MLP's output layer ... is the most categorical of all ..., with the highest CKA". The
    growth is checked for CNN seeds 0-2."""
    tau = dict(zip(layers.names, layers.correlations, strict=True))
    ceiling = rsa.category_ceiling(layers.labels, method="kendall_tau_a")
    assert ceiling == pytest.approx(2 * 450 * 4500 / (4950 * 4949), abs=1e-9)   # tied pairs count nothing
    assert tau["hidden"] / ceiling > 0.9                                    # 0.96: close to the ceiling
    assert min(tau["conv"], tau["pool"]) - 0.01 < tau["V1"] < max(tau["conv"], tau["pool"]) + 0.01
    assert max(tau, key=tau.get) == "MLP output"
    assert layers.names[int(np.argmax(layers.cka))] == "MLP output"
    assert len(layers.labels) == 100 and np.all(np.bincount(layers.labels) == 10)
    for seed, net in cnns.items():
        res = layers if seed == 0 else rsa.layer_rdm_correlations(
            net, include_v1=False, method="kendall_tau_a", n_per_class=10, seed=0)
        t = dict(zip(res.names, res.correlations, strict=True))
        assert t["pixels"] < t["conv"] < t["pool"] < t["hidden"]            # it grows, layer by layer
        assert t["hidden"] - 0.01 < t["output"] <= t["hidden"] + 0.002      # kept, not more categorical


def test_the_measures_disagree_about_the_output_layer(layers, cnns):
    """"By linear CKA with the one-hot labels, the CNN's layers also grow from the pixels ... to the hidden
    layer ..., but the output layer falls back ... The share of the variance that lies between classes
    grows with every layer of the CNN ... The output's class means crowd into 4.0 directions, against 4.8
    in the hidden layer and 5.7 in the pixels ... The MLP's output ... spreads its class means over 8.0
    directions and has the highest CKA": for CNN seeds 0-2, and the MLP on the chapter's run."""
    for seed, net in cnns.items():
        res = layers if seed == 0 else rsa.layer_rdm_correlations(
            net, include_v1=False, method="kendall_tau_a", n_per_class=10, seed=0)
        get = {field: dict(zip(res.names, getattr(res, field), strict=True))
               for field in ("cka", "between_fraction", "class_dimensionality")}
        cnn_layers = list(rsa.CNN_LAYERS)
        assert np.all(np.diff([get["between_fraction"][n] for n in cnn_layers]) > 0)
        assert get["cka"]["pixels"] < get["cka"]["hidden"]
        assert get["cka"]["output"] < get["cka"]["hidden"] - 0.03
        spread = get["class_dimensionality"]
        assert spread["output"] < spread["hidden"] < spread["pixels"]
    spread = dict(zip(layers.names, layers.class_dimensionality, strict=True))
    assert spread["MLP output"] > 7 and spread["MLP output"] == max(spread.values())


def test_corresponding_layers_of_two_seeds_match(cnns):
    """"Between seeds 0 and 1 (the figure), every layer's best match, by CKA and by RSA, is its counterpart
    ... Over the three pairs, 12 of the 15 layers find their counterpart by CKA; where one does not, the
    counterpart falls short of the best match by at most 0.05, and the best match is a neighbour ... the
    pixel-like layers (pixels, convolution, pooling) match each other, the two fully connected layers match
    each other, and the hidden layer always finds the other network's hidden layer"."""
    pairs = {(a, b): rsa.layer_correspondence(cnns[a], cnns[b]) for a, b in [(0, 1), (0, 2), (1, 2)]}
    diagonal = np.arange(5)
    assert np.array_equal(pairs[0, 1].best_match(), diagonal)
    assert np.array_equal(pairs[0, 1].best_match("rdm_correlation"), diagonal)
    counterparts = 0
    for p in pairs.values():
        for measure in ("cka", "rdm_correlation"):
            best = p.best_match(measure)
            assert best[3] == 3                                             # the hidden layer
            assert np.all(best[:3] < 3) and np.all(best[3:] >= 3)           # two blocks
            assert np.all(np.abs(best - diagonal) <= 2)
        counterparts += int(np.sum(p.best_match() == diagonal))
        assert np.max(p.cka.max(axis=1) - np.diag(p.cka)) < 0.1            # 0.05 at most
        assert p.cka[0, 0] == pytest.approx(1.0)                            # the same pixels
        assert p.n_stimuli > 80
    assert counterparts >= 11                                               # 12 of 15


def test_different_seeds_same_geometry(geometry):
    """"the correlation between their hidden weights is within 0.07 of zero ... the hidden layers' RDMs
    correlate at 0.75 to 0.81 (Spearman) and their CKA is 0.83 to 0.92, including the network trained by
    predictive coding": five networks, so ten pairs."""
    weights, rdms, cka = (geometry.off_diagonal(n) for n in ("weight_correlation", "rdm_correlation", "cka"))
    assert np.abs(weights).max() < 0.1                                      # 0.06
    assert rdms.min() > 0.6 and cka.min() > 0.7                             # 0.75, 0.83
    assert rdms.min() > 5 * np.abs(weights).max()
    assert geometry.names[-1] == "PC"
    pc = np.flatnonzero(np.triu_indices(5, k=1)[1] == 4)               # the pairs with PC
    assert rdms[pc].min() > 0.6 and cka[pc].min() > 0.7
