"""Predictive coding: the brain as a hierarchical prediction machine.

* :mod:`.rao_ballard` -- Rao & Ballard's (1999) two-level predictive-coding
  model of natural images: oriented receptive fields and end-stopping;
* :mod:`.learning` -- predictive coding as a learning rule: a digits MLP whose
  relaxed prediction errors give backpropagation's weight updates
  (Whittington & Bogacz 2017); :mod:`.training` trains it with either rule;
* :mod:`.spike_coding` -- a spike coding network in Brian2 (via
  :mod:`nslib.spiking`; Boerlin, Machens & Denève 2013): each spike reduces the
  error between a signal and its decoded estimate;
* :mod:`.hgf` -- the two-level Hierarchical Gaussian Filter (Mathys et al.
  2011, 2014): a Bayesian learner whose learning rate follows volatility.

Representational similarity analysis, which compares the representations of
networks and brains, is in :mod:`nslib.rsa`. Importing this package imports
neither Brian2 nor torch.
"""

from .hgf import HGFBelief, HGFResult, VolatileRewards, hgf, hgf_update, volatile_rewards
from .learning import (
    AlignmentCurve,
    DigitsData,
    MLPActivity,
    MLPParams,
    PCAlignment,
    PCInference,
    alignment_curve,
    backprop_update,
    digits_data,
    init_digits_mlp,
    mlp_accuracy,
    mlp_forward,
    pc_backprop_alignment,
    pc_inference,
    pc_update,
)
from .rao_ballard import (
    EndStopping,
    PatchWindows,
    RaoBallardResult,
    RBInference,
    bar_windows,
    dog_filter,
    end_stopping,
    natural_windows,
    rao_ballard,
    rao_ballard_inference,
    split_window,
)
from .spike_coding import (
    SCN_EQUATIONS,
    SpikeCodingResult,
    decode_spikes,
    decoders,
    ei_balance,
    filter_spikes,
    smooth_signal,
    spike_coding_network,
    steady_signal,
)
from .training import MLPTrainingResult, train_digits_mlp

__all__ = [
    "AlignmentCurve",
    "DigitsData",
    "EndStopping",
    "HGFBelief",
    "HGFResult",
    "MLPParams",
    "MLPTrainingResult",
    "PCAlignment",
    "PCInference",
    "PatchWindows",
    "RBInference",
    "RaoBallardResult",
    "SCN_EQUATIONS",
    "SpikeCodingResult",
    "VolatileRewards",
    "alignment_curve",
    "backprop_update",
    "bar_windows",
    "decode_spikes",
    "decoders",
    "digits_data",
    "dog_filter",
    "ei_balance",
    "end_stopping",
    "filter_spikes",
    "hgf",
    "hgf_update",
    "init_digits_mlp",
    "mlp_accuracy",
    "MLPActivity",
    "mlp_forward",
    "natural_windows",
    "pc_backprop_alignment",
    "pc_inference",
    "pc_update",
    "rao_ballard",
    "rao_ballard_inference",
    "smooth_signal",
    "spike_coding_network",
    "split_window",
    "steady_signal",
    "train_digits_mlp",
    "volatile_rewards",
]
