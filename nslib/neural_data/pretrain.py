"""Pretrained models of population spiking, after NDT (Ye & Pandarinath 2021), NDT2 and POYO.

Several sessions record *different* neurons of the *same* latent dynamics
(each is a :func:`lorenz_population` with its own readout). The model has

* a **read-in** per session: a linear map from that session's neurons to a
  shared width (8 dimensions);
* a shared **core**: a bidirectional GRU over time, the same for all sessions;
* a **read-out** per session: a linear map from the core's state to that
  session's log-rates.

**Pretraining** is masked-spike modelling: in every step, for every session,
a random fraction of the time bins of each trial is hidden (set to zero at the
input) and the model is trained to predict the hidden counts (Poisson
negative log-likelihood on the masked bins only). Every step uses every
session.

**A new session** brings new neurons: only its read-in and read-out are
fitted (same masked loss, the core frozen, a lower learning rate), on 5 to 50
trials. The core's states then feed a ridge regression to the latent (the
"behaviour" to decode), fitted on the same few trials and scored as held-out
R² on other trials of the new session. Two baselines get the same trials: the
same architecture trained **from scratch** on the new session alone, and
**smoothed ridge**: ridge regression from Gaussian-smoothed counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._torch import reproducible_torch
from .._validation import as_generator, check_int, check_number
from ._cache import cached_arrays
from .population import lorenz_population, smooth_counts

__all__ = ["PretrainResult", "build_population_model", "masked_poisson_loss", "pretrain_transfer",
           "ridge_decode"]

#: Ridge penalties tried by every decoder (chosen by leave-one-trial-out style generalised CV).
RIDGE_ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def build_population_model(n_neurons: list[int], *, width: int = 8, hidden_size: int = 32):
    """Per-session read-ins and read-outs around a shared bidirectional GRU core (torch module).

    ``forward(session, counts)`` takes counts (batch, time, neurons of that
    session) and returns ``(log_rates, states)``; ``states`` are the core's
    outputs (batch, time, 2 * hidden_size).
    """
    import torch
    from torch import nn

    class PopulationModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.read_in = nn.ModuleList([nn.Linear(n, width) for n in n_neurons])
            self.core = nn.GRU(width, hidden_size, batch_first=True, bidirectional=True)
            self.read_out = nn.ModuleList([nn.Linear(2 * hidden_size, n) for n in n_neurons])

        def states(self, session: int, counts):
            return self.core(self.read_in[session](torch.log1p(counts)))[0]

        def forward(self, session: int, counts):
            states = self.states(session, counts)
            return self.read_out[session](states), states

    return PopulationModel()


def masked_poisson_loss(log_rates, counts, mask):
    """Mean Poisson negative log-likelihood ``λ - x log λ`` over the masked entries (torch tensors).

    ``mask`` is 1 where the input was hidden and broadcasts against ``counts``.
    """
    nll = (log_rates.exp() - counts * log_rates) * mask
    return nll.sum() / (mask.expand_as(counts).sum() + 1e-9)


def ridge_decode(train_x, train_z, test_x, test_z) -> tuple[float, np.ndarray]:
    """Ridge regression from features to latents, penalty chosen by scikit-learn's ``RidgeCV``.

    Arrays are (trials, time, dims); returns the held-out R² (mean over latents) and the prediction.
    """
    from sklearn.linear_model import RidgeCV

    ftr = np.asarray(train_x).reshape(-1, np.shape(train_x)[-1])
    fte = np.asarray(test_x).reshape(-1, np.shape(test_x)[-1])
    model = RidgeCV(alphas=RIDGE_ALPHAS).fit(ftr, np.asarray(train_z).reshape(-1, 3))
    predicted = model.predict(fte).reshape(np.shape(test_z))
    zte = np.asarray(test_z).reshape(-1, 3)
    per = 1 - ((zte - predicted.reshape(-1, 3)) ** 2).sum(0) / ((zte - zte.mean(0)) ** 2).sum(0)
    return float(per.mean()), predicted


@dataclass(frozen=True)
class PretrainResult:
    """Decoding a new session's latent after pretraining, against training from scratch and smoothed ridge.

    Attributes
    ----------
    new_session_trials : ndarray of int
        Trials of the new session used for fitting.
    pretrained_r2, scratch_r2, ridge_r2 : ndarray
        Held-out R² of the decoded latent, one per trial count.
    pretrain_loss : ndarray
        Masked Poisson loss per pretraining step (nats per masked bin and neuron, mean over sessions).
    test_latents : ndarray, shape (n_steps, 3)
        True latent of one held-out trial of the new session.
    predictions : ndarray, shape (n_counts, 3, n_steps, 3)
        Its decoded latent per trial count and method (pretrained, scratch, ridge).
    n_sessions, n_neurons, n_test : int
    """

    new_session_trials: np.ndarray
    pretrained_r2: np.ndarray
    scratch_r2: np.ndarray
    ridge_r2: np.ndarray
    pretrain_loss: np.ndarray
    test_latents: np.ndarray
    predictions: np.ndarray
    n_sessions: int
    n_neurons: int
    n_test: int


def pretrain_transfer(n_sessions: int = 8, new_session_trials=(5, 10, 20, 50), *, n_neurons: int = 20,
                      n_trials: int = 100, n_steps: int = 50, n_test: int = 50, mean_count: float = 0.03,
                      width: int = 8, hidden_size: int = 32, n_pretrain: int = 300, n_adapt: int = 150,
                      mask_fraction: float = 0.25, pretrain_lr: float = 0.01, adapt_lr: float = 0.003,
                      batch_size: int = 16, seed: Any = 0) -> PretrainResult:
    """Pretrain on ``n_sessions`` sessions, then decode a new session from a few trials.

    Parameters
    ----------
    n_sessions : int, default 8
        Pretraining sessions (1 to 32), each with its own neurons.
    new_session_trials : sequence of int, default (5, 10, 20, 50)
        Trials of the new session to fit with (each 2 to 500).
    n_neurons : int, default 20
        Neurons per session (2 to 500).
    n_trials : int, default 100
        Trials per session (2 to 1000); the new session's first ``max(new_session_trials)``
        trials are for fitting and its last ``n_test`` for scoring (they must not overlap).
    n_steps : int, default 50
        Bins of 20 ms per trial (2 to 500).
    n_test : int, default 50
        Held-out trials of the new session for scoring (1 to 1000).
    mean_count : float, default 0.03
        Mean spikes per bin per neuron (see :func:`lorenz_population`).
    width : int, default 8
        Width of the per-session read-in (1 to 256).
    hidden_size : int, default 32
        Units per direction of the core GRU (1 to 512).
    n_pretrain, n_adapt : int, default 300 and 150
        Adam steps of pretraining (and of training from scratch), and of adapting to the new session.
    mask_fraction : float, default 0.25
        Fraction of time bins hidden per trial (0 to 1, exclusive).
    pretrain_lr, adapt_lr : float, default 0.01 and 0.003
        Initial Adam learning rates (cosine decay to 0).
    batch_size : int, default 16
        Trials per session and step.
    seed : int or numpy.random.Generator

    Returns
    -------
    PretrainResult
        Cached on disk by a hash of the data and the settings.

    Examples
    --------
    >>> res = pretrain_transfer(2, (4,), n_neurons=8, n_trials=6, n_steps=10, n_test=3,
    ...                         n_pretrain=3, n_adapt=2, seed=0)  # doctest: +SKIP
    >>> res.pretrained_r2.shape  # doctest: +SKIP
    (1,)
    """
    n_sessions = check_int("n_sessions", n_sessions, low=1, high=32)
    counts_list = [check_int("new_session_trials", int(k), low=2, high=500)
                   for k in np.atleast_1d(new_session_trials)]
    n_neurons = check_int("n_neurons", n_neurons, low=2, high=500)
    n_trials = check_int("n_trials", n_trials, low=2, high=1000)
    n_steps = check_int("n_steps", n_steps, low=2, high=500)
    n_test = check_int("n_test", n_test, low=1, high=1000)
    mean_count = check_number("mean_count", mean_count, low=0.0, high=5.0, low_inclusive=False)
    width = check_int("width", width, low=1, high=256)
    hidden_size = check_int("hidden_size", hidden_size, low=1, high=512)
    n_pretrain = check_int("n_pretrain", n_pretrain, low=1, high=20000)
    n_adapt = check_int("n_adapt", n_adapt, low=1, high=20000)
    mask_fraction = check_number("mask_fraction", mask_fraction, low=0.0, high=1.0, low_inclusive=False,
                                 high_inclusive=False)
    pretrain_lr = check_number("pretrain_lr", pretrain_lr, low=0.0, high=1.0, low_inclusive=False)
    adapt_lr = check_number("adapt_lr", adapt_lr, low=0.0, high=1.0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, low=1)
    if max(counts_list) + n_test > n_trials:
        raise ValueError(f"new_session_trials must be at most n_trials - n_test = {n_trials - n_test}; "
                         f"got {max(counts_list)}")
    rng = as_generator(seed)
    seeds = rng.integers(0, 2**31 - 1, size=n_sessions + 2)
    sessions = [lorenz_population(n_neurons, n_trials, n_steps, mean_count, seed=int(s))
                for s in seeds[:n_sessions]]
    new = lorenz_population(n_neurons, n_trials, n_steps, mean_count, seed=int(seeds[n_sessions]))
    settings = {"counts_list": counts_list, "width": width, "hidden_size": hidden_size,
                "n_pretrain": n_pretrain, "n_adapt": n_adapt, "mask_fraction": mask_fraction,
                "pretrain_lr": pretrain_lr, "adapt_lr": adapt_lr, "batch_size": batch_size,
                "n_test": n_test, "torch_seed_value": int(seeds[-1])}
    data = {"sessions": [s.counts for s in sessions], "new": new.counts, "latents": new.latents}

    def compute():
        return _pretrain_transfer([s.counts.astype(float) for s in sessions], new.counts.astype(float),
                                  new.latents, **settings)

    out = cached_arrays("pretrain", {**data, **settings}, compute)
    return PretrainResult(new_session_trials=np.asarray(counts_list), pretrained_r2=out["pretrained_r2"],
                          scratch_r2=out["scratch_r2"], ridge_r2=out["ridge_r2"],
                          pretrain_loss=out["pretrain_loss"], test_latents=new.latents[-1],
                          predictions=out["predictions"], n_sessions=n_sessions, n_neurons=n_neurons,
                          n_test=n_test)


def _fit(model, parameters, sessions, *, n_iterations, lr, mask_fraction, batch_size, generator):
    """Masked-spike modelling: Adam with a cosine schedule; every step uses every session in ``sessions``."""
    import torch

    optimizer = torch.optim.Adam(parameters, lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=n_iterations)
    history = np.empty(n_iterations)
    for step in range(n_iterations):
        inputs, targets, masks = [], [], []
        for index, x in sessions:
            rows = torch.randint(0, x.shape[0], (min(batch_size, x.shape[0]),), generator=generator)
            mask = (torch.rand(len(rows), x.shape[1], 1, generator=generator) < mask_fraction).float()
            inputs.append(model.read_in[index](torch.log1p(x[rows] * (1 - mask))))
            targets.append(x[rows])
            masks.append(mask)
        # One pass of the shared core over the trials of every session at once.
        states = model.core(torch.cat(inputs))[0].split([len(t) for t in targets])
        loss = sum(masked_poisson_loss(model.read_out[index](state), target, mask)
                   for (index, _), state, target, mask in zip(sessions, states, targets, masks, strict=True))
        loss = loss / len(sessions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history[step] = float(loss.detach())
    return history


def _pretrain_transfer(session_counts, new_counts, new_latents, *, counts_list, width, hidden_size,
                       n_pretrain, n_adapt, mask_fraction, pretrain_lr, adapt_lr, batch_size, n_test,
                       torch_seed_value) -> dict:
    import torch

    n_new = new_counts.shape[2]
    test = slice(new_counts.shape[0] - n_test, None)
    pretrained, scratch, ridge, predictions = [], [], [], []
    with reproducible_torch(torch_seed_value) as generator:
        sizes = [c.shape[2] for c in session_counts] + [n_new]
        model = build_population_model(sizes, width=width, hidden_size=hidden_size)
        tensors = [torch.tensor(c, dtype=torch.float32) for c in session_counts]
        with torch.no_grad():
            all_counts = tensors + [torch.tensor(new_counts, dtype=torch.float32)]
            for layer, x in zip(model.read_out, all_counts, strict=True):
                layer.bias.copy_(torch.log(x.mean(dim=(0, 1)) + 1e-3))
        loss = _fit(model, model.parameters(), list(enumerate(tensors)), n_iterations=n_pretrain,
                    lr=pretrain_lr, mask_fraction=mask_fraction, batch_size=batch_size, generator=generator)
        model.core.requires_grad_(False)
        new_index = len(session_counts)
        initial = {k: v.clone() for k, v in model.state_dict().items()}
        x_all = torch.tensor(new_counts, dtype=torch.float32)
        for k in counts_list:
            model.load_state_dict(initial)
            train = x_all[:k]
            adapt = list(model.read_in[new_index].parameters()) + list(model.read_out[new_index].parameters())
            _fit(model, adapt, [(new_index, train)], n_iterations=n_adapt, lr=adapt_lr,
                 mask_fraction=mask_fraction, batch_size=batch_size, generator=generator)
            with torch.no_grad():
                states = model.states(new_index, x_all).numpy()
            r2_p, pred_p = ridge_decode(states[:k], new_latents[:k], states[test], new_latents[test])
            # The same architecture, every parameter trained on the new session alone.
            fresh = build_population_model([n_new], width=width, hidden_size=hidden_size)
            with torch.no_grad():
                fresh.read_out[0].bias.copy_(torch.log(train.mean(dim=(0, 1)) + 1e-3))
            _fit(fresh, fresh.parameters(), [(0, train)], n_iterations=n_pretrain, lr=pretrain_lr,
                 mask_fraction=mask_fraction, batch_size=batch_size, generator=generator)
            with torch.no_grad():
                states = fresh.states(0, x_all).numpy()
            r2_s, pred_s = ridge_decode(states[:k], new_latents[:k], states[test], new_latents[test])
            smooth = smooth_counts(new_counts, 3.0)
            r2_r, pred_r = ridge_decode(smooth[:k], new_latents[:k], smooth[test], new_latents[test])
            pretrained.append(r2_p)
            scratch.append(r2_s)
            ridge.append(r2_r)
            predictions.append(np.stack([pred_p[-1], pred_s[-1], pred_r[-1]]))
    return {"pretrained_r2": np.asarray(pretrained), "scratch_r2": np.asarray(scratch),
            "ridge_r2": np.asarray(ridge), "pretrain_loss": loss, "predictions": np.asarray(predictions)}
