"""The built book: it builds with no warning, every page loads nothing from the internet, every link
resolves, every launch and dashboard URL points at a file Binder has, and in a real (headless)
browser every page logs no console error, has no serious accessibility violation (axe-core) and
every static sweep slider switches its figure with no kernel."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser_tools import chromium, static_server

import nslib

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BIN = Path(sys.executable).parent
AXE = ROOT / "tests" / "vendor" / "axe.min.js"

pytestmark = pytest.mark.slow


def _load_dashboards_tool():
    spec = importlib.util.spec_from_file_location("tools_dashboards_book", ROOT / "tools" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages(built_book) -> list[str]:
    """Every HTML page of the book, relative to _build/html."""
    assert built_book.returncode == 0, built_book.log[-5000:]
    found = sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                   if not p.relative_to(HTML).parts[0].startswith("_"))
    assert len(found) >= 8
    return found


def test_book_builds_without_warnings_or_cell_errors(built_book):
    log = built_book.log
    assert built_book.returncode == 0, log[-5000:]
    # Sphinx warnings look like "path:line: WARNING: ..."; kernels' own log lines do not count.
    sphinx_warnings = [line for line in log.splitlines() if ": WARNING:" in line]
    assert sphinx_warnings == [] and "CellExecutionError" not in log, log[-5000:]
    assert (HTML / "index.html").exists()
    for page in ("chapters/00_neurons.html", "exercises/release/ch00_neurons/ch00_neurons.html",
                 "book/benchmarks.html"):
        assert (HTML / page).exists(), page


# ---------------------------------------------------------------------------------------------
# Static checks of the HTML.


class _PageParser(HTMLParser):
    """What a page loads by itself, its links, its ids, and its text outside code and scripts."""

    LOADING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
               ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")}
    NOT_TEXT = {"script", "style", "pre", "code", "textarea"}

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._skip = 0
        self._in_script = False

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
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag in self.NOT_TEXT:
            self._skip += 1
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag in self.NOT_TEXT and self._skip:
            self._skip -= 1
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        if not self._skip:
            self.text.append(data)


def _parse(page: str) -> _PageParser:
    parser = _PageParser()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    return parser


def _external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.I))


def test_pages_load_nothing_from_the_internet(pages):
    offenders = {page: bad for page in pages
                 if (bad := [u for u in _parse(page).loaded if _external(u)])}
    assert offenders == {}
    # CSS can load fonts and images too.
    for css in HTML.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="ignore"))
        assert not [u for u in urls if _external(u)], css


def test_every_internal_link_and_anchor_resolves(pages):
    ids = {page: _parse(page).ids for page in pages}
    broken = []
    for page in pages:
        for href in _parse(page).links:
            if not href or _external(href) or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
                continue  # external, mailto:, javascript:
            url = urllib.parse.urljoin(f"http://book/{page}", href)
            parts = urllib.parse.urlsplit(url)
            target = urllib.parse.unquote(parts.path.lstrip("/")) or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if not (HTML / target).is_file():
                broken.append(f"{page}: {href} (no file {target})")
            elif parts.fragment and target.endswith(".html"):
                anchors = ids.get(target) if target in ids else _parse(target).ids
                if urllib.parse.unquote(parts.fragment) not in anchors:
                    broken.append(f"{page}: {href} (no anchor #{parts.fragment} in {target})")
    assert broken == []


def test_no_page_shows_raw_myst(pages):
    raw = {}
    for page in pages:
        text = "".join(_parse(page).text)
        found = [m for m in ("{{", "{eval}", ":::{", "{cite:", "{glue:") if m in text]
        if found:
            raw[page] = found
    assert raw == {}


def test_pages_show_the_nslib_version(pages):
    version = nslib.__version__
    for page in pages:
        text = (HTML / page).read_text(encoding="utf-8")
        if page in ("genindex.html", "search.html") or 'http-equiv="Refresh"' in text:
            continue  # the index, the search page and the root's redirect to book/intro.html
        assert f"nslib</code> {version}" in text, page
    # The landing page evaluates {eval}`__import__("nslib").__version__` while the book builds.
    intro = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    assert f'<span class="nslib-eval">{version}</span>' in intro


def _prose_numbers_tool():
    spec = importlib.util.spec_from_file_location("tools_prose_numbers", ROOT / "tools" / "prose_numbers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _chapter_sources() -> list[Path]:
    return sorted((ROOT / "chapters").glob("[0-9][0-9]_*.md"))


def test_every_eval_in_a_chapter_shows_what_its_kernel_computed(pages):
    """The chapters' {eval} numbers are the values their executed code computed, in order."""
    for source in _chapter_sources():
        kept = ROOT / "_build" / ".evals" / "chapters" / f"{source.stem}.json"
        expected = sum(1 for _ in re.finditer(r"\{eval\}`", source.read_text(encoding="utf-8")))
        if not expected:
            continue
        values = [shown for _, shown in json.loads(kept.read_text())["values"]]
        text = (HTML / "chapters" / f"{source.stem}.html").read_text(encoding="utf-8")
        shown = [html.unescape(v) for v in re.findall(r'<span class="nslib-eval">([^<]*)</span>', text)]
        assert len(values) == expected, source.name
        assert shown == values, source.name


