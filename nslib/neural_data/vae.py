"""A small sequential variational autoencoder of spike counts, after LFADS (Pandarinath et al. 2018).

The model explains each trial's counts ``x`` (time × neurons) by an initial
condition ``g0`` of a recurrent generator and small inferred inputs ``u_t``:

* **encoder** -- a bidirectional GRU reads ``log(1 + x)``; its two final
  states give the mean ``μ`` and log-variance ``log σ²`` of ``q(g0 | x)``,
  and its state at each bin those of ``q(u_t | x)`` (LFADS's inferred inputs,
  without its controller network);
* **generator** -- a GRU started at ``g0`` and driven by ``u_t`` unrolls the
  trial's dynamics; a linear map of its state gives the **factors**
  ``f_t`` (a few dimensions), and a linear map of the factors the log-rates;
* **likelihood** -- Poisson: ``log p(x | g0) = Σ_t Σ_n x log λ - λ - log x!``.

Training maximises the evidence lower bound
``ELBO = E_q[log p(x | g0, u)] - KL(q(g0, u | x) || N(0, I))`` by Adam with a
cosine learning-rate schedule (one sample of ``g0`` per trial and step, the
reparameterisation trick), with the KL weight warmed up linearly over the
first fifth of the steps. Torch is imported inside the functions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._torch import module_from_weights, module_weights, reproducible_torch, torch_seed
from .._validation import check_finite_array, check_int, check_number
from ._cache import cached_arrays

if TYPE_CHECKING:  # torch is imported inside the functions only
    import torch

WARMUP_FRACTION = 0.5

__all__ = ["ELBOTerms", "VAEResult", "build_vae", "elbo_terms", "train_vae"]


def build_vae(n_neurons: int, *, n_factors: int = 3, n_inputs: int = 2, encoder_size: int = 32,
              generator_size: int = 32) -> torch.nn.Module:
    """The sequential VAE as an untrained torch module (see the module docstring).

    ``forward(counts, sample=True)`` takes counts of shape (batch, time,
    neurons) and returns ``(log_rates, factors, mean, log_var)``; ``mean`` and
    ``log_var`` hold the posterior of ``g0`` and of every ``u_t``, flattened.
    With ``sample=False`` the posterior means are used instead of samples.
    Its initial weights come from torch's global generator: build it inside
    :func:`nslib._torch.reproducible_torch` (as :func:`train_vae` does) to seed them.

    Parameters
    ----------
    n_neurons : int
        Neurons of the counts (>= 1).
    n_factors : int, default 3
        Dimensions of the factors (>= 1).
    n_inputs : int, default 2
        Dimensions of the inferred inputs ``u_t`` (>= 1).
    encoder_size : int, default 32
        Hidden units of the encoder GRU, per direction (>= 1).
    generator_size : int, default 32
        Hidden units of the generator GRU, the dimension of ``g0`` (>= 1).

    Returns
    -------
    torch.nn.Module
        The untrained network.

    Examples
    --------
    >>> import torch
    >>> model = build_vae(5, n_factors=2)
    >>> log_rates, factors, mean, log_var = model(torch.zeros(4, 10, 5))
    >>> tuple(log_rates.shape), tuple(factors.shape), tuple(mean.shape)
    ((4, 10, 5), (4, 10, 2), (4, 52))
    """
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    n_factors = check_int("n_factors", n_factors, low=1)
    n_inputs = check_int("n_inputs", n_inputs, low=1)
    encoder_size = check_int("encoder_size", encoder_size, low=1)
    generator_size = check_int("generator_size", generator_size, low=1)
    import torch
    from torch import nn

    class SequentialVAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.GRU(n_neurons, encoder_size, batch_first=True, bidirectional=True)
            self.posterior = nn.Linear(2 * encoder_size, 2 * generator_size)
            self.input_posterior = nn.Linear(2 * encoder_size, 2 * n_inputs)
            self.generator = nn.GRU(n_inputs, generator_size, batch_first=True)
            self.to_factors = nn.Linear(generator_size, n_factors)
            self.to_log_rates = nn.Linear(n_factors, n_neurons)

        def forward(self, counts, sample: bool = True):
            states, last = self.encoder(torch.log1p(counts))
            mean, log_var = self.posterior(torch.cat([last[0], last[1]], dim=-1)).chunk(2, dim=-1)
            u_mean, u_log_var = self.input_posterior(states).chunk(2, dim=-1)
            g0, u = mean, u_mean
            if sample:
                g0 = mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)
                u = u_mean + torch.exp(0.5 * u_log_var) * torch.randn_like(u_mean)
            states, _ = self.generator(u, g0.unsqueeze(0).contiguous())
            factors = self.to_factors(states)
            return (self.to_log_rates(factors), factors, torch.cat([mean, u_mean.flatten(1)], dim=-1),
                    torch.cat([log_var, u_log_var.flatten(1)], dim=-1))

    return SequentialVAE()


@dataclass(frozen=True)
class ELBOTerms:
    """The two terms of the ELBO, per trial (torch tensors, differentiable).

    Attributes
    ----------
    log_likelihood : torch.Tensor, shape (batch,)
        Poisson log-likelihood of each trial's counts, nats.
    kl : torch.Tensor, shape (batch,)
        KL divergence of each trial's posterior from the prior ``N(0, I)``, nats.
    """

    log_likelihood: torch.Tensor
    kl: torch.Tensor

    @property
    def elbo(self) -> torch.Tensor:
        """``log_likelihood - kl``, per trial."""
        return self.log_likelihood - self.kl


def elbo_terms(counts: torch.Tensor, log_rates: torch.Tensor, mean: torch.Tensor,
               log_var: torch.Tensor) -> ELBOTerms:
    """Poisson log-likelihood and KL term of the ELBO, per trial (torch tensors in, tensors out).

    ``log_lik = Σ_t Σ_n [x log λ - λ - log x!]`` and
    ``kl = ½ Σ_d [μ² + σ² - log σ² - 1]``; the ELBO is ``log_lik - kl``.
    The tensors keep their graph, so a loss built from them can be backpropagated.

    Parameters
    ----------
    counts : torch.Tensor, shape (batch, time, neurons)
        Spike counts ``x`` (>= 0).
    log_rates : torch.Tensor, shape (batch, time, neurons)
        Log expected counts ``log λ``.
    mean : torch.Tensor, shape (batch, dims)
        Posterior means ``μ``.
    log_var : torch.Tensor, shape (batch, dims)
        Posterior log-variances ``log σ²``.

    Returns
    -------
    ELBOTerms
        ``log_likelihood`` and ``kl``, one value per trial.

    Examples
    --------
    >>> import torch
    >>> terms = elbo_terms(torch.ones(1, 2, 1), torch.zeros(1, 2, 1), torch.zeros(1, 3), torch.zeros(1, 3))
    >>> terms.log_likelihood.tolist(), terms.kl.tolist()  # two bins of Poisson(1) seeing 1; prior = posterior
    ([-2.0], [0.0])
    """
    import torch

    log_lik = (counts * log_rates - torch.exp(log_rates) - torch.lgamma(counts + 1)).sum(dim=(1, 2))
    kl = 0.5 * (mean ** 2 + torch.exp(log_var) - log_var - 1).sum(dim=-1)
    return ELBOTerms(log_likelihood=log_lik, kl=kl)


@dataclass(frozen=True)
class VAEResult:
    """A trained sequential VAE.

    Attributes
    ----------
    factors : ndarray, shape (n_trials, n_steps, n_factors)
        Inferred factors of every trial given (posterior mean of ``g0``).
    log_rates : ndarray, shape (n_trials, n_steps, n_neurons)
        Inferred log expected counts per bin.
    elbo, kl : ndarray, shape (n_iterations,)
        ELBO and its KL term per training step, nats per trial (training batch).
    weights : dict of ndarray
        The trained parameters (``build_module()`` rebuilds the network).
    n_neurons, n_factors : int
    """

    factors: np.ndarray
    log_rates: np.ndarray
    elbo: np.ndarray
    kl: np.ndarray
    weights: dict
    n_neurons: int
    n_factors: int

    def build_module(self) -> torch.nn.Module:
        """The trained torch module (eval mode, frozen).

        Returns
        -------
        torch.nn.Module
            :func:`build_vae`'s network with the trained weights.
        """
        return module_from_weights(lambda: build_vae(self.n_neurons, n_factors=self.n_factors,
                                                     **_sizes(self.weights)), self.weights)


def _sizes(weights) -> dict:
    return {"encoder_size": int(weights["encoder.weight_hh_l0"].shape[1]),
            "generator_size": int(weights["generator.weight_hh_l0"].shape[1])}


def train_vae(train_counts, infer_counts=None, *, n_factors: int = 3, n_iterations: int = 600,
              learning_rate: float = 0.01, batch_size: int = 32, encoder_size: int = 32,
              generator_size: int = 32, seed: Any = 0) -> VAEResult:
    """Train the sequential VAE on counts and infer the factors of (other) trials.

    Parameters
    ----------
    train_counts : array_like, shape (n_trials, n_steps, n_neurons)
        Spike counts (>= 0) to train on; every step uses all of them.
    infer_counts : array_like, optional
        Counts whose factors to infer (same neurons and bins); default ``train_counts``.
    n_factors : int, default 3
        Dimensions of the factors (1 to 32).
    n_iterations : int, default 600
        Adam steps (1 to 20000).
    learning_rate : float, default 0.01
        Initial learning rate of Adam (> 0, <= 1), decayed to 0 along a cosine.
    batch_size : int, default 32
        Trials per step (>= 1), taken in a random order drawn before training.
    encoder_size, generator_size : int, default 32
        Hidden units of the encoder (per direction) and generator GRUs (1 to 512).
    seed : int or numpy.random.Generator

    Returns
    -------
    VAEResult
        Cached on disk by a hash of all inputs (see :mod:`nslib.neural_data._cache`).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).poisson(0.5, size=(8, 10, 5))
    >>> res = train_vae(x, n_iterations=5, seed=0)
    >>> res.factors.shape, res.elbo.shape
    ((8, 10, 3), (5,))
    """
    train = check_finite_array("train_counts", train_counts, ndim=3)
    if np.any(train < 0):
        raise ValueError("train_counts must be >= 0 (spike counts)")
    infer = train if infer_counts is None else check_finite_array("infer_counts", infer_counts, ndim=3)
    if infer.shape[1:] != train.shape[1:]:
        raise ValueError(f"infer_counts must have the shape (trials, {train.shape[1]}, {train.shape[2]}); "
                         f"got {infer.shape}")
    n_factors = check_int("n_factors", n_factors, low=1, high=32)
    n_iterations = check_int("n_iterations", n_iterations, low=1, high=20000)
    learning_rate = check_number("learning_rate", learning_rate, low=0.0, high=1.0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, low=1)
    encoder_size = check_int("encoder_size", encoder_size, low=1, high=512)
    generator_size = check_int("generator_size", generator_size, low=1, high=512)
    tseed = torch_seed(seed)
    settings = {"n_factors": n_factors, "n_iterations": n_iterations, "learning_rate": learning_rate,
                "batch_size": batch_size, "encoder_size": encoder_size, "generator_size": generator_size,
                "seed": tseed}

    def compute():
        return _train(train, infer, **settings)

    stored = cached_arrays("vae", {"train": train, "infer": infer, **settings}, compute)
    weights = {key[2:]: value for key, value in stored.items() if key.startswith("w:")}
    return VAEResult(factors=stored["factors"], log_rates=stored["log_rates"], elbo=stored["elbo"],
                     kl=stored["kl"], weights=weights, n_neurons=train.shape[2], n_factors=n_factors)


def _train(train, infer, *, n_factors, n_iterations, learning_rate, batch_size, encoder_size,
           generator_size, seed) -> dict:
    import torch

    with reproducible_torch(seed) as generator:
        model = build_vae(train.shape[2], n_factors=n_factors, encoder_size=encoder_size,
                          generator_size=generator_size)
        x = torch.tensor(train, dtype=torch.float32)
        with torch.no_grad():  # start at each neuron's mean count, not at 1 spike per bin
            model.to_log_rates.bias.copy_(torch.log(x.mean(dim=(0, 1)) + 1e-3))
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=n_iterations)
        warmup = max(1, int(WARMUP_FRACTION * n_iterations))
        elbo, kl_history = np.empty(n_iterations), np.empty(n_iterations)
        n_trials = x.shape[0]
        batch = min(batch_size, n_trials)
        # The mini-batches of every step, drawn before training: one permutation per pass.
        n_passes = -(-n_iterations * batch // n_trials)
        order = torch.cat([torch.randperm(n_trials, generator=generator) for _ in range(n_passes)])
        for step in range(n_iterations):
            rows = order[step * batch:(step + 1) * batch]
            log_rates, _, mean, log_var = model(x[rows])
            terms = elbo_terms(x[rows], log_rates, mean, log_var)
            log_lik, kl = terms.log_likelihood, terms.kl
            beta = min(1.0, step / warmup)
            loss = (-log_lik + beta * kl).mean()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 200.0)
            optimizer.step()
            schedule.step()
            elbo[step] = float((log_lik - kl).mean().detach())
            kl_history[step] = float(kl.mean().detach())
        model.eval()
        with torch.no_grad():
            log_rates, factors, _, _ = model(torch.tensor(infer, dtype=torch.float32), sample=False)
        out = {"factors": factors.numpy().astype(float), "log_rates": log_rates.numpy().astype(float),
               "elbo": elbo, "kl": kl_history}
        out.update({f"w:{key}": value for key, value in module_weights(model).items()})
        return out
