"""Summaries of an accuracy matrix: how much is learned, how much is forgotten.

``R[i, j]`` is the accuracy on task ``j``'s test set after training on tasks
``0..i`` (Lopez-Paz & Ranzato 2017). Its diagonal says how well each task was
learned when it was new; the columns below the diagonal say what became of it
later; the last row is the final state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_finite_array

__all__ = ["average_accuracy", "backward_transfer", "check_accuracy_matrix", "learning_accuracy"]


def check_accuracy_matrix(R: Any, name: str = "R") -> np.ndarray:
    """Return ``R`` as a square float array of accuracies in [0, 1], or raise ValueError.

    Parameters
    ----------
    R : array_like, shape (n_tasks, n_tasks)
        ``R[i, j]``: accuracy on task ``j`` after training on tasks ``0..i``.
    name : str
        The parameter's name, first in the error message.

    Returns
    -------
    numpy.ndarray
        ``R`` as floats.

    Examples
    --------
    >>> check_accuracy_matrix([[0.9, 0.1], [0.5, 0.8]]).shape
    (2, 2)
    >>> check_accuracy_matrix([[0.9, 1.5], [0.5, 0.8]])
    Traceback (most recent call last):
    ...
    ValueError: R must hold accuracies in [0, 1]; got values from 0.5 to 1.5
    """
    arr = check_finite_array(name, R, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square n_tasks x n_tasks matrix; got shape {arr.shape}")
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must hold accuracies in [0, 1]; got values from "
                         f"{arr.min():g} to {arr.max():g}")
    return arr


def average_accuracy(R: Any) -> float:
    """Mean accuracy over all tasks after training on the last one.

    ``ACC = (1/T) Σ_j R[T-1, j]``.

    Parameters
    ----------
    R : array_like, shape (T, T)
        Accuracy matrix, values in [0, 1].

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> average_accuracy([[0.9, 0.1], [0.5, 0.8]])
    0.65
    """
    R = check_accuracy_matrix(R)
    return float(np.mean(R[-1]))


def backward_transfer(R: Any) -> float:
    """Mean change in accuracy on the earlier tasks from when each was learned to the end.

    ``BWT = 1/(T-1) Σ_{j<T-1} (R[T-1, j] - R[j, j])``: negative when later
    training erased earlier tasks (forgetting), positive when it helped them.

    Parameters
    ----------
    R : array_like, shape (T, T)
        Accuracy matrix, values in [0, 1]; T >= 2.

    Returns
    -------
    float
        In [-1, 1].

    Examples
    --------
    >>> round(backward_transfer([[0.9, 0.1], [0.5, 0.8]]), 3)
    -0.4
    """
    R = check_accuracy_matrix(R)
    if R.shape[0] < 2:
        raise ValueError(f"R must cover at least 2 tasks for backward transfer; got shape {R.shape}")
    T = R.shape[0]
    return float(np.mean(R[-1, :T - 1] - np.diag(R)[:T - 1]))


def learning_accuracy(R: Any) -> float:
    """Mean accuracy on each task right after learning it: the mean of R's diagonal.

    A measure of plasticity: how well new tasks are still learned.

    Parameters
    ----------
    R : array_like, shape (n_tasks, n_tasks)
        Accuracy matrix: ``R[i, j]`` is the accuracy on task ``j`` after
        training on tasks ``0..i``, in [0, 1].

    Returns
    -------
    float
        Mean of the diagonal, in [0, 1].

    Examples
    --------
    >>> round(learning_accuracy([[0.9, 0.1], [0.5, 0.8]]), 3)
    0.85
    """
    R = check_accuracy_matrix(R)
    return float(np.mean(np.diag(R)))
