"""Rosenblatt's perceptron learning rule, and Novikoff's mistake bound."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number, check_positive
from .datasets import _check_labels, _check_X


class Perceptron:
    """Rosenblatt's perceptron: one threshold unit that learns from its mistakes.

    For each training sample in turn (order shuffled every epoch), the unit
    predicts ``ŷ = +1 if w·x + b >= 0 else -1``; if ``ŷ`` is wrong, the weights
    move toward the sample:

    .. math:: \\mathbf{w} \\leftarrow \\mathbf{w} + \\eta\\, t\\, \\mathbf{x}, \\qquad
              b \\leftarrow b + \\eta\\, t

    where ``t = ±1`` is the target. Weights start at zero, so the learning rate
    only scales ``w`` and ``b`` and does not change any prediction. Training
    stops after the first epoch with no mistake (then every training sample is
    classified correctly) or after ``max_epochs``.

    Labels may be given as {0, 1} or as {-1, 1}; :meth:`predict` answers in the
    same encoding (stored in ``classes_``). Label 1 is the positive class.

    Parameters
    ----------
    learning_rate : float, > 0
        Step size η (dimensionless).
    max_epochs : int, >= 1
        Maximum number of passes over the training set.
    shuffle : bool
        Visit the samples in a new random order each epoch.
    seed : int or numpy.random.Generator
        Seeds the shuffling.

    Attributes
    ----------
    weights_ : numpy.ndarray, shape (n_features,)
    bias_ : float
    errors_per_epoch_ : numpy.ndarray of int, shape (n_epochs_,)
        Number of misclassified samples met (= weight updates) in each epoch.
    converged_ : bool
        True if the last epoch had no mistake.
    n_epochs_ : int
    weights_per_epoch_ : numpy.ndarray, shape (n_epochs_ + 1, n_features)
        Weights before training (row 0) and after each epoch, for animations.
    bias_per_epoch_ : numpy.ndarray, shape (n_epochs_ + 1,)
    classes_ : numpy.ndarray, shape (2,)
        ``[negative, positive]`` labels as seen in ``fit``.

    Examples
    --------
    >>> from nslib.perceptron import make_separable, make_xor
    >>> X, y = make_separable(n=50, margin=0.4, seed=0)
    >>> p = Perceptron(seed=0).fit(X, y)
    >>> p.converged_, int(p.errors_per_epoch_[-1]), p.score(X, y)
    (True, 0, 1.0)
    >>> Perceptron(max_epochs=50).fit(*make_xor()).converged_
    False
    """

    def __init__(self, learning_rate: float = 1.0, max_epochs: int = 100, shuffle: bool = True,
                 *, seed: Any = 0) -> None:
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.max_epochs = check_int("max_epochs", max_epochs, low=1)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle must be True or False; got {shuffle!r}")
        self.shuffle = bool(shuffle)
        as_generator(seed)  # fail early on a bad seed
        self.seed = seed

    def fit(self, X: Any, y: Any) -> "Perceptron":
        """Learn ``weights_`` and ``bias_`` from samples ``X`` and binary labels ``y``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
            Labels all in {0, 1} or all in {-1, 1}, both classes present.

        Returns
        -------
        Perceptron
            ``self``, fitted.
        """
        X = _check_X(X)
        t, classes = _check_labels(y, len(X))
        rng = as_generator(self.seed)
        n, d = X.shape
        w = np.zeros(d)
        b = 0.0
        errors: list[int] = []
        w_hist, b_hist = [w.copy()], [b]
        converged = False
        for _ in range(self.max_epochs):
            order = rng.permutation(n) if self.shuffle else np.arange(n)
            mistakes = 0
            for i in order:
                predicted = 1.0 if X[i] @ w + b >= 0 else -1.0
                if predicted != t[i]:
                    w += self.learning_rate * t[i] * X[i]
                    b += self.learning_rate * t[i]
                    mistakes += 1
            errors.append(mistakes)
            w_hist.append(w.copy())
            b_hist.append(b)
            if mistakes == 0:
                converged = True
                break
        self.weights_ = w
        self.bias_ = float(b)
        self.errors_per_epoch_ = np.array(errors, dtype=np.int64)
        self.converged_ = converged
        self.n_epochs_ = len(errors)
        self.weights_per_epoch_ = np.array(w_hist)
        self.bias_per_epoch_ = np.array(b_hist)
        self.classes_ = classes
        return self

    def _check_fitted_X(self, X: Any) -> np.ndarray:
        if not hasattr(self, "weights_"):
            raise RuntimeError("This Perceptron is not fitted yet: call fit(X, y) first")
        X = _check_X(X)
        if X.shape[1] != self.weights_.size:
            raise ValueError(
                f"X must have {self.weights_.size} feature(s) as in fit; got shape {X.shape}")
        return X

    def decision_function(self, X: Any) -> np.ndarray:
        """Signed score ``w·x + b`` of each sample (>= 0 means the positive class).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Samples, with the features the model was fitted on.

        Returns
        -------
        numpy.ndarray, shape (n_samples,)
            The scores.
        """
        X = self._check_fitted_X(X)
        return X @ self.weights_ + self.bias_

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels, in the encoding used in ``fit`` ({0, 1} or {-1, 1}).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Samples, with the features the model was fitted on.

        Returns
        -------
        numpy.ndarray, shape (n_samples,)
            One label per sample.
        """
        positive = self.decision_function(X) >= 0  # checks fitted state first
        return self.classes_[positive.astype(int)]

    def score(self, X: Any, y: Any) -> float:
        """Fraction of samples of ``X`` whose predicted label equals ``y``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Samples, with the features the model was fitted on.
        y : array_like, shape (n_samples,)
            Their true labels.

        Returns
        -------
        float
            Accuracy, in [0, 1].
        """
        X = self._check_fitted_X(X)
        y = check_finite_array("y", y, ndim=1)
        if y.size != len(X):
            raise ValueError(f"y must have one label per sample of X ({len(X)}); got {y.size}")
        return float(np.mean(self.predict(X) == y))