def test_no_chapter_types_a_number_its_code_printed(pages):
    """A decimal in the prose that equals a printed result must be written with {eval}."""
    tool = _prose_numbers_tool()
    found = []
    for source in _chapter_sources():
        found += [str(s) for s in tool.suspects(source, tool.executed_notebook(source))]
    assert found == [], "\n".join(found)


def test_the_hand_typed_number_check_can_fail(tmp_path):
    """The check above flags a copied result and accepts {eval}, parameters and other numbers."""
    import nbformat

    tool = _prose_numbers_tool()
    page = tmp_path / "page.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n---\n\n"
        "```{code-cell} ipython3\nsigma = 0.25\nprint(0.7342, 12.5, sigma)\n```\n\n"
        "Accuracy is 0.73 (typed), or {eval}`f\"{acc:.2f}\"`; sigma is 0.25; the rate 3.14.\n")
    source = tool.book_cache.read_notebook(page, tool.book_cache.book_config(ROOT))
    executed = nbformat.from_dict(source)
    executed.cells[0].outputs = [nbformat.v4.new_output("stream", text="0.7342 12.5 0.25\n")]
    found = tool.suspects(page, executed)
    assert [s.number for s in found] == ["0.73"]
    assert "0.7342" in str(found[0])


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _repository() -> tuple[str, str, str]:
    config = _config()["repository"]
    org, repo = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", config["url"]).groups()
    return org, repo, config["branch"]


