"""End-to-end latency of the dashboards, as a reader feels it (`make bench`, section ``dashboards``).

Voila serves the dashboards (``tools/dashboards.py``) on 127.0.0.1; Debian's headless chromium,
driven by Python playwright with the browser tests' helpers (``tests/browser_tools.py``; never
``playwright install``), opens each one:

* **first render**: from the request to every live sweep showing a loaded figure (a new kernel
  each time: Voila starts one per page view), twice;
* **slider latency**: for each sweep, moves of one slider step with the keyboard, round-robin over
  its sliders (every slider moves, at least ``MIN_MOVES`` moves, each to a grid point not shown
  before, so no answer comes from the sweep's cache); each move is timed in the page from the
  ``keydown`` event to the ``load`` event of the new ``<img>``, and records whether the image
  changed (a move after which no new image loads within ``MOVE_TIMEOUT_S`` counts as unchanged)
  and when the progress indicator ("running the model…") appeared;
* **where the first render goes**, kernel side: the dashboard executed by ``nbclient`` in a fresh
  kernel: kernel start, its first cell (the imports; ``brian2`` and ``torch`` are timed on their own
  in a fresh interpreter), the set-up cells, the sweep cells (each makes its first frame).
"""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_tools import STALL_S, wait_progressing  # noqa: E402

MIN_MOVES = 5
MOVE_TIMEOUT_S = 30.0
# A dashboard whose set-up prints nothing shows no progress until its first figure: on a busy machine
# that can take minutes, so the render waits longer than a test would.
RENDER_STALL_S = 900.0

# The live sweeps of the page: a VBox whose direct children are its sliders, a status and the figure.
_BOXES = ("[...document.querySelectorAll('.widget-vbox')]"
          ".filter(b => b.querySelector(':scope > .widget-slider'))")

RENDERED = f"""(n) => {{
    const figures = {_BOXES}.map(box => box.querySelector('img[alt]'))
        .filter(img => img && img.complete && img.naturalWidth > 0);
    return document.readyState === 'complete' && figures.length >= n;
}}"""

RENDER_PROGRESS = """() => [document.readyState, document.querySelectorAll('.jp-OutputArea-output').length,
    document.querySelectorAll('img[alt]').length]"""

FAILED_CELL = """() => {
    const outputs = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"], '
                                                  + '[data-mime-type="application/vnd.jupyter.stderr"]')];
    const e = outputs.find(o => /Traceback|Error\\b/.test(o.innerText));
    return e ? 'an error output: ' + e.innerText.trim().slice(0, 1500) : ''; }"""

# Installed once the page is rendered: the time of every key press, and for every sweep the time
# each new figure's <img> fired `load` (with a fingerprint of its PNG) and when "running the model…"
# appeared.
INSTRUMENT = f"""() => {{
    const hash = s => {{ let h = 0; for (let i = 0; i < s.length; i += 7) h = (h * 31 + s.charCodeAt(i)) | 0;
                         return s.length + ':' + h; }};
    const probe = window.__nslib = {{keydown: null, boxes: []}};
    document.addEventListener('keydown', () => {{ probe.keydown = performance.now(); }}, true);
    {_BOXES}.forEach((box, b) => {{
        const seen = {{loads: [], progress: [], shown: null}};
        const img = box.querySelector('img[alt]');
        seen.shown = img ? hash(img.src) : '';
        probe.boxes.push(seen);
        new MutationObserver(mutations => {{
            for (const m of mutations) {{
                for (const node of m.addedNodes) {{
                    const imgs = node.nodeType !== 1 ? [] : node.tagName === 'IMG' ? [node]
                        : [...node.querySelectorAll('img[alt]')];
                    for (const im of imgs) {{
                        const done = () => seen.loads.push({{t: performance.now(), png: hash(im.src)}});
                        if (im.complete && im.naturalWidth > 0) done();
                        else im.addEventListener('load', done, {{once: true}});
                    }}
                }}
            }}
            if (box.textContent.includes('running the model')) seen.progress.push(performance.now());
        }}).observe(box, {{childList: true, subtree: true, characterData: true}});
    }});
    return probe.boxes.length;
}}"""