def mistake_bound(X: Any, y: Any, weights: Any, bias: float = 0.0) -> float:
    """Novikoff's bound on the total number of perceptron mistakes.

    If the line ``weights·x + bias = 0`` separates the data, a perceptron
    started from zero weights (any learning rate, any sample order) makes at
    most ``(R / γ)²`` mistakes in total, where, with the bias treated as a
    weight on a constant input 1,

    - ``R = max_i ||(x_i, 1)||`` is the radius of the data, and
    - ``γ = min_i t_i (w·x_i + b) / ||(w, b)||`` is the margin of that line.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
        Labels in {0, 1} or {-1, 1}.
    weights : array_like, shape (n_features,)
    bias : float
        A separating line, e.g. the true one returned by :func:`make_separable`.

    Returns
    -------
    float
        The bound ``(R / γ)²``.

    Raises
    ------
    ValueError
        If the line does not separate the data (``γ <= 0``).

    Examples
    --------
    >>> from nslib.perceptron import make_separable
    >>> data = make_separable(n=50, margin=0.4, seed=0)
    >>> bound = mistake_bound(data.X, data.y, data.weights, data.bias)
    >>> int(Perceptron().fit(data.X, data.y).errors_per_epoch_.sum()) <= bound
    True
    """
    X = _check_X(X)
    t, _ = _check_labels(y, len(X))
    w = check_finite_array("weights", weights, ndim=1)
    if w.size != X.shape[1]:
        raise ValueError(f"weights must have {X.shape[1]} element(s), one per feature; got {w.size}")
    b = check_number("bias", bias)
    norm = np.sqrt(w @ w + b * b)
    if norm == 0:
        raise ValueError("weights and bias must not all be zero")
    gamma = float(np.min(t * (X @ w + b)) / norm)
    if gamma <= 0:
        raise ValueError(f"weights and bias must separate the data (margin > 0); got margin {gamma:.3g}")
    radius_sq = float(np.max(np.sum(X * X, axis=1) + 1.0))
    return radius_sq / gamma**2


