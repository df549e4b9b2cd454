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
}
