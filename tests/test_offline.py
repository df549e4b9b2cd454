"""Every chapter runs with the network off (a fresh network namespace, loopback only).

The book build of the test session runs offline (tests/conftest.py), so on a fresh checkout it
executes every chapter with the network off and nothing runs twice. A chapter the build took
from its execution cache is executed here again, offline.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import offline_command

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))

pytestmark = pytest.mark.slow


def test_the_book_was_built_with_the_network_off(built_book):
    assert built_book.offline, built_book.log[-3000:]
    assert built_book.returncode == 0, built_book.log[-5000:]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_offline(chapter, built_book):
    relative = chapter.relative_to(ROOT).as_posix()
    if built_book.offline and built_book.returncode == 0 and relative in built_book.executed:
        return  # executed, without a cell error, by the offline build itself
    runner = ROOT / "tests" / "offline_runner.py"
    proc = subprocess.run(offline_command(f'exec "{sys.executable}" "{runner}" "{chapter}"'),
                          capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"executed {chapter} offline" in proc.stdout
