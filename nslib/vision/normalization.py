"""Divisive normalisation of V1 responses (Heeger 1992; Carandini & Heeger 2012).

A V1 cell's response is not its filter output alone: it is divided by the
pooled activity of many neighbouring cells of all orientations,

``R_i = E_i / (σⁿ + Σ_j E_j)``,    ``E_i = (r_i / r_max)ⁿ``,

where ``r_i`` is the energy-model (complex-cell) response of cell ``i``
(:func:`nslib.vision.complex_cell_response`), normalised by its response to
its optimal grating at full contrast, ``n`` an exponent and ``σ`` the
semi-saturation constant. Three classic observations follow: responses
saturate with contrast; a grating of the orthogonal orientation, which does
not drive the cell, suppresses its response to the preferred one
(cross-orientation suppression); and the shape of the orientation tuning
curve does not change with contrast, only its height.

Angles in radians, lengths in pixels, contrast in ``[0, 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite_array, check_int, check_number, check_positive
from .receptive_fields import DEFAULT_WAVELENGTH, complex_cell_response, grating

__all__ = ["CrossOrientation", "NormalizedPopulation", "cross_orientation_suppression",
           "normalized_population"]


@dataclass(frozen=True, eq=False)
class NormalizedPopulation:
    """Responses of a normalised population of complex cells to a set of images.

    Attributes
    ----------
    orientations : numpy.ndarray, shape (n_cells,)
        Preferred orientation of each cell of the pool (radians).
    energies : numpy.ndarray, shape (n_images, n_cells)
        ``E_i = (r_i / r_max)ⁿ``: the un-normalised drive.
    responses : numpy.ndarray, shape (n_images, n_cells)
        ``E_i / (σⁿ + Σ_j E_j)``.
    semisaturation : float
        σ (contrast units).
    exponent : float
        n.
    """

    orientations: np.ndarray
    energies: np.ndarray
    responses: np.ndarray
    semisaturation: float
    exponent: float


def _check_params(n_cells, semisaturation, exponent):
    n_cells = check_int("n_cells", n_cells, low=2)
    semisaturation = check_positive("semisaturation", semisaturation)
    exponent = check_number("exponent", exponent, low=1.0, high=4.0)
    return n_cells, semisaturation, exponent


def normalized_population(images, n_cells: int = 12, semisaturation: float = 0.2,
                          exponent: float = 2.0, wavelength: float = DEFAULT_WAVELENGTH
                          ) -> NormalizedPopulation:
    """Divisively normalised responses of complex cells tiling orientation at one position.

    ``n_cells`` energy-model cells with preferred orientations ``kπ/n_cells``
    look at the centre of each image. Each cell's drive ``E_i = (r_i/r_max)ⁿ``
    is divided by ``σⁿ`` plus the summed drive of the whole pool, the
    normalisation model of Heeger (1992).

    Parameters
    ----------
    images : array_like
        An image ``(size, size)`` or a stack ``(n, size, size)`` of luminance
        relative to the mean (like :func:`nslib.vision.grating`), size >= 3.
    n_cells : int, >= 2
        Cells in the normalisation pool.
    semisaturation : float, > 0
        σ, in units of contrast.
    exponent : float, in [1, 4]
        n.
    wavelength : float, > 0
        Preferred wavelength of every cell (pixels).

    Returns
    -------
    NormalizedPopulation

    Examples
    --------
    >>> pop = normalized_population(grating(31, 0.0))
    >>> int(np.argmax(pop.responses[0])), round(float(pop.energies[0, 0]), 6)
    (0, 1.0)
    """
    stack = check_finite_array("images", images)
    if stack.ndim == 2:
        stack = stack[np.newaxis]
    if stack.ndim != 3 or stack.shape[1] != stack.shape[2] or stack.shape[1] < 3:
        raise ValueError("images must be a square image (size, size) or a stack "
                         f"(n, size, size) with size >= 3; got shape {stack.shape}")
    n_cells, semisaturation, exponent = _check_params(n_cells, semisaturation, exponent)
    wavelength = check_positive("wavelength", wavelength)
    size = stack.shape[1]
    thetas = np.arange(n_cells) * np.pi / n_cells
    # Every cell has the same optimal response (a rotated copy of one filter).
    r_max = complex_cell_response(grating(size, 0.0, wavelength), 0.0, wavelength)
    r = np.stack([complex_cell_response(stack, t, wavelength) for t in thetas], axis=1)
    energies = (r / r_max) ** exponent
    pool = semisaturation**exponent + energies.sum(axis=1, keepdims=True)
    return NormalizedPopulation(orientations=thetas, energies=energies, responses=energies / pool,
                                semisaturation=semisaturation, exponent=exponent)


@dataclass(frozen=True, eq=False)
class CrossOrientation:
    """Contrast responses of the cell preferring 0 rad to a grating plus an orthogonal mask.

    Attributes
    ----------
    test_contrasts : numpy.ndarray, shape (n_test,)
    mask_contrasts : numpy.ndarray, shape (n_mask,)
    normalized : numpy.ndarray, shape (n_mask, n_test)
        Normalised response of the cell (``R_0``).
    energy : numpy.ndarray, shape (n_mask, n_test)
        Its un-normalised drive ``E_0``, which the mask barely changes.
    c50 : float
        Test contrast at which ``R_0`` reaches half its maximum (over contrast)
        without a mask, interpolated on a log-contrast axis.
    orientations : numpy.ndarray
        Stimulus orientations of the tuning curves (radians).
    tuning_contrasts : numpy.ndarray
        Contrasts of the tuning curves.
    tuning : numpy.ndarray, shape (n_tuning_contrasts, n_orientations)
        Normalised response of the cell to single gratings at each orientation.
    semisaturation, exponent : float
    """

    test_contrasts: np.ndarray
    mask_contrasts: np.ndarray
    normalized: np.ndarray
    energy: np.ndarray
    c50: float
    orientations: np.ndarray
    tuning_contrasts: np.ndarray
    tuning: np.ndarray
    semisaturation: float
    exponent: float


def _check_contrasts(name, values):
    arr = check_finite_array(name, values, ndim=1)
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must all be in [0, 1]; got {arr.tolist()}")
    return arr


def cross_orientation_suppression(test_contrasts=None, mask_contrasts=(0.0, 0.25, 0.5),
                                  tuning_contrasts=(0.1, 0.3, 1.0), n_cells: int = 12,
                                  semisaturation: float = 0.2, exponent: float = 2.0,
                                  size: int = 31, wavelength: float = DEFAULT_WAVELENGTH
                                  ) -> CrossOrientation:
    """Contrast response, cross-orientation suppression and tuning of a normalised V1 cell.

    The stimulus is a test grating at the cell's preferred orientation (0 rad)
    plus a mask grating at the orthogonal one (π/2), a *plaid*; each is a
    sum of the two sinusoids, so a mask of contrast 0 leaves the test alone.
    The cell's drive barely notices the mask, but the normalisation pool
    does, so the response falls. The tuning curves use single gratings.

    Parameters
    ----------
    test_contrasts : array_like, optional
        Contrasts of the preferred grating, in [0, 1]. Default: 25 log-spaced
        from 0.01 to 1.
    mask_contrasts : array_like
        Contrasts of the orthogonal mask, in [0, 1].
    tuning_contrasts : array_like
        Contrasts at which to measure the orientation tuning curve, in [0, 1].
    n_cells, semisaturation, exponent, wavelength
        As in :func:`normalized_population`.
    size : int, >= 3
        Side of the stimulus (pixels).

    Returns
    -------
    CrossOrientation

    Examples
    --------
    >>> res = cross_orientation_suppression(test_contrasts=[0.25], mask_contrasts=[0.0, 0.5])
    >>> bool(res.normalized[1, 0] < 0.5 * res.normalized[0, 0])   # the mask suppresses
    True
    >>> bool(abs(res.energy[1, 0] / res.energy[0, 0] - 1) < 0.01)  # but does not drive
    True
    """
    if test_contrasts is None:
        test_contrasts = np.geomspace(0.01, 1.0, 25)
    tests = _check_contrasts("test_contrasts", test_contrasts)
    masks = _check_contrasts("mask_contrasts", mask_contrasts)
    tuning_c = _check_contrasts("tuning_contrasts", tuning_contrasts)
    size = check_int("size", size, low=3)
    plaids = np.stack([grating(size, 0.0, wavelength, contrast=c)
                       + grating(size, np.pi / 2, wavelength, contrast=m)
                       for m in masks for c in tests])
    pop = normalized_population(plaids, n_cells, semisaturation, exponent, wavelength)
    shape = (len(masks), len(tests))
    normalized = pop.responses[:, 0].reshape(shape)
    energy = pop.energies[:, 0].reshape(shape)
    oris = np.arange(24) * np.pi / 24
    singles = np.stack([grating(size, o, wavelength, contrast=c) for c in tuning_c for o in oris])
    tuning = normalized_population(singles, n_cells, semisaturation, exponent,
                                   wavelength).responses[:, 0].reshape(len(tuning_c), len(oris))
    return CrossOrientation(
        test_contrasts=tests, mask_contrasts=masks, normalized=normalized, energy=energy,
        c50=_c50(tests, normalized[int(np.argmin(masks))]), orientations=oris,
        tuning_contrasts=tuning_c, tuning=tuning, semisaturation=pop.semisaturation,
        exponent=pop.exponent)


def _c50(contrasts: np.ndarray, responses: np.ndarray) -> float:
    """Contrast of half the largest response, interpolated in log contrast (NaN if not crossed)."""
    order = np.argsort(contrasts)
    c, r = contrasts[order], responses[order]
    keep = c > 0
    c, r = c[keep], r[keep]
    half = 0.5 * r.max()
    above = np.nonzero(r >= half)[0]
    if len(above) == 0 or above[0] == 0:
        return float("nan")
    k = above[0]
    frac = (half - r[k - 1]) / (r[k] - r[k - 1])
    return float(np.exp(np.log(c[k - 1]) + frac * (np.log(c[k]) - np.log(c[k - 1]))))
