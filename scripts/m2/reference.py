"""Independent float64 forward of M2-BERT from a raw state dict, with DIRECT convolution (no FFT).

Written from the math in README.md, not from m2_model.py: numpy only (torch is used solely for the exact GELU's
erf on float64 arrays), explicit per-channel linear convolutions for the long filters, and an explicit loop-free
causal 3-tap filter for the short convolution. Used to check m2_model.py (torch, FFT) and the ONNX graphs.
"""
from __future__ import annotations

import numpy as np
import torch


def _np(state: dict, name: str) -> np.ndarray:
    v = state[name]
    if isinstance(v, torch.Tensor):
        v = v.detach().to(torch.float64).numpy() if v.is_floating_point() else v.numpy()
    return np.asarray(v, dtype=np.float64)


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x: np.ndarray) -> np.ndarray:
    erf = torch.erf(torch.from_numpy(x / np.sqrt(2.0))).numpy()
    return 0.5 * x * (1.0 + erf)


def block_diagonal(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """x: L×(nb·p), w: nb×q×p → L×(nb·q)."""
    nb, q, p = w.shape
    return np.concatenate([x[:, k * p : (k + 1) * p] @ w[k].T for k in range(nb)], axis=1)


def filter_mlp(state: dict, prefix: str, z: np.ndarray, w_mod: float) -> np.ndarray:
    """prefix = '...filter_fn.implicit_filter' or '..._rev'; z: L×e → L×d."""
    h = z
    for i in (0, 2, 4):
        h = h @ _np(state, f"{prefix}.{i}.weight").T + _np(state, f"{prefix}.{i}.bias")
        h = np.sin(w_mod * _np(state, f"{prefix}.{i + 1}.freq")[0] * h)
    return h @ _np(state, f"{prefix}.6.weight").T


def filters(state: dict, fn: str, L: int, w_mod: float) -> tuple[np.ndarray, np.ndarray]:
    """(k_fwd, k_rev), each d×L, for filter module prefix `fn` (…attention.filter_fn or filter_fn2)."""
    z = _np(state, f"{fn}.pos_emb.z")[0, :L]
    t = _np(state, f"{fn}.pos_emb.t")[0, :L]  # L×1
    decay = np.exp(-t * np.abs(_np(state, f"{fn}.modulation.deltas")[0]))  # L×d
    k_fwd = (filter_mlp(state, f"{fn}.implicit_filter", z, w_mod) * decay).T
    k_rev = (filter_mlp(state, f"{fn}.implicit_filter_rev", z, w_mod) * decay).T
    return k_fwd, k_rev


def long_conv_direct(x: np.ndarray, k_fwd: np.ndarray, k_rev: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """x: L×d. y[n] = Σ_{m≤n} k_fwd[n-m] x[m] + Σ_{m>n} k_rev[m-n-1] x[m] + bias·x[n], by direct summation."""
    L, d = x.shape
    y = np.empty_like(x)
    for c in range(d):
        causal = np.convolve(x[:, c], k_fwd[c])[:L]  # Σ_{m≤n} k_fwd[n-m] x[m]
        # anti-causal: Σ_{j≥0} k_rev[j] x[n+1+j]  == causal conv of the reversed signal, shifted by one
        xr = x[::-1, c]
        ac = np.convolve(xr, k_rev[c])[:L][::-1]  # ac[n] = Σ_{j} k_rev[j] x[n+j]
        anti = np.zeros(L)
        anti[:-1] = ac[1:]  # shift: lag j applies to x[n+1+j]
        y[:, c] = causal + anti + bias[c] * x[:, c]
    return y


def forward(state: dict, cfg: dict, input_ids, attention_mask=None, keep_filters: bool = False):
    """One sequence (no batch). Returns dict(last_hidden L×d, pooled d, filters_layer0 if keep_filters)."""
    ids = np.asarray(input_ids, dtype=np.int64)
    L = len(ids)
    d = cfg["hidden_size"]
    I = cfg["intermediate_size"]
    eps = cfg["layer_norm_eps"]
    w_mod = cfg.get("hyena_w_mod", 1)
    mask_padding = bool((cfg.get("sift") or {}).get("mask_padding", False))
    mask = np.ones(L) if attention_mask is None else np.asarray(attention_mask, dtype=np.float64)
    if cfg.get("hyena_training_additions"):
        raise NotImplementedError("hyena_training_additions")

    e = "bert.embeddings"
    h = _np(state, f"{e}.word_embeddings.weight")[ids] + _np(state, f"{e}.token_type_embeddings.weight")[0]
    h = h + _np(state, f"{e}.position_embeddings.weight")[:L]
    h = layer_norm(h, _np(state, f"{e}.LayerNorm.weight"), _np(state, f"{e}.LayerNorm.bias"), eps)

    kept = None
    for li in range(cfg["num_hidden_layers"]):
        p = f"bert.encoder.layer.{li}"
        a = f"{p}.attention"
        u = h
        zin = u @ _np(state, f"{a}.in_linear.weight").T + _np(state, f"{a}.in_linear.bias")  # L×3d
        w = _np(state, f"{a}.short_filter.weight")[:, 0, :]  # 3d×3
        zp = np.vstack([np.zeros((2, 3 * d)), zin])
        z = w[:, 0] * zp[0:L] + w[:, 1] * zp[1 : L + 1] + w[:, 2] * zp[2 : L + 2] + _np(state, f"{a}.short_filter.bias")
        x1, x2, v = z[:, :d], z[:, d : 2 * d], z[:, 2 * d :]
        v = v * x1
        u_in = u
        if mask_padding:
            v = v * mask[:, None]
            u_in = u * mask[:, None]
        kf, kr = filters(state, f"{a}.filter_fn", L, w_mod)
        k2f, k2r = filters(state, f"{a}.filter_fn2", L, w_mod)
        if li == 0 and keep_filters:
            kept = {"k_fwd": kf, "k_rev": kr, "k2_fwd": k2f, "k2_rev": k2r}
        y = long_conv_direct(v, kf, kr, _np(state, f"{a}.filter_fn.bias"))
        yu = long_conv_direct(u_in, k2f, k2r, _np(state, f"{a}.filter_fn2.bias"))
        s = (y * x2 + yu) @ _np(state, f"{a}.out_linear.weight").T + _np(state, f"{a}.out_linear.bias")
        m = f"{p}.mlp"
        g = block_diagonal(s, _np(state, f"{m}.gated_layers.weight"))
        o = block_diagonal(gelu(g[:, :I]) * g[:, I:], _np(state, f"{m}.wo.weight")) + _np(state, f"{m}.wo.bias")
        h = layer_norm(o + s, _np(state, f"{m}.layernorm.weight"), _np(state, f"{m}.layernorm.bias"), eps)

    # Sift's sift.pooling = "mean" (mask_padding models): the mean of the real tokens' states instead of [CLS].
    pooling = (cfg.get("sift") or {}).get("pooling", "cls")
    first = (h * mask[:, None]).sum(0) / max(mask.sum(), 1.0) if pooling == "mean" else h[0]
    pooled = np.tanh(first @ _np(state, "bert.pooler.dense.weight").T + _np(state, "bert.pooler.dense.bias"))
    out = {"last_hidden": h, "pooled": pooled}
    if keep_filters:
        out["filters_layer0"] = kept
    return out
