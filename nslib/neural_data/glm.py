"""Connectivity from spikes: a Poisson GLM with coupling filters (Pillow et al. 2008).

A small network of leaky integrate-and-fire neurons with known random
synapses is simulated in Brian2 (through :func:`nslib.spiking.runtime`). Its
spikes are binned at 1 ms, and each neuron's spike count is modelled as
Poisson with log-rate

``log λ_i(t) = b_i + Σ_k h_ik · s_i(t - lags_k) + Σ_{j≠i} Σ_k w_ijk · s_j(t - lags_k)``

where ``s_j(t - lags_k)`` is neuron ``j``'s spike count summed over the lags
of basis ``k`` (boxcar bases over a few milliseconds). The weights are fitted
by Newton's method on the penalised log-likelihood; the summed coupling
``Σ_k w_ijk`` of every ordered pair scores the candidate synapse ``j → i``,
and the ROC AUC against the true synapses says how well the GLM recovers
them. Unobserved neurons (``n_hidden``) take part in the network but not in
the fit: their input to several observed neurons is common input the GLM can
mistake for synapses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = ["COUPLING_LAGS_MS", "GLMConnectivityResult", "GLMNetworkSpikes", "GLM_NETWORK_EQUATIONS",
           "HISTORY_LAGS_MS", "ROCCurve", "fit_poisson_glm", "glm_connectivity", "lagged_features", "roc_auc",
           "simulate_glm_network"]

#: The LIF neurons of the network: v in mV above rest, driven by a mean and white noise.
GLM_NETWORK_EQUATIONS = """
dv/dt = (mu - v) / tau + sigma * sqrt(2 / tau) * xi : volt (unless refractory)
"""

#: Boxcar bases of the coupling filters: (first, last) lag in ms, inclusive.
COUPLING_LAGS_MS = ((1, 2), (3, 5), (6, 10))
#: Boxcar bases of the spike-history filter (refractoriness, bursting).
HISTORY_LAGS_MS = ((1, 2), (3, 5), (6, 10), (11, 20))


@dataclass(frozen=True)
class GLMNetworkSpikes:
    """The spikes of the simulated LIF network and its true synapses.

    Attributes
    ----------
    times_s : ndarray
        Spike times (s).
    neurons : ndarray of int
        The neuron of each spike; the observed neurons come first.
    weights_mv : ndarray, shape (n, n)
        ``weights_mv[i, j]`` is the synapse ``j → i`` in mV (0 where none),
        ``n = n_neurons + n_hidden``; the observed neurons come first.
    """

    times_s: np.ndarray
    neurons: np.ndarray
    weights_mv: np.ndarray


def simulate_glm_network(n_neurons: int = 20, n_hidden: int = 0, duration=None, *,
                         connection_probability: float = 0.15, weight=None,
                         inhibitory_fraction: float = 0.2, target: str = "auto",
                         seed: Any = 0) -> GLMNetworkSpikes:
    """Simulate the LIF network; return its spike times, neurons and true weights.

    Parameters
    ----------
    n_neurons : int, default 20
        Observed neurons (2 to 200).
    n_hidden : int, default 0
        Unobserved neurons wired in the same way (0 to 200).
    duration : Quantity, default 10 s
        Simulated time (> 0 s).
    connection_probability : float, default 0.15
        Probability of a synapse ``j → i`` for each ordered pair ``j ≠ i`` (0 to 1).
    weight : Quantity, default 1.5 mV
        Jump of the postsynaptic ``v`` per spike (> 0 mV); negative for the
        synapses of inhibitory neurons.
    inhibitory_fraction : float, default 0.2
        Fraction of neurons whose outgoing synapses are inhibitory (0 to 1).
    target : {"auto", "cython", "numpy"}
        Brian2's code-generation target (see :func:`nslib.spiking.runtime`).
    seed : int or numpy.random.Generator
        Seeds the synapses, the signs and Brian2's noise.

    Returns
    -------
    GLMNetworkSpikes
        The spike times and neurons, and the true synapses.

    Examples
    --------
    >>> from brian2 import second
    >>> net = simulate_glm_network(4, duration=0.2 * second, target="numpy", seed=0)
    >>> net.weights_mv.shape, bool(net.times_s.max() < 0.2)
    ((4, 4), True)
    """
    from brian2 import ms, mV, second

    from ..spiking import check_quantity, runtime, seed_int

    n_obs = check_int("n_neurons", n_neurons, low=2, high=200)
    n_hidden = check_int("n_hidden", n_hidden, low=0, high=200)
    duration = check_quantity("duration", 10 * second if duration is None else duration, second,
                              example="10*second")
    p = check_number("connection_probability", connection_probability, low=0.0, high=1.0)
    weight = check_quantity("weight", 1.5 * mV if weight is None else weight, mV, example="1.5*mV")
    inhibitory = check_number("inhibitory_fraction", inhibitory_fraction, low=0.0, high=1.0)
    rng = as_generator(seed)
    n = n_obs + n_hidden
    edges = (rng.random((n, n)) < p) & ~np.eye(n, dtype=bool)      # edges[i, j]: j -> i
    sign = np.where(rng.random(n) < inhibitory, -1.0, 1.0)          # per presynaptic neuron
    weights_mv = edges * sign[np.newaxis, :] * float(weight / mV)
    post, pre = np.nonzero(edges)
    brian_seed = seed_int(rng)
    with runtime("glm_network", target=target, seed=brian_seed, dt=0.1 * ms) as rt:
        b2 = rt.brian2
        cells = b2.NeuronGroup(n, GLM_NETWORK_EQUATIONS, threshold="v > 20*mV", reset="v = 0*mV",
                               refractory=2 * ms, method="euler", clock=rt.clock, name=rt.name("cells"))
        cells.v = "rand() * 20*mV"
        synapses = b2.Synapses(cells, cells, "w : volt", on_pre="v_post += w", delay=1 * ms,
                               clock=rt.clock, name=rt.name("synapses"))
        synapses.connect(i=pre, j=post)
        synapses.w = weights_mv[post, pre] * mV
        spikes = b2.SpikeMonitor(cells, name=rt.name("spikes"))
        namespace = {"mu": 16 * mV, "tau": 10 * ms, "sigma": 4 * mV}
        b2.Network(cells, synapses, spikes).run(duration, namespace=namespace)
        times = np.asarray(spikes.t[:] / second, dtype=float)
        neurons = np.asarray(spikes.i[:], dtype=int)
    return GLMNetworkSpikes(times_s=times, neurons=neurons, weights_mv=weights_mv)


def _simulated(n_neurons, n_hidden, duration_s, connection_probability, weight_mv, target, seed):
    """The network's spikes, simulated once per process for these inputs (in nslib.spiking's one
    cache, beside the compiled programs), so fits of other lengths reuse them."""
    from brian2 import mV, second

    from ..spiking import compile_once

    def simulate():
        spikes = simulate_glm_network(
            n_neurons, n_hidden, None if duration_s is None else duration_s * second,
            connection_probability=connection_probability,
            weight=None if weight_mv is None else weight_mv * mV, target=target, seed=seed)
        for array in (spikes.times_s, spikes.neurons, spikes.weights_mv):
            array.setflags(write=False)
        return spikes

    key = (n_neurons, n_hidden, duration_s, connection_probability, weight_mv, target, seed)
    return compile_once("glm_network_spikes", key, simulate)


def lagged_features(counts, lags_ms) -> np.ndarray:
    """Sum each column of ``counts`` over boxcar lags.

    Parameters
    ----------
    counts : array_like, shape (n_bins, n_neurons)
        Spike counts in 1 ms bins.
    lags_ms : sequence of (first, last)
        Inclusive lag ranges in bins (>= 1: only the past).

    Returns
    -------
    ndarray, shape (n_bins, n_neurons, n_bases)
        ``out[t, j, k] = Σ_{l=first_k}^{last_k} counts[t - l, j]`` (0 before the start).

    Examples
    --------
    >>> lagged_features([[1], [0], [0], [0]], [(1, 2)])[:, 0, 0].tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    x = check_finite_array("counts", counts, ndim=2)
    cumulative = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    t = np.arange(x.shape[0])
    out = np.empty((x.shape[0], x.shape[1], len(lags_ms)))
    for k, (first, last) in enumerate(lags_ms):
        if not 1 <= first <= last:
            raise ValueError(f"lags_ms must be ranges (first, last) with 1 <= first <= last; got {lags_ms}")
        hi = np.clip(t - first + 1, 0, None)       # counts[t - first] included
        lo = np.clip(t - last, 0, None)
        out[:, :, k] = cumulative[hi] - cumulative[lo]
    return out


