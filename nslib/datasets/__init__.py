"""The data that several chapters share, loaded one way everywhere.

* :mod:`.digits` -- scikit-learn's 1797 handwritten digits of 8 × 8 pixels,
  scaled to [0, 1] (:func:`load_digits`), and the one stratified train/test
  split of the course (:func:`load_digits_split`), used by the CNN and the
  RSA of chapter 1, the learning rules of chapters 1 and 6, and the MLP of
  chapter 6; chapter 5 cuts its task sequences from :func:`load_digits`;
* :mod:`.natural_images` -- the scikit-image photographs used as natural
  images (:data:`NATURAL_IMAGES`, :func:`natural_image`) and random patches
  of them (:func:`natural_image_patches`), for the V1 filters of chapter 1
  and the predictive coding of chapter 6.

Everything ships with scikit-learn and scikit-image: nothing is downloaded.
Loaders are pure functions (a seeded split is the same for the same seed) and
return new arrays or frozen dataclasses; importing this package imports
neither scikit-learn nor scikit-image.
"""

from .digits import Digits, DigitsSplit, load_digits, load_digits_split
from .natural_images import NATURAL_IMAGES, natural_image, natural_image_patches

__all__ = [
    "NATURAL_IMAGES",
    "Digits",
    "DigitsSplit",
    "load_digits",
    "load_digits_split",
    "natural_image",
    "natural_image_patches",
]
