"""Attention as transformers compute it: softmax, linear, multi-head, and torch's version of it.

Shapes follow the transformer papers, one row per token: queries ``q`` are
``(n_queries, d_k)``, keys ``k`` are ``(n_keys, d_k)`` and values ``v`` are
``(n_keys, d_v)``. Everything is numpy, so each line can be read as the
equation it implements; :func:`torch_multihead_attention` runs PyTorch's
``nn.MultiheadAttention`` with the same weights to show that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int, check_number

__all__ = [
    "AttentionResult",
    "MultiheadResult",
    "MultiheadWeights",
    "TorchComparison",
    "compare_with_torch",
    "linear_attention",
    "multihead_attention",
    "random_multihead_weights",
    "softmax",
    "softmax_attention",
    "torch_multihead_attention",
]


@dataclass(frozen=True, eq=False)
class AttentionResult:
    """What one attention operation computed.

    Attributes
    ----------
    output : numpy.ndarray, shape (n_queries, d_v), or (d_v,) for one query
        Each row is a weighted sum of the values.
    weights : numpy.ndarray, shape (n_queries, n_keys), or (n_keys,)
        The weight of each value in each output row. For softmax attention the
        rows are probabilities (non-negative, summing to 1); for plain linear
        attention they are the raw similarities ``q·k`` (any sign, any sum).
    scores : numpy.ndarray, same shape as ``weights``
        The similarities before the softmax or the normaliser:
        ``q·k / (temperature·sqrt(d_k))`` for softmax attention,
        ``φ(q)·φ(k)`` for linear attention.
    kind : str
        ``"softmax"`` or ``"linear"``.
    """

    output: np.ndarray
    weights: np.ndarray
    scores: np.ndarray
    kind: str


def softmax(scores: Any, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``: ``exp(s) / sum(exp(s))``.

    Subtracting the largest score first changes nothing mathematically and
    keeps ``exp`` from overflowing; ``-inf`` scores (masked keys) get weight 0.

    Parameters
    ----------
    scores : array_like
        Scores (logits), finite or ``-inf``; at least one finite per row.
    axis : int
        Axis along which the weights sum to 1.

    Returns
    -------
    numpy.ndarray
        Weights of the shape of ``scores``, in [0, 1], summing to 1 along ``axis``.

    Examples
    --------
    >>> softmax([0.0, np.log(3.0)]).round(3).tolist()
    [0.25, 0.75]
    """
    s = np.asarray(scores, dtype=float)
    if s.size == 0:
        raise ValueError("scores must not be empty")
    if np.any(np.isnan(s)) or np.any(s == np.inf):
        raise ValueError("scores must not contain NaN or +inf (-inf masks a key)")
    top = np.max(s, axis=axis, keepdims=True)
    if np.any(np.isneginf(top)):
        raise ValueError("scores must leave at least one key unmasked (not -inf) in each row")
    e = np.exp(s - top)
    return e / e.sum(axis=axis, keepdims=True)


def _check_qkv(q, k, v):
    q = check_finite_array("q", q)
    single = q.ndim == 1
    if q.ndim not in (1, 2):
        raise ValueError(f"q must be a 1-D query (d_k,) or a 2-D array (n_queries, d_k); "
                         f"got shape {q.shape}")
    q = np.atleast_2d(q)
    k = check_finite_array("k", k, ndim=2)
    v = check_finite_array("v", v, ndim=2)
    if k.shape[1] != q.shape[1]:
        raise ValueError(f"k must have d_k = {q.shape[1]} columns like q; got shape {k.shape}")
    if v.shape[0] != k.shape[0]:
        raise ValueError(f"v must have one row per key ({k.shape[0]}); got shape {v.shape}")
    return q, k, v, single


def _causal_mask(n_q: int, n_k: int, causal: bool) -> np.ndarray | None:
    if not causal:
        return None
    if n_q != n_k:
        raise ValueError(f"causal needs as many queries as keys (one per token); "
                         f"got {n_q} queries and {n_k} keys")
    # Token i may attend to tokens 0..i only.
    return np.tril(np.ones((n_q, n_k), dtype=bool))