def _handle(page, box: int, slider: int):
    return page.locator(".widget-vbox:has(> .widget-slider)").nth(box) \
        .locator(":scope > .widget-slider").nth(slider).locator(".noUi-handle").first


def _position(handle) -> tuple[int, int, int]:
    return tuple(int(float(handle.get_attribute(a))) for a in
                 ("aria-valuenow", "aria-valuemin", "aria-valuemax"))


def render(browser, url: str, n_sweeps: int, *, what: str):
    """Open ``url`` and wait until its ``n_sweeps`` live sweeps show a figure: (page, seconds)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(max(STALL_S, RENDER_STALL_S) * 1000)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    wait_progressing(page, RENDERED, arg=n_sweeps, progress=RENDER_PROGRESS, blocker=FAILED_CELL,
                     what=what, poll_s=0.05, stall_s=RENDER_STALL_S)
    return page, time.perf_counter() - start


def move_sliders(page, box: int, n_sliders: int, *, min_moves: int = MIN_MOVES,
                 timeout_s: float = MOVE_TIMEOUT_S) -> list[dict]:
    """Move sweep ``box``'s sliders, round-robin, one step per move; one record per move."""
    handles = [_handle(page, box, s) for s in range(n_sliders)]
    position = [list(_position(h)) for h in handles]
    direction = [1] * n_sliders
    visited = {tuple(p[0] for p in position)}
    moves = []
    for k in range(max(min_moves, n_sliders)):
        s = k % n_sliders
        now, low, high = position[s]
        if high == low:
            continue  # a slider with one value cannot move
        if not low <= now + direction[s] <= high:
            direction[s] = -direction[s]
        position[s][0] = now + direction[s]
        point = tuple(p[0] for p in position)
        fresh = point not in visited
        visited.add(point)
        before = page.evaluate("(b) => [window.__nslib.boxes[b].loads.length, window.__nslib.boxes[b].shown,"
                               " window.__nslib.boxes[b].progress.length]", box)
        handles[s].focus()
        page.keyboard.press("ArrowRight" if direction[s] > 0 else "ArrowLeft")
        record = {"slider": s, "to": position[s][0], "fresh": fresh}
        try:
            page.wait_for_function("([b, n]) => window.__nslib.boxes[b].loads.length > n",
                                   arg=[box, before[0]], timeout=timeout_s * 1000, polling="raf")
        except Exception:  # playwright's TimeoutError: no new image
            record.update(latency_s=None, changed=False)
        else:
            load, pressed, progress = page.evaluate(
                "([b, n, p]) => { const s = window.__nslib.boxes[b]; const l = s.loads[s.loads.length - 1];"
                " s.shown = l.png; return [l, window.__nslib.keydown, s.progress[p] ?? null]; }",
                [box, before[0], before[2]])
            record.update(latency_s=(load["t"] - pressed) / 1000, changed=load["png"] != before[1],
                          progress_s=None if progress is None else (progress - pressed) / 1000)
        moves.append(record)
    return moves


