"""Recovering the latents of a population: PCA, factor analysis and the sequential VAE.

Every method gets the same split: the first ``train_fraction`` of the trials
to fit the model *and* a linear map from its factors to the true latents
(ordinary least squares), the rest to score that map. The score is the
held-out coefficient of determination ``R² = 1 - SS_res / SS_tot``, averaged
over the 3 latent coordinates: 1 is perfect recovery, 0 is no better than
the mean. PCA and factor analysis (scikit-learn) see the counts smoothed
with a Gaussian kernel; the VAE sees the raw counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_choice, check_int, check_number
from .population import LorenzPopulation, smooth_counts
from .vae import train_vae

__all__ = ["METHODS", "LinearR2", "RecoveryResult", "held_out_score", "latent_recovery", "linear_r2"]

METHODS = ("pca", "fa", "vae")


@dataclass(frozen=True)
class LinearR2:
    """How well a linear map from factors predicts held-out latents.

    Attributes
    ----------
    r2 : float
        Held-out R², mean over the latent dimensions.
    r2_per_latent : ndarray, shape (n_latents,)
        Held-out R² of each latent dimension.
    predicted : ndarray
        The prediction of the test latents, of their shape.
    """

    r2: float
    r2_per_latent: np.ndarray
    predicted: np.ndarray


def linear_r2(train_factors, train_latents, test_factors, test_latents) -> LinearR2:
    """Fit ``latents ≈ factors @ A + c`` on training bins; return the test R², per-latent R² and prediction.

    The map is fitted by ordinary least squares over all bins of all training
    trials, and scored by ``R² = 1 - SS_res / SS_tot`` on the test bins.

    Parameters
    ----------
    train_factors : array_like, shape (n_train, n_steps, n_factors)
        Factors of the training trials.
    train_latents : array_like, shape (n_train, n_steps, n_latents)
        True latents of the training trials.
    test_factors : array_like, shape (n_test, n_steps, n_factors)
        Factors of the held-out trials.
    test_latents : array_like, shape (n_test, n_steps, n_latents)
        True latents of the held-out trials.

    Returns
    -------
    LinearR2
        The held-out R² (mean and per latent) and the prediction.

    Examples
    --------
    >>> import numpy as np
    >>> f = np.random.default_rng(0).normal(size=(4, 10, 2))
    >>> z = f @ np.array([[1.0], [2.0]]) + 3.0
    >>> score = linear_r2(f[:2], z[:2], f[2:], z[2:])
    >>> round(score.r2, 6), score.predicted.shape
    (1.0, (2, 10, 1))
    """
    ftr = np.asarray(train_factors, float).reshape(-1, np.shape(train_factors)[-1])
    fte = np.asarray(test_factors, float).reshape(-1, np.shape(test_factors)[-1])
    ztr = np.asarray(train_latents, float).reshape(-1, np.shape(train_latents)[-1])
    zte = np.asarray(test_latents, float).reshape(-1, np.shape(test_latents)[-1])
    design = np.hstack([ftr, np.ones((len(ftr), 1))])
    coef, *_ = np.linalg.lstsq(design, ztr, rcond=None)
    predicted = np.hstack([fte, np.ones((len(fte), 1))]) @ coef
    return held_out_score(zte, predicted, np.shape(test_latents))


def held_out_score(true, predicted, shape) -> LinearR2:
    """``R² = 1 - SS_res / SS_tot`` per latent of a prediction of held-out bins, as a :class:`LinearR2`.

    Parameters
    ----------
    true, predicted : ndarray, shape (n_bins, n_latents)
        The held-out latents and their prediction, bins of all test trials stacked.
    shape : tuple of int
        Shape of the test latents (trials, time, latents), to give the prediction back.

    Returns
    -------
    LinearR2
        The mean and per-latent R² and the prediction, of shape ``shape``.

    Examples
    --------
    >>> z = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> held_out_score(z, z + 0.5, (1, 4, 1)).r2
    0.8
    """
    per_latent = 1 - ((true - predicted) ** 2).sum(axis=0) / ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    return LinearR2(r2=float(per_latent.mean()), r2_per_latent=per_latent, predicted=predicted.reshape(shape))


@dataclass(frozen=True)
class RecoveryResult:
    """How well one method recovers the latents of a :class:`LorenzPopulation`.

    Attributes
    ----------
    method : str
    r2 : float
        Held-out R² of the linear map from the factors to the true latents, mean over the 3 latents.
    r2_per_latent : ndarray, shape (3,)
    test_latents, predicted : ndarray, shape (n_test, n_steps, 3)
        The true latents of the held-out trials and their prediction from the factors.
    factors : ndarray, shape (n_test, n_steps, n_factors)
        The method's factors of the held-out trials.
    elbo, kl : ndarray
        The VAE's ELBO and KL term per training step (nats per trial); empty for PCA and FA.
    n_train : int
        Training trials.
    """

    method: str
    r2: float
    r2_per_latent: np.ndarray
    test_latents: np.ndarray
    predicted: np.ndarray
    factors: np.ndarray
    elbo: np.ndarray
    kl: np.ndarray
    n_train: int


def latent_recovery(data: LorenzPopulation, method: str, *, n_factors: int = 8, sigma_bins: float = 3.0,
                    train_fraction: float = 0.8, n_iterations: int = 600, seed: Any = 0) -> RecoveryResult:
    """Recover the latents of ``data`` with PCA, factor analysis or the sequential VAE.

    Parameters
    ----------
    data : LorenzPopulation
        From :func:`lorenz_population`.
    method : {"pca", "fa", "vae"}
    n_factors : int, default 8
        Dimensions of every method's factors (1 to 32, at most the number of neurons).
    sigma_bins : float, default 3.0
        Gaussian smoothing for PCA and FA, in bins (>= 0).
    train_fraction : float, default 0.8
        Fraction of the trials used for fitting (0 to 1, leaving at least one trial on each side).
    n_iterations : int, default 600
        Training steps of the VAE (see :func:`nslib.neural_data.vae.train_vae`).
    seed : int or numpy.random.Generator
        Seeds the factor-analysis solver and the VAE.

    Returns
    -------
    RecoveryResult

    Examples
    --------
    >>> from nslib.neural_data import lorenz_population
    >>> pop = lorenz_population(n_neurons=20, n_trials=20, n_steps=30, mean_count=0.5,
    ...                         target="numpy", seed=0)
    >>> res = latent_recovery(pop, "pca", n_factors=3)
    >>> 0.0 < res.r2 <= 1.0
    True
    """
    if not isinstance(data, LorenzPopulation):
        raise ValueError(f"data must be a LorenzPopulation; got {type(data).__name__}")
    check_choice("method", method, METHODS)
    n_factors = check_int("n_factors", n_factors, low=1, high=min(32, data.n_neurons))
    sigma_bins = check_number("sigma_bins", sigma_bins, low=0.0)
    train_fraction = check_number("train_fraction", train_fraction, low=0.0, high=1.0,
                                  low_inclusive=False, high_inclusive=False)
    n_train = int(round(train_fraction * data.n_trials))
    if not 1 <= n_train < data.n_trials:
        raise ValueError(f"train_fraction must leave at least one trial to train and one to test; "
                         f"got {train_fraction} of {data.n_trials} trials")
    counts = data.counts.astype(float)
    elbo = kl = np.empty(0)
    if method == "vae":
        res = train_vae(counts[:n_train], counts, n_factors=n_factors, n_iterations=n_iterations, seed=seed)
        factors, elbo, kl = res.factors, res.elbo, res.kl
    else:
        from sklearn.decomposition import PCA, FactorAnalysis

        smooth = smooth_counts(counts, sigma_bins)
        flat = smooth.reshape(-1, data.n_neurons)
        if method == "pca":
            model = PCA(n_factors)
        else:
            model = FactorAnalysis(n_factors, random_state=int(np.random.default_rng(seed).integers(2**31))
                                   if isinstance(seed, np.random.Generator) else seed)
        model.fit(flat[:n_train * data.n_steps])
        factors = model.transform(flat).reshape(data.n_trials, data.n_steps, n_factors)
    score = linear_r2(factors[:n_train], data.latents[:n_train], factors[n_train:], data.latents[n_train:])
    return RecoveryResult(method=method, r2=score.r2, r2_per_latent=score.r2_per_latent,
                          test_latents=data.latents[n_train:], predicted=score.predicted,
                          factors=factors[n_train:], elbo=elbo, kl=kl, n_train=n_train)
