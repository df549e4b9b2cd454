"""Activation functions of artificial neurons, fitted to the f-I curve of a spiking one.

A noise-free LIF neuron is silent below its rheobase and then fires at a rate
whose slope is infinite at rheobase: nothing like a ReLU's kink. Membrane
noise lets the neuron fire now and then below rheobase and rounds the corner
into a smooth threshold. :func:`fit_activation` fits a ReLU, ``g·max(0, I-θ)``,
or a softplus, ``g·s·ln(1 + e^{(I-θ)/s})`` (a ReLU smoothed over a width
``s``), to measured rates, so the two can be compared on the same curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_finite_array

__all__ = ["ACTIVATIONS", "ActivationFit", "activation", "fit_activation"]

#: The activation functions :func:`fit_activation` knows.
ACTIVATIONS = ("relu", "softplus")


def activation(kind: str, inputs, gain: float, threshold: float, width: float = 1.0) -> np.ndarray:
    """Evaluate a ReLU ``g·max(0, x-θ)`` or a softplus ``g·s·ln(1 + e^{(x-θ)/s})``.

    Parameters
    ----------
    kind : {"relu", "softplus"}
    inputs : array_like
        x (any units, e.g. nA).
    gain : float
        g (output per unit input, e.g. Hz/nA).
    threshold : float
        θ (units of x).
    width : float, > 0
        s, the softplus's smoothing width (units of x); ignored by the ReLU.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> activation("relu", [0.0, 3.0], gain=10.0, threshold=2.0).tolist()
    [0.0, 10.0]
    >>> round(float(activation("softplus", 2.0, gain=10.0, threshold=2.0, width=0.5)), 3)
    3.466
    """
    check_choice("kind", kind, ACTIVATIONS)
    x = check_finite_array("inputs", inputs, min_size=1)
    if not width > 0:
        raise ValueError(f"width must be > 0; got {width!r}")
    if kind == "relu":
        return gain * np.maximum(x - threshold, 0.0)
    return gain * width * np.logaddexp(0.0, (x - threshold) / width)


@dataclass(frozen=True, eq=False)
class ActivationFit:
    """An activation function fitted by least squares to input-output data.

    Attributes
    ----------
    kind : str
        ``"relu"`` or ``"softplus"``.
    gain, threshold, width : float
        Fitted g, θ and s (s is NaN for a ReLU); units of the data.
    inputs, outputs : numpy.ndarray
        The data fitted.
    fitted : numpy.ndarray
        The fitted function at ``inputs``.
    r_squared : float
        Fraction of the variance of ``outputs`` the fit explains.
    rms_error : float
        Root-mean-square residual (units of ``outputs``).
    """

    kind: str
    gain: float
    threshold: float
    width: float
    inputs: np.ndarray
    outputs: np.ndarray
    fitted: np.ndarray
    r_squared: float
    rms_error: float


def fit_activation(inputs, outputs, kind: str = "softplus") -> ActivationFit:
    """Fit a ReLU or a softplus to an input-output curve (e.g. an f-I curve) by least squares.

    Parameters
    ----------
    inputs : array_like
        Inputs, 1-D, at least 4 values (e.g. currents in nA).
    outputs : array_like
        Outputs at those inputs, same length, not all equal (e.g. rates in Hz).
    kind : {"relu", "softplus"}

    Returns
    -------
    ActivationFit

    Examples
    --------
    >>> x = np.linspace(0, 4, 17)
    >>> fit = fit_activation(x, 30 * np.maximum(x - 2, 0), kind="relu")
    >>> round(fit.gain, 3), round(fit.threshold, 3), round(fit.r_squared, 6)
    (30.0, 2.0, 1.0)
    """
    from scipy.optimize import least_squares

    check_choice("kind", kind, ACTIVATIONS)
    x = check_finite_array("inputs", inputs, ndim=1, min_size=4)
    y = check_finite_array("outputs", outputs, ndim=1)
    if y.size != x.size:
        raise ValueError(f"outputs must have one value per input ({x.size}); got {y.size}")
    if np.ptp(y) == 0:
        raise ValueError("outputs must not all be equal (there is nothing to fit)")
    span = float(np.ptp(x)) or 1.0
    slope0 = float(np.ptp(y) / span)
    active = x[y > y.min() + 0.05 * np.ptp(y)]
    theta0 = float(active.min()) if active.size else float(np.median(x))

    if kind == "relu":
        def model(p):
            return activation("relu", x, p[0], p[1])
        starts = [np.array([2 * slope0, theta0 - 0.1 * span]), np.array([slope0, theta0])]
        lower, upper = [0.0, x.min() - span], [np.inf, x.max() + span]
    else:
        def model(p):
            return activation("softplus", x, p[0], p[1], p[2])
        starts = [np.array([2 * slope0, theta0, w * span]) for w in (0.05, 0.2)]
        lower, upper = [0.0, x.min() - span, 1e-3 * span], [np.inf, x.max() + span, 2 * span]
    best = None
    for p0 in starts:
        p0 = np.clip(p0, np.array(lower) + 1e-9, np.array(upper) - 1e-9)
        res = least_squares(lambda p: model(p) - y, p0, bounds=(lower, upper))
        if best is None or res.cost < best.cost:
            best = res
    fitted = model(best.x)
    ss_res = float(np.sum((y - fitted) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return ActivationFit(
        kind=kind, gain=float(best.x[0]), threshold=float(best.x[1]),
        width=float(best.x[2]) if kind == "softplus" else float("nan"), inputs=x, outputs=y,
        fitted=fitted, r_squared=1.0 - ss_res / ss_tot, rms_error=float(np.sqrt(ss_res / x.size)))
