"""Oja's subspace rule, principal subspaces, and projecting updates away from them.

A layer of linear "lateral" neurons with weights ``W`` (k × d) sees the input
``x`` (d numbers), responds with ``y = W x`` and changes its weights by Oja's
subspace rule (Oja 1982; 1989):

    ΔW = η y (x − Wᵀ y)ᵀ = η (y xᵀ − y yᵀ W).

The first term is Hebbian (input times output), the second anti-Hebbian: it
subtracts what the neurons already explain. The rows of ``W`` converge to an
orthonormal basis of the top-k principal subspace of the inputs (of their
second moment ``E[x xᵀ]``; centre the data first for the covariance).

Hebbian orthogonal projection (HLOP; Xiao et al. 2024) uses such neurons to
protect old tasks: after a task, new lateral neurons learn the principal
subspace of a layer's inputs that older ones do not already span; while later
tasks are learned, the layer's weight updates are projected onto the
orthogonal complement, ``G ← G (I − Hᵀ H)``, so that inputs of old tasks, which
live in that subspace, see (almost) unchanged weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_positive

__all__ = ["OjaResult", "oja_subspace", "pca_subspace", "project_out", "subspace_alignment"]


@dataclass(frozen=True, eq=False)
class OjaResult:
    """The weights that Oja's subspace rule learned, and how it got there.

    Attributes
    ----------
    components : numpy.ndarray, shape (k, d)
        Weights of the k new lateral neurons (rows approximately orthonormal).
    basis : numpy.ndarray, shape (m + k, d)
        ``fixed`` (m rows, possibly none) stacked on ``components``: the whole
        subspace the lateral neurons now span.
    residual_energy : numpy.ndarray, shape (epochs + 1,)
        Fraction of the inputs' energy ``Σ‖x‖²`` that the lateral circuit does
        not reconstruct, ``‖X − X Hᵀ H‖² / ‖X‖²`` with ``H = basis``, before
        learning and after each epoch.
    orthonormality_error : float
        ``max |H Hᵀ − I|`` at the end: 0 for an exactly orthonormal basis.
    n_updates : int
        Number of weight updates (mini-batches).
    """

    components: np.ndarray
    basis: np.ndarray
    residual_energy: np.ndarray
    orthonormality_error: float
    n_updates: int

    def project(self, vectors) -> np.ndarray:
        """Least-squares projection of ``vectors`` onto the span of ``basis``.

        ``V pinv(H) H``: each row's closest point in the subspace, exact even when the rows of ``H`` are
        only approximately orthonormal. Used to show what part of the PCA components the learned
        weights capture.

        Parameters
        ----------
        vectors : array_like, shape (n, d)
            Rows to project, in the input space of the rule.

        Returns
        -------
        numpy.ndarray, shape (n, d)
            Each row's closest point in the learned subspace.

        Examples
        --------
        >>> res = OjaResult(components=np.eye(2, 3), basis=np.eye(2, 3), residual_energy=np.zeros(1),
        ...                 orthonormality_error=0.0, n_updates=0)
        >>> res.project([[1.0, 2.0, 3.0]])
        array([[1., 2., 0.]])
        """
        vectors = np.atleast_2d(np.asarray(vectors, dtype=float))
        if vectors.shape[-1] != self.basis.shape[1]:
            raise ValueError(f"vectors must have {self.basis.shape[1]} columns; got shape {vectors.shape}")
        return (vectors @ np.linalg.pinv(self.basis)) @ self.basis


def _residual_energy(gram: np.ndarray, basis: np.ndarray) -> float:
    """``‖X − X Hᵀ H‖² / ‖X‖²`` from the Gram matrix ``G = Xᵀ X`` (d × d) and ``H = basis``.

    ``‖X (I − Hᵀ H)‖² = tr G − 2 tr(H G Hᵀ) + tr(H Hᵀ · H G Hᵀ)``: a few products of the
    small matrices instead of reconstructing every input.
    """
    hg = basis @ gram
    m = hg @ basis.T
    total = float(np.trace(gram))
    return float((total - 2.0 * np.trace(m) + np.sum((basis @ basis.T) * m)) / total)


def oja_subspace(x: Any, k: int, *, fixed: Any = None, epochs: int = 40,
                 learning_rate: float = 1.0, batch_size: int = 32, seed: Any = 0) -> OjaResult:
    """Learn the top-k principal subspace of ``x`` with Oja's subspace rule.

    ``k`` new lateral neurons start from random weights and see the
    data in shuffled mini-batches. With ``fixed`` (older neurons ``F`` whose
    weights no longer change), the old neurons' feedback first subtracts
    their reconstruction, ``e = x − Fᵀ F x``, and the new neurons apply the
    rule to what is left, ``y = W e``, ``ΔW = η y (e − Wᵀ y)ᵀ``: they learn the
    principal subspace of what the old ones leave unexplained, as the
    lateral neurons added for each new task do in HLOP.

    Parameters
    ----------
    x : array_like, shape (n, d)
        Inputs, one per row (not centred here).
    k : int, 1..d − m
        Number of new neurons (m = rows of ``fixed``).
    fixed : array_like, shape (m, d), optional
        Weights of older lateral neurons, kept fixed.
    epochs : int, >= 1
        Passes over the data.
    learning_rate : float, in (0, 2]
        Step size relative to the mean squared norm of the inputs' part that
        ``fixed`` leaves unexplained (all of ``x`` without ``fixed``): the rule
        uses ``η = learning_rate / mean(‖x − Fᵀ F x‖²)``, so one value suits
        any input scale. It decays linearly to a tenth of that over the epochs.
    batch_size : int, >= 1
        Inputs averaged per update.
    seed : int or numpy.random.Generator
        Seeds the initial weights and the order of the inputs.

    Returns
    -------
    OjaResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 5)) * [3.0, 2.0, 0.3, 0.2, 0.1]
    >>> result = oja_subspace(x, 2, epochs=20, seed=0)
    >>> np.round(subspace_alignment(result.components, pca_subspace(x, 2)), 3)
    array([1., 1.])
    >>> result.orthonormality_error < 0.05
    True
    """
    x = check_finite_array("x", x, ndim=2)
    n, d = x.shape
    if fixed is None:
        fixed_arr = np.zeros((0, d))
    else:
        fixed_arr = check_finite_array("fixed", fixed, ndim=2, min_size=0)
        if fixed_arr.shape[1] != d:
            raise ValueError(f"fixed must have {d} columns like x; got shape {fixed_arr.shape}")
    k = check_int("k", k, low=1, high=d - fixed_arr.shape[0])
    epochs = check_int("epochs", epochs, low=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    if learning_rate > 2.0:
        raise ValueError(f"learning_rate must be in (0, 2]; got {learning_rate!r}")
    batch_size = check_int("batch_size", batch_size, low=1)
    rng = as_generator(seed)
    # The new neurons learn from what the old ones leave unexplained, so that
    # residual sets the scale of their step size.
    residual = x - (x @ fixed_arr.T) @ fixed_arr
    mean_sq = float(np.mean(np.sum(residual ** 2, axis=1)))
    if mean_sq == 0.0:
        raise ValueError("x must not lie entirely in the span of fixed (nothing is left to learn)")
    from threadpoolctl import threadpool_limits

    w = rng.normal(scale=1.0 / np.sqrt(d), size=(k, d))
    gram = x.T @ x
    history = [_residual_energy(gram, np.vstack([fixed_arr, w]))]
    n_updates = 0
    # Small matrix products: one BLAS thread is several times faster than many.
    with threadpool_limits(1, user_api="blas"):
        for epoch in range(epochs):
            eta = learning_rate / mean_sq * (1.0 - 0.9 * epoch / max(epochs - 1, 1))
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                e = residual[order[start:start + batch_size]]  # input minus old neurons' feedback
                y = e @ w.T                                    # the new neurons' activity
                w += eta * (y.T @ (e - y @ w)) / len(e)        # Oja: ΔW = η y (e − Wᵀy)ᵀ
                n_updates += 1
            history.append(_residual_energy(gram, np.vstack([fixed_arr, w])))
    basis = np.vstack([fixed_arr, w])
    gram = basis @ basis.T
    return OjaResult(components=w, basis=basis, residual_energy=np.asarray(history),
                     orthonormality_error=float(np.max(np.abs(gram - np.eye(len(basis))))),
                     n_updates=n_updates)


def pca_subspace(x: Any, k: int) -> np.ndarray:
    """Top-k principal directions of ``x`` (uncentred): the right singular vectors.

    They span the k-dimensional subspace that reconstructs the rows of ``x``
    best, the subspace Oja's rule converges to. Centre ``x`` first for PCA of
    the covariance.

    Parameters
    ----------
    x : array_like, shape (n, d)
    k : int, 1..min(n, d)

    Returns
    -------
    numpy.ndarray, shape (k, d)
        Orthonormal rows, by decreasing singular value.

    Examples
    --------
    >>> pca_subspace([[3.0, 0.0], [0.0, 1.0], [-3.0, 0.0]], 1)
    array([[1., 0.]])
    """
    x = check_finite_array("x", x, ndim=2)
    k = check_int("k", k, low=1, high=min(x.shape))
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    components = vt[:k]
    # Fix each sign (largest entry positive) so results do not flip between LAPACK builds.
    signs = np.sign(components[np.arange(k), np.argmax(np.abs(components), axis=1)])
    return components * signs[:, None] + 0.0


def _orthonormal_rows(a: np.ndarray, name: str) -> np.ndarray:
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    if s.size == 0 or s[0] == 0 or np.any(s < 1e-10 * s[0]):
        raise ValueError(f"{name} must have linearly independent rows")
    return vt


def subspace_alignment(a: Any, b: Any) -> np.ndarray:
    """Cosines of the principal angles between the row spaces of ``a`` and ``b``.

    1 for a direction the two subspaces share, 0 for one orthogonal to the
    other; ``mean(cos²)`` is the subspace overlap.

    Parameters
    ----------
    a : array_like, shape (k, d)
    b : array_like, shape (m, d)
        Rows spanning each subspace (need not be orthonormal).

    Returns
    -------
    numpy.ndarray, shape (min(k, m),)
        Cosines in [0, 1], largest first.

    Examples
    --------
    >>> np.round(subspace_alignment([[1.0, 1.0, 0.0]], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), 4)
    array([0.7071])
    """
    a = check_finite_array("a", a, ndim=2)
    b = check_finite_array("b", b, ndim=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"b must have {a.shape[1]} columns like a; got shape {b.shape}")
    qa, qb = _orthonormal_rows(a, "a"), _orthonormal_rows(b, "b")
    cosines = np.linalg.svd(qa @ qb.T, compute_uv=False)
    return np.clip(cosines, 0.0, 1.0)


def project_out(update: Any, basis: Any) -> np.ndarray:
    """Remove from a weight update the part that would change responses to inputs in ``basis``.

    ``G (I − Hᵀ H)``: for an input ``x`` in the span of the (orthonormal) rows
    of ``H``, the projected update leaves ``W x`` unchanged, since
    ``G (I − Hᵀ H) x = 0``.

    Parameters
    ----------
    update : array_like, shape (n_out, d)
        A weight update (or gradient) of a layer with d inputs.
    basis : array_like, shape (m, d)
        Orthonormal rows spanning the protected input subspace (m may be 0).

    Returns
    -------
    numpy.ndarray, shape (n_out, d)

    Examples
    --------
    >>> g = np.array([[1.0, 2.0, 3.0]])
    >>> project_out(g, [[1.0, 0.0, 0.0]])
    array([[0., 2., 3.]])
    """
    update = check_finite_array("update", update, ndim=2)
    basis = check_finite_array("basis", basis, ndim=2, min_size=0)
    if basis.size and basis.shape[1] != update.shape[1]:
        raise ValueError(f"basis must have {update.shape[1]} columns like update; "
                         f"got shape {basis.shape}")
    if not basis.size:
        return update.copy()
    return update - (update @ basis.T) @ basis
