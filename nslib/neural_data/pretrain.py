"""Pretrained models of population spiking, after NDT (Ye & Pandarinath 2021), NDT2 and POYO.

Several sessions record *different* neurons of the *same* latent dynamics
(each is a :func:`lorenz_population` with its own readout). The model has

* a **read-in** per session: a linear map from that session's neurons to a
  shared width (8 dimensions);
* a shared **core**: a small transformer encoder over the time bins (learned
  position embeddings, self-attention across the whole trial), the same for
  all sessions, as in NDT;
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
from typing import TYPE_CHECKING, Any

import numpy as np

from .._torch import reproducible_torch
from .._validation import as_generator, check_int, check_number
from ._cache import cached_arrays
from .population import lorenz_population, smooth_counts
from .recovery import LinearR2, held_out_score

if TYPE_CHECKING:
    import torch

__all__ = ["PretrainResult", "build_population_model", "masked_poisson_loss", "pretrain_transfer",
           "ridge_decode"]

#: Ridge penalties tried by every decoder (chosen by leave-one-trial-out style generalised CV).
RIDGE_ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def build_population_model(n_neurons: list[int], *, width: int = 8, d_model: int = 32, n_layers: int = 2,
                           max_steps: int = 512, dropout: float = 0.1) -> torch.nn.Module:
    """Per-session read-ins and read-outs around a shared transformer core (a torch module).

    Parameters
    ----------
    n_neurons : list of int
        Neurons of each session (each at least 1); session ``i`` gets its own read-in and read-out.
    width : int, default 8
        Width of every session's read-in, the shared interface to the core (at least 1).
    d_model : int, default 32
        Width of the transformer (even, at least 2; two attention heads).
    n_layers : int, default 2
        Transformer encoder layers (at least 1).
    max_steps : int, default 512
        Longest trial, in bins, the learned position embedding covers (at least 1).
    dropout : float, default 0.1
        Dropout inside the transformer while training, in [0, 1).

    Returns
    -------
    torch.nn.Module
        ``model(session, counts)`` takes counts (batch, time, neurons of that
        session) and returns ``(log_rates, states)``; ``model.states(session,
        counts)`` returns only the core's outputs (batch, time, d_model).

    Examples
    --------
    >>> import torch
    >>> model = build_population_model([5, 7], d_model=8, n_layers=1)
    >>> log_rates, states = model(1, torch.zeros(2, 10, 7))
    >>> tuple(log_rates.shape), tuple(states.shape)
    ((2, 10, 7), (2, 10, 8))
    """
    if not n_neurons:
        raise ValueError("n_neurons must list at least one session; got an empty list")
    for n in n_neurons:
        check_int("n_neurons", n, low=1)
    width = check_int("width", width, low=1)
    d_model = check_int("d_model", d_model, low=2)
    if d_model % 2:
        raise ValueError(f"d_model must be even (two attention heads); got {d_model}")
    n_layers = check_int("n_layers", n_layers, low=1)
    max_steps = check_int("max_steps", max_steps, low=1)
    dropout = check_number("dropout", dropout, low=0.0, high=1.0, high_inclusive=False)

    import torch
    from torch import nn

    class Core(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(width, d_model)
            self.position = nn.Parameter(torch.zeros(1, max_steps, d_model))
            layer = nn.TransformerEncoderLayer(d_model, 2, 2 * d_model, dropout=dropout, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)

        def forward(self, x):
            return self.encoder(self.embed(x) + self.position[:, :x.shape[1]])

    class PopulationModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.read_in = nn.ModuleList([nn.Linear(n, width) for n in n_neurons])
            self.core = Core()
            self.read_out = nn.ModuleList([nn.Linear(d_model, n) for n in n_neurons])

        def states(self, session: int, counts):
            return self.core(self.read_in[session](torch.log1p(counts)))

        def forward(self, session: int, counts):
            states = self.states(session, counts)
            return self.read_out[session](states), states

    return PopulationModel()


def masked_poisson_loss(log_rates: torch.Tensor, counts: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean Poisson negative log-likelihood ``λ - x log λ`` over the masked entries.

    The ``log x!`` term is left out: it does not depend on the model.

    Parameters
    ----------
    log_rates : torch.Tensor
        Predicted log expected counts per bin, shape (batch, time, neurons).
    counts : torch.Tensor
        Observed counts, same shape.
    mask : torch.Tensor
        1 where the input was hidden, 0 elsewhere; broadcasts against ``counts``
        (e.g. shape (batch, time, 1) hides whole bins).

    Returns
    -------
    torch.Tensor
        A scalar: nats per masked bin and neuron.

    Examples
    --------
    >>> import torch
    >>> counts = torch.tensor([[[0.0], [2.0]]])
    >>> loss = masked_poisson_loss(torch.zeros(1, 2, 1), counts, torch.tensor([[[0.0], [1.0]]]))
    >>> round(float(loss), 3)  # rate 1 where 2 spikes were seen: 1 - 2 log 1
    1.0
    """
    nll = (log_rates.exp() - counts * log_rates) * mask
    return nll.sum() / (mask.expand_as(counts).sum() + 1e-9)


