"""A spike coding network in Brian2: every spike corrects the error of a decoded estimate.

Boerlin, Machens & Denève (2013) derived a spiking network from one rule: a
neuron fires only if its spike brings the decoded estimate closer to the
signal. ``N`` neurons represent a signal ``x(t)`` of ``J`` dimensions. Each
neuron ``i`` has a decoding vector ``D_i``; its spikes, filtered with the
leak ``λ`` (``dr_i/dt = -λ r_i + spikes_i``), give the estimate
``x̂ = Σ_i D_i r_i``. Neuron ``i``'s membrane potential is its projection of
the coding error minus a cost on its own firing, ``V_i = D_iᵀ (x - x̂) - μ r_i``:
a spike of neuron ``i`` lowers the loss ``||x - x̂||² + μ ||r||²`` (the squared
error plus Boerlin et al.'s quadratic cost on the filtered spike trains)
exactly when ``V_i > T_i = (||D_i||² + μ)/2``. Differentiating ``V`` (with
``dr/dt = -λ r + s``) gives the network:

``dV_i/dt = -λ V_i + D_iᵀ (dx/dt + λ x) - Σ_j Ω_ij s_j(t)``, with ``Ω = DᵀD + μ I``:

a leaky neuron driven by the signal through feedforward weights ``D_iᵀ`` and
coupled by fast recurrent connections ``-Ω_ij``: inhibition between neurons
with similar decoders, excitation between opposite ones, and a reset
``Ω_ii`` after the neuron's own spike. Excitation and inhibition cancel
almost exactly (a tight balance), and with some membrane noise, which
neuron fires next is left to chance: single neurons fire irregularly while
the population's estimate stays precise. If neurons die, the others take
over their work.

The Brian2 network (:data:`SCN_EQUATIONS`, built in :func:`_build`) is
compiled once per structure through :class:`nslib.spiking.CompiledNetwork`;
the signal (a ``TimedArray``), the silenced neurons and the noise change
from run to run without recompiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = [
    "SCN_BID",
    "SCN_EQUATIONS",
    "SCN_THRESHOLD",
    "SCN_THRESHOLD_ALL",
    "SpikeCodingResult",
    "decoders",
    "decode_spikes",
    "ei_balance",
    "filter_spikes",
    "smooth_signal",
    "spike_coding_network",
    "steady_signal",
]

#: One neuron of the spike coding network, in Brian2's syntax. ``drive(t, i)``
#: is a TimedArray holding ``D_iᵀ(dx/dt + λx)`` for every neuron (Hz);
#: ``xi`` is white noise, scaled so that the free membrane potential
#: fluctuates with standard deviation ``noise * threshold_v``. ``bid`` and
#: ``competition`` let only one neuron fire per time step (see :func:`_build`).
SCN_EQUATIONS = """
dv/dt = -leak * v + drive(t, i) + noise * threshold_v * sqrt(2 * leak) * xi : 1
bid : 1
competition : 1
threshold_v : 1 (constant)
alive : 1
noise : 1 (shared)
leak : Hz (shared, constant)
"""

#: Fire if above threshold and the highest bidder: at most one spike per time step.
SCN_THRESHOLD = "alive > 0.5 and v > threshold_v and bid > 0 and bid >= 0.5 * competition"
#: The plain threshold, for comparison: every neuron above threshold fires.
SCN_THRESHOLD_ALL = "alive > 0.5 and v > threshold_v"
#: Each neuron's bid for the next step, from its voltage above threshold (0 below).
SCN_BID = "bid = alive * int(v > threshold_v) * exp(200 * clip(v / threshold_v - 1, 0, 2))"


def steady_signal(level, duration_ms: float = 2000.0, dt_ms: float = 1.0,
                  ramp_ms: float = 200.0) -> np.ndarray:
    """A constant signal, reached along a raised-cosine ramp from 0.

    Parameters
    ----------
    level : array_like, shape (n_dims,)
        The constant value (1 to 10 dimensions).
    duration_ms, dt_ms, ramp_ms : float
        Duration, sampling step and ramp duration (ms; ``0 <= ramp_ms < duration_ms``).

    Returns
    -------
    numpy.ndarray, shape (n_steps, n_dims)

    Examples
    --------
    >>> x = steady_signal([0.6, 0.4], duration_ms=400.0, ramp_ms=200.0)
    >>> x[0].tolist(), x[-1].tolist()
    ([0.0, 0.0], [0.6, 0.4])
    """
    lv = check_finite_array("level", level, ndim=1)
    if not 1 <= lv.size <= 10:
        raise ValueError(f"level must hold 1 to 10 values (one per dimension); got {lv.size}")
    duration = check_number("duration_ms", duration_ms, low=0.0, high=100000.0, low_inclusive=False)
    dt = check_number("dt_ms", dt_ms, low=0.0, high=10.0, low_inclusive=False)
    ramp = check_number("ramp_ms", ramp_ms, low=0.0, high=duration, high_inclusive=False)
    t = np.arange(int(round(duration / dt))) * dt
    phase = np.clip(t / ramp, 0.0, 1.0) if ramp > 0 else np.ones_like(t)
    return np.outer(0.5 - 0.5 * np.cos(np.pi * phase), lv)


def smooth_signal(duration_ms: float = 2000.0, n_dims: int = 2, dt_ms: float = 1.0,
                  amplitude: float = 1.0, max_frequency_hz: float = 3.0, *, seed: Any = 0) -> np.ndarray:
    """A smooth random signal that starts at rest: a sum of slow sinusoids, ramped in.

    Each dimension is a sum of four sinusoids with random frequencies (in
    ``[max_frequency_hz / 6, max_frequency_hz]``), phases and amplitudes,
    scaled to an RMS of ``amplitude / sqrt(2)`` and multiplied by a raised-cosine
    ramp over the first 200 ms (so the signal and its derivative start at 0).

    Parameters
    ----------
    duration_ms : float, in [100, 100000]
    n_dims : int, in [1, 10]
    dt_ms : float, in (0, 10]
        Sampling step (ms).
    amplitude : float, > 0
    max_frequency_hz : float, in (0, 50]
    seed : int or numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n_steps, n_dims)

    Examples
    --------
    >>> x = smooth_signal(500.0, n_dims=2, seed=0)
    >>> x.shape, float(abs(x[0]).max())
    ((500, 2), 0.0)
    """
    duration = check_number("duration_ms", duration_ms, low=100.0, high=100000.0)
    n_dims = check_int("n_dims", n_dims, low=1, high=10)
    dt = check_number("dt_ms", dt_ms, low=0.0, high=10.0, low_inclusive=False)
    amplitude = check_number("amplitude", amplitude, low=0.0, low_inclusive=False)
    f_max = check_number("max_frequency_hz", max_frequency_hz, low=0.0, high=50.0, low_inclusive=False)
    rng = as_generator(seed)
    t = np.arange(int(round(duration / dt))) * dt / 1000.0
    x = np.zeros((len(t), n_dims))
    for j in range(n_dims):
        freqs = rng.uniform(f_max / 6.0, f_max, 4)
        phases = rng.uniform(0.0, 2 * np.pi, 4)
        weights = rng.uniform(0.5, 1.0, 4)
        x[:, j] = np.sum(weights * np.sin(2 * np.pi * freqs * t[:, None] + phases), axis=1)
        x[:, j] *= amplitude / np.sqrt(2.0) / np.sqrt(np.mean(x[:, j] ** 2))
    ramp = np.clip(t / 0.2, 0.0, 1.0)
    return x * (0.5 - 0.5 * np.cos(np.pi * ramp))[:, None]


def decoders(n_neurons: int, n_dims: int, scale: float = 0.05, *, seed: Any = 0) -> np.ndarray:
    """Decoding vectors of the network: shape (n_dims, n_neurons), each of length ``scale``.

    One dimension: half the neurons ``+scale``, half ``-scale``. Two: evenly
    spaced directions around the circle. More: random directions (``seed``).

    Parameters
    ----------
    n_neurons : int, in [1, 2000]
        Neurons of the network.
    n_dims : int, in [1, 10]
        Dimensions of the signal.
    scale : float, > 0
        Length ``||D_i||`` of every decoding vector.
    seed : int or numpy.random.Generator
        Draws the directions when ``n_dims > 2`` (unused otherwise).

    Returns
    -------
    numpy.ndarray, shape (n_dims, n_neurons)
        Column ``i`` is ``D_i``.

    Examples
    --------
    >>> decoders(4, 1).tolist()
    [[0.05, -0.05, 0.05, -0.05]]
    >>> np.linalg.norm(decoders(6, 2), axis=0).round(3).tolist()
    [0.05, 0.05, 0.05, 0.05, 0.05, 0.05]
    """
    n_neurons = check_int("n_neurons", n_neurons, low=1, high=2000)
    n_dims = check_int("n_dims", n_dims, low=1, high=10)
    scale = check_number("scale", scale, low=0.0, low_inclusive=False)
    if n_dims == 1:
        return scale * np.where(np.arange(n_neurons) % 2 == 0, 1.0, -1.0)[None, :]
    if n_dims == 2:
        angle = 2 * np.pi * np.arange(n_neurons) / n_neurons
        return scale * np.stack([np.cos(angle), np.sin(angle)])
    d = as_generator(seed).normal(size=(n_dims, n_neurons))
    return scale * d / np.linalg.norm(d, axis=0)


def decode_spikes(spike_steps, spike_neurons, decoder, n_steps: int, leak_hz: float = 10.0,
                  dt_ms: float = 1.0) -> np.ndarray:
    """The network's estimate ``x̂(t) = Σ_i D_i r_i(t)``, with each spike train filtered by the leak.

    ``r_i`` jumps by 1 at each spike of neuron ``i`` and decays with rate
    ``leak_hz``; it is sampled at the end of every step of ``dt_ms``.

    Parameters
    ----------
    spike_steps : array_like of int
        The step (``floor(t / dt_ms)``) of every spike.
    spike_neurons : array_like of int
        The neuron of every spike.
    decoder : array_like, shape (n_dims, n_neurons)
    n_steps : int
    leak_hz, dt_ms : float

    Returns
    -------
    numpy.ndarray, shape (n_steps, n_dims)

    Examples
    --------
    >>> est = decode_spikes([0], [0], [[0.1]], n_steps=3, leak_hz=10.0, dt_ms=100.0)
    >>> est.ravel().round(4).tolist()
    [0.1, 0.0368, 0.0135]
    """
    d = check_finite_array("decoder", decoder, ndim=2)
    steps = np.asarray(spike_steps, dtype=int)
    neurons = np.asarray(spike_neurons, dtype=int)
    n_steps = check_int("n_steps", n_steps, low=1)
    if steps.shape != neurons.shape or steps.ndim != 1:
        raise ValueError(f"spike_neurons must have the shape of spike_steps {steps.shape}; "
                         f"got {neurons.shape}")
    if steps.size and (steps.min() < 0 or steps.max() >= n_steps or neurons.min() < 0
                       or neurons.max() >= d.shape[1]):
        raise ValueError(f"spike_steps must lie in [0, {n_steps}) and spike_neurons in [0, {d.shape[1]})")
    leak = check_number("leak_hz", leak_hz, low=0.0)
    dt = check_number("dt_ms", dt_ms, low=0.0, low_inclusive=False)
    counts = np.zeros((n_steps, d.shape[1]))
    np.add.at(counts, (steps, neurons), 1.0)
    kicks = counts @ d.T
    decay = np.exp(-leak * dt / 1000.0)
    estimate = np.empty((n_steps, d.shape[0]))
    level = np.zeros(d.shape[0])
    for k in range(n_steps):
        level = level * decay + kicks[k]
        estimate[k] = level
    return estimate


def filter_spikes(spike_steps, spike_neurons, n_neurons: int, n_steps: int, leak_hz: float = 10.0,
                  dt_ms: float = 1.0) -> np.ndarray:
    """The filtered spike trains ``r_i(t)``: each jumps by 1 at a spike and decays with rate ``leak_hz``.

    ``dr_i/dt = -λ r_i + Σ_k δ(t - t_i^k)``, sampled at the end of every step of
    ``dt_ms``; the estimate of the network is ``x̂ = D r`` (:func:`decode_spikes`).

    Parameters
    ----------
    spike_steps, spike_neurons : array_like of int
        The step and the neuron of every spike.
    n_neurons, n_steps : int
    leak_hz, dt_ms : float

    Returns
    -------
    numpy.ndarray, shape (n_steps, n_neurons)

    Examples
    --------
    >>> filter_spikes([0, 1], [1, 1], n_neurons=2, n_steps=3, dt_ms=100.0).round(4).tolist()
    [[0.0, 1.0], [0.0, 1.3679], [0.0, 0.5032]]
    """
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    return decode_spikes(spike_steps, spike_neurons, np.eye(n_neurons), n_steps, leak_hz, dt_ms)


@dataclass(frozen=True, eq=False)
class SpikeCodingResult:
    """A run of the spike coding network.

    Attributes
    ----------
    signal : numpy.ndarray, shape (n_steps, n_dims)
        The input ``x(t)``.
    estimate : numpy.ndarray, shape (n_steps, n_dims)
        The decoded estimate ``x̂(t)``.
    tracking_error : float
        ``RMS(x̂ - x) / RMS(x)``, over the whole run.
    spike_times_ms : numpy.ndarray
        Time of every spike (ms).
    spike_neurons : numpy.ndarray of int
        Neuron of every spike.
    rates_hz : numpy.ndarray, shape (n_neurons,)
        Mean firing rate of each neuron.
    isi_cv : float
        Mean coefficient of variation of the interspike intervals, over the
        neurons with at least 5 spikes (1 for a Poisson process; NaN if none).
    excitation, inhibition : numpy.ndarray, shape (n_steps, n_neurons)
        Each neuron's excitatory and inhibitory input (feedforward and
        recurrent, split by sign), low-pass filtered by the membrane (Hz).
    balance : float
        Mean, over neurons with a non-constant input, of the correlation
        between their excitation and inhibition over time (1: perfectly balanced),
        both filtered by the membrane (time constant ``1/λ`` = 100 ms; other
        time scales: :func:`ei_balance`).
    filtered_spikes : numpy.ndarray, shape (n_steps, n_neurons)
        ``r_i(t)``, each spike train filtered with the leak (:func:`filter_spikes`).
    thresholds : numpy.ndarray, shape (n_neurons,)
        The thresholds ``T_i`` the Brian2 network ran with, read back from it.
    cost_fraction : float
        The cost term of the membrane potential relative to the threshold,
        ``μ r_i / T_i``, averaged over time and over the active neurons.
    cost : float
        ``μ``.
    leak_hz : float
        ``λ``.
    active : numpy.ndarray of bool, shape (n_neurons,)
        False for the silenced neurons.
    decoder : numpy.ndarray, shape (n_dims, n_neurons)
    dt_ms : float
        Step of ``signal`` and ``estimate`` (ms).
    sim_dt_ms : float
        Integration step of the Brian2 network (ms).
    target : str
        ``"cpp_standalone"`` or ``"numpy"``.
    """

    signal: np.ndarray
    estimate: np.ndarray
    tracking_error: float
    spike_times_ms: np.ndarray
    spike_neurons: np.ndarray
    rates_hz: np.ndarray
    isi_cv: float
    excitation: np.ndarray
    inhibition: np.ndarray
    balance: float
    filtered_spikes: np.ndarray
    thresholds: np.ndarray
    cost_fraction: float
    active: np.ndarray
    decoder: np.ndarray
    dt_ms: float
    target: str
    cost: float = 0.0
    leak_hz: float = 10.0
    sim_dt_ms: float = 0.1


def _build(ctx, decoder: np.ndarray, cost: float, refractory_ms: float, n_steps: int, dt_ms: float,
           threshold: str = SCN_THRESHOLD):
    """The network, written the Brian2 way (this is the code the chapter shows)."""
    from brian2 import Hz, ms

    b2 = ctx.brian2
    n_neurons = decoder.shape[1]
    omega = decoder.T @ decoder + cost * np.eye(n_neurons)      # Ω = DᵀD + μI
    drive = ctx.timed_array("drive", np.zeros((n_steps, n_neurons)) * Hz, dt=dt_ms * ms)
    cells = b2.NeuronGroup(n_neurons, SCN_EQUATIONS, threshold=threshold,
                           reset="v -= 2 * threshold_v", refractory=refractory_ms * ms,
                           method="euler", clock=ctx.clock, namespace={"drive": drive},
                           name=ctx.name("cells"))
    cells.threshold_v = np.diag(omega) / 2                        # T_i = (||D_i||² + μ)/2
    cells.leak = 10 * Hz
    cells.alive = 1
    # At the end of each step every neuron above threshold bids; the next step, the
    # recurrent synapses sum the bids, and only the highest bidder may fire.
    cells.run_regularly(SCN_BID, when="end", name=ctx.name("bids"))
    pre, post = np.meshgrid(np.arange(n_neurons), np.arange(n_neurons), indexing="ij")
    recurrent = b2.Synapses(cells, cells, "w : 1 (constant)\ncompetition_post = bid_pre : 1 (summed)",
                            on_pre="v_post -= w", clock=ctx.clock, name=ctx.name("recurrent"))
    recurrent.connect(i=pre.ravel(), j=post.ravel())             # all to all
    recurrent.w = (omega - np.diag(np.diag(omega))).ravel()      # -Ω_ij; the reset does Ω_ii
    spikes = b2.SpikeMonitor(cells, name=ctx.name("spikes"))
    return {"cells": cells, "recurrent": recurrent, "spikes": spikes, "drive": drive}


def _collect(objects):
    from brian2 import ms

    spikes = objects["spikes"]
    return (np.asarray(spikes.t[:] / ms, dtype=float).copy(), np.asarray(spikes.i[:], dtype=int).copy(),
            np.asarray(objects["cells"].threshold_v[:], dtype=float).copy())


def _network(decoder: np.ndarray, cost: float, refractory_ms: float, n_steps: int, dt_ms: float,
             sim_dt_ms: float, threshold: str, target: str):
    """The compiled network for one structure, in :mod:`nslib.spiking`'s compile-once cache."""
    from brian2 import ms

    from ..spiking import CompiledNetwork, compile_once

    key = ("scn", decoder.shape, decoder.round(12).tobytes(), cost, refractory_ms, n_steps, dt_ms,
           sim_dt_ms, SCN_EQUATIONS, threshold, SCN_BID, target)
    # Distinct names for the numpy fallback: a numpy network alive in the process would
    # change Brian2's automatic names, and so the code, of a later standalone build.
    model = "predictive_scn_numpy" if target == "numpy" else "predictive_scn"
    return compile_once(model, key, lambda: CompiledNetwork(
        model, lambda ctx: _build(ctx, decoder, cost, refractory_ms, n_steps, dt_ms, threshold),
        _collect, duration=n_steps * dt_ms * ms, dt=sim_dt_ms * ms, key=key, target=target))


