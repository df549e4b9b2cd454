"""Machine learning for neural data, scored against simulated ground truth (Chapter 7).

Recordings come from simulations whose latent state and synapses are known,
so every method gets a score:

* :mod:`.population` -- :func:`lorenz_population`: a Brian2 population of
  Poisson neurons whose rates follow a 3-D Lorenz attractor (the LFADS
  benchmark); binning and smoothing;
* :mod:`.recovery` -- :func:`latent_recovery`: PCA, factor analysis and a
  sequential VAE, scored by the held-out R² of a linear map to the true latents;
* :mod:`.vae` -- :func:`train_vae`: the sequential VAE (GRU encoder and
  generator, Poisson likelihood, after LFADS) and its ELBO terms;
* :mod:`.glm` -- :func:`glm_connectivity`: a Poisson GLM with coupling
  filters fitted to a small Brian2 LIF network with known synapses, scored by ROC AUC;
* :mod:`.pretrain` -- :func:`pretrain_transfer`: masked-spike pretraining
  over sessions with different neurons, then decoding a new session from few trials;
* :mod:`.flipflop` -- :func:`flipflop_rnn`: an RNN trained on the 3-bit
  flip-flop and its fixed points, found by minimising the speed.

Trained models are cached on disk by a hash of their inputs under
``nslib.spiking.cache_dir("neural_data")``. Figures are in
:mod:`nslib.plots.neural_data`. Torch and Brian2 are imported only when a model runs.
"""

from .flipflop import FlipFlopResult, FlipFlopTrials, flipflop_rnn, flipflop_task
from .glm import (
    COUPLING_LAGS_MS,
    GLM_NETWORK_EQUATIONS,
    HISTORY_LAGS_MS,
    GLMConnectivityResult,
    GLMNetworkSpikes,
    ROCCurve,
    fit_poisson_glm,
    glm_connectivity,
    lagged_features,
    roc_auc,
    simulate_glm_network,
)
from .population import (
    POPULATION_RATES,
    LorenzPopulation,
    bin_spikes,
    lorenz_latents,
    lorenz_population,
    smooth_counts,
)
from .pretrain import (
    PretrainResult,
    build_population_model,
    masked_poisson_loss,
    pretrain_transfer,
    ridge_decode,
)
from .recovery import METHODS, LinearR2, RecoveryResult, held_out_score, latent_recovery, linear_r2
from .vae import ELBOTerms, VAEResult, elbo_terms, train_vae

__all__ = ["COUPLING_LAGS_MS", "ELBOTerms", "FlipFlopResult", "FlipFlopTrials", "GLMConnectivityResult",
           "GLMNetworkSpikes", "GLM_NETWORK_EQUATIONS", "HISTORY_LAGS_MS", "LinearR2", "LorenzPopulation",
           "METHODS", "POPULATION_RATES", "PretrainResult", "ROCCurve", "RecoveryResult",
           "VAEResult", "bin_spikes", "build_population_model", "elbo_terms", "fit_poisson_glm",
           "flipflop_rnn", "flipflop_task", "glm_connectivity", "held_out_score", "lagged_features",
           "latent_recovery", "linear_r2", "lorenz_latents", "lorenz_population", "masked_poisson_loss",
           "pretrain_transfer", "ridge_decode", "roc_auc", "simulate_glm_network", "smooth_counts",
           "train_vae"]
