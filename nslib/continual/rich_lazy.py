"""How the rank of a circuit's initial connectivity sets how much learning changes it.

Liu et al. (2023) trained recurrent networks whose initial recurrent weights
had the same Frobenius norm (the same total synaptic strength) but different
rank. Low-rank starting points learned more *richly*: their weights, their
representations and their tangent kernel changed more. Full-rank ones learned
more *lazily*: a smaller change of the weights, using features the random
connectivity already provided (in the lazy limit the network behaves like its
linearisation around the start, and its tangent kernel stays fixed; Chizat,
Oyallon & Bach 2019). Rich and lazy are the ends of a continuum: a network is
richer or lazier than another.

This is a small version of their experiment, after their published code: a
ReLU RNN of 64 units, ``h_t = relu(U x_t + W h_{t-1})``, outputs ``V h_t``, on a
two-alternative perceptual decision (which of two noisy inputs is stronger,
reported at the last of 8 steps; the network must hold fixation before).
The initial ``W`` is a Gaussian matrix (standard deviation ``gain/√N``)
truncated by SVD to ``rank`` and rescaled to the Frobenius norm of the
full-rank one. All weights learn by SGD with momentum on the cross-entropy.

Three measures of richness, each comparing the trained network with its start:

* **weight change** ``‖W_T − W_0‖_F``;
* **kernel alignment** of the tangent kernel with respect to ``W``,
  ``K_ab = ⟨∂f_a/∂W, ∂f_b/∂W⟩`` over a fixed probe batch of trials and the 3
  outputs at the decision step: ``A(K_0, K_T) = ⟨K_0, K_T⟩_F / (‖K_0‖ ‖K_T‖)``
  (1: the kernel kept its shape, lazy; lower: it changed, rich);
* **representation alignment**, the same for the Gram matrix of the hidden
  activity at the decision step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._torch import reproducible_torch, torch_seed
from .._validation import as_generator, check_int, check_number, check_positive

__all__ = ["DecisionTrials", "RichLazyResult", "decision_trials", "kernel_alignment", "rich_lazy_experiment"]

_N_STEPS = 8          # 7 stimulus steps, then the decision step
_N_OUTPUTS = 3        # fixate, choice 1, choice 2
_COHERENCES = (0.1, 0.2, 0.4, 0.8)


@dataclass(frozen=True, eq=False)
class DecisionTrials:
    """A batch of trials of the two-alternative decision task.

    Attributes
    ----------
    inputs : numpy.ndarray, shape (8, n_trials, 3)
        Fixation cue and the two evidence channels at each step.
    targets : numpy.ndarray of int, shape (8, n_trials)
        0 (fixate) during the stimulus, then the correct choice, 1 or 2.
    """

    inputs: np.ndarray
    targets: np.ndarray


def decision_trials(n_trials: int, *, seed: Any = 0, noise: float = 0.5) -> DecisionTrials:
    """Trials of the two-alternative perceptual decision task.

    Inputs, shape ``(8, n_trials, 3)``: a fixation cue (1 for the 7 stimulus
    steps, 0 at the decision step) and two evidence channels with means
    ``(1 ± s)/2`` plus Gaussian noise, where ``s = ±coherence`` and the
    coherence is drawn from 0.1, 0.2, 0.4, 0.8. Targets, shape
    ``(8, n_trials)``: 0 (fixate) during the stimulus, then 1 or 2, the
    channel with the larger mean.

    Parameters
    ----------
    n_trials : int, >= 1
        Number of trials.
    seed : int or numpy.random.Generator
        Draws the choices, coherences and noise.
    noise : float, >= 0
        Standard deviation of the noise on each evidence channel per step.

    Returns
    -------
    DecisionTrials
        ``inputs``, shape ``(8, n_trials, 3)``, and ``targets``, shape ``(8, n_trials)``.

    Examples
    --------
    >>> trials = decision_trials(4, seed=0)
    >>> x, y = trials.inputs, trials.targets
    >>> x.shape, y.shape, sorted(set(y[-1].tolist())) <= [1, 2]
    ((8, 4, 3), (8, 4), True)
    """
    n_trials = check_int("n_trials", n_trials, low=1)
    noise = check_number("noise", noise, low=0.0)
    rng = as_generator(seed)
    choice = rng.integers(0, 2, n_trials)
    signed = np.where(choice == 0, 1.0, -1.0) * rng.choice(_COHERENCES, n_trials)
    x = np.zeros((_N_STEPS, n_trials, 3))
    x[:-1, :, 0] = 1.0
    x[:-1, :, 1] = (1 + signed) / 2 + noise * rng.normal(size=(_N_STEPS - 1, n_trials))
    x[:-1, :, 2] = (1 - signed) / 2 + noise * rng.normal(size=(_N_STEPS - 1, n_trials))
    y = np.zeros((_N_STEPS, n_trials), dtype=int)
    y[-1] = choice + 1
    return DecisionTrials(inputs=x, targets=y)


def kernel_alignment(a: Any, b: Any) -> float:
    """Alignment ``⟨A, B⟩_F / (‖A‖_F ‖B‖_F)`` of two kernel (Gram) matrices.

    Parameters
    ----------
    a, b : array_like, shape (n, n)
        Two kernel matrices of the same shape, neither all zeros.

    Returns
    -------
    float
        The cosine of the angle between them as vectors: 1 for proportional
        kernels.

    Examples
    --------
    >>> round(kernel_alignment(np.eye(2), 2 * np.eye(2)), 4)
    1.0
    >>> round(kernel_alignment(np.eye(2), np.ones((2, 2))), 4)
    0.7071
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 2 or a.shape != b.shape or a.shape[0] != a.shape[1]:
        raise ValueError(f"a must be a square matrix of the same shape as b; got {a.shape} and {b.shape}")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("a must not be all zeros (nor b)")
    return float(np.sum(a * b) / (na * nb))


