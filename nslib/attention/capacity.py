"""How many key-value pairs a memory holds, and why the crosstalk adds up as it does.

* :func:`memory_capacity` -- the number of random pairs a memory (Hebbian,
  least-squares or softmax) holds before its mean retrieval error reaches a
  tolerance, for several key dimensions. Softmax attention with the
  transformer's scaling ``β = sqrt(d_k)`` (unit keys) holds about
  ``e^{sqrt(d_k)}`` pairs; only when ``β‖k‖²`` grows in proportion to ``d_k``
  (here ``β = d_k``) does the capacity grow exponentially with ``d_k``, as in
  Ramsauer et al. (2021).
* :func:`crosstalk_error` -- the crosstalk of a Hebbian memory when the
  overlaps all have one sign, or the values are all the same: the squared
  crosstalk terms add (``(N-1)/d_k``) unless the crosstalk vectors point the
  same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = [
    "CrosstalkError",
    "MemoryCapacity",
    "crosstalk_error",
    "mean_abs_overlap",
    "memory_capacity",
]

CAPACITY_RULES = ("hebbian", "delta", "softmax")
BETA_SCALINGS = ("sqrt", "linear")


def _unit_rows(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    x = rng.standard_normal(shape)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# Capacity against key dimension
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MemoryCapacity:
    """Retrieval error against stored pairs, and the capacity, for several key dimensions.

    Attributes
    ----------
    d_ks : numpy.ndarray of int, shape (n_d,)
        Key dimensions (the values have the same dimension).
    n_pairs : numpy.ndarray of int, shape (n_n,)
        Numbers of stored pairs ``N``.
    mean_error : numpy.ndarray, shape (n_d, n_n)
        Mean retrieval error ``||v̂ - v||²`` of the probed pairs, averaged over
        the trials (1 = as bad as recalling nothing).
    sem : numpy.ndarray, shape (n_d, n_n)
        Standard error of ``mean_error`` across trials (NaN for one trial).
    capacity : numpy.ndarray, shape (n_d,)
        The number of pairs at which ``mean_error`` first reaches
        ``tolerance``, interpolated linearly in ``log N`` between the two grid
        points around the crossing; NaN if the error is already above the
        tolerance at the first ``N`` or never reaches it.
    betas : numpy.ndarray, shape (n_d,)
        Softmax inverse temperature used for each ``d_k`` (NaN for the linear
        memories).
    rule : str
    beta_scaling : str or None
        ``"sqrt"`` (``β = sqrt(d_k)``) or ``"linear"`` (``β = d_k``) for
        ``rule="softmax"``, else None.
    tolerance : float
    n_trials, n_probes : int
    """

    d_ks: np.ndarray
    n_pairs: np.ndarray
    mean_error: np.ndarray
    sem: np.ndarray
    capacity: np.ndarray
    betas: np.ndarray
    rule: str
    beta_scaling: str | None
    tolerance: float
    n_trials: int
    n_probes: int

    def log_capacity_fit(self, against: str = "sqrt_d_k") -> tuple[float, float]:
        """Least-squares line through ``ln(capacity)`` against ``sqrt(d_k)`` or against ``d_k``.

        A capacity ``∝ e^{b sqrt(d_k)}`` gives slope ``b`` against ``"sqrt_d_k"``;
        one ``∝ e^{b d_k}`` gives slope ``b`` against ``"d_k"``.

        Parameters
        ----------
        against : {"sqrt_d_k", "d_k"}

        Returns
        -------
        (slope, intercept) : tuple of float
            NaN if fewer than two key dimensions have a finite capacity.
        """
        check_choice("against", against, ("sqrt_d_k", "d_k"))
        x = np.sqrt(self.d_ks) if against == "sqrt_d_k" else self.d_ks.astype(float)
        ok = np.isfinite(self.capacity)
        if ok.sum() < 2:
            return float("nan"), float("nan")
        slope, intercept = np.polyfit(x[ok], np.log(self.capacity[ok]), 1)
        return float(slope), float(intercept)

    def log_capacity_slope(self, against: str = "sqrt_d_k") -> float:
        """The slope of :meth:`log_capacity_fit`.

        Parameters
        ----------
        against : str
            The abscissa, as for :meth:`log_capacity_fit`.

        Returns
        -------
        float
            Change of the log capacity per unit of ``against``.
        """
        return self.log_capacity_fit(against)[0]


def _int_grid(name: str, values: Any, high: int) -> np.ndarray:
    arr = check_finite_array(name, values)
    if (arr.ndim != 1 or np.any(arr != np.round(arr)) or np.any(arr < 1) or np.any(arr > high)
            or np.any(np.diff(arr) <= 0)):
        raise ValueError(f"{name} must be an increasing 1-D sequence of integers from 1 to {high}; "
                         f"got {values!r}")
    return arr.astype(int)


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _crossing(n_pairs: np.ndarray, error: np.ndarray, tolerance: float) -> float:
    above = np.flatnonzero(error >= tolerance)
    if above.size == 0 or above[0] == 0:
        return float("nan")
    i = int(above[0])
    f = (tolerance - error[i - 1]) / (error[i] - error[i - 1])
    log_n = np.log(n_pairs[i - 1]) + f * (np.log(n_pairs[i]) - np.log(n_pairs[i - 1]))
    return float(np.exp(log_n))


def memory_capacity(d_ks: Any = (16, 36, 64, 100), rule: str = "softmax",
                    beta_scaling: str = "sqrt", tolerance: float = 0.25, n_pairs: Any = None,
                    n_trials: int = 4, n_probes: int = 16, *, seed: Any = 0) -> MemoryCapacity:
    r"""How many random key-value pairs a memory holds before its mean error reaches ``tolerance``.

    For each key dimension ``d_k`` and each trial, draws ``max(n_pairs)``
    random unit keys and values (dimension ``d_k``) once; a memory of ``N``
    pairs holds the first ``N`` of them, so the curves of one trial are nested.
    The first ``min(n_probes, N)`` stored pairs are retrieved with their own
    keys, and the error is ``||v̂ - v||²``:

    * ``"hebbian"``: ``v̂ = Σ_j (k_j·k) v_j`` (linear attention);
    * ``"delta"``: the least-squares memory ``V K⁺`` (the limit of the batch
      delta rule);
    * ``"softmax"``: ``v̂ = Σ_j softmax_j(β k_j·k) v_j`` with
      ``β = sqrt(d_k)`` (``beta_scaling="sqrt"``: the scores ``q·k/sqrt(d_k)``
      of a transformer whose keys have unit-variance entries) or
      ``β = d_k`` (``"linear"``: ``β‖k‖² ∝ d_k``, the unscaled scores ``q·k``
      of such keys, the regime of Ramsauer et al. 2021).

    With ``β = sqrt(d_k)`` the matched key scores ``sqrt(d_k)`` and every other
    key a standard normal amount, so the other keys take a share
    ``≈ (N-1) e^{1/2} / e^{sqrt(d_k)}`` of the weight: the capacity grows like
    ``e^{sqrt(d_k)}``. With ``β = d_k`` it grows like ``e^{c d_k}``.

    Every draw is made whatever the errors turn out to be (no search): the
    same seed gives the same memories for any ``tolerance``.

    Parameters
    ----------
    d_ks : sequence of int, increasing, each 1 to 4096
        Key dimensions.
    rule : {"softmax", "hebbian", "delta"}
    beta_scaling : {"sqrt", "linear"}, default "sqrt"
        How the softmax inverse temperature grows with ``d_k`` (used by
        ``rule="softmax"`` only).
    tolerance : float, in (0, 1)
        Mean error that defines the capacity.
    n_pairs : sequence of int, increasing, each 1 to 65536, optional
        The grid of ``N``; default ``1, 1.41, 2, ... , 32768`` (rounded).
    n_trials : int, 1 to 1000
        Independent sets of pairs per ``d_k``.
    n_probes : int, 1 to 4096
        Stored pairs retrieved per memory.
    seed : int or numpy.random.Generator

    Returns
    -------
    MemoryCapacity

    Examples
    --------
    >>> hebb = memory_capacity([16, 64], rule="hebbian", n_pairs=range(1, 33), n_trials=20,
    ...                        seed=0)
    >>> bool(np.allclose(hebb.capacity, 1 + hebb.d_ks / 4, rtol=0.15))   # theory: 5 and 17
    True
    >>> soft = memory_capacity([16, 36], n_pairs=2 ** np.arange(11), seed=0)
    >>> soft.betas.tolist(), bool(soft.capacity[1] > 5 * soft.capacity[0])
    ([4.0, 6.0], True)
    """
    ds = _int_grid("d_ks", d_ks, 4096)
    check_choice("rule", rule, CAPACITY_RULES)
    check_choice("beta_scaling", beta_scaling, BETA_SCALINGS)
    tol = check_number("tolerance", tolerance, low=0.0, high=1.0, low_inclusive=False,
                       high_inclusive=False)
    if n_pairs is None:
        n_pairs = np.unique(np.round(2.0 ** np.arange(0.0, 15.01, 0.5)))
    ns = _int_grid("n_pairs", n_pairs, 65536)
    n_trials = check_int("n_trials", n_trials, low=1, high=1000)
    n_probes = check_int("n_probes", n_probes, low=1, high=4096)
    rng = as_generator(seed)
    n_max = int(ns[-1])
    probes = min(n_probes, n_max)
    errors = np.empty((ds.size, n_trials, ns.size))
    betas = np.full(ds.size, np.nan)
    for a, d in enumerate(ds):
        if rule == "softmax":
            betas[a] = np.sqrt(d) if beta_scaling == "sqrt" else float(d)
        for t in range(n_trials):
            # The whole block of pairs, drawn before any error is known.
            keys = _unit_rows(rng, (n_max, d))
            values = _unit_rows(rng, (n_max, d))
            overlaps = keys[:probes] @ keys.T                       # (probes, n_max)
            for c, n in enumerate(ns):
                p = min(probes, n)
                if rule == "hebbian":
                    recalled = overlaps[:p, :n] @ values[:n]
                elif rule == "softmax":
                    recalled = _softmax_rows(betas[a] * overlaps[:p, :n]) @ values[:n]
                else:
                    recalled = keys[:p] @ np.linalg.pinv(keys[:n]) @ values[:n]
                errors[a, t, c] = np.mean(np.sum((recalled - values[:p]) ** 2, axis=1))
    mean = errors.mean(axis=1)
    sem = (errors.std(axis=1, ddof=1) / np.sqrt(n_trials) if n_trials > 1
           else np.full(mean.shape, np.nan))
    capacity = np.array([_crossing(ns, mean[a], tol) for a in range(ds.size)])
    return MemoryCapacity(d_ks=ds, n_pairs=ns, mean_error=mean, sem=sem, capacity=capacity,
                          betas=betas, rule=rule,
                          beta_scaling=beta_scaling if rule == "softmax" else None,
                          tolerance=tol, n_trials=n_trials, n_probes=n_probes)


# ---------------------------------------------------------------------------
# Why the crosstalk adds in quadrature
# ---------------------------------------------------------------------------

def mean_abs_overlap(d: Any) -> np.ndarray:
    r"""``E|k·k'|`` for two independent random unit vectors in ``d`` dimensions.

    .. math:: \mathbb{E}|\mathbf{k}\cdot\mathbf{k}'| =
              \frac{\Gamma(d/2)}{\sqrt{\pi}\,\Gamma((d+1)/2)} \approx \sqrt{2/(\pi d)} .

    Parameters
    ----------
    d : int or array_like of int, >= 2
        Dimension of the vectors.

    Returns
    -------
    numpy.ndarray
        The expected absolute overlap, one per ``d`` (a 0-d array for an int).

    Examples
    --------
    >>> round(float(mean_abs_overlap(2)), 6) == round(2 / np.pi, 6)   # E|cos θ| on a circle
    True
    """
    arr = np.asarray(d, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 2) or np.any(arr != np.round(arr)):
        raise ValueError(f"d must be an integer >= 2; got {d!r}")
    lg = np.vectorize(math.lgamma)
    return np.exp(lg(arr / 2) - lg((arr + 1) / 2)) / np.sqrt(np.pi)


@dataclass(frozen=True, eq=False)
class CrosstalkError:
    """Crosstalk of a Hebbian memory under one choice of overlap signs and values.

    Attributes
    ----------
    mean : float
        ``E||M k_1 - v_1||²``, averaged over trials.
    sem : float
        Its standard error.
    theory : float
        ``(N-1)/d_k``, or ``(N-1)/d_k + (N-1)(N-2) m²`` (``m = E|k·k'|``) when
        the overlaps are positive and the values shared.
    n_pairs, d_k, n_trials : int
    overlaps, values : str
    """

    mean: float
    sem: float
    theory: float
    n_pairs: int
    d_k: int
    n_trials: int
    overlaps: str
    values: str


def crosstalk_error(n_pairs: int, d_k: int, overlaps: str = "random",
                    values: str = "independent", n_trials: int = 2000,
                    *, seed: Any = 0) -> CrosstalkError:
    r"""Retrieval error of pair 1 of a Hebbian memory, with the crosstalk's signs or directions fixed.

    Retrieving pair 1 returns ``v_1 + Σ_{j>1} (k_j·k_1) v_j``. The crosstalk's
    squared norm is ``Σ_j Σ_l (k_j·k_1)(k_l·k_1)(v_j·v_l)``:

    * ``values="independent"`` (random unit values): ``E[v_j·v_l] = 0`` for
      ``j ≠ l``, so only the squares survive, ``(N-1)/d_k``, *whatever the
      signs of the overlaps* (``overlaps="positive"`` flips every key ``k_j``
      to the side of ``k_1``, which keeps it uniform on the sphere);
    * ``values="shared"`` (every value equal to ``v_1``): the cross terms
      survive as the products of the overlaps; with random signs they still
      average to 0, but with ``overlaps="positive"`` they add coherently,
      ``(N-1)/d_k + (N-1)(N-2) m²`` with ``m = E|k·k'| ≈ sqrt(2/(π d_k))``.

    The same keys and values are drawn for every choice of ``overlaps`` and
    ``values``, so the four cases compare the same memories.

    Parameters
    ----------
    n_pairs : int, 2 to 4096
    d_k : int, 2 to 4096
    overlaps : {"random", "positive"}
    values : {"independent", "shared"}
    n_trials : int, 2 to 100000
    seed : int or numpy.random.Generator

    Returns
    -------
    CrosstalkError

    Examples
    --------
    >>> same_sign = crosstalk_error(33, 64, overlaps="positive", seed=0)
    >>> round(same_sign.theory, 3), bool(abs(same_sign.mean - 0.5) < 3 * same_sign.sem)
    (0.5, True)
    """
    n = check_int("n_pairs", n_pairs, low=2, high=4096)
    d = check_int("d_k", d_k, low=2, high=4096)
    check_choice("overlaps", overlaps, ("random", "positive"))
    check_choice("values", values, ("independent", "shared"))
    n_trials = check_int("n_trials", n_trials, low=2, high=100_000)
    rng = as_generator(seed)
    keys = _unit_rows(rng, (n_trials, n, d))
    vals = _unit_rows(rng, (n_trials, n, d))
    overlap = np.einsum("tjd,td->tj", keys[:, 1:], keys[:, 0])        # k_j·k_1, j > 1
    if overlaps == "positive":
        overlap = np.abs(overlap)
    others = vals[:, 1:] if values == "independent" else np.repeat(vals[:, :1], n - 1, axis=1)
    crosstalk = np.einsum("tj,tjd->td", overlap, others)
    err = np.sum(crosstalk**2, axis=1)
    theory = (n - 1) / d
    if overlaps == "positive" and values == "shared":
        theory += (n - 1) * (n - 2) * float(mean_abs_overlap(d)) ** 2
    return CrosstalkError(mean=float(err.mean()), sem=float(err.std(ddof=1) / np.sqrt(n_trials)),
                          theory=float(theory), n_pairs=n, d_k=d, n_trials=n_trials,
                          overlaps=overlaps, values=values)
