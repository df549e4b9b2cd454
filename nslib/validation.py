"""The argument checks of nslib, for code built on it (the grader, new topic modules).

Each check returns the value converted (a float, an int, an array) or raises
:class:`ValueError` whose message starts with the parameter's name and states
the allowed range -- the convention of every public function of nslib.

Examples
--------
>>> from nslib.validation import check_int
>>> check_int("workers", 4, low=1)
4
"""

from ._validation import (
    check_choice,
    check_finite_array,
    check_increasing,
    check_int,
    check_number,
    check_positive,
)

__all__ = [
    "check_choice",
    "check_finite_array",
    "check_increasing",
    "check_int",
    "check_number",
    "check_positive",
]
