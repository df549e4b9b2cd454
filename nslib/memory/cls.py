"""Complementary learning systems: learning a new item focused or interleaved (McClelland et al. 1995).

A small network learns Rumelhart's semantic items (Rumelhart & Todd 1993;
McClelland & Rogers 2003): eight living things, each with what it *is a*,
*is*, *can* and *has*. The network: a one-hot item unit feeds a layer of 8
"representation" units, which, with a one-hot relation unit, feed 15 hidden
units and then one sigmoid output per attribute. It learns by gradient
descent on the squared error, slowly, over many passes through all items:
the neocortex of complementary learning systems theory.

Then a new item arrives, the **penguin**: a bird that swims and cannot fly.

* **Focused** learning trains on the penguin's four patterns alone. The
  shared weights that made robins and canaries fly are pushed towards
  swimming and not flying: **catastrophic interference** with the old items.
* **Interleaved** learning mixes the penguin with old items replayed from a
  fast store (the hippocampus of the theory): each epoch the penguin's
  patterns plus a fraction ``replay`` of the old ones. The network absorbs
  the exception with little damage to what it knew.

Errors are mean squared errors per output unit, averaged over patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import as_generator, check_choice, check_int, check_number

__all__ = ["ATTRIBUTES", "ITEMS", "RELATIONS", "CLSResult", "SemanticPatterns", "cls_new_item",
           "semantic_patterns"]

ITEMS = ("pine", "oak", "rose", "daisy", "robin", "canary", "sunfish", "salmon", "penguin")
RELATIONS = ("isa", "is", "can", "has")

# Each item's facts by relation, after Rumelhart's items as in McClelland & Rogers (2003).
_FACTS = {
    "pine": {"isa": ["living thing", "plant", "tree", "pine"], "is": ["living", "green", "big"],
             "can": ["grow"], "has": ["roots", "bark"]},
    "oak": {"isa": ["living thing", "plant", "tree", "oak"], "is": ["living", "big"],
            "can": ["grow"], "has": ["roots", "bark"]},
    "rose": {"isa": ["living thing", "plant", "flower", "rose"], "is": ["living", "pretty", "red"],
             "can": ["grow"], "has": ["roots", "petals"]},
    "daisy": {"isa": ["living thing", "plant", "flower", "daisy"], "is": ["living", "pretty", "yellow"],
              "can": ["grow"], "has": ["roots", "petals"]},
    "robin": {"isa": ["living thing", "animal", "bird", "robin"], "is": ["living", "red"],
              "can": ["grow", "move", "fly"], "has": ["skin", "wings", "feathers"]},
    "canary": {"isa": ["living thing", "animal", "bird", "canary"], "is": ["living", "yellow"],
               "can": ["grow", "move", "fly", "sing"], "has": ["skin", "wings", "feathers"]},
    "sunfish": {"isa": ["living thing", "animal", "fish", "sunfish"], "is": ["living", "yellow"],
                "can": ["grow", "move", "swim"], "has": ["skin", "scales", "gills"]},
    "salmon": {"isa": ["living thing", "animal", "fish", "salmon"], "is": ["living", "red"],
               "can": ["grow", "move", "swim"], "has": ["skin", "scales", "gills"]},
    "penguin": {"isa": ["living thing", "animal", "bird", "penguin"], "is": ["living"],
                "can": ["grow", "move", "swim"], "has": ["skin", "wings", "feathers"]},
}

#: Output attributes, by relation: ``(relation, attribute)``.
ATTRIBUTES = tuple(
    [("isa", a) for a in ["living thing", "plant", "animal", "tree", "flower", "bird", "fish",
                          *ITEMS]]
    + [("is", a) for a in ["living", "pretty", "green", "big", "red", "yellow"]]
    + [("can", a) for a in ["grow", "move", "swim", "fly", "sing"]]
    + [("has", a) for a in ["skin", "roots", "bark", "petals", "wings", "feathers", "scales", "gills"]]
)


@dataclass(frozen=True, eq=False)
class SemanticPatterns:
    """The semantic network's patterns: one per (item, relation), item by item.

    Attributes
    ----------
    item_inputs : numpy.ndarray
        Item one-hots, shape ``(n, 9)`` (columns in the order of :data:`ITEMS`).
    relation_inputs : numpy.ndarray
        Relation one-hots, shape ``(n, 4)`` (columns in the order of :data:`RELATIONS`).
    targets : numpy.ndarray
        0/1 targets, shape ``(n, len(ATTRIBUTES))`` (columns in the order of :data:`ATTRIBUTES`).
    """

    item_inputs: np.ndarray
    relation_inputs: np.ndarray
    targets: np.ndarray


def semantic_patterns(items=ITEMS[:8]) -> SemanticPatterns:
    """Inputs and targets of the semantic items: one pattern per (item, relation).

    Parameters
    ----------
    items : sequence of str, default the 8 old items
        Names from :data:`ITEMS`.

    Returns
    -------
    SemanticPatterns
        Item one-hots, relation one-hots and 0/1 targets of ``n = 4 * len(items)``
        patterns, item by item.

    Examples
    --------
    >>> pats = semantic_patterns(["penguin"])
    >>> pats.targets.shape, int(pats.targets[2, ATTRIBUTES.index(("can", "fly"))])
    ((4, 35), 0)
    """
    names = list(items)
    if not names or any(name not in ITEMS for name in names):
        raise ValueError(f"items must be a non-empty list of names from {list(ITEMS)}; got {items!r}")
    n = 4 * len(names)
    x_item, x_rel = np.zeros((n, len(ITEMS))), np.zeros((n, len(RELATIONS)))
    target = np.zeros((n, len(ATTRIBUTES)))
    for k, name in enumerate(names):
        for j, rel in enumerate(RELATIONS):
            row = 4 * k + j
            x_item[row, ITEMS.index(name)] = 1.0
            x_rel[row, j] = 1.0
            for attribute in _FACTS[name][rel]:
                target[row, ATTRIBUTES.index((rel, attribute))] = 1.0
    return SemanticPatterns(item_inputs=x_item, relation_inputs=x_rel, targets=target)


@dataclass(frozen=True, eq=False)
class CLSResult:
    """Learning a new item, focused or interleaved, after the old ones.

    Attributes
    ----------
    old_error : float
        Mean squared error on the 32 old patterns after learning the penguin.
    new_error : float
        Mean squared error on the penguin's 4 patterns after learning it.
    old_error_before : float
        The old patterns' error before the penguin arrived.
    epochs : numpy.ndarray of int
        Epochs of the second phase at which the curves are recorded, shape ``(n_points,)``.
    old_curve, new_curve : numpy.ndarray
        Old and new errors at those epochs.
    old_outputs_before, old_outputs_after : numpy.ndarray
        The network's outputs for the old patterns before and after, shape ``(32, 35)``.
    new_outputs : numpy.ndarray
        Outputs for the penguin's patterns after learning, shape ``(4, 35)``.
    schedule : str
    replay : float
        Fraction of old patterns replayed per epoch (0 focused).
    """

    old_error: float
    new_error: float
    old_error_before: float
    epochs: np.ndarray
    old_curve: np.ndarray
    new_curve: np.ndarray
    old_outputs_before: np.ndarray
    old_outputs_after: np.ndarray
    new_outputs: np.ndarray
    schedule: str
    replay: float


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class _Net:
    """Rumelhart's semantic network, with numpy backpropagation (private)."""

    def __init__(self, rng, n_rep: int, n_hidden: int, scale: float):
        n_out = len(ATTRIBUTES)
        self.w_rep = rng.uniform(-scale, scale, (len(ITEMS), n_rep))
        self.b_rep = np.zeros(n_rep)
        self.w_hid = rng.uniform(-scale, scale, (n_rep, n_hidden))
        self.w_rel = rng.uniform(-scale, scale, (len(RELATIONS), n_hidden))
        self.b_hid = np.zeros(n_hidden)
        self.w_out = rng.uniform(-scale, scale, (n_hidden, n_out))
        self.b_out = np.full(n_out, -2.0)      # attributes are mostly absent

    def forward(self, xi, xr):
        rep = _sigmoid(xi @ self.w_rep + self.b_rep)
        hid = _sigmoid(rep @ self.w_hid + xr @ self.w_rel + self.b_hid)
        return rep, hid, _sigmoid(hid @ self.w_out + self.b_out)

    def step(self, xi, xr, target, lr):
        rep, hid, out = self.forward(xi, xr)
        d_out = (out - target) * out * (1 - out)
        d_hid = (d_out @ self.w_out.T) * hid * (1 - hid)
        d_rep = (d_hid @ self.w_hid.T) * rep * (1 - rep)
        self.w_out -= lr * hid.T @ d_out
        self.b_out -= lr * d_out.sum(0)
        self.w_hid -= lr * rep.T @ d_hid
        self.w_rel -= lr * xr.T @ d_hid
        self.b_hid -= lr * d_hid.sum(0)
        self.w_rep -= lr * xi.T @ d_rep
        self.b_rep -= lr * d_rep.sum(0)

    def error(self, xi, xr, target):
        return float(np.mean((self.forward(xi, xr)[2] - target) ** 2))


