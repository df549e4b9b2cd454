"""A spiking associative memory in Brian2: pair a CS population with a US population, then cue.

Two populations of leaky integrate-and-fire neurons, ``cs`` (the conditioned
stimulus, the key) and ``us`` (the unconditioned stimulus, the value), are
connected all-to-all by plastic synapses ``cs → us`` that start at zero.
Each stored pair is a random set of ``pattern_size`` CS neurons and a random
set of ``pattern_size`` US neurons.

* **Pairing** (learning): for each pair in turn, both of its sets are driven
  by an input current for ``on_ms``; a Hebbian rule in spike-timing form
  strengthens every synapse whose pre- and postsynaptic neurons fire within
  about ``tau_hebb`` of each other (a symmetric STDP window), up to
  ``w_max = 1``. Transmission is switched off while learning, so that what
  the memory already holds does not make extra US neurons fire and get
  written in too (cholinergic modulation is thought to play this role in the
  hippocampus).
* **Recall**: plasticity off, transmission on; each cue drives the CS set of
  one stored pair alone, and the US neurons fire according to the learned
  weights. Recall is good when the US neurons that fire are those of the
  paired US set.

The weights that learning writes are the clipped outer product of the binary
patterns, ``W = min(1, Σ_p cs_p us_pᵀ)``: the Hebbian memory of
:func:`nslib.attention.hebbian_memory`, clipped at one (a Willshaw network).
With more pairs, more synapses are potentiated, cues excite US neurons of
other pairs, and recall degrades.

The network is built once per structure as a compiled program
(:class:`nslib.spiking.CompiledNetwork`) and re-run with new patterns, so
sweeping the number of pairs never recompiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number

__all__ = [
    "MEMORY_EQUATIONS",
    "HEBBIAN_SYNAPSE",
    "PairingSchedule",
    "RecallScores",
    "SpikingMemoryResult",
    "pairing_schedule",
    "potentiated_fraction_theory",
    "recall_scores",
    "spiking_associative_memory",
]

#: The LIF membrane of both populations (chapter 0's neuron with noise). The
#: input current ``I_in(t, i)`` is a TimedArray: the drive of each neuron in
#: each 10 ms row of the pairing/cueing schedule.
MEMORY_EQUATIONS = """
dv/dt = (v_rest - v + R_m*I_in(t, i))/tau_m + noise_sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
"""

#: The plastic synapse from a CS neuron to a US neuron. ``learning(t)`` is 1
#: while pairing and 0 while recalling: it gates plasticity on and
#: transmission off. Each spike leaves a trace that decays with ``tau_hebb``;
#: a spike on one side potentiates the synapse by ``eta`` times the other
#: side's trace, whichever fired first.
HEBBIAN_SYNAPSE = dict(
    model="""
w : 1
dapre/dt = -apre/tau_hebb : 1 (event-driven)
dapost/dt = -apost/tau_hebb : 1 (event-driven)
""",
    on_pre="""
v_post += (1 - learning(t)) * w * w_syn
apre += 1
w = clip(w + learning(t) * eta * apost, 0, 1)
""",
    on_post="""
