"""Predictive coding as a learning rule: a digits MLP trained by relaxing prediction errors.

Whittington & Bogacz (2017) showed that a predictive-coding network, whose
units hold *values* and *prediction errors* and whose weights change by a
local, Hebbian product of an error and an activity, computes the same weight
updates as backpropagation once its values have relaxed to equilibrium, in
the limit where the output error weighs little (see also Millidge, Tschantz
& Buckley 2022). This module checks it on a small network written for this
chapter: 64 pixels -> 32 tanh units -> 10 linear outputs, trained on
scikit-learn's 8 x 8 digits to minimise the squared error to a one-hot target.

* The network: :func:`init_digits_mlp`, :func:`mlp_forward`.
* Backpropagation: :func:`backprop_update` (the negative gradient of the loss).
* Predictive coding: :func:`pc_inference` relaxes the hidden values with the
  input clamped to the image and the output clamped to the target;
  :func:`pc_update` turns the relaxed errors into weight changes.
* The comparison: :func:`pc_backprop_alignment` (cosine between the two
  updates); :func:`nslib.predictive.training.train_digits_mlp` trains the
  network with either rule, to compare accuracies.

Everything is numpy; the numbers are dimensionless (pixels in [0, 1]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = [
    "AlignmentCurve",
    "DigitsData",
    "MLPActivity",
    "MLPParams",
    "PCAlignment",
    "PCInference",
    "alignment_curve",
    "backprop_update",
    "digits_data",
    "init_digits_mlp",
    "mlp_accuracy",
    "mlp_forward",
    "pc_backprop_alignment",
    "pc_inference",
    "pc_update",
]

_N_INPUTS, _N_OUTPUTS = 64, 10


@dataclass(frozen=True, eq=False)
class MLPParams:
    """Weights and biases of the digits MLP (dimensionless).

    Attributes
    ----------
    w_hidden : numpy.ndarray, shape (n_hidden, 64)
    b_hidden : numpy.ndarray, shape (n_hidden,)
    w_output : numpy.ndarray, shape (10, n_hidden)
    b_output : numpy.ndarray, shape (10,)
    """

    w_hidden: np.ndarray
    b_hidden: np.ndarray
    w_output: np.ndarray
    b_output: np.ndarray

    def flat(self) -> np.ndarray:
        """All parameters in one vector (hidden weights, hidden biases, output weights, output biases)."""
        return np.concatenate([self.w_hidden.ravel(), self.b_hidden, self.w_output.ravel(),
                               self.b_output])

    def step(self, update: MLPParams, rate: float) -> MLPParams:
        """``self + rate * update``, parameter by parameter.

        Parameters
        ----------
        update : MLPParams
            The change of every weight and bias (a gradient step's direction).
        rate : float
            Learning rate.

        Returns
        -------
        MLPParams
            New parameters; ``self`` is unchanged.

        Examples
        --------
        >>> p = init_digits_mlp(2, seed=0)
        >>> bool(np.allclose(p.step(p, 1.0).w_output, 2 * p.w_output))
        True
        """
        return MLPParams(self.w_hidden + rate * update.w_hidden, self.b_hidden + rate * update.b_hidden,
                         self.w_output + rate * update.w_output, self.b_output + rate * update.b_output)


def _check_params(params) -> MLPParams:
    if not isinstance(params, MLPParams):
        raise ValueError(f"params must be an MLPParams (from init_digits_mlp); got {type(params).__name__}")
    return params


def init_digits_mlp(n_hidden: int = 32, *, seed: Any = 0) -> MLPParams:
    """Random initial weights of the 64 -> ``n_hidden`` -> 10 digits MLP.

    Weights are drawn from a normal distribution with standard deviation
    ``1/sqrt(fan_in)`` (so each unit's input starts of order 1); biases are 0.

    Parameters
    ----------
    n_hidden : int, in [1, 512]
        Hidden tanh units.
    seed : int or numpy.random.Generator

    Returns
    -------
    MLPParams

    Examples
    --------
    >>> p = init_digits_mlp(8, seed=0)
    >>> p.w_hidden.shape, p.w_output.shape
    ((8, 64), (10, 8))
    """
    n_hidden = check_int("n_hidden", n_hidden, low=1, high=512)
    rng = as_generator(seed)
    return MLPParams(
        w_hidden=rng.normal(0.0, 1.0 / np.sqrt(_N_INPUTS), (n_hidden, _N_INPUTS)),
        b_hidden=np.zeros(n_hidden),
        w_output=rng.normal(0.0, 1.0 / np.sqrt(n_hidden), (_N_OUTPUTS, n_hidden)),
        b_output=np.zeros(_N_OUTPUTS))


def _check_batch(x, y=None) -> tuple[np.ndarray, np.ndarray | None]:
    xs = check_finite_array("x", x)
    if xs.ndim == 1:
        xs = xs[np.newaxis]
    if xs.ndim != 2 or xs.shape[1] != _N_INPUTS:
        raise ValueError(f"x must have shape (n, {_N_INPUTS}) (flattened 8 x 8 digits); got {xs.shape}")
    if y is None:
        return xs, None
    ys = check_finite_array("y", y)
    if ys.ndim == 1:
        ys = ys[np.newaxis]
    if ys.shape != (len(xs), _N_OUTPUTS):
        raise ValueError(f"y must have shape ({len(xs)}, {_N_OUTPUTS}) (one-hot targets, one row per "
                         f"image); got {ys.shape}")
    return xs, ys


@dataclass(frozen=True, eq=False)
class MLPActivity:
    """One feedforward pass of the digits MLP. Unpacks as ``a, h, out = activity``.

    Attributes
    ----------
    pre_activation : numpy.ndarray, shape (n, n_hidden)
        ``a = W_h x + b_h``.
    hidden : numpy.ndarray, shape (n, n_hidden)
        ``h = tanh(a)``.
    output : numpy.ndarray, shape (n, 10)
        ``out = W_o h + b_o``.
    """

    pre_activation: np.ndarray
    hidden: np.ndarray
    output: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.pre_activation, self.hidden, self.output))


def mlp_forward(params: MLPParams, x) -> MLPActivity:
    """The feedforward pass: ``a = W_h x + b_h``, ``h = tanh(a)``, ``out = W_o h + b_o``.

    Parameters
    ----------
    params : MLPParams
        The network's weights.
    x : array_like, shape (n, 64) or (64,)
        Images, pixels in [0, 1].

    Returns
    -------
    MLPActivity
        Hidden pre-activations and activities, shape (n, n_hidden), and
        outputs, shape (n, 10); it unpacks as ``a, h, out``.

    Examples
    --------
    >>> p = init_digits_mlp(4, seed=0)
    >>> [v.shape for v in mlp_forward(p, np.zeros(64))]
    [(1, 4), (1, 4), (1, 10)]
    >>> mlp_forward(p, np.zeros(64)).output.shape
    (1, 10)
    """
    p = _check_params(params)
    xs, _ = _check_batch(x)
    a = xs @ p.w_hidden.T + p.b_hidden
    h = np.tanh(a)
    return MLPActivity(pre_activation=a, hidden=h, output=h @ p.w_output.T + p.b_output)


def backprop_update(params: MLPParams, x, y) -> MLPParams:
    """Backpropagation's weight update: the negative gradient of ``L = ½ ||y - out||²``, batch mean.

    ``δ_o = y - out``, ``δ_h = (1 - h²) ⊙ W_oᵀ δ_o``; ``ΔW_o = δ_o hᵀ``,
    ``ΔW_h = δ_h xᵀ`` (and ``Δb = δ``), averaged over the batch.

    Parameters
    ----------
    params : MLPParams
    x : array_like, shape (n, 64)
    y : array_like, shape (n, 10)
        Targets (one-hot digits).

    Returns
    -------
    MLPParams
        The update (add it, times a learning rate, to descend the loss).

    Examples
    --------
    >>> p = init_digits_mlp(4, seed=0)
    >>> backprop_update(p, np.zeros((2, 64)), np.zeros((2, 10))).w_hidden.shape
    (4, 64)
    """
    p = _check_params(params)
    xs, ys = _check_batch(x, y)
    _, h, out = mlp_forward(p, xs)
    delta_out = ys - out
    delta_hidden = (1.0 - h**2) * (delta_out @ p.w_output)
    n = len(xs)
    return MLPParams(delta_hidden.T @ xs / n, delta_hidden.mean(axis=0),
                     delta_out.T @ h / n, delta_out.mean(axis=0))


@dataclass(frozen=True, eq=False)
class PCInference:
    """A predictive-coding network relaxed on a batch, input and output clamped.

    Attributes
    ----------
    values : numpy.ndarray, shape (n, n_hidden)
        Hidden value nodes at the end of inference.
    hidden_error : numpy.ndarray, shape (n, n_hidden)
        ``ε_h = v - (W_h x + b_h)``: how far the values moved from the input's prediction.
    output_error : numpy.ndarray, shape (n, 10)
        ``ε_o = y - (W_o tanh(v) + b_o)``: the target minus its prediction.
    energy : numpy.ndarray, shape (n_steps + 1,)
        Batch mean of ``F = ½||ε_h||² + (β/2)||ε_o||²`` before each step and at the end.
    output_weight : float
        β, the weight of the output error in ``F``.
    """

    values: np.ndarray
    hidden_error: np.ndarray
    output_error: np.ndarray
    energy: np.ndarray
    output_weight: float


def pc_inference(params: MLPParams, x, y, n_steps: int = 100, output_weight: float = 0.1,
                 step_size: float = 0.1) -> PCInference:
    """Relax the hidden values of the predictive-coding network by gradient descent on its energy.

    The input layer is clamped to the image ``x`` and the output layer to
    the target ``y``. The hidden values ``v`` start at the feedforward
    prediction ``μ_h = W_h x + b_h`` and follow ``dv = -step_size ∂F/∂v`` with
    ``F = ½||v - μ_h||² + (β/2)||y - W_o tanh(v) - b_o||²``:

    ``v <- v + step_size (-ε_h + β (1 - tanh(v)²) ⊙ W_oᵀ ε_o)``.

    Parameters
    ----------
    params : MLPParams
    x : array_like, shape (n, 64)
    y : array_like, shape (n, 10)
    n_steps : int, in [0, 100000]
        Inference steps.
    output_weight : float, in (0, 10]
        β, the weight of the output error (the inverse of its variance).
    step_size : float, in (0, 1]
        Step of the relaxation (the equilibrium does not depend on it).

    Returns
    -------
    PCInference

    Examples
    --------
    >>> p = init_digits_mlp(4, seed=0)
    >>> run = pc_inference(p, np.ones((1, 64)), np.eye(10)[:1], n_steps=50)
    >>> bool(run.energy[-1] < run.energy[0])
    True
    """
    p = _check_params(params)
    xs, ys = _check_batch(x, y)
    n_steps = check_int("n_steps", n_steps, low=0, high=100000)
    beta = check_number("output_weight", output_weight, low=0.0, high=10.0, low_inclusive=False)
    step = check_number("step_size", step_size, low=0.0, high=1.0, low_inclusive=False)
    mu_h = xs @ p.w_hidden.T + p.b_hidden
    v = mu_h.copy()
    energy = np.empty(n_steps + 1)
    for t in range(n_steps + 1):
        h = np.tanh(v)
        eps_o = ys - (h @ p.w_output.T + p.b_output)
        eps_h = v - mu_h
        energy[t] = 0.5 * np.mean(np.sum(eps_h**2, axis=1) + beta * np.sum(eps_o**2, axis=1))
        if t == n_steps:
            break
        v = v + step * (-eps_h + beta * (1.0 - h**2) * (eps_o @ p.w_output))
    return PCInference(values=v, hidden_error=eps_h, output_error=eps_o, energy=energy,
                       output_weight=beta)


def pc_update(params: MLPParams, x, y, n_steps: int = 100, output_weight: float = 0.1,
              step_size: float = 0.1) -> MLPParams:
    """Predictive coding's weight update after :func:`pc_inference`: error times presynaptic activity.

    ``ΔW_o = β ε_o tanh(v)ᵀ``, ``ΔW_h = ε_h xᵀ`` (``Δb = β ε_o`` and ``ε_h``),
    batch mean: each synapse sees only the error at its target and the
    activity at its source. These are the negative gradients of ``F`` with
    respect to the weights; at equilibrium and for small β they approach
    β times backpropagation's update.

    Parameters
    ----------
    params, x, y, n_steps, output_weight, step_size
        As in :func:`pc_inference`.

    Returns
    -------
    MLPParams
        The update (divide by β to compare its size with backprop's).

    Examples
    --------
    >>> p = init_digits_mlp(4, seed=0)
    >>> pc_update(p, np.ones((1, 64)), np.eye(10)[:1], n_steps=0).w_hidden.any()   # no inference
    np.False_
    """
    p = _check_params(params)
    xs, ys = _check_batch(x, y)
    run = pc_inference(p, xs, ys, n_steps=n_steps, output_weight=output_weight, step_size=step_size)
    return _pc_weight_changes(run, xs)


def _pc_weight_changes(run: PCInference, xs: np.ndarray) -> MLPParams:
    h = np.tanh(run.values)
    n, beta = len(xs), run.output_weight
    return MLPParams(run.hidden_error.T @ xs / n, run.hidden_error.mean(axis=0),
                     beta * run.output_error.T @ h / n, beta * run.output_error.mean(axis=0))


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0


@dataclass(frozen=True, eq=False)
class DigitsData:
    """Flattened digits for the MLP: inputs in [0, 1], one-hot targets and labels.

    Attributes
    ----------
    train_x : numpy.ndarray, shape (n_train, 64)
        Training images as rows of pixels in [0, 1].
    train_y : numpy.ndarray, shape (n_train, 10)
        One-hot targets of the training images.
    train_labels : numpy.ndarray of int, shape (n_train,)
        Their digits.
    test_x : numpy.ndarray, shape (n_test, 64)
        Test images.
    test_labels : numpy.ndarray of int, shape (n_test,)
        Their digits.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    train_labels: np.ndarray
    test_x: np.ndarray
    test_labels: np.ndarray


def digits_data(*, seed: Any = 0) -> DigitsData:
    """Chapter 1's digits split (:func:`nslib.datasets.load_digits_split`), flattened for the MLP.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Seeds the split (75 % training, 25 % test).

    Returns
    -------
    DigitsData

    Examples
    --------
    >>> d = digits_data(seed=0)
    >>> d.train_x.shape, d.train_y.shape, d.test_x.shape
    ((1348, 64), (1348, 10), (449, 64))
    """
    from ..datasets import load_digits_split

    split = load_digits_split(seed=seed)
    return DigitsData(train_x=split.train_images.reshape(len(split.train_images), -1),
                      train_y=np.eye(_N_OUTPUTS)[split.train_labels],
                      train_labels=split.train_labels,
                      test_x=split.test_images.reshape(len(split.test_images), -1),
                      test_labels=split.test_labels)


@dataclass(frozen=True, eq=False)
class PCAlignment:
    """How close predictive coding's weight update is to backpropagation's.

    Attributes
    ----------
    cosine : float
        Cosine similarity between the two updates, all weights and biases in one vector.
    layer_cosines : numpy.ndarray, shape (2,)
        The same for the hidden layer's and the output layer's parameters alone.
    norm_ratio : float
        ``||Δ_pc|| / (β ||Δ_bp||)``: 1 when the sizes match too.
    energy : numpy.ndarray
        The energy during inference (:attr:`PCInference.energy`).
    pc_update, bp_update : MLPParams
        The two updates (predictive coding's not divided by β).
    n_inference_steps : int
    output_weight : float
    """

    cosine: float
    layer_cosines: np.ndarray
    norm_ratio: float
    energy: np.ndarray
    pc_update: MLPParams
    bp_update: MLPParams
    n_inference_steps: int
    output_weight: float

    @property
    def hidden_scale(self) -> float:
        """The size of the hidden layer's update relative to backprop's, along backprop's direction.

        The least-squares slope of ``Δ_pc / β`` against ``Δ_bp`` over the hidden
        weights: 1 when predictive coding's hidden update is backprop's, 0 when it is
        orthogonal to it or absent.
        """
        bp = self.bp_update.w_hidden.ravel()
        pc = self.pc_update.w_hidden.ravel() / self.output_weight
        return float(pc @ bp / (bp @ bp))


def pc_backprop_alignment(n_inference_steps: int = 100, output_weight: float = 0.1,
                          step_size: float = 0.1, n_hidden: int = 32, batch_size: int = 128,
                          *, seed: Any = 0, split_seed: Any = 0) -> PCAlignment:
    """Cosine similarity between predictive coding's and backprop's updates on the digits MLP.

    A freshly initialised network (:func:`init_digits_mlp`) and the first
    ``batch_size`` training digits; the same batch gives both updates.

    Parameters
    ----------
    n_inference_steps : int, in [0, 100000]
        Relaxation steps before the predictive-coding update.
    output_weight : float, in (0, 10]
        β, the weight of the output error in the energy.
    step_size : float, in (0, 1]
        Relaxation step.
    n_hidden : int, in [1, 512]
    batch_size : int, in [1, 1348]
    seed : int or numpy.random.Generator
        Seeds the initial weights.
    split_seed : int or numpy.random.Generator
        Seeds the data split (:func:`digits_data`).

    Returns
    -------
    PCAlignment

    Examples
    --------
    >>> round(pc_backprop_alignment(n_inference_steps=100, output_weight=0.01).cosine, 3)
    1.0
    >>> round(pc_backprop_alignment(n_inference_steps=1).cosine, 2)
    0.68
    """
    n_inference_steps = check_int("n_inference_steps", n_inference_steps, low=0, high=100000)
    check_number("output_weight", output_weight, low=0.0, high=10.0, low_inclusive=False)
    check_number("step_size", step_size, low=0.0, high=1.0, low_inclusive=False)
    check_int("n_hidden", n_hidden, low=1, high=512)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    data = digits_data(seed=split_seed)
    params = init_digits_mlp(n_hidden, seed=seed)
    x, y = data.train_x[:batch_size], data.train_y[:batch_size]
    return _alignment(params, x, y, backprop_update(params, x, y), n_inference_steps,
                      output_weight, step_size)


def _alignment(params, x, y, bp, n_inference_steps, output_weight, step_size) -> PCAlignment:
    run = pc_inference(params, x, y, n_steps=n_inference_steps, output_weight=output_weight,
                       step_size=step_size)
    pc = _pc_weight_changes(run, x)
    layers = [(_cosine(np.r_[pc.w_hidden.ravel(), pc.b_hidden], np.r_[bp.w_hidden.ravel(), bp.b_hidden])),
              (_cosine(np.r_[pc.w_output.ravel(), pc.b_output], np.r_[bp.w_output.ravel(), bp.b_output]))]
    return PCAlignment(cosine=_cosine(pc.flat(), bp.flat()), layer_cosines=np.array(layers),
                       norm_ratio=float(np.linalg.norm(pc.flat())
                                        / (output_weight * np.linalg.norm(bp.flat()))),
                       energy=run.energy, pc_update=pc, bp_update=bp,
                       n_inference_steps=n_inference_steps, output_weight=float(output_weight))


@dataclass(frozen=True, eq=False)
class AlignmentCurve:
    """PC-backprop cosine similarity over numbers of inference steps and output weights.

    Attributes
    ----------
    n_inference_steps : numpy.ndarray of int, shape (n_steps,)
    output_weights : numpy.ndarray, shape (n_weights,)
    cosine : numpy.ndarray, shape (n_weights, n_steps)
        :attr:`PCAlignment.cosine` for every combination.
    layer_cosines : numpy.ndarray, shape (n_weights, n_steps, 2)
        The same for the hidden and the output layer alone.
    """

    n_inference_steps: np.ndarray
    output_weights: np.ndarray
    cosine: np.ndarray
    layer_cosines: np.ndarray


def alignment_curve(n_inference_steps=(0, 1, 2, 5, 10, 20, 50, 100, 200),
                    output_weights=(1.0, 0.1, 0.01), step_size: float = 0.1, n_hidden: int = 32,
                    batch_size: int = 128, *, seed: Any = 0, split_seed: Any = 0) -> AlignmentCurve:
    """:func:`pc_backprop_alignment` for every number of steps and output weight (same network, same batch).

    Parameters
    ----------
    n_inference_steps : sequence of int, each >= 0
        Relaxation steps before the predictive-coding update.
    output_weights : sequence of float, each in (0, 10]
        Values of β, the weight of the output error in the energy.
    step_size : float, in (0, 1]
        Relaxation step.
    n_hidden : int, in [1, 512]
        Hidden units of the MLP.
    batch_size : int, in [1, 1348]
        Training digits in the batch that gives both updates.
    seed : int or numpy.random.Generator
        Seeds the initial weights.
    split_seed : int or numpy.random.Generator
        Seeds the data split (:func:`digits_data`).

    Returns
    -------
    AlignmentCurve
        Cosines of shape (n_output_weights, n_inference_steps).

    Examples
    --------
    >>> curve = alignment_curve([1, 100], [0.01])
    >>> curve.cosine.round(2).tolist()
    [[0.68, 1.0]]
    """
    steps = np.atleast_1d(np.asarray(n_inference_steps))
    if steps.ndim != 1 or not np.issubdtype(steps.dtype, np.integer) or steps.min() < 0:
        raise ValueError(f"n_inference_steps must be non-negative integers; got {n_inference_steps!r}")
    weights = check_finite_array("output_weights", output_weights, ndim=1)
    for w in weights:
        check_number("output_weights", float(w), low=0.0, high=10.0, low_inclusive=False)
    check_number("step_size", step_size, low=0.0, high=1.0, low_inclusive=False)
    check_int("n_hidden", n_hidden, low=1, high=512)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    # One network and one batch for every combination.
    data = digits_data(seed=split_seed)
    params = init_digits_mlp(n_hidden, seed=seed)
    x, y = data.train_x[:batch_size], data.train_y[:batch_size]
    bp = backprop_update(params, x, y)
    runs = [[_alignment(params, x, y, bp, int(n), float(w), step_size) for n in steps] for w in weights]
    return AlignmentCurve(n_inference_steps=steps.astype(int), output_weights=weights,
                          cosine=np.array([[r.cosine for r in row] for row in runs]),
                          layer_cosines=np.array([[r.layer_cosines for r in row] for row in runs]))


def mlp_accuracy(params: MLPParams, x, labels) -> float:
    """Fraction of images whose largest output is the true digit.

    Parameters
    ----------
    params : MLPParams
        The network's weights.
    x : array_like, shape (n_images, 64)
        Images as rows of pixels in [0, 1].
    labels : array_like of int, shape (n_images,)
        The true digits.

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> d = digits_data(seed=0)
    >>> 0.0 <= mlp_accuracy(init_digits_mlp(seed=0), d.test_x, d.test_labels) <= 1.0
    True
    """
    _, _, out = mlp_forward(params, x)
    lab = np.asarray(labels)
    if lab.shape != (len(out),):
        raise ValueError(f"labels must hold one digit per image ({len(out)}); got shape {lab.shape}")
    return float(np.mean(out.argmax(axis=1) == lab))
