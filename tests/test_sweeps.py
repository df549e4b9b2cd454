"""nslib.sweeps: static (client-side) and live (kernel) parameter sweeps, their observer hook, and
the timers of make bench that observe them (bench/sweep_timing.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from helpers import raises_param
from matplotlib.figure import Figure

from nslib import sweeps as sweeps_module
from nslib.sweeps import figure_to_html, grid_points, observing, resolve_mode, sweep

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import sweep_timing  # noqa: E402  (bench/sweep_timing.py, the timers of make bench)


class CountingModel:
    """A model whose figure title records its parameters, counting calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, **params):
        self.calls.append(params)
        fig = Figure(figsize=(2, 2))
        ax = fig.subplots()
        ax.plot([0, 1], [0, params.get("a", 1)])
        ax.set_title(repr(sorted(params.items())))
        return fig


def _leaves(widget):
    if isinstance(widget, widgets.Stack):
        return [leaf for child in widget.children for leaf in _leaves(child)]
    return [widget]


def test_static_one_parameter_links_slider_to_stack():
    model = CountingModel()
    box = sweep(model, {"a": [1, 2, 3]}, mode="static", alt="line of slope {a}")
    slider, stack = box.children
    assert isinstance(slider, widgets.SelectionSlider) and isinstance(stack, widgets.Stack)
    assert [p["a"] for p in model.calls] == [1, 2, 3]  # every figure drawn once, up front
    alts = [re.search(r'alt="([^"]*)"', leaf.value).group(1) for leaf in _leaves(stack)]
    assert alts == ["line of slope 1", "line of slope 2", "line of slope 3"]
    (link,) = box._nslib_links
    assert type(link).__name__ == "Link"
    assert link.source == (slider, "index") and link.target == (stack, "selected_index")


def test_static_two_parameters_nest_stacks():
    model = CountingModel()
    box = sweep(model, {"a": [1, 2], "b": ["x", "y", "z"]}, mode="static")
    slider_a, slider_b, root_stack = box.children
    assert len(root_stack.children) == 2
    assert all(len(child.children) == 3 for child in root_stack.children)
    assert len(_leaves(root_stack)) == 6 == len(model.calls)
    # The second slider drives every inner stack; the first, the outer one.
    targets = {(id(link.source[0]), id(link.target[0])) for link in box._nslib_links}
    assert (id(slider_a), id(root_stack)) in targets
    for child in root_stack.children:
        assert (id(slider_b), id(child)) in targets
    # Leaf order matches grid_points, so leaf k shows grid point k.
    points = grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert model.calls == points
    alts = [re.search(r'alt="([^"]*)"', leaf.value).group(1) for leaf in _leaves(root_stack)]
    assert alts == [f"Figure for a = {p['a']}, b = {p['b']}" for p in points]


def test_live_reruns_model_on_slider_change_and_caches():
    model = CountingModel()
    box = sweep(model, {"a": [1, 2, 3]}, mode="live", labels={"a": "slope (1/s)"})
    slider, status, figure = box.children
    assert slider.description == "slope (1/s)"
    first = figure.value
    assert len(model.calls) == 1
    slider.value = 3
    assert model.calls[-1] == {"a": 3} and figure.value != first
    slider.value = 1
    assert len(model.calls) == 2 and figure.value == first  # cached, not re-run
    assert 'alt="Figure for a = 1"' in figure.value


def test_both_mode_has_a_static_part_and_a_live_part_that_reruns_the_model():
    model = CountingModel()
    box = sweep(model, {"a": [1, 2, 3]}, mode="both")
    assert box.sweep_mode == "both"
    static_title, static, live_title, live = box.children
    assert "Precomputed" in static_title.value and "Live" in live_title.value
    # The static half: every figure drawn up front, the slider linked to the stack.
    static_slider, stack = static.children
    leaves = _leaves(stack)
    assert len(leaves) == 3 and all(leaf.value.startswith("<img ") for leaf in leaves)
    (link,) = static._nslib_links
    assert link.source == (static_slider, "index") and link.target == (stack, "selected_index")
    # The model ran once per static frame, then once for the live half's first figure.
    assert [p["a"] for p in model.calls] == [1, 2, 3, 1]
    live_slider, status, figure = live.children
    first = figure.value
    assert first == leaves[0].value
    live_slider.value = 3
    assert model.calls[-1] == {"a": 3} and figure.value != first
    assert figure.value == leaves[2].value  # the figure the static half shows for a = 3
    assert status.value == ""
    live_slider.value = 1
    assert len(model.calls) == 5 and figure.value == first  # cached, not re-run
    # The two halves have their own sliders: moving the live one leaves the static one alone.
    assert static_slider.value == 1 and stack.selected_index == 0


