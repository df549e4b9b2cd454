"""nslib.continual: task sequences, scenarios, metrics, Oja's rule, the five training methods, their
random streams, the spiking Hebbian neuron, the rich/lazy RNN, and their figures. Small, fast
configurations; the chapter's own numbers are asserted in test_ch05_claims.py."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from brian2 import Hz, ms, second
from figure_checks import assert_labelled_figure
from helpers import raises_param

from nslib.continual import (
    METHODS,
    SPLIT_SCENARIOS,
    average_accuracy,
    backward_transfer,
    compare_scenarios,
    correlated_inputs,
    decision_trials,
    hebbian_spiking_pca,
    kernel_alignment,
    learning_accuracy,
    make_task_sequence,
    oja_subspace,
    pca_subspace,
    project_out,
    rich_lazy_experiment,
    spike_count_components,
    subspace_alignment,
    train_sequence,
)
from nslib.plots import continual as plots

SMALL = dict(hidden_units=24, epochs=2)


@pytest.fixture(scope="module")
def permuted3():
    return make_task_sequence("permuted", n_tasks=3, seed=0)


@pytest.fixture(scope="module")
def split_task():
    return make_task_sequence("split", n_tasks=3, seed=0, scenario="task")


# ---------------------------------------------------------------------------
# Task sequences
# ---------------------------------------------------------------------------

def test_permuted_tasks_shuffle_the_same_images_and_keep_the_labels(permuted3):
    seq = permuted3
    assert seq.kind == "permuted" and seq.scenario == "domain" and seq.n_tasks == 3
    base = seq.tasks[0]
    assert np.array_equal(seq.permutations[0], np.arange(64))
    for task, perm in zip(seq.tasks, seq.permutations, strict=True):
        assert sorted(perm.tolist()) == list(range(64))
        assert np.array_equal(task.x_test, base.x_test[:, perm])
        assert np.array_equal(task.y_train, base.y_train)
        assert task.classes == tuple(range(10))
    assert not np.array_equal(seq.permutations[1], seq.permutations[2])
    assert 0.0 <= base.x_train.min() and base.x_train.max() == 1.0
    assert len(base.y_train) + len(base.y_test) == 1797
    # Stratified: every class has the same share (to rounding) in the test set.
    every = np.r_[base.y_train, base.y_test]
    fractions = [np.sum(base.y_test == c) / np.sum(every == c) for c in range(10)]
    assert np.allclose(fractions, 0.25, atol=0.01)


def test_split_tasks_deal_out_two_digits_each(split_task):
    assert split_task.scenario == "task" and split_task.permutations is None
    for t, task in enumerate(split_task.tasks):
        assert task.classes == (2 * t, 2 * t + 1)
        assert set(np.unique(task.y_train)) == {2 * t, 2 * t + 1}
        assert set(np.unique(task.y_test)) == {2 * t, 2 * t + 1}
    assert make_task_sequence("split").scenario == "class"


def test_split_domain_scenario_asks_even_or_odd_with_the_same_two_outputs(split_task):
    domain = make_task_sequence("split", n_tasks=3, seed=0, scenario="domain")
    assert domain.scenario == "domain"
    for task, same in zip(domain.tasks, split_task.tasks, strict=True):
        assert task.classes == (0, 1)
        assert np.array_equal(task.x_train, same.x_train)           # the same images ...
        assert np.array_equal(task.y_train, same.y_train % 2)       # ... labelled by their place
        assert np.array_equal(task.y_test, same.y_test % 2)


def test_the_split_draws_one_block_of_random_numbers():
    # The train/test split draws one key per image before looking at the classes, so the draw
    # does not depend on how many images each class has: the generator moves on by exactly one
    # block of 1797 numbers (split digits draw nothing else).
    used, fresh = np.random.default_rng(5), np.random.default_rng(5)
    make_task_sequence("split", n_tasks=5, seed=used)
    fresh.random(1797)
    assert used.random() == fresh.random()
    # Permuted digits then draw one permutation of the 64 pixels per extra task.
    used, fresh = np.random.default_rng(5), np.random.default_rng(5)
    seq = make_task_sequence("permuted", n_tasks=3, seed=used)
    fresh.random(1797)
    assert np.array_equal(seq.permutations[1], fresh.permutation(64))


def test_task_sequences_are_seeded_and_read_only(permuted3):
    again = make_task_sequence("permuted", n_tasks=3, seed=0)
    other = make_task_sequence("permuted", n_tasks=3, seed=1)
    assert np.array_equal(again.permutations, permuted3.permutations)
    assert np.array_equal(again.tasks[1].x_train, permuted3.tasks[1].x_train)
    assert not np.array_equal(other.permutations[1], permuted3.permutations[1])
    with pytest.raises(ValueError):
        permuted3.tasks[0].x_train[0, 0] = 5.0


@pytest.mark.parametrize("kwargs, name", [
    (dict(kind="rotated"), "kind"),
    (dict(n_tasks=0), "n_tasks"),
    (dict(kind="split", n_tasks=6), "n_tasks"),
    (dict(kind="permuted", scenario="class"), "scenario"),
    (dict(kind="split", scenario="pixel"), "scenario"),
    (dict(test_fraction=1.0), "test_fraction"),
    (dict(seed=-1), "seed"),
])
def test_make_task_sequence_validates(kwargs, name):
    with raises_param(name):
        make_task_sequence(**kwargs)


# ---------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------

def test_metrics_of_a_known_matrix():
    R = np.array([[0.9, 0.2, 0.1],
                  [0.6, 0.8, 0.1],
                  [0.3, 0.5, 0.7]])
    assert average_accuracy(R) == pytest.approx(0.5)
    assert backward_transfer(R) == pytest.approx(((0.3 - 0.9) + (0.5 - 0.8)) / 2)
    assert learning_accuracy(R) == pytest.approx(0.8)
    assert backward_transfer(np.eye(3) * 0 + 0.5) == 0.0


@pytest.mark.parametrize("bad", [np.ones((2, 3)), np.array([[1.5, 0.0], [0.0, 1.0]]),
                                 np.array([[np.nan, 0], [0, 1]]), np.ones(3)])
def test_metrics_validate_R(bad):
    with raises_param("R"):
        average_accuracy(bad)


def test_average_accuracy_is_learning_accuracy_plus_backward_transfer():
    # ACC = LA + (T - 1)/T BWT for any accuracy matrix (the chapter uses it to read EWC's results).
    rng = np.random.default_rng(0)
    for T in (2, 3, 5):
        R = rng.random((T, T))
        assert average_accuracy(R) == pytest.approx(
            learning_accuracy(R) + (T - 1) / T * backward_transfer(R), abs=1e-12)


def test_backward_transfer_needs_two_tasks():
    with raises_param("R", "at least 2 tasks"):
        backward_transfer([[0.9]])


# ---------------------------------------------------------------------------
# Oja's subspace rule, PCA, projections
# ---------------------------------------------------------------------------

def _anisotropic(n=3000, seed=0):
    scales = np.array([4.0, 3.0, 2.0, 0.5, 0.3, 0.2, 0.1, 0.1])
    q, _ = np.linalg.qr(np.random.default_rng(seed + 1).normal(size=(8, 8)))
    return (np.random.default_rng(seed).normal(size=(n, 8)) * scales) @ q.T, q


def test_oja_learns_the_top_subspace_with_orthonormal_weights():
    x, q = _anisotropic()
    result = oja_subspace(x, 3, epochs=20, seed=0)
    cosines = subspace_alignment(result.components, q[:, :3].T)
    assert cosines.min() > 0.999
    assert result.orthonormality_error < 0.01
    # The residual falls to the optimum: the energy of the 5 weakest directions.
    optimum = 1 - np.sum(np.linalg.svd(x, compute_uv=False)[:3] ** 2) / np.sum(x ** 2)
    assert result.residual_energy[0] > 0.5
    assert result.residual_energy[-1] == pytest.approx(optimum, abs=1e-3)
    assert result.n_updates == 20 * int(np.ceil(3000 / 32))


def test_oja_with_fixed_neurons_learns_what_they_leave_unexplained():
    x, q = _anisotropic()
    first = pca_subspace(x, 2)
    more = oja_subspace(x, 2, fixed=first, epochs=20, seed=1)
    # The new neurons span the 3rd and 4th principal directions, orthogonal to the fixed ones.
    assert np.abs(more.components @ first.T).max() < 0.01
    assert subspace_alignment(more.basis, q[:, :4].T).min() > 0.999
    assert more.basis.shape == (4, 8)


def test_oja_residual_energy_is_the_reconstruction_error():
    x, _ = _anisotropic(400)
    result = oja_subspace(x, 2, epochs=2, seed=0)
    recon = (x @ result.basis.T) @ result.basis
    assert result.residual_energy[-1] == pytest.approx(np.sum((x - recon) ** 2) / np.sum(x ** 2),
                                                       rel=1e-9)


def test_oja_is_seeded():
    x, _ = _anisotropic(500)
    a, b = oja_subspace(x, 2, epochs=3, seed=4), oja_subspace(x, 2, epochs=3, seed=4)
    assert np.array_equal(a.components, b.components)


@pytest.mark.parametrize("kwargs, name", [
    (dict(k=0), "k"), (dict(k=9), "k"), (dict(k=2, epochs=0), "epochs"),
    (dict(k=2, learning_rate=2.5), "learning_rate"), (dict(k=2, learning_rate=0.0), "learning_rate"),
    (dict(k=2, batch_size=0), "batch_size"), (dict(k=2, fixed=np.ones((1, 3))), "fixed"),
    (dict(k=7, fixed=np.eye(8)[:2]), "k"),
])
def test_oja_validates(kwargs, name):
    x, _ = _anisotropic(100)
    with raises_param(name):
        oja_subspace(x, **kwargs)


def test_oja_refuses_inputs_with_nothing_left_to_learn():
    with raises_param("x"):
        oja_subspace(np.zeros((10, 3)), 1)
    with raises_param("x"):
        oja_subspace(np.tile([1.0, 0.0, 0.0], (10, 1)), 1, fixed=[[1.0, 0.0, 0.0]])


def test_pca_subspace_and_alignment():
    x, q = _anisotropic()
    top = pca_subspace(x, 3)
    assert np.allclose(top @ top.T, np.eye(3), atol=1e-10)
    assert subspace_alignment(top, q[:, :3].T).min() > 0.999
    assert subspace_alignment(top, q[:, 3:6].T).max() < 0.05
    with raises_param("k"):
        pca_subspace(x, 9)
    with raises_param("b"):
        subspace_alignment(top, np.ones((2, 3)))
    with raises_param("a"):
        subspace_alignment(np.ones((2, 8)), top)


def test_projected_update_leaves_responses_to_protected_inputs_unchanged():
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(10, 3)))
    basis = basis.T                                   # 3 orthonormal rows in R^10
    update = rng.normal(size=(4, 10))
    projected = project_out(update, basis)
    old_inputs = rng.normal(size=(5, 3)) @ basis      # inputs inside the protected subspace
    assert np.allclose(projected @ old_inputs.T, 0.0, atol=1e-12)
    new_input = rng.normal(size=10)
    assert not np.allclose(projected @ new_input, 0.0)
    assert np.array_equal(project_out(update, np.zeros((0, 10))), update)
    with raises_param("basis"):
        project_out(update, np.ones((2, 4)))


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

# A network this small needs a softer spring than the default lambda = 100 to learn new tasks.
@pytest.mark.parametrize("method, extra", [(m, dict(ewc_lambda=10.0) if m == "ewc" else {})
                                           for m in METHODS])
def test_every_method_fills_an_accuracy_matrix(permuted3, method, extra):
    result = train_sequence(permuted3, method, seed=0, **SMALL, **extra)
    R = result.R
    assert R.shape == (3, 3) and np.all((R >= 0) & (R <= 1))
    assert not R.flags.writeable
    assert np.all(np.diag(R) > 0.5)                  # every task is learned when it is new
    assert result.method == method and result.n_tasks == 3
    assert result.average_accuracy == pytest.approx(R[-1].mean())
    assert result.backward_transfer == pytest.approx(backward_transfer(R))
    assert result.hyperparameters["hidden_units"] == 24
    assert (result.input_importance is not None) == (method in ("ewc", "si"))
    assert (result.subspace_dims is not None) == (method == "hlop")


def test_random_streams_are_drawn_up_front_and_shared_by_every_method(permuted3):
    from nslib.continual.training import _draw_streams, _Trainer

    streams = _draw_streams(permuted3, 4, 7)
    n = len(permuted3.tasks[0].y_train)
    assert [o.shape for o in streams.orders] == [(4, n)] * 3
    assert all(sorted(o[1].tolist()) == list(range(n)) for o in streams.orders)
    assert [r.shape for r in streams.replay] == [(4, n)] * 3
    assert len(streams.oja) == 3 and all(len(layers) == 2 for layers in streams.oja)
    # The same seed gives the same blocks whatever the method: every method sees the examples in
    # the same order, and replay's picks do not shift the order of the shuffles.
    again = _draw_streams(permuted3, 4, 7)
    assert all(np.array_equal(a, b) for a, b in zip(streams.orders, again.orders, strict=True))
    trainers = [_Trainer(permuted3, m, {}, 8, 0.1, 32, streams) for m in ("sgd", "replay")]
    assert trainers[0].streams is trainers[1].streams


def test_replay_picks_from_the_memory_with_the_drawn_numbers(permuted3):
    # Replay with a memory of 30 and of 60 draw the same uniform numbers; only how they map onto
    # the memory differs. Both leave task 1's training untouched.
    small = train_sequence(permuted3, "replay", seed=0, buffer_size=30, **SMALL)
    large = train_sequence(permuted3, "replay", seed=0, buffer_size=60, **SMALL)
    sgd = train_sequence(permuted3, "sgd", seed=0, **SMALL)
    assert np.array_equal(small.R[0], sgd.R[0]) and np.array_equal(large.R[0], sgd.R[0])
    assert not np.array_equal(small.R[1], large.R[1])


def test_training_is_seeded(permuted3):
    a = train_sequence(permuted3, "ewc", seed=3, **SMALL)
    b = train_sequence(permuted3, "ewc", seed=3, **SMALL)
    c = train_sequence(permuted3, "ewc", seed=4, **SMALL)
    assert np.array_equal(a.R, b.R)
    assert not np.array_equal(a.R, c.R)


@pytest.mark.parametrize("method, off", [("ewc", dict(ewc_lambda=0.0)), ("si", dict(si_c=0.0)),
                                         ("replay", dict(buffer_size=0)),
                                         ("hlop", dict(subspace_dim=0))])
def test_each_method_switched_off_is_plain_sgd(permuted3, method, off):
    sgd = train_sequence(permuted3, "sgd", seed=0, **SMALL)
    same = train_sequence(permuted3, method, seed=0, **SMALL, **off)
    assert np.array_equal(sgd.R, same.R)


def test_full_orthogonal_projection_freezes_what_old_tasks_see(permuted3):
    # With as many lateral neurons as inputs, every layer's whole input space is protected:
    # later tasks cannot change the network, so task 1's accuracy stays exactly the same.
    result = train_sequence(permuted3, "hlop", seed=0, subspace_dim=100, oja_epochs=5,
                            **SMALL)
    assert np.all(result.R[:, 0] == result.R[0, 0])
    assert result.subspace_dims.tolist() == [65, 25]


def test_replay_in_the_class_incremental_scenario_keeps_old_classes():
    seq = make_task_sequence("split", n_tasks=2, seed=0)
    sgd = train_sequence(seq, "sgd", seed=0, **SMALL)
    replay = train_sequence(seq, "replay", seed=0, buffer_size=60, **SMALL)
    assert sgd.R[1, 0] < 0.2                          # one shared head: the old digits are gone
    assert replay.R[1, 0] > sgd.R[1, 0] + 0.4


def test_task_incremental_heads_only_choose_among_the_tasks_classes(split_task):
    result = train_sequence(split_task, "sgd", seed=0, **SMALL)
    assert result.scenario == "task" and result.R.min() >= 0.3   # chance is 50%, not 10%


def test_domain_incremental_uses_two_outputs_and_class_incremental_all_ten():
    from nslib.continual.training import _draw_streams, _Trainer

    for scenario, outputs in (("domain", [0, 1]), ("class", list(range(10)))):
        seq = make_task_sequence("split", n_tasks=2, seed=0, scenario=scenario)
        trainer = _Trainer(seq, "sgd", {}, 8, 0.1, 32, _draw_streams(seq, 1, 0))
        for mask in trainer.masks:           # the same outputs in every task, from the first on
            assert torch.nonzero(mask).flatten().tolist() == outputs


def test_compare_scenarios_trains_each_scenario_for_each_seed():
    c = compare_scenarios((0, 3), n_tasks=2, hidden_units=16, epochs=1)
    assert c.scenarios == SPLIT_SCENARIOS == ("task", "domain", "class")
    assert c.seeds == (0, 3) and c.average_accuracy.shape == (3, 2)
    for k, scenario in enumerate(c.scenarios):
        assert [r.scenario for r in c.results[scenario]] == [scenario] * 2
        assert c.average_accuracy[k].tolist() == [r.average_accuracy for r in c.results[scenario]]
    assert c.mean("backward_transfer")["class"] == pytest.approx(c.backward_transfer[2].mean())
    # A seed trains the same network on the same split as train_sequence with that seed.
    alone = train_sequence(make_task_sequence("split", 2, seed=3, scenario="class"), "sgd", seed=3,
                           hidden_units=16, epochs=1)
    assert np.array_equal(alone.R, c.results["class"][1].R)


@pytest.mark.parametrize("kwargs, name", [
    (dict(seeds=()), "seeds"), (dict(seeds=(0, 0)), "seeds"), (dict(seeds=(-1,)), "seed"),
    (dict(seeds="012"), "seeds"), (dict(seeds=(np.random.default_rng(0),)), "seeds"),
    (dict(method="adam"), "method"), (dict(n_tasks=6), "n_tasks"),
])
def test_compare_scenarios_validates(kwargs, name):
    with raises_param(name):
        compare_scenarios(**kwargs)


def test_fisher_matches_per_example_autograd():
    from nslib.continual.training import _mlp_fisher

    torch.manual_seed(0)
    params = [torch.randn(5, 4), torch.randn(5), torch.randn(3, 5), torch.randn(3)]
    x = torch.rand(7, 4)
    mask = torch.tensor([True, False, True])
    fisher = _mlp_fisher(params, x, mask)
    expected = [torch.zeros_like(p) for p in params]
    live = [p.clone().requires_grad_(True) for p in params]
    for n in range(len(x)):
        z1 = x[n] @ live[0].T + live[1]
        logits = torch.relu(z1) @ live[2].T + live[3]
        logp = torch.log_softmax(logits.masked_fill(~mask, float("-inf")), dim=0)
        for c in (0, 2):
            grads = torch.autograd.grad(logp[c], live, retain_graph=True)
            for e, g in zip(expected, grads, strict=True):
                e += logp[c].exp().detach() * g ** 2 / len(x)
    for f, e in zip(fisher, expected, strict=True):
        assert torch.allclose(f, e, atol=1e-6)


@pytest.mark.parametrize("kwargs, name", [
    (dict(method="adam"), "method"), (dict(hidden_units=0), "hidden_units"),
    (dict(epochs=0), "epochs"), (dict(learning_rate=-1.0), "learning_rate"),
    (dict(batch_size=0), "batch_size"), (dict(method="ewc", ewc_lambda=-1.0), "ewc_lambda"),
    (dict(method="si", si_xi=0.0), "si_xi"), (dict(method="si", si_c=-1.0), "si_c"),
    (dict(method="replay", buffer_size=-1), "buffer_size"),
    (dict(method="hlop", subspace_dim=-1), "subspace_dim"),
    (dict(method="hlop", oja_epochs=0), "oja_epochs"),
    (dict(method="hlop", oja_learning_rate=3.0), "oja_learning_rate"),
    (dict(method="sgd", ewc_lambda=10.0), "ewc_lambda"),
    (dict(method="ewc", buffer_size=10), "buffer_size"),
    (dict(seed=-2), "seed"),
])
def test_train_sequence_validates(permuted3, kwargs, name):
    with raises_param(name):
        train_sequence(permuted3, **kwargs)


def test_train_sequence_wants_a_task_sequence():
    with raises_param("tasks"):
        train_sequence([np.zeros((3, 64))])


# ---------------------------------------------------------------------------
# Rich and lazy learning
# ---------------------------------------------------------------------------

def test_decision_trials_put_the_answer_in_the_stronger_channel():
    trials = decision_trials(400, seed=0, noise=0.0)
    x, y = trials.inputs, trials.targets
    assert x.shape == (8, 400, 3) and y.shape == (8, 400)
    assert np.all(y[:-1] == 0) and set(np.unique(y[-1])) == {1, 2}
    assert np.all(x[:-1, :, 0] == 1) and np.all(x[-1] == 0)
    stronger = np.where(x[0, :, 1] > x[0, :, 2], 1, 2)
    assert np.array_equal(stronger, y[-1])
    with raises_param("n_trials"):
        decision_trials(0)
    with raises_param("noise"):
        decision_trials(3, noise=-1.0)


def test_rich_lazy_keeps_the_norm_and_sets_the_rank():
    low = rich_lazy_experiment(2, n_units=16, steps=30, n_probe=4, seed=0)
    full = rich_lazy_experiment(16, n_units=16, steps=30, n_probe=4, seed=0)
    assert low.initial_norm == pytest.approx(full.initial_norm, rel=1e-10)
    assert np.sum(low.singular_values > 1e-6) == 2
    assert np.sum(full.singular_values > 1e-6) == 16
    assert low.loss.shape == (30,) and np.all(np.isfinite(low.loss))
    assert low.loss[-5:].mean() < low.loss[:5].mean()
    assert 0 < low.relative_weight_change == pytest.approx(low.weight_change / low.initial_norm)
    assert -1 <= low.kernel_alignment <= 1 and -1 <= low.representation_alignment <= 1
    again = rich_lazy_experiment(2, n_units=16, steps=30, n_probe=4, seed=0)
    assert again.weight_change == low.weight_change
    # The spectra: of W_0 (rank 2), of W_T, and of the change, whose norm is the weight change.
    assert low.final_singular_values.shape == low.change_singular_values.shape == (16,)
    assert np.sqrt(np.sum(low.change_singular_values ** 2)) == pytest.approx(low.weight_change,
                                                                            rel=1e-4)


@pytest.mark.parametrize("kwargs, name", [
    (dict(rank=0), "rank"), (dict(rank=17), "rank"), (dict(rank=1, n_units=1), "n_units"),
    (dict(rank=1, gain=0.0), "gain"), (dict(rank=1, steps=0), "steps"),
    (dict(rank=1, n_probe=1), "n_probe"), (dict(rank=1, learning_rate=0.0), "learning_rate"),
])
def test_rich_lazy_validates(kwargs, name):
    kwargs.setdefault("n_units", 16)
    with raises_param(name):
        rich_lazy_experiment(**kwargs)


def test_kernel_alignment():
    a = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert kernel_alignment(a, 3 * a) == pytest.approx(1.0)
    assert kernel_alignment(np.diag([1.0, 0.0]), np.diag([0.0, 1.0])) == 0.0
    with raises_param("a"):
        kernel_alignment(np.eye(2), np.eye(3))
    with raises_param("a"):
        kernel_alignment(np.zeros((2, 2)), np.eye(2))


# ---------------------------------------------------------------------------
# The spiking Hebbian neuron
# ---------------------------------------------------------------------------

def test_correlated_inputs_have_the_designed_principal_component():
    inputs = correlated_inputs(12, duration=200 * second, seed=0)
    rates = np.asarray(inputs.rates / Hz)
    assert rates.shape == (200_000, 12) and rates.min() >= 0
    assert np.mean(rates) == pytest.approx(30, rel=0.05)
    values, vectors = np.linalg.eigh(np.cov(rates.T))
    assert abs(vectors[:, -1] @ inputs.loadings[0]) > 0.98
    assert abs(vectors[:, -2] @ inputs.loadings[1]) > 0.95
    assert values[-1] > 2.5 * values[-2]
    assert np.allclose(np.linalg.norm(inputs.loadings, axis=1), 1.0)
    assert np.allclose(inputs.latents.std(axis=0), 1.0, atol=0.1)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n_inputs=3), "n_inputs"), (dict(duration=5), "duration"),
    (dict(modulation=(0.5,)), "modulation"), (dict(modulation=(1.2, 0.1)), "modulation"),
    (dict(mean_rate=30 * ms), "mean_rate"), (dict(duration=1 * ms), "duration"),
])
def test_correlated_inputs_validate(kwargs, name):
    with raises_param(name):
        correlated_inputs(**kwargs)


def test_spike_count_components_recover_a_shared_burst_pattern():
    rng = np.random.default_rng(0)
    # Inputs 0-3 fire together in 20 bursts; inputs 4-7 fire independently.
    times, idx = [], []
    for burst in rng.uniform(0, 10, 20):
        times += [burst] * 4
        idx += [0, 1, 2, 3]
    for i in range(4, 8):
        t = rng.uniform(0, 10, 20)
        times += t.tolist()
        idx += [i] * 20
    pcs = spike_count_components(np.array(times) * second, np.array(idx), 8, 10 * second)
    values, components = pcs.eigenvalues, pcs.components
    assert values[0] > 3 * values[1]
    assert np.allclose(np.abs(components[0]), [0.5] * 4 + [0] * 4, atol=0.07)


def test_hebbian_neuron_runs_and_records(tmp_path):
    result = hebbian_spiking_pca(8, duration=2 * second, record_every=500 * ms, target="numpy",
                                 seed=1)
    assert result.target == "numpy"
    assert result.weights.shape == (4, 8)
    assert np.array_equal(result.final_weights, result.weights[-1])
    assert result.alignment.shape == (4,) and np.all((result.alignment >= 0) & (result.alignment <= 1))
    assert result.output_rate > 1 * Hz
    assert not np.array_equal(result.weights[0], result.weights[-1])   # the synapses learned
    assert result.count_eigenvalues[0] >= result.count_eigenvalues[1]
    assert result.inputs.n_inputs == 8


def test_hebbian_weights_move_in_proportion_to_the_learning_rate():
    kw = dict(duration=1 * second, record_every=500 * ms, target="numpy", seed=2)
    slow = hebbian_spiking_pca(6, learning_rate=1e-4, **kw)
    fast = hebbian_spiking_pca(6, learning_rate=1e-2, **kw)
    assert np.array_equal(slow.weights[0], fast.weights[0])     # same start, same inputs
    moved_slow = np.linalg.norm(slow.final_weights - slow.weights[0])
    moved_fast = np.linalg.norm(fast.final_weights - fast.weights[0])
    assert moved_fast > 20 * moved_slow


def test_cython_and_numpy_targets_give_the_same_weights():
    # The chapter runs cython and says the numpy fallback gives the same spikes and weights.
    kw = dict(duration=300 * ms, record_every=100 * ms, seed=5)
    fast = hebbian_spiking_pca(8, target="cython", **kw)
    slow = hebbian_spiking_pca(8, target="numpy", **kw)
    assert fast.target == "cython" and slow.target == "numpy"
    assert np.allclose(fast.weights, slow.weights, atol=1e-12)
    assert fast.output_rate == slow.output_rate


@pytest.mark.parametrize("kwargs, name", [
    (dict(learning_rate=0.0), "learning_rate"), (dict(decay=-1.0), "decay"),
    (dict(psp_size=0.0), "psp_size"), (dict(initial_weight_std=0.0), "initial_weight_std"),
    (dict(duration=3), "duration"), (dict(target="gpu"), "target"),
])
def test_hebbian_validates(kwargs, name):
    kwargs.setdefault("duration", 100 * ms)
    with raises_param(name):
        hebbian_spiking_pca(6, **kwargs)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ewc_small(permuted3):
    return train_sequence(permuted3, "ewc", seed=0, **SMALL)


def test_figures_are_labelled(permuted3, ewc_small, split_task):
    sgd = train_sequence(permuted3, "sgd", seed=0, **SMALL)
    x, _ = _anisotropic(500)
    oja = oja_subspace(x, 2, epochs=3)
    runs = [rich_lazy_experiment(r, n_units=8, steps=5, n_probe=2) for r in (1, 8)]
    figures = [
        plots.plot_accuracy_matrices({"SGD": sgd, "EWC": ewc_small}),
        plots.plot_forgetting_curves(sgd),
        plots.plot_forgetting_curves(train_sequence(split_task, "sgd", seed=0, **SMALL)),
        plots.plot_stability_plasticity(ewc_small),
        plots.plot_tradeoff([0, 1, 10], [sgd, ewc_small, sgd], xlabel="λ"),
        plots.plot_tradeoff([1, 2], [sgd, ewc_small], xlabel="k", log_x=False),
        plots.plot_method_comparison({"SGD": sgd, "EWC": ewc_small}),
        plots.plot_task_examples(permuted3),
        plots.plot_task_examples(split_task),
        plots.plot_input_importance(ewc_small, task=1),
        plots.plot_oja_vs_pca(oja, pca_subspace(x, 2), optimal_residual=0.1, image_shape=(2, 4)),
        plots.plot_rich_lazy(runs),
        plots.plot_rich_lazy_run(runs[0]),
        plots.plot_scenario_comparison(compare_scenarios((0, 1), n_tasks=2, hidden_units=8,
                                                         epochs=1)),
        plots.plot_forgetting_curves(train_sequence(make_task_sequence("split", 2, scenario="domain"),
                                                    "sgd", **SMALL)),
        plots.plot_hebbian_spiking(hebbian_spiking_pca(6, duration=0.5 * second, target="numpy")),
    ]
    for fig in figures:
        assert_labelled_figure(fig)


def test_figures_validate(ewc_small):
    sgd_like = np.array([[0.9, 0.1], [0.5, 0.8]])
    with raises_param("results"):
        plots.plot_accuracy_matrices({})
    with raises_param("R"):
        plots.plot_forgetting_curves(np.ones((2, 3)))
    with raises_param("results"):
        plots.plot_tradeoff([1, 2, 3], [ewc_small], xlabel="λ")
    with raises_param("values"):
        plots.plot_tradeoff([0, 0], [ewc_small, ewc_small], xlabel="λ")
    with raises_param("result"):
        plots.plot_input_importance(sgd_like)
    with raises_param("task"):
        plots.plot_input_importance(ewc_small, task=5)
    with raises_param("results"):
        plots.plot_method_comparison({})
    with raises_param("results"):
        plots.plot_rich_lazy([])
    with raises_param("result"):
        plots.plot_rich_lazy_run(ewc_small)
    with raises_param("comparison"):
        plots.plot_scenario_comparison(ewc_small)
    x, _ = _anisotropic(100)
    with raises_param("image_shape"):
        plots.plot_oja_vs_pca(oja_subspace(x, 2, epochs=1), pca_subspace(x, 2))


def test_seeded_runs_draw_identical_figures(permuted3):
    import io

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return buffer.getvalue()

    def draw(seed):
        return png(plots.plot_stability_plasticity(train_sequence(permuted3, "si", seed=seed, **SMALL)))

    first = draw(1)
    assert draw(1) == first
    assert draw(2) != first


def test_tick_labels_and_one_task_summaries():
    from nslib.plots.continual import _summary, _tick

    assert [_tick(v) for v in (1, 1000, 10_000, 1_000_000, 200_000)] == [
        "1", "1000", "$10^{4}$", "$10^{6}$", "$2\\times10^{5}$"]
    assert _summary(np.array([[0.5]])) == "ACC 50%"
    assert _summary(np.array([[0.9, 0.1], [0.5, 0.8]])) == "ACC 65%, BWT -40.0 pts"
