"""Continual learning: catastrophic forgetting and brain-inspired remedies (Chapter 5).

A network that learns tasks one after the other forgets the old ones
(McCloskey & Cohen 1989; French 1999). This package builds task sequences from
scikit-learn's digits, trains one small network on them with five methods and
measures what it keeps, in the accuracy matrix ``R``:

* :mod:`.tasks` -- :func:`make_task_sequence`: permuted-pixel and split tasks,
  in the domain-, task- and class-incremental scenarios;
* :mod:`.training` -- :func:`train_sequence`: plain SGD, elastic weight
  consolidation, synaptic intelligence, experience replay and Hebbian
  orthogonal projection;
* :mod:`.scenarios` -- :func:`compare_scenarios`: one method on split digits in
  the task-, domain- and class-incremental scenarios, over several seeds;
* :mod:`.metrics` -- :func:`average_accuracy`, :func:`backward_transfer`;
* :mod:`.hebbian` -- :func:`oja_subspace` (Oja's subspace rule), principal
  subspaces and projections;
* :mod:`.spiking_hebbian` -- a Brian2 neuron whose synapses follow an
  Oja-like rule and find the principal component of correlated spike trains;
* :mod:`.rich_lazy` -- :func:`rich_lazy_experiment`: how the rank of a small
  RNN's initial connectivity sets how much learning changes it.

Figures are in :mod:`nslib.plots.continual`. Torch and Brian2 are imported
only when a model runs.
"""

from .hebbian import OjaResult, oja_subspace, pca_subspace, project_out, subspace_alignment
from .metrics import average_accuracy, backward_transfer, learning_accuracy
from .rich_lazy import (
    DecisionTrials,
    RichLazyResult,
    decision_trials,
    kernel_alignment,
    rich_lazy_experiment,
)
from .scenarios import SPLIT_SCENARIOS, ScenarioComparison, compare_scenarios
from .spiking_hebbian import (
    CorrelatedInputs,
    CountComponents,
    HebbianSpikingResult,
    correlated_inputs,
    hebbian_spiking_pca,
    spike_count_components,
)
from .tasks import KINDS, SCENARIOS, Task, TaskSequence, make_task_sequence
from .training import METHODS, ContinualResult, train_sequence

__all__ = [
    "ContinualResult",
    "CorrelatedInputs",
    "CountComponents",
    "DecisionTrials",
    "HebbianSpikingResult",
    "RichLazyResult",
    "KINDS",
    "SPLIT_SCENARIOS",
    "ScenarioComparison",
    "METHODS",
    "OjaResult",
    "SCENARIOS",
    "Task",
    "TaskSequence",
    "average_accuracy",
    "backward_transfer",
    "compare_scenarios",
    "correlated_inputs",
    "decision_trials",
    "hebbian_spiking_pca",
    "kernel_alignment",
    "learning_accuracy",
    "make_task_sequence",
    "oja_subspace",
    "pca_subspace",
    "project_out",
    "rich_lazy_experiment",
    "spike_count_components",
    "subspace_alignment",
    "train_sequence",
]
