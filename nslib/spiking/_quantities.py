"""Checks of Brian2 quantities, shared by every spiking model of nslib.

Each check raises :class:`ValueError` whose message starts with the parameter
name and states the unit and the allowed range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # brian2 is imported inside the functions only
    import brian2


def check_quantity(name: str, value: Any, unit, *, low: float | None = 0.0, strict: bool = True,
                   high: float | None = None, example: str | None = None) -> brian2.Quantity:
    """Check a scalar Brian2 quantity: its dimensions, finiteness and range.

    Parameters
    ----------
    name : str
        Parameter name, used first in the error message.
    value : Quantity
        The value to check.
    unit : Unit
        The unit it must have the dimensions of (``ms``, ``mV``, ``nA``...);
        ranges are stated in this unit.
    low : float or None, default 0.0
        Lower bound in ``unit``; ``None`` for none.
    strict : bool, default True
        ``value > low`` if True, ``value >= low`` otherwise.
    high : float or None
        Inclusive upper bound in ``unit``.
    example : str, optional
        A valid value shown in the message, e.g. ``"10*ms"``.

    Returns
    -------
    Quantity
        ``value`` unchanged.

    Raises
    ------
    ValueError
        Naming ``name``, the unit and the allowed range.

    Examples
    --------
    >>> from brian2 import ms
    >>> check_quantity("tau_m", 10 * ms, ms)
    10. * msecond
    >>> check_quantity("tau_m", -1 * ms, ms, example="10*ms")
    Traceback (most recent call last):
    ...
    ValueError: tau_m must be > 0. s, e.g. 10*ms; got -1. * msecond
    """
    from brian2.units.fundamentalunits import Quantity, have_same_dimensions

    lo = "" if low is None else f"{'>' if strict else '>='} {low * unit}"
    hi = "" if high is None else f"<= {high * unit}"
    rng = " and ".join(p for p in (lo, hi) if p) or "any finite value"
    eg = f", e.g. {example}" if example else ""
    if not isinstance(value, Quantity) or not have_same_dimensions(value, unit) or np.ndim(value) != 0:
        raise ValueError(f"{name} must be a scalar Brian2 quantity in {unit!s} ({rng}){eg}; "
                         f"got {value!r}")
    v = float(value / unit)
    if (not np.isfinite(v) or (low is not None and (v <= low if strict else v < low))
            or (high is not None and v > high)):
        raise ValueError(f"{name} must be {rng}{eg}; got {value!r}")
    return value


def check_quantity_array(name: str, value: Any, unit, *, ndim: int | tuple[int, ...] = 1,
                         min_size: int = 1, low: float | None = None,
                         example: str | None = None) -> brian2.Quantity:
    """Check an array of Brian2 quantities: dimensions, shape, finiteness, lower bound.

    Parameters
    ----------
    name : str
        Parameter name, used first in the error message.
    value : Quantity
        The array to check.
    unit : Unit
        Its required dimensions.
    ndim : int or tuple of int, default 1
        Allowed numbers of dimensions.
    min_size : int, default 1
        Smallest number of elements.
    low : float or None
        Inclusive lower bound in ``unit``.
    example : str, optional
        A valid value for the message.

    Returns
    -------
    Quantity
        A float array with the unit of ``value``.

    Examples
    --------
    >>> from brian2 import nA
    >>> check_quantity_array("input_current", [1, 2] * nA, nA).shape
    (2,)
    """
    from brian2.units.fundamentalunits import Quantity, have_same_dimensions

    eg = f", e.g. {example}" if example else ""
    dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if not isinstance(value, Quantity) or not have_same_dimensions(value, unit):
        raise ValueError(f"{name} must be a Brian2 quantity array in {unit!s}{eg}; "
                         f"got {type(value).__name__}")
    arr = np.asarray(value / unit, dtype=float)
    if arr.ndim not in dims:
        raise ValueError(f"{name} must be {' or '.join(f'{d}-D' for d in dims)}; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must hold at least {min_size} value(s); got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    if low is not None and np.any(arr < low):
        raise ValueError(f"{name} must be >= {low * unit} everywhere; got a minimum of {arr.min() * unit}")
    return arr * unit
