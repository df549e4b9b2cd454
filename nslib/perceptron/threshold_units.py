"""McCulloch–Pitts threshold units: logic gates, and why XOR needs two layers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from .._validation import check_choice, check_finite_array, check_number
from .datasets import _check_labels, _check_X

# --------------------------------------------------------------------------
# McCulloch–Pitts threshold units
# --------------------------------------------------------------------------

def mcculloch_pitts(x: Any, weights: Any, threshold: float) -> np.ndarray:
    """Output of a McCulloch–Pitts binary threshold unit.

    .. math:: y = 1 \\text{ if } \\mathbf{w}\\cdot\\mathbf{x} \\ge \\theta \\text{ else } 0

    Parameters
    ----------
    x : array_like, shape (n_inputs,) or (n_samples, n_inputs)
        Input pattern(s), one per row. McCulloch and Pitts used binary (0/1)
        inputs; any finite real values are accepted.
    weights : array_like, shape (n_inputs,)
        Synaptic weights (dimensionless; positive excitatory, negative inhibitory).
    threshold : float
        Firing threshold θ (dimensionless). The unit fires when the weighted
        sum *reaches* θ.

    Returns
    -------
    numpy.ndarray of int, shape ``x.shape[:-1]``
        1 where the unit fires, 0 elsewhere.

    Examples
    --------
    >>> mcculloch_pitts([[0, 0], [0, 1], [1, 0], [1, 1]], weights=[1, 1], threshold=2)
    array([0, 0, 0, 1])
    """
    w = check_finite_array("weights", weights, ndim=1)
    theta = check_number("threshold", threshold)
    xs = check_finite_array("x", x)
    if xs.ndim not in (1, 2):
        raise ValueError(f"x must be a 1-D pattern or a 2-D array of patterns (rows); got shape {xs.shape}")
    if xs.shape[-1] != w.size:
        raise ValueError(
            f"x must have {w.size} input(s) per pattern to match weights; got shape {xs.shape}")
    return (xs @ w >= theta).astype(int)


@dataclass(frozen=True)
class ThresholdUnit:
    """A McCulloch–Pitts unit with fixed weights and threshold.

    Attributes
    ----------
    weights : tuple of float
        One weight per input (dimensionless).
    threshold : float
        Firing threshold θ (dimensionless).

    Examples
    --------
    >>> ThresholdUnit(weights=(1.0, 1.0), threshold=1.0)([[0, 0], [1, 0]])
    array([0, 1])
    """

    weights: tuple[float, ...]
    threshold: float

    def __call__(self, x: Any) -> np.ndarray:
        """Output (0 or 1) of the unit for input pattern(s) ``x``; see :func:`mcculloch_pitts`."""
        return mcculloch_pitts(x, self.weights, self.threshold)


#: Hand-set weights and thresholds of single-unit logic gates (inputs 0/1).
#: Thresholds sit half-way between the weighted sums of the two classes
#: (integer thresholds such as 2 for AND work too, but put the line through
#: input points), so every line in the figures passes *between* the points.
#: XOR is absent on purpose: no single threshold unit computes it.
LOGIC_GATES: Mapping[str, ThresholdUnit] = MappingProxyType({
    "AND": ThresholdUnit(weights=(1.0, 1.0), threshold=1.5),
    "OR": ThresholdUnit(weights=(1.0, 1.0), threshold=0.5),
    "NAND": ThresholdUnit(weights=(-1.0, -1.0), threshold=-1.5),
    "NOR": ThresholdUnit(weights=(-1.0, -1.0), threshold=-0.5),
    # An inhibitory synapse alone: silent input -> firing, active input -> silence.
    "NOT": ThresholdUnit(weights=(-1.0,), threshold=-0.5),
})


def logic_gate(name: str) -> ThresholdUnit:
    """Return the threshold unit computing a logic gate.

    Parameters
    ----------
    name : {'AND', 'OR', 'NAND', 'NOR', 'NOT'}
        Gate name (case-insensitive). ``'XOR'`` is refused: it needs two
        layers, see :func:`xor_two_layer`.

    Returns
    -------
    ThresholdUnit

    Examples
    --------
    >>> gate = logic_gate("or")
    >>> gate.weights, gate.threshold
    ((1.0, 1.0), 0.5)
    >>> gate([[0, 0], [0, 1]])
    array([0, 1])
    """
    if isinstance(name, str) and name.upper() == "XOR":
        raise ValueError("name must be one of ['AND', 'NAND', 'NOR', 'NOT', 'OR']; got 'XOR', "
                         "which no single threshold unit computes (use xor_two_layer)")
    key = name.upper() if isinstance(name, str) else name
    return LOGIC_GATES[check_choice("name", key, LOGIC_GATES)]


def xor_two_layer(x: Any) -> np.ndarray:
    """XOR computed by two layers of McCulloch–Pitts units.

    The hidden layer computes OR and NAND of the two inputs; the output unit
    computes AND of the hidden units: XOR = OR ∧ NAND. Each hidden unit draws
    one line in the input plane; the output unit keeps the strip between them.

    Parameters
    ----------
    x : array_like, shape (2,) or (n_samples, 2)
        Binary input pattern(s).

    Returns
    -------
    numpy.ndarray of int, shape ``x.shape[:-1]``

    Examples
    --------
    >>> xor_two_layer([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([0, 1, 1, 0])
    """
    xs = check_finite_array("x", x)
    if xs.ndim not in (1, 2) or xs.shape[-1] != 2:
        raise ValueError(f"x must have shape (2,) or (n_samples, 2); got shape {xs.shape}")
    hidden = np.stack([LOGIC_GATES["OR"](xs), LOGIC_GATES["NAND"](xs)], axis=-1)
    return LOGIC_GATES["AND"](hidden)


def truth_table(gate: Any) -> np.ndarray:
    """Truth table of a gate: every binary input pattern and the gate's output.

    Parameters
    ----------
    gate : str or ThresholdUnit or callable
        A gate name accepted by :func:`logic_gate`, ``'XOR'`` (computed with
        :func:`xor_two_layer`), a :class:`ThresholdUnit`, or any callable
        mapping an ``(n_patterns, n_inputs)`` array to outputs. A bare callable
        is assumed to take 2 inputs.

    Returns
    -------
    numpy.ndarray of int, shape (2**n_inputs, n_inputs + 1)
        One row per input pattern in binary counting order; the last column
        is the output.

    Examples
    --------
    >>> truth_table("AND")
    array([[0, 0, 0],
           [0, 1, 0],
           [1, 0, 0],
           [1, 1, 1]])
    >>> truth_table("XOR")[:, -1]
    array([0, 1, 1, 0])
    """
    if isinstance(gate, str):
        func = xor_two_layer if gate.upper() == "XOR" else logic_gate(gate)
    elif callable(gate):
        func = gate
    else:
        raise ValueError(f"gate must be a gate name, a ThresholdUnit or a callable; got {gate!r}")
    n_inputs = len(func.weights) if isinstance(func, ThresholdUnit) else 2
    inputs = np.array(list(itertools.product((0, 1), repeat=n_inputs)), dtype=int)
    outputs = np.asarray(func(inputs), dtype=int).reshape(-1, 1)
    return np.hstack([inputs, outputs])


def is_linearly_separable(X: Any, y: Any) -> bool:
    """Whether one line (hyperplane) separates the two classes exactly.

    Solves the linear feasibility problem ``t_i (w·x_i + b) >= 1`` for all
    samples (``t_i = ±1``) with SciPy's HiGHS solver. This is not a search:
    ``False`` means the solver found the problem infeasible, i.e. *no* single
    threshold unit or perceptron classifies every sample correctly. HiGHS
    works in floating point with tolerances, so for nearly degenerate data the
    verdict is numerical, not a proof in exact arithmetic.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
        Binary labels, either all in {0, 1} or all in {-1, 1}, both classes present.

    Returns
    -------
    bool

    Examples
    --------
    >>> from nslib.perceptron import make_xor
    >>> xor = make_xor()
    >>> is_linearly_separable(xor.X, xor.y)
    False
    >>> is_linearly_separable(xor.X, truth_table("AND")[:, -1])
    True
    """
    from scipy.optimize import linprog

    X = _check_X(X)
    t, _ = _check_labels(y, len(X))
    augmented = np.hstack([X, np.ones((len(X), 1))])
    # -t_i (w·x_i + b) <= -1 ; scaling makes "> 0" and ">= 1" equivalent.
    res = linprog(c=np.zeros(augmented.shape[1]), A_ub=-t[:, None] * augmented,
                  b_ub=-np.ones(len(X)), bounds=[(None, None)] * augmented.shape[1],
                  method="highs")
    return bool(res.status == 0)


# --------------------------------------------------------------------------
# Smooth thresholds: ReLU and softplus, to set beside a neuron's f-I curve
# --------------------------------------------------------------------------

def relu(x: Any, threshold: float = 0.0, gain: float = 1.0) -> np.ndarray:
    """Rectified linear unit: ``gain * max(0, x - threshold)``.

    Parameters
    ----------
    x : array_like
        Input (any unit, e.g. a current in nA).
    threshold : float, default 0
        Where the output leaves zero (unit of ``x``).
    gain : float, default 1
        Slope above threshold (output unit per unit of ``x``), >= 0.

    Returns
    -------
    numpy.ndarray of float, shape of ``x``

    Examples
    --------
    >>> relu([1.0, 2.0, 4.0], threshold=2.0, gain=10.0)
    array([ 0.,  0., 20.])
    """
    xs = check_finite_array("x", x, min_size=0)
    theta = check_number("threshold", threshold)
    g = check_number("gain", gain, low=0.0)
    return g * np.maximum(0.0, xs - theta)


def softplus(x: Any, threshold: float = 0.0, gain: float = 1.0, width: float = 1.0) -> np.ndarray:
    """Softplus, a smoothed ReLU: ``gain * width * log(1 + exp((x - threshold) / width))``.

    Far above ``threshold`` it is the ReLU ``gain * (x - threshold)``; far below
    it decays to 0 exponentially; ``width`` sets how gradual the bend is, and
    as ``width`` goes to 0 softplus becomes the ReLU.

    Parameters
    ----------
    x : array_like
        Input (any unit, e.g. a current in nA).
    threshold : float, default 0
        Centre of the bend (unit of ``x``); there the output is ``gain * width * ln 2``.
    gain : float, default 1
        Slope far above threshold (output unit per unit of ``x``), >= 0.
    width : float, default 1
        Width of the bend (unit of ``x``), > 0.

    Returns
    -------
    numpy.ndarray of float, shape of ``x``

    Examples
    --------
    >>> np.round(softplus([-10.0, 0.0, 10.0]), 4)
    array([ 0.    ,  0.6931, 10.    ])
    """
    xs = check_finite_array("x", x, min_size=0)
    theta = check_number("threshold", threshold)
    g = check_number("gain", gain, low=0.0)
    w = check_number("width", width, low=0.0, low_inclusive=False)
    # logaddexp(0, z) = log(1 + e^z) without overflow for large z.
    return g * w * np.logaddexp(0.0, (xs - theta) / w)


@dataclass(frozen=True)
class ActivationFit:
    """A ReLU or softplus fitted by least squares to a curve ``y(x)``.

    Attributes
    ----------
    kind : str
        ``"relu"`` or ``"softplus"``.
    threshold, gain : float
        Fitted parameters (see :func:`relu`, :func:`softplus`).
    width : float
        Fitted width of the softplus bend; 0 for a ReLU.
    rms_error : float
        Root-mean-square difference between the fit and the data (unit of ``y``).

    Examples
    --------
    >>> fit = fit_activation([0, 1, 2, 3], [0, 0, 1, 2], "relu")
    >>> round(fit.threshold, 3), round(fit.gain, 3)
    (1.0, 1.0)
    >>> fit([4.0])
    array([3.])
    """

    kind: str
    threshold: float
    gain: float
    width: float
    rms_error: float

    def __call__(self, x: Any) -> np.ndarray:
        """The fitted function evaluated at ``x``."""
        if self.kind == "relu":
            return relu(x, self.threshold, self.gain)
        return softplus(x, self.threshold, self.gain, self.width)


def fit_activation(x: Any, y: Any, kind: str) -> ActivationFit:
    """Fit a ReLU or a softplus to a curve by least squares.

    Used to set an artificial activation function beside a neuron's f-I curve:
    ``x`` the input currents, ``y`` the firing rates. The fit is deterministic
    (it starts from the data: threshold where ``y`` first leaves zero, gain
    from the last two points) and bounded (gain >= 0, width > 0).

    Parameters
    ----------
    x : array_like, shape (n,)
        Strictly increasing inputs, at least 4.
    y : array_like, shape (n,)
        Values to fit (finite).
    kind : {"relu", "softplus"}

    Returns
    -------
    ActivationFit

    Examples
    --------
    >>> xs = np.linspace(-3, 3, 13)
    >>> fit = fit_activation(xs, softplus(xs, 0.5, 2.0, 0.7), "softplus")
    >>> round(fit.threshold, 3), round(fit.gain, 3), round(fit.width, 3)
    (0.5, 2.0, 0.7)
    """
    from scipy.optimize import least_squares

    xs = check_finite_array("x", x, ndim=1, min_size=4)
    if np.any(np.diff(xs) <= 0):
        raise ValueError(f"x must be strictly increasing; got {xs.tolist()}")
    ys = check_finite_array("y", y, ndim=1)
    if ys.shape != xs.shape:
        raise ValueError(f"y must have the shape of x {xs.shape}; got {ys.shape}")
    check_choice("kind", kind, ("relu", "softplus"))
    span = float(xs[-1] - xs[0])
    gain0 = max(float((ys[-1] - ys[-2]) / (xs[-1] - xs[-2])), 1e-9)
    above = np.flatnonzero(ys > 0.05 * max(float(ys.max()), 1e-12))
    first = int(above[0]) if above.size else len(xs) // 2
    # A start exactly on a sample is a kink where the ReLU's numerical
    # gradient vanishes: start between samples, and at more than one place.
    thetas = {0.5 * (xs[max(first - 1, 0)] + xs[first]), 0.5 * (xs[0] + xs[1]),
              0.5 * (xs[first] + xs[min(first + 1, len(xs) - 1)])}
    # The threshold may lie outside the data, but not arbitrarily far: a
    # softplus with a far-away bend and a tiny gain is a line, not a threshold.
    theta_lo, theta_hi = float(xs[0]) - span, float(xs[-1]) + span

    if kind == "relu":
        def residual(p):
            return relu(xs, p[0], p[1]) - ys
        starts = [[t, gain0] for t in sorted(thetas)]
        low, high = [theta_lo, 0.0], [theta_hi, np.inf]
    else:
        def residual(p):
            return softplus(xs, p[0], p[1], p[2]) - ys
        # Least squares on a softplus has local minima: start from a sharp, a
        # medium and a broad bend and keep the best.
        starts = [[t, gain0, f * span] for t in sorted(thetas) for f in (0.01, 0.1, 0.3)]
        low, high = [theta_lo, 0.0, 1e-6 * span], [theta_hi, np.inf, span]
    best = min((least_squares(residual, start, bounds=(low, high), method="trf", x_scale="jac")
                for start in starts), key=lambda sol: sol.cost)
    p = best.x
    rms = float(np.sqrt(np.mean(residual(p) ** 2)))
    return ActivationFit(kind=kind, threshold=float(p[0]), gain=float(p[1]),
                         width=0.0 if kind == "relu" else float(p[2]), rms_error=rms)
