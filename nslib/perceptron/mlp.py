"""A hidden layer trained by backpropagation (torch) solves XOR."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_int, check_number, check_positive
from .datasets import make_xor

# --------------------------------------------------------------------------
# A two-layer network trained by backpropagation
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MLPXORResult:
    """A 2-layer network trained on XOR, and what it computes.

    Attributes
    ----------
    weights : dict of str to numpy.ndarray
        The trained weights and biases by layer: ``hidden.weight`` (hidden_units, 2),
        ``hidden.bias`` (hidden_units,), ``output.weight`` (1, hidden_units),
        ``output.bias`` (1,). :meth:`build_module` turns them back into a network.
    loss_per_epoch : numpy.ndarray, shape (epochs,)
        Binary cross-entropy (nats) on the 4 XOR patterns, before each update.
    inputs : numpy.ndarray, shape (4, 2)
    targets : numpy.ndarray of int, shape (4,)
    probabilities : numpy.ndarray, shape (4,)
        Output probability of class 1 for each input after training.
    predictions : numpy.ndarray of int, shape (4,)
        ``probabilities >= 0.5``.
    accuracy : float
        Fraction of the 4 patterns classified correctly.
    grid_x1, grid_x2 : numpy.ndarray, shape (grid_resolution,)
        Axes of a grid over ``[-0.5, 1.5]²`` for drawing.
    output_grid : numpy.ndarray, shape (grid_resolution, grid_resolution)
        Probability of class 1 on the grid; row ``i`` is ``x2 = grid_x2[i]``,
        column ``j`` is ``x1 = grid_x1[j]`` (ready for ``imshow``/``contourf``).
    hidden_activations : numpy.ndarray, shape (hidden_units, grid_resolution, grid_resolution)
        Activation (tanh, in [-1, 1]) of each hidden unit on the same grid.
    hidden_units : int
    seed : int or numpy.random.Generator
    """

    weights: dict[str, np.ndarray]
    loss_per_epoch: np.ndarray
    inputs: np.ndarray
    targets: np.ndarray
    probabilities: np.ndarray
    predictions: np.ndarray
    accuracy: float
    grid_x1: np.ndarray
    grid_x2: np.ndarray
    output_grid: np.ndarray
    hidden_activations: np.ndarray
    hidden_units: int
    seed: Any

    def build_module(self) -> Any:
        """The trained network as a new torch module, in eval mode with frozen parameters.

        ``Linear(2, hidden_units) → Tanh → Linear(hidden_units, 1)``; the output
        is a logit (apply a sigmoid for the probability of class 1). Each call
        builds a fresh module; torch's global random state is left as it was.

        Examples
        --------
        >>> import torch
        >>> net = train_mlp_xor(epochs=300, grid_resolution=2, seed=0).build_module()
        >>> (torch.sigmoid(net(torch.tensor([[0.0, 1.0]]))) > 0.5).item()
        True
        """
        from .._torch import module_from_weights

        return module_from_weights(lambda: _network(self.hidden_units), self.weights)


def _network(hidden_units: int) -> Any:
    """2 inputs → ``hidden_units`` tanh units → 1 output logit."""
    from collections import OrderedDict

    import torch

    return torch.nn.Sequential(OrderedDict(
        hidden=torch.nn.Linear(2, hidden_units), tanh=torch.nn.Tanh(),
        output=torch.nn.Linear(hidden_units, 1)))


def train_mlp_xor(hidden_units: int = 4, epochs: int = 500, learning_rate: float = 0.5,
                  momentum: float = 0.9, grid_resolution: int = 101, *, seed: Any = 0) -> MLPXORResult:
    """Train a 2-layer perceptron on XOR with backpropagation (full-batch gradient descent).

    Network: 2 inputs → ``hidden_units`` tanh units → 1 sigmoid output, trained
    to minimise the binary cross-entropy on the four XOR patterns with
    gradient descent plus momentum (``torch.optim.SGD``, as in Rumelhart,
    Hinton & Williams 1986). With the defaults it solves XOR for every seed we
    tested (0–99) in about 0.1 s (plus about a second, once per process, for
    torch's first optimiser step). With 2 hidden units, the minimum, some
    seeds get stuck in a local minimum: a fact worth showing, not hiding.

    Training runs on one thread, deterministically, without changing torch's
    global state: the same seed gives identical results.

    Parameters
    ----------
    hidden_units : int, >= 1
    epochs : int, >= 1
        Number of gradient steps (one per pass over the 4 patterns).
    learning_rate : float, > 0
    momentum : float, in [0, 1)
    grid_resolution : int, >= 2
        Points per axis of the grid on which the output and hidden units are evaluated.
    seed : int or numpy.random.Generator
        Seeds the initial weights.

    Returns
    -------
    MLPXORResult

    Examples
    --------
    >>> result = train_mlp_xor(epochs=300, grid_resolution=5, seed=0)
    >>> result.predictions.tolist(), result.accuracy
    ([0, 1, 1, 0], 1.0)
    >>> result.hidden_activations.shape
    (4, 5, 5)
    """
    hidden_units = check_int("hidden_units", hidden_units, low=1)
    epochs = check_int("epochs", epochs, low=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    momentum = check_number("momentum", momentum, low=0.0, high=1.0, high_inclusive=False)
    grid_resolution = check_int("grid_resolution", grid_resolution, low=2)
    from .._torch import module_weights, reproducible_torch, torch_seed
    tseed = torch_seed(seed)

    import torch

    data = make_xor()
    grid_x1 = np.linspace(-0.5, 1.5, grid_resolution)
    grid_x2 = np.linspace(-0.5, 1.5, grid_resolution)
    g1, g2 = np.meshgrid(grid_x1, grid_x2)  # rows follow x2, columns x1
    grid_points = np.column_stack([g1.ravel(), g2.ravel()])

    with reproducible_torch(tseed):
        X = torch.tensor(data.X, dtype=torch.float32)
        target = torch.tensor(data.y, dtype=torch.float32)
        model = _network(hidden_units)
        optimiser = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=momentum)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        losses = np.empty(epochs)
        for epoch in range(epochs):
            optimiser.zero_grad()
            loss = loss_fn(model(X).squeeze(1), target)
            loss.backward()  # backpropagation: dL/dθ for every weight and bias
            optimiser.step()
            losses[epoch] = loss.item()
        model.eval()
        with torch.no_grad():
            probabilities = torch.sigmoid(model(X).squeeze(1)).numpy().astype(float)
            grid = torch.tensor(grid_points, dtype=torch.float32)
            hidden = model.tanh(model.hidden(grid)).numpy().astype(float)
            output = torch.sigmoid(model(grid).squeeze(1)).numpy().astype(float)
        weights = module_weights(model)

    predictions = (probabilities >= 0.5).astype(int)
    shape = (grid_resolution, grid_resolution)
    return MLPXORResult(
        weights=weights,
        loss_per_epoch=losses,
        inputs=data.X,
        targets=data.y,
        probabilities=probabilities,
        predictions=predictions,
        accuracy=float(np.mean(predictions == data.y)),
        grid_x1=grid_x1,
        grid_x2=grid_x2,
        output_grid=output.reshape(shape),
        hidden_activations=hidden.T.reshape((hidden_units,) + shape),
        hidden_units=hidden_units,
        seed=seed,
    )
