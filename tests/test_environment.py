"""The pinned environment: one lock for pip, the same pins for Binder, offline data."""

from __future__ import annotations

import re

import yaml


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert match, f"not an exact pin: {line!r}"
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_lock_pins_everything_exactly(root):
    pins = _pins((root / "requirements.lock").read_text().splitlines())
    assert len(pins) > 100
    # The known traps of this stack.
    assert pins["brian2"] == "2.9.0"
    major, minor = map(int, pins["numpy"].split(".")[:2])
    assert (major, minor) < (2, 4), "brian2 2.9.0 breaks on numpy 2.4 (ndarray.ptp was removed)"
    assert pins["torch"] == "2.13.0"
    assert pins["jupyter-book"] == "1.0.4.post1"
    assert pins["nbgrader"] == "0.9.6"
    assert pins["ipywidgets"].startswith("8.")


def test_environment_yml_pins_the_same_versions_as_the_lock(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    deps = env["dependencies"]
    conda = [d for d in deps if isinstance(d, str)]
    assert "python=3.11" in conda and "cxx-compiler" in conda
    assert "conda-forge" in env["channels"]
    (pip_section,) = [d["pip"] for d in deps if isinstance(d, dict)]
    lock = _pins((root / "requirements.lock").read_text().splitlines())
    assert _pins(pip_section) == lock


def test_installed_versions_match_the_lock(root):
    from importlib.metadata import version

    lock = _pins((root / "requirements.lock").read_text().splitlines())
    for name in ("brian2", "numpy", "ipywidgets", "jupyter-book", "matplotlib", "scikit-learn"):
        assert version(name) == lock[name], name
    assert version("torch").split("+")[0] == lock["torch"]


def test_bundled_data_loads_without_network():
    # The datasets the chapters use ship inside the packages.
    from skimage import data
    from sklearn.datasets import load_digits

    assert data.camera().shape == (512, 512)
    assert load_digits().images.shape == (1797, 8, 8)
