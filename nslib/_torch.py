"""Reproducible, side-effect-free torch training for the models of nslib.

Torch keeps global state (its random generator, the number of threads, the
deterministic-algorithms flag). Every training function of the course runs
inside :func:`reproducible_torch`, which sets that state for the run and puts
it back afterwards, so that training a model never changes what another part
of a notebook sees, and the same seed always gives the same numbers.

Torch is imported inside functions only: importing nslib must stay cheap and
must not import torch. The optimisers are written out here (a few lines each)
rather than taken from ``torch.optim``, whose first use imports the torch.compile
machinery (seconds, for a compiler nslib never uses) and whose per-step
overhead dominates for the tiny networks of the course.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np

from ._validation import as_generator

__all__ = ["Adam", "cosine_learning_rate", "reproducible_torch", "sgd_momentum_step", "torch_seed"]


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


def sgd_momentum_step(params: Any, buffers: list, learning_rate: float, momentum: float) -> None:
    """One step of gradient descent with momentum, in place (same rule as ``torch.optim.SGD``).

    ``v ← μ v + ∇L`` (``v = ∇L`` on the first step), then ``θ ← θ - η v``.
    ``buffers`` starts as an empty list and keeps the velocities between steps.
    """
    import torch

    with torch.no_grad():
        for i, p in enumerate(params):
            if len(buffers) <= i:
                buffers.append(p.grad.clone())
            else:
                buffers[i].mul_(momentum).add_(p.grad)
            p.sub_(learning_rate * buffers[i])
            p.grad = None


class Adam:
    """Adam (Kingma & Ba 2015) for a list of parameters, same rule as ``torch.optim.Adam``.

    Per-parameter running means of the gradient (``m``) and of its square
    (``v``), bias-corrected; the step is ``η m̂ / (sqrt(v̂) + ε)``.
    """

    def __init__(self, params: Any, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        import torch

        self.params = list(params)
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0

    def step(self, learning_rate: float) -> None:
        """Update every parameter from its ``.grad`` in place, then clear the gradients."""
        import torch

        self.t += 1
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        with torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                m.mul_(self.beta1).add_(p.grad, alpha=1.0 - self.beta1)
                v.mul_(self.beta2).addcmul_(p.grad, p.grad, value=1.0 - self.beta2)
                denom = (v / c2).sqrt_().add_(self.eps)
                p.addcdiv_(m, denom, value=-learning_rate / c1)
                p.grad = None


def cosine_learning_rate(initial: float, step: int, n_steps: int) -> float:
    """Learning rate decayed from ``initial`` to 0 along half a cosine over ``n_steps``."""
    return initial * 0.5 * (1.0 + math.cos(math.pi * step / n_steps))
