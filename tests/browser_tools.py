"""Shared helpers of the browser tests: Debian's chromium through Python playwright, local servers
on 127.0.0.1 that are always stopped, and retries for servers that start slowly under load.

Never `playwright install`: the tests drive /usr/bin/chromium (`make system-deps` installs it).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def chromium():
    """One headless chromium for a whole test module."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make system-deps does)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def static_server(folder: Path):
    """Serve a folder on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Poll ``url`` until it answers 200 (True), the process dies or the time is up (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started, and its children (kernels): its own process group only."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def server_process(cmd: list[str], *, ready_url: str, cwd: Path, env: dict, log: Path,
                   timeout: float = 180, attempts: int = 2):
    """Start ``cmd`` in its own process group and wait until ``ready_url`` answers; one retry.

    The output goes to ``log`` (shown when the server never comes up). The server and its
    kernels are always stopped when the block ends.
    """
    last = ""
    for _attempt in range(attempts):
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            if wait_for_http(ready_url, proc, timeout):
                yield proc
                return
            last = log.read_text(errors="replace")[-3000:]
        finally:
            stop(proc)
    raise AssertionError(f"{cmd[0]} did not answer {ready_url} in {attempts} attempts:\n{last}")


def retry(action, *, attempts: int = 2, on_failure=None):
    """Run ``action(attempt)``; when the browser times out or loses the page (a server stalled
    under load), run ``on_failure(attempt, exc)`` and try once more. A failed assertion is a
    result, not a stall: it is raised at once."""
    from playwright.sync_api import Error as BrowserError

    for attempt in range(attempts):
        try:
            return action(attempt)
        except BrowserError as exc:
            if on_failure is not None:
                on_failure(attempt, exc)
            if attempt == attempts - 1:
                raise
