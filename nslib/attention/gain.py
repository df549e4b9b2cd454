"""Attention in visual cortex: biased competition and the normalization model of attention.

Two rate models, both steady states (no time), both in units of a neuron's
firing rate relative to its largest response:

* :func:`biased_competition` -- one neuron with two stimuli in its receptive
  field, a preferred and a poor one (Desimone & Duncan 1995; Reynolds,
  Chelazzi & Desimone 1999). The stimuli drive two input populations that
  compete through a shared, divisive normalisation; a top-down signal
  multiplies the responses of the attended population, and the neuron's
  response moves towards its response to the attended stimulus alone.
* :func:`attention_gain_model` -- the normalization model of attention
  (Reynolds & Heeger 2009) for a population of neurons indexed by receptive
  field position and preferred orientation. Whether attention looks like a
  change of contrast gain or of response gain depends on the sizes of the
  stimulus and of the attention field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_finite_array, check_int, check_number

__all__ = [
    "AttentionGainResult",
    "BiasedCompetition",
    "attention_gain_model",
    "biased_competition",
    "naka_rushton",
]


# ---------------------------------------------------------------------------
# Biased competition: two stimuli, one neuron
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BiasedCompetition:
    """Responses of a neuron to a preferred and a poor stimulus, alone and together.

    Attributes
    ----------
    preferred_alone, poor_alone : float
        Response (relative rate) to each stimulus on its own, no attention.
    pair : float
        Response to both stimuli together, attention elsewhere.
    pair_attend_preferred, pair_attend_poor : float
        Response to the pair when attention is on the preferred / poor stimulus.
    attention_gain : float
        Factor multiplying the attended input population's responses.
    """

    preferred_alone: float
    poor_alone: float
    pair: float
    pair_attend_preferred: float
    pair_attend_poor: float
    attention_gain: float


def biased_competition(preferred_weight: float = 1.0, poor_weight: float = 0.2,
                       attention_gain: float = 3.0, contrast: float = 1.0,
                       sigma: float = 0.1) -> BiasedCompetition:
    r"""Biased competition between two stimuli in one receptive field.

    Each stimulus ``s`` drives an input population with activity ``c_s``
    (its contrast), scaled by a top-down gain ``a_s`` (``attention_gain`` for
    the attended stimulus, 1 otherwise). The recorded neuron weights the two
    populations by its selectivity ``w_s`` and is normalised by their summed
    activity:

    .. math:: r = \frac{a_1 w_1 c_1 + a_2 w_2 c_2}{a_1 c_1 + a_2 c_2 + \sigma} .

    Alone, each stimulus gives ``w_s c_s / (c_s + σ)``. Together, with no
    attention, the response is close to the average of the two: the stimuli
    compete. Attending to one stimulus weights its population more, so the
    response moves towards the response to that stimulus alone, as in V2 and
    V4 neurons (Reynolds, Chelazzi & Desimone 1999).

    Parameters
    ----------
    preferred_weight, poor_weight : float, in [0, 10]
        Selectivity ``w`` of the neuron for each stimulus
        (``preferred_weight >= poor_weight``).
    attention_gain : float, in [1, 100]
        Top-down gain on the attended population.
    contrast : float, in (0, 1]
        Contrast of both stimuli.
    sigma : float, in [0, 10]
        Semi-saturation constant of the normalisation.

    Returns
    -------
    BiasedCompetition

    Examples
    --------
    >>> res = biased_competition()
    >>> res.poor_alone < res.pair < res.preferred_alone
    True
    >>> res.pair_attend_poor < res.pair < res.pair_attend_preferred
    True
    """
    w1 = check_number("preferred_weight", preferred_weight, low=0.0, high=10.0)
    w2 = check_number("poor_weight", poor_weight, low=0.0, high=10.0)
    if w2 > w1:
        raise ValueError(f"poor_weight must be <= preferred_weight ({w1}); got {w2}")
    gain = check_number("attention_gain", attention_gain, low=1.0, high=100.0)
    c = check_number("contrast", contrast, low=0.0, high=1.0, low_inclusive=False)
    sigma = check_number("sigma", sigma, low=0.0, high=10.0)

    def response(c1: float, c2: float, a1: float = 1.0, a2: float = 1.0) -> float:
        return (a1 * w1 * c1 + a2 * w2 * c2) / (a1 * c1 + a2 * c2 + sigma)

    return BiasedCompetition(
        preferred_alone=response(c, 0.0), poor_alone=response(0.0, c), pair=response(c, c),
        pair_attend_preferred=response(c, c, a1=gain), pair_attend_poor=response(c, c, a2=gain),
        attention_gain=gain)


# ---------------------------------------------------------------------------
# The normalization model of attention (Reynolds & Heeger 2009)
# ---------------------------------------------------------------------------

def naka_rushton(contrast: Any, r_max: float, c50: float, exponent: float = 2.0) -> np.ndarray:
    r"""The Naka-Rushton contrast-response function ``r_max c^n / (c^n + c50^n)``.

    Parameters
    ----------
    contrast : array_like, values in [0, 1]
    r_max : float, >= 0
        Response at infinite contrast.
    c50 : float, > 0
        Contrast giving half of ``r_max``.
    exponent : float, in (0, 10]
        Steepness ``n`` of the curve.

    Returns
    -------
    numpy.ndarray
        The response at each contrast, in the units of ``r_max``.

    Examples
    --------
    >>> float(naka_rushton(0.2, r_max=1.0, c50=0.2))
    0.5
    """
    c = check_finite_array("contrast", contrast, min_size=1)
    if np.any(c < 0) or np.any(c > 1):
        raise ValueError("contrast must lie in [0, 1]")
    r_max = check_number("r_max", r_max, low=0.0)
    c50 = check_number("c50", c50, low=0.0, low_inclusive=False)
    n = check_number("exponent", exponent, low=0.0, high=10.0, low_inclusive=False)
    return r_max * c**n / (c**n + c50**n)


@dataclass(frozen=True, eq=False)
class AttentionGainResult:
    """The normalization model of attention for one stimulus and one attention field.

    The population is a grid of neurons: receptive-field centre ``positions``
    (degrees of visual angle) x preferred ``orientations`` (degrees). The
    stimulus is a grating centred at position 0 with orientation 0.

    Attributes
    ----------
    positions : numpy.ndarray, shape (n_positions,)
        Receptive-field centres (deg).
    orientations : numpy.ndarray, shape (n_orientations,)
        Preferred orientations (deg), in [-90, 90).
    stimulus_drive, attention_field, suppressive_drive, response : numpy.ndarray
        Shape (n_positions, n_orientations), at contrast ``tuning_contrast``:
        ``E``, ``A``, ``S`` and ``R = A E / (S + σ^n)``.
    contrasts : numpy.ndarray, shape (n_contrasts,)
    contrast_response, contrast_response_unattended : numpy.ndarray, shape (n_contrasts,)
        Response of the neuron at position 0 that prefers orientation 0, with
        attention on the stimulus and with attention far away (``A = 1``).
    r_max, c50, r_max_unattended, c50_unattended : float
        The model's contrast-response functions are exactly Naka-Rushton
        functions (:func:`naka_rushton`) with these parameters and
        ``exponent``: attention changes ``c50`` (contrast gain), ``r_max``
        (response gain), or both.
    tuning_curve, tuning_curve_unattended : numpy.ndarray, shape (n_orientations,)
        Responses at position 0 to the stimulus at ``tuning_contrast``, by
        preferred orientation; in this translation-invariant model this is also
        one neuron's orientation tuning curve (against stimulus orientation minus
        preferred orientation).
    tuning_contrast : float
    stimulus_size, attention_width, attention_gain, tuning_width, sigma, exponent : float
        The parameters the model ran with (see :func:`attention_gain_model`).
        ``stimulus_size`` is a full width, ``attention_width`` a standard
        deviation: compare the stimulus with :attr:`attention_fwhm`.
    """

    positions: np.ndarray
    orientations: np.ndarray
    stimulus_drive: np.ndarray
    attention_field: np.ndarray
    suppressive_drive: np.ndarray
    response: np.ndarray
    contrasts: np.ndarray
    contrast_response: np.ndarray
    contrast_response_unattended: np.ndarray
    r_max: float
    c50: float
    r_max_unattended: float
    c50_unattended: float
    tuning_curve: np.ndarray
    tuning_curve_unattended: np.ndarray
    tuning_contrast: float
    stimulus_size: float
    attention_width: float
    attention_gain: float
    tuning_width: float
    sigma: float
    exponent: float

    @property
    def attention_fwhm(self) -> float:
        """Full width of the attention field's bump at half its height (deg): ``2 sqrt(2 ln 2) w_A``.

        The same kind of width as ``stimulus_size`` (the grating's full width).
        """
        return float(2.0 * np.sqrt(2.0 * np.log(2.0)) * self.attention_width)

    @property
    def tuning_half_width(self) -> float:
        r"""Orientation (deg) from the preferred one at which the tuning falls to half height.

        ``exp((cos 2θ - 1)/w²) = 1/2`` at ``θ = arccos(1 - w² ln 2) / 2`` (``w`` in
        radians). ``w`` is not a standard deviation: near the preferred
        orientation the tuning is close to a Gaussian of standard deviation ``w/2``.
        """
        w = np.radians(self.tuning_width)
        return float(np.degrees(0.5 * np.arccos(max(-1.0, 1.0 - w**2 * np.log(2.0)))))


def _gaussian_kernel(step: float, width: float) -> np.ndarray:
    half = int(np.ceil(4 * width / step))
    x = np.arange(-half, half + 1) * step
    kernel = np.exp(-0.5 * (x / width) ** 2)
    return kernel / kernel.sum()


def attention_gain_model(stimulus_size: float = 2.0, attention_width: float = 10.0,
                         attention_gain: float = 2.0, contrasts: Any = None,
                         tuning_contrast: float = 0.5, rf_width: float = 1.0,
                         suppression_width: float = 4.0, tuning_width: float = 30.0,
                         sigma: float = 0.1, exponent: float = 2.0,
                         n_orientations: int = 36) -> AttentionGainResult:
    r"""The normalization model of attention (Reynolds & Heeger 2009).

    Every neuron, at receptive-field position ``x`` and preferred orientation
    ``θ``, responds

    .. math::
        R(x, θ) = \frac{A(x, θ)\,E(x, θ)}{S(x, θ) + σ^n}, \qquad
        S = s_x * s_θ * [A\,E] ,

    where ``E`` is the stimulus drive, ``A`` the attention field and ``S`` the
    suppressive drive: the attention-weighted stimulus drive pooled over
    nearby positions (a Gaussian ``s_x`` of width ``suppression_width``) and
    over all orientations (``s_θ``, uniform). Here
    ``E(x, θ) = c^n · [box * G_rf](x) · exp((cos 2θ - 1)/w²)`` for a grating
    of contrast ``c`` and width ``stimulus_size`` centred at 0, seen through a
    Gaussian receptive field, and the attention field is a Gaussian bump
    centred on the stimulus, ``A = 1 + (attention_gain - 1) exp(-x²/2 w_A²)``,
    the same for every orientation (spatial attention).

    Since ``E`` and ``S`` are both proportional to ``c^n``, each neuron's
    contrast response is exactly a Naka-Rushton function: attention that
    multiplies ``E`` and ``S`` alike (a stimulus small beside the attention
    field) divides ``c50`` by ``attention_gain^{1/n}``: **contrast gain**.
    Attention that multiplies ``E`` but hardly ``S`` (a stimulus much larger
    than the attention field, so the suppressive pool is mostly unattended)
    multiplies ``r_max`` by up to ``attention_gain``: **response gain**.

    Parameters
    ----------
    stimulus_size : float, in [0.1, 40]
        Full width of the grating (deg).
    attention_width : float, in [0.1, 40]
        Standard deviation ``w_A`` of the attention field (deg); its full width
        at half maximum, comparable with ``stimulus_size``, is
        ``2 sqrt(2 ln 2) w_A ≈ 2.35 w_A``.
    attention_gain : float, in [1, 20]
        Peak of the attention field (1 = no attention).
    contrasts : array_like, optional
        Contrasts for the contrast-response functions, in (0, 1]. Default: 25
        log-spaced from 0.01 to 1.
    tuning_contrast : float, in (0, 1], default 0.5
        Contrast for the population images and tuning curves.
    rf_width : float, in [0.1, 10]
        Standard deviation of the receptive fields (deg).
    suppression_width : float, in [0.1, 20]
        Standard deviation of the spatial pool of the suppressive drive (deg).
    tuning_width : float, in [5, 90]
        Orientation tuning width ``w`` (deg) in ``exp((cos 2θ - 1)/w²)``; not a
        standard deviation (near the peak the curve is a Gaussian of standard
        deviation ``w/2``; see :attr:`AttentionGainResult.tuning_half_width`).
    sigma : float, in (0, 1]
        Semi-saturation constant, in units of contrast.
    exponent : float, in [1, 4]
        ``n``.
    n_orientations : int, in [4, 180]
        Preferred orientations, equally spaced over 180 deg.

    Returns
    -------
    AttentionGainResult

    Examples
    --------
    >>> small = attention_gain_model(stimulus_size=1.0, attention_width=10.0)
    >>> bool(small.c50 < 0.8 * small.c50_unattended)           # contrast gain
    True
    >>> large = attention_gain_model(stimulus_size=20.0, attention_width=1.0)
    >>> bool(large.r_max > 1.3 * large.r_max_unattended)       # response gain
    True
    """
    size = check_number("stimulus_size", stimulus_size, low=0.1, high=40.0)
    att_width = check_number("attention_width", attention_width, low=0.1, high=40.0)
    gain = check_number("attention_gain", attention_gain, low=1.0, high=20.0)
    if contrasts is None:
        contrasts = np.logspace(-2, 0, 25)
    c = check_finite_array("contrasts", contrasts, ndim=1)
    if np.any(c <= 0) or np.any(c > 1):
        raise ValueError("contrasts must lie in (0, 1]")
    c_tune = check_number("tuning_contrast", tuning_contrast, low=0.0, high=1.0,
                          low_inclusive=False)
    rf_width = check_number("rf_width", rf_width, low=0.1, high=10.0)
    sup_width = check_number("suppression_width", suppression_width, low=0.1, high=20.0)
    tuning_width = check_number("tuning_width", tuning_width, low=5.0, high=90.0)
    sigma = check_number("sigma", sigma, low=0.0, high=1.0, low_inclusive=False)
    n = check_number("exponent", exponent, low=1.0, high=4.0)
    n_ori = check_int("n_orientations", n_orientations, low=4, high=180)

    step = 0.1
    # Wide enough that the largest pools never reach the edge.
    half_extent = 40.0 + 4 * max(sup_width, rf_width, att_width)
    positions = np.arange(-half_extent, half_extent + step / 2, step)
    orientations = -90.0 + 180.0 * np.arange(n_ori) / n_ori

    stimulus = (np.abs(positions) <= size / 2).astype(float)
    spatial = np.convolve(stimulus, _gaussian_kernel(step, rf_width), mode="same")
    w = np.radians(tuning_width)
    tuning = np.exp((np.cos(2 * np.radians(orientations)) - 1.0) / w**2)
    drive_at_c1 = np.outer(spatial, tuning)                     # E at contrast 1
    field_1d = 1.0 + (gain - 1.0) * np.exp(-0.5 * (positions / att_width) ** 2)
    field = np.repeat(field_1d[:, None], n_ori, axis=1)

    def suppression(attention: np.ndarray) -> np.ndarray:
        # Normalised so that a full-field grating gives S = E at the preferred orientation.
        pooled_orientation = (attention * drive_at_c1).mean(axis=1) / tuning.mean()
        pooled = np.convolve(pooled_orientation, _gaussian_kernel(step, sup_width), mode="same")
        return np.repeat(pooled[:, None], n_ori, axis=1)

    centre = int(np.argmin(np.abs(positions)))
    preferred = int(np.argmin(np.abs(orientations)))
    sigma_n = sigma**n
    results = {}
    for label, attention in (("attended", field), ("unattended", np.ones_like(field))):
        suppressive = suppression(attention)
        excitatory = attention * drive_at_c1
        # R(c) = e c^n / (s c^n + σ^n) = r_max c^n / (c^n + c50^n) exactly.
        e, s = excitatory[centre, preferred], suppressive[centre, preferred]
        r_max, c50 = e / s, (sigma_n / s) ** (1.0 / n)
        cn = c_tune**n
        response = excitatory * cn / (suppressive * cn + sigma_n)
        results[label] = dict(
            r_max=float(r_max), c50=float(c50),
            crf=naka_rushton(c, r_max, c50, n), response=response, suppressive=suppressive * cn,
            tuning=response[centre])

    att, unatt = results["attended"], results["unattended"]
    keep = np.abs(positions) <= 20.0 + 1e-9
    return AttentionGainResult(
        positions=positions[keep], orientations=orientations,
        stimulus_drive=drive_at_c1[keep] * c_tune**n, attention_field=field[keep],
        suppressive_drive=att["suppressive"][keep], response=att["response"][keep],
        contrasts=c, contrast_response=att["crf"], contrast_response_unattended=unatt["crf"],
        r_max=att["r_max"], c50=att["c50"], r_max_unattended=unatt["r_max"],
        c50_unattended=unatt["c50"], tuning_curve=att["tuning"],
        tuning_curve_unattended=unatt["tuning"], tuning_contrast=c_tune, stimulus_size=size,
        attention_width=att_width, attention_gain=gain, tuning_width=tuning_width, sigma=sigma,
        exponent=n)
