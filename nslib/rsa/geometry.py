"""The tools of representational similarity analysis: RDMs, their comparison, linear CKA.

See :mod:`nslib.rsa` for the ideas; :mod:`nslib.rsa.networks` applies these tools to
the layers of the course's networks.
"""


from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_finite_array

__all__ = ["category_ceiling", "category_rdm", "compare_rdms", "linear_cka", "rdm"]

def _patterns(name: str, patterns) -> np.ndarray:
    arr = check_finite_array(name, patterns)
    if arr.ndim < 2 or len(arr) < 3:
        raise ValueError(f"{name} must have shape (n_stimuli, ...) with at least 3 stimuli; "
                         f"got shape {arr.shape}")
    return arr.reshape(len(arr), -1)


def rdm(patterns, metric: str = "correlation") -> np.ndarray:
    """The representational dissimilarity matrix of a set of activity patterns.

    Parameters
    ----------
    patterns : array_like, shape (n_stimuli, ...)
        One activity pattern per stimulus (any number of units, flattened).
    metric : {"correlation", "euclidean"}
        ``"correlation"``: ``1 - r``, with ``r`` the Pearson correlation of the
        two patterns across units (0 for identical patterns up to gain and
        offset, 1 for unrelated ones, up to 2). ``"euclidean"``: the squared
        Euclidean distance divided by the number of units.

    Returns
    -------
    numpy.ndarray, shape (n_stimuli, n_stimuli)
        Symmetric, zero on the diagonal.

    Examples
    --------
    >>> rdm([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 2.0, 1.0]]).round(3).tolist()
    [[0.0, 0.0, 2.0], [0.0, 0.0, 2.0], [2.0, 2.0, 0.0]]
    """
    x = _patterns("patterns", patterns)
    check_choice("metric", metric, ("correlation", "euclidean"))
    if metric == "correlation":
        centred = x - x.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(centred, axis=1)
        if np.any(norms == 0):
            raise ValueError("patterns must not contain a constant pattern for metric='correlation' "
                             f"(its correlation is undefined): pattern {int(np.argmin(norms))}")
        unit = centred / norms[:, None]
        d = 1.0 - unit @ unit.T
    else:
        sq = np.sum(x**2, axis=1)
        d = (sq[:, None] + sq[None, :] - 2.0 * x @ x.T) / x.shape[1]
    d = np.maximum((d + d.T) / 2.0, 0.0)
    np.fill_diagonal(d, 0.0)
    return d


def category_rdm(labels) -> np.ndarray:
    """The category model's RDM: 0 for two stimuli of the same class, 1 otherwise.

    Examples
    --------
    >>> category_rdm([0, 0, 1]).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    lab = np.asarray(labels)
    if lab.ndim != 1 or len(lab) < 3:
        raise ValueError(f"labels must be a 1-D array of at least 3 class labels; got shape {lab.shape}")
    return (lab[:, None] != lab[None, :]).astype(float)


def _upper(name: str, matrix) -> np.ndarray:
    m = check_finite_array(name, matrix, ndim=2)
    if m.shape[0] != m.shape[1] or m.shape[0] < 3:
        raise ValueError(f"{name} must be a square RDM of at least 3 stimuli; got shape {m.shape}")
    return m[np.triu_indices(len(m), k=1)]


def _ranks(v: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(v)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / denominator) if denominator > 0 else float("nan")


def _kendall_tau_a(a: np.ndarray, b: np.ndarray) -> float:
    # Tau-a counts tied pairs as neither concordant nor discordant: a model that predicts
    # ties (a category model) is not rewarded for them (Nili et al. 2014).
    n = len(a)
    total = 0.0
    for start in range(0, n, 512):
        da = np.sign(a[start:start + 512, None] - a[None, :])
        db = np.sign(b[start:start + 512, None] - b[None, :])
        total += float(np.sum(da * db))
    return total / (n * (n - 1))


def compare_rdms(a, b, method: str = "spearman") -> float:
    """Compare two RDMs by the correlation of their upper triangles (diagonal excluded).

    Parameters
    ----------
    a, b : array_like, shape (n, n)
        RDMs of the same stimuli.
    method : {"spearman", "kendall_tau_a", "pearson"}
        Spearman's rank correlation (the default), Kendall's tau-a (for models
        with many ties), or the linear correlation.

    Returns
    -------
    float
        In [-1, 1]; NaN when an RDM has all its entries equal.

    Examples
    --------
    >>> round(compare_rdms(category_rdm([0, 0, 1, 1]), category_rdm([0, 0, 1, 1])), 12)
    1.0
    """
    ua, ub = _upper("a", a), _upper("b", b)
    if ua.shape != ub.shape:
        raise ValueError(f"b must describe the same number of stimuli as a; got {len(b)} and {len(a)}")
    check_choice("method", method, ("spearman", "kendall_tau_a", "pearson"))
    if method == "pearson":
        return _pearson(ua, ub)
    if method == "spearman":
        return _pearson(_ranks(ua), _ranks(ub))
    return _kendall_tau_a(ua, ub)


def category_ceiling(labels, method: str = "spearman") -> float:
    """The largest correlation any RDM can have with the category model of ``labels``.

    A model RDM with two values has many ties, so a rank correlation with it
    cannot reach 1: the best an RDM can do is to put every within-class pair
    closer than every between-class pair, and this returns that correlation.

    Examples
    --------
    >>> round(category_ceiling(np.repeat(np.arange(10), 10)), 3)
    0.498
    """
    category = category_rdm(labels)
    check_choice("method", method, ("spearman", "kendall_tau_a", "pearson"))
    # Any order within the two groups gives the same value; break the ties by position.
    upper = np.triu_indices(len(category), k=1)
    perfect = np.zeros_like(category)
    perfect[upper] = category[upper] + np.linspace(0.0, 0.5, len(upper[0]))
    return compare_rdms(perfect + perfect.T, category, method)


def linear_cka(x, y) -> float:
    """Linear centred kernel alignment between two representations of the same stimuli.

    ``CKA = ||Yᵀ X||²_F / (||Xᵀ X||_F ||Yᵀ Y||_F)`` after centring every unit
    (column) of ``X`` and ``Y`` (Kornblith et al. 2019). 1 when one
    representation is a rotation and scaling of the other; near 0 for
    unrelated ones.

    Parameters
    ----------
    x, y : array_like, shape (n_stimuli, ...)
        Activity patterns, one row per stimulus (numbers of units may differ).

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(50, 8))
    >>> rotation = np.linalg.qr(rng.normal(size=(8, 8)))[0]
    >>> round(linear_cka(x, 3 * x @ rotation), 6)
    1.0
    """
    xs, ys = _patterns("x", x), _patterns("y", y)
    if len(xs) != len(ys):
        raise ValueError(f"y must have one row per stimulus of x ({len(xs)}); got {len(ys)}")
    xs = xs - xs.mean(axis=0)
    ys = ys - ys.mean(axis=0)
    denominator = np.linalg.norm(xs.T @ xs) * np.linalg.norm(ys.T @ ys)
    if denominator == 0:
        raise ValueError("x and y must not be constant across stimuli (CKA is undefined)")
    return float(np.linalg.norm(ys.T @ xs) ** 2 / denominator)
