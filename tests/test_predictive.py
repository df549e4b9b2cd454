"""Unit tests of nslib.predictive and nslib.plots.predictive (chapter 6)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from brian2 import ms
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param

from nslib.plots import predictive as plots
from nslib.predictive import (
    MLPParams,
    alignment_curve,
    backprop_update,
    bar_windows,
    decode_spikes,
    decoders,
    digits_data,
    dog_filter,
    ei_balance,
    end_stopping,
    filter_spikes,
    hgf,
    hgf_update,
    init_digits_mlp,
    mlp_accuracy,
    mlp_forward,
    natural_windows,
    pc_backprop_alignment,
    pc_inference,
    pc_update,
    rao_ballard,
    rao_ballard_inference,
    smooth_signal,
    spike_coding_network,
    split_window,
    steady_signal,
    train_digits_mlp,
    volatile_rewards,
)

# ---------------------------------------------------------------------------
# Rao & Ballard
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def windows():
    return natural_windows(600, seed=0)


@pytest.fixture(scope="module")
def small_model(windows):
    return rao_ballard(windows, n_units=8, n_level2=6, n_iterations=40, batch_size=50, seed=0)


def test_dog_filter_is_chapter_1s_lgn_sheet_on_a_stack():
    from nslib.vision import lgn_response

    stack = np.random.default_rng(0).normal(size=(3, 20, 24))
    filtered = dog_filter(stack, 1.0, 2.0)
    for image, out in zip(stack, filtered, strict=True):
        assert np.allclose(out, lgn_response(image, 1.0, 2.0).linear)


def test_dog_filter_removes_uniform_light_and_keeps_a_spot():
    assert np.allclose(dog_filter(np.full((2, 9, 9), 3.0)), 0.0)
    spot = np.zeros((15, 15))
    spot[7, 7] = 1.0
    out = dog_filter(spot)
    assert out[7, 7] > 0 > out[7, 10]            # ON centre, OFF surround
    assert out.shape == spot.shape


@pytest.mark.parametrize("kwargs, name", [
    (dict(image=np.zeros(5)), "image"),
    (dict(image=np.zeros((2, 2))), "image"),
    (dict(image=np.zeros((5, 5)), sigma_center=0.0), "sigma_center"),
    (dict(image=np.zeros((5, 5)), sigma_surround=-1.0), "sigma_surround"),
    (dict(image=np.zeros((5, 5)), sigma_center=2.0, sigma_surround=1.0), "sigma_surround"),
])
def test_dog_filter_validates(kwargs, name):
    with raises_param(name):
        dog_filter(**kwargs)


def test_natural_windows_are_standardised_and_seeded(windows):
    assert windows.windows.shape == (600, 8, 16)
    assert windows.windows.std() == pytest.approx(1.0)
    assert windows.scale > 0 and (windows.patch_size, windows.offset) == (8, 4)
    other = natural_windows(50, patch_size=6, offset=2, images=("camera",), seed=1)
    assert other.windows.shape == (50, 6, 10)
    assert_generator_seed_reproducible(lambda rng: natural_windows(20, seed=rng).windows)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n=0), "n"), (dict(patch_size=2), "patch_size"), (dict(offset=0), "offset"),
    (dict(patch_size=8, offset=9), "offset"), (dict(images=("nope",)), "images"),
])
def test_natural_windows_validate(kwargs, name):
    with raises_param(name):
        natural_windows(**{"n": 10, **kwargs})


def test_bar_windows_grow_into_the_flanks():
    bars = bar_windows([2, 8, 16])
    assert bars.shape == (3, 8, 16)
    flank = np.abs(bars[:, :, :3]).sum(axis=(1, 2))
    assert flank[0] < 0.1 * flank[2]             # only the long bar reaches the window's edge
    assert np.allclose(bar_windows([4], scale=2.0), bar_windows([4]) / 2.0)
    # The row moves the bar: its brightest row follows.
    assert np.argmax(bar_windows([8], row=2)[0].sum(axis=1)) == np.argmax(bar_windows([8])[0].sum(axis=1)) + 2


@pytest.mark.parametrize("kwargs, name", [
    (dict(lengths=[0]), "lengths"), (dict(lengths=[17]), "lengths"), (dict(lengths=[1.5]), "lengths"),
    (dict(width=0), "width"), (dict(contrast=0.0), "contrast"), (dict(row=5), "row"),
    (dict(scale=0.0), "scale"),
])
def test_bar_windows_validate(kwargs, name):
    with raises_param(name):
        bar_windows(**{"lengths": [4], **kwargs})


def test_split_window_takes_three_shifted_patches():
    w = np.arange(2 * 4 * 8, dtype=float).reshape(2, 4, 8)
    parts = split_window(w, offset=2)
    for k in range(3):
        assert np.array_equal(parts[:, k], w[:, :, 2 * k:2 * k + 4].reshape(2, -1))
    with raises_param("windows"):
        split_window(np.zeros((2, 4, 7)), offset=2)
    with raises_param("offset"):
        split_window(w, offset=0)


def test_rao_ballard_learns_and_keeps_unit_columns(windows, small_model):
    m = small_model
    assert m.filters.shape == (8, 8, 8) and m.level2.shape == (24, 6)
    assert np.allclose(np.linalg.norm(m.level1, axis=0), 1.0)
    assert np.allclose(np.linalg.norm(m.level2, axis=0), 1.0)
    assert np.allclose(m.filters.reshape(8, -1), m.level1.T)
    # Learning lowers the prediction error of level 1.
    assert m.reconstruction_error[-10:].mean() < m.reconstruction_error[:5].mean()
    assert m.scale == windows.scale and m.offset == 4
    again = rao_ballard(windows, n_units=8, n_level2=6, n_iterations=40, batch_size=50, seed=0)
    assert np.array_equal(again.level1, m.level1)
    assert_generator_seed_reproducible(lambda rng: rao_ballard(
        windows, n_units=4, n_level2=2, n_iterations=3, batch_size=10, seed=rng).level1)


def test_rao_ballard_inference_settles_where_the_energy_gradient_vanishes(small_model):
    m = small_model
    bars = bar_windows([4, 12], scale=m.scale)
    state = rao_ballard_inference(m, bars, n_steps=3000)
    inputs = split_window(bars, m.offset)
    r, rh, r_td = state.causes, state.level2, state.prediction
    grad_r = ((inputs - r @ m.level1.T) @ m.level1 / m.input_variance - (r - r_td) / m.td_variance
              - m.sparsity * 2 * r / (1 + r**2))
    grad_h = ((r - r_td).reshape(len(r), -1) @ m.level2 / m.td_variance
              - m.level2_sparsity * 2 * rh / (1 + rh**2))
    assert np.abs(grad_r).max() < 1e-6 and np.abs(grad_h).max() < 1e-6
    assert np.allclose(state.errors, r - r_td)
    assert np.allclose(r_td, (rh @ m.level2.T).reshape(r.shape))
    plain = rao_ballard_inference(m, bars, feedback=False, n_steps=50)
    assert np.all(plain.prediction == 0) and np.all(plain.level2 == 0)
    assert np.allclose(plain.errors, plain.causes)


def test_rao_ballard_validates(windows, small_model):
    with raises_param("offset"):
        rao_ballard(windows.windows, n_iterations=2)
    with raises_param("offset"):
        rao_ballard(windows, offset=3, n_iterations=2)
    for name, value in [("n_units", 0), ("n_level2", 0), ("n_iterations", 0), ("batch_size", 0),
                        ("n_inference_steps", 0), ("inference_rate", 0.6), ("learning_rate", 0.0),
                        ("sparsity", -1.0), ("level2_sparsity", -1.0), ("td_variance", 0.0),
                        ("input_variance", 0.0)]:
        with raises_param(name):
            rao_ballard(windows, **{name: value})
    with raises_param("model"):
        rao_ballard_inference("model", bar_windows([4]))
    with raises_param("feedback"):
        rao_ballard_inference(small_model, bar_windows([4]), feedback="yes")
    with raises_param("windows"):
        rao_ballard_inference(small_model, np.zeros((1, 6, 14)))
    with raises_param("n_steps"):
        rao_ballard_inference(small_model, bar_windows([4]), n_steps=0)
    with raises_param("inference_rate"):
        rao_ballard_inference(small_model, bar_windows([4]), inference_rate=1.0)
    with raises_param("model"):
        end_stopping(None)
    with raises_param("rows"):
        end_stopping(small_model, rows=[])


def test_end_stopping_follows_one_unit_per_row(small_model):
    es = end_stopping(small_model, lengths=[2, 8, 16], rows=(0, 1), n_steps=30)
    assert es.with_feedback.shape == es.without_feedback.shape == (2, 3)
    assert es.units.shape == (2,) and np.all((es.units >= 0) & (es.units < 8))
    assert np.all(es.with_feedback >= 0)
    assert np.allclose(es.suppression(False), es.without_feedback[:, -1] / es.without_feedback.max(axis=1))
    default = end_stopping(small_model, rows=[0], n_steps=5)
    assert default.lengths.tolist() == list(range(1, 17))


def test_inference_can_weigh_the_prediction_differently(small_model):
    bars = bar_windows([4, 12], scale=small_model.scale)
    same = rao_ballard_inference(small_model, bars, n_steps=30, td_variance=small_model.td_variance)
    default = rao_ballard_inference(small_model, bars, n_steps=30)
    assert np.array_equal(same.errors, default.errors)
    # A prediction trusted less pulls the causes less: the error units grow.
    loose = rao_ballard_inference(small_model, bars, n_steps=300, td_variance=50.0)
    tight = rao_ballard_inference(small_model, bars, n_steps=300, td_variance=1.0)
    assert np.abs(loose.errors).sum() > np.abs(tight.errors).sum()
    es = end_stopping(small_model, lengths=[2, 8], rows=[0], n_steps=10, td_variance=4.0)
    by_hand = rao_ballard_inference(small_model, bar_windows([2, 8, 8], scale=small_model.scale),
                                    n_steps=10, td_variance=4.0).errors[:2, 1, es.units[0]]
    assert np.allclose(es.with_feedback[0], np.abs(by_hand))
    with raises_param("td_variance"):
        rao_ballard_inference(small_model, bars, td_variance=0.1)
    with raises_param("td_variance", "stable"):
        rao_ballard_inference(small_model, bars, inference_rate=0.5, td_variance=1.0)


# ---------------------------------------------------------------------------
# Predictive coding and backprop
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch():
    data = digits_data(seed=0)
    return init_digits_mlp(16, seed=0), data.train_x[:20], data.train_y[:20]


def test_mlp_shapes_and_initialisation():
    p = init_digits_mlp(32, seed=0)
    assert p.w_hidden.shape == (32, 64) and p.w_output.shape == (10, 32)
    assert p.w_hidden.std() == pytest.approx(1 / 8, rel=0.1)
    assert np.all(p.b_hidden == 0) and np.all(p.b_output == 0)
    assert p.flat().shape == (32 * 64 + 32 + 10 * 32 + 10,)
    moved = p.step(p, 0.5)
    assert np.allclose(moved.w_output, 1.5 * p.w_output)
    assert_generator_seed_reproducible(lambda rng: init_digits_mlp(4, seed=rng).w_hidden)


def test_backprop_update_is_the_negative_gradient(batch):
    import torch

    p, x, y = batch
    params = [torch.tensor(a, requires_grad=True, dtype=torch.float64)
              for a in (p.w_hidden, p.b_hidden, p.w_output, p.b_output)]
    out = torch.tanh(torch.tensor(x) @ params[0].T + params[1]) @ params[2].T + params[3]
    loss = 0.5 * ((torch.tensor(y) - out) ** 2).sum(dim=1).mean()
    loss.backward()
    update = backprop_update(p, x, y)
    for mine, theirs in zip((update.w_hidden, update.b_hidden, update.w_output, update.b_output),
                            params, strict=True):
        assert np.allclose(mine, -theirs.grad.numpy(), atol=1e-12)


def test_pc_inference_lowers_the_energy_and_starts_at_the_feedforward_pass(batch):
    p, x, y = batch
    start = pc_inference(p, x, y, n_steps=0)
    a, _, out = mlp_forward(p, x)
    assert np.allclose(start.values, a) and np.allclose(start.hidden_error, 0)
    assert np.allclose(start.output_error, y - out)
    run = pc_inference(p, x, y, n_steps=300, output_weight=0.5)
    assert np.all(np.diff(run.energy) <= 1e-12)
    # At equilibrium the hidden error is the output error sent back through the weights.
    h = np.tanh(run.values)
    assert np.allclose(run.hidden_error, 0.5 * (1 - h**2) * (run.output_error @ p.w_output), atol=1e-8)


def test_pc_update_after_zero_and_one_step_is_backprop_scaled(batch):
    p, x, y = batch
    bp = backprop_update(p, x, y)
    beta, eta = 0.3, 0.1
    zero = pc_update(p, x, y, n_steps=0, output_weight=beta, step_size=eta)
    assert np.allclose(zero.w_hidden, 0) and np.allclose(zero.w_output, beta * bp.w_output)
    # After one step the hidden error is exactly eta * beta * backprop's hidden delta.
    one = pc_update(p, x, y, n_steps=1, output_weight=beta, step_size=eta)
    assert np.allclose(one.w_hidden, eta * beta * bp.w_hidden)
    assert np.allclose(one.b_hidden, eta * beta * bp.b_hidden)


def test_hidden_scale_is_the_slope_along_backprop():
    zero = pc_backprop_alignment(0, 0.1, batch_size=16)
    assert zero.hidden_scale == 0.0                      # no hidden error yet
    one = pc_backprop_alignment(1, 0.1, step_size=0.05, batch_size=16)
    assert one.hidden_scale == pytest.approx(0.05)       # one step of size eta: eta times backprop
    settled = pc_backprop_alignment(300, 0.001, batch_size=16)
    assert settled.hidden_scale == pytest.approx(1.0, abs=0.01)


def test_pc_backprop_alignment_and_curve(batch):
    small = pc_backprop_alignment(n_inference_steps=200, output_weight=0.001, batch_size=32)
    assert small.cosine > 0.9999 and small.norm_ratio == pytest.approx(1.0, abs=0.01)
    assert np.all(small.layer_cosines > 0.9999)
    curve = alignment_curve([0, 5], [0.1, 1.0], batch_size=32)
    assert curve.cosine.shape == (2, 2) and curve.layer_cosines.shape == (2, 2, 2)
    assert curve.cosine[0, 1] == pytest.approx(
        pc_backprop_alignment(5, 0.1, batch_size=32).cosine)
    assert_generator_seed_reproducible(lambda rng: pc_backprop_alignment(
        2, batch_size=8, seed=rng).pc_update.flat())
    assert_generator_seed_reproducible(lambda rng: alignment_curve([1], [0.1], batch_size=8,
                                                                   seed=rng).cosine)


@pytest.mark.parametrize("call, name", [
    (lambda p, x, y: init_digits_mlp(0), "n_hidden"),
    (lambda p, x, y: mlp_forward("p", x), "params"),
    (lambda p, x, y: mlp_forward(p, np.zeros((3, 63))), "x"),
    (lambda p, x, y: backprop_update(p, x, y[:3]), "y"),
    (lambda p, x, y: pc_inference(p, x, y, n_steps=-1), "n_steps"),
    (lambda p, x, y: pc_inference(p, x, y, output_weight=0.0), "output_weight"),
    (lambda p, x, y: pc_inference(p, x, y, step_size=2.0), "step_size"),
    (lambda p, x, y: pc_backprop_alignment(n_inference_steps=-1), "n_inference_steps"),
    (lambda p, x, y: pc_backprop_alignment(output_weight=20.0), "output_weight"),
    (lambda p, x, y: pc_backprop_alignment(batch_size=0), "batch_size"),
    (lambda p, x, y: alignment_curve([-1], [0.1]), "n_inference_steps"),
    (lambda p, x, y: alignment_curve([1], [np.nan]), "output_weights"),
    (lambda p, x, y: mlp_accuracy(p, x, [1, 2]), "labels"),
    (lambda p, x, y: train_digits_mlp("sgd"), "rule"),
    (lambda p, x, y: train_digits_mlp(epochs=0), "epochs"),
    (lambda p, x, y: train_digits_mlp(learning_rate=0.0), "learning_rate"),
    (lambda p, x, y: train_digits_mlp(batch_size=0), "batch_size"),
    (lambda p, x, y: train_digits_mlp(output_weight=0.0), "output_weight"),
    (lambda p, x, y: train_digits_mlp(n_inference_steps=-1), "n_inference_steps"),
])
def test_learning_functions_validate(batch, call, name):
    with raises_param(name):
        call(*batch)


def test_train_digits_mlp_is_reproducible_and_the_split_is_shared():
    a = train_digits_mlp("backprop", epochs=3, seed=1)
    b = train_digits_mlp("backprop", epochs=3, seed=1)
    c = train_digits_mlp("backprop", epochs=3, seed=2)
    assert np.array_equal(a.params.w_hidden, b.params.w_hidden)
    assert not np.array_equal(a.params.w_hidden, c.params.w_hidden)
    assert np.array_equal(a.data.test_x, c.data.test_x)            # same split, other seed
    assert a.test_accuracy_per_epoch.shape == a.loss_per_epoch.shape == (3,)
    assert a.test_accuracy == a.test_accuracy_per_epoch[-1]
    assert a.test_accuracy == mlp_accuracy(a.params, a.data.test_x, a.data.test_labels)
    pc = train_digits_mlp("pc", epochs=3, n_inference_steps=5, seed=1)
    assert pc.rule == "pc" and pc.test_accuracy > 0.5
    assert_generator_seed_reproducible(lambda rng: train_digits_mlp(
        epochs=1, batch_size=256, seed=rng).params.w_hidden)


def test_digits_data_is_chapter_1s_split():
    from nslib.datasets import load_digits_split

    d, split = digits_data(seed=3), load_digits_split(seed=3)
    assert np.array_equal(d.test_x, split.test_images.reshape(len(split.test_images), -1))
    assert np.array_equal(d.train_y.argmax(axis=1), split.train_labels)


# ---------------------------------------------------------------------------
# The Hierarchical Gaussian Filter
# ---------------------------------------------------------------------------


def _published_update(mu1, sa1, mu2, sa2, u, pi_u, ka, om, th):
    """Mathys et al. (2011)'s update of a volatility level, with the Gaussian update below it, transcribed
    independently of nslib (notation of the paper: sa = variance, pi = precision, hat = prediction)."""
    nu = np.exp(ka * mu2 + om)                         # the volatility-dependent step variance
    pihat1 = 1.0 / (sa1 + nu)
    pi1 = pihat1 + pi_u                                # precision after the input
    mu1_new = mu1 + pi_u / pi1 * (u - mu1)
    pihat2 = 1.0 / (sa2 + th)
    w1 = nu / (sa1 + nu)
    r1 = (nu - sa1) / (nu + sa1)
    da1 = (1.0 / pi1 + (mu1_new - mu1) ** 2) / (sa1 + nu) - 1.0
    pi2 = pihat2 + 0.5 * ka**2 * w1 * (w1 + r1 * da1)
    mu2_new = mu2 + 0.5 * ka * w1 / pi2 * da1
    return mu1_new, 1.0 / pi1, mu2_new, 1.0 / pi2


def test_hgf_update_follows_the_published_equations():
    rng = np.random.default_rng(7)
    for _ in range(200):
        args = (rng.normal(0, 3), rng.uniform(0.05, 3), rng.normal(0, 1), rng.uniform(0.05, 2),
                rng.normal(0, 3))
        pi_u, ka, om, th = rng.uniform(0.2, 5), rng.uniform(0.2, 1.5), rng.uniform(-6, 0), rng.uniform(
            0.001, 0.1)
        try:
            b = hgf_update(*args, input_precision=pi_u, kappa=ka, omega=om, theta=th)
        except ValueError:
            # A non-positive volatility precision: the published update does not apply either.
            assert _published_update(*args, pi_u, ka, om, th)[3] <= 0
            continue
        want = _published_update(*args, pi_u, ka, om, th)
        assert np.allclose([b.mu1, b.sigma1, b.mu2, b.sigma2], want, rtol=1e-12, atol=1e-12)
        assert b.prediction_error == pytest.approx(args[4] - args[0])
        assert b.learning_rate == pytest.approx(pi_u * b.sigma1)


def test_hgf_update_worked_example_and_failure():
    # omega = 0, mu2 = 0: the step variance is 1, so pihat1 = 1/2 and alpha = 1 / (1/2 + 1).
    b = hgf_update(0.0, 1.0, 0.0, 1.0, 1.0, omega=0.0)
    assert b.learning_rate == pytest.approx(2 / 3) and b.mu1 == pytest.approx(2 / 3)
    assert b.sigma1 == pytest.approx(2 / 3)
    assert b.volatility_error == pytest.approx((2 / 3 + 4 / 9) / 2 - 1)
    # A huge surprise when the believed volatility is small: the approximation breaks down.
    with raises_param("theta"):
        hgf_update(0.0, 10.0, 0.0, 1.0, 100.0, omega=0.0)


def test_hgf_runs_the_update_trial_by_trial():
    env = volatile_rewards(n_stable=20, n_volatile=20, block=4, seed=0)
    res = hgf(env.rewards, omega=-3.0, theta=0.02, mu1_0=5.0)
    state = (5.0, 1.0, 0.0, 1.0)
    for k, u in enumerate(env.rewards):
        assert res.prediction[k] == pytest.approx(state[0])
        b = hgf_update(*state, u, omega=-3.0, theta=0.02)
        state = (b.mu1, b.sigma1, b.mu2, b.sigma2)
        assert (res.mu1[k], res.sigma1[k], res.mu2[k], res.sigma2[k], res.learning_rate[k]) == \
            pytest.approx((b.mu1, b.sigma1, b.mu2, b.sigma2, b.learning_rate))
    assert np.allclose(res.volatility, np.exp(res.mu2 - 3.0))


def test_hgf_without_volatility_learning_is_a_kalman_filter():
    # kappa -> 0: the step variance stays exp(omega), and alpha follows the Kalman gain.
    u = np.random.default_rng(0).normal(size=30)
    res = hgf(u, kappa=1e-9, omega=-2.0, theta=1e-9, sigma1_0=2.0)
    var, gains = 2.0, []
    for _ in u:
        prior = var + np.exp(-2.0)
        gain = prior / (prior + 1.0)
        var = (1 - gain) * prior
        gains.append(gain)
    assert np.allclose(res.learning_rate, gains, rtol=1e-6)


@pytest.mark.parametrize("kwargs, name", [
    (dict(rewards=[[1.0]]), "rewards"), (dict(rewards=[np.nan]), "rewards"),
    (dict(input_precision=0.0), "input_precision"), (dict(kappa=0.0), "kappa"),
    (dict(omega=-30.0), "omega"), (dict(theta=0.0), "theta"), (dict(mu1_0=np.inf), "mu1_0"),
    (dict(sigma1_0=0.0), "sigma1_0"), (dict(mu2_0="a"), "mu2_0"), (dict(sigma2_0=-1.0), "sigma2_0"),
])
def test_hgf_validates(kwargs, name):
    with raises_param(name):
        hgf(**{"rewards": [1.0, 2.0], **kwargs})
    if name not in ("rewards", "mu1_0", "sigma1_0", "mu2_0", "sigma2_0"):
        with raises_param(name):
            hgf_update(0.0, 1.0, 0.0, 1.0, 1.0, **kwargs)


@pytest.mark.parametrize("name, value", [("mu1", np.nan), ("sigma1", 0.0), ("mu2", "x"),
                                         ("sigma2", -1.0), ("u", np.inf)])
def test_hgf_update_validates_beliefs(name, value):
    args = dict(mu1=0.0, sigma1=1.0, mu2=0.0, sigma2=1.0, u=1.0)
    args[name] = value
    with raises_param(name):
        hgf_update(**args)


def test_volatile_rewards_draw_the_same_numbers_whatever_the_block():
    # The noise comes first and the candidate means are one per volatile trial: the draws never depend
    # on the block length, so every block length sees the same noise, and the generator moves alike.
    a, b = volatile_rewards(n_stable=20, n_volatile=30, block=3, seed=1), volatile_rewards(
        n_stable=20, n_volatile=30, block=30, seed=1)
    assert np.allclose(a.rewards - a.mean, b.rewards - b.mean)
    assert a.mean[20] == b.mean[20]                      # the first volatile mean is the same too
    after = []
    for block in (1, 7, 30):
        rng = np.random.default_rng(9)
        volatile_rewards(n_stable=20, n_volatile=30, block=block, seed=rng)
        after.append(rng.random())
    assert after[0] == after[1] == after[2]


def test_volatile_rewards_structure():
    env = volatile_rewards(n_stable=10, n_volatile=13, block=5, noise=0.0, seed=0)
    assert env.rewards.shape == env.mean.shape == env.volatile.shape == (33,)
    assert np.array_equal(env.rewards, env.mean)
    assert np.all(env.mean[~env.volatile] == 5.0)
    middle = env.mean[10:23]
    assert np.all(np.abs(middle - 5.0) <= 3.0)
    changes = np.flatnonzero(np.diff(middle)) + 1
    assert set(changes) <= {5, 10}                      # the mean only jumps at block boundaries
    assert_generator_seed_reproducible(lambda rng: volatile_rewards(n_stable=3, n_volatile=6,
                                                                    seed=rng).rewards)
    for name, value in [("n_stable", 0), ("n_volatile", 0), ("block", 0), ("mean", np.nan),
                        ("spread", -1.0), ("noise", -0.1)]:
        with raises_param(name):
            volatile_rewards(**{name: value})


# ---------------------------------------------------------------------------
# The spike coding network
# ---------------------------------------------------------------------------


def test_decoders_and_signals():
    d1 = decoders(6, 1, 0.1)
    assert d1.shape == (1, 6) and sorted(set(d1.ravel().tolist())) == [-0.1, 0.1]
    d2 = decoders(8, 2)
    assert np.allclose(np.linalg.norm(d2, axis=0), 0.05)
    assert np.allclose(d2.sum(axis=1), 0.0)                       # evenly around the circle
    d3 = decoders(5, 3, seed=1)
    assert d3.shape == (3, 5) and np.allclose(np.linalg.norm(d3, axis=0), 0.05)
    assert_generator_seed_reproducible(lambda rng: decoders(5, 3, seed=rng))
    x = smooth_signal(10000.0, n_dims=3, amplitude=2.0, seed=0)
    assert x.shape == (10000, 3) and np.allclose(x[0], 0.0)
    # Over 10 s the 200 ms ramp hardly matters: the RMS is that of a sinusoid of amplitude 2.
    assert np.sqrt(np.mean(x**2, axis=0)) == pytest.approx(np.full(3, 2 / np.sqrt(2)), rel=0.05)
    assert_generator_seed_reproducible(lambda rng: smooth_signal(200.0, seed=rng))
    s = steady_signal([1.0, -2.0], duration_ms=300.0, ramp_ms=100.0)
    assert np.allclose(s[0], 0) and np.allclose(s[100:], [1.0, -2.0])
    assert np.allclose(steady_signal([3.0], duration_ms=10.0, ramp_ms=0.0), 3.0)


@pytest.mark.parametrize("call, name", [
    (lambda: decoders(0, 2), "n_neurons"), (lambda: decoders(4, 11), "n_dims"),
    (lambda: decoders(4, 2, 0.0), "scale"), (lambda: smooth_signal(50.0), "duration_ms"),
    (lambda: smooth_signal(n_dims=0), "n_dims"), (lambda: smooth_signal(dt_ms=0.0), "dt_ms"),
    (lambda: smooth_signal(amplitude=0.0), "amplitude"),
    (lambda: smooth_signal(max_frequency_hz=100.0), "max_frequency_hz"),
    (lambda: steady_signal([]), "level"), (lambda: steady_signal([1.0], duration_ms=0.0), "duration_ms"),
    (lambda: steady_signal([1.0], ramp_ms=5000.0), "ramp_ms"),
    (lambda: decode_spikes([0], [0], [0.1], 3), "decoder"),
    (lambda: decode_spikes([0, 1], [0], [[0.1]], 3), "spike_neurons"),
    (lambda: decode_spikes([5], [0], [[0.1]], 3), "spike_steps"),
    (lambda: decode_spikes([0], [0], [[0.1]], 0), "n_steps"),
])
def test_signal_helpers_validate(call, name):
    with raises_param(name):
        call()


def test_decode_spikes_is_the_leaky_sum_of_decoders():
    est = decode_spikes([0, 2, 2], [0, 1, 0], [[1.0, 0.0], [0.0, 2.0]], n_steps=4, leak_hz=10.0,
                        dt_ms=100.0)
    decay = np.exp(-1.0)
    want_x = [1.0, decay, decay**2 + 1.0, (decay**2 + 1.0) * decay]
    want_y = [0.0, 0.0, 2.0, 2.0 * decay]
    assert np.allclose(est[:, 0], want_x) and np.allclose(est[:, 1], want_y)


@pytest.fixture(scope="module")
def scn_numpy():
    x = smooth_signal(400.0, n_dims=2, seed=0)
    return x, spike_coding_network(x, n_neurons=20, silenced_fraction=0.25, target="numpy", seed=0)


def test_spike_coding_network_tracks_and_respects_its_rules(scn_numpy):
    x, res = scn_numpy
    assert res.estimate.shape == x.shape and res.target == "numpy"
    assert res.tracking_error < 0.15
    err = np.sqrt(np.mean((res.estimate - x) ** 2)) / np.sqrt(np.mean(x**2))
    assert res.tracking_error == pytest.approx(err)
    assert res.active.sum() == 15
    silent = np.flatnonzero(~res.active)
    assert not np.isin(res.spike_neurons, silent).any()              # silenced neurons never fire
    steps = np.round(res.spike_times_ms / 0.1).astype(int)
    assert len(np.unique(steps)) == len(steps)                       # one spike per time step
    assert res.rates_hz.sum() == pytest.approx(len(steps) / 0.4)
    assert res.excitation.shape == res.inhibition.shape == (400, 20)
    assert -1.0 <= res.balance <= 1.0
    # The estimate is the decoded spikes.
    again = decode_spikes(np.minimum((res.spike_times_ms + 1e-9).astype(int), 399), res.spike_neurons,
                          res.decoder, 400)
    assert np.allclose(again, res.estimate)


def test_spike_coding_network_reports_its_voltage_terms(scn_numpy):
    x, res = scn_numpy
    # The thresholds are read back from Brian2: (||D_i||² + μ)/2.
    assert np.allclose(res.thresholds, (np.sum(res.decoder**2, axis=0) + res.cost) / 2)
    assert res.cost == 0.000625 and res.leak_hz == 10.0
    # The filtered spike trains are the spikes through the leak, and the estimate decodes them.
    steps = np.minimum((res.spike_times_ms + 1e-9).astype(int), len(x) - 1)
    assert np.allclose(res.filtered_spikes, filter_spikes(steps, res.spike_neurons, 20, len(x)))
    assert np.allclose(res.filtered_spikes @ res.decoder.T, res.estimate)
    assert np.all(res.filtered_spikes[:, ~res.active] == 0)
    assert 0 < res.cost_fraction < 1


def test_filter_spikes_and_ei_balance(scn_numpy):
    r = filter_spikes([0, 0, 2], [1, 1, 0], n_neurons=2, n_steps=3, leak_hz=10.0, dt_ms=100.0)
    decay = np.exp(-1.0)
    assert np.allclose(r, [[0, 2], [0, 2 * decay], [1, 2 * decay**2]])
    with raises_param("n_neurons"):
        filter_spikes([0], [0], n_neurons=0, n_steps=3)
    _, res = scn_numpy
    assert ei_balance(res) == pytest.approx(res.balance, abs=1e-12)          # the membrane's 100 ms
    assert ei_balance(res, 2.0) < ei_balance(res, 20.0) < ei_balance(res, 100.0) + 1e-9
    with raises_param("result"):
        ei_balance(object())
    with raises_param("timescale_ms"):
        ei_balance(res, 0.01)


def test_silencing_draws_the_same_numbers_whatever_the_fraction():
    # A noise seed, then one order of all the neurons, whose first ones are silenced: the same draws for
    # any fraction (so a larger fraction silences a superset, as tests/test_ch06_claims.py checks).
    x = smooth_signal(100.0, n_dims=1, seed=0)[:20]
    rng, reference = np.random.default_rng(11), np.random.default_rng(11)
    active = spike_coding_network(x, n_neurons=10, silenced_fraction=0.3, target="numpy", seed=rng).active
    reference.integers(0, 2**31 - 1)
    order = reference.permutation(10)
    assert rng.random() == reference.random()
    assert np.array_equal(np.flatnonzero(~active), np.sort(order[:3]))


def test_spike_coding_network_seeds(scn_numpy):
    x, res = scn_numpy
    same = spike_coding_network(x, n_neurons=20, silenced_fraction=0.25, target="numpy", seed=0)
    other = spike_coding_network(x, n_neurons=20, silenced_fraction=0.25, target="numpy", seed=1)
    assert np.array_equal(same.spike_times_ms, res.spike_times_ms)
    assert not np.array_equal(other.spike_times_ms, res.spike_times_ms)
    short = x[:50]
    assert_generator_seed_reproducible(lambda rng: spike_coding_network(
        short, n_neurons=6, silenced_fraction=0.5, target="numpy", seed=rng).spike_times_ms)


def test_every_neuron_above_threshold_fires_without_the_one_spike_rule():
    x = smooth_signal(300.0, n_dims=1, seed=0)
    res = spike_coding_network(x, n_neurons=10, one_spike_per_step=False, target="numpy", seed=0)
    steps = np.round(res.spike_times_ms / 0.1).astype(int)
    assert len(np.unique(steps)) < len(steps)


@pytest.mark.parametrize("kwargs, name", [
    (dict(signal=np.zeros((1, 2))), "signal"), (dict(signal=np.zeros((10, 2))), "signal"),
    (dict(signal=np.ones((10, 11))), "signal"), (dict(n_neurons=1), "n_neurons"),
    (dict(silenced_fraction=1.5), "silenced_fraction"), (dict(decoder_scale=0.0), "decoder_scale"),
    (dict(cost=-1.0), "cost"), (dict(noise=-1.0), "noise"), (dict(refractory=30 * ms), "refractory"),
    (dict(refractory=2.0), "refractory"), (dict(dt=0 * ms), "dt"), (dict(dt=1.0), "dt"),
    (dict(sim_dt=0.3 * ms), "sim_dt"),
    (dict(one_spike_per_step="yes"), "one_spike_per_step"), (dict(target="gpu"), "target"),
    (dict(seed=-1), "seed"),
])
def test_spike_coding_network_validates(kwargs, name):
    with raises_param(name):
        spike_coding_network(**{"signal": np.ones((10, 2)), "target": "numpy", **kwargs})


def test_compiled_network_reruns_without_rebuilding():
    from nslib.spiking import compiler_available

    if not compiler_available():
        pytest.skip("no C++ compiler: the numpy fallback rebuilds by design")
    x = smooth_signal(200.0, n_dims=2, seed=0)
    from nslib.spiking import compile_cache_info, compile_once

    first = spike_coding_network(x, n_neurons=12, seed=0)
    model, key = next(entry for entry in compile_cache_info().entries
                      if entry[0] == "predictive_scn" and entry[1][1] == (2, 12))
    network = compile_once(model, key, lambda: pytest.fail("the network was not cached"))
    builds = network.n_builds
    runs = [spike_coding_network(x * 0.5, n_neurons=12, silenced_fraction=f, seed=s)
            for f, s in ((0.25, 1), (0.5, 2))]
    assert network.n_builds == builds and first.target == "cpp_standalone"
    assert runs[1].active.sum() == 6 and runs[0].tracking_error < 0.2


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def test_figures_are_labelled(small_model, scn_numpy):
    es = end_stopping(small_model, lengths=[2, 8, 16], rows=(0, 1), n_steps=20)
    assert_labelled_figure(plots.plot_end_stopping(es))
    assert_labelled_figure(plots.plot_end_stopping(es, bars=bar_windows([2, 8])))
    curve = alignment_curve([0, 2], [0.1], batch_size=16)
    assert_labelled_figure(plots.plot_pc_alignment(curve))
    assert_labelled_figure(plots.plot_pc_alignment(curve, pc_backprop_alignment(0, 0.1, batch_size=16)))
    runs = [train_digits_mlp(rule, epochs=2, n_inference_steps=3, seed=0) for rule in ("backprop", "pc")]
    assert_labelled_figure(plots.plot_pc_training(*runs))
    _, res = scn_numpy
    assert_labelled_figure(plots.plot_spike_coding(res))
    assert_labelled_figure(plots.plot_spike_coding(res, neuron=0))
    assert_labelled_figure(plots.plot_silencing([res]))
    env = volatile_rewards(n_stable=10, n_volatile=10, seed=0)
    assert_labelled_figure(plots.plot_hgf(hgf(env.rewards, mu1_0=5.0), env))
    assert_labelled_figure(plots.plot_hgf(hgf(env.rewards, mu1_0=5.0)))


def test_figures_refuse_other_results_and_follow_their_seeds():
    for fn in (plots.plot_end_stopping, plots.plot_pc_alignment, plots.plot_spike_coding, plots.plot_hgf):
        with raises_param("result"):
            fn(object())
    with raises_param("result"):
        plots.plot_pc_training(object(), object())
    with raises_param("results"):
        plots.plot_silencing([])
    x = smooth_signal(200.0, n_dims=1, seed=0)

    def draw(seed):
        return _png(plots.plot_spike_coding(spike_coding_network(x, n_neurons=6, target="numpy",
                                                                 seed=seed)))

    assert draw(3) == draw(3) and draw(3) != draw(4)


def test_mlp_params_type_is_checked():
    with raises_param("params"):
        backprop_update(MLPParams(*[np.zeros(1)] * 4).__dict__, np.zeros(64), np.zeros(10))
