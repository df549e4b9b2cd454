"""Synchronization and redundancy in noisy neural learning (chapter 4).

* :mod:`.noise` -- noisy LIF populations (Brian2, via :mod:`nslib.spiking`):
  ISI variability and what pooling redundant units buys;
* :mod:`.kuramoto` -- phase oscillators, their order parameter and critical coupling;
* :mod:`.gap_junctions` -- LIF neurons coupled by gap junctions in Brian2, and
  Golomb's synchrony measure;
* :mod:`.graphs` -- coupling graphs and the spectrum of their Laplacian;
* :mod:`.learners` -- redundant noisy gradient learners coupled through a graph
  (Bouvrie & Slotine 2011): exact simulation and stationary theory, and a
  quartic loss where coupling changes the centre of mass's error;
* :mod:`.decision` -- coupled drift-diffusion integrators.

Importing this package imports neither Brian2 nor scipy: the functions that
need them import them.
"""

from .decision import CoupledDDM, DDMTheory, coupled_ddm, ddm_theory
from .gap_junctions import (
                            GAP_JUNCTION_EQUATIONS,
                            GAP_JUNCTION_SPIKELET,
                            GAP_JUNCTION_SYNAPSE,
                            GapJunctionNetwork,
                            GapJunctionResult,
                            gap_junction_population,
                            synchrony_chi,
)
from .graphs import GRAPH_KINDS, LaplacianSpectrum, graph_laplacian, laplacian_spectrum
from .kuramoto import KuramotoResult, critical_coupling, kuramoto, kuramoto_theory, natural_frequencies
from .learners import (
                            LearnersTheory,
                            QuarticLearners,
                            QuarticTheory,
                            RedundantLearners,
                            coupling_for_error,
                            quartic_learners_theory,
                            redundant_learners_theory,
                            simulate_quartic_learners,
                            simulate_redundant_learners,
)
from .noise import NoisyPopulation, isi_cv, noisy_lif_population, population_variability

__all__ = [
    "GAP_JUNCTION_EQUATIONS",
    "GAP_JUNCTION_SPIKELET",
    "GAP_JUNCTION_SYNAPSE",
    "GRAPH_KINDS",
    "CoupledDDM",
    "DDMTheory",
    "GapJunctionNetwork",
    "GapJunctionResult",
    "KuramotoResult",
    "LaplacianSpectrum",
    "LearnersTheory",
    "NoisyPopulation",
    "QuarticLearners",
    "QuarticTheory",
    "RedundantLearners",
    "coupled_ddm",
    "coupling_for_error",
    "critical_coupling",
    "ddm_theory",
    "gap_junction_population",
    "graph_laplacian",
    "isi_cv",
    "kuramoto",
    "kuramoto_theory",
    "laplacian_spectrum",
    "natural_frequencies",
    "noisy_lif_population",
    "population_variability",
    "quartic_learners_theory",
    "redundant_learners_theory",
    "simulate_quartic_learners",
    "simulate_redundant_learners",
    "synchrony_chi",
]
