"""Two-class data sets for the perceptron: separable with a margin, and XOR."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number, check_positive

# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled 2-D data set. Unpacks as ``X, y = dataset``.

    Attributes
    ----------
    X : numpy.ndarray, shape (n_samples, 2)
        Inputs (dimensionless).
    y : numpy.ndarray of int, shape (n_samples,)
        Labels in {0, 1}.
    weights, bias : numpy.ndarray of shape (2,) and float, or None
        The line ``weights·x + bias = 0`` used to label the data
        (``weights`` has unit norm), or None when no line separates the data.
    margin : float or None
        Width of the empty band around that line (same units as ``X``).
    """

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None = None
    bias: float | None = None
    margin: float | None = None

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.X, self.y))

    def __len__(self) -> int:
        return len(self.y)


def make_separable(n: int = 100, margin: float = 0.3, *, seed: Any = 0) -> Dataset:
    """Linearly separable 2-D points with an empty band (margin) between the classes.

    A random line ``w·x + b = 0`` (unit ``w``, ``|b| <= 0.25``) is drawn;
    points are drawn uniformly in the square ``[-1, 1]²`` and kept only if they
    lie at least ``margin / 2`` from the line. Half the points (rounded down)
    are in class 1 (``w·x + b > 0``), the rest in class 0.

    Parameters
    ----------
    n : int, >= 2
        Number of points.
    margin : float, in [0, 1]
        Width of the empty band between the two classes (units of ``X``).
        A wider margin makes learning faster (see :func:`mistake_bound`).
    seed : int or numpy.random.Generator

    Returns
    -------
    Dataset
        With the true ``weights``, ``bias`` and ``margin``.

    Examples
    --------
    >>> X, y = make_separable(n=20, margin=0.5, seed=1)
    >>> X.shape, int(y.sum())
    ((20, 2), 10)
    """
    n = check_int("n", n, low=2)
    margin = check_number("margin", margin, low=0.0, high=1.0)
    rng = as_generator(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])
    b = float(rng.uniform(-0.25, 0.25))
    n_pos, n_neg = n // 2, n - n // 2
    # Every draw from ``rng`` has a fixed shape and order: the line, one block of candidates and
    # the final shuffle. Rejection sampling keeps the candidates outside the band; should the first
    # block fall short (a wide band, few points on one side), further blocks come from a separate
    # stream seeded at a fixed point, so how many blocks a data set needs never shifts any draw.
    candidates = rng.uniform(-1.0, 1.0, size=(4 * n, 2))
    order = rng.permutation(n)
    spare = np.random.default_rng(rng.integers(0, 2**63))
    pos, neg = [], []
    n_pos_got = n_neg_got = 0
    while n_pos_got < n_pos or n_neg_got < n_neg:
        # Elementwise, not a BLAS product, so no machine's rounding can move a point across the band.
        dist = candidates[:, 0] * w[0] + candidates[:, 1] * w[1] + b
        keep_pos = candidates[dist >= margin / 2 + 1e-12][: n_pos - n_pos_got]
        keep_neg = candidates[dist <= -margin / 2 - 1e-12][: n_neg - n_neg_got]
        pos.append(keep_pos)
        neg.append(keep_neg)
        n_pos_got += len(keep_pos)
        n_neg_got += len(keep_neg)
        candidates = spare.uniform(-1.0, 1.0, size=(4 * n, 2))
    X = np.vstack(pos + neg)
    y = np.concatenate([np.ones(n_pos, dtype=int), np.zeros(n_neg, dtype=int)])
    return Dataset(X=X[order], y=y[order], weights=w, bias=b, margin=margin)


def make_xor(n_per_corner: int = 1, noise: float = 0.0, *, seed: Any = 0) -> Dataset:
    """The XOR problem: class 1 at (0, 1) and (1, 0), class 0 at (0, 0) and (1, 1).

    Parameters
    ----------
    n_per_corner : int, >= 1
        Points per corner of the unit square. The default gives the 4-row truth table.
    noise : float, >= 0
        Standard deviation of Gaussian jitter added to each point (units of ``X``).
    seed : int or numpy.random.Generator
        Only used when ``noise > 0``.

    Returns
    -------
    Dataset
        ``weights``, ``bias`` and ``margin`` are None: no line separates XOR.

    Examples
    --------
    >>> X, y = make_xor()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    n_per_corner = check_int("n_per_corner", n_per_corner, low=1)
    noise = check_positive("noise", noise, allow_zero=True)
    rng = as_generator(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = np.repeat(corners, n_per_corner, axis=0)
    y = np.repeat(np.array([0, 1, 1, 0]), n_per_corner)
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    return Dataset(X=X, y=y)


# --------------------------------------------------------------------------
# Rosenblatt's perceptron
# --------------------------------------------------------------------------

def _check_X(X: Any, name: str = "X") -> np.ndarray:
    arr = check_finite_array(name, X)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); got shape {arr.shape}")
    return arr  # check_finite_array has refused empty arrays (0 samples or 0 features)


def _check_labels(y: Any, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(t, classes)``: labels as ±1 floats, and the original [negative, positive] classes."""
    arr = check_finite_array("y", y, ndim=1)
    if arr.size != n_samples:
        raise ValueError(f"y must have one label per sample of X ({n_samples}); got {arr.size}")
    values = set(np.unique(arr).tolist())
    for classes in ((0, 1), (-1, 1)):
        if values == set(classes):
            t = np.where(arr == 1, 1.0, -1.0)
            return t, np.array(classes)
    raise ValueError(
        "y must contain both classes of binary labels, either {0, 1} or {-1, 1}; "
        f"got values {sorted(values)}")


