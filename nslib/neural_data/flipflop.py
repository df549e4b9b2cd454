"""An RNN trained on the 3-bit flip-flop, and its fixed points (Sussillo & Barak 2013).

Three input channels carry rare pulses of +1 or -1; each of the three
outputs must hold the sign of the last pulse on its channel. A vanilla RNN

``h_{t+1} = tanh(W h_t + U x_t + b)``, output ``y_t = V h_t + c``

is trained by Adam on the squared error. Its memory is a set of fixed points
of the input-free map ``F(h) = tanh(W h + b)``: they are found by minimising
the *speed* ``q(h) = ½ ||F(h) - h||²`` from many states the network visits,
and classified by the eigenvalues of the Jacobian ``J = diag(1 - F(h)²) W``:
a fixed point is stable when every ``|eigenvalue| < 1``. A trained network
has 8 stable fixed points, one per corner of the 3-bit cube, with saddles
between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._torch import reproducible_torch, torch_seed
from .._validation import as_generator, check_int, check_number
from ._cache import cached_arrays

__all__ = ["FlipFlopResult", "FlipFlopTrials", "flipflop_rnn", "flipflop_task"]


@dataclass(frozen=True)
class FlipFlopTrials:
    """Inputs and targets of the 3-bit flip-flop.

    Attributes
    ----------
    inputs : ndarray, shape (n_trials, n_steps, 3)
        The pulses: +1 or -1 where a channel gets one, 0 elsewhere.
    targets : ndarray, shape (n_trials, n_steps, 3)
        The sign of each channel's last pulse (+1 or -1).
    """

    inputs: np.ndarray
    targets: np.ndarray


def flipflop_task(n_trials: int, n_steps: int, *, pulse_probability: float = 0.05,
                  seed: Any = 0) -> FlipFlopTrials:
    """Inputs and targets of the 3-bit flip-flop.

    Every channel gets a pulse (+1 or -1, equally likely) at step 0 and then
    at each step with probability ``pulse_probability``; the target of a
    channel is the sign of its last pulse.

    Parameters
    ----------
    n_trials : int
        Trials (>= 1).
    n_steps : int
        Time steps per trial (>= 1).
    pulse_probability : float, default 0.05
        Probability of a pulse per channel and step after step 0 (in [0, 1]).
    seed : int or numpy.random.Generator
        Seeds the pulses and their signs.

    Returns
    -------
    FlipFlopTrials
        ``inputs`` and ``targets``, each of shape (n_trials, n_steps, 3).

    Examples
    --------
    >>> trials = flipflop_task(2, 20, seed=0)
    >>> trials.inputs.shape, bool(set(np.unique(trials.targets)) <= {-1.0, 1.0})
    ((2, 20, 3), True)
    """
    n_trials = check_int("n_trials", n_trials, low=1)
    n_steps = check_int("n_steps", n_steps, low=1)
    p = check_number("pulse_probability", pulse_probability, low=0.0, high=1.0)
    rng = as_generator(seed)
    pulse = rng.random((n_trials, n_steps, 3)) < p
    pulse[:, 0] = True
    signs = np.where(rng.random((n_trials, n_steps, 3)) < 0.5, -1.0, 1.0)
    inputs = pulse * signs
    targets = np.empty_like(inputs)
    state = np.zeros((n_trials, 3))
    for t in range(n_steps):
        state = np.where(pulse[:, t], signs[:, t], state)
        targets[:, t] = state
    return FlipFlopTrials(inputs=inputs, targets=targets)


@dataclass(frozen=True)
class FlipFlopResult:
    """A trained flip-flop RNN and its fixed points.

    Attributes
    ----------
    fixed_points : ndarray, shape (n_fixed, n_hidden)
        Distinct fixed points found (speed below ``tolerance``).
    speeds : ndarray, shape (n_fixed,)
        ``q`` at each fixed point.
    max_abs_eigenvalue : ndarray, shape (n_fixed,)
        Largest ``|eigenvalue|`` of the Jacobian at each fixed point.
    stable : ndarray of bool, shape (n_fixed,)
        ``max_abs_eigenvalue < 1``.
    outputs : ndarray, shape (n_fixed, 3)
        The readout ``V h + c`` at each fixed point.
    loss : ndarray
        Training loss per step (mean squared error).
    test_error : float
        Fraction of held-out bins whose output has the wrong sign.
    example_inputs, example_targets, example_outputs : ndarray, shape (n_steps, 3)
        One held-out trial.
    example_states : ndarray, shape (n_steps, n_hidden)
        The hidden states of that trial.
    """

    fixed_points: np.ndarray
    speeds: np.ndarray
    max_abs_eigenvalue: np.ndarray
    stable: np.ndarray
    outputs: np.ndarray
    loss: np.ndarray
    test_error: float
    example_inputs: np.ndarray
    example_targets: np.ndarray
    example_outputs: np.ndarray
    example_states: np.ndarray

    @property
    def n_stable(self) -> int:
        return int(self.stable.sum())

    def principal_projection(self) -> tuple[np.ndarray, np.ndarray]:
        """The example trial's states and the fixed points in the trial's first two principal components.

        Returns
        -------
        trajectory : numpy.ndarray, shape (n_steps, 2)
            The example trial's hidden states, centred on their mean and projected on the top two right
            singular vectors of the centred states.
        fixed_points : numpy.ndarray, shape (n_fixed, 2)
            The fixed points, centred and projected the same way.

        Examples
        --------
        >>> states = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]])
        >>> res = FlipFlopResult(fixed_points=np.zeros((1, 2)), speeds=np.zeros(1),
        ...                      max_abs_eigenvalue=np.array([0.5]), stable=np.array([True]),
        ...                      outputs=np.zeros((1, 3)), loss=np.ones(2), test_error=0.0,
        ...                      example_inputs=np.zeros((4, 3)), example_targets=np.zeros((4, 3)),
        ...                      example_outputs=np.zeros((4, 3)), example_states=states)
        >>> trajectory, points = res.principal_projection()
        >>> trajectory.shape, points.shape
        ((4, 2), (1, 2))
        """
        mean = self.example_states.mean(axis=0)
        _, _, vt = np.linalg.svd(self.example_states - mean, full_matrices=False)
        pcs = vt[:2]
        points = self.fixed_points.reshape(-1, pcs.shape[1]) - mean
        return (self.example_states - mean) @ pcs.T, points @ pcs.T


def flipflop_rnn(n_hidden: int = 24, *, n_iterations: int = 500, n_steps: int = 50, batch_size: int = 64,
                 learning_rate: float = 0.01, n_starts: int = 256, tolerance: float = 1e-6,
                 seed: Any = 0) -> FlipFlopResult:
    """Train a vanilla RNN on the 3-bit flip-flop and find its fixed points.

    Parameters
    ----------
    n_hidden : int, default 24
        Hidden units (3 to 256).
    n_iterations : int, default 500
        Adam steps, each on a fresh batch of trials drawn before training (1 to 20000).
    n_steps : int, default 50
        Steps per trial (2 to 1000).
    batch_size : int, default 64
    learning_rate : float, default 0.01
        Initial Adam learning rate, decayed along a cosine (> 0, <= 1).
    n_starts : int, default 256
        States from held-out trials, plus noise, from which the speed is minimised (1 to 4096).
    tolerance : float, default 1e-6
        Largest speed ``q`` accepted as a fixed point (> 0).
    seed : int or numpy.random.Generator

    Returns
    -------
    FlipFlopResult
        Cached on disk by a hash of the settings.

    Examples
    --------
    >>> res = flipflop_rnn(8, n_iterations=5, n_starts=8, seed=0)  # doctest: +SKIP
    >>> res.fixed_points.shape[1]  # doctest: +SKIP
    8
    """
    settings = {
        "n_hidden": check_int("n_hidden", n_hidden, low=3, high=256),
        "n_iterations": check_int("n_iterations", n_iterations, low=1, high=20000),
        "n_steps": check_int("n_steps", n_steps, low=2, high=1000),
        "batch_size": check_int("batch_size", batch_size, low=1),
        "learning_rate": check_number("learning_rate", learning_rate, low=0.0, high=1.0,
                                      low_inclusive=False),
        "n_starts": check_int("n_starts", n_starts, low=1, high=4096),
        "tolerance": check_number("tolerance", tolerance, low=0.0, low_inclusive=False),
        "seed": torch_seed(seed),
    }
    out = cached_arrays("flipflop", settings, lambda: _flipflop(**settings))
    return FlipFlopResult(fixed_points=out["fixed_points"], speeds=out["speeds"],
                          max_abs_eigenvalue=out["max_abs_eigenvalue"], stable=out["stable"].astype(bool),
                          outputs=out["outputs"], loss=out["loss"], test_error=float(out["test_error"]),
                          example_inputs=out["example_inputs"], example_targets=out["example_targets"],
                          example_outputs=out["example_outputs"], example_states=out["example_states"])


def _flipflop(*, n_hidden, n_iterations, n_steps, batch_size, learning_rate, n_starts, tolerance,
              seed) -> dict:
    import torch
    from torch import nn

    rng = np.random.default_rng(seed)
    train = flipflop_task(n_iterations * batch_size, n_steps, seed=rng)
    test = flipflop_task(64, n_steps, seed=rng)
    x_train, y_train, x_test, y_test = train.inputs, train.targets, test.inputs, test.targets
    start_noise = rng.normal(0.0, 0.05, size=(n_starts, n_hidden))
    start_rows = rng.integers(0, 64 * n_steps, size=n_starts)
    with reproducible_torch(seed):
        rnn = nn.RNN(3, n_hidden, batch_first=True, nonlinearity="tanh")
        readout = nn.Linear(n_hidden, 3)
        params = list(rnn.parameters()) + list(readout.parameters())
        optimizer = torch.optim.Adam(params, lr=learning_rate)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=n_iterations)
        loss_history = np.empty(n_iterations)
        for step in range(n_iterations):
            rows = slice(step * batch_size, (step + 1) * batch_size)
            states, _ = rnn(torch.tensor(x_train[rows], dtype=torch.float32))
            loss = ((readout(states) - torch.tensor(y_train[rows], dtype=torch.float32)) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_history[step] = float(loss.detach())
        rnn.requires_grad_(False)
        readout.requires_grad_(False)
        with torch.no_grad():
            states, _ = rnn(torch.tensor(x_test, dtype=torch.float32))
            outputs = readout(states)
        test_error = float(np.mean(np.sign(outputs.numpy()) != y_test))
        W = rnn.weight_hh_l0.double()
        b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).double()
        # Minimise the speed q(h) = 1/2 ||tanh(W h + b) - h||^2 from visited states.
        visited = states.reshape(-1, n_hidden).double()[start_rows]
        h = (visited + torch.tensor(start_noise)).requires_grad_(True)
        search = torch.optim.Adam([h], lr=0.01)
        for _ in range(1500):
            q = 0.5 * ((torch.tanh(h @ W.T + b) - h) ** 2).sum(dim=1)
            search.zero_grad()
            q.sum().backward()
            search.step()
        lbfgs = torch.optim.LBFGS([h], lr=1.0, max_iter=200, tolerance_grad=1e-14, tolerance_change=1e-16,
                                  line_search_fn="strong_wolfe")

        def closure():
            lbfgs.zero_grad()
            total = (0.5 * ((torch.tanh(h @ W.T + b) - h) ** 2).sum(dim=1)).sum()
            total.backward()
            return total

        lbfgs.step(closure)
        with torch.no_grad():
            q = (0.5 * ((torch.tanh(h @ W.T + b) - h) ** 2).sum(dim=1)).numpy()
            candidates = h.detach().numpy()
        W_np, b_np = W.numpy(), b.numpy()
        V = readout.weight.double().numpy()
        c = readout.bias.double().numpy()
        example = {"example_inputs": x_test[0], "example_targets": y_test[0],
                   "example_outputs": outputs[0].numpy().astype(float),
                   "example_states": states[0].numpy().astype(float)}
    points, speeds = [], []
    for index in np.argsort(q):
        if q[index] > tolerance:
            break
        if all(np.linalg.norm(candidates[index] - p) > 1e-2 for p in points):
            points.append(candidates[index])
            speeds.append(q[index])
    points = np.asarray(points).reshape(-1, n_hidden)
    eig = np.array([np.abs(np.linalg.eigvals((1 - np.tanh(W_np @ p + b_np) ** 2)[:, None] * W_np)).max()
                    for p in points])
    return {"fixed_points": points, "speeds": np.asarray(speeds), "max_abs_eigenvalue": eig,
            "stable": eig < 1.0, "outputs": points @ V.T + c, "loss": loss_history, "test_error": test_error,
            **example}
