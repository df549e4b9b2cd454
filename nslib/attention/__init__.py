"""Attention: in visual cortex, in transformers, and as Pavlovian conditioning (chapter 3).

* :mod:`.gain` -- attention in the brain: biased competition and the
  normalization model of attention (Reynolds & Heeger 2009);
* :mod:`.transformer` -- softmax and linear attention, multi-head attention
  in numpy, and the same layer in PyTorch;
* :mod:`.memory` -- the associative-memory view: a Hebbian (outer-product) or
  delta-rule (Rescorla-Wagner) memory of key-value (CS-US) pairs, its
  retrieval error, and Kamin's blocking;
* :mod:`.capacity` -- how many pairs each memory holds as the key dimension
  grows (softmax: ``e^{sqrt(d_k)}`` or ``e^{c d_k}`` depending on β), and why
  the Hebbian crosstalk adds in quadrature;
* :mod:`.spiking_memory` -- a spiking associative memory in Brian2 (via
  :mod:`nslib.spiking`): pair a CS population with a US population, then cue.

Importing this package imports neither Brian2 nor torch.
"""

from .capacity import (
    CrosstalkError,
    MemoryCapacity,
    crosstalk_error,
    mean_abs_overlap,
    memory_capacity,
)
from .gain import (
    AttentionGainResult,
    BiasedCompetition,
    attention_gain_model,
    biased_competition,
    naka_rushton,
)
from .memory import (
    BlockingResult,
    CapacityCurves,
    RetrievalError,
    blocking_experiment,
    capacity_curves,
    delta_rule_memory,
    delta_rule_theory,
    hebbian_crosstalk_theory,
    hebbian_memory,
    random_unit_vectors,
    retrieval_error,
    retrieve,
)
from .spiking_memory import (
    HEBBIAN_SYNAPSE,
    MEMORY_EQUATIONS,
    PairingSchedule,
    RecallScores,
    SpikingMemoryResult,
    pairing_schedule,
    potentiated_fraction_theory,
    recall_scores,
    spiking_associative_memory,
)
from .transformer import (
    AttentionResult,
    MultiheadResult,
    MultiheadWeights,
    TorchComparison,
    compare_with_torch,
    linear_attention,
    multihead_attention,
    random_multihead_weights,
    softmax,
    softmax_attention,
    torch_multihead_attention,
)

__all__ = [
    "AttentionGainResult",
    "AttentionResult",
    "BiasedCompetition",
    "BlockingResult",
    "CapacityCurves",
    "CrosstalkError",
    "HEBBIAN_SYNAPSE",
    "MEMORY_EQUATIONS",
    "MemoryCapacity",
    "MultiheadResult",
    "MultiheadWeights",
    "PairingSchedule",
    "RecallScores",
    "RetrievalError",
    "SpikingMemoryResult",
    "TorchComparison",
    "attention_gain_model",
    "biased_competition",
    "blocking_experiment",
    "capacity_curves",
    "compare_with_torch",
    "crosstalk_error",
    "delta_rule_memory",
    "delta_rule_theory",
    "hebbian_crosstalk_theory",
    "hebbian_memory",
    "linear_attention",
    "mean_abs_overlap",
    "memory_capacity",
    "multihead_attention",
    "naka_rushton",
    "pairing_schedule",
    "potentiated_fraction_theory",
    "random_multihead_weights",
    "random_unit_vectors",
    "recall_scores",
    "retrieval_error",
    "retrieve",
    "softmax",
    "softmax_attention",
    "spiking_associative_memory",
    "torch_multihead_attention",
]
