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
    "oja": '''
def oja_step(W, X, eta):
    import numpy as np
    weights = np.asarray(W, dtype=float)
    batch = np.atleast_2d(np.asarray(X, dtype=float))
    responses = batch @ weights.T
    return weights + eta * responses.T @ (batch - responses @ weights) / len(batch)


def learn_subspace(X, k, epochs=30, eta=0.05, batch_size=20, seed=0):
    from nslib.continual import pca_subspace
    return pca_subspace(X, k)
''',
}
