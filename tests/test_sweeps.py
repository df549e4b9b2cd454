"""nslib.sweeps: static (client-side) and live (kernel) parameter sweeps."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest
from helpers import raises_param
from matplotlib.figure import Figure

from nslib.sweeps import figure_to_html, grid_points, resolve_mode, sweep


@pytest.fixture(autouse=True)
def _unfreeze_heap():
    """Live sweeps freeze the heap (gc.freeze); later tests must find it as they would alone."""
    import gc

    yield
    gc.unfreeze()


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
    with raises_param("NSLIB_SWEEP_MODE", "must be one of"):
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


# --- opt-in timing (make bench) -----------------------------------------------------------

class FakeClock:
    """A plot clock that advances by exactly 0.25 s between two readings."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.125
        return self.now


def test_timer_records_every_frame_and_each_static_sweep():
    from nslib.sweeps import SweepTimer

    model = CountingModel()
    with SweepTimer(plot_clock=FakeClock()) as timer:
        static = sweep(model, {"a": [1, 2], "b": ["x", "y"]}, mode="static")
        live = sweep(model, {"a": [5, 6]}, mode="live")
    assert [(f.mode, f.params) for f in timer.frames] == (
        [("static", p) for p in grid_points({"a": [1, 2], "b": ["x", "y"]})] + [("live", {"a": 5})])
    assert {f.sweep for f in timer.frames} == {"CountingModel"}
    # The clock is read once before and once after each model call.
    assert all(f.plot_s == 0.125 for f in timer.frames)
    sizes = [len(leaf.value) for leaf in _leaves(static.children[-1])] + [len(live.children[-1].value)]
    assert [f.html_bytes for f in timer.frames] == sizes
    done, live_sweep = timer.sweeps
    assert (done.mode, len(done.frames), done.controls) == ("static", 4, None)
    assert done.html_bytes == sum(sizes[:4]) and done.build_s >= sum(f.render_s for f in done.frames)
    assert live_sweep.mode == "live" and set(live_sweep.controls) == {"a"}
    assert live_sweep.figure is live.children[-1]


def test_visit_every_point_moves_one_slider_at_a_time_then_hits_the_cache():
    from nslib.sweeps import SweepTimer

    model = CountingModel()
    grid = {"a": [1, 2, 3], "b": ["x", "y"]}
    with SweepTimer() as timer:
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
        with SweepTimer() as timer:
            sweep(model, {"a": [1]}, mode="static")
            timer.visit_every_point(timer.sweeps[0])


def test_timings_environment_variable_appends_json_lines(tmp_path, monkeypatch):
    import json

    from nslib.sweeps import TIMINGS_VARIABLE

    path = tmp_path / "timings.jsonl"
    monkeypatch.setenv(TIMINGS_VARIABLE, str(path))
    sweep(CountingModel(), {"a": [1, 2, 3]}, mode="static")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["kind"] for r in records] == ["frame"] * 3 + ["static_sweep"]
    assert [r["params"] for r in records[:3]] == [{"a": "1"}, {"a": "2"}, {"a": "3"}]
    assert records[-1]["n_frames"] == 3
    assert records[-1]["html_bytes"] == sum(r["html_bytes"] for r in records[:3])


def test_sweeps_time_nothing_without_a_timer(monkeypatch):
    from nslib import sweeps as module

    monkeypatch.delenv(module.TIMINGS_VARIABLE, raising=False)
    assert module._active_timer() is None
    with raises_param("plot_clock", "must be callable"):
        module.SweepTimer(plot_clock=3)


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


def test_live_sweep_freezes_the_heap_it_finds():
    import gc

    gc.unfreeze()
    try:
        sweep(CountingModel(), {"a": [1, 2]}, mode="live")
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


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
