"""The claims chapters/01_perceptron_to_v1.md makes in prose that the model tests do not already assert.

Each test repeats the chapter's own calls (same arguments, same seeds) and checks the sentence quoted
in its docstring, with tolerances that could fail (measured values in the comments). Numbers the prose
quotes from one run come from the executed chapter ({eval}); the tests pin only deterministic ones. Where
the chapter states an effect generally, or reproduces a published one (feedback alignment, the iceberg
effect and contrast invariance, normalisation), the test checks the effect's sign and ordering for three
seeds (SEEDS), in the chapter's configuration or, where that is costly, a reduced one. Claims already
covered elsewhere: logic gates and XOR (test_perceptron), the MLP and its 2-unit failures
(test_perceptron), the f-I curve's rheobase (test_spiking), tuning peaks, phase invariance and
max-pooling (test_vision), CNN accuracy (test_cnn).
"""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, mV, nA, second

from nslib import spiking
from nslib.datasets import natural_image_patches
from nslib.perceptron import (
    Perceptron,
    fit_activation,
    make_separable,
    make_xor,
    mistake_bound,
    train_mlp_xor,
    train_two_layer,
)
from nslib.vision import (
    center_surround,
    compiled_spiking_v1,
    contrast_invariance,
    cross_orientation_suppression,
    filter_orientation_tuning,
    fit_gabors,
    gabor,
    grating,
    learn_v1_filters,
    normalized_population,
    orientation_difference,
    orientation_selectivity_index,
    orientation_tuning,
    population_tuning,
    spiking_orientation_tuning,
    spot_size_tuning,
    train_digits_cnn,
    tuning_half_width,
)

#: Seeds on which the general effects are checked; seed 0 is the chapter's.
SEEDS = (0, 1, 2)

# ---------------------------------------------------------------------------
# 1. The perceptron
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_stops_within_a_few_epochs_far_below_novikoffs_bound(seed):
    """"The bound is a worst case" (in the chapter's run 31 mistakes against 244). The figure's alt text:
    the count "drops to zero within a few epochs"."""
    data = make_separable(n=100, margin=0.2, seed=seed)
    p = Perceptron(learning_rate=1.0, max_epochs=100, seed=seed).fit(data.X, data.y)
    bound = mistake_bound(data.X, data.y, data.weights, data.bias)
    assert p.converged_ and p.errors_per_epoch_[-1] == 0
    assert p.n_epochs_ <= 15                             # measured: 7, 4, 11
    assert p.errors_per_epoch_.sum() < 0.25 * bound      # measured: 31 of 244, 11 of 260, 25 of 265


def test_xor_perceptron_never_reaches_zero_in_the_chapters_50_epochs():
    """"On XOR ... the mistakes never reach zero." """
    p = Perceptron(max_epochs=50, seed=0).fit(*make_xor())
    assert not p.converged_ and p.n_epochs_ == 50
    assert p.errors_per_epoch_.min() >= 1


def test_make_separable_margin_is_the_width_of_the_empty_band():
    """"`make_separable(margin=0.2)` ... leaves an empty band 0.2 wide around a random line, so every
    point lies at least 0.1 from it" """
    data = make_separable(n=100, margin=0.2, seed=0)
    t = np.where(data.y == 1, 1.0, -1.0)
    distance = t * (data.X @ data.weights + data.bias) / np.linalg.norm(data.weights)
    assert distance.min() >= 0.1 - 1e-12
    assert distance.min() < 0.11                          # measured: 0.1002, the band is tight


def test_mistake_bound_lives_in_the_augmented_space():
    """The text's formula: R² = max‖x‖² + 1, and γ = (distance to the line) · ‖w‖/‖(w, b)‖;
    mistake_bound computes (R/γ)² from them, and the 31 mistakes stay below it."""
    data = make_separable(n=100, margin=0.2, seed=0)
    t = np.where(data.y == 1, 1.0, -1.0)
    w, b = data.weights, data.bias
    distance = np.min(t * (data.X @ w + b)) / np.linalg.norm(w)
    gamma = distance * np.linalg.norm(w) / np.hypot(np.linalg.norm(w), b)
    radius_sq = np.max(np.sum(data.X**2, axis=1)) + 1.0
    bound = mistake_bound(data.X, data.y, w, b)
    assert bound == pytest.approx(radius_sq / gamma**2, rel=1e-12)
    assert round(bound) == 244                             # "a bound of 244"
    assert Perceptron(max_epochs=100, seed=0).fit(data.X, data.y).errors_per_epoch_.sum() == 31


def test_two_point_counterexample_needs_the_constant_input():
    """"Take two points on a line, x = 0.04 in class 0 and x = 0.06 in class 1 ... would promise at most
    36 mistakes. The perceptron needs [1,673] ... In the augmented space R ≈ 1 and γ ≈ 0.01, and the bound,
    [10,061], holds." """
    X, y = np.array([[0.04], [0.06]]), np.array([0, 1])
    p = Perceptron(max_epochs=10_000, seed=0).fit(X, y)
    mistakes = int(p.errors_per_epoch_.sum())
    bound = mistake_bound(X, y, [1.0], -0.05)
    assert p.converged_
    assert mistakes == 1673                                # measured: 1673 (any order: 1673 unshuffled too)
    assert mistakes > 40 * 36                              # the naive (0.06/0.01)^2 is badly wrong
    assert mistakes <= bound
    assert 9_000 < bound < 11_000                          # measured: 10061
    # Both orders give the same count: the bound holds "whatever the order".
    assert Perceptron(max_epochs=10_000, shuffle=False).fit(X, y).errors_per_epoch_.sum() <= bound
    # "a bias between -0.06 and -0.04 times the weight (the threshold -b/w must fall between the points)"
    assert -0.06 <= p.bias_ / p.weights_[0] < -0.04        # measured: -0.05995


