"""Argument checks shared by every public function of nslib.

Each check raises :class:`ValueError` whose message names the parameter and
the allowed range, so that a reader who passes ``tau_m=-10*ms`` learns at once
what went wrong and what would be accepted.
"""

from __future__ import annotations

import numbers
from typing import Any

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

    Raises
    ------
    ValueError
        If ``value`` is not a finite real number or lies outside the range.
        The message names ``name`` and the allowed range.
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
    """Return ``value`` as a float after checking it is > 0 (or >= 0)."""
    return check_number(name, value, low=0.0, low_inclusive=allow_zero)


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking ``low <= value <= high``."""
    rng = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer in {rng}; got {value!r}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise ValueError(f"{name} must be an integer in {rng}; got {value!r}")
    return v


def check_choice(name: str, value: Any, choices) -> Any:
    """Return ``value`` after checking it is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(map(str, choices))}; got {value!r}")
    return value


def check_finite_array(name: str, value: Any, *, ndim: int | None = None,
                       min_size: int = 1) -> np.ndarray:
    """Return ``value`` as a float array after checking shape and finiteness."""
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
    """Return ``value`` as a 1-D float array after checking it strictly increases."""
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
