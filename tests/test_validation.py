"""nslib._validation: every check names the parameter and the allowed range."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import raises_param

from nslib import _validation as v


def test_check_number_accepts_and_converts():
    assert v.check_number("x", 3, low=0, high=5) == 3.0
    assert v.check_positive("tau", 0.5) == 0.5
    assert v.check_positive("rate", 0, allow_zero=True) == 0.0
    assert v.check_int("n", np.int64(4), low=1) == 4


@pytest.mark.parametrize("call, name, match", [
    (lambda: v.check_number("gain", -1, low=0), "gain", r"must be in \[0, inf\]; got -1"),
    (lambda: v.check_number("p", 1.5, low=0, high=1), "p", r"must be in \[0, 1\]"),
    (lambda: v.check_number("p", 0, low=0, low_inclusive=False), "p", r"must be in \(0, inf\]"),
    (lambda: v.check_number("p", float("nan")), "p", "must be a finite real number"),
    (lambda: v.check_number("p", True), "p", "must be a finite real number"),
    (lambda: v.check_number("p", "3"), "p", "must be a finite real number"),
    (lambda: v.check_positive("tau", -2), "tau", r"must be in \(0.0, inf\]"),
    (lambda: v.check_int("n", 0, low=1), "n", r"must be an integer in \[1, inf\]; got 0"),
    (lambda: v.check_int("n", 2.5), "n", "must be an integer"),
    (lambda: v.check_int("n", 9, low=0, high=5), "n", r"must be an integer in \[0, 5\]"),
    (lambda: v.check_choice("kind", "x", ("a", "b")), "kind", r"must be one of \['a', 'b'\]"),
    (lambda: v.check_finite_array("X", [], min_size=1), "X", "must have at least 1 element"),
    (lambda: v.check_finite_array("X", [[1]], ndim=1), "X", "must be a 1-D array"),
    (lambda: v.check_finite_array("X", [1, np.inf]), "X", "must contain only finite values"),
    (lambda: v.check_finite_array("X", object()), "X", "must be an array of real numbers"),
    (lambda: v.check_increasing("grid", [1, 1, 2]), "grid", "must be strictly increasing"),
    (lambda: v.check_increasing("grid", [1]), "grid", "must have at least 2"),
    (lambda: v.as_generator(-1), "seed", "must be a non-negative integer"),
    (lambda: v.as_generator(None), "seed", "must be a non-negative integer"),
    (lambda: v.as_generator(1.5), "seed", "must be a non-negative integer"),
])
def test_errors_name_parameter_and_range(call, name, match):
    with raises_param(name, match):
        call()


def test_as_generator_is_deterministic_and_passes_generators_through():
    a = v.as_generator(7).random(3)
    b = v.as_generator(7).random(3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, v.as_generator(8).random(3))
    gen = np.random.default_rng(1)
    assert v.as_generator(gen) is gen
