"""Figures for chapter 0: a leaky integrate-and-fire neuron, its f-I curve, with and without noise."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..spiking import FICurve, LIFResult, NoisyFICurve
from . import PALETTE, new_figure

__all__ = ["plot_fi_curves", "plot_membrane_trace", "plot_noisy_fi_curve", "plot_voltage_trace"]


def plot_voltage_trace(t, v, *, v_threshold=None, title: str | None = None):
    """Plot a membrane potential against time, as recorded by a Brian2 ``StateMonitor``.

    Parameters
    ----------
    t : Quantity, shape (n,)
        Sample times (s), e.g. ``monitor.t[:]``.
    v : Quantity, shape (n,)
        Membrane potential (volt), e.g. ``monitor.v[0]``.
    v_threshold : Quantity, optional
        Drawn as a dashed line when given.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import ms, mV
    >>> fig = plot_voltage_trace(np.arange(3) * ms, [-70, -60, -70] * mV, title="three samples")
    >>> fig.axes[0].get_title()
    'three samples'
    """
    from brian2 import ms, mV, second, volt
    from brian2.units.fundamentalunits import Quantity

    for name, value, unit in (("t", t, second), ("v", v, volt)):
        if not isinstance(value, Quantity) or not value.has_same_dimensions(unit) or np.ndim(value) != 1:
            raise ValueError(f"{name} must be a 1-D Brian2 quantity array in {unit}; got {value!r:.80}")
    if len(t) != len(v) or len(t) == 0:
        raise ValueError(f"v must have one sample per time in t ({len(t)}); got {len(v)}")
    fig, ax = new_figure(width=6, height=3)
    ax.plot(np.asarray(t / ms), np.asarray(v / mV), color=PALETTE[0], label="v(t)")
    if v_threshold is not None:
        ax.axhline(float(v_threshold / mV), color=PALETTE[5], ls="--", label="threshold")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential v (mV)")
    ax.set_title(title or "membrane potential of a LIF neuron")
    # Outside the axes: a saw-tooth between reset and threshold leaves no empty corner.
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


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
    from brian2 import amp, nA

    if not isinstance(result, LIFResult):
        raise ValueError(f"result must be a LIFResult from nslib.spiking.simulate_lif; "
                         f"got {type(result).__name__}")
    if result.v is None:
        raise ValueError("result must hold a recorded voltage; simulate with record_v=[...]")
    if not 0 <= neuron < len(result.v):
        raise ValueError(f"neuron must be in [0, {len(result.v) - 1}]; got {neuron}")
    current = float(np.asarray(result.input_current / amp)[0] * amp / nA)
    return plot_voltage_trace(result.t, result.v[neuron], v_threshold=v_threshold,
                              title=title or f"LIF neuron driven by {current:g} nA")


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
        # The formula on a grid that resolves the rheobase, where the rate rises from 0
        # continuously but with an infinite slope (through the simulated currents alone, the
        # line would show a jump that is not there).
        line_i, line_r = curve.analytic_line()
        ax.plot(np.asarray(line_i / nA), np.asarray(line_r / Hz), color=color,
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


def plot_noisy_fi_curve(curve: NoisyFICurve, fits: Sequence = (), *, fit_range_na=None,
                        max_rate_hz: float | None = None, title: str | None = None):
    """Plot a noisy LIF f-I curve beside the noise-free one and fitted activation functions.

    Parameters
    ----------
    curve : nslib.spiking.NoisyFICurve
        From :meth:`nslib.spiking.CompiledNoisyFI.fi_curve`.
    fits : sequence of nslib.perceptron.threshold_units.ActivationFit, optional
        ReLU and/or softplus fitted to the curve (rates in Hz against currents
        in nA), drawn dashed over the whole current range.
    fit_range_na : (float, float), optional
        The currents (nA) the fits were made on, shaded.
    max_rate_hz : float, optional
        Upper limit of the rate axis (Hz), to keep axes fixed in a sweep.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import mV, nA, second
    >>> from nslib.spiking import CompiledNoisyFI
    >>> model = CompiledNoisyFI([1, 2, 3] * nA, n_trials=2, duration=0.2 * second, target="numpy")
    >>> fig = plot_noisy_fi_curve(model.fi_curve(noise_sigma=2 * mV))
    >>> fig.axes[0].get_xlabel()
    'input current I (nA)'
    """
    from brian2 import Hz, mV, nA

    from ..perceptron.threshold_units import ActivationFit

    if not isinstance(curve, NoisyFICurve):
        raise ValueError(f"curve must be a NoisyFICurve (from nslib.spiking.CompiledNoisyFI); "
                         f"got {type(curve).__name__}")
    fits = list(fits)
    if not all(isinstance(f, ActivationFit) for f in fits):
        raise ValueError("fits must hold only ActivationFit results (from fit_activation); "
                         f"got {[type(f).__name__ for f in fits]}")
    current = np.asarray(curve.currents / nA)
    if fit_range_na is not None:
        lo, hi = (float(x) for x in fit_range_na)
        if not lo < hi:
            raise ValueError(f"fit_range_na must be (low, high) with low < high; got {fit_range_na!r}")
    sigma = float(curve.noise_sigma / mV)
    fig, ax = new_figure(width=6, height=3.8)
    if fit_range_na is not None:
        ax.axvspan(lo, hi, color="0.92", zorder=0, label="fitted range")
    line_i, line_r = curve.analytic_line()   # fine near the rheobase: continuous, no jump
    ax.plot(np.asarray(line_i / nA), np.asarray(line_r / Hz), color="0.45", lw=1.5,
            label="LIF without noise (analytic)")
    ax.errorbar(current, np.asarray(curve.rates / Hz), yerr=np.asarray(curve.rate_sem / Hz),
                fmt="o", ms=4, color=PALETTE[0], mfc="none", capsize=0,
                label=f"LIF, noise σ = {sigma:g} mV (Brian2, mean of {curve.n_trials})")
    fine = np.linspace(current[0], current[-1], 400)
    styles = {"relu": (PALETTE[5], "--"), "softplus": (PALETTE[2], "-.")}
    for fit in fits:
        color, ls = styles[fit.kind]
        name = "ReLU" if fit.kind == "relu" else "softplus"
        ax.plot(fine, fit(fine), color=color, ls=ls, lw=1.8,
                label=f"best {name} (rms {fit.rms_error:.1f} Hz in the shaded range)"
                if fit_range_na is not None else f"best {name} (rms {fit.rms_error:.1f} Hz)")
    ax.axvline(float(curve.rheobase / nA), color="0.5", ls=":", label="rheobase")
    ax.set_xlabel("input current I (nA)")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_xlim(current[0], current[-1])
    ax.set_ylim(0, max_rate_hz)
    ax.set_title(title or f"f-I curve with membrane noise σ = {sigma:g} mV")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    return fig