def test_mode_comes_from_environment(monkeypatch):
    monkeypatch.setenv("NSLIB_SWEEP_MODE", "static")
    assert sweep(CountingModel(), {"a": [1]}).sweep_mode == "static"
    monkeypatch.delenv("NSLIB_SWEEP_MODE")
    assert resolve_mode(None) == "live"
    monkeypatch.setenv("NSLIB_SWEEP_MODE", "fancy")
    with raises_param("mode", "NSLIB_SWEEP_MODE decides, and it must be one of"):
        resolve_mode(None)


def test_alt_text_from_callable():
    box = sweep(CountingModel(), {"a": [2]}, mode="static", alt=lambda a: f"slope is {a * 10}")
    assert 'alt="slope is 20"' in _leaves(box.children[-1])[0].value


@pytest.mark.parametrize("kwargs, name, match", [
    (dict(grid={}), "grid", "must be a non-empty mapping"),
    (dict(grid={"a": []}), "grid['a']", "must hold at least 1 value"),
    (dict(grid={"a b": [1]}), "grid", "keys must be parameter names"),
    (dict(grid={"a": 3}), "grid['a']", "must be a sequence"),
    (dict(grid={"a": range(20), "b": range(11)}), "grid", "at most 200 points"),
    (dict(grid={"a": [1]}, mode="fast"), "mode", "must be one of"),
    (dict(grid={"a": [1]}, labels={"b": "B"}), "labels", "must name parameters in grid"),
    (dict(grid={"a": [1]}, alt=3), "alt", "must be a format string or a callable"),
])
def test_sweep_rejects_bad_input(kwargs, name, match):
    with raises_param(name, match):
        sweep(CountingModel(), **{"mode": "static", **kwargs})


def test_sweep_rejects_non_callable_and_non_figure():
    with raises_param("model", "must be callable"):
        sweep(42, {"a": [1]})
    with raises_param("model", "must return a matplotlib Figure"):
        sweep(lambda a: "not a figure", {"a": [1]}, mode="static")


def test_figure_to_html_rejects_bad_alt_and_dpi():
    fig = CountingModel()(a=1)
    with raises_param("alt", "must be a non-empty"):
        figure_to_html(fig, " ")
    with raises_param("dpi", r"must be an integer in \[20, 300\]"):
        figure_to_html(fig, "x", dpi=1000)
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in figure_to_html(fig, 'a "quoted" <alt>')


# --- the observer hook, and the timers of make bench that use it ------------------------------

def test_observers_see_every_event_in_order():
    events = []
    with observing(events.append):
        sweep(CountingModel(), {"a": [1, 2]}, mode="static")
        live = sweep(CountingModel(), {"a": [5, 6]}, mode="live")
        live.children[0].value = 6
    assert sweeps_module.observers == []
    frame = ["frame_start", "model_done", "frame_done"]
    assert [e.kind for e in events] == (["sweep", *frame, *frame, "static_done"]
                                        + ["sweep", *frame, *frame])
    static, live_info = events[0].sweep, events[8].sweep
    assert (static.name, static.mode, static.controls, static.figure) == (
        "CountingModel", "static", None, None)
    assert live_info.mode == "live" and live_info.controls["a"] is live.children[0]
    assert live_info.figure is live.children[-1]
    done = [e for e in events if e.kind == "frame_done"]
    assert [e.params for e in done] == [{"a": 1}, {"a": 2}, {"a": 5}, {"a": 6}]
    assert done[-1].html == live.children[-1].value
    with raises_param("observer", "must be callable"):
        with observing(3):
            pass


def test_a_live_sweep_made_before_an_observer_reports_its_later_frames():
    live = sweep(CountingModel(), {"a": [1, 2]}, mode="live")
    seen = []
    with observing(seen.append):
        live.children[0].value = 2
    assert [e.kind for e in seen] == ["frame_start", "model_done", "frame_done"]


