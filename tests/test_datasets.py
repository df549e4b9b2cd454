"""nslib.datasets: the digits and the natural images that several chapters share, loaded one way."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_generator_seed_reproducible, raises_param

from nslib import datasets
from nslib.datasets import load_digits, load_digits_split


def test_digits_are_scikit_learns_scaled_to_one():
    from sklearn.datasets import load_digits as sklearn_digits

    digits, raw = load_digits(), sklearn_digits()
    assert digits.images.shape == (1797, 8, 8) and digits.labels.dtype.kind == "i"
    np.testing.assert_array_equal(digits.images * 16.0, raw.images)
    np.testing.assert_array_equal(digits.flat, raw.data / 16.0)       # rows of 64 pixels, same order
    np.testing.assert_array_equal(digits.labels, raw.target)
    digits.images[0, 0, 0] = 99.0
    assert load_digits().images[0, 0, 0] != 99.0                      # a new array at every call


def test_split_is_stratified_disjoint_and_seeded():
    a = load_digits_split(seed=3)
    b = load_digits_split(seed=3)
    np.testing.assert_array_equal(a.test_images, b.test_images)
    assert not np.array_equal(a.test_labels, load_digits_split(seed=4).test_labels)
    assert len(a.train_labels) + len(a.test_labels) == 1797
    assert a.train_images.min() == 0.0 and a.train_images.max() == 1.0
    train_rows = {img.tobytes() for img in a.train_images}
    overlap = sum(img.tobytes() in train_rows for img in a.test_images)
    assert overlap <= 2  # load_digits holds a couple of duplicate images, nothing more
    fractions = np.bincount(a.test_labels, minlength=10) / np.bincount(
        np.concatenate([a.train_labels, a.test_labels]), minlength=10)
    np.testing.assert_allclose(fractions, 0.25, atol=0.01)


def test_split_takes_a_generator_and_validates():
    g = assert_generator_seed_reproducible(lambda seed: load_digits_split(seed=seed).test_labels)
    np.testing.assert_array_equal(g, load_digits_split(seed=3).test_labels)
    with raises_param("test_fraction"):
        load_digits_split(test_fraction=1.0)
    with raises_param("test_fraction", "at least 10"):
        load_digits_split(test_fraction=0.001)
    with raises_param("seed"):
        load_digits_split(seed=-1)
    with pytest.raises(TypeError):
        load_digits_split(0.25, 0)                                     # seed is keyword-only


def test_every_digits_model_uses_the_one_split():
    from nslib import rsa
    from nslib.predictive import digits_data

    split = load_digits_split(seed=0)
    data = digits_data(seed=0)
    np.testing.assert_array_equal(data.test_x, split.test_images.reshape(len(split.test_images), -1))
    images, labels = rsa.digit_stimuli(2, seed=0)
    test_rows = {img.tobytes() for img in split.test_images}
    assert all(img.tobytes() in test_rows for img in images) and labels.tolist()[:2] == [0, 0]


def test_continual_tasks_are_cut_from_the_same_digits():
    from nslib.continual import make_task_sequence

    task = make_task_sequence("permuted", n_tasks=1, seed=0).tasks[0]
    rows = {row.tobytes() for row in load_digits().flat}
    assert len(task.y_train) + len(task.y_test) == 1797
    assert all(row.tobytes() in rows for row in np.concatenate([task.x_train, task.x_test]))


def test_natural_images_are_shared_by_vision_and_predictive_coding():
    from nslib import vision

    assert vision.natural_image_patches is datasets.natural_image_patches
    assert vision.NATURAL_IMAGES == datasets.NATURAL_IMAGES
    a = datasets.natural_image_patches(200, 8, seed=0)
    assert a.shape == (200, 8, 8) and np.allclose(a.mean(axis=(1, 2)), 0.0)
    assert np.isclose(a.std(), 1.0)
    img = datasets.natural_image("moon")
    img[0, 0] = 1e6
    assert datasets.natural_image("moon")[0, 0] != 1e6                # a copy: no shared state
    with raises_param("images"):
        datasets.natural_image_patches(10, 8, images=("lena",))
    with pytest.raises(TypeError):
        datasets.natural_image_patches(10, 8, 0)                       # seed is keyword-only


def test_importing_datasets_loads_no_data_library():
    import subprocess
    import sys

    code = ("import sys, nslib.datasets; "
            "print(sorted(m for m in ('sklearn', 'skimage') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
