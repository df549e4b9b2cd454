"""Natural images: scikit-image's photographs, as luminance, and random patches of them.

Chapter 1 learns V1-like filters from these patches
(:func:`nslib.vision.learn_v1_filters`); chapter 6 trains Rao & Ballard's
predictive coding model on them (:func:`nslib.predictive.natural_windows`).
All images ship with scikit-image; nothing is downloaded.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_int

__all__ = ["NATURAL_IMAGES", "natural_image", "natural_image_patches"]

#: scikit-image photographs used as "natural images": outdoor and indoor
#: scenes, a face, an animal, and natural textures (grass, gravel, the moon).
#: Colour photographs are converted to luminance.
NATURAL_IMAGES = ("camera", "astronaut", "coffee", "chelsea", "rocket", "grass", "gravel", "moon")

# Every image is block-averaged 2x2 first: it removes JPEG block artefacts and
# pixel noise and lets a 12-pixel patch span edges and textures, not just blur.
_DOWNSAMPLE = 2


# The decoded photographs (data, not state: read-only and copied out), one per name.
@functools.lru_cache(maxsize=len(NATURAL_IMAGES))
def _load_image(name: str) -> np.ndarray:
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.transform import downscale_local_mean

    img = getattr(skimage.data, name)()
    img = rgb2gray(img) if img.ndim == 3 else img / 255.0
    img = downscale_local_mean(img.astype(float), (_DOWNSAMPLE, _DOWNSAMPLE))
    # Equal weight for bright and dark photographs.
    img = (img - img.mean()) / img.std()
    img.setflags(write=False)
    return img


def natural_image(name: str = "camera") -> np.ndarray:
    """One of the course's natural photographs, as luminance with zero mean and unit variance.

    The photograph is converted to grey levels, block-averaged 2x2 (which
    removes JPEG artefacts) and standardized, exactly as for
    :func:`natural_image_patches`.

    Parameters
    ----------
    name : str, optional
        One of :data:`NATURAL_IMAGES`.

    Returns
    -------
    numpy.ndarray
        A new 2-D float array (rows, columns).

    Examples
    --------
    >>> img = natural_image("camera")
    >>> img.shape, bool(abs(img.mean()) < 1e-9), round(float(img.std()), 6)
    ((256, 256), True, 1.0)
    """
    check_choice("name", name, NATURAL_IMAGES)
    return _load_image(name).copy()


def natural_image_patches(n: int = 30000, size: int = 12, *, seed: Any = 0,
                          images: tuple[str, ...] = NATURAL_IMAGES) -> np.ndarray:
    """Random square patches of natural photographs, standardized.

    Each photograph in ``images`` (from :mod:`skimage.data`) is converted to
    luminance, block-averaged 2x2 and standardized to zero mean and unit
    variance. Patches are taken at uniformly random positions of uniformly
    random images. Each patch's own mean (its DC, overall brightness) is then
    subtracted, because it carries no information about edges or orientation
    and would otherwise dominate the variance; finally all patches are divided
    by their common standard deviation.

    Parameters
    ----------
    n : int, optional
        Number of patches, >= 1.
    size : int, optional
        Patch side in pixels, 3 <= size <= 100.
    seed : int or numpy.random.Generator, optional
        Chooses images and positions; the same seed gives the same patches.
    images : tuple of str, optional
        Names of photographs, each one of :data:`NATURAL_IMAGES`.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, size, size)``; every patch has zero mean and the
        whole array has unit standard deviation.

    Examples
    --------
    >>> p = natural_image_patches(100, 8, seed=0)
    >>> p.shape
    (100, 8, 8)
    >>> bool(np.allclose(p.mean(axis=(1, 2)), 0.0))
    True
    """
    n = check_int("n", n, low=1)
    size = check_int("size", size, low=3, high=100)
    rng = as_generator(seed)
    if isinstance(images, str) or len(images) == 0:
        raise ValueError(f"images must be a non-empty tuple of names from {NATURAL_IMAGES}; "
                         f"got {images!r}")
    for name in images:
        check_choice("images", name, NATURAL_IMAGES)
    loaded = [_load_image(name) for name in images]
    which = rng.integers(0, len(loaded), size=n)
    patches = np.empty((n, size, size))
    for k, img_index in enumerate(which):
        img = loaded[img_index]
        r = rng.integers(0, img.shape[0] - size + 1)
        c = rng.integers(0, img.shape[1] - size + 1)
        patches[k] = img[r:r + size, c:c + size]
    patches -= patches.mean(axis=(1, 2), keepdims=True)
    std = patches.std()
    return patches / std if std > 0 else patches
