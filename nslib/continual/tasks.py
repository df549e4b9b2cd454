"""Task sequences built offline from scikit-learn's handwritten digits.

Two classic ways to cut one data set into a sequence of tasks
(van de Ven, Tuytelaars & Tolias 2022):

* **permuted**: every task is the whole 10-class problem, with the 64 pixels
  shuffled by a fixed permutation of its own (task 0 keeps the original
  order). The input distribution changes from task to task, the meaning of
  the outputs does not (*domain-incremental*);
* **split**: the ten digits are dealt out two per task, (0, 1), (2, 3), ...
  The same tasks pose all three scenarios, depending on how the network is
  asked:

  - *task-incremental*: it is told which task an image comes from and
    answers with that task's own two outputs (one head per task);
  - *domain-incremental*: it is not told the task and answers with the same
    two outputs in every task, "the first (even) or the second (odd) digit of
    its pair?" (one shared two-way head);
  - *class-incremental*: it is not told the task and must name the digit,
    with one shared head of ten outputs, all of them in use from the first
    task on.

The data are the 1797 digits of 8 × 8 pixels that ship with scikit-learn
(:func:`nslib.datasets.load_digits`), so nothing is downloaded. Pixel values
are scaled to [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number

__all__ = ["KINDS", "SCENARIOS", "Task", "TaskSequence", "make_task_sequence"]

KINDS = ("permuted", "split")
#: The three scenarios of van de Ven et al. (2022).
SCENARIOS = ("domain", "task", "class")

_N_CLASSES = 10


@dataclass(frozen=True, eq=False)
class Task:
    """One task of a sequence: its training and test images and its classes.

    Attributes
    ----------
    x_train, x_test : numpy.ndarray, shape (n, 64)
        Images as rows of 64 pixel intensities in [0, 1] (permuted for a
        permuted task).
    y_train, y_test : numpy.ndarray of int, shape (n,)
        The answers the network must give: the digit 0–9, except for split
        digits in the domain-incremental scenario, where it is the digit's
        place in its pair (0 for the even digit, 1 for the odd one).
    classes : tuple of int
        The labels (output units) this task uses: all ten for a permuted task,
        the task's two digits for a split one, ``(0, 1)`` for a split one in
        the domain-incremental scenario.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple


@dataclass(frozen=True, eq=False)
class TaskSequence:
    """A sequence of tasks to be learned one after the other.

    Compared by identity (``eq=False``), so a sequence can key a cache.

    Attributes
    ----------
    kind : {"permuted", "split"}
    scenario : {"domain", "task", "class"}
        How the network's outputs are used: one head per task (``"task"``),
        one shared head whose outputs mean the same in every task
        (``"domain"``: the ten digits of permuted tasks, or "even or odd
        digit of the pair" for split ones), or one shared head of ten outputs
        that must name every digit (``"class"``).
    tasks : tuple of Task
    permutations : numpy.ndarray of int, shape (n_tasks, 64), or None
        The pixel order of each permuted task (row 0 is the identity).
    n_inputs : int
        64 pixels.
    n_classes : int
        10 digits.
    """

    kind: str
    scenario: str
    tasks: tuple
    permutations: Any
    n_inputs: int = 64
    n_classes: int = _N_CLASSES

    @property
    def n_tasks(self) -> int:
        """Number of tasks."""
        return len(self.tasks)


def _digits_split(test_fraction: float, rng: np.random.Generator):
    from ..datasets import load_digits

    # The digits of nslib.datasets, as rows of 64 pixels in [0, 1]. The split is this module's own
    # (the same fraction of every class, by one block of random keys), not
    # nslib.datasets.load_digits_split: chapter 5's tasks were cut this way.
    digits = load_digits()
    x, y = digits.flat, digits.labels
    # One block of random keys, one per image, drawn before looking at the classes; each
    # class's test images are those with its smallest keys (stratified: the same fraction
    # of every class).
    keys = rng.random(len(y))
    test = np.zeros(len(y), dtype=bool)
    for c in range(_N_CLASSES):
        idx = np.flatnonzero(y == c)
        test[idx[np.argsort(keys[idx], kind="stable")[:int(round(test_fraction * len(idx)))]]] = True
    return x[~test], y[~test], x[test], y[test]


