"""Binder: environment.yml, postBuild and start make every chapter, exercise and dashboard work, and
a chapter opened in JupyterLab the way Binder opens it renders and runs as it does in the book."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml
from browser_tools import STALL_S, chromium, evidence, free_port, server_process, wait_progressing

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def overrides_text() -> str:
    """The overrides.json postBuild writes, verbatim (postBuild is its only copy)."""
    match = re.search(r"<<'JSON'\n(.*?\n)JSON\n", (ROOT / "postBuild").read_text(), re.S)
    assert match, "postBuild writes overrides.json from a here-document"
    return match.group(1)


def binder_overrides() -> dict:
    """The JupyterLab settings postBuild writes (its overrides.json)."""
    return json.loads(overrides_text())


def test_environment_has_what_binder_needs():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    names = {re.split(r"[=<>]", p)[0].lower().replace("_", "-") for p in pip if not p.startswith("-")}
    # conda's compiler for Brian2 (start activates it); the notebook, dashboard and MyST tools.
    assert "cxx-compiler" in conda and "make" in conda
    assert {"jupyterlab", "jupytext", "jupyterlab-myst", "voila", "ipywidgets", "brian2",
            "nbgrader"} <= names


def test_postbuild_installs_nslib_releases_exercises_generates_dashboards_and_opens_md_as_notebooks():
    text = (ROOT / "postBuild").read_text()
    commands = [line.strip() for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -euo pipefail"
    for command in ("pip install --no-deps --no-build-isolation -e .", "python -m grader release",
                    "python tools/dashboards.py"):
        assert command in commands, command
    overrides = binder_overrides()
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    # A notebook whose kernel JupyterLab cannot match yet (Run pressed before the notebook's own
    # kernel name is read) starts the server's default kernel instead of asking in a dialog.
    assert overrides["@jupyterlab/notebook-extension:tracker"] == {"autoStartDefaultKernel": True}
    assert os.access(ROOT / "postBuild", os.X_OK) and os.access(ROOT / "start", os.X_OK)


def _fake_prefix(tmp_path: Path, script: str) -> Path:
    prefix = tmp_path / "env"
    (prefix / "etc" / "conda" / "activate.d").mkdir(parents=True)
    (prefix / "etc" / "conda" / "activate.d" / "activate-gxx.sh").write_text(script)
    return prefix


def test_start_activates_condas_compiler_then_runs_the_command(tmp_path):
    # As conda-forge's gxx activation script does: CXX from the environment's prefix.
    prefix = _fake_prefix(tmp_path, 'export CXX="$CONDA_PREFIX/bin/x86_64-conda-linux-gnu-c++"\n'
                                    'echo "$UNSET_VARIABLE" > /dev/null\n')
    env = {"PATH": os.environ["PATH"], "NB_PYTHON_PREFIX": str(prefix), "HOME": str(tmp_path)}
    out = subprocess.run([str(ROOT / "start"), "sh", "-c", 'echo "CXX=$CXX"; exit 3'],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 3  # exec: the command's own exit status
    assert out.stdout.strip() == f"CXX={prefix}/bin/x86_64-conda-linux-gnu-c++"


def test_start_without_a_conda_prefix_just_runs_the_command(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    out = subprocess.run([str(ROOT / "start"), "sh", "-c", 'echo "CXX=${CXX:-none}"'],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "CXX=none"


# ---------------------------------------------------------------------------------------------
# A chapter in JupyterLab, started with Binder's settings.

CHAPTER = "chapters/00_neurons.md"

_PROMPTS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim())"""

# What a reader sees of each markdown cell: cells are scrolled into view, since JupyterLab skips
# laying out the cells outside the window.
_MARKDOWN = """async () => {
    const shown = [];
    for (const cell of document.querySelectorAll('.jp-MarkdownCell')) {
        cell.scrollIntoView();
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        const rendered = cell.querySelector('.jp-InputArea > .myst, .jp-RenderedMarkdown');
        shown.push({text: rendered ? rendered.innerText : null,
                    errors: rendered ? rendered.querySelectorAll(
                        '[data-mime-type="application/vnd.jupyter.stderr"]').length : 0});
    }
    return shown;
}"""

