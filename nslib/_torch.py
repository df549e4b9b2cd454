"""Reproducible, side-effect-free torch training for the models of nslib.

Torch keeps global state (its random generator, the number of threads, the
deterministic-algorithms flag). Every training function of the course runs
inside :func:`reproducible_torch`, which sets that state for the run and puts
it back afterwards, so that training a model never changes what another part
of a notebook sees, and the same seed always gives the same numbers.

Results keep no live torch objects: a trained network is stored as numpy
arrays (:func:`module_weights`) and rebuilt as a module on demand
(:func:`module_from_weights`). Training uses the standard ``torch.optim``
optimisers and schedulers.

Torch is imported inside functions only: importing nslib must stay cheap and
must not import torch.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from ._validation import as_generator

__all__ = ["module_from_weights", "module_weights", "reproducible_torch", "torch_seed"]


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
            _set_deterministic(torch, True, warn_only=False)
            torch.manual_seed(seed)
            generator = torch.Generator().manual_seed(seed)
            yield generator
        finally:
            torch.set_num_threads(old_threads)
            _set_deterministic(torch, old_deterministic, warn_only=old_warn_only)


def _set_deterministic(torch: Any, mode: bool, *, warn_only: bool) -> None:
    """Set torch's deterministic-algorithms flag.

    ``torch.use_deterministic_algorithms`` also sets a flag of the torch.compile
    backend, and to do so imports ``torch._inductor``: several seconds on first
    call, for a compiler nslib never uses. The flag that eager operations read
    is set directly when torch exposes it; otherwise the public function is used.
    """
    setter = getattr(torch._C, "_set_deterministic_algorithms", None)
    if setter is None:  # pragma: no cover - depends on the torch version
        torch.use_deterministic_algorithms(mode, warn_only=warn_only)
    else:
        setter(mode, warn_only=warn_only)


def module_weights(module: Any) -> dict[str, np.ndarray]:
    """A trained module's parameters and buffers as float64 numpy arrays, by ``state_dict`` name.

    float32 → float64 is exact, so :func:`module_from_weights` gives back the
    very same network.
    """
    return {name: tensor.detach().numpy().astype(float) for name, tensor in
            module.state_dict().items()}


def module_from_weights(build: Callable[[], Any], weights: Mapping[str, np.ndarray]) -> Any:
    """Build a module with ``build()`` and load ``weights`` into it: eval mode, parameters frozen.

    The new module's random initialisation is drawn inside
    :func:`torch.random.fork_rng`, so rebuilding a network leaves torch's
    global random state as it was.
    """
    import torch

    with torch.random.fork_rng(devices=[]):
        module = build()
    module.load_state_dict({name: torch.tensor(np.asarray(value), dtype=torch.float32)
                            for name, value in weights.items()})
    module.eval()
    module.requires_grad_(False)
    return module