class FakeClock:
    """A plot clock that advances by exactly 0.125 s between two readings."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.125
        return self.now


def test_timer_records_every_frame_and_each_static_sweep():
    model = CountingModel()
    with sweep_timing.SweepTimer(plot_clock=FakeClock()) as timer:
        static = sweep(model, {"a": [1, 2], "b": ["x", "y"]}, mode="static")
        live = sweep(model, {"a": [5, 6]}, mode="live")
    assert sweeps_module.observers == []
    assert [(f.mode, f.params) for f in timer.frames] == (
        [("static", p) for p in grid_points({"a": [1, 2], "b": ["x", "y"]})] + [("live", {"a": 5})])
    assert {f.sweep for f in timer.frames} == {"CountingModel"}
    # The clock is read once before and once after each model call.
    assert all(f.plot_s == 0.125 for f in timer.frames)
    assert all(f.model_s > 0 and f.render_s > 0 for f in timer.frames)
    sizes = [len(leaf.value) for leaf in _leaves(static.children[-1])] + [len(live.children[-1].value)]
    assert [f.html_bytes for f in timer.frames] == sizes
    done, live_sweep = timer.sweeps
    assert (done.mode, len(done.frames), done.controls) == ("static", 4, None)
    assert done.html_bytes == sum(sizes[:4]) and done.build_s >= sum(f.render_s for f in done.frames)
    assert live_sweep.mode == "live" and set(live_sweep.controls) == {"a"}
    assert live_sweep.figure is live.children[-1]


def test_visit_every_point_moves_one_slider_at_a_time_then_hits_the_cache():
    model = CountingModel()
    grid = {"a": [1, 2, 3], "b": ["x", "y"]}
    with sweep_timing.SweepTimer() as timer:
        sweep(model, grid, mode="live")
        (timed,) = timer.sweeps
        moves = timer.visit_every_point(timed)
        assert len(moves) == 5 and len(model.calls) == 6
        again = timer.visit_every_point(timed)
    assert len(again) == 5 and len(model.calls) == 6  # every point was cached
    assert sorted(map(repr, model.calls)) == sorted(map(repr, grid_points(grid)))
    for before, after in zip(model.calls[:-1], model.calls[1:], strict=True):
        assert sum(before[k] != after[k] for k in grid) == 1
    with raises_param("timed", "must be a live sweep"):
        with sweep_timing.SweepTimer() as timer:
            sweep(model, {"a": [1]}, mode="static")
            timer.visit_every_point(timer.sweeps[0])
    with raises_param("plot_clock", "must be callable"):
        sweep_timing.SweepTimer(plot_clock=3)


def test_record_to_appends_json_lines(tmp_path):
    import json

    path = tmp_path / "timings.jsonl"
    timer = sweep_timing.record_to(path)
    try:
        sweep(CountingModel(), {"a": [1, 2, 3]}, mode="static")
    finally:
        timer.__exit__(None, None, None)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["kind"] for r in records] == ["frame"] * 3 + ["static_sweep"]
    assert [r["params"] for r in records[:3]] == [{"a": "1"}, {"a": "2"}, {"a": "3"}]
    assert records[-1]["n_frames"] == 3
    assert records[-1]["html_bytes"] == sum(r["html_bytes"] for r in records[:3])


def test_the_book_cache_times_a_page_through_the_hook(tmp_path):
    # tools/book_cache.py runs this set-up code in a page's kernel when make bench asks for timings.
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import book_cache
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert book_cache._timings_setup(None) == ""
    path = tmp_path / "page.jsonl"
    code = book_cache._timings_setup(str(path))
    script = code + (";\nfrom matplotlib.figure import Figure; from nslib.sweeps import sweep\n"
                     "def f(a):\n    fig = Figure(); fig.subplots().plot([0, a]); return fig\n"
                     "sweep(f, {'a': [1, 2]}, mode='static')\n")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120, cwd=tmp_path)
    assert path.read_text().count('"kind": "frame"') == 2


def test_sweeps_leave_the_garbage_collector_alone():
    import gc

    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    sweep(CountingModel(), {"a": [1, 2]}, mode="live").children[0].value = 2
    sweep(CountingModel(), {"a": [1, 2]}, mode="static")
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before
    # Nor does importing nslib and its sweeps, in a fresh interpreter.
    code = ("import gc, nslib, nslib.sweeps; "
            "print(gc.get_freeze_count(), gc.isenabled(), gc.get_threshold())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=120).stdout.split(maxsplit=1)
    assert out[0] == "0" and out[1].strip() == f"True {gc.get_threshold()}"


def test_no_private_matplotlib_attribute_is_read():
    import ast

    tree = ast.parse((ROOT / "nslib" / "sweeps.py").read_text())
    private = sorted({node.attr for node in ast.walk(tree)
                      if isinstance(node, ast.Attribute) and node.attr.startswith("_")
                      and not node.attr.startswith("__") and node.attr != "_nslib_links"})
    assert private == []


def test_frames_run_with_one_blas_thread_and_restore_it():
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    seen = []

    def model(a):
        seen.append({info["filepath"]: info["num_threads"] for info in threadpool_info()})
        np.ones((50, 50)) @ np.ones((50, 50))
        return CountingModel()(a=a)

    with threadpool_limits(limits=2):
        before = {info["filepath"]: info["num_threads"] for info in threadpool_info()}
        sweep(model, {"a": [1, 2]}, mode="static")
        after = {info["filepath"]: info["num_threads"] for info in threadpool_info()}
    assert seen and all(set(threads.values()) == {1} for threads in seen)
    assert after == before


def test_figures_are_drawn_with_the_same_pixels_savefig_gives_and_left_as_they_were():
    import base64
    import io

    import numpy as np
    from PIL import Image

    from nslib.plots import new_figure

    def two_panels():
        fig, (left, right) = new_figure(2, width=3, height=2.5)  # constrained layout
        left.plot([0, 1, 2], [0, 1, 4], label="rising")
        left.set_title("a title")
        left.legend()
        image = right.imshow(np.arange(12.0).reshape(3, 4))
        fig.colorbar(image, ax=right, label="value (1)")
        return fig

    fig = two_panels()
    canvas, dpi = fig.canvas, fig.dpi
    tag = figure_to_html(fig, "two panels", dpi=70)
    assert fig.canvas is canvas and fig.dpi == dpi
    ours = np.asarray(Image.open(io.BytesIO(base64.b64decode(tag.split("base64,")[1].split('"')[0]))))
    # A figure with a layout engine lays out again on every draw (and matplotlib's layout
    # does not give the same positions twice), so compare with a fresh figure's first savefig.
    buffer = io.BytesIO()
    two_panels().savefig(buffer, format="png", dpi=70)
    theirs = np.asarray(Image.open(buffer))
    assert ours.shape == theirs.shape == (175, 420, 4)
    np.testing.assert_array_equal(ours, theirs)


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def _panels(scale, *, top=5.0, title="fixed axes", legend_outside=True):
    """Two panels, a colorbar, a suptitle and a figure legend, like the chapters' figures."""
    import numpy as np

    from nslib.plots import new_figure

    fig, (left, right) = new_figure(2, width=3, height=2.5)
    left.plot([0, 1, 2], [0, scale, 2 * scale], label="a line")
    left.set_ylim(0, top)
    left.set_title(title)
    left.set_ylabel("response (a.u.)")
    image = right.imshow(scale * np.arange(12.0).reshape(3, 4), vmin=0, vmax=30)
    fig.colorbar(image, ax=right, label="value (1)")
    if legend_outside:
        fig.legend(loc="outside lower center")
    fig.suptitle("a suptitle")
    return fig


