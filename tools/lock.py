"""Resolve the two lock files, with hashes, from pyproject.toml's extras; write Binder's environment.yml.

The course has two kinds of users, and so two sets of pins:

* ``requirements-reader.lock`` -- what a reader needs to run the chapters, the
  dashboards and the exercises (Binder installs exactly this, through
  ``environment.yml``): nslib's dependencies and the ``reader`` and
  ``grading`` extras of ``pyproject.toml``, with everything they depend on,
  plus setuptools and wheel (``pip install --no-build-isolation -e .`` builds
  nslib with them);
* ``requirements.lock`` -- what authors and CI need on top (the ``dev`` extra:
  the book build, pytest, the browser tests, ruff, numpydoc):
  ``-r requirements-reader.lock`` plus the rest of the resolution.

Both are resolved by ``uv pip compile --generate-hashes`` (uv 0.13.10), not
frozen from an installed environment: every pin carries the sha256 of its
files, so pip installs them in hash-checking mode. uv is not a dependency of
the course: install it anywhere but ``.venv`` (``python3 -m venv /tmp/lockvenv
&& /tmp/lockvenv/bin/pip install uv==0.13.10``) and run ``make lock
UV=/tmp/lockvenv/bin/uv``, or have ``uv`` on the PATH.

* **Versions are kept.** The existing locks are uv's preferences: a version
  changes only when pyproject.toml's requirements no longer allow it, or with
  ``--upgrade`` (all) / ``--upgrade-package NAME``.
* **The sources are pip's.** uv does not read pip's configuration, so the
  indexes and find-links pip is configured with (``pip config list``: an
  offline mirror, say) are handed to uv after PyPI, which comes first so that a
  package on PyPI is locked with the hashes of all its PyPI files (every
  platform). The lock files themselves name no machine's mirror.
* **CPU torch.** Both files carry the PyTorch CPU wheel index and the lock pins
  ``torch==<version>+cpu`` (an override of pyproject's ``torch==<version>``), so
  every Linux machine installs the same CPU wheel as Binder, never the
  several-GB CUDA build. When that index is unreachable (an offline machine),
  the CPU wheel must come from pip's configured sources (a find-links folder),
  and the lock carries the hash of that file only: it is the index's own wheel
  if it was copied from there byte for byte. ``make lock`` on a machine that
  reaches the index records the hashes of every file the index has.
* **Python.** The resolution is for the running interpreter's version (3.11.x,
  the course's Python): some pins need a recent 3.11 (soupsieve 4.1 needs 3.11.5).

``tests/test_environment.py`` checks that the files agree with each other, with
pyproject.toml and with what is installed, and that every pin has hashes.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH_INDEX_URL = "https://download.pytorch.org/whl/cpu"
TORCH_INDEX = f"--extra-index-url {TORCH_INDEX_URL}"
PYPI = "https://pypi.org/simple"
READER_LOCK = "requirements-reader.lock"
FULL_LOCK = "requirements.lock"
# Installed by pip itself or the project; never pinned.
UNPINNED = {"pip", "nslib"}
# setuptools and wheel build nslib under --no-build-isolation: pin them for readers too.
BUILD_TOOLS = ("setuptools", "wheel")

HEADER = ("# {what}.\n# Resolved with hashes from pyproject.toml by `make lock` "
          "(tools/lock.py, uv pip compile); "
          "do not edit by hand.\n")

ENV_HEADER = """\
# Binder environment, generated from requirements-reader.lock by `make lock`; do not edit by hand.
# conda provides Python and a C++ compiler (so Brian2 generates C++ on Binder too);
# pip installs exactly the reader's pins, with their hashes (authors and CI add requirements.lock on top).
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
"""

# name, [extras], version: pip's hash-checking mode needs the extras others ask for on the pin.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)(\[[^\]]*\])?==(\S+)")


def canonical(name: str) -> str:
    """PEP 503 normalised name: ``Brian2`` -> ``brian2``, ``jupyter_book`` -> ``jupyter-book``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    return canonical(re.match(r"\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)", requirement).group(1))


