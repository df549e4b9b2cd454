"""The claims chapters/05_continual_learning.md makes, each checked on nslib with the chapter's own calls.

The chapter's numbers come from its executed cells through ``{eval}``, so they cannot drift from the
code; these tests check the *words* around them. A sentence that states an effect generally ("in every
seed", "forgets less", an ordering) is checked for three seeds, 0, 1 and 2: seed ``s`` draws its own
split of the digits, its own permutations, its own initial weights and its own order of examples
(``make_task_sequence(..., seed=s)`` and ``train_sequence(..., seed=s)``), with the chapter's full
configuration. A sentence about the run the chapter shows ("in this run", an alt text) is checked for
seed 0. Tolerances leave room for another BLAS or CPU, not for the claim to turn around. Training runs are
cached per module, so each configuration is trained once.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
from brian2 import Hz, second

from nslib.continual import (
    compare_scenarios,
    hebbian_spiking_pca,
    make_task_sequence,
    oja_subspace,
    pca_subspace,
    rich_lazy_experiment,
    subspace_alignment,
    train_sequence,
)

SEEDS = (0, 1, 2)
PERMUTED = make_task_sequence("permuted", n_tasks=5, seed=0)


@lru_cache(maxsize=None)
def permuted(seed):
    return PERMUTED if seed == 0 else make_task_sequence("permuted", n_tasks=5, seed=seed)


@lru_cache(maxsize=None)
def run(method, seed=0, **settings):
    """The chapter's run_permuted (seed 0) and seed_run (other seeds)."""
    return train_sequence(permuted(seed), method, seed=seed, **settings)


def ewc(lam, seed=0):
    return run("sgd", seed) if lam == 0 else run("ewc", seed, ewc_lambda=float(lam))


def replay(size, seed=0):
    return run("sgd", seed) if size == 0 else run("replay", seed, buffer_size=size)


def hlop(k, seed=0):
    return run("sgd", seed) if k == 0 else run("hlop", seed, subspace_dim=k)


def practice(epochs, seed=0):
    return run("sgd", seed) if epochs == 10 else run("sgd", seed, epochs=epochs)


@lru_cache(maxsize=None)
def run_class(method, seed=0, **settings):
    """Split digits with one shared ten-way head (class-incremental)."""
    tasks = make_task_sequence("split", n_tasks=5, seed=seed, scenario="class")
    return train_sequence(tasks, method, seed=seed, **settings)


LAMBDAS = [0, 1, 10, 100, 1000, 1_000_000]
BUFFERS = [0, 10, 100, 300, 1000]
DIMS = [0, 5, 10, 20, 30]


# ---------------------------------------------------------------------------
# 1. Catastrophic forgetting
# ---------------------------------------------------------------------------

def test_data_sizes():
    """"scikit-learn's 1,797 handwritten digits of 8×8 pixels, three quarters for training and a quarter
    for testing"."""
    task = PERMUTED.tasks[0]
    assert task.x_train.shape[1] == 64
    assert len(task.y_train) + len(task.y_test) == 1797
    assert len(task.y_test) / 1797 == pytest.approx(0.25, abs=0.01)


