"""Voila dashboards: generated from the chapters' cells tagged `dashboard` (tools/dashboards.py),
one per chapter with a title and one line of context per demo; served by Voila on 127.0.0.1, every
dashboard renders its widgets, every slider re-runs the model, and no slider triggers a compile."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from browser_tools import STALL_S, chromium, free_port, retry, server_process, wait_progressing

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("tools_dashboards", ROOT / "tools" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


dashboards = _load_tool()

FIXTURE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# 7. A fixture chapter

Prose the dashboard leaves out.

```{code-cell} ipython3
:tags: [dashboard]

from matplotlib.figure import Figure
from nslib.sweeps import sweep
```

```{code-cell} ipython3
print("a cell the dashboard leaves out")
```

+++ {"tags": ["dashboard"]}

**Interactive demo: a slope.** A line whose slope the slider sets.

+++

*Predict first:* a question the dashboard leaves out.

```{code-cell} ipython3
:tags: [dashboard, remove-input]

def line(slope):
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [0, slope])
    return fig

sweep(line, {"slope": [1, 2, 3]}, alt="a line of slope {slope}")
```
"""

UNTAGGED = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---

# 8. An untagged chapter

```{code-cell} ipython3
print("no dashboard here")
```
"""


@pytest.fixture
def fixture_chapters(tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    (folder / "07_fixture.md").write_text(FIXTURE)
    (folder / "08_untagged.md").write_text(UNTAGGED)
    (folder / "notes.md").write_text("# Not a chapter: its name has no NN_ prefix\n")
    return folder


def test_dashboard_holds_only_the_tagged_cells_under_a_title(fixture_chapters):
    reports = []
    made = dashboards.collect(fixture_chapters, report=reports.append)
    assert [d.name for d in made] == ["07_fixture"]
    (dash,) = made
    assert dash.title == "7. A fixture chapter" and dash.sweeps == 1
    assert dash.demos == ("**Interactive demo: a slope.** A line whose slope the slider sets.",)
    cells = dash.notebook.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# Dashboard: 7. A fixture")
    assert "chapters/07_fixture.md" in cells[0].source or "07_fixture.md" in cells[0].source
    kinds = [(c.cell_type, c.source.splitlines()[0]) for c in cells[1:]]
    assert kinds == [("code", "from matplotlib.figure import Figure"),
                     ("markdown", "**Interactive demo: a slope.** A line whose slope the slider sets."),
                     ("code", "def line(slope):"),
                     ("code", "# Kernel start-up for the sliders (tools/dashboards.py): every demo is made, "
                              "so collect the garbage once")]
    assert cells[-1].source == dashboards.FREEZE_HEAP
    assert cells[-1].metadata["tags"] == [dashboards.FREEZE_TAG]
    text = "\n".join(c.source for c in cells)
    assert "leaves out" not in text
    assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code")
    assert cells[3].metadata["tags"] == ["dashboard", "remove-input"]
    nbformat.validate(dash.notebook)
    # The untagged chapter is reported and skipped; a file that is not a chapter is ignored.
    assert reports == ["08_untagged.md: no cell is tagged 'dashboard', so this chapter has no "
                       "dashboard yet"]


def test_write_makes_a_landing_page_and_drops_stale_dashboards(fixture_chapters, tmp_path):
    out = tmp_path / "dashboards"
    out.mkdir()
    (out / "05_gone.ipynb").write_text("{}")  # a chapter that no longer makes a dashboard
    (out / "keep.txt").write_text("not ours")
    written = dashboards.write(dashboards.collect(fixture_chapters, report=lambda _: None), out)
    assert sorted(p.name for p in written) == ["07_fixture.ipynb", "index.ipynb"]
    assert sorted(p.name for p in out.iterdir()) == ["07_fixture.ipynb", "index.ipynb", "keep.txt"]
    index = nbformat.read(out / "index.ipynb", as_version=4)
    source = index.cells[0].source
    # Relative links: they work under `make voila` and under Binder's /voila/render/dashboards/.
    assert "## [7. A fixture chapter](07_fixture.ipynb)" in source
    assert "- **Interactive demo: a slope.** A line whose slope the slider sets." in source
    nbformat.validate(index)


def test_command_line_lists_and_writes(fixture_chapters, tmp_path):
    run = [sys.executable, str(ROOT / "tools" / "dashboards.py"), "--chapters", str(fixture_chapters)]
    listed = subprocess.run([*run, "--list"], capture_output=True, text=True, check=True, timeout=120)
    assert listed.stdout.split() == ["07_fixture.ipynb"]
    assert "08_untagged.md: no cell is tagged" in listed.stderr
    out = tmp_path / "out"
    subprocess.run([*run, "--out", str(out)], capture_output=True, check=True, timeout=120)
    assert sorted(p.name for p in out.iterdir()) == ["07_fixture.ipynb", "index.ipynb"]


def test_every_demo_of_every_chapter_dashboard_has_its_line_of_context():
    made = dashboards.collect(ROOT / "chapters", report=lambda _: None)
    for dash in made:
        assert dash.sweeps >= 1, f"{dash.name}: a dashboard with no demo"
        # Before each demo, a one-line markdown cell says what it shows.
        cells = dash.notebook.cells[1:]
        sweeps = [i for i, c in enumerate(cells)
                  if c.cell_type == "code" and dashboards.SWEEP_CALL.search(c.source)]
        previous = -1
        for i in sweeps:
            context = [c for c in cells[previous + 1:i] if c.cell_type == "markdown"]
            assert len(context) == 1, f"{dash.name}: demo at cell {i + 1} has {len(context)} lines of context"
            assert "\n" not in context[0].source.strip(), f"{dash.name}: {context[0].source!r}"
            previous = i


def test_makefile_serves_the_dashboards_on_localhost():
    dry = subprocess.run(["make", "-n", "voila"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "tools/dashboards.py" in dry.stdout
    assert "--Voila.ip=127.0.0.1" in dry.stdout and "http://127.0.0.1:" in dry.stdout


# ---------------------------------------------------------------------------------------------
# In Voila, in a real browser.

COMPILED = ("main", "*.o", "*.so")


def _compiled_artifacts(cache: Path) -> dict[str, float]:
    """Every compiled program and extension in the cache, with its modification time."""
    found = {}
    for pattern in COMPILED:
        for path in cache.rglob(pattern):
            if path.is_file():
                found[str(path.relative_to(cache))] = path.stat().st_mtime
    return found


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Voila serving freshly generated dashboards, with its own copy of the Brian2 caches.

    The copy keeps the compiled programs (a dashboard renders as fast as for a reader who has run
    the book once) and lets the test see any compile the sliders would trigger.
    """
    base = tmp_path_factory.mktemp("voila")
    made = dashboards.collect(ROOT / "chapters", report=lambda _: None)
    if not made:
        pytest.skip("no chapter tags its demo cells 'dashboard' yet")
    dashboards.write(made, base / "dashboards")
    cache = base / "cache"
    shared = Path(os.environ.get("NSLIB_CACHE_DIR") or Path.home() / ".cache" / "nslib")
    if shared.is_dir():
        shutil.copytree(shared, cache, ignore=shutil.ignore_patterns("*.lock"), symlinks=True)
    cache.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "NSLIB_SWEEP_MODE"}  # live sliders
    env.update(NSLIB_CACHE_DIR=str(cache), MPLBACKEND="Agg")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "voila"), str(base / "dashboards"), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True"]
    with server_process(cmd, ready_url=url + "/", cwd=base, env=env, log=base / "voila.log") as proc:
        yield {"url": url, "dashboards": made, "cache": cache, "tmp": base, "proc": proc}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


