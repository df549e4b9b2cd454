"""Invalidate the book's execution cache when the library changes.

Jupyter Book's ``execute_notebooks: cache`` re-runs a chapter only when the
chapter itself changes. The figures also depend on nslib and on the pinned
packages, so `make book` calls this first: when their hash differs from the
one recorded at the last build, the cache is dropped and every chapter re-runs.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
# Sphinx keeps parsed pages (.doctrees) and would not even re-read an unchanged
# chapter, so both caches go.
CACHES = [BUILD / ".jupyter_cache", BUILD / ".doctrees", BUILD / "jupyter_execute"]
STAMP = ROOT / "_build" / ".nslib-hash"


def library_hash() -> str:
    digest = hashlib.sha256()
    files = sorted((ROOT / "nslib").rglob("*.py")) + [ROOT / "requirements.lock"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    current = library_hash()
    if STAMP.exists() and STAMP.read_text().strip() == current:
        return
    stale = [path for path in CACHES if path.exists()]
    if stale:
        print("nslib or the pins changed since the last build: every chapter will re-run")
    for path in stale:
        shutil.rmtree(path)
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current + "\n")


if __name__ == "__main__":
    main()
