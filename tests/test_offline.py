"""Every chapter runs with the network off (a fresh network namespace, loopback only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_offline(chapter):
    assert shutil.which("unshare") and shutil.which("ip"), "needs util-linux unshare and iproute2"
    # As root `unshare -n` is enough; otherwise map to root in a user namespace.
    flags = ["-n"] if os.geteuid() == 0 else ["-r", "-n"]
    runner = ROOT / "tests" / "offline_runner.py"
    script = f'ip link set lo up && exec "{sys.executable}" "{runner}" "{chapter}"'
    proc = subprocess.run(["unshare", *flags, "sh", "-c", script], capture_output=True, text=True,
                          timeout=1200, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"executed {chapter} offline" in proc.stdout
