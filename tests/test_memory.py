"""nslib.memory and nslib.plots.memory: place cells, the SR, the two-step task, Dyna, CLS."""

from __future__ import annotations

import numpy as np
import pytest
from brian2 import Hz, metre, mV
from figure_checks import assert_labelled_figure
from helpers import assert_generator_seed_reproducible, raises_param

from nslib import memory
from nslib.plots import memory as plots

# ---------------------------------------------------------------------------
# The successor representation
# ---------------------------------------------------------------------------


def test_sr_td_update_by_hand():
    m = np.zeros((3, 3))
    m[1] = [0.0, 1.0, 0.5]
    got = memory.sr_td_update(m, 0, 1, gamma=0.5, alpha=0.5)
    # M[0] += 0.5 (e_0 + 0.5 M[1] - M[0]) = 0.5 [1, 0.5, 0.25]
    np.testing.assert_allclose(got[0], [0.5, 0.25, 0.125])
    np.testing.assert_array_equal(got[1:], m[1:])
    assert m[0].sum() == 0                                       # not modified in place
    terminal = memory.sr_td_update(m, 0, 1, gamma=0.5, alpha=1.0, terminal=True)
    np.testing.assert_allclose(terminal[0], [1.0, 0.5, 0.0])     # M[s'] replaced by e_{s'}


def test_centres_of_mass():
    m = np.array([[2.0, 0.0, 1.0], [2.0, 1.0, 1.0], [0.0, 0.0, 2.0]])
    np.testing.assert_allclose(memory.field_centres_of_mass(m), [0.5, 1.0, 1.25])


def test_learned_sr_approaches_the_exact_one_and_skews_backward():
    res = memory.successor_representation(n_states=10, n_laps=400, alpha=0.05, seed=1)
    # The exact SR of the lap policy, written out here: reflecting left wall, absorbing goal.
    t = np.zeros((10, 10))
    for s in range(9):
        t[s, s + 1] += 0.7
        t[s, max(s - 1, 0)] += 0.3
    exact = np.linalg.inv(np.eye(10) - 0.95 * t)
    np.testing.assert_allclose(res.M_true, exact)
    assert np.abs(res.M - exact).max() < 0.35 * exact.max()
    assert res.com_shift < -1.0
    assert res.laps_steps.min() >= 9
    shifts = memory.field_centres_of_mass(res.M) - np.arange(10)
    assert res.com_shift == pytest.approx(shifts[res.field_states].mean())


def test_sr_seed_and_generator():
    assert_generator_seed_reproducible(lambda g: memory.successor_representation(n_laps=5, seed=g).M)
    zero = memory.successor_representation(n_laps=0)
    assert zero.M.sum() == 0 and zero.com_shift == 0.0


def test_sr_lap_draws_do_not_depend_on_earlier_laps():
    # With p_forward = 1 every lap takes n_states - 1 steps, whatever the draws.
    res = memory.successor_representation(n_states=6, p_forward=1.0, n_laps=3)
    assert res.laps_steps.tolist() == [5, 5, 5]


@pytest.mark.parametrize("kwargs, name", [
    ({"n_states": 3}, "n_states"), ({"p_forward": 0.5}, "p_forward"), ({"p_forward": 1.1}, "p_forward"),
    ({"n_laps": -1}, "n_laps"), ({"gamma": 1.0}, "gamma"), ({"alpha": 0.0}, "alpha"),
    ({"max_steps": 0}, "max_steps"), ({"seed": -1}, "seed"),
])
def test_sr_validates(kwargs, name):
    with raises_param(name):
        memory.successor_representation(**kwargs)


def test_sr_update_validates():
    with raises_param("M"):
        memory.sr_td_update(np.zeros((2, 3)), 0, 1, gamma=0.5, alpha=0.5)
    with raises_param("s_next"):
        memory.sr_td_update(np.zeros((2, 2)), 0, 2, gamma=0.5, alpha=0.5)
    with raises_param("gamma"):
        memory.sr_td_update(np.zeros((2, 2)), 0, 1, gamma=1.0, alpha=0.5)


