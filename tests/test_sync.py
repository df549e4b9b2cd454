"""nslib.sync: graphs, redundant learners and their theory, Kuramoto, decisions, noisy and
electrically coupled spiking populations, and the chapter 4 figures."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from brian2 import ms, mV, nA, nS, second
from figure_checks import assert_labelled_figure
from helpers import raises_param

from nslib import sync
from nslib.plots import sync as plots
from nslib.sync import decision as decision_module
from nslib.sync import learners as learners_module
from nslib.sync.learners import ou_step_coefficients

# ---------------------------------------------------------------------------
# Graphs and Laplacians
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sync.GRAPH_KINDS)
def test_laplacians_are_symmetric_with_zero_row_sums_and_one_zero_mode(kind):
    L = sync.graph_laplacian(kind, 12, seed=3)
    assert L.shape == (12, 12)
    np.testing.assert_allclose(L, L.T)
    np.testing.assert_allclose(L.sum(axis=1), 0.0, atol=1e-12)
    assert np.all(L - np.diag(np.diag(L)) <= 0)
    spec = sync.laplacian_spectrum(L)
    assert spec.eigenvalues[0] == 0.0 and spec.algebraic_connectivity > 0   # connected
    U = spec.eigenvectors
    np.testing.assert_allclose(U.T @ U, np.eye(12), atol=1e-10)
    np.testing.assert_allclose(U @ np.diag(spec.eigenvalues) @ U.T, L, atol=1e-10)
    np.testing.assert_allclose(U[:, 0], 1 / np.sqrt(12))


def test_known_spectra_of_complete_ring_and_star_graphs():
    n = 9
    mu_all = sync.laplacian_spectrum(sync.graph_laplacian("all", n)).eigenvalues
    np.testing.assert_allclose(mu_all, [0] + [n] * (n - 1), atol=1e-10)
    mu_ring = sync.laplacian_spectrum(sync.graph_laplacian("ring", n)).eigenvalues
    np.testing.assert_allclose(mu_ring, np.sort(2 - 2 * np.cos(2 * np.pi * np.arange(n) / n)),
                               atol=1e-10)
    mu_star = sync.laplacian_spectrum(sync.graph_laplacian("star", n)).eigenvalues
    np.testing.assert_allclose(mu_star, [0] + [1] * (n - 2) + [n], atol=1e-10)
    wide = sync.graph_laplacian("ring", n, neighbours=2)
    assert np.all(np.diag(wide) == 4)


def test_random_graph_is_seeded_and_connected():
    a = sync.graph_laplacian("random", 15, p=0.2, seed=1)
    assert sync.laplacian_spectrum(a).algebraic_connectivity > 0
    np.testing.assert_array_equal(a, sync.graph_laplacian("random", 15, p=0.2, seed=1))
    assert not np.array_equal(a, sync.graph_laplacian("random", 15, p=0.2, seed=2))


def test_graph_validation():
    with raises_param("kind"):
        sync.graph_laplacian("tree", 5)
    with raises_param("n"):
        sync.graph_laplacian("ring", 2)
    with raises_param("neighbours"):
        sync.graph_laplacian("ring", 6, neighbours=3)
    with raises_param("p"):
        sync.graph_laplacian("random", 6, p=0.0)
    with raises_param("p", "connected"):
        sync.graph_laplacian("random", 30, p=0.01, max_tries=3)
    with raises_param("laplacian"):
        sync.laplacian_spectrum([[1, 1], [1, 1]])      # positive off-diagonal
    with raises_param("laplacian"):
        sync.laplacian_spectrum(np.zeros((3, 2)))


# ---------------------------------------------------------------------------
# Redundant learners: exact simulation and theory
# ---------------------------------------------------------------------------

def test_exact_ou_coefficients_reach_the_diffusion_limit():
    decay, scale = ou_step_coefficients(np.array([0.0, 1e-12, 2.0]), 0.3)
    assert decay[0] == 1.0 and scale[0] == pytest.approx(np.sqrt(0.3))
    assert scale[1] == pytest.approx(np.sqrt(0.3), rel=1e-9)
    assert scale[2] == pytest.approx(np.sqrt((1 - np.exp(-1.2)) / 4))


def test_theory_on_the_complete_graph_has_a_closed_form():
    n, kappa, sigma, lam, dim = 8, 0.7, 1.3, 2.0, 3
    th = sync.redundant_learners_theory(n, kappa, sigma, curvature=lam, dim=dim)
    mean = dim * sigma ** 2 / (2 * n) * (1 / lam + (n - 1) / (lam + kappa * n))
    assert th.mse_mean_unit == pytest.approx(mean)
    np.testing.assert_allclose(th.mse_per_unit, mean)            # every unit alike
    assert th.mse_centre == pytest.approx(dim * sigma ** 2 / (2 * lam * n))
    assert th.mse_uncoupled == pytest.approx(dim * sigma ** 2 / (2 * lam))
    assert th.spread == pytest.approx(mean - th.mse_centre)


def test_theory_on_a_star_separates_hub_and_leaves():
    n, kappa = 7, 1.5
    th = sync.redundant_learners_theory(n, kappa, 1.0, kind="star")
    hub = 1 / (2 * n) + (n - 1) / n / (2 * (1 + kappa * n))
    assert th.mse_per_unit[0] == pytest.approx(hub)
    np.testing.assert_allclose(th.mse_per_unit[1:], th.mse_per_unit[1])
    assert th.mse_per_unit[0] < th.mse_per_unit[1]
    assert th.mse_per_unit.mean() == pytest.approx(th.mse_mean_unit)


@pytest.mark.parametrize("kind", ["all", "ring", "star"])
def test_simulation_is_seeded_and_matches_theory(kind):
    a = sync.simulate_redundant_learners(6, 2.0, 0.8, kind=kind, dim=8, t_max=600, dt=0.1, seed=4)
    b = sync.simulate_redundant_learners(6, 2.0, 0.8, kind=kind, dim=8, t_max=600, dt=0.1, seed=4)
    np.testing.assert_array_equal(a.x, b.x)
    th = sync.redundant_learners_theory(6, 2.0, 0.8, kind=kind, dim=8)
    # About 4,700 independent samples per unit: 2-3 % standard error.
    np.testing.assert_allclose(a.mse_per_unit, th.mse_per_unit, rtol=0.1)
    assert a.mse_centre == pytest.approx(th.mse_centre, rel=0.1)
    np.testing.assert_allclose(a.centre, a.x.mean(axis=1))


def test_exact_steps_agree_with_a_converged_euler_maruyama_scheme():
    """The exact OU update and a fine Euler-Maruyama scheme (kappa mu_max dt = 0.05) agree."""
    n, kappa, sigma, dim = 5, 4.0, 1.0, 400
    L = sync.graph_laplacian("ring", n)
    exact = sync.simulate_redundant_learners(n, kappa, sigma, laplacian=L, dim=dim, t_max=30,
                                             dt=0.5, x0=1.0, burn_in=10, seed=1)
    rng = np.random.default_rng(2)
    dt = 0.05 / (kappa * 4)          # mu_max = 4 on a ring
    A = np.eye(n) + kappa * L
    x = np.ones((n, dim))
    samples = []
    for step in range(int(30 / dt)):
        x = x - dt * (A @ x) + sigma * np.sqrt(dt) * rng.standard_normal((n, dim))
        if step * dt >= 10 and step % int(0.5 / dt) == 0:
            samples.append(np.sum(x ** 2, axis=1))
    euler = np.mean(samples, axis=0)
    np.testing.assert_allclose(exact.mse_per_unit, euler, rtol=0.1)
    # The transient too: the exact mean decays as exp(-(1 + kappa mu) t) mode by mode.
    t1 = int(round(1.0 / 0.5))
    assert exact.x[t1].mean() == pytest.approx(np.exp(-1.0), abs=0.03)


def test_stiff_coupling_stays_exact_where_euler_would_diverge():
    # (1 + kappa mu_max) dt = 1e4 * 10 * 0.1 + ... = 1e4: Euler explodes, the exact step does not.
    res = sync.simulate_redundant_learners(10, 1e4, 1.0, dim=20, t_max=400, dt=0.1, seed=0)
    assert np.all(np.isfinite(res.x))
    th = sync.redundant_learners_theory(10, 1e4, 1.0, dim=20)
    assert res.mse_mean_unit == pytest.approx(th.mse_mean_unit, rel=0.08)
    spread = np.mean(np.sum((res.x - res.centre[:, None, :]) ** 2, axis=2))
    assert spread < 0.01 * res.mse_mean_unit            # the units move as one


def test_coupling_for_error_hits_its_target():
    L = sync.graph_laplacian("ring", 10)
    kappa = sync.coupling_for_error(L, 0.12, noise=1.0, dim=1)
    th = sync.redundant_learners_theory(10, kappa, 1.0, laplacian=L)
    assert th.mse_mean_unit == pytest.approx(0.12, rel=1e-8)
    with raises_param("target_mse"):
        sync.coupling_for_error(L, 0.04)          # below the centre's 0.05
    with raises_param("laplacian", "connected"):
        sync.coupling_for_error(np.zeros((3, 3)), 0.3)


def test_learner_validation():
    with raises_param("n_units"):
        sync.simulate_redundant_learners(1, 1.0, 1.0)
    with raises_param("coupling"):
        sync.simulate_redundant_learners(4, -1.0, 1.0)
    with raises_param("noise"):
        sync.redundant_learners_theory(4, 1.0, -1.0)
    with raises_param("curvature"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, curvature=0.0)
    with raises_param("dim"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, dim=0)
    with raises_param("dt"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, t_max=1.0, dt=2.0)
    with raises_param("x0"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, x0=np.zeros((3, 1)))
    with raises_param("laplacian"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, laplacian=sync.graph_laplacian("all", 5))
    with raises_param("kind"):
        sync.redundant_learners_theory(4, 1.0, 1.0, kind="grid")
    with raises_param("seed"):
        sync.simulate_redundant_learners(4, 1.0, 1.0, seed=-1)


def test_quartic_theory_matches_the_stationary_densities():
    from scipy.integrate import quad

    def second_moment(a):
        weight = lambda x: np.exp(-a * x ** 4)  # noqa: E731
        return (quad(lambda x: x ** 2 * weight(x), -np.inf, np.inf)[0]
                / quad(weight, -np.inf, np.inf)[0])

    th = sync.quartic_learners_theory(10, 1.3)
    assert th.mse_unit_uncoupled == pytest.approx(second_moment(1 / (2 * 1.3 ** 2)), rel=1e-9)
    assert th.mse_centre_uncoupled == pytest.approx(th.mse_unit_uncoupled / 10, rel=1e-12)
    assert th.mse_centre_synchronised == pytest.approx(second_moment(10 / (2 * 1.3 ** 2)), rel=1e-9)


def test_quartic_simulation_reaches_both_limits():
    """Uncoupled, a unit and the centre match the lone unit's density; coupled very strongly,
    the centre matches the synchronised density. Tolerances: 3 standard errors plus 1 % for the
    splitting's O(dt) bias."""
    th = sync.quartic_learners_theory(4, 1.0)
    loose = sync.simulate_quartic_learners(4, 0.0, 1.0, n_runs=100, t_max=60, seed=1)
    assert abs(loose.mse_mean_unit - th.mse_unit_uncoupled) < (
        3 * loose.mse_mean_unit_se + 0.01 * th.mse_unit_uncoupled)
    assert abs(loose.mse_centre - th.mse_centre_uncoupled) < (
        3 * loose.mse_centre_se + 0.01 * th.mse_centre_uncoupled)
    tight = sync.simulate_quartic_learners(4, 300.0, 1.0, n_runs=100, t_max=60, seed=2)
    assert abs(tight.mse_centre - th.mse_centre_synchronised) < (
        3 * tight.mse_centre_se + 0.01 * th.mse_centre_synchronised)
    assert tight.mse_mean_unit == pytest.approx(tight.mse_centre, rel=0.02)   # the units are one
    again = sync.simulate_quartic_learners(4, 300.0, 1.0, n_runs=100, t_max=60, seed=2)
    np.testing.assert_array_equal(again.mse_centre_runs, tight.mse_centre_runs)


