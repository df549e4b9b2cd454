"""Voila dashboards: chapters converted to .ipynb serve live sweeps that re-run the model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards")
    chapter = ROOT / "chapters" / "00_neurons.md"
    subprocess.run([str(BIN / "jupytext"), "--quiet", "--to", "ipynb", "--output",
                    str(out / "00_neurons.ipynb"), str(chapter)], check=True, timeout=120)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "NSLIB_SWEEP_MODE"}  # live by default
    proc = subprocess.Popen(
        [str(BIN / "voila"), str(out / "00_neurons.ipynb"), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--VoilaConfiguration.file_allowlist=['.*']"],
        cwd=out, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "api", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_dashboard_slider_reruns_the_model(voila):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(voila, timeout=300_000)
        selector = 'img[alt*="membrane time constant"]'
        page.wait_for_selector(selector, state="visible", timeout=300_000)
        assert "2.5 ms" in page.locator(selector).first.get_attribute("alt")
        # Live mode: there is one figure, and the kernel redraws it.
        assert page.locator(selector).count() == 1
        page.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            """() => { const i = document.querySelector('img[alt*="membrane time constant"]');
                       return i && i.alt.includes(' 5 ms'); }""", timeout=120_000)
        browser.close()
