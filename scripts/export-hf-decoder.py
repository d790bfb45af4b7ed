#!/usr/bin/env python3
"""Export a Hugging Face decoder (Llama, Mistral, Qwen2/2.5, Qwen3 families) to ONNX for Sift's OnnxCausalLM.

The graph follows the Hugging Face decoder export convention and adds the last layer's attention probabilities:
  inputs   input_ids [batch, seq] int64, attention_mask [batch, past+seq] int64, position_ids [batch, seq] int64,
           past_key_values.{i}.key|value [batch, kv_heads, past, head_dim] float32 (empty past on the first call)
  outputs  logits [batch, seq, vocab], present.{i}.key|value [batch, kv_heads, past+seq, head_dim],
           last_attention [batch, heads, seq, past+seq] (softmax probabilities of the last layer, for InfiniRetri)

The decoder is rebuilt here in plain PyTorch from the checkpoint's weights (model.safetensors, sharded safetensors or
pytorch_model.bin), so neither `transformers` nor `optimum` is needed and the graph traces without their cache and
mask machinery. With `--check` and `transformers` installed, the script compares its logits with transformers' own
forward pass before exporting.

  huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct --local-dir ~/models/qwen2.5-0.5b-instruct   # once, online
  python3 scripts/export-hf-decoder.py ~/models/qwen2.5-0.5b-instruct ~/.cache/sift/models/Qwen/Qwen2.5-0.5B-Instruct

Then `OnnxCausalLM.create({ model: 'Qwen/Qwen2.5-0.5B-Instruct' })` (found in the cache dir) or pass the folder path.
Needs torch, numpy and onnx (Debian: apt-get install python3-torch python3-onnx).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SUPPORTED = {"llama", "mistral", "qwen2", "qwen3"}
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "generation_config.json", "special_tokens_map.json"]

# ---------------------------------------------------------------------------------------------------------------
# Weights


def read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    """Minimal safetensors reader (8-byte header length, JSON header, raw little-endian data)."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8: 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        buf = raw[base + a: base + b]
        dt, shape = info["dtype"], info["shape"]
        if dt == "F32":
            arr = np.frombuffer(buf, dtype="<f4")
        elif dt == "F16":
            arr = np.frombuffer(buf, dtype="<f2").astype(np.float32)
        elif dt == "BF16":
            arr = (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            sys.exit(f"export-hf-decoder: {path}: tensor {name} has unsupported dtype {dt}")
        out[name] = torch.from_numpy(arr.astype(np.float32).reshape(shape))
    return out


def load_weights(src: Path) -> dict[str, torch.Tensor]:
    single = src / "model.safetensors"
    index = src / "model.safetensors.index.json"
    if single.exists():
        return read_safetensors(single)
    if index.exists():
        files = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        weights = {}
        for f in files:
            weights.update(read_safetensors(src / f))
        return weights
    bin_file = src / "pytorch_model.bin"
    if bin_file.exists():
        return {k: v.float() for k, v in torch.load(bin_file, map_location="cpu").items()}
    sys.exit(f"export-hf-decoder: {src} has no model.safetensors, model.safetensors.index.json or pytorch_model.bin")


# ---------------------------------------------------------------------------------------------------------------
# The decoder (Llama family: RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU)


class RMSNorm(nn.Module):
    def __init__(self, d: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate(x, cos, sin):
    h = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., h:], x[..., :h]), dim=-1) * sin


