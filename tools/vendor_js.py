"""Rebuild the vendored JavaScript from exact npm releases, or check it against its manifest.

    python tools/vendor_js.py          # download, verify, copy, write the manifests (`make vendor`)
    python tools/vendor_js.py --check  # offline: do the committed files match their manifests?

The book loads RequireJS, the Jupyter widget manager and MathJax from `book/_vendor` (copied to
`_static/` by `html_static_path` in `_config.yml`), so it works with no network. axe-core, for the
accessibility tests, goes to `tests/vendor` instead: it must not ship with the book. The book's own
scripts are not vendored: they are stored once, in book/_ext/js, and the book's extension
(book/_ext/nslib_book/scripts.py) puts them in the output beside the packages they adapt.

Every pin below names an npm package, its exact version and the registry's `dist.integrity`
(sha512, as in package-lock.json). A rebuild downloads each tarball from the registry, refuses it
unless its sha512 matches, and copies only the listed files. Each target folder gets a
MANIFEST.json (path -> sha256, size, package@version) that `--check` and tests/test_vendor.py
verify. Uses only the standard library.

To update a package: change its version, put the new integrity in (`npm view PKG@VER
dist.integrity`), run `make vendor`, commit the folder with its manifest.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "tools/vendor_js.py"
MANIFEST = "MANIFEST.json"
REGISTRY = os.environ.get("npm_config_registry", "https://registry.npmjs.org/").rstrip("/")


@dataclass(frozen=True)
class Pin:
    """An npm release and the files taken from it.

    `files` maps a path inside the package (a glob is allowed in its last part) to a destination
    relative to the target folder: a folder if it ends with "/" (the file keeps its name),
    otherwise the file's new path.
    """

    name: str
    version: str
    integrity: str
    files: dict[str, str]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name.split('/')[-1]}-{self.version}.tgz"


# The Python widget packages the widget manager is matched to; they must equal requirements.lock.
# jupyterlab_widgets 3.0.17 bundles @jupyter-widgets/base 6.0.12, base-manager 1.0.13,
# controls 5.0.13 and output 6.0.12 (its labextension's remoteEntry); html-manager 1.0.15 is the
# release built against exactly those (it requires ^6.0.12, ^1.0.13, ^5.0.13, ^6.0.12).
WIDGETS_PAIRING = {"ipywidgets": "8.1.9", "jupyterlab-widgets": "3.0.17"}

REQUIREJS = Pin(
    "requirejs", "2.3.7",
    "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
    {"require.js": "requirejs/", "package.json": "requirejs/"},
)

HTML_MANAGER = Pin(
    "@jupyter-widgets/html-manager", "1.0.15",
    "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
    {
        "dist/embed-amd.js": "html-manager/",
        "dist/embed.js.LICENSE.txt": "html-manager/",
        "package.json": "html-manager/",
        # embed-amd.js fetches its Font Awesome fonts from
        # <RequireJS baseUrl>/@jupyter-widgets/html-manager/dist/ (see requirejs/config.js).
        # Browsers all take the woff2 (or woff); the eot/ttf/svg fallbacks are left out.
        "dist/*.woff2": "html-manager/@jupyter-widgets/html-manager/dist/",
        "dist/*.woff": "html-manager/@jupyter-widgets/html-manager/dist/",
    },
)

# The 1.0.x tarballs after 1.0.6 no longer ship a LICENSE file; the licence (BSD-3-Clause, the
# same text as ipywidgets 8.1.9's) is taken from the last release that did.
HTML_MANAGER_LICENSE = Pin(
    "@jupyter-widgets/html-manager", "1.0.6",
    "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
    {"LICENSE": "html-manager/"},
)

# MathJax 3 (the version Sphinx 7 and Jupyter Book 1 load from a CDN by default), es5 build:
# the combined component `mathjax_path` points at, plus what it loads on demand (TeX extensions
# by autoload, the context menu and its accessibility tools, the CHTML fonts).
MATHJAX = Pin(
    "mathjax", "3.2.2",
    "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
    {
        "es5/tex-mml-chtml.js": "mathjax/",
        "es5/input/tex/extensions/*.js": "mathjax/input/tex/extensions/",
        "es5/a11y/*.js": "mathjax/a11y/",
        "es5/ui/*.js": "mathjax/ui/",
        "es5/output/chtml/fonts/woff-v2/*.woff": "mathjax/output/chtml/fonts/woff-v2/",
        "LICENSE": "mathjax/",
        "package.json": "mathjax/",
    },
)

# Latest 4.11.x. For the accessibility tests only, so it lives outside the book's static path.
AXE_CORE = Pin(
    "axe-core", "4.11.4",
    "sha512-KunSNx+TVpkAw/6ULfhnx+HWRecjqZGTOyquAoWHYLRSdK1tB5Ihce1ZW+UY3fj33bYAFWPu7W/GRSmmrCGuxA==",
    {
        "axe.min.js": "axe.min.js",
        "LICENSE": "axe.LICENSE",
        "LICENSE-3RD-PARTY.txt": "axe.LICENSE-3RD-PARTY.txt",
    },
)


@dataclass(frozen=True)
class Target:
    folder: str
    pins: tuple[Pin, ...]


TARGETS = (
    Target("book/_vendor", (REQUIREJS, HTML_MANAGER, HTML_MANAGER_LICENSE, MATHJAX)),
    Target("tests/vendor", (AXE_CORE,)),
)


def sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lock_pins(path: Path = ROOT / "requirements.lock") -> dict[str, str]:
    """Exact pins of requirements.lock and the files it includes (``-r``), names normalised."""
    pins = {}
    for line in path.read_text().splitlines():
        include = re.fullmatch(r"\s*-r\s+(\S+)\s*", line)
        if include:
            pins.update(lock_pins(path.parent / include.group(1)))
            continue
        # "name==1.2 \\" (a hashed lock continues with --hash lines) or "name[extra]==1.2".
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\]+)\s*\\?\s*", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def pairing_problems(lock: dict[str, str]) -> list[str]:
    return [f"requirements.lock pins {name}=={lock.get(name)}, but {SCRIPT} matched the widget "
            f"manager to {name}=={version}: choose the html-manager release for the new pins"
            for name, version in WIDGETS_PAIRING.items() if lock.get(name) != version]


def download(pin: Pin) -> dict[str, bytes]:
    """The regular files of the pin's tarball (paths without the leading "package/"), verified."""
    with urllib.request.urlopen(pin.tarball, timeout=300) as response:
        data = response.read()
    got = sri_sha512(data)
    if got != pin.integrity:
        raise SystemExit(f"{pin.key}: integrity mismatch, refusing it\n  want {pin.integrity}\n"
                         f"  got  {got}\n  from {pin.tarball}")
    files = {}
    # Members are read into memory, never extracted, so their paths cannot escape anywhere.
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and "/" in member.name:
                files[member.name.split("/", 1)[1]] = tar.extractfile(member).read()
    return files


