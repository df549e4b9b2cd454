"""Figures for the visual models of Chapter 1: LGN, Gabors, tuning, normalisation, ICA, spikes.

Receptive fields and filters use the diverging colormap centred at 0
(excitatory/ON = red, inhibitory/OFF = blue); gratings are drawn in grey as
luminance. Orientations are shown in degrees, although the models take radians.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .._validation import check_finite_array, check_int
from ..vision.lgn import LGNResponse, SpotSizeTuning
from ..vision.natural_images import GaborFits
from ..vision.normalization import CrossOrientation
from ..vision.receptive_fields import (
    DEFAULT_WAVELENGTH,
    OrientationTuning,
    gabor,
    grating,
    orientation_difference,
)
from ..vision.spiking_v1 import ContrastInvariance, PopulationTuning, SpikingTuning
from . import DIVERGING_CMAP, PALETTE, new_figure
from ._layout import figure_grid, no_ticks

__all__ = [
    "plot_center_surround",
    "plot_contrast_invariance",
    "plot_gabors_and_gratings",
    "plot_grating_responses",
    "plot_learned_filters",
    "plot_normalization",
    "plot_orientation_tuning",
    "plot_phase_modulation",
    "plot_population_tuning",
    "plot_spiking_tuning",
]


def _deg(theta: float) -> str:
    """Radians -> '22.5°' (one decimal at most)."""
    return f"{round(float(np.degrees(theta)), 1):g}°"


def plot_gabors_and_gratings(orientations: Sequence[float] | None = None, size: int = 31,
                             wavelength: float = DEFAULT_WAVELENGTH):
    """Gallery: even and odd Gabor receptive fields and the matching gratings.

    Parameters
    ----------
    orientations : sequence of float, optional
        Orientations in radians (default 0, 45, 90, 135 degrees), one column each.
    size : int, optional
        Image side in pixels, >= 3.
    wavelength : float, optional
        Wavelength in pixels, > 0.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_gabors_and_gratings([0.0, np.pi / 2])
    >>> fig.axes[0].get_title()
    'θ = 0°'
    """
    if orientations is None:
        orientations = np.arange(4) * np.pi / 4
    oris = check_finite_array("orientations", orientations, ndim=1)
    rows = [("even Gabor\n(phase 0)", lambda t: gabor(size, t, wavelength, 0.0)),
            ("odd Gabor\n(phase −90°)", lambda t: gabor(size, t, wavelength, -np.pi / 2)),
            ("grating", lambda t: grating(size, t, wavelength))]
    fig, axes = figure_grid(len(oris), 3, width=1.7, height=1.8)
    for r, (label, make) in enumerate(rows):
        images = [make(t) for t in oris]
        vmax = max(float(np.abs(im).max()) for im in images) or 1.0
        for c, (theta, im) in enumerate(zip(oris, images, strict=True)):
            ax = axes[r, c]
            cmap = "gray" if label == "grating" else DIVERGING_CMAP
            ax.imshow(im, cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="nearest")
            if r == 0:
                ax.set_title(f"θ = {_deg(theta)}")
            if c == 0:
                ax.set_ylabel(label)
    no_ticks(axes.ravel())
    fig.supxlabel(f"x ({size} pixels; wavelength {wavelength:g} pixels)")
    fig.suptitle("V1 simple-cell receptive fields (Gabor) and gratings")
    return fig


def _closed_curve(orientations: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Degrees in [0, 180] with the 0-degree point repeated at 180 (orientation is periodic)."""
    deg = np.degrees(np.mod(orientations, np.pi))
    order = np.argsort(deg)
    deg, values = deg[order], values[order]
    if np.isclose(deg[0], 0.0) and not np.isclose(deg[-1], 180.0):
        deg, values = np.append(deg, 180.0), np.append(values, values[0])
    return deg, values


def _check_tunings(tunings) -> tuple[OrientationTuning, ...]:
    if len(tunings) == 0 or not all(isinstance(t, OrientationTuning) for t in tunings):
        raise ValueError("tunings must be one or more OrientationTuning results "
                         "(from nslib.vision.orientation_tuning)")
    return tunings


