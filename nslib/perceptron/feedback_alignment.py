"""Feedback alignment: learning a hidden layer without sending the forward weights backwards.

Backpropagation computes the error of a hidden unit by sending the output
errors back through the *transpose of the forward weights*, ``δ_h = (W₂ᵀ e) ⊙ f'(a)``.
A neuron has no way to know the strengths of the synapses that *other*
neurons make downstream of it: the "weight transport problem" (Grossberg 1987;
Crick 1989). Lillicrap, Cownden, Tweed & Akerman (2016) showed that fixed,
*random* feedback weights ``B`` work too, ``δ_h = (B e) ⊙ f'(a)``: the forward
weights come to align with ``B``, so that the random feedback ends up pointing
within 90 degrees of the true gradient.

:func:`train_two_layer` trains the same two-layer network (tanh hidden layer,
softmax output, cross-entropy) with three rules on the same data and the same
initial weights: ``"backprop"``, ``"feedback_alignment"``, and
``"output_only"`` (a control in which the hidden layer stays random and only
the output layer learns). Written in numpy so that the backward pass is in
plain view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_positive
from .datasets import make_xor

__all__ = ["LEARNING_RULES", "LearningRuleResult", "hidden_layer_error", "train_two_layer"]

#: The learning rules :func:`train_two_layer` knows.
LEARNING_RULES = ("backprop", "feedback_alignment", "output_only")


@dataclass(frozen=True, eq=False)
class LearningRuleResult:
    """A two-layer network trained with one learning rule, and how it learnt.

    Attributes
    ----------
    rule : str
        ``"backprop"``, ``"feedback_alignment"`` or ``"output_only"``.
    task : str
        ``"digits"`` (scikit-learn's 8 x 8 digits, 10 classes) or ``"xor"``.
    loss_per_epoch : numpy.ndarray, shape (epochs,)
        Mean cross-entropy (nats) on the training set after each epoch.
    train_accuracy, test_accuracy : numpy.ndarray, shape (epochs,)
        Fraction classified correctly after each epoch (for XOR the test set
        is the training set).
    alignment_deg : numpy.ndarray, shape (epochs,)
        Angle (degrees) between the hidden-layer errors this rule uses and
        those backpropagation would use, over the whole training set, after
        each epoch: 0 for backprop, below 90 when the feedback is useful,
        NaN for ``output_only`` (it sends no error to the hidden layer).
    initial_alignment_deg : float
        The same angle before training.
    weights : dict of str to numpy.ndarray
        ``W1`` (hidden, inputs), ``b1`` (hidden,), ``W2`` (outputs, hidden),
        ``b2`` (outputs,) after training.
    feedback : numpy.ndarray or None
        The fixed random feedback matrix ``B`` (outputs, hidden) of feedback
        alignment; None for the other rules.
    final_test_accuracy : float
        ``test_accuracy[-1]``.
    hidden_units : int
    learning_rate : float
    seed : int or numpy.random.Generator
    """

    rule: str
    task: str
    loss_per_epoch: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    alignment_deg: np.ndarray
    initial_alignment_deg: float
    weights: dict[str, np.ndarray]
    feedback: np.ndarray | None
    final_test_accuracy: float
    hidden_units: int
    learning_rate: float
    seed: Any


def hidden_layer_error(output_error: Any, hidden: Any, backward_weights: Any) -> np.ndarray:
    """Error of each hidden tanh unit, sent back through ``backward_weights``.

    ``δ_h = (e B) ⊙ (1 - h²)`` for a batch: ``e`` the output errors (batch,
    outputs), ``B`` the backward weights (outputs, hidden) and ``1 - h²`` the
    derivative of tanh at the hidden activations ``h`` (batch, hidden). With
    ``B = W₂``, the forward weights, this is backpropagation; with a fixed
    random ``B`` it is feedback alignment.

    Parameters
    ----------
    output_error : array_like, shape (batch, outputs)
        ``∂L/∂a₂``, for softmax and cross-entropy ``p - t``.
    hidden : array_like, shape (batch, hidden)
        Hidden activations, tanh outputs in [-1, 1].
    backward_weights : array_like, shape (outputs, hidden)

    Returns
    -------
    numpy.ndarray, shape (batch, hidden)

    Examples
    --------
    >>> hidden_layer_error([[1.0, -1.0]], [[0.0, 0.5]], [[1.0, 2.0], [3.0, 4.0]]).tolist()
    [[-2.0, -1.5]]
    """
    from .._validation import check_finite_array

    e = check_finite_array("output_error", output_error, ndim=2)
    h = check_finite_array("hidden", hidden, ndim=2)
    b = check_finite_array("backward_weights", backward_weights, ndim=2)
    if h.shape[0] != e.shape[0]:
        raise ValueError(f"hidden must have one row per row of output_error ({e.shape[0]}); "
                         f"got shape {h.shape}")
    if b.shape != (e.shape[1], h.shape[1]):
        raise ValueError(f"backward_weights must have shape (outputs, hidden) = "
                         f"{(e.shape[1], h.shape[1])}; got {b.shape}")
    return _hidden_error(e, h, b)


def _hidden_error(output_error: np.ndarray, hidden: np.ndarray, backward: np.ndarray) -> np.ndarray:
    return (output_error @ backward) * (1.0 - hidden**2)


def _softmax(a: np.ndarray) -> np.ndarray:
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def _forward(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hidden = np.tanh(x @ params["W1"].T + params["b1"])
    return hidden, _softmax(hidden @ params["W2"].T + params["b2"])


def _angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.sum(a * b) / norm, -1.0, 1.0))))


def _task_data(task: str, rng: np.random.Generator):
    """(x_train, y_train, x_test, y_test, n_classes); inputs as rows."""
    if task == "xor":
        data = make_xor()
        return data.X, data.y, data.X, data.y, 2
    from ..datasets import load_digits_split

    split = load_digits_split(test_fraction=0.25, seed=rng)
    flat = lambda images: images.reshape(len(images), -1)  # noqa: E731
    return flat(split.train_images), split.train_labels, flat(split.test_images), \
        split.test_labels, 10


def train_two_layer(rule: str = "feedback_alignment", task: str = "digits", hidden_units: int = 16,
                    epochs: int = 30, learning_rate: float = 0.2, batch_size: int = 32,
                    *, seed: Any = 0) -> LearningRuleResult:
    """Train a two-layer network with backprop, feedback alignment, or its output layer only.

    The network is ``h = tanh(W₁x + b₁)``, ``p = softmax(W₂h + b₂)``, trained
    by minibatch gradient descent on the cross-entropy ``L = -Σ t log p``.
    The output layer always learns with its true gradient,
    ``ΔW₂ = -η eᵀh`` with ``e = p - t``. The rules differ only in the error
    each hidden unit receives:

    * ``"backprop"``: ``δ_h = (e W₂) ⊙ (1 - h²)``, the true gradient, which
      needs the forward weights ``W₂`` on the way back (weight transport);
    * ``"feedback_alignment"``: ``δ_h = (e B) ⊙ (1 - h²)`` with ``B`` a fixed
      random matrix of the shape of ``W₂`` (Lillicrap et al. 2016);
    * ``"output_only"``: no error reaches the hidden layer, which keeps its
      random initial weights (a control).

    Then ``ΔW₁ = -η δ_hᵀx``. For a given seed every rule starts from the same
    weights and sees the same batches, so differences come from the rule alone.

    Parameters
    ----------
    rule : {"backprop", "feedback_alignment", "output_only"}
    task : {"digits", "xor"}
        scikit-learn's digits (64 pixel inputs scaled to [0, 1], 10 classes,
        a stratified quarter held out), or the 4 XOR patterns (2 classes,
        tested on themselves).
    hidden_units : int, >= 1
    epochs : int, >= 1
        Passes over the training set.
    learning_rate : float, > 0
        η (per mean-over-batch gradient).
    batch_size : int, >= 1
        Samples per update (capped at the training-set size).
    seed : int or numpy.random.Generator
        Seeds the split, the initial weights, the feedback matrix and the batch order.

    Returns
    -------
    LearningRuleResult

    Examples
    --------
    >>> fa = train_two_layer("feedback_alignment", task="xor", hidden_units=8, epochs=500,
    ...                      learning_rate=0.5, batch_size=4, seed=0)
    >>> fa.final_test_accuracy
    1.0
    >>> bool(fa.alignment_deg[-1] < 90)
    True
    """
    check_choice("rule", rule, LEARNING_RULES)
    check_choice("task", task, ("digits", "xor"))
    hidden_units = check_int("hidden_units", hidden_units, low=1)
    epochs = check_int("epochs", epochs, low=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    batch_size = check_int("batch_size", batch_size, low=1)
    rng = as_generator(seed)

    x_train, y_train, x_test, y_test, n_classes = _task_data(task, rng)
    n_in = x_train.shape[1]
    targets = np.eye(n_classes)[y_train]
    # The same draws for every rule: a rule that does not use B still draws it.
    params = {
        "W1": rng.normal(0.0, 1.0 / np.sqrt(n_in), (hidden_units, n_in)),
        "b1": np.zeros(hidden_units),
        "W2": rng.normal(0.0, 1.0 / np.sqrt(hidden_units), (n_classes, hidden_units)),
        "b2": np.zeros(n_classes),
    }
    feedback = rng.normal(0.0, 1.0 / np.sqrt(hidden_units), (n_classes, hidden_units))
    batch_size = min(batch_size, len(x_train))

    def alignment() -> float:
        # Backprop's errors are the reference itself; the control sends none.
        if rule != "feedback_alignment":
            return 0.0 if rule == "backprop" else float("nan")
        hidden, probs = _forward(params, x_train)
        error = probs - targets
        return _angle_deg(_hidden_error(error, hidden, feedback),
                          _hidden_error(error, hidden, params["W2"]))

    initial_alignment = alignment()
    losses, train_acc, test_acc, angles = (np.empty(epochs) for _ in range(4))
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            x, t = x_train[batch], targets[batch]
            h, p = _forward(params, x)
            e = p - t                                      # ∂L/∂(W₂h + b₂), per sample
            if rule != "output_only":
                backward = params["W2"] if rule == "backprop" else feedback
                delta = _hidden_error(e, h, backward)      # the only line where the rules differ
                params["W1"] -= learning_rate * delta.T @ x / len(batch)
                params["b1"] -= learning_rate * delta.mean(axis=0)
            params["W2"] -= learning_rate * e.T @ h / len(batch)
            params["b2"] -= learning_rate * e.mean(axis=0)
        _, p_train = _forward(params, x_train)
        losses[epoch] = float(-np.mean(np.log(p_train[np.arange(len(y_train)), y_train] + 1e-300)))
        train_acc[epoch] = float(np.mean(p_train.argmax(axis=1) == y_train))
        test_acc[epoch] = float(np.mean(_forward(params, x_test)[1].argmax(axis=1) == y_test))
        angles[epoch] = alignment()

    return LearningRuleResult(
        rule=rule, task=task, loss_per_epoch=losses, train_accuracy=train_acc,
        test_accuracy=test_acc, alignment_deg=angles, initial_alignment_deg=initial_alignment,
        weights={k: v.copy() for k, v in params.items()},
        feedback=feedback if rule == "feedback_alignment" else None,
        final_test_accuracy=float(test_acc[-1]), hidden_units=hidden_units,
        learning_rate=learning_rate, seed=seed)
