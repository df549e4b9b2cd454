"""Representational similarity analysis: comparing how networks and brains arrange their inputs.

Two systems can be compared without matching their units one to one.
Kriegeskorte, Mur & Bandettini (2008) proposed to summarise each one by its
*representational dissimilarity matrix* (RDM): for every pair of stimuli,
how different the activity patterns they evoke are. RDMs of a brain area, a
network layer or a model (for example "same category or not") all have the
same shape, whatever the number of units, and are compared by a rank
correlation of their entries. Linear centred kernel alignment (CKA;
Kornblith et al. 2019) compares two representations' similarity structures
directly, and is invariant to rotations and to isotropic scaling of either.

* :mod:`.geometry` -- the tools: :func:`rdm`, :func:`category_rdm`,
  :func:`compare_rdms`, :func:`linear_cka`, :func:`category_ceiling`, the
  best correlation any RDM can reach with a category model, and
  :func:`category_structure`, a representation's variance between and within classes;
* :mod:`.networks` -- the course's networks seen through them: the digits
  (:func:`digit_stimuli`) in chapter 1's model V1 (:func:`gabor_v1_features`),
  in each layer of chapter 1's CNN and chapter 6's MLP
  (:func:`cnn_layer_activations`, :func:`mlp_layer_activations`), each
  layer's match to the category model (:func:`layer_rdm_correlations`), and
  networks from different seeds compared by weights and by geometry
  (:func:`seed_geometry`), and every layer of one CNN against every layer of
  another (:func:`layer_correspondence`).

Everything is importable from ``nslib.rsa``.
"""

from .geometry import (
    CategoryStructure,
    category_ceiling,
    category_rdm,
    category_structure,
    compare_rdms,
    linear_cka,
    rdm,
)
from .networks import (
    CNN_LAYERS,
    CNNLayerActivations,
    DigitStimuli,
    LayerCorrespondence,
    LayerRDMs,
    MLPLayerActivations,
    SeedGeometry,
    cnn_layer_activations,
    digit_stimuli,
    gabor_v1_features,
    layer_correspondence,
    layer_rdm_correlations,
    mlp_layer_activations,
    seed_geometry,
)

__all__ = [
    "CNN_LAYERS",
    "CNNLayerActivations",
    "CategoryStructure",
    "LayerCorrespondence",
    "LayerRDMs",
    "MLPLayerActivations",
    "SeedGeometry",
    "category_ceiling",
    "category_rdm",
    "category_structure",
    "cnn_layer_activations",
    "compare_rdms",
    "DigitStimuli",
    "digit_stimuli",
    "gabor_v1_features",
    "layer_correspondence",
    "layer_rdm_correlations",
    "linear_cka",
    "mlp_layer_activations",
    "rdm",
    "seed_geometry",
]