def plot_orientation_tuning(*tunings: OrientationTuning, normalize: bool = False):
    """Orientation tuning curves (mean response to drifting gratings), preferred orientation marked.

    Parameters
    ----------
    *tunings : OrientationTuning
        One or more results of :func:`nslib.vision.orientation_tuning`, e.g. a
        simple and a complex cell.
    normalize : bool, optional
        Divide each curve by its maximum, to compare shapes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import orientation_tuning
    >>> fig = plot_orientation_tuning(orientation_tuning("simple"), orientation_tuning("complex"))
    >>> fig.axes[0].get_xlabel()
    'stimulus orientation (degrees)'
    """
    _check_tunings(tunings)
    fig, ax = new_figure()
    for k, t in enumerate(tunings):
        colour = PALETTE[k % len(PALETTE)]
        r = t.responses / t.responses.max() if normalize and t.responses.max() > 0 else t.responses
        deg, r = _closed_curve(t.orientations, r)
        ax.plot(deg, r, "o-", color=colour, ms=3,
                label=f"{t.cell} cell (θ = {_deg(t.cell_orientation)}, OSI {t.osi:.2f})")
        ax.axvline(np.degrees(t.preferred_orientation) % 180, color=colour, ls="--", lw=1)
    ax.set_xlim(0, 180)
    ax.set_xticks(range(0, 181, 45))
    ax.set_xlabel("stimulus orientation (degrees)")
    ax.set_ylabel("normalized response" if normalize else "mean response (a.u.)")
    ax.set_title("Orientation tuning (dashed: preferred orientation)")
    ax.legend(fontsize=8)
    return fig


def plot_phase_modulation(*tunings: OrientationTuning):
    """Response against grating phase at each cell's preferred orientation.

    A simple cell's response follows the grating's bars (half-wave rectified
    sinusoid); a complex cell's is flat -- phase invariance.

    Parameters
    ----------
    *tunings : OrientationTuning
        Results of :func:`nslib.vision.orientation_tuning`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import orientation_tuning
    >>> fig = plot_phase_modulation(orientation_tuning("simple"), orientation_tuning("complex"))
    >>> fig.axes[0].get_xlabel()
    'grating phase (degrees)'
    """
    _check_tunings(tunings)
    fig, ax = new_figure()
    for k, t in enumerate(tunings):
        row = t.responses_by_phase[int(np.argmax(t.responses))]
        deg = np.degrees(t.phases)
        ratio = row.max() / row.min() if row.min() > 0 else np.inf
        ratio_text = "∞" if not np.isfinite(ratio) else f"{ratio:.2f}"
        ax.plot(deg, row, "o-", color=PALETTE[k % len(PALETTE)], ms=4,
                label=f"{t.cell} cell (max/min {ratio_text})")
    ax.set_xlabel("grating phase (degrees)")
    ax.set_ylabel("response (a.u.)")
    ax.set_ylim(bottom=0)
    ax.set_title("Phase (in)variance at the preferred orientation")
    ax.legend(fontsize=8)
    return fig