class Layer(nn.Module):
    def __init__(self, c: dict, qkv_bias: bool, qk_norm: bool):
        super().__init__()
        d, self.h, self.kvh, self.hd = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        eps = c["rms_norm_eps"]
        self.input_layernorm = RMSNorm(d, eps)
        self.q_proj = nn.Linear(d, self.h * self.hd, bias=qkv_bias)
        self.k_proj = nn.Linear(d, self.kvh * self.hd, bias=qkv_bias)
        self.v_proj = nn.Linear(d, self.kvh * self.hd, bias=qkv_bias)
        self.o_proj = nn.Linear(self.h * self.hd, d, bias=False)
        self.q_norm = RMSNorm(self.hd, eps) if qk_norm else None
        self.k_norm = RMSNorm(self.hd, eps) if qk_norm else None
        self.post_attention_layernorm = RMSNorm(d, eps)
        self.gate_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(c["intermediate_size"], d, bias=False)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        b, s, _ = x.shape
        hx = self.input_layernorm(x)
        q = self.q_proj(hx).view(b, s, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(hx).view(b, s, self.kvh, self.hd).transpose(1, 2)
        v = self.v_proj(hx).view(b, s, self.kvh, self.hd).transpose(1, 2)
        if self.q_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        k = torch.cat((past_k, k), dim=2)
        v = torch.cat((past_v, v), dim=2)
        rep = self.h // self.kvh
        # Grouped-query attention: expand + reshape (torch 1.13 exports repeat_interleave with the traced past
        # length baked in, which breaks every later call with a different cache length).
        kk = k[:, :, None].expand(-1, -1, rep, -1, -1).reshape(b, self.h, -1, self.hd) if rep > 1 else k
        vv = v[:, :, None].expand(-1, -1, rep, -1, -1).reshape(b, self.h, -1, self.hd) if rep > 1 else v
        probs = torch.softmax(q @ kk.transpose(-1, -2) * (self.hd ** -0.5) + bias, dim=-1)
        x = x + self.o_proj((probs @ vv).transpose(1, 2).reshape(b, s, self.h * self.hd))
        hx = self.post_attention_layernorm(x)
        x = x + self.down_proj(F.silu(self.gate_proj(hx)) * self.up_proj(hx))
        return x, k, v, probs


def rope_inv_freq(c: dict) -> torch.Tensor:
    hd = c["head_dim"]
    inv = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    rs = c.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type"))
    if kind in (None, "default"):
        return inv.float()
    if kind == "llama3":  # Llama 3.1+: long wavelengths scaled down, short kept, smooth in between
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / lo, inv / factor, inv)
        smooth = (old / wavelen - lo) / (hi - lo)
        mid = (1 - smooth) * scaled / factor + smooth * scaled
        is_mid = (wavelen >= old / hi) & (wavelen <= old / lo)
        return torch.where(is_mid, mid, scaled).float()
    if kind == "linear":
        return (inv / rs["factor"]).float()
    sys.exit(f"export-hf-decoder: rope_scaling type {kind!r} is not supported")


