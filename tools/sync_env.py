"""Write environment.yml (Binder) from requirements.lock (pip), so both pin the same versions.

Run by `make lock`, after `pip freeze` has refreshed requirements.lock. A test
(tests/test_environment.py) fails when the two files disagree.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = """\
# Binder environment, generated from requirements.lock by `make lock`; do not edit by hand.
# conda provides Python and a C++ compiler (so Brian2 generates C++ on Binder too);
# pip installs exactly the versions in requirements.lock.
name: neuroscience-inspired-ai
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - cxx-compiler
  - make
  - pip
  - pip:
      # CPU-only torch wheels (the default PyPI wheel pulls several GB of CUDA).
      - --extra-index-url https://download.pytorch.org/whl/cpu
"""


def lock_lines(path: Path = ROOT / "requirements.lock") -> list[str]:
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def main() -> None:
    body = "".join(f"      - {line}\n" for line in lock_lines())
    (ROOT / "environment.yml").write_text(HEADER + body)


if __name__ == "__main__":
    main()