def test_sr_eigenvectors_are_orthonormal_cosines():
    eig = memory.sr_eigenvectors(8, 6, gamma=0.9, n_vectors=5)
    flat = eig.modes.reshape(5, -1)
    np.testing.assert_allclose(flat @ flat.T, np.eye(5), atol=1e-9)
    assert np.all(np.diff(eig.eigenvalues) <= 1e-9)
    assert eig.eigenvalues[0] == pytest.approx(1 / (1 - 0.9))          # the constant vector
    # The second is the slowest cosine along the longer side (8 wide).
    x = np.cos(np.pi * (np.arange(8) + 0.5) / 8)
    along_x = np.tile(x, (6, 1)) / np.linalg.norm(np.tile(x, (6, 1)))
    assert abs(np.sum(eig.modes[1] * along_x)) > 0.999
    with raises_param("width"):
        memory.sr_eigenvectors(1, 5)
    with raises_param("width * height"):
        memory.sr_eigenvectors(60, 60)
    with raises_param("n_vectors"):
        memory.sr_eigenvectors(3, 3, n_vectors=10)


# ---------------------------------------------------------------------------
# The two-step task
# ---------------------------------------------------------------------------


def test_stay_probabilities_by_hand():
    choices = [0, 0, 1, 1, 1, 0]
    rewards = [1, 0, 1, 1, 0, 0]
    common = [True, False, True, False, True, True]
    # trial 0 (R, common) -> stay; 1 (U, rare) -> switch; 2 (R, common) -> stay;
    # 3 (R, rare) -> stay; 4 (U, common) -> switch.
    stay = memory.stay_probabilities(choices, rewards, common)
    np.testing.assert_allclose(stay, [[1.0, 1.0], [0.0, 0.0]])
    with raises_param("choices1"):
        memory.stay_probabilities([0], [1], [True])
    with raises_param("rewards"):
        memory.stay_probabilities([0, 1], [1, 2], [True, True])
    with raises_param("rewards"):
        memory.stay_probabilities([0, 1], [1], [True, True])


def test_two_step_session_is_consistent():
    res = memory.two_step_task("hybrid", n_trials=300, w=0.3, seed=2)
    assert res.w == 0.3 and res.choices1.shape == (300,)
    # The state reached follows from the choice and the transition type.
    np.testing.assert_array_equal(res.states, np.where(res.common, res.choices1, 1 - res.choices1))
    np.testing.assert_array_equal(res.stay, memory.stay_probabilities(res.choices1, res.rewards, res.common))
    assert res.stay_counts.sum() == 299
    probs = res.reward_probabilities
    assert probs.min() >= 0.25 and probs.max() <= 0.75
    assert res.common.mean() == pytest.approx(0.7, abs=0.1)


def test_two_step_agents_and_seed():
    assert_generator_seed_reproducible(lambda g: memory.two_step_task("model_free", 100, seed=g).choices1)
    assert memory.two_step_task("model_free", 50).w == 0.0
    assert memory.two_step_task("model_based", 50).w == 1.0
    # The hybrid with w = 0 and w = 1 is the model-free and the model-based agent.
    for agent, w in (("model_free", 0.0), ("model_based", 1.0)):
        pure = memory.two_step_task(agent, 200, seed=5)
        mixed = memory.two_step_task("hybrid", 200, w=w, seed=5)
        np.testing.assert_array_equal(pure.choices1, mixed.choices1)


@pytest.mark.parametrize("kwargs, name", [
    ({"agent": "random"}, "agent"), ({"agent": "model_free", "w": 0.5}, "w"),
    ({"agent": "hybrid", "w": 1.5}, "w"), ({"agent": "hybrid", "n_trials": 1}, "n_trials"),
    ({"agent": "hybrid", "alpha": 0.0}, "alpha"), ({"agent": "hybrid", "beta": -1.0}, "beta"),
    ({"agent": "hybrid", "lam": 2.0}, "lam"), ({"agent": "hybrid", "p_common": 0.5}, "p_common"),
    ({"agent": "hybrid", "drift": -0.1}, "drift"),
])
def test_two_step_validates(kwargs, name):
    with raises_param(name):
        memory.two_step_task(**kwargs)


# ---------------------------------------------------------------------------
# Dyna
# ---------------------------------------------------------------------------


def test_maze_steps():
    assert memory.maze_step(18, 3) == memory.MazeStep(18, 0.0)     # left from the start: the border
    assert memory.maze_step(19, 2) == memory.MazeStep(19, 0.0)     # right from (2, 1): a wall at (2, 2)
    assert memory.maze_step(17, 0) == memory.MazeStep(8, 1.0)      # up into the goal
    with raises_param("action"):
        memory.maze_step(0, 4)


