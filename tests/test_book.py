"""The built book: it builds with no warning, loads nothing from the internet, and its
static sweeps switch figures in a real (headless) browser with no kernel."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nslib

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_book():
    """Build the book as `make book` does (cached execution: only changed chapters re-run)."""
    subprocess.run([sys.executable, "-m", "grader", "release"], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    subprocess.run([sys.executable, "tools/book_cache.py"], cwd=ROOT, check=True, timeout=60)
    env = {**os.environ, "NSLIB_SWEEP_MODE": "static"}
    proc = subprocess.run(
        [str(BIN / "jupyter-book"), "build", ".", "--toc", "book/_toc.yml", "--config", "_config.yml",
         "-W", "-n", "--keep-going"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    return proc


def test_book_builds_without_warnings_or_cell_errors(built_book):
    log = built_book.stdout + built_book.stderr
    assert built_book.returncode == 0, log[-5000:]
    # Sphinx warnings look like "path:line: WARNING: ..."; kernels' own log lines do not count.
    sphinx_warnings = [line for line in log.splitlines() if ": WARNING:" in line]
    assert sphinx_warnings == [] and "CellExecutionError" not in log, log[-5000:]
    assert (HTML / "index.html").exists()
    for page in ("chapters/00_neurons.html", "exercises/release/ch00_neurons/ch00_neurons.html",
                 "book/benchmarks.html"):
        assert (HTML / page).exists(), page


class _ResourceParser(HTMLParser):
    """Collect every URL a page loads by itself (not links the reader clicks)."""

    LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
               ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for t, a in self.LOADING:
            if tag == t and attrs.get(a):
                self.loaded.append(attrs[a])
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "modulepreload", "icon", "prefetch",
                                      "manifest")):
                self.loaded.append(attrs["href"])


def _external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.I))


def test_pages_load_nothing_from_the_internet(built_book):
    assert built_book.returncode == 0
    pages = list(HTML.rglob("*.html"))
    assert len(pages) >= 5
    offenders = {}
    for page in pages:
        parser = _ResourceParser()
        parser.feed(page.read_text(encoding="utf-8"))
        bad = [u for u in parser.loaded if _external(u)]
        if bad:
            offenders[str(page.relative_to(HTML))] = bad
    assert offenders == {}
    # CSS can load fonts and images too.
    for css in HTML.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="ignore"))
        assert not [u for u in urls if _external(u)], css


def test_pages_show_the_nslib_version(built_book):
    assert built_book.returncode == 0
    for page in ("book/intro.html", "chapters/00_neurons.html"):
        assert f"nslib</code> {nslib.__version__}" in (HTML / page).read_text(encoding="utf-8")


def test_figures_have_alt_text(built_book):
    assert built_book.returncode == 0
    text = (HTML / "chapters" / "00_neurons.html").read_text(encoding="utf-8")
    imgs = re.findall(r"<img\b[^>]*>", text)
    assert imgs, "chapter 0 has figures"
    # Widget images sit in the page's embedded JSON state, with escaped quotes.
    missing = [i[:120] for i in imgs if not re.search(r'alt=\\?"[^"\\]{10,}', i)]
    assert missing == []
    assert len(imgs) >= 2 + 5  # the trace, the f-I curve and the five sweep frames


@pytest.fixture(scope="module")
def server(built_book):
    assert built_book.returncode == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    assert Path(chromium).exists(), "install Debian's chromium (make test does)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _visible_sweep_alt(page) -> str:
    return page.evaluate("""() => {
        const imgs = [...document.querySelectorAll('img[alt*="membrane time constant"]')];
        const shown = imgs.filter(i => i.offsetParent !== null && i.getBoundingClientRect().height > 0);
        return shown.map(i => i.alt).join(' | ');
    }""")


def test_static_sweep_switches_figures_without_a_kernel(server, browser):
    page = browser.new_page()
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server}/chapters/00_neurons.html", wait_until="networkidle")
    page.wait_for_selector('img[alt*="membrane time constant"]', state="visible", timeout=60_000)
    before = _visible_sweep_alt(page)
    assert "2.5 ms" in before and "|" not in before  # exactly one frame is shown: the first
    handle = page.locator(".widget-selection-slider .noUi-handle, .widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    after = _visible_sweep_alt(page)
    assert "10 ms" in after and "|" not in after, after
    readout = page.locator(".widget-readout").first.inner_text()
    assert readout.strip() == "10"
    external = [u for u in requests if not u.startswith((server, "data:", "blob:", "about:"))]
    assert external == []
    # Every vendored file the page asks for (scripts, widget fonts) is there.
    assert [f for f in failed if not f.endswith("/favicon.ico")] == []
    page.close()
