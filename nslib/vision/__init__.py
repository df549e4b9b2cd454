"""Vision: from the perceptron to CNNs and the primary visual cortex (V1).

* :mod:`.lgn` -- the input to V1: centre-surround (difference-of-Gaussians)
  receptive fields of the retina and the LGN;
* :mod:`.receptive_fields` -- Gabor filters, gratings, simple and complex cells,
  orientation tuning, its selectivity index and its half-width;
* :mod:`.normalization` -- divisive normalisation of a population of complex cells;
* :mod:`.natural_images` -- natural image patches, V1-like filters learned by
  ICA, and Gabor fits that measure how V1-like they are;
* :mod:`.spiking_v1` -- a population of spiking (Brian2, via
  :mod:`nslib.spiking`) simple cells, its spike-count tuning curves, and a
  compiled version for contrast and noise sweeps;
* :mod:`.cnn` -- a small convolutional network trained on scikit-learn's digits.

Angles are in radians (``theta``); lengths in pixels. Importing this package
imports neither Brian2 nor torch: they are imported by the functions that use them.
"""

from .cnn import DigitsCNNResult, FeatureMaps, cnn_feature_maps, train_digits_cnn
from .lgn import LGNResponse, SpotSizeTuning, center_surround, lgn_response, spot_size_tuning
from .natural_images import (
                             NATURAL_IMAGES,
                             GaborFit,
                             GaborFits,
                             fit_gabor,
                             fit_gabors,
                             learn_v1_filters,
                             natural_image,
                             natural_image_patches,
)
from .normalization import (
                             CrossOrientation,
                             NormalizedPopulation,
                             cross_orientation_suppression,
                             normalized_population,
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
                             tuning_half_width,
)
from .spiking_v1 import (
                             CompiledSpikingV1,
                             ContrastInvariance,
                             PopulationTuning,
                             SpikingTuning,
                             compiled_spiking_v1,
                             contrast_invariance,
                             population_tuning,
                             simple_cell_drive,
                             spiking_orientation_tuning,
)

__all__ = [
    "NATURAL_IMAGES",
    "CompiledSpikingV1",
    "ContrastInvariance",
    "CrossOrientation",
    "DigitsCNNResult",
    "FeatureMaps",
    "FilterTuning",
    "GaborFit",
    "GaborFits",
    "LGNResponse",
    "NormalizedPopulation",
    "OrientationTuning",
    "PopulationTuning",
    "SpikingTuning",
    "SpotSizeTuning",
    "center_surround",
    "cnn_feature_maps",
    "compiled_spiking_v1",
    "complex_cell_response",
    "contrast_invariance",
    "cross_orientation_suppression",
    "drifting_grating",
    "filter_orientation_tuning",
    "fit_gabor",
    "fit_gabors",
    "gabor",
    "grating",
    "learn_v1_filters",
    "lgn_response",
    "natural_image",
    "natural_image_patches",
    "normalized_population",
    "orientation_difference",
    "orientation_selectivity_index",
    "orientation_tuning",
    "population_tuning",
    "simple_cell_drive",
    "simple_cell_response",
    "spiking_orientation_tuning",
    "spot_size_tuning",
    "train_digits_cnn",
    "tuning_half_width",
]
