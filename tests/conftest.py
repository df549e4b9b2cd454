"""Shared fixtures: the repository root and the project's virtualenv."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
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
def fresh_compile_cache():
    """An empty compile-once cache (nslib.spiking) for one test, emptied again afterwards.

    Yields :func:`nslib.spiking.compile_cache_info`. Tests that need a network built afresh,
    or that count the cache's entries, use it; others share the networks already compiled.
    """
    from nslib.spiking import clear_compile_cache, compile_cache_info

    clear_compile_cache()
    yield compile_cache_info
    clear_compile_cache()


@pytest.fixture
def no_sweep_env(monkeypatch):
    monkeypatch.delenv("NSLIB_SWEEP_MODE", raising=False)
    return os.environ


@dataclass(frozen=True)
class BookBuild:
    """What one `make book`, run with the network off, printed and executed."""

    returncode: int
    log: str
    offline: bool
    executed: frozenset  # source paths (relative to the root) executed in this build


def offline_command(script: str) -> list[str]:
    """``sh -c script`` in a fresh network namespace whose only interface is loopback."""
    assert shutil.which("unshare") and shutil.which("ip"), "needs util-linux unshare and iproute2"
    # As root `unshare -n` is enough; otherwise map to root in a user namespace.
    flags = ["-n"] if os.geteuid() == 0 else ["-r", "-n"]
    return ["unshare", *flags, "sh", "-c", f"ip link set lo up && {script}"]


@pytest.fixture(scope="session")
def built_book() -> BookBuild:
    """The book built once per session exactly as `make book` builds it, with the network off.

    Building offline proves in the same run that no chapter fetches anything: a fresh
    checkout executes every chapter here (tests/test_offline.py re-runs offline only the
    chapters that came from the execution cache instead).
    """
    probe = f'"{sys.executable}" "{ROOT / "tests" / "offline_runner.py"}" --probe'
    make = f'make -s -C "{ROOT}" book PYTHON="{sys.executable}"'
    proc = subprocess.run(offline_command(f"{probe} && {make}"), cwd=ROOT, capture_output=True,
                          text=True, timeout=2400)
    log = proc.stdout + proc.stderr
    executed = frozenset(Path(m).resolve().relative_to(ROOT).as_posix() for m in
                         re.findall(r"^(\S+\.md): Executed notebook in", log, re.M))
    return BookBuild(proc.returncode, log, "network is off" in log, executed)
