"""Shared test helpers: bad input names its parameter; a Generator seed is really used."""

from __future__ import annotations

import re

import numpy as np
import pytest


def raises_param(name: str, match: str | None = None):
    """``pytest.raises(ValueError)`` whose message starts with the parameter ``name``.

    Every public function of nslib reports bad input as ``"<name> must ..."``;
    anchoring the name at the start keeps ``name="n"`` from matching any message
    that merely contains the letter n. ``match`` adds a pattern that must also
    occur later in the message (the allowed range, say).
    """
    pattern = rf"^{re.escape(name)} "
    if match is not None:
        pattern += rf"(?s:.*){match}"
    return pytest.raises(ValueError, match=pattern)


def assert_generator_seed_reproducible(run, seed: int = 3, other: int = 4):
    """``run(seed)`` gives the same result for two fresh Generators seeded alike, another for another seed.

    ``run`` takes a ``numpy.random.Generator`` and returns an array (or anything
    ``numpy.asarray`` takes). Checking the shape alone would pass for a function
    that ignores its Generator; this fails for one that ignores it (the two
    seeds agree) and for one that draws from an unseeded source (two fresh
    Generators with the same seed disagree). Returns the result for ``seed``.
    """
    first = np.asarray(run(np.random.default_rng(seed)))
    again = np.asarray(run(np.random.default_rng(seed)))
    different = np.asarray(run(np.random.default_rng(other)))
    np.testing.assert_array_equal(first, again)
    assert first.shape != different.shape or not np.array_equal(first, different), (
        f"seeds {seed} and {other} gave the same result: the Generator is not used")
    return first
