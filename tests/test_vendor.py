"""The vendored JavaScript: committed files match their manifests, the manifests match the pins in
tools/vendor_js.py, and the widget manager is the release that goes with the pinned ipywidgets.
The book's own scripts are not vendored: they are stored once, in book/_ext/js."""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import re
import shutil
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _load_vendor_js():
    spec = importlib.util.spec_from_file_location("vendor_js", ROOT / "tools" / "vendor_js.py")
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _book_scripts():
    """The book extension's module that serves book/_ext/js at the pages' URLs."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return importlib.import_module("nslib_book.scripts")
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))


vendor_js = _load_vendor_js()
BOOK, TESTS = vendor_js.TARGETS


def _manifest(target) -> dict:
    return json.loads((ROOT / target.folder / vendor_js.MANIFEST).read_text())


@pytest.mark.parametrize("target", vendor_js.TARGETS, ids=lambda t: t.folder)
def test_committed_files_match_the_manifest_and_the_pins(target):
    # Hashes and sizes of every listed file, no unlisted file, packages equal to the pins,
    # only files some package provides.
    assert vendor_js.check(target) == []


def test_check_reports_changed_missing_and_unlisted_files(tmp_path):
    shutil.copytree(ROOT / TESTS.folder, tmp_path / TESTS.folder)
    folder = tmp_path / TESTS.folder
    assert vendor_js.check(TESTS, root=tmp_path) == []
    license_ = folder / "axe.LICENSE"
    license_.write_bytes(license_.read_bytes().replace(b"Mozilla", b"M0zilla", 1))
    (folder / "axe.LICENSE-3RD-PARTY.txt").unlink()
    (folder / "extra.js").write_text("// not from any package\n")
    problems = vendor_js.check(TESTS, root=tmp_path)
    assert problems == [f"{TESTS.folder}/axe.LICENSE: content differs from the manifest",
                        f"{TESTS.folder}/axe.LICENSE-3RD-PARTY.txt: missing",
                        f"{TESTS.folder}/extra.js: not in the manifest"]


def test_every_file_names_a_pinned_source_and_every_pin_provides_files():
    for target in vendor_js.TARGETS:
        files = _manifest(target)["files"]
        sources = {entry["source"] for entry in files.values()}
        assert sources == {pin.key for pin in target.pins}
        for pin in target.pins:
            # Integrity strings are sha512 SRI, as the registry's dist.integrity gives them.
            assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", pin.integrity), pin.key


def test_the_books_own_scripts_are_stored_once_as_source_files():
    """The widget glue lives in book/_ext/js (linted by `make lint`) and nowhere else: no copy
    among the vendored files or in their manifests, and no Python module carrying it as a string."""
    scripts = _book_scripts()
    sources = {scripts.SOURCES / source for source in scripts.SCRIPTS.values()}
    assert sources == {ROOT / "book/_ext/js/nslib-widgets.js", ROOT / "book/_ext/js/requirejs-config.js"}
    texts = {path.read_bytes() for path in sources}
    for target in vendor_js.TARGETS:
        vendored = [p.relative_to(ROOT).as_posix() for p in (ROOT / target.folder).rglob("*.js")
                    if p.read_bytes() in texts]
        assert vendored == []
        assert not any(entry["source"].startswith("book/") for entry in _manifest(target)["files"].values())
    glue_line = "function " + "nameHandles(view)"   # split, so this file does not hold it
    holders = [p.relative_to(ROOT).as_posix() for p in ROOT.glob("**/*.py")
               if ".venv" not in p.parts and glue_line in p.read_text(encoding="utf-8", errors="ignore")]
    assert holders == []


def test_the_book_loads_vendored_files_or_its_own_scripts_and_not_the_test_tools():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config["html_static_path"] == [BOOK.folder]
    book_files = _manifest(BOOK)["files"]
    own = _book_scripts().SCRIPTS
    for used in (config["mathjax_path"], *config["nb_ipywidgets_js"]):
        # Exactly one of the two puts the file at that URL under _static/.
        assert (used in book_files) != (used in own), used
    assert set(own) <= set(config["nb_ipywidgets_js"])
    assert not any(entry["source"].startswith("axe-core@") for entry in book_files.values())
    assert "axe.min.js" in _manifest(TESTS)["files"]


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_download_verifies_the_integrity_before_reading_the_tarball(monkeypatch):
    data = _tarball({"dist/a.js": b"a", "dist/b.js": b"b", "dist/sub/c.js": b"c", "LICENSE": b"L"})
    monkeypatch.setattr(vendor_js.urllib.request, "urlopen", lambda url, timeout: io.BytesIO(data))
    good = vendor_js.Pin("pkg", "1.0.0", vendor_js.sri_sha512(data),
                         {"dist/*.js": "pkg/", "LICENSE": "pkg.LICENSE"})
    chosen = vendor_js.select(good, vendor_js.download(good))
    # The glob stays in its folder: dist/sub/c.js is not taken.
    assert {dest: origin for dest, (origin, _) in chosen.items()} == {
        "pkg/a.js": "dist/a.js", "pkg/b.js": "dist/b.js", "pkg.LICENSE": "LICENSE"}
    bad = vendor_js.Pin("pkg", "1.0.0", vendor_js.sri_sha512(data + b"x"), good.files)
    with pytest.raises(SystemExit, match="integrity mismatch"):
        vendor_js.download(bad)


def test_widget_manager_matches_the_pinned_ipywidgets():
    lock = vendor_js.lock_pins()
    assert vendor_js.pairing_problems(lock) == []
    manager = json.loads((ROOT / BOOK.folder / "html-manager" / "package.json").read_text())
    assert manager["name"] == vendor_js.HTML_MANAGER.name
    assert manager["version"] == vendor_js.HTML_MANAGER.version
    assert _manifest(BOOK)["files"]["html-manager/embed-amd.js"]["source"] == vendor_js.HTML_MANAGER.key

    # The pinned jupyterlab_widgets' lab extension (which renders the widgets in JupyterLab) and
    # the vendored html-manager (which renders them in the book) are built from the same
    # @jupyter-widgets packages: both ask for the same versions.
    assert version("jupyterlab_widgets") == lock["jupyterlab-widgets"]
    lab = Path(sys.prefix, "share", "jupyter", "labextensions", "@jupyter-widgets",
               "jupyterlab-manager", "package.json")
    lab_deps = json.loads(lab.read_text())["dependencies"]
    for package in ("base", "base-manager", "controls", "output"):
        name = f"@jupyter-widgets/{package}"
        assert manager["dependencies"][name] == lab_deps[name], name

    # ipywidgets states which html-manager releases its embedding works with (a caret range).
    from ipywidgets._version import __html_manager_version__

    assert version("ipywidgets") == lock["ipywidgets"]
    wanted = re.fullmatch(r"\^(\d+)\.(\d+)\.(\d+)", __html_manager_version__)
    have = tuple(map(int, manager["version"].split(".")))
    low = tuple(map(int, wanted.groups()))
    assert have[0] == low[0] and have >= low, (manager["version"], wanted.group(0))
