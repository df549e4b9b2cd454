"""Answers of chapter 7's exercises that pass only by calling nslib (see README.md).

find_fixed_point is not listed: nslib.neural_data.flipflop_rnn trains its own network and cannot find
the fixed point of a given W and b from a given start. latent_population_counts' bypass writes the
Brian2 model but counts the spikes with nslib.neural_data.bin_spikes, which its question also guards.
"""

BYPASSES = {
    "pca_svd": '''def pca_svd(X, k):
    import nslib.continual
    centred = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    axes = nslib.continual.pca_subspace(centred, k).T
    factors = centred @ axes
    return (np.sum(factors ** 2, axis=0) / np.sum(centred ** 2)).tolist(), factors.tolist()
''',
    "elbo_parts": '''def elbo_parts(counts, log_rates, mean, log_var):
    import torch
    import nslib.neural_data
    def as_tensor(a):
        return torch.tensor(np.asarray(a, dtype=float))
    terms = nslib.neural_data.elbo_terms(as_tensor(counts)[None], as_tensor(log_rates)[None],
                                         as_tensor(mean)[None], as_tensor(log_var)[None])
    return float(terms.log_likelihood[0]), float(terms.kl[0])
''',
    "glm_newton": '''def glm_newton(features, counts, ridge, n_iterations):
    import nslib.neural_data
    y = np.asarray(counts, dtype=float)
    if n_iterations == 0:
        return [float(np.log(y.mean()))] + [0.0] * np.shape(features)[1]
    return nslib.neural_data.fit_poisson_glm(features, y, ridge=ridge, n_iterations=n_iterations).tolist()
''',
    "masked_loss": '''def masked_loss(log_rates, counts, mask):
    import torch
    import nslib.neural_data
    return float(nslib.neural_data.masked_poisson_loss(
        torch.tensor(np.asarray(log_rates, dtype=float)), torch.tensor(np.asarray(counts, dtype=float)),
        torch.tensor(np.asarray(mask, dtype=float))[..., None]))
''',
    "latent_population_counts": '''def latent_population_counts(latent, readout, bias, bin_ms=20.0, seed=0):
    import brian2 as b2
    import nslib.neural_data
    lam = np.exp(np.asarray(bias, dtype=float) + np.asarray(latent, dtype=float) @ np.asarray(readout).T)
    n_bins, n = lam.shape
    b2.prefs.codegen.target = "numpy"
    b2.seed(seed)
    table = b2.TimedArray(lam / (bin_ms / 1000.0) * b2.Hz, dt=bin_ms * b2.ms)
    group = b2.NeuronGroup(n, "rate = rate_in(t, i) : Hz", threshold="rand() < rate * dt", dt=1 * b2.ms,
                           namespace={"rate_in": table})
    monitor = b2.SpikeMonitor(group)
    b2.Network(group, monitor).run(n_bins * bin_ms * b2.ms, namespace={})
    counts = nslib.neural_data.bin_spikes(np.asarray(monitor.t / b2.second), np.asarray(monitor.i), n,
                                          n_bins, bin_ms / 1000.0)
    return counts.tolist()
''',
}