class Decoder(nn.Module):
    """forward(input_ids, attention_mask, position_ids, *past) -> (logits, *presents, last_attention)."""

    def __init__(self, c: dict, qkv_bias: bool, qk_norm: bool):
        super().__init__()
        self.n = c["num_hidden_layers"]
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c, qkv_bias, qk_norm) for _ in range(self.n))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.tied = bool(c.get("tie_word_embeddings", False))
        self.lm_head = None if self.tied else nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.register_buffer("inv_freq", rope_inv_freq(c), persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        s, p = input_ids.shape[1], past[0].shape[2]
        t = p + s
        q_pos = torch.arange(s).unsqueeze(1) + p
        k_pos = torch.arange(t).unsqueeze(0)
        allowed = (k_pos <= q_pos).unsqueeze(0).unsqueeze(0) & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, torch.zeros((), dtype=torch.float32), torch.full((), -1e9, dtype=torch.float32))
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1).unsqueeze(1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed_tokens(input_ids)
        presents, probs = [], None
        for i, layer in enumerate(self.layers):
            x, k, v, probs = layer(x, cos, sin, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        x = self.norm(x)
        logits = x @ self.embed_tokens.weight.t() if self.tied else self.lm_head(x)
        return (logits, *presents, probs)


def build(src: Path) -> tuple[Decoder, dict]:
    c = json.loads((src / "config.json").read_text())
    mt = c.get("model_type")
    if mt not in SUPPORTED:
        sys.exit(f"export-hf-decoder: model_type {mt!r} is not supported (supported: {', '.join(sorted(SUPPORTED))})")
    c.setdefault("num_key_value_heads", c["num_attention_heads"])
    c["head_dim"] = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    if c.get("sliding_window") and c.get("use_sliding_window"):
        print("export-hf-decoder: note: the sliding-window attention of this config is not reproduced (full attention)")
    qkv_bias = mt == "qwen2" or bool(c.get("attention_bias"))
    model = Decoder(c, qkv_bias=qkv_bias, qk_norm=mt == "qwen3")
    w = load_weights(src)
    sd = {}
    for k, v in w.items():
        k2 = k[len("model."):] if k.startswith("model.") else k
        k2 = k2.replace("self_attn.", "").replace("mlp.", "")
        sd[k2] = v
    if model.tied:
        sd.pop("lm_head.weight", None)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    unexpected = [k for k in unexpected if not k.endswith("rotary_emb.inv_freq")]
    if missing or unexpected:
        sys.exit(f"export-hf-decoder: weights do not fit the {mt} layout: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return model.eval(), c


def check_against_transformers(model: Decoder, src: Path, c: dict) -> None:
    try:
        from transformers import AutoModelForCausalLM
    except ImportError:
        print("export-hf-decoder: --check skipped: transformers is not installed")
        return
    ref = AutoModelForCausalLM.from_pretrained(str(src), torch_dtype=torch.float32, attn_implementation="eager").eval()
    ids = torch.randint(0, c["vocab_size"], (1, 24), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = ref(input_ids=ids).logits
        empty = [torch.zeros(1, c["num_key_value_heads"], 0, c["head_dim"]) for _ in range(2 * c["num_hidden_layers"])]
        got = model(ids, torch.ones_like(ids), torch.arange(24).unsqueeze(0), *empty)[0]
    diff = (want - got).abs().max().item()
    print(f"export-hf-decoder: max |logits - transformers logits| = {diff:.2e}")
    if diff > 1e-3:
        sys.exit("export-hf-decoder: the rebuilt decoder does not match transformers; not exporting")


def export(model: Decoder, c: dict, out: Path, opset: int) -> Path:
    n, kvh, hd = c["num_hidden_layers"], c["num_key_value_heads"], c["head_dim"]
    b, s, p = 1, 5, 3
    args = (torch.randint(0, c["vocab_size"], (b, s)), torch.ones(b, p + s, dtype=torch.long),
            torch.arange(p, p + s).unsqueeze(0), *[torch.randn(b, kvh, p, hd) for _ in range(2 * n)])
    ins, outs = ["input_ids", "attention_mask", "position_ids"], ["logits"]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"},
            "last_attention": {0: "batch", 2: "sequence", 3: "total_sequence"}}
    for i in range(n):
        for kv in ("key", "value"):
            ins.append(f"past_key_values.{i}.{kv}")
            outs.append(f"present.{i}.{kv}")
            axes[ins[-1]] = {0: "batch", 2: "past_sequence"}
            axes[outs[-1]] = {0: "batch", 2: "total_sequence"}
    outs.append("last_attention")
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    target = out / "onnx" / "model.onnx"
    kwargs = {}
    if "dynamo" in torch.onnx.export.__code__.co_varnames:
        kwargs["dynamo"] = False  # the TorchScript exporter keeps these names and dynamic axes as given
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(model, args, str(raw), input_names=ins, output_names=outs, dynamic_axes=axes,
                              opset_version=opset, do_constant_folding=True, **kwargs)
        finish(raw, target, tied=model.tied)
    return target


def finish(raw: Path, target: Path, tied: bool) -> None:
    """Store a tied output matrix once (constant folding made a transposed copy) and move big graphs' weights to
    external data (protobuf's 2 GB limit)."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(raw), load_external_data=True)
    if tied:
        emb = next((i for i in m.graph.initializer if i.name.endswith("embed_tokens.weight")), None)
        if emb is not None:
            e = numpy_helper.to_array(emb)
            for init in list(m.graph.initializer):
                if init.name != emb.name and tuple(init.dims) == (e.shape[1], e.shape[0]) and np.array_equal(numpy_helper.to_array(init), e.T):
                    m.graph.initializer.remove(init)
                    m.graph.node.insert(0, helper.make_node("Transpose", [emb.name], [init.name], perm=[1, 0]))
    size = sum(i.ByteSize() for i in m.graph.initializer)
    if size > 1_800_000_000:
        onnx.save_model(m, str(target), save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx_data")
        onnx.checker.check_model(str(target))
    else:
        onnx.checker.check_model(m)
        onnx.save_model(m, str(target))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path, help="local Hugging Face model folder (config.json, weights, tokenizer.json)")
    ap.add_argument("out", type=Path, help="output folder for OnnxCausalLM")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--check", action="store_true", help="compare with transformers' logits first (needs transformers)")
    args = ap.parse_args()
    for f in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        if not (args.src / f).exists():
            sys.exit(f"export-hf-decoder: {args.src / f} not found")
    torch.manual_seed(0)
    model, c = build(args.src)
    print(f"export-hf-decoder: {c['model_type']}, {c['num_hidden_layers']} layers, "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
    if args.check:
        check_against_transformers(model, args.src, c)
    args.out.mkdir(parents=True, exist_ok=True)
    target = export(model, c, args.out, args.opset)
    for f in TOKENIZER_FILES:
        if (args.src / f).exists():
            shutil.copy(args.src / f, args.out / f)
    cfg = json.loads((args.src / "config.json").read_text())
    cfg["sift"] = {"last_attention_output": "last_attention", "exported_by": "scripts/export-hf-decoder.py"}
    (args.out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    print(f"export-hf-decoder: wrote {target} and the tokenizer files to {args.out}")


if __name__ == "__main__":
    main()