apost += 1
w = clip(w + learning(t) * eta * apre, 0, 1)
""",
)

# Parameters of the network, stated in the chapter (in the units of their names; the
# functions take Brian2 quantities and default to these values).
ROW_MS = 10.0          # one row of the input schedule
ON_ROWS = 3            # stimulus on for 30 ms of each 50 ms slot
SLOT_ROWS = 5
DEFAULTS = dict(
    drive_nA=3.0,       # input current of a stimulated neuron (rheobase: 2 nA)
    noise_mV=2.0,       # membrane noise (standard deviation of free v)
    w_syn_mV=4.0,       # EPSP of a fully potentiated synapse (w = 1)
    eta=0.5,            # potentiation per coincidence
    tau_hebb_ms=10.0,   # width of the Hebbian coincidence window
)


@dataclass(frozen=True, eq=False)
class PairingSchedule:
    """Patterns and input currents for pairing ``n_pairs`` CS-US pairs, then cueing some.

    Attributes
    ----------
    cs_patterns, us_patterns : numpy.ndarray of bool, shape (n_pairs, n_neurons)
        Which neurons of each population belong to each stored pair.
    cue_pairs : numpy.ndarray of int, shape (n_cues,)
        Pairs whose CS is presented alone during recall, in order.
    cs_current_nA, us_current_nA : numpy.ndarray, shape (n_rows, n_neurons)
        Input current (nA) of every neuron in every ``row_ms`` row: the
        pairing slots (``max_pairs`` of them, the first ``n_pairs`` used),
        then the cue slots (``max_cues``, the first ``n_cues`` used).
    learning : numpy.ndarray, shape (n_rows,)
        1 during the pairing slots, 0 during the cue slots.
    row_ms : float
        Duration of one row (ms).
    slot_rows, on_rows : int
        Rows per slot and rows with the stimulus on.
    learning_slots : int
        ``max_pairs``: the number of pairing slots, used or not.
    """

    cs_patterns: np.ndarray
    us_patterns: np.ndarray
    cue_pairs: np.ndarray
    cs_current_nA: np.ndarray
    us_current_nA: np.ndarray
    learning: np.ndarray
    row_ms: float
    slot_rows: int
    on_rows: int
    learning_slots: int

    @property
    def n_pairs(self) -> int:
        """Number of stored pairs."""
        return int(self.cs_patterns.shape[0])

    @property
    def duration_ms(self) -> float:
        """Total duration of the schedule (ms)."""
        return float(self.learning.shape[0] * self.row_ms)

    def cue_window_ms(self, cue: int) -> tuple[float, float]:
        """Start and end (ms) of the slot in which cue number ``cue`` is shown.

        Parameters
        ----------
        cue : int
            Index of the cue, 0 for the first.

        Returns
        -------
        tuple of float
            ``(start, end)`` in ms.

        Examples
        --------
        >>> pairing_schedule(2, n_neurons=10, pattern_size=2, max_pairs=2, max_cues=2).cue_window_ms(1)
        (150.0, 200.0)
        """
        start = (self.learning_slots + cue) * self.slot_rows * self.row_ms
        return float(start), float(start + self.slot_rows * self.row_ms)


def _random_patterns(rng, n_pairs, n_neurons, pattern_size):
    # One block of uniform numbers, drawn whole: pattern p is the pattern_size neurons with the
    # smallest numbers in row p (a uniformly random set, as rng.choice without replacement).
    order = np.argsort(rng.random((n_pairs, n_neurons)), axis=1, kind="stable")
    patterns = np.zeros((n_pairs, n_neurons), dtype=bool)
    np.put_along_axis(patterns, order[:, :pattern_size], True, axis=1)
    return patterns


def pairing_schedule(n_pairs: int, n_neurons: int = 100, pattern_size: int = 10,
                     max_pairs: int = 64, max_cues: int = 16, *, drive: Any = None,
                     cs_patterns: Any = None, us_patterns: Any = None,
                     seed: Any = 0) -> PairingSchedule:
    """Random CS and US patterns and the input currents that pair them and then cue them.

    Each slot lasts 50 ms: 30 ms of stimulus (``drive`` into the pattern's
    neurons, 0 elsewhere) and 20 ms of silence, so the Hebbian traces of one
    pairing have decayed before the next. Pairing slot ``p`` drives CS set
    ``p`` and US set ``p`` together; cue slot ``j`` drives CS set
    ``cue_pairs[j]`` alone. The cued pairs are ``min(n_pairs, max_cues)``
    pairs spread evenly over the pairing order.

    Parameters
    ----------
    n_pairs : int, 1 to ``max_pairs``
    n_neurons : int, 2 to 1000
        Neurons per population.
    pattern_size : int, 1 to ``n_neurons``
        Neurons per random pattern (ignored when patterns are given).
    max_pairs, max_cues : int, >= 1
        Pairing and cue slots (fixed per compiled network).
    drive : Quantity, in [0, 20] nA, default 3 nA
        Input current of a stimulated neuron.
    cs_patterns, us_patterns : array_like of bool, shape (n_pairs, n_neurons), optional
        Given patterns instead of random ones (both or neither).
    seed : int or numpy.random.Generator
        Draws the random patterns: ``max_pairs`` CS patterns, then ``max_pairs``
        US patterns, of which the first ``n_pairs`` are stored. The draws do not
        depend on ``n_pairs``, so the memory of ``n`` pairs holds the first ``n``
        pairs of any larger memory with the same seed.

    Returns
    -------
    PairingSchedule

    Examples
    --------
    >>> s = pairing_schedule(3, n_neurons=20, pattern_size=4, max_pairs=4, max_cues=2)
    >>> s.cs_patterns.sum(axis=1).tolist(), s.cue_pairs.tolist(), s.duration_ms
    ([4, 4, 4], [0, 2], 300.0)
    """
    max_pairs = check_int("max_pairs", max_pairs, low=1, high=1000)
    max_cues = check_int("max_cues", max_cues, low=1, high=1000)
    n_pairs = check_int("n_pairs", n_pairs, low=1, high=max_pairs)
    n_neurons = check_int("n_neurons", n_neurons, low=2, high=1000)
    drive = _check_drive(drive)
    if (cs_patterns is None) != (us_patterns is None):
        raise ValueError("cs_patterns and us_patterns must be given together (or neither)")
    if cs_patterns is None:
        pattern_size = check_int("pattern_size", pattern_size, low=1, high=n_neurons)
        rng = as_generator(seed)
        cs = _random_patterns(rng, max_pairs, n_neurons, pattern_size)[:n_pairs]
        us = _random_patterns(rng, max_pairs, n_neurons, pattern_size)[:n_pairs]
    else:
        cs = _check_patterns("cs_patterns", cs_patterns, n_pairs, n_neurons)
        us = _check_patterns("us_patterns", us_patterns, n_pairs, n_neurons)
    n_cues = min(n_pairs, max_cues)
    cue_pairs = np.unique(np.round(np.linspace(0, n_pairs - 1, n_cues)).astype(int))
    n_rows = (max_pairs + max_cues) * SLOT_ROWS
    cs_current = np.zeros((n_rows, n_neurons))
    us_current = np.zeros((n_rows, n_neurons))
    for p in range(n_pairs):
        rows = slice(p * SLOT_ROWS, p * SLOT_ROWS + ON_ROWS)
        cs_current[rows, cs[p]] = drive
        us_current[rows, us[p]] = drive
    for j, p in enumerate(cue_pairs):
        start = (max_pairs + j) * SLOT_ROWS
        cs_current[start:start + ON_ROWS, cs[p]] = drive
    learning = np.zeros(n_rows)
    learning[:max_pairs * SLOT_ROWS] = 1.0
    return PairingSchedule(cs_patterns=cs, us_patterns=us, cue_pairs=cue_pairs,
                           cs_current_nA=cs_current, us_current_nA=us_current, learning=learning,
                           row_ms=ROW_MS, slot_rows=SLOT_ROWS, on_rows=ON_ROWS,
                           learning_slots=max_pairs)


def _check_drive(drive) -> float:
    """Check the input current of a stimulated neuron; return it in nA."""
    from brian2 import nA

    from ..spiking import check_quantity

    return float(check_quantity("drive", DEFAULTS["drive_nA"] * nA if drive is None else drive, nA,
                                strict=False, high=20.0, example="3*nA") / nA)


def _check_patterns(name, patterns, n_pairs, n_neurons):
    arr = np.asarray(patterns)
    if arr.shape != (n_pairs, n_neurons) or not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must be a 0/1 array of shape (n_pairs, n_neurons) = "
                         f"{(n_pairs, n_neurons)}; got shape {arr.shape}")
    if np.any(arr.sum(axis=1) == 0):
        raise ValueError(f"{name} must have at least one active neuron in every pattern")
    return arr.astype(bool)


def potentiated_fraction_theory(n_pairs: Any, n_neurons: int = 100,
                                pattern_size: int = 10) -> np.ndarray:
    r"""Expected fraction of potentiated synapses after ``n_pairs`` pairings.

    A synapse is potentiated if its CS neuron and its US neuron were in the
    same pair at least once; for independent random patterns with coding
    level ``f = pattern_size / n_neurons`` this has probability
    ``1 - (1 - f²)^N`` (Willshaw, Buneman & Longuet-Higgins 1969).

    Parameters
    ----------
    n_pairs : int or array_like of int, >= 0
        Number of stored pairs ``N``.
    n_neurons : int, >= 1
        Neurons per population.
    pattern_size : int, 1 to ``n_neurons``
        Active neurons per pattern.

    Returns
    -------
    numpy.ndarray
        The expected fraction, of the shape of ``n_pairs``.

    Examples
    --------
    >>> round(float(potentiated_fraction_theory(1, 100, 10)), 4)
    0.01
    """
    n = np.asarray(n_pairs, dtype=float)
    if np.any(n < 0):
        raise ValueError("n_pairs must be >= 0")
    n_neurons = check_int("n_neurons", n_neurons, low=1)
    pattern_size = check_int("pattern_size", pattern_size, low=1, high=n_neurons)
    f = pattern_size / n_neurons
    return 1.0 - (1.0 - f * f) ** n


@dataclass(frozen=True, eq=False)
class RecallScores:
    """How well the US responses to the cues match the stored US patterns.

    Attributes
    ----------
    similarity : numpy.ndarray, shape (n_cues, n_pairs)
        Cosine similarity between the US spike counts during each cue and each
        stored US pattern (0 for a silent response).
    own_similarity : numpy.ndarray, shape (n_cues,)
        The entry of ``similarity`` for the cued pair's own US pattern.
    correlation : numpy.ndarray, shape (n_cues,)
        Pearson correlation between the US spike counts during each cue and
        the paired US pattern (0 if no US neuron fired).
    correct : numpy.ndarray of bool, shape (n_cues,)
        Whether the paired pattern is, of all stored US patterns, the one
        most similar (cosine) to the counts.
    hits : numpy.ndarray, shape (n_cues,)
        Fraction of the paired US neurons that fired at least once.
    false_alarms : numpy.ndarray, shape (n_cues,)
        Fraction of the other US neurons that fired at least once.
    """

    similarity: np.ndarray
    own_similarity: np.ndarray
    correlation: np.ndarray
    correct: np.ndarray
    hits: np.ndarray
    false_alarms: np.ndarray


def recall_scores(counts: Any, us_patterns: Any, cue_pairs: Any) -> RecallScores:
    """Score recall: compare the US spike counts during each cue with the stored US patterns.

    Parameters
    ----------
    counts : array_like, shape (n_cues, n_neurons)
        Spikes of each US neuron during each cue.
    us_patterns : array_like of bool, shape (n_pairs, n_neurons)
    cue_pairs : array_like of int, shape (n_cues,)
        Which pair each cue belongs to.

    Returns
    -------
    RecallScores

    Examples
    --------
    >>> us = np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=bool)
    >>> s = recall_scores([[3, 2, 0, 0], [0, 1, 1, 1]], us, [0, 1])
    >>> s.correct.tolist(), s.hits.tolist(), s.false_alarms.tolist()
    ([True, True], [1.0, 1.0], [0.0, 0.5])
    >>> s.own_similarity.round(3).tolist()
    [0.981, 0.816]
    """
    counts = np.asarray(counts, dtype=float)
    us = np.asarray(us_patterns, dtype=bool)
    cues = np.asarray(cue_pairs, dtype=int)
    if counts.ndim != 2 or counts.shape[1] != us.shape[1] or counts.shape[0] != cues.size:
        raise ValueError(f"counts must have shape (n_cues, n_neurons) = {(cues.size, us.shape[1])}; "
                         f"got {counts.shape}")
    if np.any(cues < 0) or np.any(cues >= us.shape[0]):
        raise ValueError(f"cue_pairs must be pair indices in [0, {us.shape[0] - 1}]")
    target = us[cues].astype(float)
    c0 = counts - counts.mean(axis=1, keepdims=True)
    t0 = target - target.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(c0, axis=1) * np.linalg.norm(t0, axis=1)
    correlation = np.where(norms > 0, np.sum(c0 * t0, axis=1) / np.where(norms > 0, norms, 1), 0.0)
    patterns = us.astype(float)
    cosine = counts @ patterns.T / (np.linalg.norm(patterns, axis=1)[None, :]
                                    * np.maximum(np.linalg.norm(counts, axis=1), 1e-12)[:, None])
    best = np.argmax(cosine, axis=1)
    # A silent response, or a tie with another pattern, is not a correct recall.
    top = np.max(cosine, axis=1, keepdims=True)
    unique = np.sum(np.isclose(cosine, top), axis=1) == 1
    correct = (best == cues) & unique & (counts.sum(axis=1) > 0)
    fired = counts > 0
    hits = np.sum(fired & (target > 0), axis=1) / np.sum(target > 0, axis=1)
    others = np.maximum(np.sum(target == 0, axis=1), 1)
    false_alarms = np.sum(fired & (target == 0), axis=1) / others
    own = cosine[np.arange(cues.size), cues]
    return RecallScores(similarity=cosine, own_similarity=own, correlation=correlation,
                        correct=correct, hits=hits, false_alarms=false_alarms)


@dataclass(frozen=True, eq=False)
class SpikingMemoryResult:
    """A spiking associative memory after pairing ``n_pairs`` CS-US pairs and cueing.

    Attributes
    ----------
    schedule : PairingSchedule
        Patterns and inputs.
    weights : numpy.ndarray, shape (n_neurons, n_neurons)
        Learned weight ``w`` (0 to 1) of each synapse, CS neuron (row) to US
        neuron (column).
    potentiated_fraction : float
        Fraction of synapses with ``w > 0.5``.
    potentiated_fraction_theory : float
        ``1 - (1 - f²)^N`` (:func:`potentiated_fraction_theory`).
    recall_counts : numpy.ndarray of int, shape (n_cues, n_neurons)
        US spikes during each cue.
    scores : RecallScores
    mean_similarity : float
        ``scores.own_similarity`` averaged over the cues: the recall quality
        (cosine between the US response and the paired US pattern).
    other_similarity : float
        The cosine between the US response and the *other* stored US patterns,
        averaged over cues and patterns (NaN with one pair).
    mean_correlation : float
        ``scores.correlation`` (Pearson) averaged over the cues.
    accuracy : float
        Fraction of cues recalled correctly (``scores.correct``).
    cs_spike_indices, us_spike_indices : numpy.ndarray of int
    cs_spike_times_ms, us_spike_times_ms : numpy.ndarray
        Every spike of each population (ms), for rasters.
    target : str
        ``"cpp_standalone"`` or ``"numpy"``.
    """

    schedule: PairingSchedule
    weights: np.ndarray
    potentiated_fraction: float
    potentiated_fraction_theory: float
    recall_counts: np.ndarray
    scores: RecallScores
    mean_similarity: float
    other_similarity: float
    mean_correlation: float
    accuracy: float
    cs_spike_indices: np.ndarray
    cs_spike_times_ms: np.ndarray
    us_spike_indices: np.ndarray
    us_spike_times_ms: np.ndarray
    target: str

    @property
    def n_pairs(self) -> int:
        """Number of stored pairs."""
        return self.schedule.n_pairs


def _build(ctx, n_neurons: int, n_rows: int):
    """The network, written the Brian2 way (this is the code the chapter shows)."""
    b2 = ctx.brian2
    from brian2 import Mohm, ms, mV, nA

    row = ROW_MS * ms
    cs_input = ctx.timed_array("cs_input", np.zeros((n_rows, n_neurons)) * nA, dt=row)
    us_input = ctx.timed_array("us_input", np.zeros((n_rows, n_neurons)) * nA, dt=row)
    learning = ctx.timed_array("learning", np.zeros(n_rows), dt=row)
    lif = dict(threshold="v > -50*mV", reset="v = v_rest", refractory=2 * ms, method="euler",
               clock=ctx.clock)
    neuron_constants = {"v_rest": -70 * mV, "R_m": 10 * Mohm, "tau_m": 10 * ms}
    cs = b2.NeuronGroup(n_neurons, MEMORY_EQUATIONS + "noise_sigma : volt (shared)", **lif,
                        namespace={**neuron_constants, "I_in": cs_input}, name=ctx.name("cs"))
    us = b2.NeuronGroup(n_neurons, MEMORY_EQUATIONS + "noise_sigma : volt (shared)", **lif,
                        namespace={**neuron_constants, "I_in": us_input}, name=ctx.name("us"))
    for group in (cs, us):
        group.v = -70 * mV
    synapses = b2.Synapses(
        cs, us, model=HEBBIAN_SYNAPSE["model"] + "w_syn : volt (shared)\neta : 1 (shared)\n"
        "tau_hebb : second (shared)", on_pre=HEBBIAN_SYNAPSE["on_pre"],
        on_post=HEBBIAN_SYNAPSE["on_post"], namespace={"learning": learning},
        clock=ctx.clock, name=ctx.name("synapses"))
    synapses.connect()          # all-to-all: every CS neuron to every US neuron
    synapses.w = 0
    cs_spikes = b2.SpikeMonitor(cs, name=ctx.name("cs_spikes"))
    us_spikes = b2.SpikeMonitor(us, name=ctx.name("us_spikes"))
    return {"cs": cs, "us": us, "synapses": synapses, "cs_spikes": cs_spikes,
            "us_spikes": us_spikes, "cs_input": cs_input, "us_input": us_input,
            "learning": learning}


def _collect(objects):
    from brian2 import ms

    syn = objects["synapses"]
    return {"w": np.asarray(syn.w[:]).copy(), "i": np.asarray(syn.i[:]).copy(),
            "j": np.asarray(syn.j[:]).copy(),
            "cs_i": np.asarray(objects["cs_spikes"].i[:]).copy(),
            "cs_t": np.asarray(objects["cs_spikes"].t[:] / ms).copy(),
            "us_i": np.asarray(objects["us_spikes"].i[:]).copy(),
            "us_t": np.asarray(objects["us_spikes"].t[:] / ms).copy()}


def _network(n_neurons: int, max_pairs: int, max_cues: int, target: str):
    """The compiled network for one structure (built on first use, then re-run).

    Kept in :mod:`nslib.spiking`'s compile-once cache, keyed by the structure and the target.
    """
    from brian2 import ms

    from ..spiking import CompiledNetwork, compile_once

    n_rows = (max_pairs + max_cues) * SLOT_ROWS
    key = ("memory", n_neurons, n_rows, MEMORY_EQUATIONS, HEBBIAN_SYNAPSE["model"],
           HEBBIAN_SYNAPSE["on_pre"], HEBBIAN_SYNAPSE["on_post"], target)
    # Brian2 suffixes the names of code objects while objects of the same name are alive. A
    # numpy network kept in the cache would shift the names of a later standalone build, whose
    # code would then differ from the cached build and be compiled again: give them distinct names.
    model = "attention_memory_numpy" if target == "numpy" else "attention_memory"
    return compile_once(model, key, lambda: CompiledNetwork(
        model, lambda ctx: _build(ctx, n_neurons, n_rows), _collect,
        duration=n_rows * ROW_MS * ms, key=key, target=target))


def spiking_associative_memory(n_pairs: int = 8, n_neurons: int = 100, pattern_size: int = 10,
                               max_pairs: int = 64, max_cues: int = 16, *, w_syn: Any = None,
                               eta: float = DEFAULTS["eta"], tau_hebb: Any = None,
                               noise_sigma: Any = None, drive: Any = None, seed: Any = 0,
                               target: str = "auto") -> SpikingMemoryResult:
    """Pair ``n_pairs`` random CS and US patterns in a spiking network, then cue the CS sets.

    See the module docstring for the network; the Brian2 equations are
    :data:`MEMORY_EQUATIONS` and :data:`HEBBIAN_SYNAPSE`. Both populations are
    the course's LIF neuron (``τ_m = 10 ms``, rest/reset -70 mV, threshold
    -50 mV, ``R_m = 10 MΩ``, 2 ms refractory) with membrane noise.

    Parameters
    ----------
    n_pairs : int, 1 to ``max_pairs``
        Pairs stored.
    n_neurons : int, 2 to 1000
        Neurons per population.
    pattern_size : int, 1 to ``n_neurons``
        Active neurons per pattern.
    max_pairs, max_cues : int
        Slots of the compiled network (one program per combination with
        ``n_neurons``); the run lasts ``(max_pairs + max_cues) x 50 ms``.
    w_syn : Quantity, in [0, 20] mV, default 4 mV
        EPSP of a fully potentiated synapse. The default lets the 10 inputs
        of a default pattern drive a US neuron well above threshold and about
        half of them only rarely; scale it with ``pattern_size``.
    eta : float, in [0, 1]
        Potentiation per coincident spike pair.
    tau_hebb : Quantity, in [1, 50] ms, default 10 ms
        Decay time of the Hebbian traces.
    noise_sigma : Quantity, in [0, 10] mV, default 2 mV
        Membrane noise (standard deviation of the free membrane potential).
    drive : Quantity, in [0, 20] nA, default 3 nA
        Input current of a stimulated neuron.
    seed : int or numpy.random.Generator
        Seeds the patterns and the membrane noise.
    target : {"auto", "cpp_standalone", "numpy"}
        ``"auto"`` compiles a C++ program once per structure (a compiler is
        needed; otherwise numpy with a warning).

    Returns
    -------
    SpikingMemoryResult

    Examples
    --------
    >>> from brian2 import mV
    >>> res = spiking_associative_memory(2, n_neurons=40, pattern_size=10, max_pairs=2,
    ...                                  max_cues=2, w_syn=4 * mV, target="numpy")
    >>> bool(res.accuracy == 1.0), bool(res.mean_similarity > 0.8)
    (True, True)
    """
    from brian2 import ms, mV, nA

    from ..spiking import check_quantity

    check_choice("target", target, ("auto", "cpp_standalone", "numpy"))
    w_syn = check_quantity("w_syn", DEFAULTS["w_syn_mV"] * mV if w_syn is None else w_syn, mV,
                           strict=False, high=20.0, example="4*mV")
    eta = check_number("eta", eta, low=0.0, high=1.0)
    tau_hebb = check_quantity("tau_hebb", DEFAULTS["tau_hebb_ms"] * ms if tau_hebb is None
                              else tau_hebb, ms, low=1.0, strict=False, high=50.0, example="10*ms")
    noise = check_quantity("noise_sigma", DEFAULTS["noise_mV"] * mV if noise_sigma is None
                           else noise_sigma, mV, strict=False, high=10.0, example="2*mV")
    rng = as_generator(seed)
    schedule = pairing_schedule(n_pairs, n_neurons, pattern_size, max_pairs, max_cues,
                                drive=drive, seed=rng)
    noise_seed = int(rng.integers(0, 2**31 - 1))
    network = _network(schedule.cs_patterns.shape[1], max_pairs, max_cues, target)
    out = network.run({
        "cs_input": schedule.cs_current_nA * nA, "us_input": schedule.us_current_nA * nA,
        "learning": schedule.learning, "cs.noise_sigma": noise, "us.noise_sigma": noise,
        "synapses.w_syn": w_syn, "synapses.eta": eta, "synapses.tau_hebb": tau_hebb},
        seed=noise_seed)
    n = schedule.cs_patterns.shape[1]
    weights = np.zeros((n, n))
    weights[out["i"], out["j"]] = out["w"]
    counts = np.zeros((schedule.cue_pairs.size, n), dtype=int)
    for cue in range(schedule.cue_pairs.size):
        start, end = schedule.cue_window_ms(cue)
        in_window = (out["us_t"] >= start) & (out["us_t"] < end)
        counts[cue] = np.bincount(out["us_i"][in_window], minlength=n)
    scores = recall_scores(counts, schedule.us_patterns, schedule.cue_pairs)
    others = np.ones(scores.similarity.shape, dtype=bool)
    others[np.arange(schedule.cue_pairs.size), schedule.cue_pairs] = False
    return SpikingMemoryResult(
        schedule=schedule, weights=weights, potentiated_fraction=float(np.mean(weights > 0.5)),
        potentiated_fraction_theory=float(potentiated_fraction_theory(n_pairs, n, pattern_size)),
        recall_counts=counts, scores=scores, mean_similarity=float(scores.own_similarity.mean()),
        other_similarity=float(scores.similarity[others].mean()) if others.any() else float("nan"),
        mean_correlation=float(scores.correlation.mean()),
        accuracy=float(scores.correct.mean()), cs_spike_indices=out["cs_i"],
        cs_spike_times_ms=out["cs_t"], us_spike_indices=out["us_i"], us_spike_times_ms=out["us_t"],
        target=network.target)
