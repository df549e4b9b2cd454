"""Shared helpers of the browser tests: Debian's chromium through Python playwright, local servers
on 127.0.0.1 that are always stopped, retries for servers that start slowly under load, and waits
that fail fast (with a screenshot) when a page stops making progress.

Never `playwright install`: the tests drive /usr/bin/chromium (`make system-deps` installs it).

No browser test waits longer than ``STALL_S`` for a page that does not change: a long job (running a
whole chapter) is watched with ``wait_progressing``, which only keeps waiting while something on the
page moves, and stops at once when a modal dialog blocks the page.
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
STALL_S = 180.0  # the longest a browser test waits for a page that shows no progress
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
                   timeout: float = STALL_S / 2, attempts: int = 2):
    """Start ``cmd`` in its own process group and wait until ``ready_url`` answers; one retry.

    ``timeout`` is per attempt: a server that never answers fails after ``STALL_S`` in all. The
    output goes to ``log`` (shown when the server never comes up). The server and its kernels are
    always stopped when the block ends.
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
    """Run ``action(attempt)``; when the browser loses the page or the connection (a server that
    restarted or dropped a request under load), run ``on_failure(attempt, exc)`` and try once more.

    A timeout is not retried: the page showed no progress for as long as a test waits
    (``STALL_S`` at most), and waiting as long again would only delay the failure. A failed
    assertion (``Stalled`` included) is a result, not a stall: it is raised at once."""
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import TimeoutError as BrowserTimeout

    for attempt in range(attempts):
        try:
            return action(attempt)
        except BrowserTimeout:
            raise
        except BrowserError as exc:
            if on_failure is not None:
                on_failure(attempt, exc)
            if attempt == attempts - 1:
                raise


class Stalled(AssertionError):
    """The page stopped making progress, or a dialog blocks it: a result, not retried."""


# A modal dialog over the page (JupyterLab's *Select Kernel*, *Error Starting Kernel*, ...): its
# title and text, or '' when there is none.
DIALOG = """() => { const d = document.querySelector('.jp-Dialog');
    if (!d) return '';
    const title = d.querySelector('.jp-Dialog-header');
    return (title ? title.innerText.trim() : 'dialog') + ': ' + d.innerText.trim().slice(0, 300); }"""


def wait_progressing(page, done: str, *, what: str, progress: str | None = None,
                     blocker: str | None = DIALOG, arg=None, stall_s: float = STALL_S,
                     poll_s: float = 1.0):
    """Poll the JavaScript function ``done(arg)`` until it returns something truthy (returned).

    Raises ``Stalled`` when ``progress(arg)`` (any JSON value: a count, a list of prompts) has not
    changed for ``stall_s`` seconds (without ``progress``, after ``stall_s`` seconds), and at once
    when ``blocker()`` returns a non-empty string, such as a modal dialog that nobody will close.
    """
    unset = object()
    last, since = unset, time.monotonic()
    while True:
        if blocker is not None:
            blocked = page.evaluate(blocker)
            if blocked:
                raise Stalled(f"{what}: blocked by {blocked}")
        result = page.evaluate(done, arg)
        if result:
            return result
        now = time.monotonic()
        if progress is not None:
            state = page.evaluate(progress, arg)
            if state != last:
                last, since = state, now
        if now - since > stall_s:
            shown = "" if last is unset else f"; last state: {str(last)[:500]}"
            raise Stalled(f"{what}: no progress in {stall_s:.0f} s{shown}")
        page.wait_for_timeout(poll_s * 1000)


def evidence(page, folder: Path, name: str, log: Path | None = None) -> str:
    """Save a full-page screenshot as ``folder/name.png``; a line for the failure message that says
    where it is, with the last lines of the server's ``log``."""
    shot = folder / f"{name}.png"
    try:
        page.screenshot(path=str(shot), full_page=True)
        saved = f"screenshot: {shot}"
    except Exception as exc:  # the page may be gone; the log still helps
        saved = f"no screenshot ({exc.__class__.__name__})"
    if log is not None and log.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        saved += f"\nlast lines of {log}:\n{tail}"
    return saved
