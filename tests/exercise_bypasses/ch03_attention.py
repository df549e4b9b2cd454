"""Answers to ch03_attention that call nslib instead of doing the skill (see README.md)."""

BYPASSES = {
    # Q1: the review's bypass -- delete the masked keys and call nslib's softmax attention.
    "masked_attention": '''
def masked_attention(q, k, v, key_mask, temperature=1.0):
    """Softmax attention in which keys with key_mask False get zero weight; returns (output, weights)."""
    from nslib.attention import softmax_attention
    keep = np.asarray(key_mask, dtype=bool)
    if not keep.any():
        raise ValueError("key_mask must leave at least one key unmasked")
    res = softmax_attention(np.asarray(q, float), np.asarray(k, float)[keep], np.asarray(v, float)[keep],
                            temperature=temperature)
    weights = np.zeros((np.shape(q)[0], keep.size))
    weights[:, keep] = res.weights
    return res.output, weights
''',
    # Q2: the review's bypass -- nslib.rl.rescorla_wagner plus one vstack for the initial row.
    "rescorla_wagner": '''
def rescorla_wagner(cs_trials, us_trials, alpha, beta=0.5):
    """Associative strengths (n_trials + 1, n_cs) under the Rescorla-Wagner rule with saliences alpha."""
    import nslib.rl
    x = np.asarray(cs_trials, dtype=float)
    res = nslib.rl.rescorla_wagner(x, np.asarray(us_trials, dtype=float),
                                   alpha=np.asarray(alpha, dtype=float), beta=beta)
    return np.vstack([np.zeros((1, x.shape[1])), res.strengths])
''',
    # Q3b: the memory written and read with nslib's Hebbian memory (keys drawn Gaussian, as asked).
    "gaussian_key_error": '''
def gaussian_key_error(n_pairs, d_k, n_trials=200, seed=0):
    """Simulated mean of ||M k_i - v_i||^2 over stored pairs and trials (a float)."""
    from nslib.attention import hebbian_memory, retrieve
    gen = np.random.default_rng(seed)
    errors = []
    for _ in range(n_trials):
        keys = gen.normal(0.0, 1.0 / np.sqrt(d_k), size=(n_pairs, d_k))
        values = gen.normal(size=(n_pairs, d_k))
        values /= np.linalg.norm(values, axis=1, keepdims=True)
        recalled = retrieve(hebbian_memory(keys, values), keys)
        errors.append(np.mean(np.sum((recalled - values) ** 2, axis=1)))
    return float(np.mean(errors))
''',
    # Q4: nslib's whole spiking memory, fed the given patterns by swapping its schedule for make_schedule's.
    "pair_and_cue": '''
def pair_and_cue(cs_patterns, us_patterns, seed=0):
    """Pair the CS and US patterns in a spiking network, cue each CS, return weights, counts and recall."""
    import nslib.attention
    library = nslib.attention.spiking_memory
    n_pairs = len(cs_patterns)
    original = library.pairing_schedule
    library.pairing_schedule = lambda *args, **kwargs: make_schedule(cs_patterns, us_patterns)
    try:
        res = nslib.attention.spiking_associative_memory(n_pairs, n_neurons=N_NEURONS, max_pairs=n_pairs,
                                                         max_cues=n_pairs, seed=seed, target="numpy")
    finally:
        library.pairing_schedule = original
    return {"weights": res.weights, "recall_counts": res.recall_counts,
            "recall_correlation": float(res.mean_correlation)}
''',
    # Q5: the normalization model of attention read off nslib's population model.
    "attention_normalization": '''
def attention_normalization(contrast, stimulus_size, attention_width, attention_gain=2.0, sigma=0.1,
                            exponent=2.0, rf_width=1.0, pool_width=4.0):
    """The normalization model of attention over POSITIONS (a dict of four arrays)."""
    from nslib.attention import attention_gain_model
    # nslib takes gratings up to 40 deg wide: as good as a full field for the neurons near x = 0.
    res = attention_gain_model(stimulus_size=min(stimulus_size, 40.0), attention_width=attention_width,
                               attention_gain=attention_gain, tuning_contrast=contrast, rf_width=rf_width,
                               suppression_width=pool_width, sigma=sigma, exponent=exponent)
    preferred = int(np.argmin(np.abs(res.orientations)))
    field = 1.0 + (attention_gain - 1.0) * np.exp(-0.5 * (POSITIONS / attention_width) ** 2)

    def on_grid(image):
        return np.interp(POSITIONS, res.positions, image[:, preferred], left=0.0, right=0.0)
    return {"drive": on_grid(res.stimulus_drive), "attention": field,
            "suppression": on_grid(res.suppressive_drive), "response": on_grid(res.response)}
''',
}
