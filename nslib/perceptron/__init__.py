"""From threshold logic to backprop: the models of Chapter 1.

Three historical steps, each a few lines of code:

1. **McCulloch & Pitts (1943)**: a neuron as a binary threshold unit,
   ``y = 1 if w·x >= θ else 0``. With hand-set weights a single unit computes
   AND, OR, NOT, NAND; XOR needs two layers (:func:`xor_two_layer`), because
   no single line separates its two classes (:func:`is_linearly_separable`).
2. **Rosenblatt (1958)**: the perceptron *learns* the weights of one unit from
   labelled examples (:class:`Perceptron`). On linearly separable data it stops
   making mistakes after at most ``(R/γ)²`` updates (Novikoff 1962,
   :func:`mistake_bound`); on XOR it never does.
3. **Rumelhart, Hinton & Williams (1986)**: a hidden layer trained by
   backpropagation solves XOR (:func:`train_mlp_xor`).

Figures for these results are in :mod:`nslib.plots.perceptron`.

The package is split by idea: :mod:`.threshold_units`, :mod:`.datasets`,
:mod:`.rosenblatt` and :mod:`.mlp`; everything is importable from here.
"""

from .datasets import Dataset, make_separable, make_xor
from .mlp import MLPXORResult, train_mlp_xor
from .rosenblatt import Perceptron, mistake_bound
from .threshold_units import (
    LOGIC_GATES,
    ThresholdUnit,
    is_linearly_separable,
    logic_gate,
    mcculloch_pitts,
    truth_table,
    xor_two_layer,
)

__all__ = [
    "Dataset",
    "LOGIC_GATES",
    "MLPXORResult",
    "Perceptron",
    "ThresholdUnit",
    "is_linearly_separable",
    "logic_gate",
    "make_separable",
    "make_xor",
    "mcculloch_pitts",
    "mistake_bound",
    "train_mlp_xor",
    "truth_table",
    "xor_two_layer",
]
