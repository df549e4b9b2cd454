"""The pinned environment: the reader's pins, the authors' pins on top, Binder, build tools, offline data."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

TORCH_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(lines):
    """(pins by canonical name, option lines) of a requirements file; a pin's ``--hash`` options
    (on its own line, or on continuation lines as the locks write them) are checked and dropped."""
    pins, options = {}, []
    for line in _logical_lines(lines):
        if line.startswith("-"):
            options.append(line)
            continue
        pin, _hashes = _pin_and_hashes(line)
        # name[extras]==version: in hash-checking mode pip needs the extras others ask for on the pin.
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[\w,\-]+\])?==([^\s;]+)", pin)
        assert match, f"not an exact pin: {pin!r}"
        name = _canonical(match.group(1))
        assert name not in pins, f"{name} pinned twice"
        pins[name] = match.group(3)
    return pins, options


def _logical_lines(lines):
    """The lines of a requirements file without comments, continuation lines joined."""
    joined, current = [], ""
    for line in lines:
        line = line.split(" #")[0].strip() if not line.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        current += line
        if current.strip():
            joined.append(current.strip())
        current = ""
    return joined


def _pin_and_hashes(line: str) -> tuple[str, list[str]]:
    pin, *rest = line.split()
    hashes = [h.removeprefix("--hash=") for h in rest]
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), f"not a hash option: {line!r}"
    return pin, hashes


def _hashes(lines) -> dict[str, list[str]]:
    """canonical name -> the pin's sha256 hashes."""
    out = {}
    for line in _logical_lines(lines):
        if not line.startswith("-"):
            pin, hashes = _pin_and_hashes(line)
            out[_canonical(pin.split("==")[0].split("[")[0])] = hashes
    return out


def _installed() -> dict:
    """The distributions installed in this interpreter's site-packages, by canonical name."""
    import sysconfig
    from importlib.metadata import distributions

    paths = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    return {_canonical(d.metadata["Name"]): d for d in distributions(path=paths)}


def _requirements_of(dist) -> set[str]:
    """The names this distribution needs (no extras of its own switched on)."""
    from packaging.requirements import Requirement

    needed = set()
    for line in dist.requires or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            needed.add(_canonical(req.name))
    return needed