def make_task_sequence(kind: str = "permuted", n_tasks: int = 5, *, seed: Any = 0,
                       scenario: str | None = None, test_fraction: float = 0.25) -> TaskSequence:
    """Build a sequence of digit-classification tasks.

    Parameters
    ----------
    kind : {"permuted", "split"}
        ``"permuted"``: each task shuffles the 64 pixels with its own fixed
        permutation (task 0 keeps the original order); all ten classes in
        every task. ``"split"``: task ``t`` holds the digits ``2t`` and ``2t + 1``.
    n_tasks : int
        1–10 permuted tasks, or 1–5 split tasks (ten digits, two per task).
    seed : int or numpy.random.Generator
        Seeds the train/test split and the permutations.
    scenario : {"domain", "task", "class"} or None
        ``None`` means ``"domain"`` for permuted tasks and ``"class"`` for
        split ones. Permuted tasks are always ``"domain"``; split tasks are
        ``"task"`` (one head of two outputs per task), ``"domain"`` (one
        shared head of two outputs: even or odd digit of the pair) or
        ``"class"`` (one shared head of ten outputs).
    test_fraction : float, in (0, 1)
        Fraction of each class held out for testing (the same images, permuted,
        in every permuted task).

    Returns
    -------
    TaskSequence

    Examples
    --------
    >>> seq = make_task_sequence("permuted", n_tasks=3, seed=0)
    >>> seq.n_tasks, seq.scenario, seq.tasks[0].x_train.shape
    (3, 'domain', (1347, 64))
    >>> bool(np.array_equal(seq.tasks[1].x_train, seq.tasks[0].x_train[:, seq.permutations[1]]))
    True
    >>> split = make_task_sequence("split", n_tasks=5, scenario="task")
    >>> [t.classes for t in split.tasks][:2]
    [(0, 1), (2, 3)]
    >>> domain = make_task_sequence("split", n_tasks=5, scenario="domain")
    >>> domain.tasks[1].classes, sorted(set(domain.tasks[1].y_train.tolist()))
    ((0, 1), [0, 1])
    """
    check_choice("kind", kind, KINDS)
    n_tasks = check_int("n_tasks", n_tasks, low=1, high=10 if kind == "permuted" else 5)
    if scenario is None:
        scenario = "domain" if kind == "permuted" else "class"
    check_choice("scenario", scenario, ("domain",) if kind == "permuted" else SCENARIOS)
    test_fraction = check_number("test_fraction", test_fraction, low=0.0, high=1.0,
                                 low_inclusive=False, high_inclusive=False)
    rng = as_generator(seed)
    x_train, y_train, x_test, y_test = _digits_split(test_fraction, rng)
    tasks = []
    if kind == "permuted":
        n_pixels = x_train.shape[1]
        perms = np.stack([np.arange(n_pixels)] + [rng.permutation(n_pixels)
                                                  for _ in range(n_tasks - 1)])
        for perm in perms:
            tasks.append(Task(x_train[:, perm], y_train, x_test[:, perm], y_test,
                              tuple(range(_N_CLASSES))))
    else:
        perms = None
        for t in range(n_tasks):
            classes = (2 * t, 2 * t + 1)
            tr, te = np.isin(y_train, classes), np.isin(y_test, classes)
            if scenario == "domain":  # the same two outputs in every task: even or odd digit
                tasks.append(Task(x_train[tr], y_train[tr] % 2, x_test[te], y_test[te] % 2, (0, 1)))
            else:
                tasks.append(Task(x_train[tr], y_train[tr], x_test[te], y_test[te], classes))
    for task in tasks:
        for arr in (task.x_train, task.y_train, task.x_test, task.y_test):
            arr.setflags(write=False)
    if perms is not None:
        perms.setflags(write=False)
    return TaskSequence(kind=kind, scenario=scenario, tasks=tuple(tasks), permutations=perms)