def fit_poisson_glm(features, counts, *, ridge: float = 1.0, n_iterations: int = 10) -> np.ndarray:
    """Fit a Poisson GLM with exponential link by Newton's method.

    Maximises ``Σ_t [y_t (X w)_t - exp((X w)_t)] - ridge/2 ||w[1:]||²``, with
    a column of ones prepended to ``features`` for the bias ``w[0]`` (not
    penalised). Each step solves ``(Xᵀ diag(λ) X + ridge I) Δ = Xᵀ (y - λ) - ridge w``.

    Parameters
    ----------
    features : array_like, shape (n_bins, n_features)
    counts : array_like, shape (n_bins,)
        Spike counts (>= 0).
    ridge : float, default 1.0
        L2 penalty (>= 0).
    n_iterations : int, default 10
        Newton steps (>= 1).

    Returns
    -------
    ndarray, shape (n_features + 1,)
        ``[bias, weights...]``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(5000, 1))
    >>> y = rng.poisson(np.exp(-1 + 0.5 * x[:, 0]))
    >>> np.round(fit_poisson_glm(x, y, ridge=0.0), 1).tolist()
    [-1.0, 0.5]
    """
    X = check_finite_array("features", features, ndim=2)
    y = check_finite_array("counts", counts, ndim=1)
    if y.shape[0] != X.shape[0] or np.any(y < 0):
        raise ValueError("counts must be >= 0, one per row of features")
    ridge = check_number("ridge", ridge, low=0.0)
    n_iterations = check_int("n_iterations", n_iterations, low=1)
    X = np.hstack([np.ones((X.shape[0], 1)), X])
    w = np.zeros(X.shape[1])
    w[0] = np.log(max(y.mean(), 1e-6))
    penalty = np.full(X.shape[1], ridge)
    penalty[0] = 0.0
    for _ in range(n_iterations):
        rate = np.exp(np.clip(X @ w, -30, 10))
        gradient = X.T @ (y - rate) - penalty * w
        hessian = (X * rate[:, None]).T @ X + np.diag(penalty) + 1e-9 * np.eye(X.shape[1])
        w = w + np.linalg.solve(hessian, gradient)
    return w


