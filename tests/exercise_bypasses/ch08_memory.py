"""Answers of chapter 8's exercises that pass only by calling nslib (see README.md).

dyna_planning and train_new_item are not listed: no public function of nslib.memory replays a given
model with given random numbers (dyna_q_episode and dyna_maze run whole episodes from the maze's start,
and are guarded anyway), and cls_new_item trains the semantic network, not a given linear network
(guarded anyway).
place_cell_spike_counts drives nslib's compiled place-cell network with the question's own drive table
(PlaceCellPopulation's network accepts any table of its shape).
"""

BYPASSES = {
    "sr_td_step": '''def sr_td_step(M, s, s_next, gamma, alpha, terminal=False):
    import nslib.memory
    return nslib.memory.sr_td_update(M, s, s_next, gamma=gamma, alpha=alpha, terminal=terminal).tolist()
''',
    "field_shifts": '''def field_shifts(M):
    import nslib.memory
    centres = nslib.memory.field_centres_of_mass(M)
    return (centres - np.arange(len(centres))).tolist()
''',
    "stay_table": '''def stay_table(choices1, rewards, common):
    import nslib.memory
    return nslib.memory.stay_probabilities(choices1, rewards, common).tolist()
''',
    "place_cell_spike_counts": '''def place_cell_spike_counts(positions_m, centres_m, position_dt_ms=10.0,
                            peak_mV=14.0, width_m=0.1, sigma_mV=2.0, seed=0):
    import brian2 as b2
    import nslib.memory
    path = np.asarray(positions_m, dtype=float)
    centres = np.asarray(centres_m, dtype=float)
    pop = nslib.memory.PlaceCellPopulation(n_cells=len(centres), n_samples=len(path),
                                           track_length=max(2.0, float(path.max()) + 0.1) * b2.metre,
                                           position_dt=position_dt_ms * b2.ms, target="numpy")
    table = nslib.memory.place_field_drive(path, centres, peak_mV, width_m)
    _, cells = pop.network.run({"drive": table * b2.mV}, seed=seed)
    return [int(n) for n in np.bincount(cells, minlength=len(centres))]
''',
}
