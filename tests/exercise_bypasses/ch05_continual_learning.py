"""Answers to ch05 that call nslib.continual instead of doing the skill (see README.md)."""

BYPASSES = {
    "forgetting_report": '''
def forgetting_report(R):
    import numpy as np
    from nslib.continual import average_accuracy, backward_transfer
    acc_matrix = np.asarray(R, dtype=float)
    if acc_matrix.ndim != 2 or acc_matrix.shape[0] != acc_matrix.shape[1] or acc_matrix.shape[0] < 2:
        raise ValueError("R must be square with at least 2 rows")
    n = acc_matrix.shape[0]
    return {"acc": float(average_accuracy(acc_matrix)), "bwt": float(backward_transfer(acc_matrix)),
            "forgetting": [float(acc_matrix[j:n - 1, j].max() - acc_matrix[-1, j]) for j in range(n - 1)]}
''',
    # The review's bypass: the final span from the library (an SVD would do the same); the tests follow
    # the Oja trajectory step by step, and the guard switches pca_subspace off.
    "learn_subspace": '''
def learn_subspace(X, k, epochs=30, eta=0.05, batch_size=20, seed=0):
    import numpy as np
    from nslib.continual import pca_subspace
    if epochs == 0:
        return np.random.default_rng(seed).normal(size=(k, np.shape(X)[1])) / np.sqrt(np.shape(X)[1])
    return pca_subspace(X, k)
''',
    "richness": '''
def richness(w_start, w_end, kernel_start, kernel_end):
    import numpy as np
    from nslib.continual import kernel_alignment
    moved = float(np.linalg.norm(np.asarray(w_end, dtype=float) - np.asarray(w_start, dtype=float)))
    return {"weight_change": moved, "relative_change": moved / float(np.linalg.norm(w_start)),
            "kernel_alignment": float(kernel_alignment(kernel_start, kernel_end))}
''',
}
BYPASSES["protect_update"] = '''
def protect_update(update, basis):
    import numpy as np
    from nslib.continual import project_out
    h = np.atleast_2d(np.asarray(basis, dtype=float))
    return project_out(np.atleast_2d(np.asarray(update, dtype=float)), np.linalg.qr(h.T)[0].T)
'''