def softmax_attention(q: Any, k: Any, v: Any, temperature: float = 1.0,
                      causal: bool = False) -> AttentionResult:
    r"""Scaled dot-product (softmax) attention, as in Vaswani et al. (2017).

    .. math::
        \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\tau\sqrt{d_k}}\right) V

    Each query scores every key by a dot product, the softmax turns the scores
    of one query into weights that sum to 1, and the output is the weighted
    average of the values. The temperature ``τ`` (1 in transformers) sets how
    sharp the weights are: as ``τ → 0`` each query copies the value of its
    best-matching key; as ``τ → ∞`` it averages all values equally.

    Parameters
    ----------
    q : array_like, shape (n_queries, d_k) or (d_k,)
        Queries (one row per token).
    k : array_like, shape (n_keys, d_k)
        Keys.
    v : array_like, shape (n_keys, d_v)
        Values.
    temperature : float, default 1.0
        ``τ`` in ``[1e-6, 1e6]``.
    causal : bool, default False
        Let query ``i`` see only keys ``0..i`` (needs ``n_queries == n_keys``),
        as in a decoder that must not look at future tokens.

    Returns
    -------
    AttentionResult
        ``kind="softmax"``; ``weights`` rows sum to 1.

    Examples
    --------
    >>> keys = np.eye(3); values = np.array([[1.0], [2.0], [3.0]])
    >>> res = softmax_attention(keys[1], keys, values, temperature=0.01)
    >>> round(float(res.output[0]), 6)      # a sharp softmax copies value 1
    2.0
    >>> res = softmax_attention(keys[1], keys, values, temperature=1e6)
    >>> round(float(res.output[0]), 6)      # a flat one averages all values
    2.0
    >>> res.weights.round(3).tolist()
    [0.333, 0.333, 0.333]
    """
    q, k, v, single = _check_qkv(q, k, v)
    temperature = check_number("temperature", temperature, low=1e-6, high=1e6)
    if not isinstance(causal, (bool, np.bool_)):
        raise ValueError(f"causal must be True or False; got {causal!r}")
    d_k = q.shape[1]
    scores = q @ k.T / (temperature * np.sqrt(d_k))
    mask = _causal_mask(q.shape[0], k.shape[0], causal)
    masked = scores if mask is None else np.where(mask, scores, -np.inf)
    weights = softmax(masked, axis=-1)
    output = weights @ v
    if single:
        return AttentionResult(output[0], weights[0], scores[0], "softmax")
    return AttentionResult(output, weights, scores, "softmax")


