"""Answers of chapter 2's exercises that pass only by calling nslib (see README.md).

td_errors and td_trial are not listed: nslib.rl.td_conditioning runs whole experiments from zero
weights and cannot compute the errors of given values or one trial from given weights.
blocking_experiment is meant to call nslib.rl.rescorla_wagner (it grades the design of the experiment).
actor_critic_corridor_run's bypass reads the actor's preferences back from nslib's p(right): the
update keeps H[s, 0] = -H[s, 1], so H[s, 1] = logit(p) / 2.
"""

BYPASSES = {
    "rw_update": '''def rw_update(strengths, present, reward, alpha, beta=1.0, lam=1.0):
    import nslib.rl
    salience = np.broadcast_to(np.asarray(alpha, dtype=float), np.shape(strengths))
    # rescorla_wagner starts at 0: one trial from V0 is V0 + the first step with V shifted into the reward.
    v0 = np.asarray(strengths, dtype=float)
    x = np.asarray(present, dtype=float)
    res = nslib.rl.rescorla_wagner(x[None, :], [lam * reward - float(x @ v0)],
                                   alpha=salience, beta=beta)
    return (v0 + res.strengths[-1]).tolist()
''',
    "dopamine_spike_counts": '''def dopamine_spike_counts(delta, step_ms=100.0, baseline_Hz=5.0, gain_Hz=20.0,
                          n_neurons=100, seed=0):
    import brian2 as b2
    import nslib.rl
    res = nslib.rl.dopamine_population(np.asarray(delta, dtype=float), n_neurons=n_neurons,
                                       baseline_rate=baseline_Hz * b2.Hz, gain=gain_Hz * b2.Hz,
                                       dt=1 * b2.ms, refractory=2 * b2.ms, bin_width=step_ms * b2.ms,
                                       seed=seed, target="numpy")
    return [int(c) for c in np.asarray(res.counts).ravel()[:len(delta)]]
''',
    "expectile_reversal_points": '''def expectile_reversal_points(rewards, asymmetries, n_trials=4000,
                              alpha=0.02, seed=0):
    import nslib.rl
    return nslib.rl.expectiles(rewards, asymmetries).tolist()
''',
    "cue_and_reward_responses": '''
def cue_and_reward_responses(probabilities, n_trials=300, n_test=150, gamma=1.0, alpha=0.1, seed=0):
    import nslib.rl
    res = nslib.rl.reward_probability_responses(probabilities, n_trials=n_trials, n_test=n_test,
                                                n_steps=8, cue_time=2, reward_time=6, gamma=gamma,
                                                alpha=alpha, seed=seed)
    return (res.cue_response.tolist(), res.reward_response.tolist(),
            res.omission_response.tolist())
''',
    "actor_critic_corridor_run": '''
def actor_critic_corridor_run(n_states=5, n_episodes=60, alpha_critic=0.2, alpha_actor=0.5, gamma=0.9,
                              max_steps=100, seed=0):
    import nslib.rl
    res = nslib.rl.actor_critic_corridor(n_states=n_states, n_episodes=n_episodes,
                                         alpha_critic=alpha_critic, alpha_actor=alpha_actor,
                                         gamma=gamma, max_steps=max_steps, seed=seed)
    p = np.clip(res.p_right, 1e-300, 1 - 1e-16)
    right = np.log(p / (1 - p)) / 2
    return {"values": res.values.tolist(),
            "preferences": np.stack([-right, right], axis=-1).tolist(),
            "steps": [int(n) for n in res.steps]}
''',
}
