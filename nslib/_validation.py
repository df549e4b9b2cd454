"""Argument checks shared by every public function of nslib.

Each check raises :class:`ValueError` whose message names the parameter and
the allowed range, so that a reader who passes ``tau_m=-10*ms`` learns at once
what went wrong and what would be accepted.
"""

from __future__ import annotations

import numbers
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "as_generator",
    "check_choice",
    "check_finite_array",
    "check_increasing",
    "check_int",
    "check_number",
    "check_positive",
]


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, high_inclusive: bool = True) -> float:
    """Return ``value`` as a float after checking it lies in ``[low, high]``.

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : object
        The value to check: a finite real number (not a bool).
    low, high : float, optional
        Bounds of the allowed range; None for none.
    low_inclusive, high_inclusive : bool
        Whether each bound itself is allowed.

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    ValueError
        If ``value`` is not a finite real number or lies outside the range.
        The message names ``name`` and the allowed range.

    Examples
    --------
    >>> check_number("gamma", 0.9, low=0.0, high=1.0)
    0.9
    >>> check_number("gamma", 1.5, low=0.0, high=1.0)
    Traceback (most recent call last):
    ...
    ValueError: gamma must be in [0.0, 1.0]; got 1.5
    """
    lo_br = "[" if low_inclusive else "("
    hi_br = "]" if high_inclusive else ")"
    rng = f"{lo_br}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi_br}"
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number in {rng}; got {value!r}")
    v = float(value)
    too_low = low is not None and (v < low if low_inclusive else v <= low)
    too_high = high is not None and (v > high if high_inclusive else v >= high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {rng}; got {value!r}")
    return v


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is > 0 (or >= 0).

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : object
        The value to check.
    allow_zero : bool
        Accept 0 as well.

    Returns
    -------
    float
        ``value`` as a float.

    Examples
    --------
    >>> check_positive("tau_ms", 10)
    10.0
    >>> check_positive("tau_ms", 0)
    Traceback (most recent call last):
    ...
    ValueError: tau_ms must be in (0.0, inf]; got 0
    """
    return check_number(name, value, low=0.0, low_inclusive=allow_zero)


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking ``low <= value <= high``.

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : object
        The value to check: an integer (not a bool, not a float).
    low, high : int, optional
        Inclusive bounds; None for none.

    Returns
    -------
    int
        ``value`` as an int.

    Examples
    --------
    >>> check_int("n_trials", 5, low=1)
    5
    >>> check_int("n_trials", 2.0, low=1)
    Traceback (most recent call last):
    ...
    ValueError: n_trials must be an integer in [1, inf]; got 2.0
    """
    rng = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer in {rng}; got {value!r}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ValueError(f"{name} must be an integer in {rng}; got {value!r}")
    return v


_T = TypeVar("_T")


def check_choice(name: str, value: _T, choices) -> _T:
    """Return ``value`` after checking it is one of ``choices``.

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : object
        The value to check.
    choices : collection
        The allowed values.

    Returns
    -------
    object
        ``value`` unchanged.

    Examples
    --------
    >>> check_choice("rule", "delta", ("hebbian", "delta"))
    'delta'
    >>> check_choice("rule", "oja", ("hebbian", "delta"))
    Traceback (most recent call last):
    ...
    ValueError: rule must be one of ['delta', 'hebbian']; got 'oja'
    """
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(str, choices))}; got {value!r}")
    return value


def check_finite_array(name: str, value: Any, *, ndim: int | None = None,
                       min_size: int = 1) -> np.ndarray:
    """Return ``value`` as a float array after checking shape and finiteness.

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : array_like
        The values to check.
    ndim : int, optional
        Required number of dimensions.
    min_size : int
        Smallest number of elements.

    Returns
    -------
    numpy.ndarray
        ``value`` as a float array.

    Examples
    --------
    >>> check_finite_array("weights", [1, 2], ndim=1)
    array([1., 2.])
    >>> check_finite_array("weights", [1, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: weights must contain only finite values (no NaN or inf)
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers; got {type(value).__name__}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s); got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def check_increasing(name: str, value: Any, *, min_size: int = 2) -> np.ndarray:
    """Return ``value`` as a 1-D float array after checking it strictly increases.

    Parameters
    ----------
    name : str
        The parameter's name, first in the error message.
    value : array_like
        The values to check.
    min_size : int
        Smallest number of elements.

    Returns
    -------
    numpy.ndarray
        ``value`` as a 1-D float array.

    Examples
    --------
    >>> check_increasing("contrasts", [0.1, 0.5, 1.0])
    array([0.1, 0.5, 1. ])
    >>> check_increasing("contrasts", [0.5, 0.1])
    Traceback (most recent call last):
    ...
    ValueError: contrasts must be strictly increasing; got [0.5, 0.1]
    """
    arr = check_finite_array(name, value, ndim=1, min_size=min_size)
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing; got {arr.tolist()}")
    return arr


def as_generator(seed: Any) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from an int seed or a Generator.

    ``None`` is refused on purpose: every random process in the course is seeded
    so that the same seed gives the same figures.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"seed must be a non-negative integer or a numpy.random.Generator; got {seed!r}")
    return np.random.default_rng(int(seed))