def test_quartic_validation():
    with raises_param("n_units"):
        sync.quartic_learners_theory(1, 1.0)
    with raises_param("noise"):
        sync.quartic_learners_theory(4, 0.0)
    with raises_param("coupling"):
        sync.simulate_quartic_learners(4, -1.0, 1.0)
    with raises_param("n_runs"):
        sync.simulate_quartic_learners(4, 1.0, 1.0, n_runs=1)
    with raises_param("dt"):
        sync.simulate_quartic_learners(4, 1.0, 1.0, dt=0.5)
    with raises_param("t_max"):
        sync.simulate_quartic_learners(4, 1.0, 1.0, t_max=5.0, burn_in=10.0)
    with raises_param("kind"):
        sync.simulate_quartic_learners(4, 1.0, 1.0, kind="grid")


# ---------------------------------------------------------------------------
# Kuramoto
# ---------------------------------------------------------------------------

def test_critical_coupling_and_the_lorentzian_closed_form():
    """The Lorentzian's r = sqrt(1 - 2 gamma/K) solves Kuramoto's self-consistency equation."""
    from scipy.integrate import quad

    assert sync.critical_coupling(0.7) == pytest.approx(1.4)
    # K_c = 2/(pi g(0)) with the Gaussian's g(0) = 1/sqrt(2 pi).
    assert sync.critical_coupling(1.0, "gaussian") == pytest.approx(2 / (np.pi / np.sqrt(2 * np.pi)))
    gamma = 0.7
    g = lambda w: gamma / (np.pi * (w ** 2 + gamma ** 2))  # noqa: E731
    ks = np.array([0.0, 1.0, 1.4, 2.0, 5.0])
    r = sync.kuramoto_theory(ks, gamma)
    np.testing.assert_array_equal(r[:3], 0.0)                 # no partly locked state below K_c
    for k, rk in zip(ks[3:], r[3:], strict=True):
        integral, _ = quad(lambda th, kr=k * rk: np.cos(th) ** 2 * g(kr * np.sin(th)),
                           -np.pi / 2, np.pi / 2)
        assert 0 < rk < 1 and k * integral == pytest.approx(1.0, abs=1e-9)