def measure_dashboard(browser, base: str, dash, *, renders: int = 2, log=print) -> dict:
    """First renders and slider latencies of one dashboard (``dash``: a ``tools/dashboards.py`` Dashboard)."""
    url = f"{base}/voila/render/{dash.filename}"
    times = []
    for k in range(renders):
        page, seconds = render(browser, url, dash.sweeps, what=f"{dash.name} renders")
        times.append(seconds)
        log(f"{dash.name}: rendered in {seconds:.1f} s")
        if k < renders - 1:
            page.close()
    try:
        n_boxes = page.evaluate(INSTRUMENT)
        sliders = page.evaluate(f"() => {_BOXES}.map(b => b.querySelectorAll(':scope > .widget-slider')"
                                ".length)")
        names = page.evaluate(f"() => {_BOXES}.map(b => (b.querySelector('img[alt]') || {{}}).alt || '')")
        sweeps = []
        for box in range(n_boxes):
            moves = move_sliders(page, box, sliders[box])
            sweeps.append({"index": box, "alt": names[box][:120], "n_sliders": sliders[box], "moves": moves})
            lat = [m["latency_s"] for m in moves if m["latency_s"] is not None]
            log(f"{dash.name} sweep {box}: median {statistics.median(lat) if lat else math.nan:.2f} s, "
                f"{sum(not m['changed'] for m in moves)} unchanged")
    finally:
        page.close()
    return {"dashboard": dash.name, "sweeps_expected": dash.sweeps, "render_s": times, "sweeps": sweeps}


# -- where the first render goes, kernel side ---------------------------------------------------

def import_seconds(module: str, env: dict) -> float:
    """Seconds to import ``module`` in a fresh interpreter (files in the OS cache)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300, check=True)
    return float(out.stdout.split()[-1])


def _kernel_cpu(client) -> float:
    """CPU seconds the kernel process (and the programs it waited for) has used."""
    expression = "sum(__import__('os').times()[:4])"
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions={"cpu": expression})
    reply = client.wait_for_reply(msg_id)
    return float(reply["content"]["user_expressions"]["cpu"]["data"]["text/plain"])


def kernel_breakdown(notebook: Path, env: dict, sweep_call, freeze_tag: str) -> dict:
    """Execute a dashboard in a fresh kernel: kernel start, then each kind of cell, in seconds.

    The last cell reports which heavy modules the dashboard imported."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys; print(' '.join(m for m in ('brian2', 'torch', 'sklearn', "
                                      "'skimage', 'scipy') if m in sys.modules))")
    nb.cells.append(probe)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        client = NotebookClient(nb, timeout=1800, kernel_name="python3",
                                resources={"metadata": {"path": str(notebook.parent)}})
        start = time.perf_counter()
        with client.setup_kernel():
            kernel_s = time.perf_counter() - start
            cpu = [_kernel_cpu(client)]  # the kernel's CPU seconds so far: its start-up
            seconds = []
            for index, cell in enumerate(nb.cells):
                t = time.perf_counter()
                client.execute_cell(cell, index)
                seconds.append(time.perf_counter() - t if cell.cell_type == "code" else 0.0)
                cpu.append(_kernel_cpu(client) if cell.cell_type == "code" else cpu[-1])
        total = time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)
    code = [(i, c) for i, c in enumerate(nb.cells[:-1]) if c.cell_type == "code"]
    first = code[0][0]
    sweep_cells = [i for i, c in code if sweep_call.search(c.source)]
    freeze = [i for i, c in code if freeze_tag in c.metadata.get("tags", [])]
    setup = [i for i, _ in code if i != first and i not in sweep_cells and i not in freeze]
    modules = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    cell_cpu = [b - a for a, b in zip(cpu[:-1], cpu[1:], strict=True)]
    return {"cpu_s": {"kernel_start": cpu[0], "imports": cell_cpu[first],
                      "setup": sum(cell_cpu[i] for i in setup),
                      "first_frames": sum(cell_cpu[i] for i in sweep_cells),
                      "gc_freeze": sum(cell_cpu[i] for i in freeze)},
            "kernel_start_s": kernel_s, "imports_s": seconds[first],
            "setup_s": sum(seconds[i] for i in setup), "first_frames_s": sum(seconds[i] for i in sweep_cells),
            "gc_freeze_s": sum(seconds[i] for i in freeze),
            "slowest_setup_cell": max(((seconds[i], nb.cells[i].source.splitlines()[0][:80]) for i in setup),
                                      default=None),
            "total_s": total, "heavy_modules": modules}