def _feature_map(x: np.ndarray, feature_map: str | None) -> np.ndarray:
    if feature_map is None:
        return x
    # elu(x) + 1 (Katharopoulos et al. 2020): positive, so the normaliser is > 0.
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def linear_attention(q: Any, k: Any, v: Any, feature_map: str | None = None,
                     normalize: bool = False, causal: bool = False) -> AttentionResult:
    r"""Linear attention: the softmax replaced by a plain dot product.

    With no feature map and no normaliser (the defaults),

    .. math::
        \mathbf{o}_i = \sum_j (\mathbf{q}_i\cdot\mathbf{k}_j)\,\mathbf{v}_j
                     = \Big(\sum_j \mathbf{v}_j \mathbf{k}_j^\top\Big)\mathbf{q}_i
                     = M\,\mathbf{q}_i ,

    so the keys and values can be summed into one matrix ``M`` first: a
    Hebbian associative memory (:func:`nslib.attention.hebbian_memory`) read
    out by the query. The common variants (Katharopoulos et al. 2020) pass
    queries and keys through a positive feature map ``φ`` and divide by a
    normaliser, ``o_i = Σ_j (φ(q_i)·φ(k_j)) v_j / Σ_j φ(q_i)·φ(k_j)``, which
    makes the weights positive and sum to 1, like softmax weights.

    Parameters
    ----------
    q, k, v : array_like
        As in :func:`softmax_attention` (no ``1/sqrt(d_k)`` scaling here).
    feature_map : {None, "elu"}, default None
        ``None``: ``φ(x) = x``. ``"elu"``: ``φ(x) = elu(x) + 1``.
    normalize : bool, default False
        Divide each output by ``Σ_j φ(q_i)·φ(k_j)`` (needs ``feature_map="elu"``,
        which keeps the sum positive).
    causal : bool, default False
        Query ``i`` sees keys ``0..i`` only: the memory is then written one
        token at a time, ``M_i = M_{i-1} + v_i φ(k_i)ᵀ``, a recurrent network.

    Returns
    -------
    AttentionResult
        ``kind="linear"``; ``weights`` are ``φ(q)·φ(k)``, divided by the
        normaliser when ``normalize``.

    Examples
    --------
    >>> q = np.array([[1.0, 0.0]]); k = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> v = np.array([[1.0], [10.0]])
    >>> linear_attention(q, k, v).output.tolist()      # 1*1 + 0.5*10
    [[6.0]]
    """
    q, k, v, single = _check_qkv(q, k, v)
    if feature_map is not None:
        check_choice("feature_map", feature_map, ("elu",))
    if not isinstance(normalize, (bool, np.bool_)):
        raise ValueError(f"normalize must be True or False; got {normalize!r}")
    if normalize and feature_map is None:
        raise ValueError("normalize needs feature_map='elu': with φ(x) = x the normaliser "
                         "Σ_j q·k can be 0 or negative")
    if not isinstance(causal, (bool, np.bool_)):
        raise ValueError(f"causal must be True or False; got {causal!r}")
    phi_q, phi_k = _feature_map(q, feature_map), _feature_map(k, feature_map)
    scores = phi_q @ phi_k.T
    mask = _causal_mask(q.shape[0], k.shape[0], causal)
    weights = scores if mask is None else np.where(mask, scores, 0.0)
    if normalize:
        weights = weights / weights.sum(axis=1, keepdims=True)
    output = weights @ v
    if single:
        return AttentionResult(output[0], weights[0], scores[0], "linear")
    return AttentionResult(output, weights, scores, "linear")


# ---------------------------------------------------------------------------
# Multi-head attention, in numpy and in torch
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MultiheadWeights:
    """The parameters of one multi-head attention layer (PyTorch's layout).

    Attributes
    ----------
    w_q, w_k, w_v : numpy.ndarray, shape (d_model, d_model)
        Input projections: ``Q = X W_qᵀ + b_q`` and so on. Head ``h`` uses rows
        ``h·d_head .. (h+1)·d_head`` of each.
    b_q, b_k, b_v : numpy.ndarray, shape (d_model,)
    w_o : numpy.ndarray, shape (d_model, d_model)
        Output projection of the concatenated heads.
    b_o : numpy.ndarray, shape (d_model,)
    """

    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    b_q: np.ndarray
    b_k: np.ndarray
    b_v: np.ndarray
    w_o: np.ndarray
    b_o: np.ndarray

    @property
    def d_model(self) -> int:
        """Model width (number of features per token)."""
        return int(self.w_q.shape[0])


@dataclass(frozen=True, eq=False)
class MultiheadResult:
    """Output of a multi-head attention layer.

    Attributes
    ----------
    output : numpy.ndarray, shape (n_queries, d_model)
    weights : numpy.ndarray, shape (n_heads, n_queries, n_keys)
        Softmax attention weights of each head.
    backend : str
        ``"numpy"`` or ``"torch"``.
    """

    output: np.ndarray
    weights: np.ndarray
    backend: str


def random_multihead_weights(d_model: int = 8, *, seed: Any = 0) -> MultiheadWeights:
    """Random weights for a multi-head attention layer (Glorot-uniform matrices, small biases).

    Parameters
    ----------
    d_model : int, 1 to 1024
        Model width.
    seed : int or numpy.random.Generator

    Returns
    -------
    MultiheadWeights

    Examples
    --------
    >>> random_multihead_weights(4, seed=0).w_q.shape
    (4, 4)
    """
    d_model = check_int("d_model", d_model, low=1, high=1024)
    rng = as_generator(seed)
    bound = np.sqrt(6.0 / (2 * d_model))
    mats = [rng.uniform(-bound, bound, (d_model, d_model)) for _ in range(4)]
    biases = [rng.normal(0.0, 0.1, d_model) for _ in range(4)]
    return MultiheadWeights(w_q=mats[0], w_k=mats[1], w_v=mats[2], b_q=biases[0], b_k=biases[1],
                            b_v=biases[2], w_o=mats[3], b_o=biases[3])