def ridge_decode(train_x: np.ndarray, train_z: np.ndarray, test_x: np.ndarray,
                 test_z: np.ndarray) -> LinearR2:
    """Ridge regression from features to latents, penalty chosen by scikit-learn's ``RidgeCV``.

    Parameters
    ----------
    train_x, test_x : ndarray, shape (trials, time, features)
        Features of the training and the held-out trials.
    train_z, test_z : ndarray, shape (trials, time, 3)
        True latents of the same trials.

    Returns
    -------
    LinearR2
        ``.r2``, the held-out R² (mean over latents), ``.r2_per_latent`` and ``.predicted``,
        as :func:`nslib.neural_data.linear_r2` gives for an unregularised map.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal((6, 20, 3))
    >>> x = z @ rng.standard_normal((3, 5))
    >>> round(ridge_decode(x[:4], z[:4], x[4:], z[4:]).r2, 2)
    1.0
    """
    from sklearn.linear_model import RidgeCV

    train_x, test_x = np.asarray(train_x, dtype=float), np.asarray(test_x, dtype=float)
    train_z, test_z = np.asarray(train_z, dtype=float), np.asarray(test_z, dtype=float)
    for name, value in (("train_x", train_x), ("train_z", train_z), ("test_x", test_x), ("test_z", test_z)):
        if value.ndim != 3:
            raise ValueError(f"{name} must be 3-D (trials, time, dims); got shape {value.shape}")
    if train_z.shape[-1] != 3 or test_z.shape[-1] != 3:
        raise ValueError(f"train_z and test_z must hold 3 latents; got {train_z.shape} and {test_z.shape}")
    ftr = train_x.reshape(-1, train_x.shape[-1])
    fte = test_x.reshape(-1, test_x.shape[-1])
    model = RidgeCV(alphas=RIDGE_ALPHAS).fit(ftr, train_z.reshape(-1, 3))
    return held_out_score(test_z.reshape(-1, 3), model.predict(fte), test_z.shape)


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


