"""Figures for chapter 0: a leaky integrate-and-fire neuron and its f-I curve."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..spiking import FICurve, LIFResult
from . import PALETTE, new_figure

__all__ = ["plot_fi_curves", "plot_membrane_trace"]


def plot_membrane_trace(result: LIFResult, *, neuron: int = 0, v_threshold=None,
                        title: str | None = None):
    """Plot the membrane potential of one recorded neuron, with its spikes.

    Parameters
    ----------
    result : nslib.spiking.LIFResult
        A simulation run with ``record_v`` including ``neuron``.
    neuron : int, default 0
        Row of ``result.v`` to draw (the position in ``record_v``).
    v_threshold : Quantity, optional
        Drawn as a dashed line when given.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from nslib.spiking import simulate_lif
    >>> res = simulate_lif([3] * nA, duration=50 * ms, record_v=[0], target="numpy")
    >>> plot_membrane_trace(res).axes[0].get_ylabel()
    'membrane potential v (mV)'
    """
    from brian2 import amp, ms, mV, nA

    if not isinstance(result, LIFResult):
        raise ValueError(f"result must be a LIFResult from nslib.spiking.simulate_lif; "
                         f"got {type(result).__name__}")
    if result.v is None:
        raise ValueError("result must hold a recorded voltage; simulate with record_v=[...]")
    if not 0 <= neuron < len(result.v):
        raise ValueError(f"neuron must be in [0, {len(result.v) - 1}]; got {neuron}")
    fig, ax = new_figure(width=6, height=3)
    t_ms = np.asarray(result.t / ms)
    ax.plot(t_ms, np.asarray(result.v[neuron] / mV), color=PALETTE[0], label="v(t)")
    if v_threshold is not None:
        ax.axhline(float(v_threshold / mV), color=PALETTE[5], ls="--", label="threshold")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential v (mV)")
    current = float(np.asarray(result.input_current / amp)[0] * amp / nA)
    ax.set_title(title or f"LIF neuron driven by {current:g} nA")
    ax.legend(loc="lower right", frameon=False)
    return fig


def plot_fi_curves(curves: Sequence, *, title: str | None = None, max_rate_hz: float | None = None):
    """Plot simulated (dots) and analytic (lines) f-I curves.

    Parameters
    ----------
    curves : sequence of nslib.spiking.FICurve
        One or more curves, e.g. for several membrane time constants.
    title : str, optional
    max_rate_hz : float, optional
        Upper limit of the rate axis (Hz), to keep axes fixed in a sweep.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA
    >>> from nslib.spiking import fi_curve
    >>> curve = fi_curve(np.linspace(0, 4, 5) * nA, target="numpy")
    >>> plot_fi_curves([curve]).axes[0].get_xlabel()
    'input current I (nA)'
    """
    from brian2 import Hz, ms, nA

    curves = list(curves)
    if not curves:
        raise ValueError("curves must hold at least 1 FICurve; got 0")
    if not all(isinstance(curve, FICurve) for curve in curves):
        raise ValueError("curves must hold only FICurve results (from nslib.spiking.fi_curve); "
                         f"got {[type(curve).__name__ for curve in curves]}")
    fig, ax = new_figure(width=5.5, height=3.5)
    for k, curve in enumerate(curves):
        color = PALETTE[k % len(PALETTE)]
        current = np.asarray(curve.currents / nA)
        tau = float(curve.tau_m / ms)
        ax.plot(current, np.asarray(curve.analytic_rates / Hz), color=color,
                label=f"analytic, τ_m = {tau:g} ms")
        ax.plot(current, np.asarray(curve.rates / Hz), "o", color=color, mfc="none",
                label=f"Brian2, τ_m = {tau:g} ms")
    ax.axvline(float(curves[0].rheobase / nA), color="0.5", ls=":", label="rheobase")
    ax.set_xlabel("input current I (nA)")
    ax.set_ylabel("firing rate (Hz)")
    if max_rate_hz is not None:
        ax.set_ylim(0, max_rate_hz)
    ax.set_title(title or "f-I curve of a leaky integrate-and-fire neuron")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    return fig