@dataclass(frozen=True)
class ROCCurve:
    """The ROC curve of a score for boolean labels, and the area under it.

    Attributes
    ----------
    auc : float
        The probability that a random positive scores above a random negative
        (ties count one half): 0.5 is chance, 1 is perfect.
    false_positive_rate, true_positive_rate : ndarray, shape (n_scores + 1,)
        The curve, from (0, 0) to (1, 1), as the threshold falls past each score.
    """

    auc: float
    false_positive_rate: np.ndarray
    true_positive_rate: np.ndarray


def roc_auc(scores, labels) -> ROCCurve:
    """ROC AUC of ``scores`` for boolean ``labels``, with the curve (false and true positive rates).

    The AUC is the probability that a random positive scores above a random
    negative (ties count one half): 0.5 is chance, 1 is perfect.

    Parameters
    ----------
    scores : array_like, shape (n,)
        Finite scores; higher means more likely positive.
    labels : array_like of bool, shape (n,)
        The true classes; both must be present.

    Returns
    -------
    ROCCurve
        The AUC and the curve.

    Examples
    --------
    >>> roc = roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    >>> round(roc.auc, 2), roc.true_positive_rate.tolist()
    (0.75, [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    s = check_finite_array("scores", scores, ndim=1)
    y = np.asarray(labels, dtype=bool)
    if y.shape != s.shape or y.all() or not y.any():
        raise ValueError("labels must have one boolean per score, with both classes present")
    pos, neg = s[y], s[~y]
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    order = np.argsort(-s, kind="stable")
    tpr = np.concatenate([[0.0], np.cumsum(y[order]) / y.sum()])
    fpr = np.concatenate([[0.0], np.cumsum(~y[order]) / (~y).sum()])
    return ROCCurve(auc=float(greater + 0.5 * ties), false_positive_rate=fpr, true_positive_rate=tpr)


@dataclass(frozen=True)
class GLMConnectivityResult:
    """Coupling filters of a Poisson GLM fitted to a simulated network, scored against its synapses.

    Attributes
    ----------
    auc : float
        ROC AUC of ``|coupling|`` for the presence of a synapse, over all
        ordered pairs of observed neurons (0.5 is chance).
    auc_signed : float
        AUC of ``coupling`` for excitatory synapses against all other pairs.
    coupling : ndarray, shape (n_neurons, n_neurons)
        ``coupling[i, j]``: summed coupling filter ``j → i`` (log-rate per spike; 0 on the diagonal).
    filters : ndarray, shape (n_neurons, n_neurons, n_bases)
        The coupling weights per basis.
    true_weights : ndarray, shape (n_neurons, n_neurons)
        The true synapses ``j → i`` among observed neurons, mV.
    fpr, tpr : ndarray
        The ROC curve of ``auc``.
    rates_hz : ndarray, shape (n_neurons,)
        Firing rates of the observed neurons.
    duration_s : float
    n_hidden : int
    raster_times, raster_neurons : ndarray
        The observed spikes of the first second, for rasters.
    """

    auc: float
    auc_signed: float
    coupling: np.ndarray
    filters: np.ndarray
    true_weights: np.ndarray
    fpr: np.ndarray
    tpr: np.ndarray
    rates_hz: np.ndarray
    duration_s: float
    n_hidden: int
    raster_times: np.ndarray
    raster_neurons: np.ndarray


def glm_connectivity(n_neurons: int = 20, duration=None, *, n_hidden: int = 0, fit_seconds=None,
                     ridge: float = 1.0, connection_probability: float = 0.15, weight=None,
                     target: str = "auto", seed: Any = 0) -> GLMConnectivityResult:
    """Simulate the network, fit one Poisson GLM per observed neuron and score the couplings.

    Parameters
    ----------
    n_neurons : int, default 20
        Observed neurons (2 to 200).
    duration : Quantity, default 10 s
        Simulated time (> 0 s).
    n_hidden : int, default 0
        Unobserved neurons of the network (0 to 200).
    fit_seconds : float, optional
        Fit only the first ``fit_seconds`` of the recording (> 0, at most the duration); default all of it.
    ridge : float, default 1.0
        L2 penalty of the GLM (>= 0).
    connection_probability : float, default 0.15
    weight : Quantity, default 1.5 mV
        Size of every synapse (see :func:`simulate_glm_network`).
    target : {"auto", "cython", "numpy"}
    seed : int or numpy.random.Generator

    Returns
    -------
    GLMConnectivityResult

    Examples
    --------
    >>> from brian2 import second
    >>> res = glm_connectivity(n_neurons=6, duration=2 * second, target="numpy", seed=0)
    >>> res.coupling.shape
    (6, 6)
    """
    from brian2 import second

    from ..spiking import check_quantity

    # Everything is checked before the network runs.
    n_neurons = check_int("n_neurons", n_neurons, low=2, high=200)
    duration = check_quantity("duration", 10 * second if duration is None else duration, second,
                              example="10*second")
    total = float(duration / second)
    fit_s = total if fit_seconds is None else check_number("fit_seconds", fit_seconds, low=0.0, high=total,
                                                           low_inclusive=False)
    ridge = check_number("ridge", ridge, low=0.0)
    if isinstance(seed, np.random.Generator):
        spikes = simulate_glm_network(n_neurons, n_hidden, duration,
                                      connection_probability=connection_probability,
                                      weight=weight, target=target, seed=seed)
    else:  # the same network again (another fit_seconds or ridge): simulate it once per process
        from brian2 import mV

        spikes = _simulated(
            n_neurons, n_hidden, None if duration is None else float(duration / second),
            connection_probability, None if weight is None else float(weight / mV), target, seed)
    times, neurons, weights = spikes.times_s, spikes.neurons, spikes.weights_mv
    observed = neurons < n_neurons
    n_bins = int(round(fit_s * 1000))
    keep = observed & (times < n_bins / 1000)
    counts = np.zeros((n_bins, n_neurons))
    np.add.at(counts, (np.minimum((times[keep] * 1000).astype(int), n_bins - 1), neurons[keep]), 1)
    coupling_x = lagged_features(counts, COUPLING_LAGS_MS)          # (bins, neurons, bases)
    history_x = lagged_features(counts, HISTORY_LAGS_MS)
    n_bases = len(COUPLING_LAGS_MS)
    filters = np.zeros((n_neurons, n_neurons, n_bases))
    for i in range(n_neurons):
        others = [j for j in range(n_neurons) if j != i]
        X = np.hstack([history_x[:, i, :], coupling_x[:, others, :].reshape(n_bins, -1)])
        w = fit_poisson_glm(X, counts[:, i], ridge=ridge)
        filters[i, others] = w[1 + len(HISTORY_LAGS_MS):].reshape(len(others), n_bases)
    coupling = filters.sum(axis=2)
    true = weights[:n_neurons, :n_neurons]
    off = ~np.eye(n_neurons, dtype=bool)
    roc = roc_auc(np.abs(coupling[off]), true[off] != 0)
    auc, fpr, tpr = roc.auc, roc.false_positive_rate, roc.true_positive_rate
    auc_signed = roc_auc(coupling[off], true[off] > 0).auc
    first = observed & (times < 1.0)
    return GLMConnectivityResult(auc=auc, auc_signed=auc_signed, coupling=coupling, filters=filters,
                                 true_weights=true, fpr=fpr, tpr=tpr,
                                 rates_hz=counts.sum(axis=0) / fit_s, duration_s=fit_s, n_hidden=n_hidden,
                                 raster_times=times[first], raster_neurons=neurons[first])