def _matches(path: str, pattern: str) -> bool:
    # fnmatch's "*" crosses "/", so also require the same depth.
    return path.count("/") == pattern.count("/") and fnmatch.fnmatchcase(path, pattern)


def select(pin: Pin, package: dict[str, bytes]) -> dict[str, tuple[str, bytes]]:
    """Destination path -> (path in the package, bytes), for the pin's file rules."""
    chosen = {}
    for pattern, dest in pin.files.items():
        hits = sorted(p for p in package if _matches(p, pattern))
        if not hits:
            raise SystemExit(f"{pin.key}: nothing matches {pattern!r}")
        if not dest.endswith("/") and len(hits) > 1:
            raise SystemExit(f"{pin.key}: {pattern!r} matches {len(hits)} files but {dest!r} is one file")
        for path in hits:
            to = dest + path.rsplit("/", 1)[-1] if dest.endswith("/") else dest
            chosen[to] = (path, package[path])
    return chosen


def build(target: Target) -> None:
    folder = ROOT / target.folder
    planned: dict[str, bytes] = {}
    entries: dict[str, dict] = {}

    for pin in target.pins:
        print(f"{pin.key}: {pin.tarball}")
        for dest, (origin, data) in select(pin, download(pin)).items():
            if dest in planned or dest == MANIFEST:
                raise SystemExit(f"{target.folder}/{dest}: written twice")
            planned[dest] = data
            entries[dest] = {"sha256": sha256(data), "size": len(data), "source": pin.key, "from": origin}

    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in planned and rel != MANIFEST:
            path.unlink()
            print(f"removed {target.folder}/{rel}")
    for dest, data in planned.items():
        path = folder / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            print(f"wrote {target.folder}/{dest}")
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    manifest = {
        "generated_by": f"{SCRIPT} (make vendor); do not edit by hand",
        "packages": {pin.key: {"integrity": pin.integrity} for pin in target.pins},
        "files": dict(sorted(entries.items())),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def check(target: Target, root: Path = ROOT) -> list[str]:
    """What differs between a committed folder, its manifest and the pins (offline)."""
    folder = root / target.folder
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as err:
        return [f"{target.folder}/{MANIFEST}: {err}"]
    problems = []
    pinned = {pin.key: {"integrity": pin.integrity} for pin in target.pins}
    if manifest.get("packages") != pinned:
        problems.append(f"{target.folder}/{MANIFEST}: packages {manifest.get('packages')} "
                        f"differ from the pins {pinned}")
    files = manifest.get("files", {})
    for rel, entry in files.items():
        path = folder / rel
        if entry.get("source") not in pinned:
            problems.append(f"{target.folder}/{rel}: unknown source {entry.get('source')!r}")
        if not path.is_file():
            problems.append(f"{target.folder}/{rel}: missing")
            continue
        data = path.read_bytes()
        if (len(data), sha256(data)) != (entry.get("size"), entry.get("sha256")):
            problems.append(f"{target.folder}/{rel}: content differs from the manifest")
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in files:
            problems.append(f"{target.folder}/{rel}: not in the manifest")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="verify the committed files against the manifests (offline); "
                             "exit 1 on any difference")
    args = parser.parse_args(argv)
    problems = pairing_problems(lock_pins())
    if args.check:
        for target in TARGETS:
            problems += check(target)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print("vendored files match their manifests")
        return 1 if problems else 0
    if problems:
        raise SystemExit("\n".join(problems))
    for target in TARGETS:
        build(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
