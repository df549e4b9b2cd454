"""The three continual-learning scenarios on one benchmark.

van de Ven, Tuytelaars & Tolias (2022) showed that the same sequence of tasks
is easy or hard to learn continually depending on how the network is asked.
Split digits pose all three of their scenarios (see :mod:`.tasks`): the ten
digits are dealt out two per task, and the network

* is told the task and answers with that task's own two outputs
  (*task-incremental*);
* is not told the task and answers with two shared outputs, "the even or the
  odd digit of its pair?" (*domain-incremental*);
* is not told the task and must name the digit with ten shared outputs
  (*class-incremental*).

:func:`compare_scenarios` trains the same network with the same method in
each scenario, for several seeds (each seed draws its own train/test split and
its own network), and collects the accuracy matrices and their summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._validation import as_generator, check_choice, check_int
from .tasks import make_task_sequence
from .training import METHODS, train_sequence

__all__ = ["SPLIT_SCENARIOS", "ScenarioComparison", "compare_scenarios"]

#: The three scenarios of split digits, from the easiest to the hardest.
SPLIT_SCENARIOS = ("task", "domain", "class")


@dataclass(frozen=True, eq=False)
class ScenarioComparison:
    """One method on split digits in the three scenarios, over several seeds.

    Attributes
    ----------
    scenarios : tuple of str
        ``("task", "domain", "class")``.
    seeds : tuple of int
    method : str
    results : dict of str to tuple of ContinualResult
        Scenario → one result per seed, in the order of ``seeds``.
    average_accuracy, backward_transfer, learning_accuracy : numpy.ndarray, shape (3, n_seeds)
        Each run's ACC, BWT and mean of the diagonal (fractions), one row per
        scenario.
    """

    scenarios: tuple
    seeds: tuple
    method: str
    results: dict
    average_accuracy: np.ndarray
    backward_transfer: np.ndarray
    learning_accuracy: np.ndarray

    def mean(self, measure: str = "average_accuracy") -> dict:
        """Scenario → mean of ``measure`` over the seeds.

        Parameters
        ----------
        measure : str
            ``"average_accuracy"``, ``"backward_transfer"`` or ``"learning_accuracy"``.

        Returns
        -------
        dict
            The scenario's name → the mean over seeds.
        """
        values = getattr(self, check_choice("measure", measure, (
            "average_accuracy", "backward_transfer", "learning_accuracy")))
        return {s: float(v) for s, v in zip(self.scenarios, values.mean(axis=1), strict=True)}


def compare_scenarios(seeds: Sequence[int] = (0, 1, 2), *, method: str = "sgd", n_tasks: int = 5,
                      **train_kwargs: Any) -> ScenarioComparison:
    """Train one method on split digits in the task-, domain- and class-incremental scenarios.

    Parameters
    ----------
    seeds : sequence of int, each >= 0, distinct, at least one
        Seed ``s`` draws the train/test split (:func:`make_task_sequence`)
        and trains the network (:func:`train_sequence`) with ``seed=s``; the
        three scenarios of a seed share its split, its initial weights and
        the order of its examples.
    method : {"sgd", "ewc", "si", "replay", "hlop"}
    n_tasks : int, 1..5
        Split tasks (two digits each).
    **train_kwargs
        Passed to :func:`train_sequence` (``hidden_units``, ``epochs``,
        the method's own settings, ...).

    Returns
    -------
    ScenarioComparison

    Examples
    --------
    >>> c = compare_scenarios((0,), n_tasks=2, hidden_units=32, epochs=2)
    >>> c.scenarios, c.average_accuracy.shape
    (('task', 'domain', 'class'), (3, 1))
    >>> bool(c.average_accuracy[0, 0] > c.average_accuracy[2, 0])
    True
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or not seeds:
        raise ValueError(f"seeds must be a non-empty sequence of non-negative integers; got {seeds!r}")
    for s in seeds:
        if isinstance(s, np.random.Generator):
            raise ValueError("seeds must be integers (each seeds a split and a network); got a Generator")
        as_generator(s)  # validates: a non-negative int
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct; got {list(seeds)}")
    check_choice("method", method, METHODS)
    n_tasks = check_int("n_tasks", n_tasks, low=1, high=5)
    results = {}
    for scenario in SPLIT_SCENARIOS:
        results[scenario] = tuple(
            train_sequence(make_task_sequence("split", n_tasks, seed=int(s), scenario=scenario),
                           method, seed=int(s), **train_kwargs)
            for s in seeds)

    def table(field):
        arr = np.array([[getattr(r, field) for r in results[s]] for s in SPLIT_SCENARIOS])
        arr.setflags(write=False)
        return arr

    return ScenarioComparison(
        scenarios=SPLIT_SCENARIOS, seeds=tuple(int(s) for s in seeds), method=method,
        results=results, average_accuracy=table("average_accuracy"),
        backward_transfer=table("backward_transfer"), learning_accuracy=table("learning_accuracy"))