def test_dyna_q_episode_does_not_change_its_inputs_and_learns():
    q = np.zeros((54, 4))
    model = -np.ones((54, 4), dtype=int)
    ep = memory.dyna_q_episode(q, model, 10, seed=3)
    steps, q_new, model_new = ep.steps, ep.q_values, ep.model
    assert q.sum() == 0 and model.min() == -1
    assert steps >= 14 and q_new.max() > 0
    tried = model_new >= 0
    assert tried.sum() >= 1
    # Every state the model records is where that action really leads.
    for s, a in zip(*np.nonzero(tried), strict=True):
        assert model_new[s, a] == memory.maze_step(int(s), int(a)).next_state
    # Ten more episodes from the learned values and model find a path near the shortest.
    for episode in range(10):
        ep = memory.dyna_q_episode(ep.q_values, ep.model, 10, seed=4 + episode)
    assert ep.steps < 30
    with raises_param("q"):
        memory.dyna_q_episode(np.zeros((5, 4)), model, 1)
    with raises_param("model"):
        memory.dyna_q_episode(q, np.full((54, 4), 99), 1)


def test_dyna_maze_runs_are_independent_and_seeded():
    res = memory.dyna_maze(5, n_episodes=6, n_runs=3, seed=7)
    np.testing.assert_allclose(res.steps_per_episode, res.steps.mean(axis=0))
    # Run k does not depend on how many runs there are.
    two = memory.dyna_maze(5, n_episodes=6, n_runs=2, seed=7)
    np.testing.assert_array_equal(two.steps, res.steps[:2])
    other = memory.dyna_maze(5, n_episodes=6, n_runs=2, seed=8)
    assert not np.array_equal(other.steps, two.steps)
    assert res.steps.min() >= 14
    for kwargs, name in [({"planning_steps": -1}, "planning_steps"), ({"n_episodes": 0}, "n_episodes"),
                         ({"epsilon": 1.5}, "epsilon"), ({"seed": -2}, "seed")]:
        with raises_param(name):
            memory.dyna_maze(**{"planning_steps": 1, **kwargs})


# ---------------------------------------------------------------------------
# CLS
# ---------------------------------------------------------------------------


def test_semantic_patterns():
    pats = memory.semantic_patterns()
    xi, xr, t = pats.item_inputs, pats.relation_inputs, pats.targets
    assert xi.shape == (32, 9) and xr.shape == (32, 4) and t.shape == (32, len(memory.ATTRIBUTES))
    assert np.all(xi.sum(1) == 1) and np.all(xr.sum(1) == 1) and xi[:, 8].sum() == 0
    fly = memory.ATTRIBUTES.index(("can", "fly"))
    flyers = [memory.ITEMS[int(np.argmax(xi[r]))] for r in np.flatnonzero(t[:, fly])]
    assert flyers == ["robin", "canary"]
    penguin = memory.semantic_patterns(["penguin"]).targets
    assert penguin[2, fly] == 0 and penguin[2, memory.ATTRIBUTES.index(("can", "swim"))] == 1
    with raises_param("items"):
        memory.semantic_patterns(["dragon"])


def test_cls_curves_and_validation():
    res = memory.cls_new_item("interleaved", replay=0.5, pretrain_epochs=30, new_epochs=25, record_every=10,
                              seed=1)
    assert res.epochs.tolist() == [0, 10, 20, 25]
    assert res.old_curve[0] == res.old_error_before and res.old_curve[-1] == res.old_error
    assert res.new_error == res.new_curve[-1] and res.replay == 0.5
    np.testing.assert_allclose(np.mean((res.old_outputs_after - memory.semantic_patterns().targets) ** 2),
                               res.old_error)
    assert_generator_seed_reproducible(
        lambda g: memory.cls_new_item("focused", pretrain_epochs=5, new_epochs=5, seed=g).new_outputs)
    for kwargs, name in [({"schedule": "massed"}, "schedule"),
                         ({"schedule": "focused", "replay": 0.5}, "replay"), ({"replay": 1.5}, "replay"),
                         ({"new_epochs": 0}, "new_epochs"),
                         ({"learning_rate": 0.0}, "learning_rate")]:
        with raises_param(name):
            memory.cls_new_item(**kwargs)


# ---------------------------------------------------------------------------
# Place cells (Brian2)
# ---------------------------------------------------------------------------


