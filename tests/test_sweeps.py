"""nslib.sweeps: static (client-side) and live (kernel) parameter sweeps."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest
from helpers import raises_param
from matplotlib.figure import Figure

from nslib.sweeps import figure_to_html, grid_points, resolve_mode, sweep


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
