"""Figures and tables of the benchmarks page (book/benchmarks.md), drawn from bench/results.json.

Each function takes the loaded results and returns a figure (in the course's style,
`nslib.plots.new_figure`) or a Markdown table; they compute nothing but summaries.
"""

from __future__ import annotations

import math
import re

import numpy as np

from nslib.plots import PALETTE, new_figure

NOT_MEASURED = "*Not measured in the committed run (see the run's log: the section is missing or failed).*"


def _guarded(func):
    """A table or figure that says it was not measured, rather than failing the book build."""
    import functools

    @functools.wraps(func)
    def wrapper(results, *args, **kwargs):
        try:
            out = func(results, *args, **kwargs)
        except (KeyError, ValueError, IndexError, TypeError, ZeroDivisionError):
            out = None
        if out is None or out == "":
            if func.__name__.startswith("plot_"):
                from IPython.display import Markdown

                return Markdown(NOT_MEASURED)
            return NOT_MEASURED
        return out
    return wrapper


LIMIT_BAND = (1e8, 1e9)  # synaptic events per second per core, the usual estimate
CUBA_COLOURS = {"numpy": PALETTE[5], "cython (cold cache)": PALETTE[6], "cython (warm cache)": PALETTE[1],
                "cpp_standalone (first build)": PALETTE[4], "cpp_standalone (re-run)": PALETTE[0]}
CUBA_MARKERS = {"numpy": "s", "cython (cold cache)": "x", "cython (warm cache)": "^",
                "cpp_standalone (first build)": "D", "cpp_standalone (re-run)": "o"}


def _fmt(value, digits: int = 2, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, float)) and abs(value) >= 1e5:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa}×10<sup>{int(exponent)}</sup>{unit}"
    return f"{value:.{digits}g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def table(header: list[str], rows: list[list]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


# -- CUBA -------------------------------------------------------------------------------------

def cuba_rows(results: dict) -> list[dict]:
    return [r for r in results["sections"]["cuba"]["rows"] if "error" not in r]


def machine_limit(results: dict) -> dict[int, float]:
    """Measured events per second of the bare propagation loop, by N."""
    limit = results["sections"]["cuba"].get("event_limit", {})
    return {r["n_neurons"]: r["events_per_s"] for r in limit.get("rows", [])}


@_guarded
def cuba_table(results: dict) -> str:
    limit = machine_limit(results)
    rows = []
    for r in cuba_rows(results):
        below = limit.get(r["n"])
        rows.append([r["label"], f"{r['n']:,}", _fmt(r["wall_s"], 3, " s"), _fmt(r["per_bio_s"], 3, " s"),
                     _fmt(r["events_per_s"], 2), f"{below / r['events_per_s']:.0f}×" if below and
                     r["events_per_s"] else "–", f"{r['peak_mb']:.0f} MB",
                     f"{r['program_mb']:.0f} MB" if r.get("program_mb") else "–", f"{r['rate_hz']:.1f} Hz"])
    return table(["target", "N", "wall time of one run", "loop time per biological second",
                  "synaptic events/s", "below the machine's loop", "peak memory",
                  "compiled program alone", "mean rate"], rows)


@_guarded
def cuba_distance(results: dict) -> str:
    """How far each target's best events per second is from the usual limit and from this machine's loop."""
    limit = machine_limit(results)
    lines = []
    for label in ("numpy", "cython (warm cache)", "cpp_standalone (re-run)"):
        rows = [r for r in cuba_rows(results) if r["label"] == label and r["events_per_s"]]
        if not rows:
            continue
        best = max(rows, key=lambda r: r["events_per_s"])
        machine = limit.get(best["n"])
        lines.append(f"- `{label}`: at best {_fmt(best['events_per_s'])} events/s (N = {best['n']:,}), "
                     f"{LIMIT_BAND[0] / best['events_per_s']:.0f}× below the low end of the usual "
                     f"10<sup>8</sup>–10<sup>9</sup>/s"
                     + (f" and {machine / best['events_per_s']:.0f}× below this machine's bare loop"
                        if machine else "") + ".")
    return "\n".join(lines)


