"""Training the chapter's digits MLP by backpropagation or by predictive coding.

Both rules start from the same weights (:func:`nslib.predictive.learning.init_digits_mlp`)
and see the same batches; predictive coding's update
(:func:`nslib.predictive.learning.pc_update`) is divided by the output weight so that its
size matches backprop's (:func:`nslib.predictive.learning.backprop_update`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number
from .learning import (
    DigitsData,
    MLPParams,
    backprop_update,
    digits_data,
    init_digits_mlp,
    mlp_accuracy,
    mlp_forward,
    pc_update,
)

__all__ = ["MLPTrainingResult", "train_digits_mlp"]


@dataclass(frozen=True, eq=False)
class MLPTrainingResult:
    """The digits MLP trained by backpropagation or by predictive coding.

    Attributes
    ----------
    params : MLPParams
        The trained weights.
    rule : str
        ``"backprop"`` or ``"pc"``.
    test_accuracy, train_accuracy : float
    test_accuracy_per_epoch : numpy.ndarray, shape (epochs,)
    loss_per_epoch : numpy.ndarray, shape (epochs,)
        Mean squared-error loss ``½||y - out||²`` on the training set after each epoch.
    data : DigitsData
    """

    params: MLPParams
    rule: str
    test_accuracy: float
    train_accuracy: float
    test_accuracy_per_epoch: np.ndarray
    loss_per_epoch: np.ndarray
    data: DigitsData


def train_digits_mlp(rule: str = "backprop", epochs: int = 40, learning_rate: float = 0.2,
                     batch_size: int = 32, n_hidden: int = 32, n_inference_steps: int = 20,
                     output_weight: float = 0.1, step_size: float = 0.1,
                     *, seed: Any = 0, split_seed: Any = 0) -> MLPTrainingResult:
    """Train the digits MLP by minibatch gradient steps with backprop's or predictive coding's update.

    Both rules start from the same weights and see the same batches; the
    step size decays to 0 along half a cosine. Predictive coding's update is
    divided by β so that its size matches backprop's.

    Parameters
    ----------
    rule : {"backprop", "pc"}
    epochs : int, in [1, 1000]
    learning_rate : float, in (0, 10]
    batch_size : int, in [1, 1348]
    n_hidden : int, in [1, 512]
    n_inference_steps, output_weight, step_size
        Predictive coding's relaxation (ignored by backprop), as in :func:`pc_inference`.
    seed : int or numpy.random.Generator
        Seeds the initial weights and the batch order.
    split_seed : int or numpy.random.Generator
        Seeds the data split (:func:`digits_data`): networks trained with
        different ``seed`` and the same ``split_seed`` see the same images.

    Returns
    -------
    MLPTrainingResult

    Examples
    --------
    >>> res = train_digits_mlp("backprop", epochs=5, seed=0)
    >>> res.test_accuracy > 0.7
    True
    """
    check_choice("rule", rule, ("backprop", "pc"))
    epochs = check_int("epochs", epochs, low=1, high=1000)
    rate = check_number("learning_rate", learning_rate, low=0.0, high=10.0, low_inclusive=False)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    beta = check_number("output_weight", output_weight, low=0.0, high=10.0, low_inclusive=False)
    n_inference_steps = check_int("n_inference_steps", n_inference_steps, low=0, high=100000)
    n_hidden = check_int("n_hidden", n_hidden, low=1, high=512)
    rng = as_generator(seed)
    data = digits_data(seed=split_seed)
    params = init_digits_mlp(n_hidden, seed=rng)
    n_train = len(data.train_x)
    n_batches = -(-n_train // batch_size)
    total_steps, k = epochs * n_batches, 0
    accuracy, losses = np.empty(epochs), np.empty(epochs)
    from threadpoolctl import threadpool_limits

    # One BLAS thread: on a shared machine, threads spinning on these small products cost more
    # than they gain.
    with threadpool_limits(1):
        for epoch in range(epochs):
            params, k = _train_epoch(params, data, rule, rng, batch_size, rate, total_steps, k,
                                     n_inference_steps, beta, step_size)
            _, _, out = mlp_forward(params, data.train_x)
            losses[epoch] = 0.5 * np.mean(np.sum((data.train_y - out) ** 2, axis=1))
            accuracy[epoch] = mlp_accuracy(params, data.test_x, data.test_labels)
    return MLPTrainingResult(params=params, rule=rule, test_accuracy=float(accuracy[-1]),
                             train_accuracy=mlp_accuracy(params, data.train_x, data.train_labels),
                             test_accuracy_per_epoch=accuracy, loss_per_epoch=losses, data=data)


def _train_epoch(params, data, rule, rng, batch_size, rate, total_steps, k, n_inference_steps, beta,
                 step_size):
    """One pass over the training set in a random order; returns the new weights and step count."""
    n_train = len(data.train_x)
    order = rng.permutation(n_train)
    for start in range(0, n_train, batch_size):
        idx = order[start:start + batch_size]
        x, y = data.train_x[idx], data.train_y[idx]
        if rule == "backprop":
            update, scale = backprop_update(params, x, y), 1.0
        else:
            update = pc_update(params, x, y, n_steps=n_inference_steps, output_weight=beta,
                               step_size=step_size)
            scale = 1.0 / beta
        # The step size decays to 0 along half a cosine, so the last epochs settle.
        rate_k = rate * 0.5 * (1.0 + np.cos(np.pi * k / total_steps))
        params = params.step(update, rate_k * scale)
        k += 1
    return params, k