def plot_grating_responses(*tunings: OrientationTuning, orientation: float,
                           max_response: float | None = None):
    """One drifting grating, what cells do over its cycle, and where it sits on their tuning curves.

    Three panels: the grating (luminance, on a fixed grey scale so lower
    contrast looks paler); each cell's response over one drift cycle at that
    orientation (a simple cell follows the bars, a complex cell stays flat);
    and each cell's tuning curve with the current grating marked. Made for
    sweeps over orientation and contrast, hence ``max_response`` to hold the
    response axes still between frames.

    Parameters
    ----------
    *tunings : OrientationTuning
        One or more results of :func:`nslib.vision.orientation_tuning` measured
        with the same orientations, contrast, wavelength and size, e.g. a
        simple and a complex cell.
    orientation : float
        Stimulus orientation in radians; must be one of the tunings' orientations
        (modulo π).
    max_response : float, optional
        Upper limit of the response axes (> 0, a.u.); default: the largest
        response shown.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import orientation_tuning
    >>> cells = [orientation_tuning(kind, contrast=0.5) for kind in ("simple", "complex")]
    >>> fig = plot_grating_responses(*cells, orientation=np.pi / 4, max_response=10.0)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['x (pixels)', 'grating phase (degrees)', 'stimulus orientation (degrees)']
    """
    _check_tunings(tunings)
    first = tunings[0]
    for t in tunings[1:]:
        stimulus, first_stimulus = (t.contrast, t.wavelength, t.size), (first.contrast,
                                                                          first.wavelength, first.size)
        same = (t.orientations.shape == first.orientations.shape
                and np.allclose(t.orientations, first.orientations) and stimulus == first_stimulus)
        if not same:
            raise ValueError("tunings must share orientations, contrast, wavelength and size "
                             "(measure them with the same orientation_tuning arguments)")
    theta = float(orientation) if np.isscalar(orientation) else np.nan
    if not np.isfinite(theta):
        raise ValueError(f"orientation must be a finite angle in radians; got {orientation!r}")
    gaps = orientation_difference(first.orientations, theta)
    index = int(np.argmin(gaps))
    if gaps[index] > 1e-6:
        raise ValueError(f"orientation must be one of the tunings' orientations (radians, "
                         f"modulo π); got {theta!r}, nearest {first.orientations[index]!r}")
    shown = max(float(t.responses_by_phase.max()) for t in tunings)
    if max_response is None:
        max_response = shown if shown > 0 else 1.0
    elif not np.isscalar(max_response) or not np.isfinite(max_response) or max_response <= 0:
        raise ValueError(f"max_response must be a number > 0; got {max_response!r}")
    top = 1.08 * float(max_response)

    fig, (ax_img, ax_phase, ax_tune) = new_figure(3, 1, width=3.4, height=3.3)
    half = (first.size - 1) / 2
    ax_img.imshow(grating(first.size, first.orientations[index], first.wavelength,
                          contrast=first.contrast),
                  cmap="gray", vmin=-1, vmax=1, interpolation="nearest",
                  extent=(-half - 0.5, half + 0.5, -half - 0.5, half + 0.5))
    ax_img.set_xlabel("x (pixels)")
    ax_img.set_ylabel("y (pixels)")
    ax_img.set_title(f"grating θ = {_deg(first.orientations[index])}, contrast {first.contrast:g}")

    markers = "os^D"
    for k, t in enumerate(tunings):
        colour, marker = PALETTE[k % len(PALETTE)], markers[k % len(markers)]
        label = f"{t.cell} cell (θ = {_deg(t.cell_orientation)})"
        ax_phase.plot(np.degrees(t.phases), t.responses_by_phase[index], marker=marker, ms=4,
                      color=colour, label=label)
        deg, r = _closed_curve(t.orientations, t.responses)
        ax_tune.plot(deg, r, "-", color=colour, label=label)
        ax_tune.plot(np.degrees(t.orientations[index]) % 180, t.responses[index], marker=marker,
                     ms=9, color=colour, markeredgecolor="black", linestyle="none")
    ax_phase.set_ylim(0, top)
    ax_phase.set_xlabel("grating phase (degrees)")
    ax_phase.set_ylabel("response (a.u.)")
    ax_phase.set_title("over one drift cycle")
    ax_tune.axvline(np.degrees(first.orientations[index]) % 180, color="grey", ls=":", lw=1)
    ax_tune.set_ylim(0, top)
    ax_tune.set_xlim(0, 180)
    ax_tune.set_xticks(range(0, 181, 45))
    ax_tune.set_xlabel("stimulus orientation (degrees)")
    ax_tune.set_ylabel("mean response (a.u.)")
    ax_tune.set_title("tuning curve (marker: this grating)")
    # Below the panels, so no legend hides a response at any frame of a sweep.
    fig.legend(*ax_phase.get_legend_handles_labels(), loc="outside lower center",
               ncols=len(tunings), fontsize=8, frameon=False)
    cells = " and ".join(dict.fromkeys(t.cell for t in tunings))
    fig.suptitle(f"The {cells} cell{'s' if len(tunings) > 1 else ''} viewing a drifting grating")
    return fig


