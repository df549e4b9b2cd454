"""From threshold logic to backprop: the models of Chapter 1.

Three historical steps, each a few lines of code:

1. **McCulloch & Pitts (1943)**: a neuron as a binary threshold unit,
   ``y = 1 if w·x >= θ else 0``. With hand-set weights a single unit computes
   AND, OR, NOT, NAND; XOR needs two layers (:func:`xor_two_layer`), because
   no single line separates its two classes (:func:`is_linearly_separable`).
2. **Rosenblatt (1958, 1962)**: the perceptron *learns* the weights of one unit
   from labelled examples (:class:`Perceptron`). On linearly separable data it
   stops making mistakes after at most ``(R/γ)²`` updates, with ``R`` and ``γ``
   measured for the inputs augmented with a constant 1 (Novikoff 1962,
   :func:`mistake_bound`); on XOR it never does.
3. **Rumelhart, Hinton & Williams (1986)**: a hidden layer trained by
   backpropagation solves XOR (:func:`train_mlp_xor`).
4. **Lillicrap et al. (2016)**: feedback alignment trains a hidden layer with
   fixed random feedback weights instead of the transposed forward weights
   (:func:`train_two_layer`, compared with backprop on the digits).

And a bridge to spiking neurons: :func:`fit_activation` fits a :func:`relu` or
a :func:`softplus` to a (noisy) LIF f-I curve.

Figures for these results are in :mod:`nslib.plots.perceptron`.

The package is split by idea: :mod:`.threshold_units`, :mod:`.datasets`,
:mod:`.rosenblatt`, :mod:`.mlp` and :mod:`.feedback_alignment`; everything is
importable from here.
"""

from .datasets import Dataset, make_separable, make_xor
from .feedback_alignment import LEARNING_RULES, LearningRuleResult, hidden_layer_error, train_two_layer
from .mlp import MLPXORResult, train_mlp_xor
from .rosenblatt import Perceptron, mistake_bound
from .threshold_units import (
                                 LOGIC_GATES,
                                 ActivationFit,
                                 ThresholdUnit,
                                 fit_activation,
                                 is_linearly_separable,
                                 logic_gate,
                                 mcculloch_pitts,
                                 relu,
                                 softplus,
                                 truth_table,
                                 xor_two_layer,
)

__all__ = [
    "ActivationFit",
    "Dataset",
    "LEARNING_RULES",
    "LearningRuleResult",
    "LOGIC_GATES",
    "MLPXORResult",
    "Perceptron",
    "ThresholdUnit",
    "fit_activation",
    "hidden_layer_error",
    "is_linearly_separable",
    "logic_gate",
    "make_separable",
    "make_xor",
    "mcculloch_pitts",
    "mistake_bound",
    "relu",
    "softplus",
    "train_mlp_xor",
    "train_two_layer",
    "truth_table",
    "xor_two_layer",
]