def project_roots() -> tuple[list[str], list[str]]:
    """Top-level requirements of readers and of authors, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    reader = [*project["dependencies"], *extras.get("reader", []), *extras.get("grading", []),
              *BUILD_TOOLS]
    return reader, [*reader, *extras.get("dev", [])]


def entries(text: str) -> dict[str, str]:
    """The pins of a requirements file with hashes: canonical name -> the whole entry (its
    ``name==version`` line, its ``--hash`` continuation lines and uv's ``# via`` comments)."""
    found: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            current = canonical(match.group(1))
            found[current] = line + "\n"
        elif current and line.startswith((" ", "\t")):
            found[current] += line + "\n"
        else:
            current = None
    return found


def pins(text: str) -> dict[str, str]:
    """canonical name -> version."""
    return {name: _PIN.match(entry).group(3) for name, entry in entries(text).items()}


def hashes(entry: str) -> list[str]:
    return re.findall(r"--hash=(sha256:[0-9a-f]{64})", entry)


def pip_sources() -> tuple[list[str], list[str]]:
    """(index URLs, find-links) pip is configured with, PyPI first."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                            text=True, check=False).stdout
    config: dict[str, list[str]] = {}
    for line in listed.splitlines():
        match = re.match(r"^[^.]*\.([\w-]+)='(.*)'$", line.strip())
        if match:
            config.setdefault(match.group(1), []).extend(match.group(2).split())
    indexes = [PYPI]
    for url in [*config.get("index-url", []), *config.get("extra-index-url", [])]:
        if url.rstrip("/") not in {i.rstrip("/") for i in indexes} and url.rstrip("/") != TORCH_INDEX_URL:
            indexes.append(url)
    links = list(dict.fromkeys(config.get("find-links", [])))
    return indexes, links


def reachable(url: str, timeout: float = 10.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310 -- a fixed https URL
            return True
    except OSError:
        return False


def find_uv(given: str | None) -> str:
    uv = given or os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise SystemExit("tools/lock.py needs uv 0.13.10, outside .venv: python3 -m venv /tmp/lockvenv && "
                         "/tmp/lockvenv/bin/pip install uv==0.13.10, then make lock UV=/tmp/lockvenv/bin/uv")
    return uv


def compile_lock(uv: str, roots: list[str], preferences: str, work: Path, name: str, *,
                 constraints: str = "", upgrade: list[str] = ()) -> str:
    """``uv pip compile`` of ``roots``: the output file, seeded with ``preferences`` (a lock's
    pins, which uv keeps where it can)."""
    indexes, links = pip_sources()
    torch = next((r for r in roots if _name(r) == "torch"), None)
    version = re.search(r"==\s*([\w.]+)", torch or "")
    if not version:
        raise SystemExit("pyproject.toml must pin torch exactly (torch==X.Y.Z): the lock pins its CPU build")
    if reachable(f"{TORCH_INDEX_URL}/torch/"):
        indexes.append(TORCH_INDEX_URL)
    else:
        print(f"note: {TORCH_INDEX_URL} is unreachable: torch {version.group(1)}+cpu is locked with the "
              f"hash of the wheel pip's sources have ({' '.join(links) or 'none'})", file=sys.stderr)
    (work / f"{name}.in").write_text("".join(r + "\n" for r in roots))
    (work / "overrides.txt").write_text(f"torch=={version.group(1)}+cpu\n")
    (work / "constraints.txt").write_text(constraints)
    out = work / f"{name}.txt"
    out.write_text(preferences)
    command = [uv, "pip", "compile", f"{name}.in", "--output-file", out.name,
               "--generate-hashes", "--no-strip-extras", "--no-header", "--quiet",
               "--python-version", platform.python_version(),
               "--override", "overrides.txt", "--constraint", "constraints.txt",
               "--index-strategy", "unsafe-best-match", "--no-config",
               *[a for url in indexes for a in ("--extra-index-url", url)],
               *[a for link in links for a in ("--find-links", link)],
               *[a for package in upgrade for a in (("--upgrade",) if package == ":all:"
                                                     else ("--upgrade-package", package))]]
    subprocess.run(command, check=True, cwd=work)
    # uv's "# via" notes name its input files: name what they stand for.
    text = re.sub(rf"-r {name}\.in\b", "pyproject.toml", out.read_text())
    return re.sub(r"--override overrides\.txt", "the CPU build of torch", text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", help="the uv executable (default: $UV, then uv on the PATH)")
    parser.add_argument("--upgrade", action="store_true", help="let every version move")
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME",
                        help="let this package's version move (repeatable)")
    args = parser.parse_args(argv)
    uv = find_uv(args.uv)
    upgrade = [":all:"] if args.upgrade else args.upgrade_package
    reader_roots, full_roots = project_roots()
    old_reader = (ROOT / READER_LOCK).read_text() if (ROOT / READER_LOCK).exists() else ""
    old_full = (ROOT / FULL_LOCK).read_text() if (ROOT / FULL_LOCK).exists() else ""
    old_pins = {**pins(old_reader), **pins(old_full)}
    preferences = "".join(f"{name}=={version}\n" for name, version in sorted(old_pins.items()))

    with tempfile.TemporaryDirectory(prefix="nslib-lock-") as tmp:
        work = Path(tmp)
        reader = entries(compile_lock(uv, reader_roots, preferences, work, "reader", upgrade=upgrade))
        fixed = "".join(f"{name}=={version}\n" for name, version in pins("".join(reader.values())).items())
        full = entries(compile_lock(uv, full_roots, preferences, work, "full", constraints=fixed,
                                    upgrade=upgrade))
    for name in UNPINNED:
        reader.pop(name, None)
        full.pop(name, None)
    changed = {name: _PIN.match(full[name]).group(0) for name in reader if name in full
               and _PIN.match(full[name]).group(0) != _PIN.match(reader[name]).group(0)}
    if changed:
        raise SystemExit(f"the authors' resolution moved reader pins or asked for more of their extras "
                         f"(add them to pyproject.toml's reader extra): {changed}")
    dev = {name: entry for name, entry in full.items() if name not in reader}

    (ROOT / READER_LOCK).write_text(
        HEADER.format(what="What readers need: chapters, dashboards, exercises (Binder)")
        + "# CPU-only torch (PyPI's default Linux wheel pulls several GB of CUDA).\n"
        + TORCH_INDEX + "\n" + "".join(reader[name] for name in sorted(reader)))
    (ROOT / FULL_LOCK).write_text(
        HEADER.format(what="What authors and CI need: the reader's pins, the book build, tests")
        + f"-r {READER_LOCK}\n" + "".join(dev[name] for name in sorted(dev)))
    (ROOT / "environment.yml").write_text(
        ENV_HEADER + f"      - {TORCH_INDEX}\n"
        + "".join(f"      - {_PIN.match(reader[name]).group(0)}"
                  + "".join(f" --hash={h}" for h in hashes(reader[name])) + "\n" for name in sorted(reader)))

    new_pins = {**pins("".join(reader.values())), **pins("".join(dev.values()))}
    for name in sorted(old_pins.keys() | new_pins.keys()):
        if old_pins.get(name) != new_pins.get(name):
            print(f"  {name}: {old_pins.get(name, '-')} -> {new_pins.get(name, '-')}")
    print(f"{len(reader)} reader pins, {len(dev)} more for authors and CI, all with hashes")


if __name__ == "__main__":
    main()
