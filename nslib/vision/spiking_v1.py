"""A population of spiking V1 simple cells driven by drifting gratings (Brian2 via nslib.spiking).

Each model cell is a leaky integrate-and-fire neuron whose input current is its
simple-cell response (Gabor filter + rectification,
:func:`nslib.vision.simple_cell_response`) to the current frame of a drifting
grating. Counting spikes over one drift cycle at each stimulus orientation
gives a spike-count orientation tuning curve, as in an electrophysiology
experiment. The threshold of the spiking neuron sharpens the tuning inherited
from the filter (the "iceberg effect", Carandini & Ferster 2000): weak,
off-orientation drive stays below rheobase. Membrane noise smooths that
threshold, which is how real cells keep a tuning width that barely depends on
contrast (Anderson et al. 2000; Finn, Priebe & Ferster 2007).

Two ways to run it, both one neuron per (cell, stimulus orientation) whose
input current follows the drifting grating frame by frame through a Brian2
``TimedArray`` (no reset between frames):

* :func:`spiking_orientation_tuning` -- one run through
  :func:`nslib.spiking.simulate_lif` (Brian2's runtime device);
* :class:`CompiledSpikingV1` -- the same population compiled once to a C++
  program with :class:`nslib.spiking.CompiledLIF` and re-run with a new
  contrast, noise level or seed in milliseconds, for sweeps and sliders
  (:func:`compiled_spiking_v1` keeps one per configuration in
  :mod:`nslib.spiking`'s compile-once cache;
  :func:`contrast_invariance` sweeps contrast x noise with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_finite_array, check_int, check_number
from .receptive_fields import (
    DEFAULT_ASPECT_RATIO,
    DEFAULT_WAVELENGTH,
    grating,
    orientation_difference,
    orientation_selectivity_index,
    simple_cell_response,
    tuning_half_width,
)

__all__ = ["CompiledSpikingV1", "ContrastInvariance", "PopulationTuning", "SpikingTuning",
           "compiled_spiking_v1", "contrast_invariance", "population_tuning", "simple_cell_drive",
           "spiking_orientation_tuning"]


@dataclass(frozen=True, eq=False)
class SpikingTuning:
    """Spike-count orientation tuning of a population of spiking simple cells.

    Attributes
    ----------
    preferred_orientations : numpy.ndarray
        Receptive-field orientation of each cell in radians, shape ``(n_cells,)``.
    orientations : numpy.ndarray
        Stimulus orientations in radians, shape ``(n_orientations,)``.
    spike_counts : numpy.ndarray of int
        Spikes of each cell at each orientation, summed over the ``n_trials``
        repeats of one drift cycle, shape ``(n_cells, n_orientations)``.
    rates : Quantity
        ``spike_counts / (n_trials * duration)`` (Hz), same shape.
    peak_orientations : numpy.ndarray
        Stimulus orientation (radians) giving each cell's largest spike count.
    input_currents : Quantity
        Input current (amp) of each cell for each orientation and drift frame,
        shape ``(n_cells, n_orientations, n_phases)``.
    spike_cells, spike_orientation_indices : numpy.ndarray of int
        Cell and stimulus-orientation index of every spike.
    spike_times : Quantity
        Time of every spike within the drift cycle (s), for rasters.
    duration : Quantity
        Duration of one drift cycle (s).
    target : str
        Brian2 code-generation target that ran.
    n_trials : int
        Independent repeats (same stimulus, new noise) of every neuron.
    spike_trials : numpy.ndarray of int
        Trial index of every spike.
    contrast : float
        Grating contrast, in ``[0, 1]``.
    noise_sigma : Quantity or None
        Membrane noise (volt).
    """

    preferred_orientations: np.ndarray
    orientations: np.ndarray
    spike_counts: np.ndarray
    rates: Any
    peak_orientations: np.ndarray
    input_currents: Any
    spike_cells: np.ndarray
    spike_orientation_indices: np.ndarray
    spike_times: Any
    duration: Any
    target: str
    n_trials: int = 1
    spike_trials: np.ndarray | None = None
    contrast: float = 1.0
    noise_sigma: Any = None


def simple_cell_drive(preferred_orientations, orientations, n_phases: int = 8, size: int = 31,
                      wavelength: float = DEFAULT_WAVELENGTH, sigma: float | None = None,
                      aspect_ratio: float = DEFAULT_ASPECT_RATIO) -> np.ndarray:
    """Normalised simple-cell responses to every frame of full-contrast drifting gratings.

    ``drive[c, o, k] = r_c(θ_o, φ_k) / r_c,max``: the rectified Gabor response
    of cell ``c`` (:func:`nslib.vision.simple_cell_response`) to frame ``k``
    (phase ``φ_k = 2πk/n_phases``) of a grating at orientation ``θ_o``,
    divided by its response to its optimal grating, so values lie in
    ``[0, 1]``. At contrast ``c`` the drive is ``c * drive``, exactly: the
    filter is linear and rectification commutes with a positive factor.

    Parameters
    ----------
    preferred_orientations, orientations : array_like
        Cells' receptive-field orientations and stimulus orientations (radians, 1-D).
    n_phases : int, >= 1
        Frames per drift cycle.
    size, wavelength, sigma, aspect_ratio
        Receptive field and stimulus, as in :func:`nslib.vision.orientation_tuning` (pixels).

    Returns
    -------
    numpy.ndarray, shape (n_cells, n_orientations, n_phases)

    Examples
    --------
    >>> d = simple_cell_drive([0.0], [0.0, np.pi / 2], n_phases=4)
    >>> d.shape, round(float(d[0, 0, 0]), 6), bool(d[0, 1].max() < 0.001)
    ((1, 2, 4), 1.0, True)
    """
    cells = check_finite_array("preferred_orientations", preferred_orientations, ndim=1)
    oris = check_finite_array("orientations", orientations, ndim=1)
    n_phases = check_int("n_phases", n_phases, low=1)
    size = check_int("size", size, low=3)
    phases = 2.0 * np.pi * np.arange(n_phases) / n_phases
    frames = np.stack([[grating(size, o, wavelength, p) for p in phases]
                       for o in oris]).reshape(-1, size, size)
    drive = np.empty((len(cells), len(oris), n_phases))
    for c, theta in enumerate(cells):
        # The cell's even-symmetric Gabor matches a phase-0 grating exactly.
        best = simple_cell_response(grating(size, theta, wavelength), theta, wavelength,
                                    sigma=sigma, aspect_ratio=aspect_ratio)
        r = simple_cell_response(frames, theta, wavelength, sigma=sigma, aspect_ratio=aspect_ratio)
        drive[c] = np.asarray(r).reshape(len(oris), n_phases) / best
    return drive


def _check_currents(bias_current, gain, noise_sigma):
    from brian2 import mV, nA

    from ..spiking import check_quantity

    bias = check_quantity("bias_current", 1 * nA if bias_current is None else bias_current, nA,
                          strict=False, example="1*nA")
    gain = check_quantity("gain", 4 * nA if gain is None else gain, nA, strict=False,
                          example="4*nA")
    noise = check_quantity("noise_sigma", 2 * mV if noise_sigma is None else noise_sigma, mV,
                           strict=False, example="2*mV")
    return bias, gain, noise


def _timed_currents(currents, n_trials: int = 1):
    """(cells, orientations, frames) currents -> TimedArray rows (frames, trials*cells*orientations)."""
    from brian2 import amp

    per_frame = np.moveaxis(np.asarray(currents / amp), 2, 0).reshape(currents.shape[2], -1)
    return np.tile(per_frame, (1, n_trials)) * amp


def _tuning_result(counts_flat, spike_indices, spike_times, *, cells, oris, n_trials, currents,
                   duration, target, contrast, noise) -> SpikingTuning:
    from brian2 import Hz, second

    shape = (n_trials, len(cells), len(oris))
    per_trial = np.asarray(counts_flat).reshape(shape)
    spike_counts = per_trial.sum(axis=0)
    trial_idx, cell_idx, ori_idx = np.unravel_index(np.asarray(spike_indices, dtype=int), shape)
    return SpikingTuning(
        preferred_orientations=cells, orientations=oris, spike_counts=spike_counts,
        rates=(spike_counts / (n_trials * float(duration / second))) * Hz,
        peak_orientations=oris[np.argmax(spike_counts, axis=1)],
        input_currents=currents, spike_cells=cell_idx, spike_orientation_indices=ori_idx,
        spike_times=spike_times, duration=duration, target=target, n_trials=n_trials,
        spike_trials=trial_idx, contrast=float(contrast), noise_sigma=noise)


def spiking_orientation_tuning(preferred_orientations=None, orientations=None,
                               contrast: float = 1.0, duration=None, n_phases: int = 8,
                               bias_current=None, gain=None, noise_sigma=None,
                               size: int = 31, wavelength: float = DEFAULT_WAVELENGTH,
                               sigma: float | None = None,
                               aspect_ratio: float = DEFAULT_ASPECT_RATIO, *, seed=0,
                               target: str = "auto") -> SpikingTuning:
    """Spike-count orientation tuning of LIF simple cells viewing drifting gratings.

    Cell ``c`` sees frame ``k`` of a grating at orientation ``θ`` and, while
    that frame lasts, receives the current

    ``I = bias_current + gain · r_c(θ, k) / r_c,max``

    where ``r_c`` is its simple-cell response (rectified Gabor filter output)
    and ``r_c,max`` its response to the optimal grating at full contrast, so the
    normalized drive lies in ``[0, contrast]``. Each of the ``n_phases`` frames
    lasts ``duration / n_phases``. Every (cell, orientation) pair is one neuron
    of a single Brian2 run, and its current steps from frame to frame through a
    ``TimedArray`` (time steps x neurons), as the grating drifts across the
    receptive field. Spike counts are taken over one cycle. With the defaults
    the preferred drive reaches 2.5x rheobase (2 nA) while the bias alone
    (1 nA) stays below it.

    Parameters
    ----------
    preferred_orientations : array_like, optional
        Receptive-field orientation of each cell in radians (1-D, non-empty).
        Default: 4 cells at 0, 45, 90 and 135 degrees.
    orientations : array_like, optional
        Stimulus orientations in radians (1-D, non-empty). Default: 24 equally
        spaced in ``[0, π)`` (7.5 degree steps).
    contrast : float, optional
        Grating contrast in ``[0, 1]``.
    duration : Quantity, optional
        One drift cycle (> 0 s). Default ``1*second``.
    n_phases : int, optional
        Frames per drift cycle, >= 1.
    bias_current : Quantity, optional
        Current with no visual drive (>= 0 amp). Default ``1*nA``.
    gain : Quantity, optional
        Extra current at the optimal stimulus (>= 0 amp). Default ``4*nA``.
    noise_sigma : Quantity, optional
        Membrane noise (>= 0 volt). Default ``2*mV``.
    size, wavelength, sigma, aspect_ratio
        Receptive field and stimulus, as in :func:`nslib.vision.orientation_tuning`
        (pixels).
    seed : int or numpy.random.Generator, optional
        Seeds the membrane noise; the same seed gives the same spikes.
    target : {"auto", "cython", "numpy"}, optional
        Brian2 code-generation target, see :func:`nslib.spiking.runtime_target`.

    Returns
    -------
    SpikingTuning

    Examples
    --------
    >>> from brian2 import ms
    >>> res = spiking_orientation_tuning([0.0], orientations=[0.0, np.pi / 2],
    ...                                  duration=400 * ms, target="numpy")
    >>> int(res.spike_counts[0, 1])     # orthogonal grating: silent
    0
    >>> bool(res.spike_counts[0, 0] > 5)  # preferred grating: fires
    True
    """
    from brian2 import second

    from ..spiking import check_quantity, simulate_lif

    if preferred_orientations is None:
        preferred_orientations = np.arange(4) * np.pi / 4
    if orientations is None:
        orientations = np.arange(24) * np.pi / 24
    cells = check_finite_array("preferred_orientations", preferred_orientations, ndim=1)
    oris = check_finite_array("orientations", orientations, ndim=1)
    contrast = check_number("contrast", contrast, low=0.0, high=1.0)
    n_phases = check_int("n_phases", n_phases, low=1)
    duration = check_quantity("duration", 1 * second if duration is None else duration, second,
                              example="1*second")
    bias, gain, noise = _check_currents(bias_current, gain, noise_sigma)

    drive = simple_cell_drive(cells, oris, n_phases=n_phases, size=size, wavelength=wavelength,
                              sigma=sigma, aspect_ratio=aspect_ratio) * contrast
    currents = bias + gain * drive                      # (cells, orientations, frames)
    # One neuron per (cell, orientation); the TimedArray's rows are the frames.
    result = simulate_lif(_timed_currents(currents), input_dt=duration / n_phases,
                          duration=duration, noise_sigma=noise, seed=seed, target=target)
    return _tuning_result(result.spike_counts, result.spike_indices, result.spike_times,
                          cells=cells, oris=oris, n_trials=1, currents=currents,
                          duration=duration, target=result.target, contrast=contrast,
                          noise=noise)


class CompiledSpikingV1:
    """The spiking simple cells of :func:`spiking_orientation_tuning`, compiled once.

    The population (one LIF neuron per trial, cell and stimulus orientation,
    driven frame by frame through a TimedArray) is built once as a C++
    program with :class:`nslib.spiking.CompiledLIF`; :meth:`run` re-runs it
    with a new contrast, noise level or seed without recompiling (milliseconds
    per run), which is what a slider needs. Where no C++ compiler exists it
    runs on Brian2's ``numpy`` target instead, with a warning.

    Parameters
    ----------
    preferred_orientations, orientations : array_like, optional
        The cells' preferred orientations and the stimulus orientations (radians), as in
        :func:`spiking_orientation_tuning`; fixed at build time.
    duration : Quantity, default 1 s
        One drift cycle, the simulated time of a run (> 0 s), fixed at build time.
    n_phases : int, default 8
        Frames per drift cycle (>= 1).
    bias_current, gain : Quantity, optional
        As in :func:`spiking_orientation_tuning`; fixed at build time.
    size : int, default 31
        As in :func:`spiking_orientation_tuning`.
    wavelength, sigma, aspect_ratio : float
        The Gabor receptive fields, as in :func:`spiking_orientation_tuning`.
    n_trials : int, >= 1
        Independent repeats of every (cell, orientation) neuron in each run,
        with independent noise: more trials, smoother tuning curves.
    noise_sigma : Quantity, optional
        Default membrane noise (>= 0 volt), ``2*mV``; each run can change it.
    seed : int or numpy.random.Generator
        Default seed of the noise.
    target : {"auto", "cpp_standalone", "numpy"}
        ``"auto"`` compiles a C++ program when a compiler exists.

    Attributes
    ----------
    model : nslib.spiking.CompiledLIF
        The compiled LIF population.
    drive : numpy.ndarray
        :func:`simple_cell_drive` of the population, shape (n_cells, n_orientations, n_phases).

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> v1 = CompiledSpikingV1([0.0], [0.0, np.pi / 2], duration=400 * ms,
    ...                        target="numpy")   # "auto" compiles a C++ program
    >>> full, half = v1.run(contrast=1.0), v1.run(contrast=0.5)
    >>> bool(full.spike_counts[0, 0] > half.spike_counts[0, 0] > 0), int(full.spike_counts[0, 1])
    (True, 0)
    """

    def __init__(self, preferred_orientations=None, orientations=None, duration=None,
                 n_phases: int = 8, n_trials: int = 1, bias_current=None, gain=None,
                 noise_sigma=None, size: int = 31, wavelength: float = DEFAULT_WAVELENGTH,
                 sigma: float | None = None, aspect_ratio: float = DEFAULT_ASPECT_RATIO, *, seed=0,
                 target: str = "auto"):
        from brian2 import second

        from ..spiking import CompiledLIF, check_quantity

        if preferred_orientations is None:
            preferred_orientations = np.arange(4) * np.pi / 4
        if orientations is None:
            orientations = np.arange(24) * np.pi / 24
        self.preferred_orientations = check_finite_array("preferred_orientations",
                                                         preferred_orientations, ndim=1)
        self.orientations = check_finite_array("orientations", orientations, ndim=1)
        self.n_phases = check_int("n_phases", n_phases, low=1)
        self.n_trials = check_int("n_trials", n_trials, low=1)
        self.duration = check_quantity("duration", 1 * second if duration is None else duration,
                                       second, example="1*second")
        self.bias_current, self.gain, self.noise_sigma = _check_currents(bias_current, gain,
                                                                         noise_sigma)
        self.drive = simple_cell_drive(self.preferred_orientations, self.orientations,
                                       n_phases=self.n_phases, size=size, wavelength=wavelength,
                                       sigma=sigma, aspect_ratio=aspect_ratio)
        self.model = CompiledLIF(_timed_currents(self._currents(1.0), self.n_trials),
                                 input_dt=self.duration / self.n_phases, duration=self.duration,
                                 noise_sigma=self.noise_sigma, seed=seed, target=target)

    target = property(lambda self: self.model.target)

    def _currents(self, contrast: float):
        return self.bias_current + self.gain * contrast * self.drive

    def run(self, contrast: float = 1.0, noise_sigma=None, *, seed=None) -> SpikingTuning:
        """Run the compiled population at one contrast and noise level.

        Parameters
        ----------
        contrast : float, in [0, 1]
            Grating contrast: the visual part of each current scales with it.
        noise_sigma : Quantity, optional
            Membrane noise for this run (>= 0 volt); default: the build-time one.
        seed : int or numpy.random.Generator, optional
            Seed of this run's noise; default: the model's.

        Returns
        -------
        SpikingTuning
        """
        from brian2 import mV

        from ..spiking import check_quantity

        contrast = check_number("contrast", contrast, low=0.0, high=1.0)
        noise = self.noise_sigma if noise_sigma is None else check_quantity(
            "noise_sigma", noise_sigma, mV, strict=False, example="2*mV")
        currents = self._currents(contrast)
        res = self.model.run(input_current=_timed_currents(currents, self.n_trials),
                             noise_sigma=noise, seed=seed)
        return _tuning_result(res.spike_counts, res.spike_indices, res.spike_times,
                              cells=self.preferred_orientations, oris=self.orientations,
                              n_trials=self.n_trials, currents=currents, duration=self.duration,
                              target=res.target, contrast=contrast, noise=noise)


def compiled_spiking_v1(n_trials: int = 1, duration=None, *, seed: Any = 0,
                        target: str = "auto") -> CompiledSpikingV1:
    """The chapter's population of spiking simple cells, compiled once per process.

    Returns the same :class:`CompiledSpikingV1` (4 cells at 0, 45, 90 and
    135 degrees, 24 stimulus orientations, default currents) for the same
    arguments, so that every frame of a sweep re-runs one program. It is kept
    in :mod:`nslib.spiking`'s compile-once cache
    (:func:`nslib.spiking.compile_cache_info`), keyed by ``n_trials``,
    ``duration``, the seed and ``target``.

    Parameters
    ----------
    n_trials : int, >= 1
        Repeats of every (cell, orientation) neuron in each run.
    duration : Quantity, optional
        One drift cycle (> 0 s), default ``1*second``.
    seed : int or numpy.random.Generator, default 0
        Default seed of the noise (a Generator gives one integer seed, and
        advances).
    target : {"auto", "cpp_standalone", "numpy"}
        ``"auto"`` compiles a C++ program when a compiler exists.

    Returns
    -------
    CompiledSpikingV1

    Examples
    --------
    >>> from brian2 import ms
    >>> from nslib.spiking import clear_compile_cache, compile_cache_info
    >>> _ = clear_compile_cache("vision_v1")     # no state shared with earlier calls
    >>> v1 = compiled_spiking_v1(duration=100 * ms, target="numpy")
    >>> v1 is compiled_spiking_v1(duration=100 * ms, target="numpy")
    True
    >>> compile_cache_info().entries[-1]          # (model, (n_trials, duration in s, seed, target))
    ('vision_v1', (1, 0.1, 0, 'numpy'))
    """
    from brian2 import second

    from .._validation import check_choice
    from ..spiking import check_quantity, compile_once, seed_int

    n_trials = check_int("n_trials", n_trials, low=1)
    duration = check_quantity("duration", 1 * second if duration is None else duration, second,
                              example="1*second")
    seed = seed_int(seed)
    check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
    return compile_once("vision_v1", (n_trials, float(duration / second), seed, target),
                        lambda: CompiledSpikingV1(n_trials=n_trials, duration=duration, seed=seed,
                                                  target=target))


@dataclass(frozen=True, eq=False)
class ContrastInvariance:
    """How the spike-count tuning of the model cells changes with contrast, at several noise levels.

    Tuning curves are averaged over trials and over the cells, each aligned
    on its own preferred orientation (index 0 of ``orientation_offsets``).

    Attributes
    ----------
    contrasts : numpy.ndarray, shape (n_contrasts,)
    noise_sigmas : Quantity, shape (n_noise,)
        Membrane noise levels (volt).
    orientation_offsets : numpy.ndarray, shape (n_orientations,)
        Stimulus orientation minus the cell's preference (radians, in (-π/2, π/2]).
    tuning_curves : numpy.ndarray, shape (n_noise, n_contrasts, n_orientations)
        Mean spikes per drift cycle at each offset.
    half_widths : numpy.ndarray, shape (n_noise, n_contrasts)
        Half-width at half-height of each tuning curve (radians), see
        :func:`nslib.vision.tuning_half_width`; NaN where the cells never fired.
    osi : numpy.ndarray, shape (n_noise, n_contrasts)
        Orientation selectivity index of each tuning curve; NaN where the cells never fired.
    peak_counts : numpy.ndarray, shape (n_noise, n_contrasts)
        Mean spikes per cycle at the preferred orientation.
    input_half_width : float
        Half-width (radians) of the cycle-averaged input current's tuning, the
        same at every contrast: the part of the "iceberg" below threshold.
    n_trials : int
    """

    contrasts: np.ndarray
    noise_sigmas: Any
    orientation_offsets: np.ndarray
    tuning_curves: np.ndarray
    half_widths: np.ndarray
    osi: np.ndarray
    peak_counts: np.ndarray
    input_half_width: float
    n_trials: int


def _aligned(values: np.ndarray, cells: np.ndarray, oris: np.ndarray) -> np.ndarray:
    """Average (cells, orientations) curves after rolling each so its preference comes first."""
    rows = []
    for c, theta in enumerate(cells):
        shift = int(np.argmin(orientation_difference(oris, theta)))
        rows.append(np.roll(values[c], -shift))
    return np.mean(rows, axis=0)


@dataclass(frozen=True, eq=False)
class PopulationTuning:
    """The average tuning curve of a population, each cell aligned on its preference.

    Attributes
    ----------
    orientation_offsets : numpy.ndarray, shape (n_orientations,)
        Stimulus orientation minus the cell's preference (radians, in (-π/2, π/2]);
        index 0 is the preferred orientation.
    mean_counts : numpy.ndarray, shape (n_orientations,)
        Spikes per drift cycle, averaged over cells and trials.
    half_width : float
        Half-width at half-height (radians, :func:`nslib.vision.tuning_half_width`);
        NaN if no cell fired.
    osi : float
        Orientation selectivity index; NaN if no cell fired.
    contrast : float
    noise_sigma : Quantity or None
    """

    orientation_offsets: np.ndarray
    mean_counts: np.ndarray
    half_width: float
    osi: float
    contrast: float
    noise_sigma: Any


def population_tuning(result: SpikingTuning) -> PopulationTuning:
    """Average a population's spike-count tuning curves, each aligned on its cell's preference.

    The stimulus orientations must be equally spaced over π and include every
    cell's preferred orientation (as the defaults do).

    Parameters
    ----------
    result : SpikingTuning

    Returns
    -------
    PopulationTuning

    Examples
    --------
    >>> from brian2 import ms
    >>> res = spiking_orientation_tuning([0.0, np.pi / 2], orientations=np.arange(4) * np.pi / 4,
    ...                                  duration=400 * ms, target="numpy")
    >>> tuning = population_tuning(res)
    >>> np.degrees(tuning.orientation_offsets).round().tolist(), bool(tuning.mean_counts[0] > 0)
    ([0.0, 45.0, 90.0, -45.0], True)
    """
    if not isinstance(result, SpikingTuning):
        raise ValueError(f"result must be a SpikingTuning; got {type(result).__name__}")
    cells, oris = result.preferred_orientations, result.orientations
    if np.any(orientation_difference(oris[np.newaxis, :], cells[:, np.newaxis]).min(axis=1)
              > 1e-6):
        raise ValueError("result must have every cell's preferred orientation among its "
                         "stimulus orientations")
    offsets = np.angle(np.exp(2j * (oris - oris[0]))) / 2
    counts = _aligned(result.spike_counts / result.n_trials, cells, oris)
    fired = counts.max() > 0
    return PopulationTuning(
        orientation_offsets=offsets, mean_counts=counts,
        half_width=tuning_half_width(counts, np.mod(offsets, np.pi)) if fired and np.ptp(counts) > 0
        else float("nan"),
        osi=orientation_selectivity_index(counts, offsets) if fired else float("nan"),
        contrast=result.contrast, noise_sigma=result.noise_sigma)


def contrast_invariance(contrasts=(0.25, 0.5, 0.75, 1.0), noise_sigmas=None, n_trials: int = 10, *,
                        seed: Any = 0, target: str = "auto") -> ContrastInvariance:
    """Tuning width of the chapter's spiking simple cells against contrast, for several noise levels.

    Runs :func:`compiled_spiking_v1` (one compiled program) at every contrast
    and noise level, with the same seed, and measures the half-width at
    half-height and the OSI of the trial- and cell-averaged tuning curve.
    Without noise the spike threshold cuts the tuning curve like the tip of an
    iceberg, so lower contrast gives narrower tuning; noise smooths the
    threshold and makes the width less dependent on contrast.

    Parameters
    ----------
    contrasts : sequence of float
        Grating contrasts in ``(0, 1]`` (1-D, non-empty).
    noise_sigmas : Quantity, optional
        Membrane noise levels (>= 0 volt, 1-D). Default ``[0, 2, 4, 6]*mV``.
    n_trials : int, >= 1
        Repeats of every neuron per run.
    seed : int or numpy.random.Generator, default 0
        Seed of the noise, the same in every condition (a Generator gives one
        integer seed, and advances).
    target : {"auto", "cpp_standalone", "numpy"}

    Returns
    -------
    ContrastInvariance

    Examples
    --------
    >>> from brian2 import mV
    >>> res = contrast_invariance([0.5, 1.0], [0, 4] * mV, n_trials=1,
    ...                           target="numpy")  # doctest: +SKIP
    >>> res.half_widths.shape  # doctest: +SKIP
    (2, 2)
    """
    from brian2 import amp, mV

    from ..spiking import check_quantity_array, seed_int

    seed = seed_int(seed)
    contrasts = check_finite_array("contrasts", contrasts, ndim=1)
    if np.any(contrasts <= 0) or np.any(contrasts > 1):
        raise ValueError(f"contrasts must all be in (0, 1]; got {contrasts.tolist()}")
    noise = check_quantity_array("noise_sigmas", [0, 2, 4, 6] * mV if noise_sigmas is None
                                 else noise_sigmas, mV, ndim=1, low=0.0, example="[0, 2, 4]*mV")
    model = compiled_spiking_v1(n_trials=n_trials, seed=seed, target=target)
    cells, oris = model.preferred_orientations, model.orientations
    shape = (len(noise), len(contrasts))
    curves = np.empty(shape + (len(oris),))
    half = np.empty(shape)
    osi = np.empty(shape)
    for i, sigma in enumerate(noise):
        for j, contrast in enumerate(contrasts):
            tuning = population_tuning(model.run(contrast=float(contrast), noise_sigma=sigma,
                                                 seed=seed))
            curves[i, j], half[i, j], osi[i, j] = tuning.mean_counts, tuning.half_width, tuning.osi
    offsets = tuning.orientation_offsets
    mean_current = _aligned(np.asarray(model._currents(1.0) / amp).mean(axis=2), cells, oris)
    return ContrastInvariance(
        contrasts=contrasts, noise_sigmas=noise, orientation_offsets=offsets, tuning_curves=curves,
        half_widths=half, osi=osi, peak_counts=curves[:, :, 0],
        input_half_width=tuning_half_width(mean_current, np.mod(offsets, np.pi)),
        n_trials=n_trials)
