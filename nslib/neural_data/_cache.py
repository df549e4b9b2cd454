"""A small on-disk cache for trained models of :mod:`nslib.neural_data`.

Training a sequential VAE or pretraining a population model takes seconds to
minutes; the chapter, its demos and its tests call the same functions with the
same inputs again and again. Results are arrays, so they are stored as one
``.npz`` file per call under ``cache_dir("neural_data")`` (by default
``~/.cache/nslib/neural_data``), named by a SHA-256 hash of everything the
result depends on: the data arrays, the settings, the seed and a version tag
that changes whenever the training code does. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Callable, Mapping

import numpy as np

#: Bumped whenever a training procedure changes, so that old results are not reused.
CACHE_VERSION = "ch07-v1"


def _feed(digest: Any, value: Any) -> None:
    if isinstance(value, np.ndarray):
        digest.update(str((value.dtype.str, value.shape)).encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, Mapping):
        for key in sorted(value):
            digest.update(str(key).encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    else:
        digest.update(json.dumps(value, default=repr).encode())


def input_hash(name: str, inputs: Mapping[str, Any]) -> str:
    """Hex digest of a model name, the cache version and every input (arrays by their bytes)."""
    digest = hashlib.sha256()
    _feed(digest, {"name": name, "version": CACHE_VERSION, "inputs": dict(inputs)})
    return digest.hexdigest()[:24]


def cached_arrays(name: str, inputs: Mapping[str, Any],
                  compute: Callable[[], Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Return ``compute()``'s arrays, from the cache when the same inputs were seen before.

    Set ``NSLIB_NEURAL_DATA_CACHE=0`` to bypass the cache (always compute, store nothing).
    """
    from ..spiking import cache_dir

    use_cache = os.environ.get("NSLIB_NEURAL_DATA_CACHE", "1") != "0"
    path = cache_dir("neural_data") / f"{name}-{input_hash(name, inputs)}.npz"
    if use_cache and path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                return {key: stored[key] for key in stored.files}
        except (OSError, ValueError):  # a truncated file from an interrupted write
            pass
    result = {key: np.asarray(value) for key, value in compute().items()}
    if use_cache:
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **result)
        os.replace(tmp, path)
    return result