_RENDERED = """(n) => {
    const figures = [...document.querySelectorAll('.widget-vbox')]
        .filter(box => box.querySelector(':scope > .widget-slider'))
        .map(box => box.querySelector('img[alt]'))
        .filter(img => img && img.complete && img.naturalWidth > 0);
    return figures.length >= n;
}"""

_ERRORS = """() => [...document.querySelectorAll(
        '[data-mime-type="application/vnd.jupyter.error"], .jp-OutputArea-output .ansi-red-fg')]
    .map(e => e.innerText.slice(0, 300))"""


# What moves while Voila streams a dashboard in: its outputs and figures.
_RENDER_PROGRESS = """() => [document.readyState, document.querySelectorAll('.jp-OutputArea-output').length,
    document.querySelectorAll('img[alt]').length]"""


# A cell that raised: the dashboard will not recover, so the wait stops at once and says why.
# (nbconvert's templates, which Voila renders with, show a traceback as a stderr output.)
_FAILED_CELL = """() => {
    const outputs = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"], '
                                                  + '[data-mime-type="application/vnd.jupyter.stderr"]')];
    const e = outputs.find(o => /Traceback|Error\\b/.test(o.innerText));
    return e ? 'an error output: ' + e.innerText.trim().slice(0, 1500) : ''; }"""