@pytest.mark.parametrize("seed", SEEDS)
def test_margin_demo_mistakes_grow_far_more_slowly_than_the_bound(seed):
    """Demo answer: the bound "grows as 1/γ²: about four times per halving of the band, when the nearest
    point sits at the edge of the band ... The actual mistakes grow far more slowly"; in the chapter's run
    (seed 0) bounds 72, 244, 1,017, 2,941 and 10,617, mistakes 10, 31, 39, 55 and 83."""
    bounds, mistakes, edge = [], [], []
    for margin in (0.4, 0.2, 0.1, 0.05, 0.02):
        points = make_separable(n=100, margin=margin, seed=seed)
        fitted = Perceptron(max_epochs=1000, seed=seed).fit(points.X, points.y)
        assert fitted.converged_
        bounds.append(mistake_bound(points.X, points.y, points.weights, points.bias))
        mistakes.append(int(fitted.errors_per_epoch_.sum()))
        t = np.where(points.y == 1, 1.0, -1.0)
        nearest = np.min(t * (points.X @ points.weights + points.bias))   # |w| = 1
        edge.append(nearest < 0.55 * margin)               # the nearest point near the band's edge
    bounds = np.array(bounds)
    assert np.all(np.array(mistakes) <= bounds)            # Novikoff: a guarantee
    assert np.all(np.diff(bounds) >= 0)
    # Where both nearest points sit at the band's edge, halving the band about quadruples the bound.
    for k in range(3):                                     # 0.4 -> 0.2 -> 0.1 -> 0.05
        if edge[k] and edge[k + 1]:
            assert 3.0 < bounds[k + 1] / bounds[k] < 4.5
    assert mistakes[-1] / mistakes[0] < 0.1 * bounds[-1] / bounds[0]
    if seed == 0:
        assert [round(b) for b in bounds] == [72, 244, 1017, 2941, 10617]
        assert mistakes == [10, 31, 39, 55, 83]


# ---------------------------------------------------------------------------
# 2. Backpropagation: two hidden units get stuck on a plateau
# ---------------------------------------------------------------------------

def test_two_hidden_units_get_stuck_on_a_plateau_not_a_local_minimum():
    """"Seeds 3 and 5 get stuck with two patterns right and two at p = 0.5, a loss of ½ ln 2 nats. Ten times
    more steps lower the loss only in the fourth decimal ... the loss keeps creeping down towards ½ ln 2" """
    half_ln2 = np.log(2) / 2
    runs = [train_mlp_xor(hidden_units=2, seed=s, grid_resolution=2) for s in range(6)]
    assert [r.accuracy for r in runs] == [1.0, 1.0, 1.0, 0.5, 1.0, 0.5]
    for s in (3, 5):
        assert runs[s].loss_per_epoch[-1] == pytest.approx(half_ln2, abs=1e-3)   # measured: 0.3471
        assert np.sum(np.isclose(runs[s].probabilities, 0.5, atol=0.01)) == 2
    long = train_mlp_xor(hidden_units=2, seed=3, epochs=5000, grid_resolution=2)
    assert long.accuracy == 0.5
    before, after = runs[3].loss_per_epoch[-1], long.loss_per_epoch[-1]
    assert half_ln2 < after < before                                        # measured: 0.3466 < 0.3471
    assert before - after < 1e-3                                            # only the fourth decimal
    assert np.all(np.diff(long.loss_per_epoch[-1000:]) <= 1e-7)             # still creeping down


# ---------------------------------------------------------------------------
# 3. Feedback alignment (Lillicrap et al. 2016)
# ---------------------------------------------------------------------------

RULES = ("backprop", "feedback_alignment", "output_only")