def test_gaussian_theory_solves_the_self_consistency_equation():
    from scipy.integrate import quad

    k = 2.5
    r = float(sync.kuramoto_theory(k, 1.0, "gaussian"))
    g = lambda w: np.exp(-w ** 2 / 2) / np.sqrt(2 * np.pi)  # noqa: E731
    integral, _ = quad(lambda th: np.cos(th) ** 2 * g(k * r * np.sin(th)), -np.pi / 2, np.pi / 2)
    assert 0 < r < 1 and k * integral == pytest.approx(1.0, abs=1e-8)
    below = sync.kuramoto_theory([1.5, 1.6, 1.7], 1.0, "gaussian")
    assert below[0] == 0 and 0 < below[1] < below[2]      # K_c = 1.596


def test_natural_frequencies_quantiles_are_symmetric_and_random_ones_seeded():
    w = sync.natural_frequencies(101, 0.5)
    np.testing.assert_allclose(w, -w[::-1], atol=1e-12)
    assert np.median(w) == pytest.approx(0.0, abs=1e-12)
    a = sync.natural_frequencies(50, sampling="random", seed=3)
    np.testing.assert_array_equal(a, sync.natural_frequencies(50, sampling="random", seed=3))


def test_kuramoto_below_and_far_above_critical_coupling():
    incoherent = sync.kuramoto(800, 0.0, t_max=50)
    assert incoherent.r_stationary < 3 / np.sqrt(800)
    locked = sync.kuramoto(800, 20.0, width=0.1, distribution="gaussian", t_max=50)
    assert locked.r_stationary > 0.99
    assert np.std(locked.effective_frequencies) < 1e-3     # every oscillator at one frequency
    again = sync.kuramoto(800, 0.0, t_max=50)
    np.testing.assert_array_equal(incoherent.r, again.r)