@pytest.mark.parametrize("legend_outside", [True, False])
def test_layout_memo_reuses_layouts_with_the_same_pixels(legend_outside):
    from nslib.sweeps import _png

    layouts = {}
    for scale in (1.0, 1.5, 2.0):
        ours = _pixels(_png(_panels(scale, legend_outside=legend_outside), 60, layouts))
        fresh = _pixels(_png(_panels(scale, legend_outside=legend_outside), 60))
        np.testing.assert_array_equal(ours, fresh)
    # Only the data changed: one layout served all three.
    assert len(layouts) == 1


def test_layout_memo_lays_out_again_when_what_surrounds_a_panel_changes():
    from nslib.sweeps import _png

    layouts = {}
    for make in (lambda: _panels(1.0), lambda: _panels(1.0, top=5000.0),
                 lambda: _panels(1.0, title="two\nlines")):
        np.testing.assert_array_equal(_pixels(_png(make(), 60, layouts)), _pixels(_png(make(), 60)))
    # Wider tick labels and a taller title each need a layout of their own.
    assert len(layouts) == 3


def test_figures_without_a_constrained_layout_are_not_memoized():
    from nslib.sweeps import _png

    layouts = {}
    fig = CountingModel()(a=2)
    _png(fig, 60, layouts)
    assert layouts == {}


def test_live_sweep_says_it_is_running_while_the_model_runs():
    # Inherently slow models (training, ICA) rely on this indicator and on the cache.
    boxes, seen = [], []

    def model(a):
        if boxes:
            seen.append(boxes[0].children[1].value)
        return CountingModel()(a=a)

    boxes.append(sweep(model, {"a": [1, 2]}, mode="live"))
    slider, status, _ = boxes[0].children
    slider.value = 2
    assert seen == ["<i>running the model…</i>"] and status.value == ""