def _check_multihead(x_query, x_key, x_value, weights, n_heads):
    # Duck typing: a re-imported module (pytest's importlib mode) defines a new class.
    fields = ("w_q", "w_k", "w_v", "b_q", "b_k", "b_v", "w_o", "b_o")
    if not all(hasattr(weights, f) for f in fields):
        raise ValueError(f"weights must be a MultiheadWeights (see random_multihead_weights); "
                         f"got {type(weights).__name__}")
    d = int(np.shape(weights.w_q)[0])
    xq = check_finite_array("x_query", x_query, ndim=2)
    xk = check_finite_array("x_key", x_key, ndim=2)
    xv = check_finite_array("x_value", x_value, ndim=2)
    for name, x in (("x_query", xq), ("x_key", xk), ("x_value", xv)):
        if x.shape[1] != d:
            raise ValueError(f"{name} must have d_model = {d} columns; got shape {x.shape}")
    if xk.shape[0] != xv.shape[0]:
        raise ValueError(f"x_value must have as many rows as x_key ({xk.shape[0]}); "
                         f"got {xv.shape[0]}")
    n_heads = check_int("n_heads", n_heads, low=1, high=d)
    if d % n_heads:
        raise ValueError(f"n_heads must divide d_model = {d}; got {n_heads}")
    return xq, xk, xv, n_heads