def _isi_cv(times_ms: np.ndarray, neurons: np.ndarray, n_neurons: int) -> float:
    cvs = []
    for i in range(n_neurons):
        t = np.sort(times_ms[neurons == i])
        if len(t) >= 5:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def _balance(feedforward: np.ndarray, counts: np.ndarray, omega: np.ndarray, leak_hz: float,
             dt_ms: float) -> tuple[np.ndarray, np.ndarray, float]:
    # Each neuron's input, split into its excitatory and inhibitory parts, both
    # low-pass filtered with rate ``leak_hz`` (the membrane's, by default): ``-Ω_ij`` is
    # excitatory where negative.
    dt_s = dt_ms / 1000.0
    off = omega - np.diag(np.diag(omega))
    rec_exc = counts @ np.clip(-off, 0.0, None) / dt_s
    rec_inh = counts @ np.clip(off, 0.0, None) / dt_s
    exc_in = np.clip(feedforward, 0.0, None) + rec_exc
    inh_in = np.clip(-feedforward, 0.0, None) + rec_inh
    decay = np.exp(-leak_hz * dt_s)
    exc, inh = np.empty_like(exc_in), np.empty_like(inh_in)
    e = np.zeros(exc_in.shape[1])
    i = np.zeros(inh_in.shape[1])
    for k in range(len(exc_in)):
        e = e * decay + (1 - decay) * exc_in[k]
        i = i * decay + (1 - decay) * inh_in[k]
        exc[k], inh[k] = e, i
    corr = [np.corrcoef(exc[:, n], inh[:, n])[0, 1] for n in range(exc.shape[1])
            if exc[:, n].std() > 0 and inh[:, n].std() > 0]
    return exc, inh, float(np.mean(corr)) if corr else float("nan")