def cls_new_item(schedule: str = "interleaved", *, replay: float | None = None, pretrain_epochs: int = 1500,
                 new_epochs: int = 400, learning_rate: float = 0.1, record_every: int = 10,
                 seed=0) -> CLSResult:
    """Teach the semantic network the penguin, focused or interleaved with old items.

    Phase 1: ``pretrain_epochs`` epochs of full-batch gradient descent on the
    32 old patterns (the summed squared error, learning rate
    ``learning_rate``). Phase 2: ``new_epochs`` epochs on the penguin's 4
    patterns plus, each epoch, ``round(replay * 32)`` old patterns drawn
    without replacement (one permutation per epoch, drawn as one block before
    phase 2). The penguin's item unit is new: its weights start at small
    random values. Only the initial weights and the replay draws are random.

    Parameters
    ----------
    schedule : {"focused", "interleaved"}, default "interleaved"
        ``"focused"`` replays nothing (``replay = 0``); ``"interleaved"``
        replays a fraction ``replay`` of the old patterns (default 1, all).
    replay : float, optional
        Fraction of the old patterns replayed per epoch, in [0, 1]; only with
        ``"interleaved"``.
    pretrain_epochs : int, default 1500
        Epochs of phase 1 (>= 1).
    new_epochs : int, default 400
        Epochs of phase 2 (>= 1).
    learning_rate : float, default 0.1
        In (0, 5].
    record_every : int, default 10
        Epochs between recorded points of the curves (>= 1).
    seed : int or numpy.random.Generator, default 0

    Returns
    -------
    CLSResult

    Examples
    --------
    >>> focused = cls_new_item("focused", pretrain_epochs=800, new_epochs=200, seed=0)
    >>> interleaved = cls_new_item("interleaved", pretrain_epochs=800, new_epochs=200, seed=0)
    >>> bool(focused.old_error > interleaved.old_error)
    True
    """
    check_choice("schedule", schedule, ("focused", "interleaved"))
    if schedule == "focused":
        if replay not in (None, 0, 0.0):
            raise ValueError(f"replay must be None or 0 with schedule 'focused'; got {replay!r}")
        replay = 0.0
    else:
        replay = 1.0 if replay is None else check_number("replay", replay, low=0.0, high=1.0)
    pretrain_epochs = check_int("pretrain_epochs", pretrain_epochs, low=1)
    new_epochs = check_int("new_epochs", new_epochs, low=1)
    learning_rate = check_number("learning_rate", learning_rate, low=0.0, high=5.0, low_inclusive=False)
    record_every = check_int("record_every", record_every, low=1)
    rng = as_generator(seed)
    net = _Net(rng, n_rep=8, n_hidden=15, scale=0.5)
    order = np.argsort(rng.random((new_epochs, 32)), axis=1)     # one permutation per epoch
    old, new = semantic_patterns(), semantic_patterns(["penguin"])
    xi_old, xr_old, t_old = old.item_inputs, old.relation_inputs, old.targets
    xi_new, xr_new, t_new = new.item_inputs, new.relation_inputs, new.targets
    for _ in range(pretrain_epochs):
        net.step(xi_old, xr_old, t_old, learning_rate)
    before = net.forward(xi_old, xr_old)[2]
    err_before = float(np.mean((before - t_old) ** 2))
    n_replay = int(round(replay * 32))
    epochs, old_curve, new_curve = [0], [err_before], [net.error(xi_new, xr_new, t_new)]
    for epoch in range(new_epochs):
        chosen = order[epoch, :n_replay]
        xi = np.vstack([xi_new, xi_old[chosen]])
        xr = np.vstack([xr_new, xr_old[chosen]])
        tt = np.vstack([t_new, t_old[chosen]])
        net.step(xi, xr, tt, learning_rate)
        if (epoch + 1) % record_every == 0 or epoch + 1 == new_epochs:
            epochs.append(epoch + 1)
            old_curve.append(net.error(xi_old, xr_old, t_old))
            new_curve.append(net.error(xi_new, xr_new, t_new))
    after = net.forward(xi_old, xr_old)[2]
    return CLSResult(old_error=old_curve[-1], new_error=new_curve[-1], old_error_before=err_before,
                     epochs=np.array(epochs), old_curve=np.array(old_curve), new_curve=np.array(new_curve),
                     old_outputs_before=before, old_outputs_after=after,
                     new_outputs=net.forward(xi_new, xr_new)[2], schedule=schedule, replay=float(replay))