def _render(browser, voila, dash):
    """Open one dashboard and wait until every demo shows a figure; the seconds it took.

    Fails within STALL_S when the page stops changing (Voila executes the notebook as it streams
    it in, so outputs keep appearing while it works)."""
    def attempt(n):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(STALL_S * 1000)
        start = time.monotonic()
        try:
            page.goto(f"{voila['url']}/voila/render/{dash.filename}", wait_until="commit")
            loaded = f"(n) => document.readyState === 'complete' && ({_RENDERED})(n)"
            wait_progressing(page, loaded, arg=dash.sweeps, progress=_RENDER_PROGRESS,
                             blocker=_FAILED_CELL, what=f"dashboard {dash.name} renders every demo",
                             poll_s=0.25)
            return page, time.monotonic() - start
        except Exception:
            page.screenshot(path=str(voila["tmp"] / f"{dash.name}-render-{n}.png"), full_page=True)
            page.close()
            raise
    return retry(attempt)


def _slider_boxes(page):
    """(box index, slider index) of every slider of every live sweep on the page."""
    counts = page.evaluate("""() => [...document.querySelectorAll('.widget-vbox')]
        .filter(box => box.querySelector(':scope > .widget-slider'))
        .map(box => box.querySelectorAll(':scope > .widget-slider').length)""")
    return [(b, s) for b, n in enumerate(counts) for s in range(n)]


_FIGURE = """([b]) => {
    const box = [...document.querySelectorAll('.widget-vbox')]
        .filter(box => box.querySelector(':scope > .widget-slider'))[b];
    const img = box.querySelector('img[alt]');
    return img ? img.src.length + ':' + img.src.slice(-64) + ':' + img.alt : '';
}"""


@pytest.mark.slow
def test_every_dashboard_renders_and_every_slider_reruns_the_model(voila, browser, capsys):
    timings = {}
    for dash in voila["dashboards"]:
        page, first = _render(browser, voila, dash)
        try:
            assert page.evaluate(_ERRORS) == [], dash.name
            title = page.locator("h1").first.inner_text()
            assert title.startswith(f"Dashboard: {dash.title}"), title
            before = _compiled_artifacts(voila["cache"])
            sliders = _slider_boxes(page)
            assert len({b for b, _ in sliders}) == dash.sweeps, dash.name
            for box, index in sliders:
                figure = page.evaluate(_FIGURE, [box])
                slider = page.locator(".widget-vbox:has(> .widget-slider)").nth(box) \
                    .locator(":scope > .widget-slider").nth(index)
                handle = slider.locator(".noUi-handle").first
                at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
                handle.focus()
                page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                # The kernel re-runs the model and sends a new figure.
                page.wait_for_function(f"([b, old]) => ({_FIGURE})([b]) !== old", arg=[box, figure],
                                       timeout=120_000, polling=250)
            assert page.evaluate(_ERRORS) == [], dash.name
            # Moving the sliders compiled nothing: spiking demos re-run a program built once.
            assert _compiled_artifacts(voila["cache"]) == before, dash.name
        except Exception:
            page.screenshot(path=str(voila["tmp"] / f"{dash.name}-sliders.png"), full_page=True)
            raise
        finally:
            page.close()
        timings[dash.name] = first
    # Render times are measured by `make bench` (bench/browser.py), not asserted here; printed for the log.
    with capsys.disabled():
        print("\ndashboard first render (s): " + ", ".join(f"{n} {t:.1f}" for n, t in timings.items()))


