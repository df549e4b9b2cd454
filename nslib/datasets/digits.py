"""scikit-learn's handwritten digits: the images, and the course's one train/test split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_number

__all__ = ["Digits", "DigitsSplit", "load_digits", "load_digits_split"]

#: Pixel values of scikit-learn's digits count "on" pixels in 4 × 4 blocks: 0..16.
DIGITS_MAX = 16.0
#: Side of a digit image, in pixels.
DIGITS_SIDE = 8


@dataclass(frozen=True, eq=False)
class Digits:
    """All 1797 digits, in scikit-learn's order.

    Attributes
    ----------
    images : numpy.ndarray, shape (1797, 8, 8)
        Pixel intensities scaled to [0, 1].
    labels : numpy.ndarray of int, shape (1797,)
        Digit classes 0–9.
    """

    images: np.ndarray
    labels: np.ndarray

    @property
    def flat(self) -> np.ndarray:
        """The images as rows of 64 pixels, shape (1797, 64)."""
        return self.images.reshape(len(self.images), -1)


def load_digits() -> Digits:
    """Load scikit-learn's 8 × 8 handwritten digits, scaled to [0, 1].

    Returns
    -------
    Digits
        New arrays at every call.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, digits.flat.shape, float(digits.images.max())
    ((1797, 8, 8), (1797, 64), 1.0)
    >>> np.bincount(digits.labels).tolist()[:3]
    [178, 182, 177]
    """
    from sklearn.datasets import load_digits as sklearn_digits

    raw = sklearn_digits()
    return Digits(images=raw.images / DIGITS_MAX, labels=raw.target.astype(int))


@dataclass(frozen=True, eq=False)
class DigitsSplit:
    """The digits, split into a training and a held-out test set.

    Attributes
    ----------
    train_images, test_images : numpy.ndarray, shape (n, 8, 8)
        Pixel intensities scaled to [0, 1].
    train_labels, test_labels : numpy.ndarray of int, shape (n,)
        Digit classes 0–9.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def load_digits_split(test_fraction: float = 0.25, *, seed: Any = 0) -> DigitsSplit:
    """Load the digits and split them, stratified by class: the course's one digits split.

    The CNN (:func:`nslib.vision.train_digits_cnn`), the learning rules
    (:func:`nslib.perceptron.train_two_layer`), the MLP of
    :func:`nslib.predictive.digits_data` and the RSA stimuli
    (:func:`nslib.rsa.digit_stimuli`) all use it, so that with the same seed
    they train and test on the same images.

    Parameters
    ----------
    test_fraction : float, in (0, 1)
        Fraction of the 1797 images held out for testing; each set keeps at
        least 10 images.
    seed : int or numpy.random.Generator, default 0
        Seeds the split (a Generator gives one draw, and advances).

    Returns
    -------
    DigitsSplit

    Examples
    --------
    >>> split = load_digits_split(test_fraction=0.25, seed=0)
    >>> split.train_images.shape, split.test_images.shape
    ((1348, 8, 8), (449, 8, 8))
    >>> float(split.train_images.max())
    1.0
    """
    test_fraction = check_number("test_fraction", test_fraction, low=0.0, high=1.0,
                                 low_inclusive=False, high_inclusive=False)
    rng = as_generator(seed)
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images, labels = digits.images, digits.labels
    n_test = int(round(test_fraction * len(labels)))
    if not 10 <= n_test <= len(labels) - 10:
        raise ValueError(f"test_fraction must leave at least 10 images per set (one per class); "
                         f"got {test_fraction!r}")
    tr_x, te_x, tr_y, te_y = train_test_split(
        images, labels, test_size=n_test, stratify=labels,
        random_state=int(rng.integers(0, 2**31 - 1)))
    return DigitsSplit(train_images=tr_x, train_labels=tr_y, test_images=te_x, test_labels=te_y)
