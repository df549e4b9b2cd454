"""Graphs that couple redundant units, and the spectrum of their Laplacian.

A network of ``n`` units coupled through an undirected graph with adjacency
matrix ``A`` (``A_ij = 1`` when units ``i`` and ``j`` are linked) pulls each
unit towards its neighbours through the unnormalised graph Laplacian

.. math:: L = D - A, \\qquad D = \\mathrm{diag}(\\textstyle\\sum_j A_{ij}),

so that ``(L x)_i = sum_j A_ij (x_i - x_j)``. ``L`` is symmetric and positive
semi-definite; its eigenvalues ``0 = mu_1 <= mu_2 <= ... <= mu_n`` set how fast
each pattern of disagreement between the units decays. The second one,
``mu_2``, is the *algebraic connectivity* (Fiedler 1973): it is positive
exactly when the graph is connected, and the larger it is, the harder it is to
pull the units apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number

__all__ = ["GRAPH_KINDS", "LaplacianSpectrum", "check_laplacian", "graph_laplacian",
           "laplacian_spectrum"]

#: The graphs :func:`graph_laplacian` can build.
GRAPH_KINDS = ("all", "ring", "star", "random")


def graph_laplacian(kind: str, n: int, *, neighbours: int = 1, p: float = 0.3, seed=0,
                    max_tries: int = 1000) -> np.ndarray:
    """Return the unnormalised Laplacian ``L = D - A`` of a graph on ``n`` units.

    Parameters
    ----------
    kind : {"all", "ring", "star", "random"}
        ``"all"``: every pair linked (the complete graph). ``"ring"``: unit ``i``
        linked to the ``neighbours`` nearest units on each side around a
        circle. ``"star"``: unit 0 (the hub) linked to every other unit (the
        leaves), and no leaf to another. ``"random"``: each pair linked
        independently with probability ``p`` (Erdős–Rényi), redrawn until the
        graph is connected.
    n : int
        Number of units, >= 2 (>= 3 for a ring).
    neighbours : int, default 1
        Ring only: links on each side, in ``[1, (n - 1) // 2]``.
    p : float, default 0.3
        Random only: link probability in ``(0, 1]``.
    seed : int or numpy.random.Generator, default 0
        Random only: the same seed gives the same graph.
    max_tries : int, default 1000
        Random only: draws allowed to find a connected graph (>= 1).

    Returns
    -------
    numpy.ndarray, shape (n, n)
        The symmetric Laplacian: degrees on the diagonal, ``-1`` for each link.

    Examples
    --------
    >>> graph_laplacian("star", 4).astype(int).tolist()
    [[3, -1, -1, -1], [-1, 1, 0, 0], [-1, 0, 1, 0], [-1, 0, 0, 1]]
    >>> np.round(laplacian_spectrum(graph_laplacian("all", 5)).eigenvalues, 6).tolist()
    [0.0, 5.0, 5.0, 5.0, 5.0]
    """
    check_choice("kind", kind, GRAPH_KINDS)
    n = check_int("n", n, low=3 if kind == "ring" else 2, high=2000)
    adjacency = np.zeros((n, n))
    if kind == "all":
        adjacency[:] = 1.0
    elif kind == "ring":
        k = check_int("neighbours", neighbours, low=1, high=max(1, (n - 1) // 2))
        idx = np.arange(n)
        for step in range(1, k + 1):
            adjacency[idx, (idx + step) % n] = 1.0
            adjacency[(idx + step) % n, idx] = 1.0
    elif kind == "star":
        adjacency[0, 1:] = adjacency[1:, 0] = 1.0
    else:
        p = check_number("p", p, low=0.0, high=1.0, low_inclusive=False)
        tries = check_int("max_tries", max_tries, low=1)
        rng = as_generator(seed)
        for _ in range(tries):
            upper = np.triu(rng.random((n, n)) < p, k=1)
            adjacency = (upper | upper.T).astype(float)
            # Redraw until connected (a combinatorial test, so that no rounding
            # decides which draw is kept).
            if _is_connected(adjacency):
                return np.diag(adjacency.sum(axis=1)) - adjacency
        raise ValueError(f"p must be large enough for a connected graph: no connected graph "
                         f"on {n} units found in {tries} draws with p = {p}")
    np.fill_diagonal(adjacency, 0.0)
    return np.diag(adjacency.sum(axis=1)) - adjacency


def _is_connected(adjacency: np.ndarray) -> bool:
    # Breadth-first search from unit 0 over the links.
    reached = np.zeros(adjacency.shape[0], dtype=bool)
    reached[0] = True
    frontier = reached.copy()
    while frontier.any():
        frontier = (adjacency[frontier].sum(axis=0) > 0) & ~reached
        reached |= frontier
    return bool(reached.all())


def check_laplacian(name: str, laplacian, *, n: int | None = None) -> np.ndarray:
    """Check that ``laplacian`` is a graph Laplacian and return it as a float array.

    A Laplacian here is a square, symmetric matrix with non-positive
    off-diagonal entries (the links, possibly weighted) whose rows sum to 0.

    Parameters
    ----------
    name : str
        Parameter name for the error message.
    laplacian : array_like, shape (n, n)
    n : int, optional
        Required size.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        The Laplacian as floats.

    Examples
    --------
    >>> check_laplacian("laplacian", [[1, -1], [-1, 1]]).shape
    (2, 2)
    """
    try:
        L = np.asarray(laplacian, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a square matrix of numbers; "
                         f"got {type(laplacian).__name__}") from None
    if L.ndim != 2 or L.shape[0] != L.shape[1] or L.shape[0] < 2:
        raise ValueError(f"{name} must be a square matrix of size >= 2; got shape {L.shape}")
    if n is not None and L.shape[0] != n:
        raise ValueError(f"{name} must be {n} x {n} (one row per unit); got shape {L.shape}")
    if not np.all(np.isfinite(L)):
        raise ValueError(f"{name} must contain only finite values")
    scale = max(1.0, float(np.abs(L).max()))
    off = L - np.diag(np.diag(L))
    if (not np.allclose(L, L.T, atol=1e-9 * scale) or np.any(off > 1e-12 * scale)
            or not np.allclose(L.sum(axis=1), 0.0, atol=1e-9 * scale)):
        raise ValueError(f"{name} must be a graph Laplacian D - A: symmetric, off-diagonal "
                         "entries <= 0 and rows summing to 0")
    return L


@dataclass(frozen=True)
class LaplacianSpectrum:
    """Eigen-decomposition of a graph Laplacian, ``L = U diag(mu) U^T``.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (n,)
        ``mu_1 = 0 <= mu_2 <= ... <= mu_n`` (1/time when multiplied by a
        coupling rate).
    eigenvectors : numpy.ndarray, shape (n, n)
        Orthonormal columns ``U[:, m]``; the first is the uniform vector
        ``1/sqrt(n)`` (sign fixed positive).
    algebraic_connectivity : float
        ``mu_2``; positive exactly when the graph is connected.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    algebraic_connectivity: float


def laplacian_spectrum(laplacian) -> LaplacianSpectrum:
    """Diagonalise a graph Laplacian.

    Parameters
    ----------
    laplacian : array_like, shape (n, n)
        A Laplacian ``D - A`` (see :func:`check_laplacian`).

    Returns
    -------
    LaplacianSpectrum

    Examples
    --------
    >>> spec = laplacian_spectrum(graph_laplacian("ring", 6))
    >>> np.round(spec.eigenvalues, 6).tolist()
    [0.0, 1.0, 1.0, 3.0, 3.0, 4.0]
    >>> spec.algebraic_connectivity
    1.0
    """
    L = check_laplacian("laplacian", laplacian)
    mu, U = np.linalg.eigh(L)
    mu = np.where(np.abs(mu) < 1e-10 * max(1.0, float(np.abs(mu).max())), 0.0, mu)
    n = L.shape[0]
    if mu[1] == 0.0:
        # Disconnected: several zero modes; make the first one the uniform vector.
        U = U.copy()
        zero = mu == 0.0
        basis = np.column_stack([np.ones(n) / np.sqrt(n), U[:, zero]])
        q, _ = np.linalg.qr(basis)
        U[:, zero] = q[:, :int(zero.sum())]
    if U[:, 0].sum() < 0:
        U = U.copy()
        U[:, 0] *= -1.0
    return LaplacianSpectrum(eigenvalues=mu, eigenvectors=U,
                             algebraic_connectivity=float(np.round(mu[1], 12)))
