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
    """(pins by canonical name, option lines) of a requirements file."""
    pins, options = {}, []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            options.append(line)
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert match, f"not an exact pin: {line!r}"
        name = _canonical(match.group(1))
        assert name not in pins, f"{name} pinned twice"
        pins[name] = match.group(2)
    return pins, options


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
    dists = lock.installed()
    pins = reader[0]
    missing = {}
    for name in pins:
        for need, _extras in lock.requirements_of(dists[name]):
            if need not in pins and need not in lock.UNPINNED:
                missing.setdefault(name, []).append(need)
    assert not missing, missing
    # ... and the reader's top-level needs from pyproject.toml are there.
    reader_roots, _ = lock.project_roots()
    from packaging.requirements import Requirement
    for root_req in reader_roots:
        assert _canonical(Requirement(root_req).name) in pins, root_req


def test_environment_yml_installs_exactly_the_reader_pins(root, reader):
    env = yaml.safe_load((root / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    assert "python=3.11" in conda and "cxx-compiler" in conda
    assert "conda-forge" in env["channels"]
    (pip_section,) = [d["pip"] for d in deps if isinstance(d, dict)]
    assert _parse(pip_section) == reader


def test_installed_versions_match_the_locks(full):
    lock = _lock_tool()
    installed = {name: dist.version for name, dist in lock.installed().items()}
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
