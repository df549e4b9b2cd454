"""Learn a sequence of tasks with one small network, and measure what it forgets.

The network is a multilayer perceptron with one hidden layer,
``64 pixels → hidden_units ReLU units → 10 outputs``, trained by plain
stochastic gradient descent (``torch.optim.SGD``, no momentum) on the
cross-entropy, task after task. After each task it is tested on every task,
which fills one row of the accuracy matrix ``R``. Five ways to train:

``"sgd"``
    Nothing protects old tasks: the baseline that forgets catastrophically
    (McCloskey & Cohen 1989).
``"ewc"``
    Elastic weight consolidation (Kirkpatrick et al. 2017): after task ``t``,
    each weight is tied to its value ``θ*_t`` by a spring whose stiffness is
    its Fisher information ``F_t``, ``(λ/2) Σ_k F_t,k (θ_k − θ*_t,k)²``.
``"si"``
    Synaptic intelligence (Zenke, Poole & Ganguli 2017): the same kind of
    spring, with each weight's importance measured online, during training,
    by how much its movement reduced the loss.
``"replay"``
    Experience replay: a small episodic memory keeps a few examples of every
    old task and mixes them into every mini-batch, as the hippocampus is
    thought to replay experience to the cortex (McClelland et al. 1995).
``"hlop"``
    Hebbian orthogonal projection (Xiao et al. 2024): lateral neurons learn,
    with Oja's subspace rule, the principal subspace of each layer's inputs
    on old tasks; the updates of later tasks are projected orthogonally to it.

The quadratic penalties of EWC and SI are applied as an exact implicit
(proximal) step after each SGD step, ``θ ← (θ + η Σ A θ*) / (1 + η Σ A)``
with ``A`` the spring stiffness: the same as a gradient step on the penalty
when ``η A`` is small, and stable for any ``λ`` (an explicit step would
overshoot and diverge once ``η λ F > 2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._torch import reproducible_torch, torch_seed
from .._validation import as_generator, check_choice, check_int, check_number, check_positive
from .hebbian import oja_subspace
from .metrics import average_accuracy, backward_transfer, learning_accuracy
from .tasks import TaskSequence

__all__ = ["METHODS", "ContinualResult", "train_sequence"]

METHODS = ("sgd", "ewc", "si", "replay", "hlop")

# Each method's own hyperparameters and their defaults (see train_sequence).
_METHOD_DEFAULTS = {
    "sgd": {},
    "ewc": {"ewc_lambda": 100.0},
    "si": {"si_c": 1.0, "si_xi": 0.1},
    "replay": {"buffer_size": 100},
    "hlop": {"subspace_dim": 15, "oja_epochs": 40, "oja_learning_rate": 1.0},
}


@dataclass(frozen=True, eq=False)
class ContinualResult:
    """What a network learned, and kept, over a task sequence.

    Attributes
    ----------
    R : numpy.ndarray, shape (n_tasks, n_tasks)
        ``R[i, j]``: accuracy on task ``j``'s test set after training on
        tasks ``0..i``, in [0, 1].
    method : str
    kind : str
        ``"permuted"`` or ``"split"``.
    scenario : str
        ``"domain"``, ``"task"`` or ``"class"``.
    average_accuracy : float
        Mean of the last row of ``R``.
    backward_transfer : float
        Mean of ``R[-1, j] − R[j, j]`` over the earlier tasks (negative:
        forgetting).
    learning_accuracy : float
        Mean of the diagonal of ``R``: how well each task was learned when new.
    hyperparameters : dict
        Every setting used, the method's defaults included.
    input_importance : numpy.ndarray, shape (n_tasks - 1, 64), or None
        EWC and SI: the importance of the synapses leaving each input pixel,
        as consolidated after each task but the last (Fisher information, or SI's Ω, summed over the hidden
        units).
    subspace_dims : numpy.ndarray of int, shape (2,), or None
        HLOP: dimension of the protected input subspace of each layer (input
        layer, hidden layer; each counts a constant input that carries the bias)
        at the end.
    orthonormality_error : float or None
        HLOP: the largest ``|H Hᵀ − I|`` of the lateral weights learned.
    """

    R: np.ndarray
    method: str
    kind: str
    scenario: str
    average_accuracy: float
    backward_transfer: float
    learning_accuracy: float
    hyperparameters: dict
    input_importance: Any = None
    subspace_dims: Any = None
    orthonormality_error: Any = None

    @property
    def n_tasks(self) -> int:
        """Number of tasks."""
        return int(self.R.shape[0])


def _check_hyperparameters(method: str, given: dict) -> dict:
    own = _METHOD_DEFAULTS[method]
    for name, value in given.items():
        if value is not None and name not in own:
            users = [m for m, d in _METHOD_DEFAULTS.items() if name in d]
            raise ValueError(f"{name} applies only to method={users[0]!r}; got method={method!r}")
    chosen = {name: (given[name] if given.get(name) is not None else default)
              for name, default in own.items()}
    if method == "ewc":
        chosen["ewc_lambda"] = check_number("ewc_lambda", chosen["ewc_lambda"], low=0.0)
    elif method == "si":
        chosen["si_c"] = check_number("si_c", chosen["si_c"], low=0.0)
        chosen["si_xi"] = check_positive("si_xi", chosen["si_xi"])
    elif method == "replay":
        chosen["buffer_size"] = check_int("buffer_size", chosen["buffer_size"], low=0)
    elif method == "hlop":
        chosen["subspace_dim"] = check_int("subspace_dim", chosen["subspace_dim"], low=0)
        chosen["oja_epochs"] = check_int("oja_epochs", chosen["oja_epochs"], low=1)
        chosen["oja_learning_rate"] = check_number("oja_learning_rate", chosen["oja_learning_rate"],
                                                   low=0.0, high=2.0, low_inclusive=False)
    return chosen


def train_sequence(tasks: TaskSequence, method: str = "sgd", *, seed: Any = 0,
                   hidden_units: int = 400, epochs: int = 10, learning_rate: float = 0.1,
                   batch_size: int = 32, ewc_lambda: float | None = None,
                   si_c: float | None = None, si_xi: float | None = None,
                   buffer_size: int | None = None, subspace_dim: int | None = None,
                   oja_epochs: int | None = None,
                   oja_learning_rate: float | None = None) -> ContinualResult:
    """Train one network on the tasks in order and fill the accuracy matrix.

    Parameters
    ----------
    tasks : TaskSequence
        From :func:`make_task_sequence`.
    method : {"sgd", "ewc", "si", "replay", "hlop"}
        See the module docstring.
    seed : int or numpy.random.Generator
        Seeds the initial weights, the order of the examples, the replay
        memory and the lateral neurons. Each of these has its own random
        stream, drawn in whole blocks before training starts, so the same seed
        shows every method the examples in the same order.
    hidden_units : int, >= 1
        Width of the hidden layer.
    epochs : int, >= 1
        Passes over each task's training set.
    learning_rate : float, > 0
        SGD step size η.
    batch_size : int, >= 1
    ewc_lambda : float, >= 0, default 100
        EWC only: strength λ of the consolidation (0 is plain SGD).
    si_c : float, >= 0, default 1
        SI only: strength c of the consolidation, penalty ``c Σ Ω (θ − θ̃)²``.
    si_xi : float, > 0, default 0.1
        SI only: damping ξ in ``Ω = Σ ω / (Δθ² + ξ)``.
    buffer_size : int, >= 0, default 100
        Replay only: examples kept in memory, shared equally by the tasks seen.
    subspace_dim : int, >= 0, default 15
        HLOP only: new lateral neurons per layer after each task (the
        dimension of the subspace each task adds; capped by the layer's
        input dimension). 0 protects nothing.
    oja_epochs : int, >= 1, default 40
        HLOP only: passes of Oja's rule over a task's layer inputs.
    oja_learning_rate : float, in (0, 2], default 1
        HLOP only: see :func:`oja_subspace`.

    Returns
    -------
    ContinualResult

    Examples
    --------
    >>> from nslib.continual import make_task_sequence
    >>> seq = make_task_sequence("permuted", n_tasks=2, seed=0)
    >>> result = train_sequence(seq, "sgd", seed=0, hidden_units=64, epochs=5)
    >>> result.R.shape, bool(result.R[0, 0] > 0.8), bool(result.R[1, 0] < result.R[0, 0] - 0.2)
    ((2, 2), True, True)
    """
    if not isinstance(tasks, TaskSequence):
        raise ValueError(f"tasks must be a TaskSequence from make_task_sequence; "
                         f"got {type(tasks).__name__}")
    check_choice("method", method, METHODS)
    hidden_units = check_int("hidden_units", hidden_units, low=1)
    epochs = check_int("epochs", epochs, low=1)
    learning_rate = check_positive("learning_rate", learning_rate)
    batch_size = check_int("batch_size", batch_size, low=1)
    hp = _check_hyperparameters(method, {
        "ewc_lambda": ewc_lambda, "si_c": si_c, "si_xi": si_xi, "buffer_size": buffer_size,
        "subspace_dim": subspace_dim, "oja_epochs": oja_epochs,
        "oja_learning_rate": oja_learning_rate})
    rng = as_generator(seed)
    tseed = torch_seed(rng if isinstance(seed, np.random.Generator) else seed)  # int: same seed
    streams = _draw_streams(tasks, epochs, tseed)
    with reproducible_torch(tseed):
        trainer = _Trainer(tasks, method, hp, hidden_units, learning_rate, batch_size, streams)
        R = np.zeros((tasks.n_tasks, tasks.n_tasks))
        for t in range(tasks.n_tasks):
            trainer.learn_task(t, epochs)
            R[t] = [trainer.accuracy(j) for j in range(tasks.n_tasks)]
            if t < tasks.n_tasks - 1:
                trainer.consolidate(t)
    R.setflags(write=False)
    settings = {"hidden_units": hidden_units, "epochs": epochs, "learning_rate": learning_rate,
                "batch_size": batch_size, **hp}
    return ContinualResult(
        R=R, method=method, kind=tasks.kind, scenario=tasks.scenario,
        average_accuracy=average_accuracy(R), backward_transfer=(
            backward_transfer(R) if tasks.n_tasks > 1 else 0.0),
        learning_accuracy=learning_accuracy(R), hyperparameters=settings,
        input_importance=trainer.importance_summary(),
        subspace_dims=trainer.subspace_dims(), orthonormality_error=trainer.orthonormality_error)


@dataclass(frozen=True, eq=False)
class _Streams:
    """Every random number training uses, drawn up front in blocks of fixed shape.

    Nothing here depends on the method, on the data's values or on what
    happened during training, so every method sees the examples in the same
    order, and a difference in the last bit of a result cannot move a later
    draw.

    Attributes
    ----------
    orders : list of numpy.ndarray of int, shape (epochs, n_train_t)
        Per task, the order of its training examples in each epoch.
    memory : list of numpy.ndarray of int, shape (n_train_t,)
        Per task, the order in which replay keeps its examples (the first
        ones are stored).
    replay : list of numpy.ndarray of float, shape (epochs, n_train_t)
        Per task, one uniform number in [0, 1) for each replayed example of
        each epoch; ``floor(u · memory size)`` picks it.
    oja : list of list of numpy.random.SeedSequence
        Per task and layer, the seed of the lateral neurons HLOP adds.
    """

    orders: list
    memory: list
    replay: list
    oja: list


def _draw_streams(tasks: TaskSequence, epochs: int, seed: int) -> _Streams:
    order_seq, memory_seq, replay_seq, oja_seq = np.random.SeedSequence(seed).spawn(4)
    order_rng, memory_rng, replay_rng = (np.random.default_rng(s)
                                         for s in (order_seq, memory_seq, replay_seq))
    sizes = [len(task.y_train) for task in tasks.tasks]
    orders = [np.stack([order_rng.permutation(n) for _ in range(epochs)]) for n in sizes]
    memory = [memory_rng.permutation(n) for n in sizes]
    replay = [replay_rng.random((epochs, n)) for n in sizes]
    oja = [list(s.spawn(2)) for s in oja_seq.spawn(tasks.n_tasks)]
    return _Streams(orders=orders, memory=memory, replay=replay, oja=oja)


def _mlp_fisher(params, x, mask):
    """Diagonal Fisher information of the one-hidden-layer network on inputs ``x``.

    The true Fisher: the squared gradient of ``log p(c | x)``, averaged over
    the inputs and over classes ``c`` drawn from the network's own
    prediction (restricted to the allowed outputs ``mask``). For a linear
    layer the per-example gradient is an outer product (output error ×
    input), so its square needs no per-example backward pass.
    """
    import torch

    w1, b1, w2, b2 = params
    z1 = torch.nn.functional.linear(x, w1, b1)
    h = torch.relu(z1)
    out = torch.nn.functional.linear(h, w2, b2)
    p = torch.softmax(out.masked_fill(~mask, float("-inf")), dim=1)
    active = (z1 > 0).float()
    fisher = [torch.zeros_like(q) for q in params]
    eye = torch.eye(out.shape[1])
    for c in torch.nonzero(mask).flatten().tolist():
        d2 = (eye[c] - p) * mask                    # ∂ log p_c / ∂ logits
        d1 = (d2 @ w2) * active                     # ∂ log p_c / ∂ hidden pre-activations
        weight = p[:, c:c + 1]
        fisher[0] += (weight * d1 ** 2).T @ x ** 2
        fisher[1] += (weight * d1 ** 2).sum(dim=0)
        fisher[2] += (weight * d2 ** 2).T @ h ** 2
        fisher[3] += (weight * d2 ** 2).sum(dim=0)
    return [f / len(x) for f in fisher]


class _Trainer:
    """The network, its optimiser and the state each method keeps between tasks."""

    def __init__(self, tasks, method, hp, hidden_units, learning_rate, batch_size, streams):
        import torch

        self.torch = torch
        self.tasks, self.method, self.hp = tasks, method, hp
        self.lr, self.batch_size, self.streams = learning_rate, batch_size, streams
        hidden = torch.nn.Linear(tasks.n_inputs, hidden_units)
        out = torch.nn.Linear(hidden_units, tasks.n_classes)
        self.params = [hidden.weight, hidden.bias, out.weight, out.bias]
        self.optimizer = torch.optim.SGD(self.params, lr=learning_rate)
        n_classes = tasks.n_classes
        # One mask of allowed outputs per task: the task's own outputs (its head, or the
        # shared head whose outputs mean the same in every task), or all ten for the
        # class-incremental scenario, from the first task on.
        self.masks = []
        for task in tasks.tasks:
            mask = torch.zeros(n_classes, dtype=torch.bool)
            mask[list(task.classes) if tasks.scenario != "class" else slice(None)] = True
            self.masks.append(mask)
        self.data = [(torch.tensor(t.x_train, dtype=torch.float32), torch.tensor(t.y_train),
                      torch.tensor(t.x_test, dtype=torch.float32), torch.tensor(t.y_test))
                     for t in tasks.tasks]
        # Consolidation springs (EWC, SI): stiffness A and A·anchor, per parameter.
        self.stiffness = [torch.zeros_like(p) for p in self.params]
        self.pull = [torch.zeros_like(p) for p in self.params]
        self.omega_total = [torch.zeros_like(p) for p in self.params]
        self.importance: list[np.ndarray] = []
        # Replay memory: per task, the examples kept.
        self.memory: list[tuple[Any, Any, int]] = []
        # HLOP: per layer, the lateral weights H (rows span protected inputs, bias included).
        dims = (tasks.n_inputs + 1, hidden_units + 1)
        self.bases = [np.zeros((0, d)) for d in dims]
        self.projectors = None   # per layer: (H, (H Hᵀ)⁻¹ H) as float32 tensors, or None
        self.orthonormality_error = None if method != "hlop" else 0.0

    # -- the network ---------------------------------------------------------------------

    def forward(self, x):
        F = self.torch.nn.functional
        w1, b1, w2, b2 = self.params
        z1 = F.linear(x, w1, b1)
        h = self.torch.relu(z1)
        return F.linear(h, w2, b2), z1, h

    def logits(self, x, mask):
        out = self.forward(x)[0]
        return out.masked_fill(~mask, float("-inf"))

    def accuracy(self, j: int) -> float:
        _, _, x_test, y_test = self.data[j]
        with self.torch.no_grad():
            predicted = self.logits(x_test, self.masks[j]).argmax(dim=1)
        return float((predicted == y_test).float().mean())

    # -- learning one task --------------------------------------------------------------

    def learn_task(self, t: int, epochs: int) -> None:
        torch = self.torch
        F = torch.nn.functional
        x_train, y_train, _, _ = self.data[t]
        mask = self.masks[t]
        replay = self._replay_set() if self.method == "replay" else None
        si = self.method == "si"
        if si:
            omega = [torch.zeros_like(p) for p in self.params]
            start = [p.detach().clone() for p in self.params]
        n = len(y_train)
        orders = torch.from_numpy(self.streams.orders[t])
        for epoch in range(epochs):
            order = orders[epoch]
            for s in range(0, n, self.batch_size):
                idx = order[s:s + self.batch_size]
                loss = F.cross_entropy(self.logits(x_train[idx], mask), y_train[idx])
                if replay is not None:
                    rx, ry, rmask = replay
                    u = self.streams.replay[t][epoch, s:s + len(idx)]   # drawn up front
                    pick = torch.from_numpy(np.floor(u * len(ry)).astype(np.int64))
                    replayed = self.forward(rx[pick])[0].masked_fill(~rmask[pick], float("-inf"))
                    loss = loss + F.cross_entropy(replayed, ry[pick])
                self.optimizer.zero_grad()
                loss.backward()
                if self.projectors is not None:
                    self._project_gradients()
                if si:
                    grads = [p.grad.detach().clone() for p in self.params]
                    before = [p.detach().clone() for p in self.params]
                self.optimizer.step()
                if self.method in ("ewc", "si") and t > 0:
                    self._proximal_step()
                if si:
                    # SI's path integral: how much each weight's movement lowered the loss.
                    for w, g, p, b in zip(omega, grads, self.params, before, strict=True):
                        w.sub_(g * (p.detach() - b))
        if si:
            self._si_path = (omega, start)

    def _proximal_step(self) -> None:
        # Exact implicit step for the quadratic springs: stable for any stiffness.
        with self.torch.no_grad():
            for p, a, pull in zip(self.params, self.stiffness, self.pull, strict=True):
                p.add_(self.lr * pull).div_(1.0 + self.lr * a)

    def _project_gradients(self) -> None:
        # HLOP: remove the part of each layer's update that would act on protected inputs.
        torch = self.torch
        for layer, projector in enumerate(self.projectors):
            if projector is None:
                continue
            h, h_pinv = projector        # G Hᵀ(H Hᵀ)⁻¹H, computed as (G Hᵀ)((H Hᵀ)⁻¹H)
            w, b = self.params[2 * layer], self.params[2 * layer + 1]
            g = torch.cat([w.grad, b.grad[:, None]], dim=1)
            g = g - (g @ h.T) @ h_pinv
            w.grad.copy_(g[:, :-1])
            b.grad.copy_(g[:, -1])

    # -- after a task ------------------------------------------------------------------------

    def consolidate(self, t: int) -> None:
        if self.method == "ewc":
            fisher = self._fisher(t)
            lam = self.hp["ewc_lambda"]
            for a, pull, f, p in zip(self.stiffness, self.pull, fisher, self.params, strict=True):
                a.add_(lam * f)
                pull.add_(lam * f * p.detach())
            self.importance.append(fisher[0].sum(dim=0).numpy().astype(float))
        elif self.method == "si":
            omega, start = self._si_path
            c, xi = self.hp["si_c"], self.hp["si_xi"]
            for total, w, p, s in zip(self.omega_total, omega, self.params, start, strict=True):
                # Ω can come out slightly negative for weights that barely moved; clip at 0.
                total.add_((w / ((p.detach() - s) ** 2 + xi)).clamp_(min=0.0))
            for a, pull, total, p in zip(self.stiffness, self.pull, self.omega_total, self.params,
                                         strict=True):
                a.copy_(2.0 * c * total)
                pull.copy_(2.0 * c * total * p.detach())
            self.importance.append(self.omega_total[0].sum(dim=0).numpy().astype(float))
        elif self.method == "replay":
            self._store(t)
        elif self.method == "hlop":
            self._learn_subspaces(t)

    def _fisher(self, t: int):
        with self.torch.no_grad():
            return _mlp_fisher(self.params, self.data[t][0], self.masks[t])

    def _store(self, t: int) -> None:
        size = self.hp["buffer_size"]
        x, y, _, _ = self.data[t]
        order = self.torch.from_numpy(self.streams.memory[t])
        self.memory.append((x[order], y[order], t))
        per_task = size // len(self.memory)
        # Shrink every task's share to make room: keep the first examples of each.
        self.memory = [(mx[:per_task], my[:per_task], mt) for mx, my, mt in self.memory]

    def _replay_set(self):
        kept = [(mx, my, mt) for mx, my, mt in self.memory if len(my)]
        if not kept:
            return None
        torch = self.torch
        rx = torch.cat([mx for mx, _, _ in kept])
        ry = torch.cat([my for _, my, _ in kept])
        rmask = torch.cat([self.masks[mt].expand(len(my), -1) for _, my, mt in kept])
        return rx, ry, rmask

    def _learn_subspaces(self, t: int) -> None:
        torch = self.torch
        k = self.hp["subspace_dim"]
        x, _, _, _ = self.data[t]
        with torch.no_grad():
            _, _, h = self.forward(x)
        ones = np.ones((len(x), 1))
        inputs = [np.hstack([x.numpy(), ones]), np.hstack([h.numpy(), ones])]
        for layer, a in enumerate(inputs):
            basis = self.bases[layer]
            k_new = min(k, a.shape[1] - basis.shape[0])
            if k_new < 1:
                continue
            seed = np.random.default_rng(self.streams.oja[t][layer])  # its own stream
            learned = oja_subspace(a, k_new, fixed=basis, epochs=self.hp["oja_epochs"],
                                   learning_rate=self.hp["oja_learning_rate"], seed=seed)
            self.bases[layer] = learned.basis
            self.orthonormality_error = max(self.orthonormality_error,
                                            learned.orthonormality_error)
        # Hᵀ(H Hᵀ)⁻¹H is Hᵀ H once Oja's rule has made the rows orthonormal, and stays
        # an exact projection where it has not quite (a neuron that saw no signal).
        self.projectors = [(torch.tensor(b, dtype=torch.float32),
                            torch.tensor(np.linalg.pinv(b @ b.T) @ b, dtype=torch.float32))
                           if len(b) else None for b in self.bases]

    # -- summaries ---------------------------------------------------------------------------

    def importance_summary(self):
        if self.method not in ("ewc", "si"):
            return None
        arr = np.array(self.importance).reshape(len(self.importance), -1)
        arr.setflags(write=False)
        return arr

    def subspace_dims(self):
        if self.method != "hlop":
            return None
        return np.array([b.shape[0] for b in self.bases])