@dataclass(frozen=True, eq=False)
class RichLazyResult:
    """How much one training run changed the network.

    Attributes
    ----------
    rank : int
        Rank of the initial recurrent weights.
    n_units : int
    initial_norm : float
        ``‖W_0‖_F`` (the same for every rank).
    weight_change : float
        ``‖W_T − W_0‖_F``.
    relative_weight_change : float
        ``weight_change / initial_norm``.
    kernel_alignment : float
        Alignment of the tangent kernel (w.r.t. ``W``) before and after
        training, in [−1, 1]; lower is richer.
    representation_alignment : float
        Alignment of the Gram matrix of decision-step activity before and after.
    loss : numpy.ndarray, shape (steps,)
        Training cross-entropy (nats) per step.
    accuracy : float
        Fraction of 500 held-out trials decided correctly.
    singular_values : numpy.ndarray, shape (n_units,)
        Of the initial ``W``.
    final_singular_values : numpy.ndarray, shape (n_units,)
        Of the trained ``W_T``.
    change_singular_values : numpy.ndarray, shape (n_units,)
        Of the change ``W_T − W_0``: how many directions learning added.
    """

    rank: int
    n_units: int
    initial_norm: float
    weight_change: float
    relative_weight_change: float
    kernel_alignment: float
    representation_alignment: float
    loss: np.ndarray
    accuracy: float
    singular_values: np.ndarray
    final_singular_values: np.ndarray
    change_singular_values: np.ndarray