def multihead_attention(x_query: Any, x_key: Any, x_value: Any, weights: MultiheadWeights,
                        n_heads: int = 2) -> MultiheadResult:
    r"""Multi-head attention in numpy: project, split into heads, attend, concatenate, project.

    For each head ``h`` with ``d_head = d_model / n_heads`` features,
    ``head_h = softmax(Q_h K_hᵀ / sqrt(d_head)) V_h`` with ``Q_h = X_q W_{q,h}ᵀ + b_{q,h}``
    (likewise ``K_h``, ``V_h``), and the output is
    ``concat(head_1, ..., head_H) W_oᵀ + b_o``, as in Vaswani et al. (2017)
    and PyTorch's ``nn.MultiheadAttention``.

    Parameters
    ----------
    x_query : array_like, shape (n_queries, d_model)
        The tokens that ask (self-attention: the same array for all three).
    x_key, x_value : array_like, shape (n_keys, d_model)
        The tokens attended to.
    weights : MultiheadWeights
    n_heads : int, default 2
        Number of heads; must divide ``d_model``.

    Returns
    -------
    MultiheadResult

    Examples
    --------
    >>> w = random_multihead_weights(4, seed=0)
    >>> x = np.random.default_rng(1).normal(size=(3, 4))
    >>> res = multihead_attention(x, x, x, w, n_heads=2)
    >>> res.output.shape, res.weights.shape
    ((3, 4), (2, 3, 3))
    """
    xq, xk, xv, n_heads = _check_multihead(x_query, x_key, x_value, weights, n_heads)
    d_head = xq.shape[1] // n_heads
    q = xq @ weights.w_q.T + weights.b_q
    k = xk @ weights.w_k.T + weights.b_k
    v = xv @ weights.w_v.T + weights.b_v
    heads, head_weights = [], []
    for h in range(n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        res = softmax_attention(q[:, cols], k[:, cols], v[:, cols])
        heads.append(res.output)
        head_weights.append(res.weights)
    output = np.concatenate(heads, axis=1) @ weights.w_o.T + weights.b_o
    return MultiheadResult(output, np.stack(head_weights), "numpy")


def torch_multihead_attention(x_query: Any, x_key: Any, x_value: Any, weights: MultiheadWeights,
                              n_heads: int = 2, *, seed: Any = 0) -> MultiheadResult:
    """The same layer computed by PyTorch's ``torch.nn.MultiheadAttention`` (float64, CPU).

    The layer's own random initialisation is overwritten with ``weights``:
    ``in_proj_weight`` stacks ``w_q``, ``w_k`` and ``w_v``, ``out_proj`` holds
    ``w_o``. Runs on one thread inside :func:`nslib._torch.reproducible_torch`,
    which restores torch's global state afterwards.

    Parameters
    ----------
    x_query, x_key, x_value, weights, n_heads
        As in :func:`multihead_attention`.
    seed : int or numpy.random.Generator
        Seeds torch for the layer's (discarded) initialisation.

    Returns
    -------
    MultiheadResult
        ``backend="torch"``.

    Examples
    --------
    >>> w = random_multihead_weights(4, seed=0)
    >>> x = np.random.default_rng(1).normal(size=(3, 4))
    >>> ours = multihead_attention(x, x, x, w).output
    >>> theirs = torch_multihead_attention(x, x, x, w).output
    >>> bool(np.abs(ours - theirs).max() < 1e-12)
    True
    """
    import torch

    from .._torch import reproducible_torch, torch_seed

    xq, xk, xv, n_heads = _check_multihead(x_query, x_key, x_value, weights, n_heads)
    d = xq.shape[1]
    with reproducible_torch(torch_seed(seed)):
        layer = torch.nn.MultiheadAttention(d, n_heads, bias=True, batch_first=True,
                                            dtype=torch.float64)
        with torch.no_grad():
            layer.in_proj_weight.copy_(torch.from_numpy(
                np.concatenate([weights.w_q, weights.w_k, weights.w_v])))
            layer.in_proj_bias.copy_(torch.from_numpy(
                np.concatenate([weights.b_q, weights.b_k, weights.b_v])))
            layer.out_proj.weight.copy_(torch.from_numpy(weights.w_o))
            layer.out_proj.bias.copy_(torch.from_numpy(weights.b_o))
            out, attn = layer(torch.from_numpy(xq)[None], torch.from_numpy(xk)[None],
                              torch.from_numpy(xv)[None], need_weights=True,
                              average_attn_weights=False)
    return MultiheadResult(out[0].numpy().copy(), attn[0].numpy().copy(), "torch")


@dataclass(frozen=True, eq=False)
class TorchComparison:
    """Our numpy multi-head attention beside PyTorch's, on the same tokens and weights.

    Attributes
    ----------
    tokens : numpy.ndarray, shape (n_tokens, d_model)
        The input sequence (self-attention).
    weights : MultiheadWeights
    numpy_result, torch_result : MultiheadResult
    max_output_difference : float
        Largest absolute difference between the two outputs.
    max_weight_difference : float
        Largest absolute difference between the two sets of attention weights.
    n_heads : int
    """

    tokens: np.ndarray
    weights: MultiheadWeights
    numpy_result: MultiheadResult
    torch_result: MultiheadResult
    max_output_difference: float
    max_weight_difference: float
    n_heads: int


def compare_with_torch(n_tokens: int = 6, d_model: int = 8, n_heads: int = 2,
                       *, seed: Any = 0) -> TorchComparison:
    """Self-attention on random tokens, computed by :func:`multihead_attention` and by PyTorch.

    Parameters
    ----------
    n_tokens : int, 1 to 512
    d_model : int, 1 to 1024
    n_heads : int
        Must divide ``d_model``.
    seed : int or numpy.random.Generator
        Draws the tokens (standard normal) and the weights.

    Returns
    -------
    TorchComparison

    Examples
    --------
    >>> cmp = compare_with_torch(n_tokens=4, d_model=4, n_heads=2, seed=0)
    >>> bool(cmp.max_output_difference < 1e-12)
    True
    """
    n_tokens = check_int("n_tokens", n_tokens, low=1, high=512)
    d_model = check_int("d_model", d_model, low=1, high=1024)
    rng = as_generator(seed)
    tokens = rng.normal(size=(n_tokens, d_model))
    weights = random_multihead_weights(d_model, seed=rng)
    ours = multihead_attention(tokens, tokens, tokens, weights, n_heads)
    theirs = torch_multihead_attention(tokens, tokens, tokens, weights, n_heads,
                                       seed=int(rng.integers(0, 2**31)))
    return TorchComparison(
        tokens=tokens, weights=weights, numpy_result=ours, torch_result=theirs,
        max_output_difference=float(np.max(np.abs(ours.output - theirs.output))),
        max_weight_difference=float(np.max(np.abs(ours.weights - theirs.weights))),
        n_heads=n_heads)