@_guarded
def plot_cuba_events(results: dict):
    """Synaptic events per second against N, for every target, beside the machine's limit."""
    fig, ax = new_figure(width=9.0, height=4.2)
    ax.axhspan(*LIMIT_BAND, color="0.85", label="usual limit per core (10⁸–10⁹/s)")
    limit = machine_limit(results)
    if limit:
        ns = sorted(limit)
        ax.plot(ns, [limit[n] for n in ns], color=PALETTE[7], ls="--", lw=1.5,
                label="this machine: the bare propagation loop (C++)")
    for label in CUBA_COLOURS:
        rows = sorted((r for r in cuba_rows(results) if r["label"] == label and r["events_per_s"]),
                      key=lambda r: r["n"])
        if rows and label != "cython (cold cache)":
            ax.plot([r["n"] for r in rows], [r["events_per_s"] for r in rows], marker=CUBA_MARKERS[label],
                    color=CUBA_COLOURS[label], label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("neurons N")
    ax.set_ylabel("synaptic events per second (1/s)")
    ax.set_title("CUBA network: synaptic events per second of simulation loop")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return fig


@_guarded
def plot_cuba_time(results: dict):
    """Wall time per biological second (loop) and of a whole run, against N."""
    fig, (ax_loop, ax_wall) = new_figure(2, width=4.6, height=3.8)
    for label in CUBA_COLOURS:
        rows = sorted((r for r in cuba_rows(results) if r["label"] == label), key=lambda r: r["n"])
        if not rows:
            continue
        ns = [r["n"] for r in rows]
        style = dict(marker=CUBA_MARKERS[label], color=CUBA_COLOURS[label], label=label)
        if label != "cpp_standalone (first build)":
            ax_loop.plot(ns, [r["per_bio_s"] for r in rows], **style)
        ax_wall.plot(ns, [r["wall_s"] for r in rows], **style)
    for ax, title, ylabel in ((ax_loop, "Simulation loop", "seconds per biological second (s/s)"),
                              (ax_wall, "One whole run (setup, build, loop)", "wall time (s)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("neurons N")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    ax_wall.legend(fontsize=7)
    return fig


# -- sweeps -----------------------------------------------------------------------------------

def sweep_rows(results: dict) -> list[dict]:
    return results["sections"]["sweeps"]["sweeps"]


@_guarded
def sweep_table(results: dict) -> str:
    rows = []
    for s in sweep_rows(results):
        kind = "inherently slow" if s["slow_reason"] else s["kind"]
        rows.append([f"{s['chapter'][:2]} `{s['sweep']}`", kind, s["n_points"],
                     _fmt(s["latency_median_s"], 2, " s"), _fmt(s["latency_p95_s"], 2, " s"),
                     _fmt(s["compute_median_s"], 2, " s"), _fmt(s["plot_median_s"], 2, " s"),
                     _fmt(s["render_median_s"], 2, " s"), _fmt(s.get("cpu_median_s"), 2, " s"),
                     _fmt(s["cached_median_s"] * 1000, 2, " ms"),
                     f"≤ {s['target_s']:g} s" + (" (worst)" if s["slow_reason"] else ""),
                     verdict(s["meets_target"])])
    return table(["sweep", "model", "points", "median", "p95", "model proper", "building the figure",
                  "rendering", "CPU", "cached", "target", ""], rows)


@_guarded
def plot_sweeps(results: dict):
    """Median latency per sweep, split into its parts, with the p95 and the target."""
    sweeps = sweep_rows(results)
    fig, ax = new_figure(width=8.0, height=0.42 * len(sweeps) + 1.4)
    y = np.arange(len(sweeps))[::-1]
    left = np.zeros(len(sweeps))
    for key, label, colour in (("compute_median_s", "model proper", PALETTE[0]),
                               ("plot_median_s", "building the figure", PALETTE[1]),
                               ("render_median_s", "rendering to PNG", PALETTE[2])):
        width = np.array([s[key] or 0.0 for s in sweeps])
        ax.barh(y, width, left=left, color=colour, label=label, height=0.6)
        left += width
    ax.plot([s["latency_p95_s"] for s in sweeps], y, "|", color=PALETTE[7], ms=14, mew=2, label="p95 latency")
    ax.plot([s["target_s"] for s in sweeps], y, "v", color=PALETTE[5], ms=7, label="target")
    ax.set_yticks(y, [f"{s['chapter'][:2]} {s['sweep']}" for s in sweeps])
    ax.set_xlim(0, 1.05 * max(max(s["latency_p95_s"], s["target_s"]) for s in sweeps))
    ax.set_xlabel("seconds from a slider move to the new figure (median)")
    ax.set_title("Live sweeps: where a slider move's time goes")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=5)
    return fig


# -- the book, grading, dashboards ------------------------------------------------------------

@_guarded
def plot_book(results: dict):
    """The book's build times against their targets, and each chapter's execution time."""
    book = results["sections"]["book"]
    fig, (ax_build, ax_pages) = new_figure(2, width=4.8, height=3.6)
    names = ["cold", "warm", "touch", "edit"]
    labels = ["cold full build", "warm, no change", "one chapter touched", "one code cell edited"]
    values = [book.get(n, {}).get("total_s", float("nan")) for n in names]
    ax_build.bar(labels, values, color=[PALETTE[0], PALETTE[2], PALETTE[1], PALETTE[3]])
    ax_build.axhline(book["targets"]["book_cold_s"], color=PALETTE[5], ls="--", label="cold target (10 min)")
    ax_build.axhline(book["targets"]["book_one_chapter_s"], color=PALETTE[7], ls=":",
                     label="one-chapter target (90 s)")
    ax_build.set_ylabel("wall time (s)")
    ax_build.set_title("make book")
    ax_build.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax_build.legend(fontsize=7)
    executed = book.get("cold", {}).get("executed", {})
    pages = sorted(executed)
    ax_pages.barh(np.arange(len(pages))[::-1], [executed[p] for p in pages], color=PALETTE[0])
    ax_pages.set_yticks(np.arange(len(pages))[::-1], [p.split("/")[-1].removesuffix(".md") for p in pages])
    ax_pages.axvline(120, color=PALETTE[5], ls="--", label="chapter budget (2 min)")
    ax_pages.set_xlabel("execution time in the cold build (s)")
    ax_pages.set_title("Each page's execution")
    ax_pages.legend(fontsize=7)
    return fig


@_guarded
def grading_table(results: dict) -> str:
    section = results["sections"]["grading"]
    alone_target = section.get("target_alone_s")
    rows = [[f"`{r['assignment']}`", r["batch"], _fmt(r["wall_s"], 3, " s"),
             _fmt(r["per_submission_s"], 2, " s"), f"{r.get('full_marks', '–')} / {r['batch']}",
             f"{r['peak_mb']:.0f} MB",
             verdict(r["per_submission_s"] <= section["target_s"] and r.get("returncode") == 0)]
            + ([_fmt(r["alone_s"], 2, " s"), verdict(r["alone_s"] <= alone_target)]
               if alone_target and "alone_s" in r else ([] if not alone_target else ["–", "–"]))
            for r in section["rows"]]
    headers = ["assignment", "submissions", "batch wall time", "per submission", "full marks",
               "peak memory", f"≤ {section['target_s']:g} s"]
    if alone_target:
        headers += ["one graded alone (--jobs 1)", f"≤ {alone_target:g} s"]
    text = table(headers, rows)
    per_student = sum(r["per_submission_s"] for r in section["rows"])
    if per_student > 0:
        # A class of 500 students handing in every assignment, graded on one machine like this one.
        hours = 500 * per_student / 3600
        text += (f"\n\nThroughput with {section.get('jobs', 'the default number of')} jobs: "
                 f"{60 / (per_student / len(section['rows'])):.0f} submissions a minute on average. "
                 f"A class of 500 students × {len(section['rows'])} assignments "
                 f"({500 * len(section['rows']):,} notebooks) would take about {hours:.1f} h on one such "
                 f"machine, or {hours / 8:.1f} h in 8 shards (`course-grade --shard K/8`).")
    return text


def _dashboard_rows(results: dict) -> list[dict]:
    """The dashboards measured in the browser (rows of the section's current format)."""
    return [r for r in results["sections"].get("dashboards", {}).get("rows", []) if "render_s" in r]


@_guarded
def dashboards_table(results: dict) -> str:
    """Each dashboard's first render in the browser, and where it goes in the kernel."""
    section = results["sections"].get("dashboards", {})
    if "skipped" in section:
        return f"*Not measured:* {section['skipped']}"
    target = section.get("target_render_s", 5.0)
    rows = []
    for r in section.get("rows", []):
        if "render_s" not in r:
            last = (r.get("error") or "?").strip().splitlines()[-1].replace("|", "/")[-150:]
            rows.append([f"`{r['dashboard']}`", f"failed: `{last}`"] + ["–"] * 9)
            continue
        k = r.get("kernel") or {}
        cpu = k.get("cpu_s", {})
        kernel_total = k.get("total_s")
        heavy = " + ".join(m for m in k.get("heavy_modules", []) if m in ("brian2", "torch")) or "–"
        slowest = k.get("slowest_setup_cell")

        def part(wall, cpu_key, cpu=cpu):
            # Wall seconds, and the kernel's CPU seconds (which a busy machine does not stretch).
            used = cpu.get(cpu_key)
            return _fmt(wall, 2, " s") + ("" if used is None else f" (CPU {used:.1f} s)")

        rest = None if kernel_total is None else r["render_median_s"] - kernel_total
        rows.append([f"`{r['dashboard']}`", len(r["sweeps"]), _fmt(r["first_render_s"], 2, " s"),
                     _fmt(r["render_median_s"], 2, " s"), part(k.get("kernel_start_s"), "kernel_start"),
                     f"{part(k.get('imports_s'), 'imports')}, {heavy}",
                     part(k.get("setup_s"), "setup") + (f"; slowest `{slowest[1][:40]}`" if slowest and
                                                         slowest[0] > 0.5 else ""),
                     part(k.get("first_frames_s"), "first_frames"), part(k.get("gc_freeze_s"), "gc_freeze"),
                     _fmt(rest if rest is not None and rest > 0 else None, 2, " s"),
                     verdict(r["render_median_s"] <= target)])
    imports = section.get("imports_s", {})
    note = ("\n\nImporting alone, in a fresh interpreter: " + ", ".join(
        f"`{m}` {v:.2f} s" for m, v in imports.items()) + ". The kernel side runs apart from the renders, "
        "so on a busy machine its wall times need not add up to a render (*the rest* is then not shown); "
        "its CPU seconds do not depend on the load, and include any program compiled.") if imports else ""
    return table(["dashboard", "sweeps", "first render", "render (median of 2)", "kernel start",
                  "first cell: imports", "set-up cells", "sweep cells (first frames)", "gc freeze",
                  "Voila and browser (the rest)", f"≤ {target:g} s"], rows) + note


@_guarded
def browser_table(results: dict) -> str:
    """Every sweep of every dashboard, end to end in the browser, beside its kernel-side latency."""
    rows = []
    for r in _dashboard_rows(results):
        for x in r["sweeps"]:
            kind = "inherently slow" if x.get("slow_reason") else x.get("kind", "?")
            kernel = x.get("kernel_median_s")
            judged = "(worst)" if x.get("slow_reason") else "(median)"
            rows.append([f"{r['dashboard'][:2]} `{x.get('sweep') or x['index']}`", kind,
                         f"{x['n_moves']} ({x['n_fresh']} new)", _fmt(x["median_s"], 2, " s"),
                         _fmt(x["worst_s"], 2, " s"), _fmt(kernel, 2, " s"),
                         _fmt(None if kernel is None or x["median_s"] is None else x["median_s"] - kernel,
                              2, " s"),
                         _fmt(x.get("progress_max_s"), 2, " s"),
                         "**" + str(x["unchanged"]) + "**" if x["unchanged"] else "0",
                         f"≤ {x['target_s']:g} s {judged}", verdict(x.get("meets_target"))])
    return table(["sweep", "model", "moves", "browser median", "browser worst", "kernel median",
                  "browser − kernel", "progress shown after (worst)", "moves that changed nothing",
                  "target", ""], rows)


@_guarded
def tests_table(results: dict) -> str:
    """The test suite's time and its slowest tests, from the JUnit file a `make test` run wrote."""
    section = results["sections"].get("tests")
    if not section or "total_s" not in section:
        return ("*Not recorded in the committed run:* "
                "`make test PYTEST_ADDOPTS=--junitxml=_build/junit.xml`, then "
                "`make bench ONLY=tests JUNIT=_build/junit.xml`, records it.")
    text = (f"The whole suite: **{section['total_s'] / 60:.1f} min** for {section['n_tests']} tests "
            f"({section['n_failed']} failed, {section['n_skipped']} skipped), on {section['date']}; "
            f"the target is {section['target_s'] / 60:g} min on 2 cores. The slowest:\n\n")
    slowest = [[f"`{name}`", f"{sec:.1f}"] for name, sec in section["slowest"]]
    return text + table(["test", "seconds"], slowest)


@_guarded
def static_table(results: dict) -> str:
    book = results["sections"]["book"]
    rows = [[f"{s['page'][:2]} `{s['sweep']}`", s["n_frames"], _fmt(s["build_s"], 2, " s"),
             f"{s['html_bytes'] / 1024:.0f} KiB", f"{s['html_bytes'] / 1024 / s['n_frames']:.0f} KiB"]
            for s in book.get("static_sweeps", [])]
    return table(["sweep", "figures", "build time it adds", "HTML it adds", "per figure"], rows)


@_guarded
def page_table(results: dict) -> str:
    book = results["sections"]["book"]
    chapters = results["sections"].get("sweeps", {}).get("chapters", [])
    live = {c["chapter"]: c.get("live_exec_s") for c in chapters}
    executed = book.get("cold", {}).get("executed", {})
    sizes = book.get("page_bytes", {})
    rows = []
    for page in sorted(executed):
        stem = page.split("/")[-1].removesuffix(".md")
        html = sizes.get(page.removesuffix(".md") + ".html")
        rows.append([f"`{page}`", _fmt(executed[page], 3, " s"), _fmt(live.get(stem), 3, " s"),
                     f"{html / 1024 / 1024:.1f} MiB" if html else "–"])
    return table(["page", "execution in the cold book build (static sweeps)",
                  "execution in a live kernel (first frames only)", "HTML page"], rows)


@_guarded
def book_table(results: dict) -> str:
    book = results["sections"]["book"]
    edited = book.get("edited_chapter", "?")
    labels = {"cold": "cold full build (no caches, every page executed)", "warm": "warm rebuild, no change",
              "touch": f"rebuild after touching `{edited}` (no code change)",
              "edit": f"rebuild after editing a code cell of `{edited}`"}
    targets = {"cold": book["targets"]["book_cold_s"], "touch": book["targets"]["book_one_chapter_s"],
               "edit": book["targets"]["book_one_chapter_s"]}
    rows = []
    for key, label in labels.items():
        run = book.get(key, {})
        target = targets.get(key)
        ok = None if target is None or "total_s" not in run else run["total_s"] <= target
        rows.append([label, _fmt(run.get("total_s"), 3, " s"), _fmt(run.get("execute_s"), 3, " s"),
                     ", ".join(p.split("/")[-1] for p in run.get("executed", {})) or "none",
                     "yes" if run.get("released") else "no",
                     f"≤ {target:g} s" if target else "–", verdict(ok)])
    return table(["build", "wall time", "executing pages", "pages executed", "exercises released",
                  "target", ""], rows)


@_guarded
def edit_estimates(results: dict) -> str:
    """A code edit in any one chapter: the measured rebuild, less its chapter's run, plus another's."""
    book = results["sections"]["book"]
    edit, executed = book["edit"], book["cold"]["executed"]
    edited = f"chapters/{book['edited_chapter']}.md"
    overhead = edit["total_s"] - edit.get("execute_s", 0.0)
    target = book["targets"]["book_one_chapter_s"]
    rows = [[f"`{page}`", _fmt(seconds, 3, " s"), _fmt(overhead + seconds, 3, " s"),
             verdict(overhead + seconds <= target)]
            for page, seconds in sorted(executed.items()) if page.startswith("chapters/")]
    note = (f"The rebuild after editing `{edited}` spent {overhead:.0f} s outside executing it. A code "
            f"edit in another chapter re-runs only that chapter, so its rebuild is about that plus the "
            f"chapter's execution time (from the cold build: empty Brian2 caches, two pages at a "
            f"time; an upper bound):\n\n")
    return note + table(["chapter", "execution", "estimated rebuild", f"≤ {target:g} s"], rows)


@_guarded
def summary(results: dict) -> str:
    """One row per target of issue 14."""
    s = results["sections"]
    t = results.get("targets", {})
    rows = []
    if "sweeps" in s and "sweeps" in s["sweeps"]:
        sw = s["sweeps"]["sweeps"]
        for kind, label in (("rate", "rate and torch models"), ("spiking", "spiking models")):
            group = [x for x in sw if x["kind"] == kind and not x["slow_reason"]]
            if group:
                worst = max(group, key=lambda x: x["latency_median_s"])
                rows.append([f"live sweep median, {label}", f"≤ {worst['target_s']:g} s",
                             f"worst {worst['latency_median_s']:.2f} s (`{worst['sweep']}`); "
                             f"{sum(x['meets_target'] for x in group)} of {len(group)} sweeps met",
                             verdict(all(x["meets_target"] for x in group))])
        slow = [x for x in sw if x["slow_reason"]]
        if slow:
            worst = max(slow, key=lambda x: x["judged_s"])
            rows.append(["first answer of an inherently slow sweep (progress shown, cached)",
                         f"≤ {t.get('sweep_slow_first_s', 2):g} s",
                         f"worst {worst['judged_s']:.2f} s (`{worst['sweep']}`)",
                         verdict(all(x["meets_target"] for x in slow))])
    cuba = s.get("cuba", {})
    if cuba.get("speedup_4k"):
        rows.append(["CUBA, 4000 neurons: `cpp_standalone` re-run vs `numpy`",
                     f"≥ {cuba['target_speedup']:g}×",
                     f"{cuba['speedup_4k']:.0f}× (whole run), {cuba['loop_speedup_4k']:.0f}× (loop)",
                     verdict(cuba["speedup_4k"] >= cuba["target_speedup"])])
    book = s.get("book", {})
    if "cold" in book:
        cold, touch, edit = book["cold"], book.get("touch", {}), book.get("edit", {})
        failed = "" if cold.get("returncode") in (0, None) else "; the build itself failed (see below)"
        rows.append(["cold full build of the book", f"≤ {book['targets']['book_cold_s'] / 60:g} min",
                     f"{cold['total_s'] / 60:.1f} min{failed}",
                     verdict(cold["total_s"] <= book["targets"]["book_cold_s"])])
        worst = max(touch.get("total_s", 0), edit.get("total_s", 0))
        rows.append(["rebuild after touching one chapter", f"≤ {book['targets']['book_one_chapter_s']:g} s",
                     f"{touch.get('total_s', float('nan')):.0f} s touched, "
                     f"{edit.get('total_s', float('nan')):.0f} s with a code cell edited",
                     verdict(worst <= book["targets"]["book_one_chapter_s"])])
    grading = s.get("grading", {})
    if grading.get("rows"):
        worst = max(grading["rows"], key=lambda r: r["per_submission_s"])
        rows.append(["grading, batch of 20", f"≤ {grading['target_s']:g} s per submission",
                     f"worst {worst['per_submission_s']:.1f} s (`{worst['assignment']}`)",
                     verdict(all(r["per_submission_s"] <= grading["target_s"] for r in grading["rows"]))])
        alone = [r for r in grading["rows"] if "alone_s" in r]
        if alone and grading.get("target_alone_s"):
            slowest = max(alone, key=lambda r: r["alone_s"])
            rows.append(["grading, one submission alone", f"≤ {grading['target_alone_s']:g} s",
                         f"worst {slowest['alone_s']:.1f} s (`{slowest['assignment']}`)",
                         verdict(all(r["alone_s"] <= grading["target_alone_s"] for r in alone))])
    dash = s.get("dashboards", {})
    measured = _dashboard_rows(results)
    if measured:
        target = dash.get("target_render_s", 5.0)
        worst = max(measured, key=lambda r: r["render_median_s"])
        rows.append(["dashboard first render in Voila, warm caches", f"≤ {target:g} s",
                     f"worst {worst['render_median_s']:.1f} s (`{worst['dashboard']}`)",
                     verdict(all(r["render_median_s"] <= target for r in measured))])
        sweeps = [x for r in measured for x in r["sweeps"]]
        for kinds, label in ((("rate",), "rate and torch"), (("spiking",), "spiking")):
            group = [x for x in sweeps if x.get("kind") in kinds and not x.get("slow_reason")]
            if group:
                worst = max(group, key=lambda x: x["median_s"] or 0)
                rows.append([f"slider latency in the browser, {label}", f"≤ {worst['target_s']:g} s median",
                             f"worst {_fmt(worst['median_s'], 2, ' s')} (`{worst.get('sweep')}`); "
                             f"{sum(bool(x.get('meets_target')) for x in group)} of {len(group)} met",
                             verdict(all(x.get("meets_target") for x in group))])
        unchanged = sum(x["unchanged"] for x in sweeps)
        rows.append(["every slider move changes the figure (browser)", "0 unchanged",
                     f"{unchanged} of {sum(x['n_moves'] for x in sweeps)} moves unchanged",
                     verdict(unchanged == 0)])
    elif "skipped" in dash:
        rows.append(["dashboard render, warm caches", "≤ 5 s", "not measured (no dashboards yet)", "–"])
    tests = s.get("tests", {})
    if "total_s" in tests:
        rows.append(["`make test` on 2 cores", f"≤ {tests['target_s'] / 60:g} min",
                     f"{tests['total_s'] / 60:.1f} min", verdict(tests["total_s"] <= tests["target_s"])])
    return table(["target", "goal", "measured", ""], rows)


@_guarded
def loads(results: dict) -> str:
    """The load average around each section: the machine may be shared."""
    rows = []
    for name, section in results["sections"].items():
        meta = section.get("meta", {})
        if meta:
            rows.append([name, meta.get("date", "?"), f"{meta['seconds'] / 60:.1f} min",
                         f"{meta['load_before'][0]:.1f}", f"{meta['load_after'][0]:.1f}"])
    return table(["section", "measured", "took", "load average before (1 min)", "after"], rows)


def missed(results: dict) -> list[str]:
    """For each missed target, the measured profile and what it says about why."""
    try:
        return _missed(results)
    except (KeyError, ValueError, IndexError, TypeError, ZeroDivisionError) as err:
        return [f"The committed results could not be read for this summary ({type(err).__name__})."]


def _missed(results: dict) -> list[str]:
    notes = []
    s = results["sections"]
    cores = int(str(results.get("machine", "2")).split()[0]) if results.get("machine") else 2
    sw = s.get("sweeps", {})
    load = sw.get("meta", {}).get("load_before", [float("nan")])[0]
    for chapter in sw.get("chapters", []):
        if "error" in chapter:
            error = re.sub(r"\x1b\[[0-9;]*m", "", chapter["error"]).strip().splitlines()[-1][:300]
            notes.append(f"**{chapter['chapter']} could not run live**, so its sweeps are not measured: "
                         f"`{error}`")
    for x in sw.get("sweeps", []):
        if x["meets_target"]:
            continue
        parts = {"the model proper": x["compute_median_s"], "building the figure": x["plot_median_s"],
                 "rendering it to PNG": x["render_median_s"]}
        main = max(parts, key=parts.get)
        share = parts[main] / max(x["latency_median_s"], 1e-9)
        cpu = x.get("cpu_median_s")
        note = (f"**{x['chapter'][:2]} `{x['sweep']}`** ({x['latency_median_s']:.2f} s median, target "
                f"{x['target_s']:g} s): {main} takes {share:.0%} of a move "
                f"({parts[main]:.2f} s).")
        if cpu and x["latency_median_s"] > 1.3 * cpu:
            note += (f" The process used {cpu:.2f} s of CPU per figure: the rest is waiting for a core "
                     f"(load average {load:.1f} on {cores} cores during the run).")
        if x["slow_reason"]:
            note += f" This model {x['slow_reason']}."
        notes.append(note)
    book = s.get("book", {})
    for key in ("touch", "edit"):
        run = book.get(key, {})
        if run.get("total_s", 0) > book.get("targets", {}).get("book_one_chapter_s", 1e9):
            pages = ", ".join(run.get("executed", {})) or "nothing"
            released = "released again" if run.get("released") else "not released again"
            notes.append(f"**Rebuild ({key})**: {run['total_s']:.0f} s, of which "
                         f"{run.get('execute_s', 0):.0f} s executing {pages}; the exercises were {released}.")
    cold = book.get("cold", {})
    for key in ("cold", "warm", "touch", "edit"):
        run = book.get(key, {})
        if run.get("returncode") not in (0, None):
            first = (run.get("warnings") or ["(see the build log)"])[0]
            notes.append(f"**The {key} build failed** with `-W` (the times above still hold): "
                         f"{len(run.get('warnings', []))} warning(s), the first: `{first.strip()[-300:]}`")
            break
    if cold and cold.get("total_s", 0) > book.get("targets", {}).get("book_cold_s", 1e9):
        slowest = max(cold.get("executed", {"?": 0}).items(), key=lambda kv: kv[1])
        notes.append(f"**Cold build**: {cold['total_s'] / 60:.1f} min; executing pages took "
                     f"{cold.get('execute_s', 0):.0f} s, the slowest `{slowest[0]}` {slowest[1]:.0f} s.")
    for r in s.get("grading", {}).get("rows", []):
        if r["per_submission_s"] > s["grading"]["target_s"]:
            notes.append(f"**Grading `{r['assignment']}`**: {r['per_submission_s']:.1f} s per submission "
                         f"({r['wall_s']:.0f} s for {r['batch']}).")
    dash_load = s.get("dashboards", {}).get("meta", {}).get("load_before", [float("nan")])[0]
    for r in _dashboard_rows(results):
        target = s["dashboards"].get("target_render_s", 5.0)
        k = r.get("kernel") or {}
        if r["render_median_s"] > target and k.get("total_s"):
            parts = {"kernel start": k["kernel_start_s"], "the imports": k["imports_s"],
                     "the set-up cells": k["setup_s"], "the first frames": k["first_frames_s"],
                     "Voila and the browser": r["render_median_s"] - k["total_s"]}
            main = max(parts, key=parts.get)
            notes.append(f"**Dashboard `{r['dashboard']}`** renders in {r['render_median_s']:.1f} s (target "
                         f"{target:g} s): the largest part is {main} ({parts[main]:.1f} s); load average "
                         f"{dash_load:.1f} on {cores} cores.")
        for x in r["sweeps"]:
            if x.get("meets_target") is False:
                why = (f"{x['unchanged']} move(s) changed nothing" if x["unchanged"] else
                       f"median {_fmt(x['median_s'], 2, ' s')}, worst {_fmt(x['worst_s'], 2, ' s')}; "
                       f"kernel side {_fmt(x.get('kernel_median_s'), 2, ' s')}")
                notes.append(f"**{r['dashboard'][:2]} `{x.get('sweep')}` in the browser** (target "
                             f"{x['target_s']:g} s): {why}.")
    return notes
