"""A spiking population driven by a Lorenz attractor: recordings with known ground truth.

The LFADS benchmark (Sussillo et al. 2016; Pandarinath et al. 2018): a 3-D
Lorenz system is the latent state ``z(t)``; every neuron ``n`` fires as a
Poisson process with rate ``exp(b_n + c_n . z(t)) / Δ``, where ``Δ`` is the bin
width and the bias ``b_n`` is set so that the neuron's mean count per bin is
``mean_count``. The spikes are drawn by Brian2 (a ``PoissonGroup`` whose rates
are a :class:`~brian2.TimedArray`), through :func:`nslib.spiking.runtime`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_finite_array, check_int, check_number

__all__ = ["LORENZ_PARAMETERS", "LorenzPopulation", "POPULATION_RATES", "bin_spikes", "lorenz_latents",
           "lorenz_population", "smooth_counts"]

#: The classic Lorenz parameters (sigma, rho, beta).
LORENZ_PARAMETERS = (10.0, 28.0, 8.0 / 3.0)

#: The Brian2 rate expression of the population: one column of the TimedArray per neuron.
POPULATION_RATES = "rate_in(t, i)"


def _lorenz_derivative(x: np.ndarray) -> np.ndarray:
    sigma, rho, beta = LORENZ_PARAMETERS
    return np.stack([sigma * (x[..., 1] - x[..., 0]),
                     x[..., 0] * (rho - x[..., 2]) - x[..., 1],
                     x[..., 0] * x[..., 1] - beta * x[..., 2]], axis=-1)


def lorenz_latents(n_trials: int, n_steps: int, *, step: float = 0.02, substeps: int = 4,
                   seed: Any = 0) -> np.ndarray:
    """Trajectories of the Lorenz system, z-scored, one per trial.

    Each trial starts at a random point of the attractor (a random start
    followed by a burn-in of 500 steps) and is sampled every ``step`` time
    units of the Lorenz system, integrated by fourth-order Runge-Kutta with
    ``substeps`` steps per sample. Each of the 3 coordinates is z-scored
    with the mean and standard deviation of the attractor (a long reference
    run), so every trial set uses the same scale.

    Parameters
    ----------
    n_trials, n_steps : int
        Trials (>= 1) and samples per trial (>= 2).
    step : float, default 0.02
        Lorenz time per sample (> 0, <= 0.1).
    substeps : int, default 4
        Runge-Kutta steps per sample (>= 1).
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (n_trials, n_steps, 3)

    Examples
    --------
    >>> z = lorenz_latents(2, 50, seed=0)
    >>> z.shape
    (2, 50, 3)
    """
    n_trials = check_int("n_trials", n_trials, low=1)
    n_steps = check_int("n_steps", n_steps, low=2)
    step = check_number("step", step, low=0.0, high=0.1, low_inclusive=False)
    substeps = check_int("substeps", substeps, low=1)
    rng = as_generator(seed)
    start = rng.normal(0.0, 1.0, size=(n_trials, 3)) * np.array([8.0, 8.0, 8.0]) + [0.0, 0.0, 25.0]
    h = step / substeps

    def advance(x: np.ndarray) -> np.ndarray:
        for _ in range(substeps):
            k1 = _lorenz_derivative(x)
            k2 = _lorenz_derivative(x + 0.5 * h * k1)
            k3 = _lorenz_derivative(x + 0.5 * h * k2)
            k4 = _lorenz_derivative(x + h * k3)
            x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        return x

    x = start
    for _ in range(500):
        x = advance(x)
    out = np.empty((n_trials, n_steps, 3))
    for t in range(n_steps):
        out[:, t] = x
        x = advance(x)
    return (out - _ATTRACTOR_MEAN) / _ATTRACTOR_STD


# The attractor's mean and standard deviation (a run of 58,000 RK4 steps of 0.005), rounded,
# so that the latents do not depend on the last bits of a long integration.
_ATTRACTOR_MEAN = np.array([0.0, 0.0, 23.5])
_ATTRACTOR_STD = np.array([7.9, 9.0, 8.6])


@dataclass(frozen=True)
class LorenzPopulation:
    """A simulated recording: spike counts of a population driven by Lorenz latents.

    Attributes
    ----------
    counts : ndarray of int, shape (n_trials, n_steps, n_neurons)
        Spikes per bin, counted from Brian2's spike monitor.
    latents : ndarray, shape (n_trials, n_steps, 3)
        The true latent trajectories (z-scored Lorenz coordinates).
    rates : ndarray, shape (n_trials, n_steps, n_neurons)
        The true expected count per bin, ``exp(bias + latents @ readout.T)``.
    readout : ndarray, shape (n_neurons, 3)
        Each neuron's weights ``c_n`` on the latents (log-rate per unit latent).
    bias : ndarray, shape (n_neurons,)
        Each neuron's log expected count at ``z = 0``.
    mean_count : float
        The mean expected count per bin and neuron (spikes per bin).
    bin_width : Quantity
        Width of one bin.
    raster_times, raster_neurons : ndarray
        Spike times (s, from the trial's start) and neuron indices of trial 0, for rasters.
    target : str
        Brian2's code-generation target used.
    """

    counts: np.ndarray
    latents: np.ndarray
    rates: np.ndarray
    readout: np.ndarray
    bias: np.ndarray
    mean_count: float
    bin_width: Any
    raster_times: np.ndarray
    raster_neurons: np.ndarray
    target: str

    @property
    def n_trials(self) -> int:
        return int(self.counts.shape[0])

    @property
    def n_steps(self) -> int:
        return int(self.counts.shape[1])

    @property
    def n_neurons(self) -> int:
        return int(self.counts.shape[2])


def lorenz_population(n_neurons: int = 50, n_trials: int = 100, n_steps: int = 50,
                      mean_count: float = 0.02, *, bin_width=None, readout_scale: float = 1.0,
                      sim_dt=None, target: str = "auto", seed: Any = 0) -> LorenzPopulation:
    """Poisson neurons whose rates follow a Lorenz latent, simulated in Brian2.

    Neuron ``n`` of trial ``k`` fires with rate
    ``r_n(t) = exp(b_n + c_n . z_k(t)) / Δ`` (``Δ`` the bin width), held
    constant within each bin. The readout ``c_n`` is drawn from
    ``N(0, readout_scale² / 3)`` per entry; the bias ``b_n`` makes the mean
    expected count per bin (over the trials and bins) exactly ``mean_count``.
    The Brian2 model is one ``PoissonGroup`` of ``n_trials * n_neurons``
    neurons with ``rates="rate_in(t, i)"``, where ``rate_in`` is a
    :class:`~brian2.TimedArray` of shape ``(n_steps, n_trials * n_neurons)``
    in Hz with the bin width as its time step; a ``SpikeMonitor`` records the
    spikes, which are counted per bin.

    Parameters
    ----------
    n_neurons : int, default 50
        Neurons recorded (1 to 2000).
    n_trials : int, default 100
        Trials, each with its own stretch of the attractor (1 to 2000).
    n_steps : int, default 50
        Bins per trial (2 to 1000).
    mean_count : float, default 0.02
        Mean expected spikes per bin per neuron (> 0, <= 5).
    bin_width : Quantity, default 20 ms
        Width of one bin (> 0 s, a whole multiple of ``sim_dt``).
    readout_scale : float, default 1.0
        Typical norm of a neuron's readout ``c_n`` (>= 0): how strongly the latent modulates the rates.
    sim_dt : Quantity, optional
        Brian2's time step (> 0 s); the probability of a spike per step is ``rate * sim_dt``.
        Default: the longest of 1, 0.5, 0.2 and 0.1 ms that keeps it at most 0.2 for the highest rate.
    target : {"auto", "cython", "numpy"}
        Brian2's code-generation target (see :func:`nslib.spiking.runtime`).
    seed : int or numpy.random.Generator
        Seeds the latents, the readout and Brian2's spikes.

    Returns
    -------
    LorenzPopulation

    Examples
    --------
    >>> pop = lorenz_population(n_neurons=10, n_trials=4, n_steps=20, mean_count=0.5,
    ...                         target="numpy", seed=0)
    >>> pop.counts.shape, pop.latents.shape
    ((4, 20, 10), (4, 20, 3))
    >>> round(float(pop.rates.mean()), 3)
    0.5
    """
    from brian2 import Hz, ms, second

    from ..spiking import check_quantity, runtime, seed_int

    n_neurons = check_int("n_neurons", n_neurons, low=1, high=2000)
    n_trials = check_int("n_trials", n_trials, low=1, high=2000)
    n_steps = check_int("n_steps", n_steps, low=2, high=1000)
    mean_count = check_number("mean_count", mean_count, low=0.0, high=5.0, low_inclusive=False)
    readout_scale = check_number("readout_scale", readout_scale, low=0.0)
    bin_width = check_quantity("bin_width", 20 * ms if bin_width is None else bin_width, ms,
                               example="20*ms")
    if sim_dt is not None:
        sim_dt = check_quantity("sim_dt", sim_dt, ms, example="1*ms")
    rng = as_generator(seed)
    latents = lorenz_latents(n_trials, n_steps, seed=rng)
    readout = rng.normal(0.0, readout_scale / np.sqrt(3.0), size=(n_neurons, 3))
    brian_seed = seed_int(rng)
    drive = np.exp(latents @ readout.T)                        # (trials, steps, neurons)
    bias = np.log(mean_count / drive.mean(axis=(0, 1)))
    rates = drive * np.exp(bias)
    width_s = float(bin_width / second)
    if sim_dt is None:  # the longest of 1, 0.5, 0.2, 0.1 ms that keeps every rate * sim_dt <= 0.2
        peak = rates.max() / width_s
        sim_dt = next((step * ms for step in (1.0, 0.5, 0.2) if peak * step / 1000 <= 0.2), 0.1 * ms)
    ratio = float(bin_width / sim_dt)
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        raise ValueError(f"bin_width must be a whole multiple of sim_dt ({sim_dt}); got {bin_width}")
    if rates.max() * float(sim_dt / second) / width_s > 0.5:
        raise ValueError("mean_count is too high for sim_dt: a rate reaches more than one spike per "
                         "two time steps; lower mean_count or readout_scale")
    # TimedArray: one row per bin, one column per (trial, neuron), in Hz.
    table = np.ascontiguousarray(rates.transpose(1, 0, 2).reshape(n_steps, n_trials * n_neurons)) / width_s
    with runtime("lorenz_population", target=target, seed=brian_seed, dt=sim_dt) as rt:
        b2 = rt.brian2
        rate_in = b2.TimedArray(table * Hz, dt=bin_width, name=rt.name("rate_in"))
        cells = b2.PoissonGroup(n_trials * n_neurons, rates=POPULATION_RATES, clock=rt.clock,
                                name=rt.name("cells"), namespace={"rate_in": rate_in})
        spikes = b2.SpikeMonitor(cells, name=rt.name("spikes"))
        b2.Network(cells, spikes).run(n_steps * bin_width, namespace={"rate_in": rate_in})
        t_s = np.asarray(spikes.t[:] / second, dtype=float)
        index = np.asarray(spikes.i[:], dtype=int)
        chosen = rt.target
    trial, neuron = np.divmod(index, n_neurons)
    counts = bin_spikes(t_s, trial * n_neurons + neuron, n_trials * n_neurons, n_steps, width_s)
    counts = counts.reshape(n_steps, n_trials, n_neurons).transpose(1, 0, 2)
    first = trial == 0
    return LorenzPopulation(counts=counts, latents=latents, rates=rates, readout=readout, bias=bias,
                            mean_count=mean_count, bin_width=bin_width, raster_times=t_s[first],
                            raster_neurons=neuron[first], target=chosen)


def bin_spikes(times_s, neurons, n_neurons: int, n_bins: int, bin_s: float) -> np.ndarray:
    """Count spikes per bin and neuron.

    Parameters
    ----------
    times_s : array_like
        Spike times in seconds (>= 0).
    neurons : array_like of int
        The neuron of each spike, in ``[0, n_neurons)``.
    n_neurons, n_bins : int
    bin_s : float
        Bin width in seconds (> 0).

    Returns
    -------
    ndarray of int, shape (n_bins, n_neurons)
        Spikes at or after ``n_bins * bin_s`` are dropped.

    Examples
    --------
    >>> bin_spikes([0.001, 0.011, 0.012], [0, 1, 1], 2, 2, 0.01).tolist()
    [[1, 0], [0, 2]]
    """
    times = np.asarray(times_s, dtype=float)
    neurons = np.asarray(neurons, dtype=int)
    bin_s = check_number("bin_s", bin_s, low=0.0, low_inclusive=False)
    index = np.floor(times / bin_s + 1e-9).astype(int)
    keep = (index >= 0) & (index < n_bins)
    counts = np.zeros((n_bins, n_neurons), dtype=int)
    np.add.at(counts, (index[keep], neurons[keep]), 1)
    return counts


def smooth_counts(counts, sigma_bins: float = 2.0) -> np.ndarray:
    """Smooth counts along time with a Gaussian kernel, trial by trial.

    Parameters
    ----------
    counts : array_like, shape (n_trials, n_steps, n_neurons)
    sigma_bins : float, default 2.0
        Standard deviation of the kernel in bins (>= 0; 0 returns the counts as floats).
        The kernel is normalised at each bin over the part that lies inside the
        trial, so the edges are not pulled towards zero.

    Returns
    -------
    ndarray, same shape, in spikes per bin.

    Examples
    --------
    >>> smooth_counts([[[0.], [3.], [0.]]], 1.0).round(2).ravel().tolist()
    [1.04, 1.36, 1.04]
    """
    x = check_finite_array("counts", counts, ndim=3)
    sigma = check_number("sigma_bins", sigma_bins, low=0.0)
    if sigma == 0:
        return x.copy()
    t = np.arange(x.shape[1])
    kernel = np.exp(-0.5 * ((t[:, None] - t[None, :]) / sigma) ** 2)
    kernel /= kernel.sum(axis=1, keepdims=True)
    return np.einsum("st,ktn->ksn", kernel, x)
