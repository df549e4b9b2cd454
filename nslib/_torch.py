"""Reproducible, side-effect-free torch training for the models of nslib.

Torch keeps global state (its random generator, the number of threads, the
deterministic-algorithms flag). Every training function of the course runs
inside :func:`reproducible_torch`, which sets that state for the run and puts
it back afterwards, so that training a model never changes what another part
of a notebook sees, and the same seed always gives the same numbers.

Torch is imported inside functions only: importing nslib must stay cheap and
must not import torch.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from ._validation import as_generator

__all__ = ["reproducible_torch", "torch_seed"]


def torch_seed(seed: Any) -> int:
    """Return an int seed for torch from an int seed or a numpy Generator.

    An int is used as is, so that ``seed=3`` means the same thing to numpy and
    to torch; a Generator is asked for a fresh integer (and so advances).
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**62))
    as_generator(seed)  # validates: non-negative int
    return int(seed)


@contextlib.contextmanager
def reproducible_torch(seed: int) -> Iterator[Any]:
    """Run a block with torch seeded, single-threaded and deterministic.

    Yields a seeded :class:`torch.Generator` for shuffling. The global random
    state, the thread count and the deterministic flag are restored on exit,
    even if the block raises.
    """
    import torch

    old_threads = torch.get_num_threads()
    old_deterministic = torch.are_deterministic_algorithms_enabled()
    old_warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    # fork_rng restores torch's global generator, which nn.Module init uses.
    with torch.random.fork_rng(devices=[]):
        try:
            # One thread: reductions in a fixed order give bit-identical results,
            # and the timings in the book hold on any laptop.
            torch.set_num_threads(1)
            torch.use_deterministic_algorithms(True)
            torch.manual_seed(seed)
            generator = torch.Generator().manual_seed(seed)
            yield generator
        finally:
            torch.set_num_threads(old_threads)
            torch.use_deterministic_algorithms(old_deterministic, warn_only=old_warn_only)