def test_track_path_and_drive():
    path = memory.track_path(2.0, 0.5, 2, dt_ms=100.0)
    assert path.size == 160 and path.max() == pytest.approx(2.0) and path.min() == 0.0
    drive = memory.place_field_drive(path, [0.5, 1.5], peak_drive=10.0, field_width=0.2)
    assert drive.shape == (160, 2)
    np.testing.assert_allclose(drive[10, 0], 10.0)                        # at 0.5 m, the centre
    np.testing.assert_allclose(drive[10, 1], 10.0 * np.exp(-1 / (2 * 0.04)))
    with raises_param("speed"):
        memory.track_path(speed=0.0)
    with raises_param("field_width"):
        memory.place_field_drive(path, [0.5], field_width=0.0)


def test_place_cells_fire_in_their_fields_numpy():
    path = memory.track_path(1.0, 2.0, 1, dt_ms=10.0) * metre                      # 1 s
    res = memory.place_cells(path, n_cells=4, track_length=1 * metre, peak_drive=18 * mV, seed=1,
                             target="numpy")
    rates = np.asarray(res.rate_maps / Hz)
    centres = np.asarray(res.centres / metre)
    np.testing.assert_allclose(centres, [0.125, 0.375, 0.625, 0.875])
    edges = np.asarray(res.bin_edges / metre)
    peaks = (edges[:-1] + edges[1:])[np.nanargmax(rates, axis=1)] / 2
    np.testing.assert_allclose(peaks, centres, atol=0.1)
    assert float(np.sum(res.occupancy) / res.position_dt) == pytest.approx(path.size)
    # Far from its field (more than 4 widths) a cell is silent.
    far = np.abs((edges[:-1] + edges[1:])[None, :] / 2 - centres[:, None]) > 0.4
    assert np.nansum(rates[far]) == 0


def test_place_cells_validate():
    path = memory.track_path(1.0, 5.0, 1) * metre
    with raises_param("positions"):
        memory.place_cells(np.asarray(path), n_cells=2, track_length=1 * metre, target="numpy")
    with raises_param("positions"):
        memory.place_cells(path * 3, n_cells=2, track_length=1 * metre, target="numpy")
    with raises_param("field_width"):
        memory.place_cells(path, n_cells=2, track_length=1 * metre, field_width=0 * metre, target="numpy")
    with raises_param("target"):
        memory.place_cells(path, target="gpu")


def test_compiled_place_cells_rerun_without_compiling():
    # The chapter's shape (40 cells, 1000 samples, 2 m), so the book build and the tests share a cache.
    pop = memory.PlaceCellPopulation(n_cells=40, n_samples=1000)
    if pop.target != "cpp_standalone":
        pytest.skip("no C++ compiler: the compiled program is not built")
    builds = pop.n_builds
    path = memory.track_path(2.0, 0.4, 1) * metre
    narrow = pop.run(path, field_width=0.05 * metre, seed=0)
    wide = pop.run(path, field_width=0.2 * metre, seed=0)
    assert pop.n_builds == builds
    assert wide.spike_cells.size > narrow.spike_cells.size > 0
    again = pop.run(path, field_width=0.05 * metre, seed=0)
    np.testing.assert_array_equal(again.spike_cells, narrow.spike_cells)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures():
    path = memory.track_path(1.0, 4.0, 1) * metre
    cells = memory.place_cells(path, n_cells=4, track_length=1 * metre, target="numpy")
    sr = memory.successor_representation(n_states=10, n_laps=20)
    return {
        "place": plots.plot_place_cells(cells),
        "sr": plots.plot_sr_fields(sr),
        "eig": plots.plot_sr_eigenvectors(memory.sr_eigenvectors(5, 5, n_vectors=7)),
        "two_step": plots.plot_two_step([memory.two_step_task("model_free", 100),
                                         memory.two_step_task("hybrid", 100, w=0.2)]),
        "dyna": plots.plot_dyna([memory.dyna_maze(0, 3, 1), memory.dyna_maze(5, 3, 1)]),
        "cls": plots.plot_cls(memory.cls_new_item("focused", pretrain_epochs=5, new_epochs=5),
                              memory.cls_new_item("interleaved", pretrain_epochs=5, new_epochs=5)),
    }


@pytest.mark.parametrize("name", ["place", "sr", "eig", "two_step", "dyna", "cls"])
def test_figures_are_labelled(figures, name):
    assert_labelled_figure(figures[name])


def test_plot_arguments_are_validated():
    sr = memory.successor_representation(n_states=8, n_laps=2)
    with raises_param("fields"):
        plots.plot_sr_fields(sr, fields=[8])
    with raises_param("labels"):
        plots.plot_two_step([memory.two_step_task("model_free", 20)], labels=["a", "b"])
    with raises_param("results"):
        plots.plot_dyna([])