@pytest.fixture(scope="module")
def rules():
    """The chapter's three runs (16 hidden units), for each seed."""
    return {seed: {rule: train_two_layer(rule, hidden_units=16, seed=seed) for rule in RULES}
            for seed in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_feedback_alignment_learns_almost_as_well_as_backprop(rules, seed):
    """"With random feedback the network reaches [94.7%] on the held-out digits, against [96.2%] for
    backpropagation and [83.1%] when the hidden layer does not learn: the random feedback teaches the
    hidden layer something useful" (seed 0; 96.2/96.2/80.6 and 96.7/95.3/76.4 % for seeds 1, 2)."""
    bp, fa, oo = (rules[seed][r].final_test_accuracy for r in RULES)
    assert 0 <= bp - fa < 0.03                  # the effect Lillicrap et al. report: close to backprop
    assert fa - oo > 0.08                       # and the hidden layer learns something useful
    assert min(bp, fa) > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_feedback_comes_to_point_within_90_degrees_of_the_gradient(rules, seed):
    """"starts at [88°], no better than chance, and falls to [35°]" (85-88° and 30-35° over seeds);
    backprop's angle is 0 by definition."""
    fa = rules[seed]["feedback_alignment"]
    assert 80 < fa.initial_alignment_deg < 95                      # measured: 88.0, 85, 86
    assert 25 < fa.alignment_deg[-1] < 45                          # measured: 34.8, 33, 30
    assert np.all(fa.alignment_deg < 90)
    assert fa.alignment_deg[-1] < fa.alignment_deg[0]
    assert np.all(rules[seed]["backprop"].alignment_deg == 0.0)
    assert np.all(np.isnan(rules[seed]["output_only"].alignment_deg))
    # "the output weights W2 come to align with B": every rule starts from the same W2 and draws the
    # same B, but only feedback alignment turns W2 towards it.
    def angle(a, b):
        return np.degrees(np.arccos(np.sum(a * b) / np.linalg.norm(a) / np.linalg.norm(b)))
    aligned = angle(fa.weights["W2"], fa.feedback)
    control = angle(rules[seed]["backprop"].weights["W2"], fa.feedback)
    assert aligned < 70 and control > 75 and aligned < control - 15


@pytest.mark.parametrize("seed", SEEDS)
def test_output_only_gains_most_from_a_wider_hidden_layer(seed):
    """Demo answer: "Training the output layer only gains the most" from 4 to 64 hidden units (seed 0:
    from 46% to 92%); backpropagation and feedback alignment reach [91%] or more from 8 units on."""
    sizes = (4, 8, 64) if seed == 0 else (4, 64)
    acc = {h: {rule: train_two_layer(rule, hidden_units=h, seed=seed).final_test_accuracy
               for rule in RULES} for h in sizes}
    gains = {rule: acc[64][rule] - acc[4][rule] for rule in RULES}
    assert max(gains, key=gains.get) == "output_only"
    assert gains["output_only"] > 1.5 * max(gains["backprop"], gains["feedback_alignment"])  # 1.9 on seed 0
    for h in sizes[1:]:
        assert acc[h]["backprop"] > 0.9 and acc[h]["feedback_alignment"] > 0.9


# ---------------------------------------------------------------------------
# 4. From spikes to activation functions (the noise-free curve's concave rise and its 500 Hz ceiling are
# chapter 0's claims, tested in test_ch00_claims)
# ---------------------------------------------------------------------------

FI_NOISE_MV = (0, 1, 2, 3, 4, 6)


@pytest.fixture(scope="module")
def noisy_fi():
    """Section 4's compiled model: 20 LIF neurons at each of 33 currents, 1 s, per noise level; the
    chapter's run (the model's seed, 0) and seeds 1 and 2. Without noise the seed does not matter.
    Rates keyed by (seed, sigma in mV)."""
    currents = np.linspace(0, 4, 33)
    model = spiking.CompiledLIF(np.repeat(currents, 20) * nA, duration=1 * second,
                                noise_sigma=2 * mV)
    rates = {(seed, s): model.run(noise_sigma=s * mV, seed=seed).spike_counts.reshape(33, 20)
             .mean(axis=1) for seed in SEEDS for s in FI_NOISE_MV if s > 0 or seed == 0}
    for seed in SEEDS[1:]:
        rates[seed, 0] = rates[0, 0]
    return currents, rates


def test_noise_free_lif_rises_continuously_but_steeply(noisy_fi):
    """"zero up to the rheobase, then a rise with an infinite slope. The rise is continuous (the rate
    falls to 0 as the current approaches the rheobase), but it is so steep that on a grid of currents a
    fraction of a nA apart it looks like a jump to tens of hertz"; printed "no noise: 0 Hz at 2 nA, 42 Hz
    at 2.25 nA"; the figure's grey line, the formula on a grid crowding towards the rheobase."""
    currents, rates = noisy_fi
    assert currents[16] == 2.0 and currents[18] == 2.25
    assert rates[(0, 0)][:17].max() == 0.0
    assert rates[(0, 0)][18] == pytest.approx(42, abs=1)   # measured: 42.0 (analytic 42.2)
    formula_na = np.union1d(currents, 2 + np.geomspace(1e-9, 2, 200))
    formula = np.asarray(spiking.lif_rate_analytic(formula_na * nA) / Hz)
    above = formula_na > 2.0
    assert np.all(formula[~above] == 0)
    assert 0 < formula[above][0] < 5.0                    # 1e-9 nA above: 4.6 Hz, not 42
    assert np.all(np.diff(formula[above]) > 0)
    # Closer to the rheobase the rate keeps falling towards 0: no jump, only a steep 1/ln rise.
    closer = np.asarray(spiking.lif_rate_analytic((2 + np.array([1e-9, 1e-11, 1e-13])) * nA) / Hz)
    assert np.all(np.diff(closer) < 0) and closer[-1] < 3.5          # 4.6, 3.9, 3.2 Hz


@pytest.mark.parametrize("seed", SEEDS)
def test_noise_lets_the_neuron_fire_below_rheobase(noisy_fi, seed):
    """Demo answer: at 1.5 nA the rate rises "from 0 Hz without noise to [2.2] Hz at 2 mV, [10] Hz at 3 mV,
    [17] Hz at 4 mV and [27] Hz at 6 mV: the noise carries the membrane over threshold now and then"
    (seeds 1, 2: 3.1/10.4/17.6/28.0 and 2.7/10.4/17.1/27.0 Hz)."""
    _, rates = noisy_fi
    at_15 = [rates[seed, s][12] for s in (0, 2, 3, 4, 6)]
    assert at_15[0] == 0.0
    assert np.all(np.diff(at_15) > 0)
    assert at_15[1] > 1.0                                 # 2 mV: 2.2 to 3.1 Hz, 44-62 spikes in all


@pytest.mark.parametrize("seed", SEEDS)
def test_noise_makes_the_lif_more_relu_like_then_softplus_like(noisy_fi, seed):
    """"noise makes the neuron *more* ReLU-like, not less: the best ReLU misses the noise-free curve by
    [6.5] Hz ... and, in this run, the curve with 2 mV of noise by [2.8] Hz, and its threshold moves below
    the rheobase, to [1.3] nA"; demo answer: "Without noise neither function fits the steep onset ... the
    softplus collapses onto the ReLU. As the noise grows to 4 mV both fit better, and from then on the
    softplus wins: at 6 mV it misses by [0.8] Hz against [1.5] Hz for the ReLU, with a bend about [0.2] nA
    wide" """
    currents, rates = noisy_fi
    fits = {s: {k: fit_activation(currents, rates[seed, s], k) for k in ("relu", "softplus")}
            for s in FI_NOISE_MV}
    # Without noise the curve is deterministic: 6.50 Hz for both fits.
    assert fits[0]["relu"].rms_error == pytest.approx(6.5, abs=0.05)
    assert fits[0]["softplus"].rms_error == pytest.approx(fits[0]["relu"].rms_error, rel=0.01)
    relu_rms = [fits[s]["relu"].rms_error for s in (0, 1, 2, 3, 4)]
    assert np.all(np.diff(relu_rms) < 0)                                     # noise helps the ReLU
    assert relu_rms[2] < 0.5 * relu_rms[0]                                   # 2.8 against 6.5 Hz
    assert 1.0 < fits[2]["relu"].threshold < 2.0 - 0.5                       # measured: 1.32 all seeds
    soft_rms = [fits[s]["softplus"].rms_error for s in FI_NOISE_MV]
    assert np.all(np.diff(soft_rms) < 0)
    assert fits[6]["softplus"].rms_error < 0.8 * fits[6]["relu"].rms_error    # 0.84/1.49, 1.05/1.50
    assert 0.15 < fits[6]["softplus"].width < 0.3                            # 0.20 to 0.23 nA
    assert max(r.max() for r in rates.values()) < 500.0                      # below 1/t_ref


# ---------------------------------------------------------------------------
# 5. From the retina to V1: centre-surround, simple and complex cells
# ---------------------------------------------------------------------------

def test_simple_and_complex_cells_share_their_tuning():
    """Alt text: both curves "peak at 0 (and 180) degrees, fall to zero by about 45 degrees away, and
    lie almost on top of each other" (normalised)."""
    simple = orientation_tuning("simple", cell_orientation=0.0)
    complex_ = orientation_tuning("complex", cell_orientation=0.0)
    assert simple.preferred_orientation == complex_.preferred_orientation == 0.0
    assert abs(simple.osi - complex_.osi) < 0.01          # measured: 0.899 both
    far = orientation_difference(simple.orientations, 0.0) >= np.radians(45) - 1e-9
    for t in (simple, complex_):
        assert np.all(t.responses[far] < 0.02 * t.responses.max())
    np.testing.assert_allclose(simple.responses / simple.responses.max(),
                               complex_.responses / complex_.responses.max(), atol=0.15)


def test_chapter_cells_phase_behaviour():
    """"the simple cell follows the passing bars and is silent half of the time; the complex cell
    barely changes" (cells preferring 0 degrees, as in the chapter)."""
    simple = orientation_tuning("simple", cell_orientation=0.0)
    complex_ = orientation_tuning("complex", cell_orientation=0.0)
    s = simple.responses_by_phase[np.argmax(simple.responses)]
    c = complex_.responses_by_phase[np.argmax(complex_.responses)]
    assert 0.4 <= np.mean(s == 0.0) <= 0.6                # measured: 0.5
    assert c.max() / c.min() < 1.01                       # measured: 1.0005
    assert c.mean() == pytest.approx(s.max(), rel=0.01)   # alt text: "a flat line at the simple cell's peak"


@pytest.mark.parametrize("cell", ["simple", "complex"])
def test_contrast_scales_the_tuning_curve_but_keeps_its_peak_and_osi(cell):
    """Demo 1: "Contrast ... scales the whole tuning curve and moves neither the preferred orientation
    nor the OSI." """
    full = orientation_tuning(cell, contrast=1.0)
    for contrast in (0.5, 0.25):
        low = orientation_tuning(cell, contrast=contrast)
        np.testing.assert_allclose(low.responses, contrast * full.responses, rtol=1e-9, atol=1e-12)
        assert low.preferred_orientation == full.preferred_orientation
        assert low.osi == pytest.approx(full.osi, abs=1e-9)


def test_balanced_centre_surround_field_ignores_uniform_light():
    """"A balanced field, which ignores uniform light"; the printed sum of the weights is ~1e-17."""
    field = center_surround(15, sigma_center=1.0, sigma_surround=3.0)
    assert abs(field.sum()) < 1e-12
    assert field[7, 7] > 0 > field[7, 11]


def test_area_summation_peaks_near_the_centre_and_is_suppressed():
    """"the response peaks at a disc about as wide as the centre and falls back to nothing for a large
    disc"; printed: "best disc 4 pixels; the largest disc suppressed by 100%"; alt text: "falls back to
    nearly zero for discs wider than about 20 pixels" """
    spots = spot_size_tuning(sigma_center=1.0, sigma_surround=3.0)
    assert spots.preferred_diameter == 4.0
    # The continuous DoG peaks where the centre's and the surround's gains balance: d* = 4.45 px.
    analytic = 2 * np.sqrt(2 * np.log(9.0) / (1 - 1 / 9.0))
    assert abs(spots.preferred_diameter - analytic) <= 1.0
    assert spots.suppression_index > 0.995                  # measured: 0.99999
    wide = spots.diameters >= 20
    assert np.all(spots.responses[wide] < 0.02 * spots.responses.max())


def test_gabor_is_mean_free_and_its_quadrature_pair_has_unit_mean_square():
    """"It subtracts the field's mean ... and it scales the field so that the even and odd fields together
    have unit mean square, ‖g₀‖² + ‖g₋π/₂‖² = 2" (the chapter's λ = 6, σ = λ/2, γ = 0.7)."""
    for size in (15, 31):
        even, odd = gabor(size, 0.3), gabor(size, 0.3, phase=-np.pi / 2)
        assert abs(even.mean()) < 1e-12 and abs(odd.mean()) < 1e-12
        assert np.sum(even**2) + np.sum(odd**2) == pytest.approx(2.0)


def test_grating_values_lie_between_minus_c_and_c():
    """"contrast c ∈ [0, 1] (luminance relative to the mean, so values lie between -c and c)" """
    for c in (0.25, 1.0):
        g = grating(31, 0.4, contrast=c)
        assert np.abs(g).max() <= c + 1e-12
        assert np.abs(g).max() > 0.95 * c


# ---------------------------------------------------------------------------
# 5. Spiking simple cells, contrast invariance, normalisation
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def population():
    """The chapter's population: one-off run at full contrast, 2 mV, seed 0."""
    return spiking_orientation_tuning(seed=0)


def _osi(population):
    return np.array([orientation_selectivity_index(counts, population.orientations)
                     for counts in population.spike_counts])


CONTRASTS = (0.125, 0.25, 0.5, 0.75, 1.0)


@pytest.fixture(scope="module")
def invariance():
    """Section 5's sweep: 10 trials, five contrasts, six noise levels, on the compiled population."""
    return contrast_invariance(CONTRASTS, [0, 1, 2, 3, 4, 6] * mV, n_trials=10)


@pytest.fixture(scope="module")
def other_seeds():
    """The same compiled program (the chapter's, 10 trials) with seeds 1 and 2, at the contrasts and noise
    levels the general claims need: raw runs keyed by (seed, sigma in mV, contrast)."""
    v1 = compiled_spiking_v1(n_trials=10)
    needed = {2: (0.125, 0.5, 1.0), 4: (0.125, 0.5, 1.0), 1: (0.25, 1.0), 6: (0.25, 1.0)}
    return {(seed, sigma, c): v1.run(contrast=c, noise_sigma=sigma * mV, seed=seed)
            for seed in SEEDS[1:] for sigma, cs in needed.items() for c in cs}


def _width(invariance, other_seeds, seed, sigma, contrast):
    """Half-width (degrees) of the population tuning: the chapter's sweep for seed 0, else other_seeds."""
    if seed == 0:
        i, j = [0, 1, 2, 3, 4, 6].index(sigma), CONTRASTS.index(contrast)
        return float(np.degrees(invariance.half_widths[i, j]))
    return float(np.degrees(population_tuning(other_seeds[seed, sigma, contrast]).half_width))


def _widths(invariance):
    return dict(zip([0, 1, 2, 3, 4, 6], np.degrees(invariance.half_widths), strict=True))


@pytest.mark.parametrize("seed", SEEDS)
def test_spike_threshold_sharpens_the_tuning_inherited_from_the_filter(population, other_seeds, seed):
    """"The spike counts are *more* sharply tuned than the filter that drives them" (the chapter's run,
    and seeds 1, 2 of the compiled population at full contrast and 2 mV); the output says "96 LIF neurons,
    one drift cycle each": one neuron per (cell, orientation), whose current follows the 8 frames through a
    TimedArray."""
    run = population if seed == 0 else other_seeds[seed, 2, 1.0]
    filter_osi = orientation_tuning("simple").osi
    assert np.all(_osi(run) > filter_osi + 0.01)          # measured: 0.932-0.936 vs 0.899
    if seed == 0:
        assert population.spike_counts.size == 96
        assert population.input_currents.shape == (4, 24, 8)
        assert population.n_trials == 1


def test_chapter_currents_and_membrane_noise(population):
    """"I_bias = 1 nA, so the bias alone stays below the 2 nA rheobase, and I_gain = 4 nA, so the optimal
    grating at full contrast drives the cell to 5 nA"; "with σ = 2 mV, the free membrane potential
    fluctuates with a standard deviation of 2 mV around its mean" (the noise term σ√(2τ_m)ξ)."""
    currents = np.asarray(population.input_currents / nA)
    assert currents.min() == pytest.approx(1.0) and currents.max() == pytest.approx(5.0)
    free = spiking.simulate_lif([0.0] * nA, duration=2 * second, noise_sigma=2 * mV, record_v=[0],
                                seed=0, target="numpy")
    v = np.asarray(free.v[0] / mV)[2000:]                 # after 200 ms, 20 membrane time constants
    # 1.8 s with a 10 ms correlation time: standard errors about 0.2 mV (mean) and 0.1 mV (SD).
    assert v.std() == pytest.approx(2.0, rel=0.15)        # measured: about 2.0 mV
    assert v.mean() == pytest.approx(-70.0, abs=0.7)


def test_only_the_matching_cell_fires_to_the_first_grating(population):
    """Raster alt text: viewing a 0-degree grating, "only the cell preferring 0 degrees fires" """
    counts = population.spike_counts[:, 0]
    assert counts[0] >= 20 and np.all(counts[1:] == 0)   # measured: [45, 0, 0, 0]


def test_without_noise_the_iceberg_narrows_tuning_at_low_contrast(invariance):
    """"Without noise, the half-width grows from [10.5]° at contrast 0.5 to [15.0]° at full contrast, and
    below contrast 0.5 the cells do not fire at all" (deterministic: no noise)."""
    w = _widths(invariance)[0]
    assert np.all(np.isnan(w[:2]))
    assert w[2] == pytest.approx(10.5, abs=0.3) and w[4] == pytest.approx(15.0, abs=0.3)
    assert np.all(np.diff(w[2:]) > 0)
    assert np.all(invariance.tuning_curves[0, :2] == 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_lower_contrast_means_narrower_tuning_with_2mv_of_noise(invariance, other_seeds, seed):
    """The iceberg's prediction: "Lower the contrast and the whole iceberg sinks: less of it clears the
    threshold, so the spike tuning should get *narrower*"; "with the 2 mV of noise ... it grows from [4.9]°
    at contrast 0.125 to [15.3]°" (seeds 1, 2: 6.9 and 5.2° to 15.3 and 15.2°)."""
    contrasts = CONTRASTS if seed == 0 else (0.125, 0.5, 1.0)
    w = [_width(invariance, other_seeds, seed, 2, c) for c in contrasts]
    assert np.all(np.diff(w) > 0)
    assert w[0] < 0.6 * w[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_with_4mv_of_noise_tuning_width_is_nearly_contrast_invariant(invariance, other_seeds, seed):
    """"With 4 mV the width stays between [14.1]° and [16.1]° over an eightfold range of contrast, as in
    real cells, at the price of some spontaneous firing ([2.5] spikes per cycle at the orthogonal
    orientation) ... the spike tuning with 4 mV is about as broad as the input current's ([15.2]°)"; the
    effect of Anderson et al. (2000): noise flattens the dependence of width on contrast (seed 0: a range
    of 2.0° with 4 mV against 10.4° with 2 mV; seeds 1, 2: 2.6 and 2.4° against 8.4 and 10.0°)."""
    contrasts = (0.125, 0.5, 1.0)
    w2 = [_width(invariance, other_seeds, seed, 2, c) for c in contrasts]
    w4 = [_width(invariance, other_seeds, seed, 4, c) for c in contrasts]
    assert np.ptp(w4) < 0.4 * np.ptp(w2)
    input_width = np.degrees(invariance.input_half_width)
    assert input_width == pytest.approx(15.2, abs=0.1)   # deterministic: the filter's drive
    assert abs(np.mean(w4) - input_width) < 1.5
    if seed == 0:
        orthogonal = invariance.tuning_curves[4, :, 12]    # offset 90°: the same current at every contrast
        assert np.all((orthogonal > 1) & (orthogonal < 5))  # measured 2.45 (2.48, 2.55 for seeds 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_contrast_demo_answer(invariance, other_seeds, seed):
    """Demo answer: "Narrower with little noise; from 4 mV on about as broad as at full contrast": at
    contrast 0.25 [5.4]° with 1 mV against [15.1]° at full contrast; "with 6 mV ... the cells fire [11]
    spikes per cycle at the orthogonal orientation"; "From 4 mV on the width barely depends on
    contrast"."""
    gap = {s: _width(invariance, other_seeds, seed, s, 1.0) - _width(invariance, other_seeds, seed, s,
                                                                   0.25 if s != 4 else 0.125)
           for s in (1, 4, 6)}
    assert gap[1] > 7                                     # measured 9.7, 9.5, 9.7°
    assert abs(gap[4]) < 0.3 * gap[1] and abs(gap[6]) < 0.3 * gap[1]
    if seed == 0:
        w = _widths(invariance)
        assert np.all(np.diff([w[s][1] for s in (1, 2, 3, 4)]) > 0)      # 5.4, 9.2, 11.5, 14.1°
        assert all(15.0 <= w[s][-1] <= 16.5 for s in (1, 2, 3, 4))
        assert invariance.tuning_curves[5, 1, 12] > 4 * invariance.tuning_curves[4, 1, 12]  # 11.5 vs 2.5


@pytest.fixture(scope="module")
def normalised():
    return cross_orientation_suppression()


def _c50_formula(semisaturation):
    """σ/√(P + 2σ²), with P the pool's summed drive for a full-contrast grating at the cell's preference."""
    pool = normalized_population(grating(31, 0.0)).energies.sum()
    return semisaturation / np.sqrt(pool + 2 * semisaturation**2)


def test_normalised_responses_saturate_with_c50_below_sigma(normalised):
    """"σ = 0.2 is the semi-saturation constant ... It is not itself the contrast of half the maximum
    response": the measured c50 ([0.16], printed with the formula's value) is σ/√(P + 2σ²) with P the
    pool's drive at full contrast ("the neighbours in the pool add [0.52] to the cell's own drive of 1"),
    for other σ as well; printed "response at contrast 1 / at 0.5: 1.08": doubling contrast far less than
    doubles the response, while the energy (n = 2) quadruples."""
    pool = normalized_population(grating(31, 0.0)).energies.sum()
    assert 1.3 < pool < 1.8                                  # measured 1.52: the cell (1) + neighbours
    assert normalised.c50 < 0.2
    assert normalised.c50 == pytest.approx(_c50_formula(0.2), rel=0.01)   # 0.1579 and 0.1579
    for sigma in (0.1, 0.4):
        other = cross_orientation_suppression(mask_contrasts=[0.0], tuning_contrasts=[1.0],
                                              semisaturation=sigma)
        assert other.c50 == pytest.approx(_c50_formula(sigma), rel=0.02)
    r = normalised.normalized[0]
    ratio = r[-1] / np.interp(0.5, normalised.test_contrasts, r)
    assert ratio == pytest.approx(1.08, abs=0.02)
    e = normalised.energy[0]
    assert e[-1] / np.interp(0.5, normalised.test_contrasts, e) > 3


def test_orthogonal_mask_suppresses_without_driving(normalised):
    """"The mask leaves the cell's own drive unchanged (to within [0.2%]) but cuts its response to [27%] of
    its unmasked value" (mask 0.5 on a 0.26-contrast grating); cross-orientation suppression as in Heeger
    (1992)."""
    k = int(np.argmin(np.abs(normalised.test_contrasts - 0.25)))
    assert normalised.test_contrasts[k] == pytest.approx(0.26, abs=0.005)
    drive = normalised.energy[2, k] / normalised.energy[0, k]
    assert abs(drive - 1) < 0.002                           # measured: 1.0018
    response = normalised.normalized[2, k] / normalised.normalized[0, k]
    assert 0.2 < response < 0.35                            # measured: 0.27
    # More mask, more suppression, at every test contrast above 0.05.
    above = normalised.test_contrasts > 0.05
    assert np.all(np.diff(normalised.normalized[:, above], axis=0) < 0)


def test_normalisation_keeps_the_shape_of_the_tuning_curve(normalised):
    """"the tuning curve changes height with contrast but keeps its shape" """
    widths = [tuning_half_width(c, normalised.orientations) for c in normalised.tuning]
    assert np.ptp(np.degrees(widths)) < 0.1                 # measured: 10.97-11.00°
    heights = normalised.tuning.max(axis=1)
    assert np.all(np.diff(heights) > 0)
    shapes = normalised.tuning / heights[:, None]
    np.testing.assert_allclose(shapes, np.broadcast_to(shapes[-1], shapes.shape), atol=0.01)


# ---------------------------------------------------------------------------
# 6. ICA on natural images, 7. the CNN
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter_ica():
    """Section 5's run: 64 ICA filters from 30000 12x12 patches, and 64 white-noise filters."""
    learned = learn_v1_filters(natural_image_patches(30000, size=12, seed=0), n_components=64, seed=0)
    random_filters = np.random.default_rng(0).standard_normal((64, 12, 12))
    return {
        "learned": learned,
        "learned_r2": fit_gabors(learned).r_squared,
        "random_r2": fit_gabors(random_filters).r_squared,
        "learned_osi": filter_orientation_tuning(learned).osi,
        "random_osi": filter_orientation_tuning(random_filters).osi,
    }


@pytest.fixture(scope="module")
def reduced_ica():
    """The same comparison for seeds 1 and 2 in a reduced configuration: 9 ICA filters from 5000 12x12
    patches against 9 white-noise filters."""
    out = {}
    for seed in SEEDS[1:]:
        learned = learn_v1_filters(natural_image_patches(5000, size=12, seed=seed), n_components=9,
                                   seed=seed)
        random_filters = np.random.default_rng(seed).standard_normal((9, 12, 12))
        out[seed] = {
            "learned_r2": fit_gabors(learned).r_squared,
            "random_r2": fit_gabors(random_filters).r_squared,
            "learned_osi": filter_orientation_tuning(learned).osi,
            "random_osi": filter_orientation_tuning(random_filters).osi,
        }
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_learned_filters_are_gabor_like_and_random_ones_are_not(chapter_ica, reduced_ica, seed):
    """"Most learned filters are well fit by a Gabor (median R² above 0.7)"; random ones are not
    (histogram alt text: "the random ones near zero")."""
    run = chapter_ica if seed == 0 else reduced_ica[seed]
    assert np.median(run["learned_r2"]) > 0.7             # measured: 0.83; 0.96, 0.92 (reduced)
    assert np.mean(run["learned_r2"] > 0.5) > 0.75
    assert np.median(run["random_r2"]) < 0.2              # measured: 0.12; 0.12, 0.12


@pytest.mark.parametrize("seed", SEEDS)
def test_learned_filters_are_far_more_orientation_selective_than_random(chapter_ica, reduced_ica, seed):
    """"[the learned filters] are far more orientation-selective than random filters" """
    run = chapter_ica if seed == 0 else reduced_ica[seed]
    learned, random = np.median(run["learned_osi"]), np.median(run["random_osi"])
    assert learned > random + 0.25                        # measured: 0.55 vs 0.16; 0.52 vs 0.14, 0.19
    assert learned > 2 * random


@pytest.fixture(scope="module")
def cnns():
    """Digits CNNs (the chapter's defaults: 5x5 filters, 20 epochs) by (seed, number of filters), trained
    on first use: the chapter's five for seed 0, and 1 and 8 filters for seeds 1 and 2."""
    cache = {}

    def get(seed, n_filters):
        if (seed, n_filters) not in cache:
            cache[seed, n_filters] = train_digits_cnn(n_filters=n_filters, kernel_size=5, epochs=20,
                                                      seed=seed)
        return cache[seed, n_filters]
    return get


@pytest.mark.parametrize("seed", SEEDS)
def test_cnn_filters_are_less_gabor_like_than_ica_filters(cnns, chapter_ica, seed):
    """"A Gabor fit explains less of their variance than of the ICA filters, and not much more than
    of random 5×5 noise" (seed 0 is the chapter's run, with its 64 noise filters; 16 for seeds 1, 2)."""
    cnn = cnns(seed, 8)
    cnn_r2 = np.median(fit_gabors(cnn.first_layer_filters).r_squared)
    noise = np.random.default_rng(seed + 1).standard_normal((64 if seed == 0 else 16, 5, 5))
    noise_r2 = np.median(fit_gabors(noise).r_squared)
    assert cnn_r2 < np.median(chapter_ica["learned_r2"]) - 0.1   # measured: 0.60, 0.55, 0.55 vs 0.83
    assert abs(cnn_r2 - noise_r2) < 0.25                          # measured: 0.60 vs 0.46, ...
    assert cnn.test_accuracy_per_epoch[-1] > 0.95                 # alt text: "ending above 95 percent"


# ---------------------------------------------------------------------------
# The ICA and CNN demos
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ica_grid():
    """Demo 6's ten frames: 5000 patches, number of filters x patch size."""
    out = {}
    for size in (8, 12):
        patches = natural_image_patches(5000, size, seed=0)
        for n in (9, 16, 25, 36, 49):
            filters = learn_v1_filters(patches, n, seed=0)
            out[size, n] = (np.median(fit_gabors(filters).r_squared),
                            np.median(filter_orientation_tuning(filters).best_wavelengths))
    return out


def test_ica_demo_filters_stay_gabor_like(ica_grid):
    """"In every setting most filters stay Gabor-like (median R² above 0.7)." """
    for (size, n), (r2, _) in ica_grid.items():
        assert r2 > 0.7, (size, n, r2)                    # measured: 0.71 to 0.95


@pytest.mark.parametrize("seed", SEEDS)
def test_more_filters_are_finer_larger_patches_coarser(ica_grid, seed):
    """"Asking for more filters admits finer detail, so the filters' median wavelength shrinks (in this run
    from [5.7] to [2.5] pixels on 8×8 patches, from [9.6] to [3.9] on 12×12 patches ...); larger patches
    with the same number of filters give coarser, larger filters" (seed 0: all ten frames; seeds 1, 2:
    9 and 49 filters on 8×8 patches, and 9 on 12×12)."""
    if seed == 0:
        wavelength = {key: value[1] for key, value in ica_grid.items()}
        counts = (9, 16, 25, 36, 49)
        for size in (8, 12):
            series = [wavelength[size, n] for n in counts]
            assert np.all(np.diff(series) <= 1e-9), (size, series)   # 12x12: 4.9, 4.9 at 25 and 36
            assert series[-1] < 0.5 * series[0]
        for n in counts:
            assert wavelength[12, n] > wavelength[8, n]
        return
    wavelength = {(size, n): np.median(filter_orientation_tuning(learn_v1_filters(
        natural_image_patches(5000, size, seed=seed), n, seed=seed)).best_wavelengths)
        for size, n in ((8, 9), (8, 49), (12, 9))}
    assert wavelength[8, 49] < 0.5 * wavelength[8, 9]      # measured 2.5 against 5.7 pixels
    assert wavelength[12, 9] > wavelength[8, 9]            # measured 9.6 against 5.7 pixels


@pytest.mark.parametrize("seed", SEEDS)
def test_cnn_demo_very_few_filters_suffice(cnns, seed):
    """Demo answer: "Very few": in the chapter's run 1 filter gives [93.5%], two [96.4%], and 4, 8 and 16
    give [96] to [98%], the smallest number that passes 95% being [2]; "With other seeds, one filter
    sometimes passes 95% on its own" (seed 1: 95.3%)."""
    one, eight = cnns(seed, 1).test_accuracy, cnns(seed, 8).test_accuracy
    assert 0.9 < one < eight                               # measured 0.935, 0.953, 0.933
    assert eight > 0.95
    if seed == 0:
        acc = {n: cnns(0, n).test_accuracy for n in (1, 2, 4, 8, 16)}
        assert min(n for n, a in acc.items() if a > 0.95) <= 2
        assert all(a > 0.95 for n, a in acc.items() if n >= 2)
