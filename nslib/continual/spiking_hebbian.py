"""Hebbian plasticity in a spiking neuron finds the principal component of its inputs.

One leaky integrate-and-fire neuron receives ``n_inputs`` Poisson spike
trains whose rates share two slow latent signals, so the inputs are
correlated: their covariance has a leading principal component (PC1) along
the loadings of the stronger signal. Its synapses follow an Oja-like,
spike-based Hebbian rule (Oja 1982):

* each synapse keeps a presynaptic trace ``x`` (+1 per input spike, decay
  ``τ_pre``) and the neuron a postsynaptic trace ``y`` (+1 per output spike,
  decay ``τ_post``);
* at every output spike, ``w += η [(x − x̄) − β w y]``: Hebbian growth for
  inputs that were more active than their mean ``x̄ = r̄ τ_pre`` just before
  the neuron fired, and an activity-dependent decay that keeps ``‖w‖``
  bounded, the spiking counterpart of Oja's ``−y² w``.

Averaged over spikes the drift is ``η (C w − β⟨y ρ⟩ w)`` for the input
covariance ``C`` (to first order in the neuron's gain), Oja's rule, whose
stable fixed point is the top eigenvector of ``C``. Weights may be negative
(inhibitory), as in Oja's linear neuron. Everything runs through
:mod:`nslib.spiking`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_int, check_number, check_positive

__all__ = ["CorrelatedInputs", "HebbianSpikingResult", "correlated_inputs",
           "hebbian_spiking_pca", "spike_count_components", "CountComponents"]


@dataclass(frozen=True, eq=False)
class CorrelatedInputs:
    """Rates of Poisson inputs that share two slow latent signals.

    Attributes
    ----------
    rates : Quantity, shape (n_steps, n_inputs)
        Rate of each input in each time bin (Hz).
    dt : Quantity
        Duration of one bin.
    loadings : numpy.ndarray, shape (2, n_inputs)
        Unit vectors: how strongly each input follows latent signal 1 (a
        cosine profile over the inputs) and signal 2 (a sine profile).
    latents : numpy.ndarray, shape (n_steps, 2)
        The two signals: Ornstein–Uhlenbeck processes of unit variance.
    mean_rate : Quantity
        Rate of every input without modulation (Hz).
    modulation : tuple of float
        Modulation depth of each signal.
    """

    rates: Any
    dt: Any
    loadings: np.ndarray
    latents: np.ndarray
    mean_rate: Any
    modulation: tuple

    @property
    def n_inputs(self) -> int:
        """Number of inputs."""
        return int(self.loadings.shape[1])


def correlated_inputs(n_inputs: int = 20, duration=None, *, mean_rate=None,
                      modulation: tuple = (0.5, 0.25), correlation_time=None, dt=None,
                      seed: Any = 0) -> CorrelatedInputs:
    """Rates of ``n_inputs`` Poisson inputs modulated by two latent signals.

    ``r_i(t) = r̄ · max(0, 1 + √N (m₁ u_i s₁(t) + m₂ v_i s₂(t)))`` with unit
    loadings ``u ∝ cos(2πi/N)``, ``v ∝ sin(2πi/N)`` and Ornstein–Uhlenbeck
    signals ``s₁, s₂`` of unit variance and correlation time ``τ_s``. With
    ``m₁ > m₂`` the rate covariance's leading eigenvector is ``u``.

    Parameters
    ----------
    n_inputs : int, >= 4
    duration : Quantity, default 40 s
    mean_rate : Quantity, default 30 Hz
    modulation : (float, float), each in [0, 1)
        Modulation depths ``m₁, m₂``; rates are clipped at 0 (for the
        defaults, in about 4% of the bins).
    correlation_time : Quantity, default 100 ms
    dt : Quantity, default 1 ms
        Bin of the rate array.
    seed : int or numpy.random.Generator

    Returns
    -------
    CorrelatedInputs

    Examples
    --------
    >>> from brian2 import second, Hz
    >>> inp = correlated_inputs(10, duration=2 * second, seed=0)
    >>> inp.rates.shape, round(float(np.mean(inp.rates / Hz)))
    ((2000, 10), 30)
    """
    from brian2 import Hz, ms, second

    from ..spiking import check_quantity

    n_inputs = check_int("n_inputs", n_inputs, low=4)
    duration = check_quantity("duration", 40 * second if duration is None else duration, second,
                              example="40*second")
    mean_rate = check_quantity("mean_rate", 30 * Hz if mean_rate is None else mean_rate, Hz,
                               example="30*Hz")
    tau = check_quantity("correlation_time", 100 * ms if correlation_time is None
                         else correlation_time, ms, example="100*ms")
    dt = check_quantity("dt", 1 * ms if dt is None else dt, ms, example="1*ms")
    if not (isinstance(modulation, (tuple, list)) and len(modulation) == 2):
        raise ValueError(f"modulation must be a pair of depths (m1, m2); got {modulation!r}")
    m1, m2 = (check_number("modulation", m, low=0.0, high=1.0, high_inclusive=False)
              for m in modulation)
    rng = as_generator(seed)
    n_steps = int(round(float(duration / dt)))
    if n_steps < 2:
        raise ValueError(f"duration must span at least 2 bins of dt; got {duration} with dt {dt}")
    angle = 2 * np.pi * np.arange(n_inputs) / n_inputs
    loadings = np.stack([np.cos(angle), np.sin(angle)])
    loadings /= np.linalg.norm(loadings, axis=1, keepdims=True)
    decay = float(np.exp(-dt / tau))
    noise = rng.normal(size=(n_steps, 2)) * np.sqrt(1 - decay ** 2)
    latents = np.empty((n_steps, 2))
    state = rng.normal(size=2)  # start in the stationary distribution
    for k in range(n_steps):
        state = decay * state + noise[k]
        latents[k] = state
    gain = np.sqrt(n_inputs) * np.array([m1, m2])
    rates = float(mean_rate / Hz) * np.clip(1 + (latents * gain) @ loadings, 0.0, None)
    return CorrelatedInputs(rates=rates * Hz, dt=dt, loadings=loadings, latents=latents,
                            mean_rate=mean_rate, modulation=(m1, m2))


@dataclass(frozen=True, eq=False)
class CountComponents:
    """Principal components of spike counts in time bins.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (n_inputs,)
        Of the count covariance (spikes²), largest first.
    components : numpy.ndarray, shape (n_inputs, n_inputs)
        Row ``k`` is the ``k``-th principal component (unit length).
    """

    eigenvalues: np.ndarray
    components: np.ndarray


def spike_count_components(spike_times, spike_indices, n_inputs: int, duration,
                           bin_size=None) -> CountComponents:
    """Principal components of the inputs' spike counts in time bins.

    Parameters
    ----------
    spike_times : Quantity, shape (n_spikes,)
        When each spike happened.
    spike_indices : array of int, shape (n_spikes,)
        Which input fired it, in ``[0, n_inputs)``.
    n_inputs : int, >= 2
        Number of inputs.
    duration : Quantity, > 0 s
        Length of the recording; the bins cover it.
    bin_size : Quantity, default 50 ms
        Width of a counting bin, at most ``duration / 2``.

    Returns
    -------
    CountComponents
        Eigenvalues (largest first) and principal components of the count covariance.

    Examples
    --------
    >>> from brian2 import second
    >>> pcs = spike_count_components(np.array([0.01, 0.01, 0.5]) * second, [0, 1, 2], 3, 1 * second)
    >>> pcs.eigenvalues.shape, pcs.components.shape
    ((3,), (3, 3))
    """
    from brian2 import ms, second

    from ..spiking import check_quantity

    n_inputs = check_int("n_inputs", n_inputs, low=2)
    duration = check_quantity("duration", duration, second, example="10*second")
    bin_size = check_quantity("bin_size", 50 * ms if bin_size is None else bin_size, second,
                              high=float(duration / second) / 2, example="50*ms")
    idx = np.asarray(spike_indices, dtype=int)
    if idx.ndim != 1 or np.any(idx < 0) or np.any(idx >= n_inputs):
        raise ValueError(f"spike_indices must be a 1-D array of ints in [0, {n_inputs}); got {idx!r}")
    n_bins = int(float(duration / bin_size))
    t = np.asarray(spike_times / second)
    if t.shape != idx.shape:
        raise ValueError(f"spike_times must have one time per index ({idx.shape}); got {t.shape}")
    which = np.minimum((t / float(bin_size / second)).astype(int), n_bins - 1)
    counts = np.zeros((n_bins, n_inputs))
    np.add.at(counts, (which, idx), 1.0)
    values, vectors = np.linalg.eigh(np.cov(counts.T))
    return CountComponents(eigenvalues=values[::-1], components=vectors[:, ::-1].T)


@dataclass(frozen=True, eq=False)
class HebbianSpikingResult:
    """What the Hebbian synapses learned.

    Attributes
    ----------
    times : Quantity, shape (n_samples,)
        When the weights were recorded.
    weights : numpy.ndarray, shape (n_samples, n_inputs)
    final_weights : numpy.ndarray, shape (n_inputs,)
    principal_component, second_component : numpy.ndarray, shape (n_inputs,)
        The first two principal components of the input spike counts (50 ms
        bins), as measured from the spikes the neuron received; sign chosen so
        that the final weights project positively on each.
    count_eigenvalues : numpy.ndarray, shape (n_inputs,)
        Eigenvalues of the spike-count covariance, largest first.
    alignment, alignment_second : numpy.ndarray, shape (n_samples,)
        ``|cos|`` of the angle between the weights and each component over time.
    output_rate : Quantity
        Mean firing rate of the neuron (Hz).
    inputs : CorrelatedInputs
    target : str
        Brian2 code-generation target that ran.
    """

    times: Any
    weights: np.ndarray
    final_weights: np.ndarray
    principal_component: np.ndarray
    second_component: np.ndarray
    count_eigenvalues: np.ndarray
    alignment: np.ndarray
    alignment_second: np.ndarray
    output_rate: Any
    inputs: CorrelatedInputs
    target: str

    @property
    def final_alignment(self) -> float:
        """``|cos|`` between the final weights and the principal component."""
        return float(self.alignment[-1])


def _cosines(weights: np.ndarray, direction: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(weights, axis=1) * np.linalg.norm(direction)
    return np.abs(weights @ direction) / np.where(norms > 0, norms, 1.0)


def hebbian_spiking_pca(n_inputs: int = 20, duration=None, *, learning_rate: float = 0.01,
                        decay: float = 1.0, psp_size: float = 0.4, bias: float = 0.7,
                        initial_weight_std: float = 0.3, modulation: tuple = (0.5, 0.25),
                        dt=None, record_every=None, target: str = "auto",
                        seed: Any = 0) -> HebbianSpikingResult:
    """Simulate a LIF neuron whose synapses learn by an Oja-like spike-based rule.

    The neuron (membrane in units of the threshold: ``τ_m dv/dt = bias − v``,
    spike at ``v > 1``, reset to 0, 2 ms refractory, ``τ_m = 10 ms``) receives
    the Poisson inputs of :func:`correlated_inputs`; each input spike adds
    ``psp_size · w`` to ``v``. See the module docstring for the learning rule.

    Parameters
    ----------
    n_inputs : int, >= 4
    duration : Quantity, default 40 s
    learning_rate : float, > 0
        η, per output spike.
    decay : float, >= 0
        β, strength of the Oja-like decay.
    psp_size : float, > 0
        Jump of ``v`` (threshold units) per input spike at ``w = 1``.
    bias : float
        Constant drive (threshold units); below 1 the neuron fires only
        when its inputs push it.
    initial_weight_std : float, > 0
        Initial weights are drawn from N(0, std²).
    modulation : (float, float)
        See :func:`correlated_inputs`.
    dt : Quantity, default 1 ms
        Simulation time step (also the bin of the input rates).
    record_every : Quantity, default 200 ms
        Interval between weight snapshots.
    target : {"auto", "cython", "numpy"}
        Brian2 code-generation target, see :func:`nslib.spiking.runtime`.
    seed : int or numpy.random.Generator
        Seeds the input rates, the initial weights and the Poisson spikes.

    Returns
    -------
    HebbianSpikingResult

    Examples
    --------
    >>> from brian2 import second
    >>> r = hebbian_spiking_pca(10, duration=1 * second, target="numpy", seed=0)
    >>> r.weights.shape, r.target
    ((5, 10), 'numpy')
    """
    from brian2 import ms, second

    from .. import spiking

    duration = spiking.check_quantity("duration", 40 * second if duration is None else duration,
                                      second, example="40*second")
    dt = spiking.check_quantity("dt", 1 * ms if dt is None else dt, ms, example="1*ms")
    record_every = spiking.check_quantity("record_every", 200 * ms if record_every is None
                                          else record_every, ms, example="200*ms")
    learning_rate = check_positive("learning_rate", learning_rate)
    decay = check_number("decay", decay, low=0.0)
    psp_size = check_positive("psp_size", psp_size)
    bias = check_number("bias", bias)
    initial_weight_std = check_positive("initial_weight_std", initial_weight_std)
    rng = as_generator(seed)
    inputs = correlated_inputs(n_inputs, duration, modulation=modulation, dt=dt, seed=rng)
    w_initial = rng.normal(scale=initial_weight_std, size=n_inputs)
    tau_pre = 20 * ms
    mean_trace = float(inputs.mean_rate * tau_pre)   # x̄ = r̄ τ_pre

    with spiking.runtime("hebbian_pca", target=target, seed=rng, dt=dt) as rt:
        b2 = rt.brian2
        input_rates = b2.TimedArray(inputs.rates, dt=dt, name=rt.name("rates"))
        sources = b2.PoissonGroup(n_inputs, rates="input_rates(t, i)", clock=rt.clock,
                                  namespace={"input_rates": input_rates}, name=rt.name("inputs"))
        neuron = b2.NeuronGroup(
            1, """dv/dt = (bias - v) / tau_m : 1 (unless refractory)
                  dy/dt = -y / tau_post : 1
                  bias : 1 (shared)""",
            threshold="v > 1", reset="v = 0; y += 1", refractory=2 * ms, method="exact",
            clock=rt.clock, namespace={"tau_m": 10 * ms, "tau_post": 20 * ms},
            name=rt.name("neuron"))
        synapses = b2.Synapses(
            sources, neuron,
            model="""w : 1
                     dx/dt = -x / tau_pre : 1 (event-driven)
                     eta : 1 (shared)
                     beta : 1 (shared)""",
            on_pre="""v_post += psp_size * w
                      x += 1""",
            on_post="w += eta * ((x - x_mean) - beta * w * y_post)",
            clock=rt.clock, name=rt.name("synapses"),
            namespace={"tau_pre": tau_pre, "psp_size": psp_size, "x_mean": mean_trace})
        synapses.connect()
        neuron.bias = bias
        synapses.w = w_initial
        synapses.eta = learning_rate
        synapses.beta = decay
        weights = b2.StateMonitor(synapses, "w", record=True, dt=record_every,
                                  name=rt.name("weights"))
        input_spikes = b2.SpikeMonitor(sources, name=rt.name("input_spikes"))
        output_spikes = b2.SpikeMonitor(neuron, name=rt.name("output_spikes"))
        b2.Network(sources, neuron, synapses, weights, input_spikes, output_spikes).run(
            duration, namespace={})
        times = weights.t[:]
        w_history = np.array(weights.w[:]).T.copy()
        spike_t, spike_i = input_spikes.t[:], np.array(input_spikes.i[:])
        n_out = int(output_spikes.num_spikes)
        used = rt.target

    pcs = spike_count_components(spike_t, spike_i, n_inputs, duration)
    eigenvalues, components = pcs.eigenvalues, pcs.components
    final = w_history[-1]
    pc1, pc2 = (c * (1.0 if c @ final >= 0 else -1.0) for c in components[:2])
    return HebbianSpikingResult(
        times=times, weights=w_history, final_weights=final, principal_component=pc1,
        second_component=pc2, count_eigenvalues=eigenvalues,
        alignment=_cosines(w_history, pc1), alignment_second=_cosines(w_history, pc2),
        output_rate=n_out / duration, inputs=inputs, target=used)