def _feedforward(x: np.ndarray, decoder: np.ndarray, leak_hz: float, dt_ms: float) -> np.ndarray:
    return (np.gradient(x, dt_ms / 1000.0, axis=0) + leak_hz * x) @ decoder    # D_iᵀ(dx/dt + λx)


def _spike_counts(result) -> np.ndarray:
    n_steps = len(result.signal)
    steps = np.minimum((result.spike_times_ms / result.dt_ms + 1e-9).astype(int), n_steps - 1)
    counts = np.zeros((n_steps, result.decoder.shape[1]))
    np.add.at(counts, (steps, result.spike_neurons), 1.0)
    return counts


def ei_balance(result: SpikeCodingResult, timescale_ms: float = 100.0) -> float:
    """How tightly excitation and inhibition track each other, seen on a given time scale.

    Each neuron's excitatory and inhibitory inputs (feedforward and recurrent,
    split by sign, as in :attr:`SpikeCodingResult.balance`) are low-pass
    filtered with the time constant ``timescale_ms``; the result is their
    correlation over time, averaged over the neurons. With the membrane's time
    constant (``1/λ`` = 100 ms) it is :attr:`SpikeCodingResult.balance`; on a
    few milliseconds each recurrent spike is a separate kick and the
    correlation is lower.

    Parameters
    ----------
    result : SpikeCodingResult
    timescale_ms : float, in [dt_ms / 10, 10000]
        Time constant of the filter (ms), at least a tenth of the result's sampling step.

    Returns
    -------
    float
        In [-1, 1] (NaN if no neuron's inputs vary).

    Examples
    --------
    >>> res = spike_coding_network(smooth_signal(300.0, n_dims=1, seed=0), n_neurons=10,
    ...                            target="numpy")
    >>> bool(ei_balance(res, 100.0) == res.balance), bool(ei_balance(res, 2.0) < res.balance)
    (True, True)
    """
    if not isinstance(result, SpikeCodingResult):
        raise ValueError(f"result must be a SpikeCodingResult (from spike_coding_network); "
                         f"got {type(result).__name__}")
    tau = check_number("timescale_ms", timescale_ms, low=result.dt_ms / 10.0, high=10000.0)
    n_neurons = result.decoder.shape[1]
    omega = result.decoder.T @ result.decoder + result.cost * np.eye(n_neurons)
    feedforward = _feedforward(result.signal, result.decoder, result.leak_hz, result.dt_ms)
    return _balance(feedforward, _spike_counts(result), omega, 1000.0 / tau, result.dt_ms)[2]