def rich_lazy_experiment(rank: int, *, n_units: int = 64, gain: float = 1.25, steps: int = 500,
                         learning_rate: float = 0.01, batch_size: int = 128, n_probe: int = 32,
                         seed: Any = 0) -> RichLazyResult:
    """Train the RNN from an initial recurrent matrix of the given rank; measure the change.

    Parameters
    ----------
    rank : int, 1..n_units
        Rank of the initial recurrent weights ``W_0`` (``n_units``: full rank).
    n_units : int, >= 2
    gain : float, > 0
        The full-rank Gaussian has entries of standard deviation ``gain/√N``;
        every rank is rescaled to its Frobenius norm, ``≈ gain·√N``.
    steps : int, >= 1
        SGD steps (momentum 0.9), each on a fresh batch of trials.
    learning_rate : float, > 0
    batch_size : int, >= 1
    n_probe : int, >= 2
        Trials in the fixed probe batch on which the kernels are measured.
    seed : int or numpy.random.Generator
        Seeds ``W_0`` (the same Gaussian matrix for every rank, then
        truncated), the other initial weights and the trials.

    Returns
    -------
    RichLazyResult

    Examples
    --------
    >>> low = rich_lazy_experiment(1, n_units=16, steps=20, n_probe=4)
    >>> round(low.initial_norm, 2), low.rank, bool(low.singular_values[1] < 1e-5)
    (4.86, 1, True)
    >>> 0 < low.kernel_alignment <= 1
    True
    """
    n_units = check_int("n_units", n_units, low=2)
    rank = check_int("rank", rank, low=1, high=n_units)
    gain = check_positive("gain", gain)
    steps = check_int("steps", steps, low=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    batch_size = check_int("batch_size", batch_size, low=1)
    n_probe = check_int("n_probe", n_probe, low=2)
    rng = as_generator(seed)
    seed_int = torch_seed(rng if isinstance(seed, np.random.Generator) else seed)
    data_seed = np.random.SeedSequence(seed_int)
    w_seed, probe_seed, test_seed, train_seed = data_seed.spawn(4)

    gaussian = gain * np.random.default_rng(w_seed).normal(size=(n_units, n_units)) / np.sqrt(n_units)
    u, s, vt = np.linalg.svd(gaussian)
    w0 = (u[:, :rank] * s[:rank]) @ vt[:rank]
    w0 *= np.linalg.norm(gaussian) / np.linalg.norm(w0)   # same total synaptic strength
    probe_x = decision_trials(n_probe, seed=np.random.default_rng(probe_seed)).inputs
    test = decision_trials(500, seed=np.random.default_rng(test_seed))
    test_x, test_y = test.inputs, test.targets
    train_rng = np.random.default_rng(train_seed)

    import torch

    with reproducible_torch(seed_int):
        recurrent = torch.tensor(w0, dtype=torch.float32, requires_grad=True)
        inputs = torch.nn.Linear(3, n_units, bias=False).weight
        readout = torch.nn.Linear(n_units, _N_OUTPUTS, bias=False).weight
        params = [recurrent, inputs, readout]

        def run(x):
            h = torch.zeros(x.shape[1], n_units)
            states = []
            for x_t in x:
                h = torch.relu(x_t @ inputs.T + h @ recurrent.T)
                states.append(h)
            states = torch.stack(states)
            return states @ readout.T, states

        probe = torch.tensor(probe_x, dtype=torch.float32)
        k0, r0 = _kernels(run, probe, recurrent)
        optimizer = torch.optim.SGD(params, lr=learning_rate, momentum=0.9)
        losses = np.empty(steps)
        for step in range(steps):
            batch = decision_trials(batch_size, seed=train_rng)
            x, y = batch.inputs, batch.targets
            out, _ = run(torch.tensor(x, dtype=torch.float32))
            loss = torch.nn.functional.cross_entropy(out.reshape(-1, _N_OUTPUTS),
                                                     torch.tensor(y).reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses[step] = loss.item()
        k1, r1 = _kernels(run, probe, recurrent)
        with torch.no_grad():
            out, _ = run(torch.tensor(test_x, dtype=torch.float32))
            accuracy = float((out[-1].argmax(dim=1).numpy() == test_y[-1]).mean())
            change = float(torch.linalg.norm(recurrent - torch.tensor(w0, dtype=torch.float32)))
            w_final = recurrent.detach().numpy().astype(float)
    initial_norm = float(np.linalg.norm(w0))
    return RichLazyResult(
        rank=rank, n_units=n_units, initial_norm=initial_norm, weight_change=change,
        relative_weight_change=change / initial_norm, kernel_alignment=kernel_alignment(k0, k1),
        representation_alignment=kernel_alignment(r0, r1), loss=losses, accuracy=accuracy,
        singular_values=np.linalg.svd(w0, compute_uv=False),
        final_singular_values=np.linalg.svd(w_final, compute_uv=False),
        change_singular_values=np.linalg.svd(w_final - w0, compute_uv=False))


def _kernels(run, probe, recurrent):
    """Tangent kernel w.r.t. the recurrent weights, and the activity Gram matrix, at the decision step."""
    import torch

    out, states = run(probe)
    rows = []
    for trial in range(probe.shape[1]):
        for k in range(_N_OUTPUTS):
            grad, = torch.autograd.grad(out[-1, trial, k], recurrent, retain_graph=True)
            rows.append(grad.reshape(-1))
    jac = torch.stack(rows)
    activity = states[-1].detach()
    return (jac @ jac.T).numpy().astype(float), (activity @ activity.T).numpy().astype(float)
