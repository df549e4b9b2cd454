"""The tools of representational similarity analysis: RDMs, their comparison, linear CKA.

See :mod:`nslib.rsa` for the ideas; :mod:`nslib.rsa.networks` applies these tools to
the layers of the course's networks.
"""


from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_finite_array

__all__ = ["CategoryStructure", "category_ceiling", "category_rdm", "category_structure", "compare_rdms",
           "linear_cka", "rdm"]


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
        two patterns across units (0 for patterns that differ only by a
        positive gain and an offset, 1 for unrelated ones, 2 for a pattern and
        its negative). ``"euclidean"``: the squared
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

    Parameters
    ----------
    labels : array_like, shape (n_stimuli,)
        Class label of each stimulus (at least 3 stimuli).

    Returns
    -------
    numpy.ndarray, shape (n_stimuli, n_stimuli)
        Symmetric, 0 on the diagonal and within classes, 1 between classes.

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


def _tied_pairs(v: np.ndarray) -> int:
    _, counts = np.unique(v, return_counts=True)
    return int(np.sum(counts * (counts - 1) // 2))


def _kendall_tau_a(a: np.ndarray, b: np.ndarray) -> float:
    # Tau-a counts tied pairs as neither concordant nor discordant: a model that predicts
    # ties (a category model) is not rewarded for them (Nili et al. 2014). It is
    # (concordant - discordant) / (all pairs); scipy's O(n log n) tau-b has the same numerator
    # over sqrt((pairs - ties in a)(pairs - ties in b)), which gives it back.
    from scipy.stats import kendalltau

    n0 = len(a) * (len(a) - 1) // 2
    untied_a, untied_b = n0 - _tied_pairs(a), n0 - _tied_pairs(b)
    if untied_a == 0 or untied_b == 0:
        return float("nan")
    tau_b = kendalltau(a, b, variant="b").statistic
    return float(tau_b * np.sqrt(float(untied_a) * float(untied_b)) / n0)


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

    Parameters
    ----------
    labels : array_like, shape (n_stimuli,)
        Class label of each stimulus (at least 3 stimuli).
    method : str
        ``"spearman"``, ``"kendall_tau_a"`` or ``"pearson"``, as in :func:`compare_rdms`.

    Returns
    -------
    float
        The highest correlation reachable with :func:`category_rdm`, in [0, 1].

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


@dataclass(frozen=True)
class CategoryStructure:
    """How a representation's variance splits between and within classes.

    Attributes
    ----------
    between_fraction : float
        The share of the total variance (summed over units) that the class means
        explain, in [0, 1]: 1 when every stimulus sits on its class mean.
    class_dimensionality : float
        The participation ratio ``(Σ λ)² / Σ λ²`` of the eigenvalues ``λ`` of the
        class means' covariance (each class weighted by its stimuli): how many
        directions the class means effectively spread over (at most the number
        of classes minus 1, reached when they are equally far apart in every
        direction).
    """

    between_fraction: float
    class_dimensionality: float


def category_structure(x, labels) -> CategoryStructure:
    """Split a representation's variance into between-class and within-class parts.

    Linear CKA with one-hot labels depends on both numbers of the result: for a
    representation with no variance within classes it equals
    ``sqrt(class_dimensionality / (n_classes - 1))`` (with balanced classes), so it
    rewards class means that are evenly spread as well as classes that are
    well separated. The rank correlation of RDMs with the category model sees only
    the separation.

    Parameters
    ----------
    x : array_like, shape (n_stimuli, ...)
        Activity patterns, one row per stimulus.
    labels : array_like of int, shape (n_stimuli,)
        Each stimulus's class (at least 2 classes).

    Returns
    -------
    CategoryStructure

    Examples
    --------
    >>> x = np.array([[0.0, 0.0], [0.0, 0.2], [4.0, 0.0], [4.0, 0.2]])
    >>> s = category_structure(x, [0, 0, 1, 1])
    >>> round(s.between_fraction, 4), round(s.class_dimensionality, 4)
    (0.9975, 1.0)
    """
    xs = _patterns("x", x)
    lab = np.asarray(labels)
    if lab.shape != (len(xs),) or not np.issubdtype(lab.dtype, np.integer) or len(np.unique(lab)) < 2:
        raise ValueError(f"labels must hold one integer class per stimulus ({len(xs)}), of at least 2 "
                         f"classes; got {labels!r}")
    xs = xs - xs.mean(axis=0)
    total = float(np.sum(xs**2))
    if total == 0:
        raise ValueError("x must not be constant across stimuli (its variance is 0)")
    classes, index = np.unique(lab, return_inverse=True)
    means = np.stack([xs[index == k].mean(axis=0) for k in range(len(classes))])
    between = means[index]
    eigenvalues = np.linalg.svd(between, compute_uv=False) ** 2
    spread = float(np.sum(eigenvalues**2))
    return CategoryStructure(between_fraction=float(np.sum(between**2) / total),
                             class_dimensionality=float(eigenvalues.sum() ** 2 / spread) if spread > 0
                             else 0.0)


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
