"""Associative memories written by a Hebbian or an error-correcting rule, and their capacity.

A memory matrix ``M`` (shape ``(d_v, d_k)``) stores pairs of a key ``k``
(the conditioned stimulus, CS) and a value ``v`` (the unconditioned stimulus,
US); a query ``q`` (the test stimulus) retrieves ``M q``.

* The **Hebbian** rule adds one outer product per pair, ``M = Σ v kᵀ``: what
  plain linear attention computes.
* The **delta rule** (Widrow-Hoff; Rescorla-Wagner in conditioning; the
  "fast weight" rule of Schlag, Irie & Schmidhuber 2021) writes only what the
  memory does not yet predict: ``M ← M + η (v - M k) kᵀ``.

Arrays hold one pair per row: ``keys`` is ``(n_pairs, d_k)`` and ``values``
is ``(n_pairs, d_v)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = [
    "BlockingResult",
    "CapacityCurves",
    "blocking_experiment",
    "RetrievalError",
    "capacity_curves",
    "delta_rule_memory",
    "delta_rule_theory",
    "hebbian_crosstalk_theory",
    "hebbian_memory",
    "random_unit_vectors",
    "retrieval_error",
    "retrieve",
]

RULES = ("hebbian", "delta", "softmax")


def _check_pairs(keys, values):
    keys = check_finite_array("keys", keys, ndim=2)
    values = check_finite_array("values", values, ndim=2)
    if values.shape[0] != keys.shape[0]:
        raise ValueError(f"values must have one row per key ({keys.shape[0]}); "
                         f"got shape {values.shape}")
    return keys, values


def random_unit_vectors(n: int, d: int, *, seed: Any = 0) -> np.ndarray:
    """``n`` random vectors drawn uniformly from the unit sphere in ``d`` dimensions.

    Parameters
    ----------
    n : int, >= 1
    d : int, >= 1
    seed : int or numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n, d)
        Rows of norm 1.

    Examples
    --------
    >>> x = random_unit_vectors(5, 3, seed=0)
    >>> np.allclose(np.linalg.norm(x, axis=1), 1.0)
    True
    """
    n = check_int("n", n, low=1)
    d = check_int("d", d, low=1)
    x = as_generator(seed).standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def hebbian_memory(keys: Any, values: Any) -> np.ndarray:
    r"""The Hebbian (outer-product) memory of key-value pairs: ``M = Σ_i v_i k_iᵀ``.

    Each pair strengthens the connection from key unit ``a`` to value unit
    ``b`` by the product of their activities, ``v_b k_a``: Hebb's rule. Linear
    attention reads this memory with its queries.

    Parameters
    ----------
    keys : array_like, shape (n_pairs, d_k)
    values : array_like, shape (n_pairs, d_v)

    Returns
    -------
    numpy.ndarray, shape (d_v, d_k)
        The memory matrix ``M = Vᵀ K`` (rows of ``V`` and ``K`` are the pairs).

    Examples
    --------
    >>> M = hebbian_memory(np.eye(2), [[1.0, 2.0], [3.0, 4.0]])
    >>> retrieve(M, [1.0, 0.0]).tolist()       # orthogonal keys: perfect recall
    [1.0, 2.0]
    """
    keys, values = _check_pairs(keys, values)
    return values.T @ keys


def delta_rule_memory(keys: Any, values: Any, lr: float = 1.0, epochs: int | None = 1,
                      initial: Any = None) -> np.ndarray:
    r"""A memory written by the delta rule (Rescorla-Wagner), one pair at a time.

    For each pair in order, the memory predicts ``M k`` and corrects the error:

    .. math:: M \leftarrow M + \eta\,(\mathbf{v} - M\mathbf{k})\,\mathbf{k}^\top .

    A pair the memory already predicts changes nothing. With unit-norm keys
    and ``lr = 1`` each write makes ``M k = v`` exactly for the pair just
    written, but may disturb earlier pairs whose keys overlap with it.

    ``epochs=None`` returns the least-squares memory instead: the minimum-norm
    ``M = V K⁺`` (``K⁺`` the pseudo-inverse, in the column convention of the
    chapter), which is where *batch* gradient descent on ``Σ ||M k - v||²``
    started from ``M = 0`` converges. It retrieves every pair exactly when the
    keys are linearly independent (``n_pairs <= d_k``). The online rule
    reaches it only in that case: with more pairs than key dimensions no
    memory satisfies them all, and with a fixed ``lr`` the online rule ends in
    a cycle (after every pass the same memory, ``lr``-dependent and worse than
    ``V K⁺``), which approaches ``V K⁺`` only as ``lr → 0``.

    Parameters
    ----------
    keys : array_like, shape (n_pairs, d_k)
    values : array_like, shape (n_pairs, d_v)
    lr : float, default 1.0
        Learning rate ``η`` in ``(0, 2)``: for unit-norm keys each write then
        shrinks the error of its own pair.
    epochs : int >= 1 or None, default 1
        Passes over the pairs, or ``None`` for the least-squares memory ``V K⁺``.
    initial : array_like, shape (d_v, d_k), optional
        Starting memory (default zeros), e.g. one trained on earlier pairs.
        Ignored when ``epochs`` is None.

    Returns
    -------
    numpy.ndarray, shape (d_v, d_k)

    Examples
    --------
    >>> keys = np.array([[1.0, 0.0], [np.sqrt(0.5), np.sqrt(0.5)]])
    >>> values = np.array([[1.0], [-1.0]])
    >>> M = delta_rule_memory(keys, values, epochs=None)
    >>> np.allclose(retrieve(M, keys), values)             # least squares: exact
    True
    >>> np.allclose(retrieve(hebbian_memory(keys, values), keys), values)
    False
    """
    keys, values = _check_pairs(keys, values)
    lr = check_number("lr", lr, low=0.0, high=2.0, low_inclusive=False, high_inclusive=False)
    if epochs is None:
        return values.T @ np.linalg.pinv(keys.T)
    epochs = check_int("epochs", epochs, low=1, high=100_000)
    shape = (values.shape[1], keys.shape[1])
    if initial is None:
        memory = np.zeros(shape)
    else:
        memory = check_finite_array("initial", initial, ndim=2).copy()
        if memory.shape != shape:
            raise ValueError(f"initial must have shape (d_v, d_k) = {shape}; got {memory.shape}")
    for _ in range(epochs):
        for k, v in zip(keys, values, strict=True):
            memory += lr * np.outer(v - memory @ k, k)
    return memory


def retrieve(M: Any, queries: Any) -> np.ndarray:
    """Read a memory: ``M q`` for each query.

    Parameters
    ----------
    M : array_like, shape (d_v, d_k)
    queries : array_like, shape (n, d_k) or (d_k,)

    Returns
    -------
    numpy.ndarray, shape (n, d_v) or (d_v,)

    Examples
    --------
    >>> retrieve(np.array([[2.0, 0.0]]), [[1.0, 5.0], [0.5, 0.0]]).tolist()
    [[2.0], [1.0]]
    """
    M = check_finite_array("M", M, ndim=2)
    q = check_finite_array("queries", queries)
    if q.ndim not in (1, 2) or q.shape[-1] != M.shape[1]:
        raise ValueError(f"queries must have shape (n, {M.shape[1]}) or ({M.shape[1]},) to match "
                         f"M's d_k; got {q.shape}")
    return q @ M.T


def _check_theory_arguments(n_pairs, n, d_k, d) -> None:
    for name, given, arr in (("n_pairs", n_pairs, n), ("d_k", d_k, d)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 1):
            raise ValueError(f"{name} must be finite and >= 1; got {given!r}")


def hebbian_crosstalk_theory(n_pairs: Any, d_k: Any) -> np.ndarray:
    r"""Expected retrieval error of the Hebbian memory: ``(N - 1) / d_k``.

    For random unit keys and values, retrieving pair ``i`` returns
    ``M k_i = v_i + Σ_{j≠i} (k_j·k_i) v_j``: the stored value plus crosstalk
    from every other pair. The values are independent with mean 0, so the
    ``N - 1`` crosstalk vectors are uncorrelated and their squared norms add
    (whatever the signs of the overlaps; see
    :func:`nslib.attention.crosstalk_error`); with ``E[(k_j·k_i)²] = 1/d_k``
    for independent unit vectors, ``E||M k_i - v_i||² = (N - 1)/d_k``.

    Parameters
    ----------
    n_pairs : int or array_like of int, >= 1
    d_k : int or array_like of int, >= 1

    Returns
    -------
    numpy.ndarray (0-d for scalars)

    Examples
    --------
    >>> float(hebbian_crosstalk_theory(33, 64))
    0.5
    """
    n = np.asarray(n_pairs, dtype=float)
    d = np.asarray(d_k, dtype=float)
    _check_theory_arguments(n_pairs, n, d_k, d)
    return (n - 1.0) / d


def delta_rule_theory(n_pairs: Any, d_k: Any) -> np.ndarray:
    r"""Expected error of the least-squares memory ``V K⁺``: ``max(0, 1 - d_k / N)``.

    Up to ``N = d_k`` random keys are linearly independent and the
    least-squares memory ``V K⁺`` retrieves every pair exactly. Beyond, the
    retrieved values are the projection of the ``N`` stored values onto the
    ``d_k``-dimensional space the keys span; the residual keeps a fraction
    ``1 - d_k/N`` of the values' unit squared norm.

    Parameters
    ----------
    n_pairs : int or array_like of int, >= 1
        Number ``N`` of stored pairs.
    d_k : int or array_like of int, >= 1
        Dimension of the keys (broadcast against ``n_pairs``).

    Returns
    -------
    numpy.ndarray
        Expected mean squared retrieval error, in units of the values'
        squared norm (1).

    Examples
    --------
    >>> float(delta_rule_theory(16, 32)), float(delta_rule_theory(64, 32))
    (0.0, 0.5)
    """
    n = np.asarray(n_pairs, dtype=float)
    d = np.asarray(d_k, dtype=float)
    _check_theory_arguments(n_pairs, n, d_k, d)
    return np.maximum(0.0, 1.0 - d / n)


@dataclass(frozen=True, eq=False)
class RetrievalError:
    """Retrieval error ``||M k - v||²`` of a memory of random unit-norm pairs.

    Attributes
    ----------
    mean : float
        Averaged over the stored pairs and the trials.
    worst : float
        The largest error among the stored pairs of a memory, averaged over trials.
    sem : float
        Standard error of ``mean`` across trials.
    per_trial : numpy.ndarray, shape (n_trials,)
        Mean error over the pairs of each trial.
    theory : float
        ``(N-1)/d_k`` for "hebbian"; ``max(0, 1 - d_k/N)`` for the
        least-squares memory; NaN where no formula is given (a finite number of epochs,
        softmax).
    n_pairs, d_k, d_v, n_trials : int
    rule : str
    epochs : int or None
    """

    mean: float
    worst: float
    sem: float
    per_trial: np.ndarray
    theory: float
    n_pairs: int
    d_k: int
    d_v: int
    n_trials: int
    rule: str
    epochs: int | None


def _pair_errors(keys: np.ndarray, values: np.ndarray, rule: str, lr: float, epochs: int | None,
                 beta: float) -> np.ndarray:
    """Squared retrieval error of every stored pair, for a stack of memories.

    ``keys`` (T, N, d_k), ``values`` (T, N, d_v) -> (T, N).
    """
    if rule == "hebbian":
        # M k_i = Σ_j v_j (k_j·k_i): the Gram matrix does the whole retrieval at once.
        gram = keys @ np.swapaxes(keys, 1, 2)
        recalled = gram @ values
    elif rule == "softmax":
        gram = keys @ np.swapaxes(keys, 1, 2)
        recalled = _softmax_rows(beta * gram) @ values
    elif epochs is None:
        # M K^T = V^T P with P the projection onto the span of the keys' columns.
        projection = keys @ np.linalg.pinv(keys)
        recalled = projection @ values
    else:
        memory = np.zeros((keys.shape[0], values.shape[2], keys.shape[2]))
        for _ in range(epochs):
            for i in range(keys.shape[1]):
                k, v = keys[:, i, :], values[:, i, :]
                error = v - np.einsum("tvk,tk->tv", memory, k)
                memory += lr * error[:, :, None] * k[:, None, :]
        recalled = np.einsum("tvk,tnk->tnv", memory, keys)
    return np.sum((recalled - values) ** 2, axis=2)


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _check_rule(rule, lr, epochs, beta):
    check_choice("rule", rule, RULES)
    lr = check_number("lr", lr, low=0.0, high=2.0, low_inclusive=False, high_inclusive=False)
    if epochs is not None:
        epochs = check_int("epochs", epochs, low=1, high=1000)
    if beta is not None:
        beta = check_number("beta", beta, low=0.0, high=1e4, low_inclusive=False)
    return lr, epochs, beta


def retrieval_error(n_pairs: int, d_k: int, rule: str = "hebbian", n_trials: int = 20,
                    d_v: int | None = None, epochs: int | None = None, lr: float = 1.0,
                    beta: float | None = None, *, seed: Any = 0) -> RetrievalError:
    r"""Retrieval error of a memory of ``n_pairs`` random unit-norm key-value pairs.

    Draws keys and values uniformly on the unit spheres, writes them into a
    memory with ``rule``, retrieves each stored pair with its own key and
    measures ``||M k - v||²`` (summed over the value's components). An error
    of 1 is as bad as recalling nothing (``M k = 0``).

    Parameters
    ----------
    n_pairs : int, 1 to 4096
        ``N``, the number of stored pairs.
    d_k : int, 1 to 4096
        Key dimension.
    rule : {"hebbian", "delta", "softmax"}, default "hebbian"
        ``"hebbian"``: ``M = Σ v kᵀ`` (linear attention). ``"delta"``: the
        least-squares memory ``V K⁺`` (the limit of the batch delta rule)
        unless ``epochs`` is given. ``"softmax"``: no matrix at all; each key retrieves
        ``Σ_j softmax_j(β k_j·k) v_j``, softmax attention over the stored pairs.
    n_trials : int, 1 to 10000, default 20
        Independent memories averaged over.
    d_v : int, optional
        Value dimension (default ``d_k``); the error does not depend on it on average.
    epochs : int, optional
        For ``rule="delta"``: online passes over the pairs with learning rate
        ``lr`` instead of convergence.
    lr : float, default 1.0
        Delta-rule learning rate, in (0, 2).
    beta : float, optional
        Softmax inverse temperature, default ``sqrt(d_k)``: the matched score
        ``q·k/sqrt(d_k)`` of a transformer whose keys have unit-variance
        entries (norm ``sqrt(d_k)``).
    seed : int or numpy.random.Generator

    Returns
    -------
    RetrievalError

    Examples
    --------
    >>> err = retrieval_error(33, 64, "hebbian", n_trials=50, seed=0)
    >>> round(err.theory, 3), bool(abs(err.mean - err.theory) < 0.05)
    (0.5, True)
    >>> retrieval_error(16, 64, "delta", seed=0).mean < 1e-20
    True
    """
    n_pairs = check_int("n_pairs", n_pairs, low=1, high=4096)
    d_k = check_int("d_k", d_k, low=1, high=4096)
    n_trials = check_int("n_trials", n_trials, low=1, high=10_000)
    d_v = d_k if d_v is None else check_int("d_v", d_v, low=1, high=4096)
    lr, epochs, beta = _check_rule(rule, lr, epochs, beta)
    if epochs is not None and rule != "delta":
        raise ValueError(f"epochs applies to rule='delta' only; got rule={rule!r}")
    beta = float(np.sqrt(d_k)) if beta is None else beta
    rng = as_generator(seed)
    keys = _unit_rows(rng, (n_trials, n_pairs, d_k))
    values = _unit_rows(rng, (n_trials, n_pairs, d_v))
    errors = _pair_errors(keys, values, rule, lr, epochs, beta)
    per_trial = errors.mean(axis=1)
    if rule == "hebbian":
        theory = float(hebbian_crosstalk_theory(n_pairs, d_k))
    elif rule == "delta" and epochs is None:
        theory = float(delta_rule_theory(n_pairs, d_k))
    else:
        theory = float("nan")
    sem = float(per_trial.std(ddof=1) / np.sqrt(n_trials)) if n_trials > 1 else float("nan")
    return RetrievalError(mean=float(per_trial.mean()), worst=float(errors.max(axis=1).mean()),
                          sem=sem, per_trial=per_trial, theory=theory, n_pairs=n_pairs, d_k=d_k,
                          d_v=d_v, n_trials=n_trials, rule=rule, epochs=epochs)


def _unit_rows(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    x = rng.standard_normal(shape)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@dataclass(frozen=True, eq=False)
class CapacityCurves:
    """Retrieval error against the number of stored pairs, for several key dimensions and rules.

    Attributes
    ----------
    n_pairs : numpy.ndarray of int, shape (n_n,)
    d_ks : numpy.ndarray of int, shape (n_d,)
    rules : tuple of str
        Labels such as ``"hebbian"``, ``"delta"``, ``"delta, 1 pass"``, ``"softmax"``.
    mean, worst, sem : numpy.ndarray, shape (n_rules, n_d, n_n)
        As in :class:`RetrievalError`.
    theory : numpy.ndarray, shape (n_rules, n_d, n_n)
        NaN where there is no formula.
    n_trials : int
    """

    n_pairs: np.ndarray
    d_ks: np.ndarray
    rules: tuple
    mean: np.ndarray
    worst: np.ndarray
    sem: np.ndarray
    theory: np.ndarray
    n_trials: int


def _int_list(name: str, values: Any) -> list[int]:
    arr = check_finite_array(name, values)
    if arr.ndim != 1 or np.any(arr != np.round(arr)) or np.any(arr < 1) or np.any(arr > 4096):
        raise ValueError(f"{name} must be a 1-D sequence of integers from 1 to 4096; got {values!r}")
    return [int(x) for x in arr]


_RULE_LABELS = {"hebbian": ("hebbian", None), "delta": ("delta", None),
                "delta, 1 pass": ("delta", 1), "softmax": ("softmax", None)}


def capacity_curves(n_pairs: Any = (1, 2, 4, 8, 16, 32, 64, 128), d_ks: Any = (16, 32, 64),
                    rules: Any = ("hebbian", "delta"), n_trials: int = 20,
                    *, seed: Any = 0) -> CapacityCurves:
    """Run :func:`retrieval_error` over a grid of ``n_pairs`` x ``d_k`` for several rules.

    Parameters
    ----------
    n_pairs : sequence of int
        Numbers of stored pairs, each 1 to 4096.
    d_ks : sequence of int
        Key dimensions, each 1 to 4096.
    rules : sequence of str
        Any of ``"hebbian"``, ``"delta"`` (least squares, ``V K⁺``), ``"delta, 1 pass"``
        (one online pass with ``lr = 1``) and ``"softmax"``.
    n_trials : int, default 20
    seed : int or numpy.random.Generator
        One seed for the whole grid; every (rule, d_k, N) cell draws its own
        memories from it.

    Returns
    -------
    CapacityCurves

    Examples
    --------
    >>> c = capacity_curves([2, 8], [8], rules=["hebbian"], n_trials=5)
    >>> c.mean.shape
    (1, 1, 2)
    """
    ns = _int_list("n_pairs", n_pairs)
    ds = _int_list("d_ks", d_ks)
    rules = tuple(rules) if not isinstance(rules, str) else (rules,)
    if not rules:
        raise ValueError("rules must name at least one rule")
    for r in rules:
        check_choice("rules", r, tuple(_RULE_LABELS))
    n_trials = check_int("n_trials", n_trials, low=1, high=10_000)
    rng = as_generator(seed)
    shape = (len(rules), len(ds), len(ns))
    mean, worst, sem, theory = (np.empty(shape) for _ in range(4))
    for a, label in enumerate(rules):
        rule, epochs = _RULE_LABELS[label]
        for b, d in enumerate(ds):
            for c, n in enumerate(ns):
                res = retrieval_error(n, d, rule, n_trials=n_trials, epochs=epochs, seed=rng)
                mean[a, b, c], worst[a, b, c] = res.mean, res.worst
                sem[a, b, c], theory[a, b, c] = res.sem, res.theory
    return CapacityCurves(n_pairs=np.array(ns), d_ks=np.array(ds), rules=rules, mean=mean,
                          worst=worst, sem=sem, theory=theory, n_trials=n_trials)


# ---------------------------------------------------------------------------
# Pavlovian conditioning: blocking
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class BlockingResult:
    """Kamin's blocking experiment run with one learning rule.

    Attributes
    ----------
    strengths : numpy.ndarray, shape (n_phase1 + n_phase2 + 1, 2)
        Associative strengths ``(V_A, V_B)`` before the first trial and after
        each trial: phase 1 pairs CS A alone with the US, phase 2 the compound
        AB.
    control_strengths : numpy.ndarray, shape (n_phase2 + 1, 2)
        The control group: the compound AB paired with the US from the start.
    blocked : float
        ``V_B`` at the end, after A was learned first.
    control : float
        ``V_B`` at the end of the control group.
    rule : str
    lr : float
    n_phase1, n_phase2 : int
    """

    strengths: np.ndarray
    control_strengths: np.ndarray
    blocked: float
    control: float
    rule: str
    lr: float
    n_phase1: int
    n_phase2: int


def blocking_experiment(rule: str = "delta", n_phase1: int = 20, n_phase2: int = 20,
                        lr: float = 0.2, us: float = 1.0) -> BlockingResult:
    r"""Kamin's blocking experiment with the Hebbian rule or the delta (Rescorla-Wagner) rule.

    Two conditioned stimuli, A and B, are keys ``x = (x_A, x_B)`` with 1 for
    a stimulus that is present; the US of magnitude ``λ`` (``us``) is the
    value. The associative strengths are the memory ``V = (V_A, V_B)``, and
    the US the animal expects on a trial is ``V·x``. Per trial:

    * Hebbian: ``V ← V + η λ x`` (every pairing adds the same amount);
    * delta / Rescorla-Wagner: ``V ← V + η (λ - V·x) x`` (only the surprise
      is learned).

    Phase 1 pairs A alone with the US; phase 2 pairs the compound AB with it.
    The delta rule learns almost nothing about B in phase 2, because A already
    predicts the US: A *blocks* B (Kamin 1969). The control group, which sees
    only the compound, learns about B. The Hebbian rule learns B equally in
    both groups.

    Parameters
    ----------
    rule : {"delta", "hebbian"}
    n_phase1, n_phase2 : int, 1 to 10000
        Trials per phase.
    lr : float, in (0, 1)
        Learning rate ``η`` (below 1 keeps the compound's delta rule stable).
    us : float, in (0, 100]
        US magnitude ``λ``.

    Returns
    -------
    BlockingResult

    Examples
    --------
    >>> d = blocking_experiment("delta")
    >>> bool(d.blocked < 0.05 < 0.4 < d.control)
    True
    >>> h = blocking_experiment("hebbian")
    >>> bool(np.isclose(h.blocked, h.control))
    True
    """
    check_choice("rule", rule, ("delta", "hebbian"))
    n1 = check_int("n_phase1", n_phase1, low=1, high=10_000)
    n2 = check_int("n_phase2", n_phase2, low=1, high=10_000)
    lr = check_number("lr", lr, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    lam = check_number("us", us, low=0.0, high=100.0, low_inclusive=False)

    def train(trials: list) -> np.ndarray:
        memory = np.zeros((1, 2))
        history = [memory[0].copy()]
        for x in trials:
            key = np.asarray([x], dtype=float)
            if rule == "delta":
                memory = delta_rule_memory(key, [[lam]], lr=lr, initial=memory)
            else:
                memory = memory + lr * hebbian_memory(key, [[lam]])
            history.append(memory[0].copy())
        return np.array(history)

    strengths = train([(1, 0)] * n1 + [(1, 1)] * n2)
    control = train([(1, 1)] * n2)
    return BlockingResult(strengths=strengths, control_strengths=control,
                          blocked=float(strengths[-1, 1]), control=float(control[-1, 1]),
                          rule=rule, lr=lr, n_phase1=n1, n_phase2=n2)