def pretrain_transfer(n_sessions: int = 8, new_session_trials=(5, 10, 20, 50), *, n_neurons: int = 50,
                      n_trials: int = 100, n_steps: int = 50, n_test: int = 50, mean_count: float = 0.05,
                      width: int = 8, d_model: int = 32, n_layers: int = 2, n_pretrain: int = 600,
                      n_adapt: int = 150, mask_fraction: float = 0.25, pretrain_lr: float = 0.003,
                      adapt_lr: float = 0.01, batch_size: int = 16, seed: Any = 0) -> PretrainResult:
    """Pretrain on ``n_sessions`` sessions, then decode a new session from a few trials.

    Parameters
    ----------
    n_sessions : int, default 8
        Pretraining sessions (1 to 32), each with its own neurons.
    new_session_trials : sequence of int, default (5, 10, 20, 50)
        Trials of the new session to fit with (each 2 to 500).
    n_neurons : int, default 50
        Neurons per session (2 to 500).
    n_trials : int, default 100
        Trials per session (2 to 1000); the new session's first ``max(new_session_trials)``
        trials are for fitting and its last ``n_test`` for scoring (they must not overlap).
    n_steps : int, default 50
        Bins of 20 ms per trial (2 to 500).
    n_test : int, default 50
        Held-out trials of the new session for scoring (1 to 1000).
    mean_count : float, default 0.05
        Mean spikes per bin per neuron (see :func:`lorenz_population`).
    width : int, default 8
        Width of the per-session read-in (1 to 256).
    d_model : int, default 32
        Width of the transformer core (even, 2 to 512).
    n_layers : int, default 2
        Transformer encoder layers (1 to 8).
    n_pretrain, n_adapt : int, default 600 and 150
        Adam steps of pretraining (and of training from scratch), and of adapting to the new session.
    mask_fraction : float, default 0.25
        Fraction of time bins hidden per trial (0 to 1, exclusive).
    pretrain_lr, adapt_lr : float, default 0.003 and 0.01
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
    d_model = check_int("d_model", d_model, low=2, high=512)
    if d_model % 2:
        raise ValueError(f"d_model must be even (two attention heads); got {d_model}")
    n_layers = check_int("n_layers", n_layers, low=1, high=8)
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
    settings = {"counts_list": counts_list, "width": width, "d_model": d_model, "n_layers": n_layers,
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

    model.train()
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
        states = model.core(torch.cat(inputs)).split([len(t) for t in targets])
        loss = sum(masked_poisson_loss(model.read_out[index](state), target, mask)
                   for (index, _), state, target, mask in zip(sessions, states, targets, masks, strict=True))
        loss = loss / len(sessions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        history[step] = float(loss.detach())
    return history


def _decode(model, session, x_all, latents, k, test) -> LinearR2:
    """Ridge from the core's states (dropout off) of the first ``k`` trials, scored on ``test``."""
    import torch

    model.eval()
    with torch.no_grad():
        states = model.states(session, x_all).numpy()
    return ridge_decode(states[:k], latents[:k], states[test], latents[test])


def _pretrain_transfer(session_counts, new_counts, new_latents, *, counts_list, width, d_model, n_layers,
                       n_pretrain, n_adapt, mask_fraction, pretrain_lr, adapt_lr, batch_size, n_test,
                       torch_seed_value) -> dict:
    import torch

    n_new = new_counts.shape[2]
    test = slice(new_counts.shape[0] - n_test, None)
    pretrained, scratch, ridge, predictions = [], [], [], []
    with reproducible_torch(torch_seed_value) as generator:
        sizes = [c.shape[2] for c in session_counts] + [n_new]
        model = build_population_model(sizes, width=width, d_model=d_model, n_layers=n_layers,
                                       max_steps=new_counts.shape[1])
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
            pred_p = _decode(model, new_index, x_all, new_latents, k, test)
            # The same architecture, every parameter trained on the new session alone.
            fresh = build_population_model([n_new], width=width, d_model=d_model, n_layers=n_layers,
                                           max_steps=new_counts.shape[1])
            with torch.no_grad():
                fresh.read_out[0].bias.copy_(torch.log(train.mean(dim=(0, 1)) + 1e-3))
            _fit(fresh, fresh.parameters(), [(0, train)], n_iterations=n_pretrain, lr=pretrain_lr,
                 mask_fraction=mask_fraction, batch_size=batch_size, generator=generator)
            pred_s = _decode(fresh, 0, x_all, new_latents, k, test)
            smooth = smooth_counts(new_counts, 3.0)
            pred_r = ridge_decode(smooth[:k], new_latents[:k], smooth[test], new_latents[test])
            pretrained.append(pred_p.r2)
            scratch.append(pred_s.r2)
            ridge.append(pred_r.r2)
            predictions.append(np.stack([pred_p.predicted[-1], pred_s.predicted[-1], pred_r.predicted[-1]]))
    return {"pretrained_r2": np.asarray(pretrained), "scratch_r2": np.asarray(scratch),
            "ridge_r2": np.asarray(ridge), "pretrain_loss": loss, "predictions": np.asarray(predictions)}