_OUTPUTS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-OutputArea-output')]
    .map(e => ({mime: e.getAttribute('data-mime-type') || '', text: e.textContent}))"""

_FIGURE = """() => { const handle = document.querySelector('.widget-slider .noUi-handle');
    const box = handle && handle.closest('.widget-vbox');
    const img = box && box.querySelector('img[alt]');
    return img ? img.alt + '|' + img.src.length + '|' + img.src.slice(-64) : ''; }"""

_ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b", re.M)


# Every kernel session the server has: its path and its kernel's name and state.
_SESSIONS = """async () => (await (await fetch('/api/sessions')).json())
    .map(s => ({path: s.path, name: s.kernel && s.kernel.name,
                state: s.kernel && s.kernel.execution_state}))"""

# The notebook is shown and its kernel (the one the front matter names) is up and idle. JupyterLab's
# execution indicator says "idle" before any kernel exists, so the server is asked.
_KERNEL_READY = """async (path) => {
    const name = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
    if (!name || !/Python 3/.test(name.textContent)) return false;
    const sessions = await (await fetch('/api/sessions')).json();
    return sessions.some(s => s.path === path && s.kernel && s.kernel.name === 'python3'
                              && s.kernel.execution_state === 'idle');
}"""

# What moves while the chapter runs: the prompts and the number of outputs.
_RUN_PROGRESS = f"""() => [({_PROMPTS})().join(' '),
    document.querySelectorAll('.jp-CodeCell .jp-OutputArea-output').length]"""
_RUN_DONE = f"() => ({_PROMPTS})().every(p => p !== '' && p !== '[ ]:' && p !== '[*]:')"


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with postBuild's overrides.json, no token, a temporary root."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    (root / "chapters").mkdir(parents=True)
    shutil.copy(ROOT / CHAPTER, root / CHAPTER)
    # The same settings file Binder gets: postBuild's here-document, byte for byte, in the folder
    # that JupyterLab reads overrides.json from ({sys.prefix}/share/jupyter/lab/settings on Binder).
    settings = tmp / "settings"
    settings.mkdir()
    (settings / "overrides.json").write_text(overrides_text())
    env = {k: v for k, v in os.environ.items() if k != "NSLIB_SWEEP_MODE"}  # live, as on Binder
    for name, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "runtime")):
        env[name] = str(tmp / folder)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
           "--ServerApp.password=", f"--ServerApp.root_dir={root}",
           f"--LabApp.app_settings_dir={settings}"]
    if os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    log = tmp / "lab.log"
    with server_process(cmd, ready_url=url + "/api", cwd=tmp, env=env, log=log):
        yield {"url": url, "tmp": tmp, "log": log}


def _lab_setting(url: str, plugin: str, key: str):
    """The value JupyterLab uses for one setting: the user's, else the default, which is where
    overrides.json goes."""
    with urllib.request.urlopen(f"{url}/lab/api/settings/{plugin}", timeout=30) as response:
        answer = json.load(response)
    return answer["settings"].get(key, answer["schema"]["properties"][key]["default"])


@pytest.mark.slow
def test_chapter_opens_as_a_notebook_renders_its_myst_and_runs(jupyterlab):
    """One attempt: every wait fails within STALL_S of no progress, with a screenshot and the end
    of JupyterLab's log, and at once when a dialog (e.g. *Select Kernel*) covers the notebook."""
    url = jupyterlab["url"]
    # JupyterLab applies postBuild's settings (it would ignore a misspelt plugin or key).
    assert _lab_setting(url, "@jupyterlab/notebook-extension:tracker", "autoStartDefaultKernel") is True
    viewers = _lab_setting(url, "@jupyterlab/docmanager-extension:plugin", "defaultViewers")
    assert viewers["markdown"] == "Jupytext Notebook"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STALL_S * 1000)
        try:
            _open_run_and_check(page, url)
        except Exception as exc:
            raise AssertionError(f"{exc}\n{evidence(page, jupyterlab['tmp'], 'lab', jupyterlab['log'])}") \
                from exc


def _open_run_and_check(page, url):
    page.goto(f"{url}/lab/tree/{CHAPTER}")
    # Binder's settings open the .md file with the Jupytext Notebook viewer, not as text.
    wait_progressing(page, "() => !!document.querySelector('.jp-NotebookPanel .jp-CodeCell')",
                     what="the chapter opens as a notebook")
    # As a reader would, wait until the toolbar names the kernel and the kernel is idle.
    wait_progressing(page, _KERNEL_READY, arg=CHAPTER, progress=_SESSIONS,
                     what="the chapter's python3 kernel starts")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # Run All: keeps waiting while prompts and outputs change, stops within STALL_S when they do not.
    wait_progressing(page, _RUN_DONE, progress=_RUN_PROGRESS, what="Run All Cells")
    prompts = page.evaluate(_PROMPTS)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), prompts  # every cell ran
    outputs = page.evaluate(_OUTPUTS)
    assert outputs, "the chapter prints and draws"
    errors = [o["text"][:300] for o in outputs if _ERROR_TEXT.search(o["text"])]
    assert errors == []
    # MyST renders: no directive fence or substitution shows as raw text, no inline eval fails.
    markdown = page.evaluate(_MARKDOWN)
    assert markdown and all(cell["text"] is not None for cell in markdown)
    raw = [line for cell in markdown for line in cell["text"].splitlines()
           if ":::{" in line or "{{" in line or "{eval}" in line or "{cite" in line]
    assert raw == [], (f"raw MyST in JupyterLab: {raw}. jupyterlab-myst renders no {{{{ }}}} "
                       "substitution: write {eval}`expression` (see book/_ext/nslib_book/evals.py)")
    assert sum(cell["errors"] for cell in markdown) == 0
    # A slider re-runs the model in the kernel (live mode) and shows the new figure.
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    before = page.evaluate(_FIGURE)
    assert before, "the demo shows a figure"
    handle.focus()
    page.keyboard.press("ArrowRight")
    wait_progressing(page, f"(old) => ({_FIGURE})() !== old", arg=before,
                     what="a slider step redraws the demo's figure")
