"""Vision: from the perceptron to CNNs and the primary visual cortex (V1).

* :mod:`.receptive_fields` -- Gabor filters, gratings, simple and complex cells,
  orientation tuning and its selectivity index;
* :mod:`.natural_images` -- natural image patches, V1-like filters learned by
  ICA, and Gabor fits that measure how V1-like they are;
* :mod:`.spiking_v1` -- a population of spiking (Brian2, via
  :mod:`nslib.spiking`) simple cells and its spike-count tuning curves;
* :mod:`.cnn` -- a small convolutional network trained on scikit-learn's digits.

Angles are in radians (``theta``); lengths in pixels. Importing this package
imports neither Brian2 nor torch: they are imported by the functions that use them.
"""

from .cnn import DigitsCNNResult, FeatureMaps, cnn_feature_maps, train_digits_cnn
from .natural_images import (
    NATURAL_IMAGES,
    GaborFit,
    GaborFits,
    fit_gabor,
    fit_gabors,
    learn_v1_filters,
    natural_image_patches,
)
from .receptive_fields import (
    FilterTuning,
    OrientationTuning,
    complex_cell_response,
    drifting_grating,
    filter_orientation_tuning,
    gabor,
    grating,
    orientation_difference,
    orientation_selectivity_index,
    orientation_tuning,
    simple_cell_response,
)
from .spiking_v1 import SpikingTuning, spiking_orientation_tuning

__all__ = [
    "NATURAL_IMAGES",
    "DigitsCNNResult",
    "FeatureMaps",
    "FilterTuning",
    "GaborFit",
    "GaborFits",
    "OrientationTuning",
    "SpikingTuning",
    "cnn_feature_maps",
    "complex_cell_response",
    "drifting_grating",
    "filter_orientation_tuning",
    "fit_gabor",
    "fit_gabors",
    "gabor",
    "grating",
    "learn_v1_filters",
    "natural_image_patches",
    "orientation_difference",
    "orientation_selectivity_index",
    "orientation_tuning",
    "simple_cell_response",
    "spiking_orientation_tuning",
    "train_digits_cnn",
]
