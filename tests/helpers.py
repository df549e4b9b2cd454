"""Shared test helpers: one way to check that bad input names its parameter."""

from __future__ import annotations

import re

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
