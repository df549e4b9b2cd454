"""Chapter 6 answers that call nslib instead of doing the skill (issue 19)."""

BYPASSES = {
    # Rao-Ballard inference: the library's settling loop (private, but importable) does the whole question.
    "rb_error_units": '''
def rb_error_units(inputs, u, uh, n_steps, eta=0.1, sparsity=0.5, level2_sparsity=0.05, td_variance=2.0,
                   input_variance=1.0):
    from nslib.predictive.rao_ballard import _infer

    r, _, r_td, _ = _infer(np.asarray(inputs, dtype=float), np.asarray(u, dtype=float),
                           np.asarray(uh, dtype=float), sparsity=sparsity, level2_sparsity=level2_sparsity,
                           td_variance=td_variance, input_variance=input_variance, n_steps=n_steps, eta=eta,
                           feedback=True)
    return r - r_td
''',
    # Q3: the review's bypass, category_spearman through nslib.rsa.compare_rdms and category_rdm.
    "category_spearman": '''
def category_spearman(rdm, labels):
    from nslib.rsa import category_rdm, compare_rdms

    return float(compare_rdms(np.asarray(rdm, dtype=float), category_rdm(labels)))
''',
    "rdm": '''
def zscore_rdm(patterns):
    from nslib.rsa import rdm

    p_arr = np.asarray(patterns, dtype=float)
    spread = p_arr.std(axis=0)
    z_arr = np.where(spread > 0, (p_arr - p_arr.mean(axis=0)) / np.where(spread > 0, spread, 1.0), 0.0)
    return rdm(z_arr, metric="euclidean").tolist()
''',
    "linear_cka": '''
def linear_cka(X, Y):
    from nslib.rsa import linear_cka as library_cka

    if np.shape(X)[0] != np.shape(Y)[0]:
        raise ValueError("Y must have one row per stimulus of X")
    return float(library_cka(X, Y))
''',
    "hgf_step": '''
def hgf_step(mu1, sigma1, mu2, sigma2, u, input_precision=1.0, kappa=1.0, omega=-4.0, theta=0.05):
    from nslib.predictive import hgf_update

    b = hgf_update(mu1, sigma1, mu2, sigma2, u, input_precision=input_precision, kappa=kappa, omega=omega,
                   theta=theta)
    return b.mu1, b.sigma1, b.mu2, b.sigma2, b.learning_rate
''',
}