def test_accuracy_identity_in_the_text():
    """"ACC = LA + (T−1)/T BWT" (and "ACC = LA + 4/5 BWT" for five tasks), on the chapter's SGD run."""
    sgd = run("sgd")
    assert sgd.average_accuracy == pytest.approx(
        sgd.learning_accuracy + 4 / 5 * sgd.backward_transfer, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_sgd_forgets_the_permuted_tasks(seed):
    """"Each task is learned well when it is new ..., and then erased by the tasks that follow: ... task 1
    drops ...". Issue: SGD forgets (strongly negative backward transfer)."""
    sgd = run("sgd", seed)
    assert np.all(np.diag(sgd.R) > 0.8)                      # seed 0: 0.83 to 0.97
    assert sgd.backward_transfer < -0.3                      # -0.49, -0.46, -0.46
    assert sgd.R[-1, 0] < sgd.R[0, 0] - 0.4
    assert np.all(sgd.R[np.tril_indices(5, -1)] > 0.1)


def test_sgd_run_in_the_alt_text():
    """Alt text: "Each task reaches between about 80 and 97 percent when it is learned ... task 1 ends at
    about 30 percent, and every earlier task ends far below where it started, though above the 10 percent
    chance level"."""
    sgd = run("sgd")
    assert np.all((np.diag(sgd.R) > 0.8) & (np.diag(sgd.R) < 0.98))
    assert np.all(sgd.R[-1, :-1] < np.diag(sgd.R)[:-1] - 0.25) and np.all(sgd.R[-1] > 0.1)
    assert sgd.R[-1, 0] == pytest.approx(0.3, abs=0.06)      # measured: 0.29


@pytest.mark.parametrize("seed", SEEDS)
def test_practice_does_not_protect(seed):
    """Answer: "In three seeds, the learning accuracy grows from 1 to 3 to 10 passes, ten passes forget
    more than one, and task 1 ends below half of its images after one, three or ten passes per task"."""
    runs = [practice(e, seed) for e in (1, 3, 10)]
    assert runs[0].learning_accuracy < runs[1].learning_accuracy < runs[2].learning_accuracy
    assert runs[2].backward_transfer < runs[0].backward_transfer
    assert all(r.R[-1, 0] < 0.5 for r in runs)


@pytest.fixture(scope="module")
def scenarios():
    return compare_scenarios(seeds=SEEDS)


def test_the_scenarios_order_in_every_seed(scenarios):
    """"the network ends with an average accuracy of ... when it is told the task, ... when it must say
    even or odd without being told, and ... when it must name the digit: the order van de Ven et al.
    found for split MNIST, in every seed"; "With one head per task, split digits are barely forgotten";
    "with the shared ten-way head the network forgets everything"; alt text: accuracies "close to 100",
    "around 80", "around 20" percent, "each above its chance level"; backward transfer "close to 0",
    "around minus 20 points", "close to minus 100 points". Issue: task > domain > class (a review run
    gave 98.7, 79.4 and 19.3 %)."""
    acc, bwt = scenarios.average_accuracy, scenarios.backward_transfer
    assert scenarios.scenarios == ("task", "domain", "class")
    assert np.all(acc[0] > acc[1]) and np.all(acc[1] > acc[2])          # in every seed
    assert np.all(acc[0] > 0.95)                                        # 0.99, 0.99, 1.00
    assert np.all((acc[1] > 0.7) & (acc[1] < 0.9))                      # 0.84, 0.82, 0.81
    assert np.all((acc[2] > 0.15) & (acc[2] < 0.25))                    # 0.19, 0.19, 0.20
    assert np.all(acc[:2] > 0.5) and np.all(acc[2] > 0.1)               # above chance
    assert np.all(bwt[0] > -0.02)
    assert np.all((bwt[1] < -0.1) & (bwt[1] > -0.35))                   # -0.19 to -0.23
    assert np.all(bwt[2] < -0.95)


def test_the_scenario_matrices(scenarios):
    """"each task has output units of its own, and ... the hidden layer ... features still tell the task's
    two digits apart"; "the earlier pairs lose part of what they had"; "after learning 2 against 3 it
    classifies ... of the test images of 0 and 1 correctly (seed 0)" (none or nearly none); alt text:
    class-incremental "0 or close to 0 everywhere below" the diagonal, domain-incremental "lower values
    below it", every diagonal "nearly 100"."""
    task_il, domain_il, class_il = (scenarios.results[s][0] for s in ("task", "domain", "class"))
    below = np.tril_indices(5, -1)
    assert np.all(task_il.R[below] > 0.9)
    assert np.all(class_il.R[below] < 0.05) and class_il.R[1, 0] < 0.02
    assert np.all(domain_il.R[-1, :-1] < np.diag(domain_il.R)[:-1])
    for r in (task_il, domain_il, class_il):
        assert np.all(np.diag(r.R) > 0.9)                    # measured: 0.94 to 1.00


# ---------------------------------------------------------------------------
# 2. Synaptic consolidation
# ---------------------------------------------------------------------------

def test_ewc_protects_the_pixels_that_carry_strokes():
    """Alt text and prose: edge and corner pixels are unimportant, central columns important; "pixels
    that are blank in every digit have no influence on the output and get no protection"."""
    importance = ewc(100).input_importance[0].reshape(8, 8)
    blank = PERMUTED.tasks[0].x_train.max(axis=0).reshape(8, 8) == 0
    assert blank.any() and np.all(importance[blank] == 0)
    centre, edges = importance[:, 2:6].mean(), importance[:, [0, 7]].mean()
    assert centre > 10 * edges


@pytest.mark.parametrize("seed", SEEDS)
def test_ewc_forgets_less_and_learns_less_in_every_seed(seed):
    """"In every seed EWC forgets less (the backward transfer rises ...) and learns less (the diagonal
    falls ...)"; in this run "forgetting falls ... but new tasks are learned less well". Issue: the
    backward-transfer gain holds for every seed; the gain in ACC does not (it is only reported)."""
    sgd, e = run("sgd", seed), ewc(100, seed)
    assert e.backward_transfer > sgd.backward_transfer + 0.1          # +30, +25, +27 points
    assert e.learning_accuracy < sgd.learning_accuracy - 0.03         # -14, -18, -10 points


@pytest.mark.parametrize("seed", SEEDS)
def test_si_forgets_less_and_learns_a_little_less(seed):
    """"Like EWC, SI forgets less than plain SGD and learns new tasks a little less well"."""
    sgd, si = run("sgd", seed), run("si", seed, si_c=1.0)
    assert si.backward_transfer > sgd.backward_transfer + 0.1
    assert sgd.learning_accuracy - 0.15 < si.learning_accuracy < sgd.learning_accuracy


def test_the_lambda_sweep_of_this_run():
    """Alt text: "The learning accuracy falls from above 90 percent to about half. The average accuracy
    first rises above plain SGD's, then falls below it at the largest lambda. Backward transfer rises from
    about minus 50 points towards zero, and is closest to zero when almost nothing new is learned"."""
    runs = [ewc(lam) for lam in LAMBDAS]
    learning = np.array([r.learning_accuracy for r in runs])
    acc = np.array([r.average_accuracy for r in runs])
    bwt = np.array([r.backward_transfer for r in runs])
    assert np.all(np.diff(learning) < 0)
    assert learning[0] > 0.9 and learning[-1] == pytest.approx(0.5, abs=0.1)   # measured: 0.54
    assert acc.max() > acc[0] and acc[-1] < acc[0]
    assert bwt[0] == pytest.approx(-0.5, abs=0.08) and int(np.argmax(bwt)) == len(LAMBDAS) - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_stiff_springs_freeze_the_network_in_every_seed(seed):
    """"less learning and less forgetting at λ = 10^6 than with plain SGD, holds in every seed we tried";
    "the fifth task is learned to only ..."; the backward transfer "looks good only because there was
    little to forget"."""
    sgd, frozen = run("sgd", seed), ewc(1_000_000, seed)
    assert frozen.learning_accuracy < sgd.learning_accuracy - 0.3
    assert frozen.backward_transfer > sgd.backward_transfer + 0.3
    assert frozen.R[-1, -1] < 0.3                                    # 0.24, 0.06, 0.08


@pytest.mark.parametrize("seed", SEEDS)
def test_what_is_kept_changes_first(seed):
    """Answer: "What is kept changes first ... in every seed we tried, λ = 10 gains at least twice as much
    in backward transfer as it loses in learning accuracy"."""
    sgd, soft = run("sgd", seed), ewc(10, seed)
    gain = soft.backward_transfer - sgd.backward_transfer
    loss = sgd.learning_accuracy - soft.learning_accuracy
    assert gain > 0.1 and gain > 2 * loss                             # 19, 19, 17 against 3, 5, 2


def test_the_ewc_demo_answer_of_this_run():
    """Answer: "At λ = 100 the diagonal dims too: the fourth and fifth tasks reach ... instead of ...";
    "At λ = 10^6 the first column stays bright ... but the diagonal darkens: tasks 2 to 5 reach only ...
    The network is nearly frozen"."""
    sgd, e, frozen = run("sgd"), ewc(100), ewc(1_000_000)
    assert e.R[3, 3] < sgd.R[3, 3] and e.R[4, 4] < sgd.R[4, 4] - 0.1
    assert frozen.R[-1, 0] > sgd.R[-1, 0] + 0.3
    assert np.all(np.diag(frozen.R)[1:] < np.diag(sgd.R)[1:])
    assert np.mean(np.diag(frozen.R)[1:]) < np.mean(np.diag(sgd.R)[1:]) - 0.3


# ---------------------------------------------------------------------------
# 3. Replay
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_replay_forgets_less_as_the_memory_grows(seed):
    """"Replay trades memory for forgetting, and not for plasticity: the learning accuracy barely moves";
    "Forgetting falls as the memory grows"; answer: "With diminishing returns" (a tenth of the largest
    memory recovers most of what it recovers); "The last task is learned about as well as without
    replay ... in every seed we tried". Issue: replay forgets less than SGD."""
    runs = [replay(size, seed) for size in (0, 100, 1000)]
    bwt = [r.backward_transfer for r in runs]
    assert bwt[0] < bwt[1] < bwt[2]
    assert all(abs(r.learning_accuracy - runs[0].learning_accuracy) < 0.03 for r in runs)
    first = [r.R[-1, 0] for r in runs]
    assert first[1] - first[0] > 0.5 * (first[2] - first[0])
    assert all(abs(r.R[-1, -1] - runs[0].R[-1, -1]) < 0.04 for r in runs[1:])


def test_the_replay_sweep_of_this_run():
    """Alt text: "The learning accuracy stays level, above 90 percent. The average accuracy rises from about
    55 to above 90 percent and backward transfer from about minus 50 points to nearly zero"."""
    runs = [replay(size) for size in BUFFERS]
    assert all(r.learning_accuracy > 0.9 for r in runs)
    assert runs[0].average_accuracy == pytest.approx(0.55, abs=0.05) and runs[-1].average_accuracy > 0.9
    assert np.all(np.diff([r.average_accuracy for r in runs]) > 0)
    assert runs[-1].backward_transfer > -0.03


@pytest.mark.parametrize("seed", SEEDS)
def test_only_replay_helps_in_the_class_incremental_scenario(seed):
    """"EWC and SI do not help at all here: they end where SGD ends (... in every seed we tried within a
    point or two of SGD's average accuracy)"; "with 100 stored images the average accuracy rises"; alt
    text: "All four learn each task to nearly 100 percent", SGD, EWC and SI "a backward transfer of about
    minus 100 points"."""
    sgd = run_class("sgd", seed)
    for method in ("ewc", "si"):
        r = run_class(method, seed)
        assert abs(r.average_accuracy - sgd.average_accuracy) <= 0.02
        assert r.backward_transfer < -0.95
    rep = run_class("replay", seed)
    assert rep.average_accuracy > sgd.average_accuracy + 0.5
    for method in ("sgd", "ewc", "si", "replay"):
        assert run_class(method, seed).learning_accuracy > 0.95


def test_replay_class_incremental_alt_text():
    """Alt text: "replay ends near 90 percent with a backward transfer of about minus 10 points"."""
    r = run_class("replay")
    assert r.average_accuracy == pytest.approx(0.9, abs=0.05)          # measured: 0.90
    assert r.backward_transfer == pytest.approx(-0.1, abs=0.06)        # measured: -0.11


# ---------------------------------------------------------------------------
# 4. Oja's rule and Hebbian orthogonal projection
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_oja_finds_the_top_principal_subspace_of_the_digits(seed):
    """"a handful of Hebbian neurons ... find the subspace that an eigendecomposition of the whole data set
    finds, whatever their random start (from two other starts, every angle stays below 6°)"; seed 0 is
    the chapter's (its cosines and angle are {eval}s); alt text: residual "falling from about 90
    percent at the start to the PCA optimum of about a third within a few epochs and staying there".
    Issue: Oja's rule finds the top principal subspace."""
    digits = np.vstack([PERMUTED.tasks[0].x_train, PERMUTED.tasks[0].x_test])
    centred = digits - digits.mean(axis=0)
    oja = oja_subspace(centred, 8, seed=seed)
    cosines = subspace_alignment(oja.components, pca_subspace(centred, 8))
    assert np.degrees(np.arccos(cosines.min())) < 6                 # 1.9, 1.2 and 4.4 degrees
    singular = np.linalg.svd(centred, compute_uv=False)
    best = 1 - np.sum(singular[:8] ** 2) / np.sum(singular ** 2)
    assert best == pytest.approx(1 / 3, abs=0.03)                  # measured: 0.326
    assert oja.residual_energy[-1] == pytest.approx(best, abs=0.002)
    assert oja.residual_energy[0] == pytest.approx(0.9, abs=0.06)
    assert np.all(oja.residual_energy[5:] < best + 0.02)
    assert oja.orthonormality_error < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_orthogonal_projection_nearly_stops_forgetting(seed):
    """"Forgetting nearly vanishes ... and the average accuracy rises"; "the fifth task can change only the
    output layer, and reaches ... instead of ..."; "At these settings, and in every seed we tried, the
    Hebbian projection forgets least of all and replay keeps the most plasticity among the remedies; the
    two end with average accuracies within a few points of each other ..., well above the springs'";
    answer: "At a similar or higher learning accuracy, it forgets far less (in every seed we tried)" than
    EWC with λ = 100. Issue: the projection method forgets least of all."""
    h, sgd = hlop(20, seed), run("sgd", seed)
    assert h.backward_transfer > -0.05                                  # -0.9, -2.3, -1.2 points
    assert h.average_accuracy > sgd.average_accuracy + 0.2
    assert h.R[-1, -1] < sgd.R[-1, -1] - 0.1
    assert h.subspace_dims.tolist() == [65, 80]
    springs = [ewc(100, seed), run("si", seed, si_c=1.0)]
    rep = replay(100, seed)
    assert h.backward_transfer > max(r.backward_transfer for r in [sgd, *springs, rep]) + 0.05
    assert rep.learning_accuracy > max(r.learning_accuracy for r in [*springs, h])
    assert abs(h.average_accuracy - rep.average_accuracy) < 0.05
    assert min(h.average_accuracy, rep.average_accuracy) > max(r.average_accuracy for r in springs)
    assert h.learning_accuracy > springs[0].learning_accuracy - 0.02
    assert h.backward_transfer > springs[0].backward_transfer + 0.1


def test_projection_accuracy_matrices_alt_text():
    """Alt text: "With the projection the first four tasks stay close to their diagonal values to the end,
    while the last task is learned less well than with SGD"."""
    h = hlop(20)
    assert np.all(h.R[-1, :4] > np.diag(h.R)[:4] - 0.05)


def test_permuted_tasks_overlap_in_input_space():
    """"a 20-dimensional subspace that holds most of the energy of task 1's inputs ... also holds about
    half of the energy of task 2's"."""
    def with_bias(task):
        return np.hstack([task.x_train, np.ones((len(task.x_train), 1))])

    protected = pca_subspace(with_bias(PERMUTED.tasks[0]), 20)
    shares = []
    for t in (0, 1):
        x = with_bias(PERMUTED.tasks[t])
        shares.append(np.sum((x @ protected.T) ** 2) / np.sum(x ** 2))
    assert shares[0] > 0.9                                   # measured: 0.97
    assert shares[1] == pytest.approx(0.5, abs=0.08)         # measured: 0.53


def test_subspace_dimension_trades_forgetting_for_plasticity():
    """Answer: "As k grows, the cells below the diagonal approach the diagonal ... while the diagonal itself
    sinks from the fourth task on: with k = 30 the input layer is full after three tasks, and tasks 4 and
    5 are learned to only ...; In this run the average accuracy peaks in between"."""
    runs = [hlop(k) for k in DIMS]
    bwt = [r.backward_transfer for r in runs]
    assert np.all(np.diff(bwt) > 0)
    full, sgd = runs[-1], runs[0]
    assert full.subspace_dims[0] == 65
    assert full.R[3, 3] < sgd.R[3, 3] - 0.15 and full.R[4, 4] < sgd.R[4, 4] - 0.15
    acc = [r.average_accuracy for r in runs]
    assert 0 < int(np.argmax(acc)) < len(DIMS) - 1


@pytest.mark.parametrize("seed", SEEDS)
def test_projection_in_the_class_incremental_scenario(seed):
    """"the projection keeps the old classes (almost no backward transfer ...), but ... from the fourth task
    on too little room is left to learn the new classes"; "Replay's ... remains out of reach"."""
    h = run_class("hlop", seed, subspace_dim=20)
    assert abs(h.backward_transfer) < 0.03
    assert h.R[3, 3] < 0.8 and h.R[4, 4] < 0.3
    assert h.average_accuracy < run_class("replay", seed).average_accuracy - 0.15


# ---------------------------------------------------------------------------
# 5. The spiking Hebbian neuron
# ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def hebb(seed=0, learning_rate=0.01):
    """The chapter's neuron (the default target, as in the chapter; numpy gives the same spikes)."""
    return hebbian_spiking_pca(20, duration=40 * second, learning_rate=learning_rate, seed=seed)


def _late(result):
    t = np.asarray(result.times / second)
    return result.alignment[t >= 30]


def _first_above(result, level=0.8):
    t = np.asarray(result.times / second)
    above = t[result.alignment > level]
    return above[0] if above.size else np.inf


@pytest.mark.parametrize("seed", SEEDS)
def test_spiking_neuron_learns_the_first_principal_component(seed):
    """"After 40 s ... the weight vector points along the first principal component of the spike counts
    ... and nearly orthogonally to the second; with two other seeds it ends above 0.85 too". Issue: the
    spiking Hebbian building block extracts the principal component."""
    r = hebb(seed)
    assert r.final_alignment > 0.85                                   # 0.91, 0.94, 0.93
    assert r.alignment_second[-1] < 0.15                               # 0.05, 0.06, 0.04


def test_the_spiking_run_in_the_alt_text():
    """Alt text: weights start "between about minus 0.5 and 0.75"; the cosine with PC 1 "rises from near
    zero to above 0.9 within the 40 seconds, while the cosine with the second component stays low"; final
    weights follow "a cosine profile" (PC 1 of the spikes is the designed loading)."""
    r = hebb()
    assert -0.6 < r.weights[0].min() and r.weights[0].max() < 0.8
    assert r.alignment[0] < 0.2 and r.alignment.max() > 0.9
    assert r.alignment_second.max() < 0.35
    assert abs(r.principal_component @ r.inputs.loadings[0]) > 0.95
    assert r.count_eigenvalues[0] > 2.5 * r.count_eigenvalues[1]
    assert float(r.output_rate / Hz) == pytest.approx(30, abs=5)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_learning_rate_trades_speed_for_steadiness(seed):
    """Answer: "In three seeds, the smallest rate ends below 0.8, and the largest gets above 0.8 first but
    averages less over the last 10 s than η = 0.01"; "The middle one" ends best aligned (seed 0)."""
    slow, chapter, fast = hebb(seed, 0.001), hebb(seed), hebb(seed, 0.1)
    assert slow.final_alignment < 0.8                                   # 0.19, 0.44, 0.58
    assert _first_above(fast) < _first_above(chapter)                   # 1 s against 6 to 21 s
    assert _late(fast).mean() < _late(chapter).mean() - 0.1             # 0.64 against 0.94
    if seed == 0:
        assert chapter.final_alignment > max(slow.final_alignment, fast.final_alignment)


# ---------------------------------------------------------------------------
# 6. Richer and lazier learning
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rich_lazy():
    """The chapter's twelve runs: ranks 1, 4, 16 and 64, seeds 0, 1 and 2."""
    return {rank: [rich_lazy_experiment(rank, seed=seed) for seed in SEEDS] for rank in (1, 4, 16, 64)}


def test_low_rank_connectivity_learns_more_richly(rich_lazy):
    """"Starting from rank 1, the recurrent weights move further than from full rank (... on average, and
    in every seed), and the representation is transformed far more (alignment ..., lower at rank 1 in
    every seed)"; alt text: the weight change "is largest at rank 1 and smallest at rank 64", the
    representation alignment "lowest at rank 1 and close to 1 at rank 64". Issue: low rank gives the
    larger weight change."""
    change = {r: np.mean([x.weight_change for x in runs]) for r, runs in rich_lazy.items()}
    alignment = {r: np.mean([x.representation_alignment for x in runs]) for r, runs in rich_lazy.items()}
    for low, full in zip(rich_lazy[1], rich_lazy[64], strict=True):     # paired by seed
        assert low.weight_change > full.weight_change
        assert low.representation_alignment < full.representation_alignment - 0.1
    assert max(change, key=change.get) == 1 and min(change, key=change.get) == 64
    assert min(alignment, key=alignment.get) == 1 and alignment[64] > 0.9


def test_all_ranks_learn_the_task_about_equally_and_no_kernel_stays_put(rich_lazy):
    """"All networks learn the task about equally well"; "No network here is lazy in the strict sense: the
    tangent kernel's alignment lies between ... and ... in every run, far from 1, ... and it varies too much
    from seed to seed to show the trend"; alt text: "scattered between about 0.3 and 0.7 at every rank,
    with no clear trend". Issue: the kernel alignment is 0.34-0.54 at every rank."""
    accuracy = [np.mean([x.accuracy for x in runs]) for runs in rich_lazy.values()]
    assert min(accuracy) > 0.8 and np.ptp(accuracy) < 0.05
    kernel = np.array([[x.kernel_alignment for x in runs] for runs in rich_lazy.values()])
    assert kernel.min() > 0.3 and kernel.max() < 0.7
    spread = kernel.max(axis=1) - kernel.min(axis=1)
    assert np.ptp(kernel.mean(axis=1)) < spread.max()


def test_learning_adds_directions_to_a_rank_one_start(rich_lazy):
    """Answer: "From rank 1 the trained matrix has a second singular value ... where the start had 0 (in
    every seed the second exceeds 0.3)"; "From full rank the spectrum barely moves: the change is small
    against the start's own singular values"; "the change itself is concentrated in a few directions"
    (seed 0)."""
    for low in rich_lazy[1]:
        assert low.singular_values[1] < 1e-6 and low.final_singular_values[1] > 0.3
    low, full = rich_lazy[1][0], rich_lazy[64][0]
    assert full.change_singular_values[0] < 0.5 * full.singular_values[0]
    for r in (low, full):
        assert np.sum(r.change_singular_values[:3] ** 2) / r.weight_change ** 2 > 0.75


def test_rank_one_recurrent_input_is_one_vector():
    """"With rank-1 connectivity W_0 = σ u vᵀ the recurrent input to every unit is a multiple of one
    vector u" (and every rank has the same total strength, entries of standard deviation 1.25/√64)."""
    low, full = rich_lazy_experiment(1, steps=1, seed=0), rich_lazy_experiment(64, steps=1, seed=0)
    assert np.sum(low.singular_values > 1e-6) == 1
    assert low.initial_norm == pytest.approx(full.initial_norm)
    assert low.initial_norm == pytest.approx(1.25 * np.sqrt(64), rel=0.05)