def _mosaic(filters: np.ndarray, ncols: int) -> np.ndarray:
    """Tile filters into one image, each scaled to its own max |weight|, NaN gaps between."""
    n, h, w = filters.shape
    nrows = -(-n // ncols)
    out = np.full((nrows * (h + 1) - 1, ncols * (w + 1) - 1), np.nan)
    for i, f in enumerate(filters):
        r, c = divmod(i, ncols)
        peak = np.abs(f).max()
        out[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = f / peak if peak > 0 else f
    return out


def _filter_set(name: str, value) -> tuple[np.ndarray, np.ndarray | None]:
    """(filters, R² or None) from a GaborFits or an array of filters."""
    if isinstance(value, GaborFits):
        return value.filters, value.r_squared
    return check_finite_array(name, value, ndim=3), None


def plot_learned_filters(learned, random=None, *, ncols: int = 8,
                         learned_label: str = "Learned filters (ICA)"):
    """ICA filters learned from natural images beside random filters, and how Gabor-like they are.

    Each filter is drawn scaled to its own largest |weight| (ICA fixes no
    scale), with the diverging colormap centred at 0. When Gabor fits are
    given, a last panel shows the histogram of their R² (fraction of variance
    explained); this figure fits nothing itself.

    Parameters
    ----------
    learned : GaborFits or array_like
        Gabor fits of the learned filters (:func:`nslib.vision.fit_gabors`), or
        the filters alone, shape ``(n, size, size)`` (from
        :func:`nslib.vision.learn_v1_filters`).
    random : GaborFits or array_like, optional
        Control filters, e.g. white noise, given the same way.
    ncols : int, optional
        Filters per row of a mosaic, >= 1.
    learned_label : str, optional
        Title of the learned panel, e.g. ``"ICA basis functions"``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import fit_gabors, gabor
    >>> bank = np.stack([gabor(9, t, 4.0) for t in (0.0, 0.8, 1.6, 2.4)])
    >>> fig = plot_learned_filters(fit_gabors(bank), ncols=4)
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['Learned filters (ICA)', 'How Gabor-like?']
    """
    sets = [(str(learned_label), *_filter_set("learned", learned))]
    if random is not None:
        sets.append(("Random filters (white noise)", *_filter_set("random", random)))
    ncols = check_int("ncols", ncols, low=1)
    fitted = [(k, r2) for k, (_, _, r2) in enumerate(sets) if r2 is not None]
    fig, axes = new_figure(len(sets) + int(bool(fitted)), 1, width=3.6, height=3.8)
    axes = np.atleast_1d(axes)
    for ax, (title, filt, _) in zip(axes[:len(sets)], sets, strict=True):
        cols = min(ncols, len(filt))
        im = ax.imshow(_mosaic(filt, cols), cmap=DIVERGING_CMAP, vmin=-1, vmax=1,
                       interpolation="nearest")
        no_ticks([ax])
        ax.set_title(title)
        ax.set_xlabel(f"{len(filt)} filters, {filt.shape[1]}×{filt.shape[2]} pixels each")
    fig.colorbar(im, ax=list(axes[:len(sets)]), shrink=0.7, label="weight / max |weight|")
    if fitted:
        ax = axes[-1]
        bins = np.linspace(0, 1, 21)
        for k, r2 in fitted:
            name = "random" if k else "learned"
            ax.hist(np.clip(r2, 0, 1), bins=bins, color=PALETTE[k], alpha=0.7,
                    label=f"{name} (median {np.median(r2):.2f})")
        ax.set_xlabel("Gabor fit R² (fraction of variance)")
        ax.set_ylabel("number of filters")
        ax.set_title("How Gabor-like?")
        ax.legend(fontsize=8)
    fig.suptitle("Filters learned from natural images are Gabor-like")
    return fig


def plot_spiking_tuning(result: SpikingTuning, orientation_index: int | None = None,
                        cell_index: int | None = None):
    """Spike raster and spike-count tuning curves of a population of spiking simple cells.

    The raster shows either the whole population viewing one grating
    (``orientation_index``), or one cell viewing every grating (``cell_index``:
    one row per stimulus orientation, like repeated trials in an experiment).
    Spikes cluster at the phase of the drift that matches the receptive field.

    Parameters
    ----------
    result : SpikingTuning
        From :func:`nslib.vision.spiking_orientation_tuning`.
    orientation_index : int, optional
        Index into ``result.orientations`` of the stimulus shown in a population
        raster; default: the orientation closest to the first cell's preference.
    cell_index : int, optional
        If given, the raster shows this cell (index into
        ``result.preferred_orientations``) for every stimulus orientation instead.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import ms
    >>> from nslib.vision import spiking_orientation_tuning
    >>> res = spiking_orientation_tuning([0.0, np.pi / 2], orientations=[0.0, np.pi / 2],
    ...                                  duration=200 * ms, target="numpy")
    >>> fig = plot_spiking_tuning(res)
    >>> fig.axes[1].get_ylabel()
    'spike count (spikes per cycle)'
    """
    from brian2 import ms, second

    if not isinstance(result, SpikingTuning):
        raise ValueError("result must be a SpikingTuning "
                         "(from nslib.vision.spiking_orientation_tuning)")
    n_cells, n_oris = result.spike_counts.shape
    first = (np.ones(result.spike_cells.shape, dtype=bool) if result.spike_trials is None
             else result.spike_trials == 0)      # with several trials, the raster shows one
    if cell_index is not None and orientation_index is not None:
        raise ValueError(f"cell_index must be None when orientation_index is given (the raster "
                         f"shows one cell or one orientation); got cell_index={cell_index!r}")
    fig, (ax_raster, ax_tuning) = new_figure(2, 1, width=4.5, height=3.5)
    if cell_index is None:
        if orientation_index is None:
            gap = orientation_difference(result.orientations, result.preferred_orientations[0])
            orientation_index = int(np.argmin(gap))
        orientation_index = check_int("orientation_index", orientation_index, low=0,
                                      high=n_oris - 1)
        shown = (result.spike_orientation_indices == orientation_index) & first
        rows, n_rows = result.spike_cells[shown], n_cells
        labels = [_deg(t) for t in result.preferred_orientations]
        ax_raster.set_ylabel("cell (preferred orientation)")
        stimulus = result.orientations[orientation_index]
        ax_raster.set_title("Population, grating at " + _deg(stimulus))
    else:
        cell_index = check_int("cell_index", cell_index, low=0, high=n_cells - 1)
        shown = (result.spike_cells == cell_index) & first
        rows, n_rows = result.spike_orientation_indices[shown], n_oris
        labels = [_deg(t) for t in result.orientations]
        ax_raster.set_ylabel("stimulus orientation")
        ax_raster.set_title("Cell preferring " + _deg(result.preferred_orientations[cell_index]))
    times_ms = np.asarray(result.spike_times[shown] / ms)
    for r in range(n_rows):
        colour = PALETTE[(r if cell_index is None else cell_index) % len(PALETTE)]
        ax_raster.plot(times_ms[rows == r], np.full(np.sum(rows == r), r), "|", color=colour,
                       ms=max(2.0, min(8.0, 120.0 / n_rows)))
    step = max(1, n_rows // 8)
    ax_raster.set_yticks(range(0, n_rows, step))
    ax_raster.set_yticklabels(labels[::step])
    ax_raster.set_ylim(-0.5, n_rows - 0.5)
    ax_raster.set_xlim(0, float(result.duration / ms))
    ax_raster.set_xlabel("time in drift cycle (ms)")

    for c in range(n_cells):
        colour = PALETTE[c % len(PALETTE)]
        deg, counts = _closed_curve(result.orientations,
                                    result.spike_counts[c] / float(result.n_trials))
        ax_tuning.plot(deg, counts, "o-", color=colour, ms=3,
                       label=_deg(result.preferred_orientations[c]))
        ax_tuning.axvline(np.degrees(result.preferred_orientations[c]) % 180, color=colour,
                          ls="--", lw=1)
    ax_tuning.set_xlim(0, 180)
    ax_tuning.set_xticks(range(0, 181, 45))
    ax_tuning.set_xlabel("stimulus orientation (degrees)")
    ax_tuning.set_ylabel("spike count (spikes per cycle)")
    rate_axis = ax_tuning.secondary_yaxis(
        "right", functions=(lambda n: n / float(result.duration / second),
                            lambda r: r * float(result.duration / second)))
    rate_axis.set_ylabel("firing rate (Hz)")
    ax_tuning.set_title("Spike-count tuning (dashed: preferred)")
    ax_tuning.legend(title="cell", fontsize=7, title_fontsize=8)
    fig.suptitle(f"Spiking simple cells (LIF, Brian2), {float(result.duration / ms):.0f} ms "
                 "drifting gratings")
    return fig


def _image_panel(ax, image, title, *, cmap=DIVERGING_CMAP, symmetric=True, label=None, fig=None):
    image = np.asarray(image, dtype=float)
    peak = float(np.abs(image).max()) or 1.0
    kwargs = dict(vmin=-peak, vmax=peak) if symmetric else {}
    im = ax.imshow(image, cmap=cmap, interpolation="nearest", **kwargs)
    no_ticks([ax])
    ax.set_title(title)
    ax.set_xlabel(f"x ({image.shape[1]} pixels)")
    ax.set_ylabel(f"y ({image.shape[0]} pixels)")
    if fig is not None and label is not None:
        fig.colorbar(im, ax=ax, shrink=0.75, label=label)
    return im


def plot_center_surround(kernel, spot: SpotSizeTuning, image, lgn: LGNResponse):
    """Centre-surround receptive fields: the field, its area summation, and an image through it.

    Parameters
    ----------
    kernel : array_like
        A receptive field, e.g. :func:`nslib.vision.center_surround`.
    spot : SpotSizeTuning
        Its responses to discs of growing diameter (:func:`nslib.vision.spot_size_tuning`).
    image : array_like
        A 2-D image (luminance).
    lgn : LGNResponse
        ``image`` filtered by a sheet of such cells (:func:`nslib.vision.lgn_response`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import center_surround, lgn_response, spot_size_tuning
    >>> img = np.zeros((30, 30)); img[:, 15:] = 1.0
    >>> fig = plot_center_surround(center_surround(), spot_size_tuning(), img, lgn_response(img))
    >>> fig.axes[1].get_xlabel()
    'disc diameter (pixels)'
    """
    kernel = check_finite_array("kernel", kernel, ndim=2)
    image = check_finite_array("image", image, ndim=2)
    if not isinstance(spot, SpotSizeTuning):
        raise ValueError("spot must be a SpotSizeTuning (from nslib.vision.spot_size_tuning)")
    if not isinstance(lgn, LGNResponse):
        raise ValueError("lgn must be an LGNResponse (from nslib.vision.lgn_response)")
    fig, axes = new_figure(4, 1, width=3.2, height=3.3)
    _image_panel(axes[0], kernel, "ON-centre receptive field", fig=fig, label="weight")
    ax = axes[1]
    ax.plot(spot.diameters, spot.responses, "-", color=PALETTE[0])
    ax.axvline(spot.preferred_diameter, color=PALETTE[1], ls="--", lw=1,
               label=f"best disc: {spot.preferred_diameter:g} px")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("disc diameter (pixels)")
    ax.set_ylabel("response (a.u.)")
    ax.set_title("Area summation")
    ax.legend(fontsize=8)
    _image_panel(axes[2], image, "Image (luminance)", cmap="gray", symmetric=False)
    _image_panel(axes[3], lgn.on - lgn.off, "ON minus OFF cells", fig=fig,
                 label="response (a.u.)")
    fig.suptitle("Retina and LGN: centre-surround cells report local contrast")
    return fig


def plot_normalization(result: CrossOrientation):
    """A normalised V1 cell: contrast response with and without an orthogonal mask, and its tuning.

    Parameters
    ----------
    result : CrossOrientation
        From :func:`nslib.vision.cross_orientation_suppression`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision import cross_orientation_suppression
    >>> fig = plot_normalization(cross_orientation_suppression())
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if not isinstance(result, CrossOrientation):
        raise ValueError("result must be a CrossOrientation "
                         "(from nslib.vision.cross_orientation_suppression)")
    fig, (ax_c, ax_t) = new_figure(2, 1, width=4.6, height=3.5)
    top = float(result.normalized.max())
    energy_scale = top / float(result.energy.max())
    for k, mask in enumerate(result.mask_contrasts):
        ax_c.plot(100 * result.test_contrasts, result.normalized[k], "-o", ms=3,
                  color=PALETTE[k % len(PALETTE)], label=f"normalised, mask {mask:g}")
    # The mask barely changes the drive, so one line stands for every mask.
    ax_c.plot(100 * result.test_contrasts, energy_scale * result.energy.max(axis=0), ":",
              color=PALETTE[7], lw=1.5, label="energy model, any mask")
    ax_c.axvline(100 * result.c50, color="grey", ls="--", lw=1, label=f"c50 = {result.c50:.2f}")
    ax_c.set_xscale("log")
    ax_c.set_ylim(0, 1.1 * top)
    ax_c.set_xlabel("contrast of the preferred grating (%)")
    ax_c.set_ylabel("response (a.u.)")
    ax_c.set_title("Saturation and cross-orientation suppression")
    ax_c.legend(fontsize=7)
    for k, c in enumerate(result.tuning_contrasts):
        colour = PALETTE[k % len(PALETTE)]
        deg, r = _closed_curve(result.orientations, result.tuning[k])
        ax_t.plot(deg, r, "-o", ms=3, color=colour, label=f"contrast {c:g}")
        peak = r.max()
        if peak > 0:
            ax_t.plot(deg, r / peak * top, ":", color=colour, lw=1)
    ax_t.set_xlim(0, 180)
    ax_t.set_xticks(range(0, 181, 45))
    ax_t.set_xlabel("grating orientation (degrees)")
    ax_t.set_ylabel("response (a.u.)")
    ax_t.set_title("Tuning: the height changes, not the shape\n(dotted: scaled to one height)")
    ax_t.legend(fontsize=8)
    fig.suptitle(f"Divisive normalisation (σ = {result.semisaturation:g}, "
                 f"n = {result.exponent:g}) of a cell preferring 0°")
    return fig


def _offset_curve(offsets: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by offset (degrees, -90..90) and close the curve at both ends."""
    deg = np.degrees(offsets)
    order = np.argsort(deg)
    deg, values = deg[order], np.asarray(values, dtype=float)[order]
    if np.isclose(deg[-1], 90.0):
        deg, values = np.concatenate([[-90.0], deg]), np.concatenate([[values[-1]], values])
    return deg, values


def plot_population_tuning(*tunings: PopulationTuning, title: str | None = None):
    """Average spike-count tuning curves (cells aligned on their preference), raw and scaled.

    Parameters
    ----------
    *tunings : PopulationTuning
        From :func:`nslib.vision.population_tuning`, e.g. one contrast and full contrast.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import ms
    >>> from nslib.vision import population_tuning, spiking_orientation_tuning
    >>> res = spiking_orientation_tuning([0.0], orientations=np.arange(8) * np.pi / 8,
    ...                                  duration=400 * ms, target="numpy")
    >>> fig = plot_population_tuning(population_tuning(res))
    >>> fig.axes[1].get_ylabel()
    'spikes / peak'
    """
    if not tunings or not all(isinstance(t, PopulationTuning) for t in tunings):
        raise ValueError("tunings must be one or more PopulationTuning "
                         "(from nslib.vision.population_tuning)")
    fig, (ax_raw, ax_norm) = new_figure(2, 1, width=4.3, height=3.4)
    for k, t in enumerate(tunings):
        colour, marker = PALETTE[k % len(PALETTE)], "os^D"[k % 4]
        noise = "" if t.noise_sigma is None else f", σ = {float(t.noise_sigma * 1e3):g} mV"
        width = "no spikes" if np.isnan(t.half_width) else \
            f"half-width {np.degrees(t.half_width):.1f}°"
        deg, counts = _offset_curve(t.orientation_offsets, t.mean_counts)
        ax_raw.plot(deg, counts, "-", marker=marker, ms=3, color=colour,
                    label=f"contrast {t.contrast:g}{noise}")
        peak = counts.max()
        ax_norm.plot(deg, counts / peak if peak > 0 else counts, "-", marker=marker, ms=3,
                     color=colour, label=f"contrast {t.contrast:g}: {width}")
    for ax in (ax_raw, ax_norm):
        ax.set_xlim(-90, 90)
        ax.set_xticks(range(-90, 91, 45))
        ax.set_xlabel("orientation − preferred (degrees)")
        ax.legend(fontsize=8)
    ax_norm.axhline(0.5, color="grey", ls=":", lw=1)
    ax_raw.set_ylabel("spikes per drift cycle")
    ax_raw.set_title("Spike counts")
    ax_norm.set_ylabel("spikes / peak")
    ax_norm.set_ylim(-0.05, 1.1)
    ax_norm.set_title("Scaled to one height")
    fig.suptitle(title or "Spiking simple cells: tuning at two contrasts")
    return fig


def plot_contrast_invariance(result: ContrastInvariance, noise_panels: Sequence[float] | None = None):
    """Tuning width against contrast at several noise levels: the iceberg effect and its cure.

    One panel per noise level in ``noise_panels`` shows the tuning curves at
    every contrast scaled to one height; the last panel shows their
    half-widths against contrast for every noise level, with the half-width
    of the input current's tuning dashed.

    Parameters
    ----------
    result : ContrastInvariance
        From :func:`nslib.vision.contrast_invariance`.
    noise_panels : sequence of float, optional
        Noise levels (mV) to show as tuning-curve panels, each one of
        ``result.noise_sigmas``; default: the lowest and the highest.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nslib.vision.spiking_v1 import ContrastInvariance
    >>> off = np.linspace(-np.pi / 2, np.pi / 2, 8, endpoint=False)
    >>> curves = np.exp(np.cos(2 * off) / 0.3)[None, None] * np.ones((1, 2, 1))
    >>> res = ContrastInvariance(np.array([0.5, 1.0]), np.array([0.002]), off, curves,
    ...                          np.full((1, 2), 0.3), np.full((1, 2), 0.9), curves[:, :, 4],
    ...                          0.3, 1)
    >>> plot_contrast_invariance(res).axes[-1].get_xlabel()
    'contrast'
    """
    if not isinstance(result, ContrastInvariance):
        raise ValueError("result must be a ContrastInvariance "
                         "(from nslib.vision.contrast_invariance)")
    noise_mv = np.asarray(result.noise_sigmas, dtype=float) * 1e3
    if noise_panels is None:
        noise_panels = [noise_mv[0], noise_mv[-1]] if len(noise_mv) > 1 else [noise_mv[0]]
    rows = []
    for value in noise_panels:
        match = np.nonzero(np.isclose(noise_mv, float(value)))[0]
        if match.size == 0:
            raise ValueError(f"noise_panels must be levels of result.noise_sigmas "
                             f"({noise_mv.tolist()} mV); got {value!r}")
        rows.append(int(match[0]))
    fig, axes = new_figure(len(rows) + 1, 1, width=3.6, height=3.4)
    axes = np.atleast_1d(axes)
    for ax, i in zip(axes[:len(rows)], rows, strict=True):
        for j, c in enumerate(result.contrasts):
            deg, counts = _offset_curve(result.orientation_offsets, result.tuning_curves[i, j])
            peak = counts.max()
            ax.plot(deg, counts / peak if peak > 0 else counts, "-", color=PALETTE[j % 8],
                    label=f"{c:g}")
        ax.axhline(0.5, color="grey", ls=":", lw=1)
        ax.set_xlim(-90, 90)
        ax.set_xticks(range(-90, 91, 45))
        ax.set_ylim(-0.05, 1.1)
        ax.set_xlabel("orientation − preferred (°)")
        ax.set_ylabel("spikes / peak")
        ax.set_title(f"noise σ = {noise_mv[i]:g} mV")
        ax.legend(title="contrast", fontsize=7, title_fontsize=7)
    ax = axes[-1]
    for i, sigma in enumerate(noise_mv):
        ax.plot(result.contrasts, np.degrees(result.half_widths[i]), "-o", ms=3,
                color=PALETTE[i % 8], label=f"σ = {sigma:g} mV")
    ax.axhline(np.degrees(result.input_half_width), color="grey", ls="--", lw=1,
               label="input current")
    ax.set_xlabel("contrast")
    ax.set_ylabel("half-width at half-height (°)")
    ax.set_title("Tuning width")
    ax.legend(fontsize=7)
    fig.suptitle(f"Contrast and tuning width of spiking simple cells ({result.n_trials} trials)")
    return fig
