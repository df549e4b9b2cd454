"""Checks shared by the figure tests: every course figure is titled and labelled."""

from __future__ import annotations

from matplotlib.figure import Figure


def assert_labelled_figure(fig):
    """A Figure with a title and every visible axis (colour bars included) labelled."""
    assert isinstance(fig, Figure)
    suptitle = fig.get_suptitle()
    data_axes = [ax for ax in fig.axes if ax.get_visible() and not hasattr(ax, "_colorbar")]
    assert data_axes
    for ax in data_axes:
        assert suptitle or ax.get_title()
        assert ax.get_xlabel() or fig.get_supxlabel()
        assert ax.get_ylabel() or fig.get_supylabel()
    for ax in fig.axes:
        if hasattr(ax, "_colorbar"):
            assert ax.get_ylabel() or ax.get_xlabel()