def _tracked_files() -> set[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _binder_paths() -> tuple[set[str], set[str]]:
    """(files in the repository, files postBuild generates on Binder)."""
    tracked = _tracked_files()
    generated = set()
    # postBuild runs `python -m grader release`: one student notebook per assignment in source/.
    for path in tracked:
        match = re.fullmatch(r"exercises/source/([^/]+)/\1\.ipynb", path)
        if match:
            generated.add(f"exercises/release/{match.group(1)}/{match.group(1)}.ipynb")
    # ... and `python tools/dashboards.py`.
    for dashboard in _load_dashboards_tool().collect(ROOT / "chapters", report=lambda _: None):
        generated.add(f"dashboards/{dashboard.filename}")
    generated.add("dashboards/index.ipynb")
    return tracked, generated


def _urls(page: str) -> list[str]:
    text = (HTML / page).read_text(encoding="utf-8")
    return [html.unescape(u) for u in re.findall(r'href="(https?://[^"]+)"', text)]


def test_launch_and_dashboard_urls_point_at_files_binder_has(pages):
    org, repo, branch = _repository()
    binderhub = _config()["launch_buttons"]["binderhub_url"].rstrip("/")
    tracked, generated = _binder_paths()
    binder = re.compile(rf"^{re.escape(binderhub)}/v2/gh/(?P<org>[^/]+)/(?P<repo>[^/]+)/(?P<branch>[^/?]+)"
                        r"\?(?P<query>.*)$")
    problems = []
    launches: dict[str, set[str]] = {}
    for page in pages:
        for url in _urls(page):
            if url.startswith(binderhub):
                match = binder.match(url)
                if not match:
                    problems.append(f"{page}: malformed Binder URL {url}")
                    continue
                if (match["org"], match["repo"], match["branch"]) != (org, repo, branch):
                    problems.append(f"{page}: Binder URL for another repository or branch: {url}")
                query = urllib.parse.parse_qs(match["query"], strict_parsing=True)
                if list(query) != ["urlpath"] or len(query["urlpath"]) != 1:
                    problems.append(f"{page}: Binder URL without a single urlpath: {url}")
                    continue
                urlpath = query["urlpath"][0]
                form = re.fullmatch(r"lab/tree/(?P<path>[^?#]+\.(md|ipynb))"
                                    r"|voila/render/(?P<dash>dashboards/[^/?#]+\.ipynb)", urlpath)
                if not form:
                    problems.append(f"{page}: Binder urlpath is neither lab/tree/<.md|.ipynb> nor "
                                    f"voila/render/dashboards/<.ipynb>: {urlpath}")
                    continue
                path = form["path"] or form["dash"]
                if form["path"] and path not in tracked | generated:
                    problems.append(f"{page}: launches {path}, which Binder does not have")
                if form["dash"] and path not in generated:
                    problems.append(f"{page}: opens dashboard {path}, which postBuild does not make")
                launches.setdefault(page, set()).add(urlpath)
            github = re.match(rf"^https://github\.com/{re.escape(org)}/{re.escape(repo)}"
                              r"(?:/(?P<kind>blob|tree)/(?P<branch>[^/]+)/(?P<path>[^?#]*))?", url)
            if github and github["kind"]:
                path = urllib.parse.unquote(github["path"]).rstrip("/")
                exists = (path in tracked if github["kind"] == "blob"
                          else any(f.startswith(path + "/") for f in tracked))
                if github["branch"] != branch or not exists:
                    problems.append(f"{page}: {url} is not in the repository on {branch}")
        thebe = re.search(r'binderOptions: \{\s*repo: "([^"]+)",\s*ref: "([^"]+)"',
                          (HTML / page).read_text(encoding="utf-8"))
        if thebe and thebe.groups() != (f"{org}/{repo}", branch):
            problems.append(f"{page}: Thebe launches {thebe.groups()}")
    assert problems == []
    # Every chapter and exercise page launches its own file, and a chapter with a dashboard links it.
    tool = _load_dashboards_tool()
    for page in pages:
        if page.startswith("chapters/"):
            source = page.replace(".html", ".md")
            assert f"lab/tree/{source}" in launches.get(page, set()), page
            if tool.has_dashboard(ROOT / source):
                name = Path(source).stem
                assert f"voila/render/dashboards/{name}.ipynb" in launches[page], page
        if page.startswith("exercises/release/"):
            assert f"lab/tree/{page.replace('.html', '.ipynb')}" in launches.get(page, set()), page


def test_chapter_banners_give_the_version_the_dashboard_and_the_exercise(pages):
    tool = _load_dashboards_tool()
    chapters = [p for p in pages if p.startswith("chapters/")]
    assert chapters
    for page in chapters:
        text = (HTML / page).read_text(encoding="utf-8")
        banner = re.search(r'<div class="nslib-chapter-banner[^"]*">(.*?)</div>', text, re.S)
        assert banner, page
        body = banner.group(1)
        words = " ".join(re.sub(r"<[^>]+>", "", body).split())
        assert words.startswith(f"Models from nslib {nslib.__version__}"), words
        number = Path(page).name[:2]
        exercise = re.search(r'href="(\.\./exercises/release/ch' + number + r'_[^"#]+\.html)"', body)
        assert exercise and (HTML / "chapters" / exercise.group(1)).resolve().is_file(), body
        has_dashboard = tool.has_dashboard(ROOT / page.replace(".html", ".md"))
        assert ("voila/render/dashboards/" in body) == has_dashboard, page


def test_landing_page_maps_every_chapter_with_a_figure(pages):
    text = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    cards = re.findall(r'<div class="nslib-chapter-card([^"]*)">(.*?)</div>', text, re.S)
    chapters = sorted(p for p in pages if re.fullmatch(r"chapters/\d\d_\w+\.html", p))
    # One card per chapter in the table of contents, so a new chapter needs its card.
    assert len(cards) == len(chapters) >= 7, (len(cards), chapters)
    linked = []
    for classes, body in cards:
        link = re.search(r'href="\.\./(chapters/[^"#]+\.html)"', body)
        if "planned" in classes:
            assert link is None and "(planned)" in body
            continue
        assert link, body
        linked.append(link.group(1))
        image = re.search(r'<img[^>]*\balt="([^"]{20,})"[^>]*>', body)
        assert image, f"the card of {link.group(1)} has no figure with alt text"
        src = re.search(r'\bsrc="([^"]+)"', image.group(0)).group(1)
        assert (HTML / "book" / src).resolve().is_file(), src
    assert linked == chapters


# ---------------------------------------------------------------------------------------------
# Every page in a real browser.

_WIDGETS_RENDERED = """() => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
    const areas = [...document.querySelectorAll('.widget-subarea')];
    return areas.length === views.length && areas.every(a => a.children.length > 0)
        && [...document.images].every(i => i.complete);
}"""

_SWEEPS = """() => [...document.querySelectorAll('.widget-vbox')]
    .filter(box => box.querySelector(':scope > .widget-slider'))
    .map(box => box.querySelectorAll(':scope > .widget-slider').length)"""

_SHOWN = """([b]) => {
    const box = [...document.querySelectorAll('.widget-vbox')]
        .filter(box => box.querySelector(':scope > .widget-slider'))[b];
    return [...box.querySelectorAll('img')]
        .filter(i => i.offsetParent !== null && i.getBoundingClientRect().height > 0)
        .map(i => i.alt + '|' + i.src.length + '|' + i.src.slice(-48));
}"""


_TYPESET = r"""async () => {
    if (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) {
        return 'no widgets';
    }
    if (!window.MathJax || !window.MathJax.Hub) return 'no MathJax.Hub';
    const label = document.createElement('span');
    label.textContent = '\\(\\tau_m\\)';
    document.body.appendChild(label);
    window.MathJax.Hub.Queue(['Typeset', window.MathJax.Hub, label]);
    for (let i = 0; i < 100 && !label.querySelector('mjx-container'); i++) {
        await new Promise(r => setTimeout(r, 100));
    }
    const done = label.querySelector('mjx-container') !== null;
    label.remove();
    return done ? 'typeset' : 'not typeset after 10 s';
}"""


def _check_page(page, url: str, server: str) -> list[str]:
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text[:300]}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle", timeout=120_000)
    page.wait_for_function(_WIDGETS_RENDERED, timeout=120_000, polling=250)
    # Images: every one has alt text (widget figures included, once rendered).
    no_alt = page.evaluate("() => [...document.images].filter(i => !(i.getAttribute('alt') || '').trim())"
                           ".map(i => i.src.slice(0, 80))")
    problems += [f"image without alt text: {src}" for src in no_alt]
    # Static sweeps: every slider switches the figure shown, in the browser, with no kernel.
    for box, count in enumerate(page.evaluate(_SWEEPS)):
        for index in range(count):
            slider = page.locator(".widget-vbox:has(> .widget-slider)").nth(box) \
                .locator(":scope > .widget-slider").nth(index)
            handle = slider.locator(".noUi-handle").first
            low, high, now = (handle.get_attribute(a) for a in ("aria-valuemin", "aria-valuemax",
                                                                 "aria-valuenow"))
            if low == high:
                continue  # a one-value slider has nowhere to go
            before = page.evaluate(_SHOWN, [box])
            handle.scroll_into_view_if_needed()
            handle.focus()
            page.keyboard.press("ArrowLeft" if now == high else "ArrowRight")
            try:
                page.wait_for_function(f"([b, old]) => JSON.stringify(({_SHOWN})([b])) !== old",
                                       arg=[box, json.dumps(before)], timeout=10_000)
            except Exception:
                problems.append(f"slider {index + 1} of sweep {box + 1} does not change the figure")
                continue
            after = page.evaluate(_SHOWN, [box])
            if len(after) != 1:
                problems.append(f"sweep {box + 1} shows {len(after)} figures after a move")
    # Widget labels are typeset: the widgets' MathJax 2 call (Hub.Queue) reaches MathJax 3.
    typeset = page.evaluate(_TYPESET)
    if typeset not in ("no widgets", "typeset"):
        problems.append(f"widget labels are not typeset: {typeset}")
    # Accessibility: no serious or critical violation (axe-core; preload off: it would re-fetch
    # the stylesheets relative to the page, and its own 404s are not the page's).
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document,
            {preload: false, resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id}: ${v.nodes.length} nodes, e.g. ${v.nodes[0].html.slice(0, 160)}`)""")
    problems += [f"axe {v}" for v in violations]
    external = [u for u in requests if not u.startswith((server, "data:", "blob:", "about:"))]
    problems += [f"request leaving 127.0.0.1: {u}" for u in external]
    return problems


def test_every_page_in_a_browser(pages, tmp_path):
    """No console error, no request leaving 127.0.0.1, alt text on every image, every static slider
    switches its figure, and no serious or critical axe-core violation, on every page."""
    found = {}
    with static_server(HTML) as server, chromium() as browser:
        for rel in pages:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            try:
                problems = _check_page(page, f"{server}/{rel}", server)
            except Exception as exc:  # a page that never renders is a problem of that page
                problems = [f"{type(exc).__name__}: {exc}"]
            if problems:
                found[rel] = problems
                page.screenshot(path=str(tmp_path / (rel.replace("/", "_") + ".png")), full_page=True)
            page.close()
    assert found == {}, f"screenshots in {tmp_path}"
