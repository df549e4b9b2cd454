"""Shared fixtures: the repository root and the project's virtualenv."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import pytest

# Tests draw figures without a display.
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def venv_bin() -> Path:
    """The bin/ folder of the interpreter running the tests (the project's .venv under make)."""
    return Path(sys.executable).parent


@pytest.fixture
def no_sweep_env(monkeypatch):
    monkeypatch.delenv("NSLIB_SWEEP_MODE", raising=False)
    return os.environ
