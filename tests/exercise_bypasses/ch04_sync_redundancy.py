"""Answers to chapter 4's questions that only call nslib (each must score 0 on its own question)."""

BYPASSES = {
    # Q4, part 2 (the review's bypass): mu_2 from nslib's spectrum.
    "connectivity": '''def algebraic_connectivity(L):
    from nslib.sync import laplacian_spectrum
    return float(laplacian_spectrum(L).eigenvalues[1])
''',
    # Q7: the chapter's theory function.
    "predicted_errors": '''def predicted_errors(L, coupling, noise, curvature):
    from nslib.sync import redundant_learners_theory
    L = np.asarray(L, dtype=float)
    theory = redundant_learners_theory(len(L), coupling, noise, laplacian=L, curvature=curvature)
    return np.asarray(theory.mse_per_unit), float(theory.mse_centre)
''',
}