def spike_coding_network(signal, n_neurons: int = 40, silenced_fraction: float = 0.0, *,
                         decoder_scale: float = 0.05, cost: float = 0.000625, noise: float = 0.5,
                         refractory: Any = None, dt: Any = None, sim_dt: Any = None,
                         one_spike_per_step: bool = True, seed: Any = 0,
                         target: str = "auto") -> SpikeCodingResult:
    """Track a signal with a spike coding network (Boerlin, Machens & Denève 2013) in Brian2.

    Parameters
    ----------
    signal : array_like, shape (n_steps,) or (n_steps, n_dims)
        The signal ``x(t)``, one row per ``dt`` (at least 2 steps, at most 10 dimensions).
    n_neurons : int, in [2, 2000]
    silenced_fraction : float, in [0, 1]
        Fraction of the neurons (chosen at random with ``seed``) that cannot fire.
    decoder_scale : float, > 0
        Length of every decoding vector ``||D_i||``: the jump of the estimate at each spike.
    cost : float, >= 0
        ``μ``, the cost of firing, added to the reset and to twice the threshold.
    noise : float, >= 0
        Standard deviation of the membrane noise, in units of the threshold.
    refractory : Quantity, in [0, 20] ms, default 0 ms
        Absolute refractory period; none by default. (Runaway bursts of
        spikes, where neurons with nearly the same decoder cross threshold
        together and overshoot, are prevented by letting one neuron fire per
        time step: see :func:`_build`.)
    dt : Quantity, in (0, 10] ms, default 1 ms
        Step of ``signal``.
    sim_dt : Quantity, in (0, dt], default 0.1 ms
        Integration step; ``dt`` must be a whole multiple of it.
    one_spike_per_step : bool
        Let only the neuron furthest above threshold fire in each time step
        (:data:`SCN_THRESHOLD`); ``False`` lets every neuron above threshold
        fire (:data:`SCN_THRESHOLD_ALL`), which makes the network burst.
    seed : int or numpy.random.Generator
        Seeds the choice of silenced neurons and the noise.
    target : {"auto", "cpp_standalone", "numpy"}
        ``"auto"`` compiles a C++ program once per structure (number of
        neurons and dimensions, duration) and re-runs it.

    Returns
    -------
    SpikeCodingResult

    Examples
    --------
    >>> x = smooth_signal(300.0, n_dims=1, seed=0)
    >>> res = spike_coding_network(x, n_neurons=10, target="numpy")
    >>> res.estimate.shape, bool(res.tracking_error < 0.5)
    ((300, 1), True)
    """
    x = check_finite_array("signal", signal)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or len(x) < 2 or not 1 <= x.shape[1] <= 10:
        raise ValueError(f"signal must have shape (n_steps,) or (n_steps, n_dims) with n_steps >= 2 "
                         f"and n_dims in [1, 10]; got {np.shape(signal)}")
    if not np.any(x):
        raise ValueError("signal must not be zero everywhere (the tracking error is relative to it)")
    n_neurons = check_int("n_neurons", n_neurons, low=2, high=2000)
    silenced = check_number("silenced_fraction", silenced_fraction, low=0.0, high=1.0)
    scale = check_number("decoder_scale", decoder_scale, low=0.0, low_inclusive=False)
    cost = check_number("cost", cost, low=0.0)
    noise = check_number("noise", noise, low=0.0)
    from brian2 import Hz, ms

    from ..spiking import check_quantity

    refractory = float(check_quantity("refractory", 0 * ms if refractory is None else refractory, ms,
                                      strict=False, high=20.0, example="2*ms") / ms)
    dt_ms = float(check_quantity("dt", 1 * ms if dt is None else dt, ms, high=10.0,
                                 example="1*ms") / ms)
    sim_dt = float(check_quantity("sim_dt", 0.1 * ms if sim_dt is None else sim_dt, ms, high=dt_ms,
                                  example="0.1*ms") / ms)
    ratio = dt_ms / sim_dt
    if abs(ratio - round(ratio)) > 1e-9:
        raise ValueError(f"sim_dt must divide dt ({dt_ms} ms) a whole number of times; "
                         f"got {sim_dt} ms")
    if not isinstance(one_spike_per_step, (bool, np.bool_)):
        raise ValueError(f"one_spike_per_step must be True or False; got {one_spike_per_step!r}")
    check_choice("target", target, ("auto", "cpp_standalone", "numpy"))

    rng = as_generator(seed)
    n_steps, n_dims = x.shape
    decoder = decoders(n_neurons, n_dims, scale, seed=0)
    leak = 10.0
    feedforward = _feedforward(x, decoder, leak, dt_ms)
    # The same draws whatever the fraction silenced: the noise seed, then an order of the
    # neurons, whose first ones are silenced (so a larger fraction silences a superset).
    noise_seed = int(rng.integers(0, 2**31 - 1))
    order = rng.permutation(n_neurons)
    active = np.ones(n_neurons, dtype=bool)
    n_silent = int(round(silenced * n_neurons))
    active[order[:n_silent]] = False
    threshold = SCN_THRESHOLD if one_spike_per_step else SCN_THRESHOLD_ALL
    network = _network(decoder, cost, refractory, n_steps, dt_ms, sim_dt, threshold, target)
    t_ms, idx, thresholds = network.run({"drive": feedforward * Hz, "cells.alive": active.astype(float),
                                         "cells.noise": noise}, seed=noise_seed)
    steps = np.minimum((t_ms / dt_ms + 1e-9).astype(int), n_steps - 1)
    filtered = filter_spikes(steps, idx, n_neurons, n_steps, leak, dt_ms)
    estimate = filtered @ decoder.T
    error = float(np.sqrt(np.mean((estimate - x) ** 2)) / np.sqrt(np.mean(x**2)))
    counts = np.zeros((n_steps, n_neurons))
    np.add.at(counts, (steps, idx), 1.0)
    omega = decoder.T @ decoder + cost * np.eye(n_neurons)
    exc, inh, balance = _balance(feedforward, counts, omega, leak, dt_ms)
    duration_s = n_steps * dt_ms / 1000.0
    # The cost term of V_i = D_iᵀ(x - x̂) - μ r_i, relative to the threshold.
    cost_fraction = float(np.mean(cost * filtered[:, active] / thresholds[active])) if active.any() \
        else float("nan")
    return SpikeCodingResult(
        signal=x, estimate=estimate, tracking_error=error, spike_times_ms=t_ms, spike_neurons=idx,
        rates_hz=np.bincount(idx, minlength=n_neurons) / duration_s,
        isi_cv=_isi_cv(t_ms, idx, n_neurons), excitation=exc, inhibition=inh, balance=balance,
        filtered_spikes=filtered, thresholds=thresholds, cost_fraction=cost_fraction,
        active=active, decoder=decoder, dt_ms=dt_ms, target=network.target, cost=float(cost),
        leak_hz=leak, sim_dt_ms=sim_dt)