def _lock_tool():
    """tools/lock.py, the script that writes the locks (and reads what is installed)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "tools" / "lock.py"
    spec = importlib.util.spec_from_file_location("course_lock_tool", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reader(root):
    return _parse((root / "requirements-reader.lock").read_text().splitlines())


@pytest.fixture(scope="module")
def full(root, reader):
    dev, options = _parse((root / "requirements.lock").read_text().splitlines())
    assert options == ["-r requirements-reader.lock"]
    overlap = set(dev) & set(reader[0])
    assert not overlap, f"pinned in both locks: {sorted(overlap)}"
    return {**reader[0], **dev}


def test_reader_lock_pins_the_cpu_torch_wheel_and_the_known_traps(reader):
    pins, options = reader
    assert options == [TORCH_INDEX]
    assert pins["torch"] == "2.13.0+cpu"
    assert pins["brian2"] == "2.9.0"
    major, minor = map(int, pins["numpy"].split(".")[:2])
    assert (major, minor) < (2, 4), "brian2 2.9.0 breaks on numpy 2.4 (ndarray.ptp was removed)"
    assert pins["nbgrader"] == "0.9.6"
    assert pins["ipywidgets"].startswith("8.")
    # --no-build-isolation builds nslib with whatever setuptools/wheel are installed.
    assert "setuptools" in pins and "wheel" in pins


def test_authors_lock_adds_the_book_and_test_tools_only(reader, full):
    assert full["jupyter-book"] == "1.0.4.post1"
    for tool in ("jupyter-book", "pytest", "pytest-cov", "playwright", "ruff", "sphinx"):
        assert tool in full and tool not in reader[0], tool


def test_reader_pins_are_closed_under_dependencies(reader):
    # Binder installs only the reader's pins: everything they need must be among them.
    lock = _lock_tool()
    dists = _installed()
    pins = reader[0]
    missing = {}
    for name in pins:
        for need in _requirements_of(dists[name]):
            if need not in pins and need not in lock.UNPINNED:
                missing.setdefault(name, []).append(need)
    assert not missing, missing
    # ... and the reader's top-level needs from pyproject.toml are there.
    reader_roots, full_roots = lock.project_roots()
    from packaging.requirements import Requirement
    for root_req in reader_roots:
        assert _canonical(Requirement(root_req).name) in pins, root_req


def test_locks_pin_every_extra_of_pyproject_with_hashes(root, reader, full):
    # The locks are resolved from pyproject.toml (tools/lock.py): every requirement of the
    # reader, grading and dev extras is pinned, within what pyproject.toml allows.
    from packaging.requirements import Requirement

    _, full_roots = _lock_tool().project_roots()
    for line in full_roots:
        req = Requirement(line)
        version = full[_canonical(req.name)]
        assert req.specifier.contains(version, prereleases=True), (line, version)
    # Every pin carries the sha256 of its files: pip installs the locks in hash-checking mode.
    for name in ("requirements-reader.lock", "requirements.lock"):
        hashes = _hashes((root / name).read_text().splitlines())
        assert hashes and all(hashes.values()), [n for n, h in hashes.items() if not h]
        text = (root / name).read_text()
        # No machine's mirror or cache in the files everyone installs from.
        assert "file:" not in text and "/opt/" not in text and "/tmp/" not in text


def test_lock_tool_reads_hashed_entries(tmp_path):
    lock = _lock_tool()
    text = ("-r other.lock\nfoo-bar==1.2 \\\n    --hash=sha256:" + "a" * 64 + " \\\n"
            "    --hash=sha256:" + "b" * 64 + "\n    # via\n    #   baz\nTorch==2.13.0+cpu \\\n"
            "    --hash=sha256:" + "c" * 64 + "\n")
    assert lock.pins(text) == {"foo-bar": "1.2", "torch": "2.13.0+cpu"}
    assert lock.hashes(lock.entries(text)["foo-bar"]) == ["sha256:" + "a" * 64, "sha256:" + "b" * 64]
    assert _parse(text.splitlines()) == ({"foo-bar": "1.2", "torch": "2.13.0+cpu"}, ["-r other.lock"])


def test_environment_yml_installs_exactly_the_reader_pins(root, reader):
    env = yaml.safe_load((root / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    assert "python=3.11" in conda and "cxx-compiler" in conda
    assert "conda-forge" in env["channels"]
    (pip_section,) = [d["pip"] for d in deps if isinstance(d, dict)]
    assert _parse(pip_section) == reader
    # ... with the same hashes, so Binder installs the very files the lock names.
    lock_hashes = _hashes((root / "requirements-reader.lock").read_text().splitlines())
    assert _hashes(pip_section) == lock_hashes


def test_installed_versions_match_the_locks(full):
    installed = {name: dist.version for name, dist in _installed().items()}
    wrong = {name: (want, installed.get(name)) for name, want in full.items()
             if installed.get(name) != want}
    assert not wrong, wrong


def test_pyproject_declares_the_extras_and_filters_warnings_by_module(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    assert {"reader", "dev", "grading"} <= set(extras)
    for entry in project["tool"]["pytest"]["ini_options"]["filterwarnings"]:
        action, message, category, module = (entry.split(":") + ["", "", "", ""])[:4]
        # Never silence a built-in warning category everywhere: name the module, or a
        # category that one package defines for itself (pyparsing.warnings....).
        assert action == "ignore" and (module or "." in category), f"unscoped warning filter: {entry!r}"


def test_make_refuses_a_python_that_is_not_3_11(root, tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.10.12'\nexit 1\n")
    fake.chmod(0o755)
    out = subprocess.run(["make", "-C", str(root), "venv", f"PYTHON={fake}",
                          f"VENV={tmp_path / 'venv'}"], capture_output=True, text=True)
    assert out.returncode != 0
    assert "needs Python 3.11" in out.stdout and "Python 3.10.12" in out.stdout
    assert not (tmp_path / "venv").exists()


def test_bundled_data_loads_without_network():
    # The datasets the chapters use ship inside the packages.
    from skimage import data
    from sklearn.datasets import load_digits

    assert data.camera().shape == (512, 512)
    assert load_digits().images.shape == (1797, 8, 8)