@pytest.mark.slow
def test_landing_page_links_every_dashboard(voila, browser):
    page = browser.new_page()
    try:
        page.set_default_timeout(STALL_S * 1000)
        page.goto(f"{voila['url']}/voila/render/index.ipynb", wait_until="commit")
        page.wait_for_selector("h1")
        links = page.evaluate("""() => [...document.querySelectorAll('h2 a[href$=".ipynb"]')]
                                 .map(a => a.href)""")
        assert links == [f"{voila['url']}/voila/render/{d.filename}" for d in voila["dashboards"]]
    except Exception:
        page.screenshot(path=str(voila["tmp"] / "index.png"), full_page=True)
        raise
    finally:
        page.close()


# ---------------------------------------------------------------------------------------------
# A slider that changes nothing is a bug: every grid value of every sweep gives its own figure.

class _WidgetState(HTMLParser):
    """The widget state a page of the static book embeds (every static sweep's frames)."""

    def __init__(self):
        super().__init__()
        self.inside, self.chunks = False, []

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and dict(attrs).get("type") == WIDGET_STATE

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.chunks.append(data)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def static_sweeps(page: Path) -> list[list[tuple[str, str]]]:
    """Every static sweep of a built page: its frames as (alt text, PNG in base64), in grid order."""
    parser = _WidgetState()
    parser.feed(page.read_text())
    if not parser.chunks:
        return []
    state = json.loads("".join(parser.chunks))["state"]

    def model(ref: str) -> dict:
        return state[ref.removeprefix("IPY_MODEL_")]

    def leaves(m: dict) -> list[dict]:
        if m["model_name"] == "StackModel":
            return [leaf for child in m["state"]["children"] for leaf in leaves(model(child))]
        return [m]

    found = []
    for m in state.values():
        is_box = m["model_name"] == "VBoxModel"
        children = [model(c) for c in m["state"].get("children", [])] if is_box else []
        # A static sweep: its sliders, then the stack of its frames.
        if len(children) >= 2 and children[-1]["model_name"] == "StackModel" and all(
                c["model_name"] == "SelectionSliderModel" for c in children[:-1]):
            frames = []
            for leaf in leaves(children[-1]):
                tag = leaf["state"]["value"]
                frames.append((re.search(r'alt="([^"]*)"', tag).group(1),
                               re.search(r'base64,([^"]+)"', tag).group(1)))
            found.append(frames)
    return found


@pytest.mark.slow
def test_every_grid_value_of_every_sweep_gives_its_own_figure(built_book):
    """Every move of every slider changes the figure: no two frames of a sweep are the same PNG.

    The static book draws every grid point of every sweep, with the model the live sliders run, so
    this covers every slider of every dashboard without a browser (make bench records, for every
    move it makes in Voila, whether the image changed)."""
    assert built_book.returncode == 0, built_book.log[-3000:]
    made = dashboards.collect(ROOT / "chapters", report=lambda _: None)
    same = []
    for dash in made:
        sweeps = static_sweeps(ROOT / "_build" / "html" / "chapters" / f"{dash.name}.html")
        assert len(sweeps) >= dash.sweeps, f"{dash.name}: {len(sweeps)} static sweeps in the book"
        for frames in sweeps:
            first_alt = {}
            for alt, png in frames:
                if png in first_alt:
                    same.append(f"{dash.name}: '{alt}' shows the same figure as '{first_alt[png]}'")
                first_alt.setdefault(png, alt)
    assert same == []