def test_kuramoto_validation():
    with raises_param("n"):
        sync.kuramoto(1, 1.0)
    with raises_param("coupling"):
        sync.kuramoto(10, -1.0)
    with raises_param("dt"):
        sync.kuramoto(10, 1.0, dt=1.0)
    with raises_param("width"):
        sync.critical_coupling(0.0)
    with raises_param("distribution"):
        sync.kuramoto(10, 1.0, distribution="uniform")
    with raises_param("sampling"):
        sync.natural_frequencies(10, sampling="grid")
    with raises_param("coupling"):
        sync.kuramoto_theory([-1.0])


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------

def test_ddm_theory_matches_the_first_passage_problem_solved_numerically():
    """Error rate from the scale function, mean time from (c^2/2) T'' + A T' = -1 by finite
    differences: two derivations independent of Bogacz et al.'s closed forms."""
    from scipy.linalg import solve_banded

    a, c, z = 0.4, 0.8, 1.5
    th = sync.ddm_theory(a, c, z)
    # P(hit -z first from 0) = (e^{-2A*0/c^2} - e^{-2Az/c^2}) / (e^{2Az/c^2} - e^{-2Az/c^2}).
    s = lambda x: np.exp(-2 * a * x / c ** 2)  # noqa: E731
    assert th.error_rate == pytest.approx((s(0) - s(z)) / (s(-z) - s(z)), rel=1e-12)
    x = np.linspace(-z, z, 2001)
    h = x[1] - x[0]
    inner = x.size - 2
    bands = np.empty((3, inner))          # upper, main and lower diagonals of the operator
    bands[0] = c ** 2 / (2 * h ** 2) + a / (2 * h)
    bands[1] = -c ** 2 / h ** 2
    bands[2] = c ** 2 / (2 * h ** 2) - a / (2 * h)
    T = solve_banded((1, 1), bands, -np.ones(inner))
    assert th.decision_time == pytest.approx(T[inner // 2], rel=1e-5)


def test_single_integrator_matches_the_ddm_theory():
    res = sync.coupled_ddm(1, 0.0, n_trials=6000, seed=1)
    # Standard errors: 0.006 for the accuracy, about 0.01 s for the mean time.
    assert res.accuracy == pytest.approx(1 - res.single.error_rate, abs=0.02)
    assert res.mean_decision_time == pytest.approx(res.single.decision_time, rel=0.05)
    assert res.undecided_fraction == 0.0
    assert set(np.unique(res.choices)) <= {-1, 1}


def test_discreteness_correction_removes_the_late_bias():
    kw = dict(n_trials=6000, dt=0.01, seed=2)
    naive = sync.coupled_ddm(1, 0.0, correct_discreteness=False, **kw)
    corrected = sync.coupled_ddm(1, 0.0, **kw)
    target = corrected.single.decision_time
    assert naive.mean_decision_time > 1.05 * target       # measured: +7.8 % with checks every 10 ms
    assert corrected.mean_decision_time == pytest.approx(target, rel=0.05)


def test_strongly_coupled_integrators_follow_the_pooled_ddm():
    res = sync.coupled_ddm(4, 200.0, n_trials=3000, seed=3)
    assert res.accuracy == pytest.approx(1 - res.pooled.error_rate, abs=0.01)
    assert res.mean_decision_time == pytest.approx(res.pooled.decision_time, rel=0.1)
    # Everyone decides at about the same time (median spread measured: 6 ms), and the same way.
    assert np.nanmedian(np.ptp(res.decision_times, axis=1)) < 0.02
    assert np.mean(np.all(res.choices == res.choices[:, :1], axis=1)) > 0.99


def _rotated_spectrum(seed):
    """laplacian_spectrum with its eigenvectors turned inside every repeated eigenvalue's space.

    That is what another LAPACK (another BLAS, another CPU) may return: an equally valid basis.
    """
    original = sync.laplacian_spectrum

    def spectrum(L):
        spec = original(L)
        U = spec.eigenvectors.copy()
        rng = np.random.default_rng(seed)
        for value in np.unique(np.round(spec.eigenvalues[1:], 9)):
            idx = 1 + np.flatnonzero(np.isclose(spec.eigenvalues[1:], value))
            if idx.size > 1:
                q, _ = np.linalg.qr(rng.standard_normal((idx.size, idx.size)))
                U[:, idx] = U[:, idx] @ q
        return sync.LaplacianSpectrum(spec.eigenvalues, U, spec.algebraic_connectivity)

    return spectrum


def test_decisions_do_not_depend_on_the_eigenvector_basis(monkeypatch):
    """The complete graph has one eigenvalue n, n - 1 times: any basis of its space must give the
    same noise per unit, hence the same decisions."""
    kw = dict(n_trials=300, t_max=4.0, seed=7)
    first = sync.coupled_ddm(5, 3.0, **kw)
    monkeypatch.setattr(decision_module, "laplacian_spectrum", _rotated_spectrum(1))
    turned = sync.coupled_ddm(5, 3.0, **kw)
    np.testing.assert_array_equal(turned.choices, first.choices)
    np.testing.assert_array_equal(turned.decision_times, first.decision_times)


def test_learners_do_not_depend_on_the_eigenvector_basis(monkeypatch):
    first = sync.simulate_redundant_learners(10, 1.0, 1.0, kind="star", dim=2, t_max=20, seed=3)
    monkeypatch.setattr(learners_module, "laplacian_spectrum", _rotated_spectrum(2))
    turned = sync.simulate_redundant_learners(10, 1.0, 1.0, kind="star", dim=2, t_max=20, seed=3)
    np.testing.assert_allclose(turned.x, first.x, atol=1e-12)
    quartic = [sync.simulate_quartic_learners(6, 2.0, 1.0, n_runs=4, t_max=5, burn_in=1, seed=3)]
    monkeypatch.undo()
    quartic.append(sync.simulate_quartic_learners(6, 2.0, 1.0, n_runs=4, t_max=5, burn_in=1, seed=3))
    np.testing.assert_allclose(quartic[0].x_final, quartic[1].x_final, atol=1e-12)


def test_a_trials_noise_does_not_depend_on_which_trials_have_finished(monkeypatch):
    """Against a brute-force run that simulates every trial for every step, each with the whole
    of its own noise stream drawn at once, and with noise blocks of another size: the same
    decisions. A trial's decisions do not depend on how many trials run beside it."""
    n, trials, dt, t_max, kappa = 3, 60, 0.002, 3.0, 2.0
    res = sync.coupled_ddm(n, kappa, n_trials=trials, dt=dt, t_max=t_max, seed=5)
    monkeypatch.setattr(decision_module, "_BLOCK_STEPS", 7)
    np.testing.assert_array_equal(
        sync.coupled_ddm(n, kappa, n_trials=trials, dt=dt, t_max=t_max, seed=5).decision_times,
        res.decision_times)
    monkeypatch.undo()
    fewer = sync.coupled_ddm(n, kappa, n_trials=20, dt=dt, t_max=t_max, seed=5)
    np.testing.assert_array_equal(fewer.decision_times, res.decision_times[:20])
    # Brute force: every trial, every step, then the first crossing of each unit.
    spec = sync.laplacian_spectrum(sync.graph_laplacian("all", n))
    U, rates = spec.eigenvectors, kappa * spec.eigenvalues
    decay, scale = ou_step_coefficients(rates, dt)
    gain = np.where(rates > 0, -np.expm1(-rates * dt) / np.where(rates > 0, rates, 1), dt)
    P, S = (U * decay) @ U.T, (U * scale) @ U.T
    b = (U * gain) @ (U.T @ np.full(n, 0.5))
    steps = int(round(t_max / dt))
    noise = np.stack([g.standard_normal((steps, n)) for g in np.random.default_rng(5).spawn(trials)],
                     axis=1)
    barrier = 1.0 - 0.5826 * np.sqrt(dt)
    x = np.zeros((trials, n))
    first = np.full((trials, n), np.nan)
    for k in range(steps):
        x = x @ P + b + noise[k] @ S
        new = np.isnan(first) & (np.abs(x) >= barrier)
        first[new] = (k + 1) * dt
    np.testing.assert_allclose(res.decision_times, first)
    assert np.isnan(first).sum() == np.isnan(res.decision_times).sum()


def test_ddm_validation():
    with raises_param("n_units"):
        sync.coupled_ddm(0, 1.0)
    with raises_param("drift"):
        sync.coupled_ddm(2, 1.0, drift=0.0)
    with raises_param("threshold"):
        sync.ddm_theory(1.0, 1.0, -1.0)
    with raises_param("dt"):
        sync.coupled_ddm(2, 1.0, dt=0.5)
    with raises_param("kind"):
        sync.coupled_ddm(3, 1.0, kind="grid")
    with raises_param("laplacian"):
        sync.coupled_ddm(3, 1.0, laplacian=np.eye(3))


# ---------------------------------------------------------------------------
# Noisy LIF populations
# ---------------------------------------------------------------------------

def test_isi_cv_of_a_clock_and_of_a_poisson_train():
    assert sync.isi_cv(np.arange(10) * 0.01) == pytest.approx(0.0, abs=1e-12)
    poisson = np.cumsum(np.random.default_rng(0).exponential(0.1, 20000))
    assert sync.isi_cv(poisson) == pytest.approx(1.0, abs=0.02)
    assert np.isnan(sync.isi_cv([0.1, 0.2]))
    with raises_param("spike_times"):
        sync.isi_cv([0.3, 0.1, 0.2])


def _fake_run(counts, indices, times_s, duration_s=1.0):
    return SimpleNamespace(spike_counts=np.asarray(counts), spike_indices=np.asarray(indices),
                           spike_times=np.asarray(times_s) * second, duration=duration_s * second,
                           target="numpy")


def test_population_variability_keeps_intervals_within_trials():
    # 2 units x 2 trials; unit 0 fires every 0.1 s in trial 0 and every 0.2 s in trial 1.
    idx = [0] * 4 + [2] * 3 + [1, 1, 3, 3]
    times = [0.1, 0.2, 0.3, 0.4, 0.1, 0.3, 0.5, 0.5, 0.6, 0.2, 0.9]
    counts = [4, 2, 3, 2]
    pop = sync.population_variability(_fake_run(counts, idx, times), n_units=2, n_trials=2)
    np.testing.assert_array_equal(pop.spike_counts, [[4, 2], [3, 2]])
    intervals = np.array([0.1, 0.1, 0.1, 0.2, 0.2])  # the 0.4 -> 0.1 jump between trials is no ISI
    assert pop.isi_cv[0] == pytest.approx(intervals.std() / intervals.mean())
    assert pop.rate_hz == pytest.approx(11 / 4)
    assert pop.raster_units.tolist() == [0, 0, 0, 0, 1, 1]
    with raises_param("n_units"):
        sync.population_variability(_fake_run(counts, idx, times), n_units=3, n_trials=2)


def test_noise_makes_spike_trains_irregular_and_pooling_reduces_count_variability():
    quiet = sync.noisy_lif_population(10, 20, drive=3 * nA, noise=0.5 * mV,
                                      duration=400 * ms, target="numpy")
    noisy = sync.noisy_lif_population(10, 20, drive=1.5 * nA, noise=5 * mV,
                                      duration=400 * ms, target="numpy")
    assert quiet.mean_isi_cv < 0.1 < 0.4 < noisy.mean_isi_cv
    assert noisy.pooled_count_cv[-1] < 0.6 * noisy.pooled_count_cv[0]
    again = sync.noisy_lif_population(10, 20, drive=1.5 * nA, noise=5 * mV,
                                      duration=400 * ms, target="numpy")
    np.testing.assert_array_equal(noisy.spike_counts, again.spike_counts)


def test_noisy_population_validation():
    with raises_param("n_trials"):
        sync.noisy_lif_population(5, 1)
    with raises_param("noise"):
        sync.noisy_lif_population(5, 3, noise=-1 * mV)
    with raises_param("drive"):
        sync.noisy_lif_population(5, 3, drive=2 * mV)


# ---------------------------------------------------------------------------
# Gap junctions
# ---------------------------------------------------------------------------

def test_chi_of_identical_opposite_and_independent_traces():
    t = np.linspace(0, 1, 500)
    wave = np.sin(2 * np.pi * 4 * t)
    assert sync.synchrony_chi(np.tile(wave, (5, 1))) == pytest.approx(1.0)
    assert sync.synchrony_chi(np.vstack([wave, -wave])) == pytest.approx(0.0, abs=1e-12)
    noise = np.random.default_rng(0).standard_normal((100, 5000))
    assert sync.synchrony_chi(noise) == pytest.approx(0.1, abs=0.02)
    assert sync.synchrony_chi(noise.T, axis=0) == pytest.approx(sync.synchrony_chi(noise))
    assert sync.synchrony_chi(np.ones((3, 4))) == 0.0
    with raises_param("v"):
        sync.synchrony_chi(np.ones(4))


def test_gap_junction_runs_are_seeded_and_coupling_with_spikes_synchronises():
    kw = dict(n=10, duration=200 * ms, target="numpy")
    apart = sync.gap_junction_population(0 * nS, seed=1, **kw)
    again = sync.gap_junction_population(0 * nS, seed=1, **kw)
    np.testing.assert_array_equal(apart.spike_times_ms, again.spike_times_ms)
    together = sync.gap_junction_population(10 * nS, seed=1, **kw)
    assert apart.chi < 0.7 and together.chi > 0.95
    assert together.v_sample_mv.shape == (3, together.t_ms.size) and together.target == "numpy"
    assert together.drive_na.shape == (10,)
    assert np.all(np.abs(together.drive_na / 3.0 - 1) <= 0.01 + 1e-12)


def test_compiled_network_reruns_without_compiling_and_matches_the_runtime(monkeypatch):
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    net = sync.GapJunctionNetwork(n=10, duration=200 * ms)
    assert net.target == "cpp_standalone"
    first = net.run(0 * nS, noise=0 * mV, seed=5)
    calls = []
    original = CPPStandaloneDevice.compile_source
    monkeypatch.setattr(CPPStandaloneDevice, "compile_source",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    strong = net.run(10 * nS, noise=0 * mV, seed=5)
    spikeless = net.run(10 * nS, spike_area=0 * mV * ms, noise=0 * mV, seed=5)
    assert calls == [] and net.network.n_builds == 1
    assert strong.chi > 0.95 > first.chi and spikeless.chi < first.chi
    # Without noise the run is deterministic: the C++ program and Brian2's numpy target agree.
    runtime = sync.gap_junction_population(10 * nS, n=10, noise=0 * mV, duration=200 * ms,
                                           seed=5, target="numpy")
    assert runtime.chi == pytest.approx(strong.chi, abs=1e-3)
    assert abs(runtime.spike_times_ms.size - strong.spike_times_ms.size) <= 2


def test_gap_junction_validation():
    with raises_param("coupling"):
        sync.gap_junction_population(2 * mV, target="numpy")
    with raises_param("heterogeneity"):
        sync.gap_junction_population(2 * nS, heterogeneity=1.5, target="numpy")
    with raises_param("initial"):
        sync.gap_junction_population(2 * nS, initial="half", target="numpy")
    with raises_param("spike_area"):
        sync.gap_junction_population(2 * nS, spike_area=2 * mV, target="numpy")
    with raises_param("chi_from"):
        sync.gap_junction_population(2 * nS, duration=50 * ms, target="numpy")
    with raises_param("n"):
        sync.GapJunctionNetwork(n=1, target="numpy")


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def test_every_chapter_4_figure_is_titled_and_labelled():
    pop = sync.population_variability(
        _fake_run([4, 2, 3, 2], [0] * 4 + [2] * 3 + [1, 1, 3, 3],
                  [0.1, 0.2, 0.3, 0.4, 0.1, 0.3, 0.5, 0.5, 0.6, 0.2, 0.9]), 2, 2)
    runs = [sync.kuramoto(40, k, t_max=5) for k in (0.5, 2.0)]
    sims = [sync.simulate_redundant_learners(4, k, 1.0, t_max=20) for k in (0.0, 3.0)]
    ths = [sync.redundant_learners_theory(4, k, 1.0) for k in (0.0, 1.0, 3.0)]
    L = sync.graph_laplacian("ring", 5)
    gap = sync.gap_junction_population(1 * nS, n=4, duration=30 * ms, chi_from=5 * ms,
                                       target="numpy")
    ddm = [sync.coupled_ddm(3, k, n_trials=40, t_max=3) for k in (0.0, 5.0)]
    quartic = [sync.simulate_quartic_learners(4, k, 1.0, n_runs=4, t_max=12) for k in (0.0, 5.0)]
    figures = [
        plots.plot_noisy_population(pop),
        plots.plot_kuramoto([0.5, 2.0], [r.r_stationary for r in runs], [0, 1, 2], [0, 0, 0.7],
                            runs=runs, critical_coupling=1.0, n=40),
        plots.plot_kuramoto_frame(runs[1], [0.5, 2.0], [0.1, 0.7], [0, 1, 2], [0, 0, 0.7]),
        plots.plot_gap_junction_run(gap),
        plots.plot_synchrony_vs_coupling([0, 1], {"x": [0.1, 0.9]}, n=4),
        plots.plot_error_vs_coupling([0.0, 3.0], sims, [0.0, 1.0, 3.0], ths),
        plots.plot_learners_frame(sims[1], [0.0, 1.0, 3.0], ths, theory=ths[-1]),
        plots.plot_graph_errors(L, sync.redundant_learners_theory(5, 1.0, 1.0, laplacian=L),
                                simulation=sync.simulate_redundant_learners(5, 1.0, 1.0,
                                                                            laplacian=L, t_max=20),
                                name="ring"),
        plots.plot_decisions(ddm, ddm),
        plots.plot_decision_times(ddm[1], max_time=3.0),
        plots.plot_quartic_centre(quartic, sync.quartic_learners_theory(4, 1.0),
                                  quadratic=sync.redundant_learners_theory(4, 0.0, 1.0)),
    ]
    for fig in figures:
        assert_labelled_figure(fig)
    with raises_param("unit"):
        plots.plot_noisy_population(pop, unit=5)


def _png(fig) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def test_seeded_chapter_4_figures_are_byte_identical():
    def graph_figure(seed):
        L = sync.graph_laplacian("random", 8, seed=seed)
        run = sync.simulate_redundant_learners(8, 1.0, 1.0, laplacian=L, t_max=30, seed=seed)
        return plots.plot_graph_errors(L, sync.redundant_learners_theory(8, 1.0, 1.0, laplacian=L),
                                       simulation=run, name="random")

    def gap_figure(seed):
        return plots.plot_gap_junction_run(sync.gap_junction_population(
            1 * nS, n=6, duration=60 * ms, chi_from=10 * ms, seed=seed, target="numpy"))

    for make in (graph_figure, gap_figure):
        first = _png(make(3))
        assert _png(make(3)) == first
        assert _png(make(4)) != first        # the seed matters


def test_importing_nslib_sync_imports_neither_brian2_nor_scipy():
    import subprocess
    import sys

    code = ("import sys, nslib.sync, nslib.plots.sync; "
            "sys.exit(1 if {'brian2', 'scipy'} & set(sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
