"""Random-weight M2-BERT checkpoints in the official layout, and the fixtures the TypeScript tests read.

  /usr/bin/python3 scripts/m2/make_random.py fixtures            # packages/core/src/embed/m2/fixtures/{tiny,tiny-masked,long}
  /usr/bin/python3 scripts/m2/make_random.py checkpoint --size mid-8k --out /tmp/m2-mid-8k [--dtype bf16]

A checkpoint folder is what the official HF repos hold: config.json + pytorch_model.bin (a plain state dict with the
`bert.` names, shared `.freq` tensors included under all six names). Fixture folders instead hold model.safetensors
(F32) + config.json + expected.json with float64 outputs of reference.py, so no Python is needed on the TS side.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # noqa: E402
from m2_model import M2Config, M2ForTextEncoding  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "packages/core/src/embed/m2/fixtures"

SIZES: dict[str, dict] = {
    # Committed TS fixtures: a few hundred KB each.
    "tiny": dict(vocab_size=512, hidden_size=64, num_hidden_layers=2, intermediate_size=128, hyena_filter_order=16,
                 max_position_embeddings=128, long_conv_l_max=128),
    "tiny-masked": dict(vocab_size=256, hidden_size=32, num_hidden_layers=2, intermediate_size=64, hyena_filter_order=16,
                        max_position_embeddings=256, long_conv_l_max=256,
                        sift={"mask_padding": True, "cls_token_id": 1, "sep_token_id": 2, "pad_token_id": 0}),
    "long": dict(vocab_size=64, hidden_size=16, num_hidden_layers=1, intermediate_size=32, hyena_filter_order=8,
                 max_position_embeddings=8192, long_conv_l_max=8192),
    # Bigger checks (not committed).
    "mid-2k": dict(vocab_size=1000, hidden_size=128, num_hidden_layers=2, intermediate_size=256, hyena_filter_order=32,
                   max_position_embeddings=2048, long_conv_l_max=2048),
    "mid-8k": dict(vocab_size=1000, hidden_size=128, num_hidden_layers=2, intermediate_size=256, hyena_filter_order=32,
                   max_position_embeddings=8192, long_conv_l_max=8192),
    "official-80m-2k": dict(max_position_embeddings=2048, long_conv_l_max=2048),
}


def random_model(overrides: dict, seed: int) -> M2ForTextEncoding:
    """Weights with O(1) activations everywhere; z, freq, LayerNorms and deltas perturbed so that a reader must take
    them from the file rather than recompute their initial values."""
    torch.manual_seed(seed)
    model = M2ForTextEncoding(M2Config(**overrides))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name or "layernorm" in name:
                p.add_(0.1 * torch.randn_like(p))
            elif name.endswith("pos_emb.z"):
                p.add_(0.01 * torch.randn_like(p))
            elif name.endswith(".freq"):
                p.copy_(10 + torch.randn_like(p))
            elif "embeddings" in name:
                p.normal_(0, 1)
        for name, b in model.named_buffers():
            if name.endswith("modulation.deltas"):
                b.mul_(1 + 0.1 * torch.rand_like(b))
    return model.eval()


def official_state(model: M2ForTextEncoding, dtype=torch.float32) -> dict:
    return {k: (v.to(dtype) if v.is_floating_point() else v).clone() for k, v in model.state_dict().items()}


def write_checkpoint(model: M2ForTextEncoding, out: Path, dtype=torch.float32) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cfg = model.config.to_dict()
    cfg["torch_dtype"] = {torch.float32: "float32", torch.bfloat16: "bfloat16"}[dtype]
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    # Keep the official aliasing: one tensor object under the six .freq names (torch.save stores it once).
    state = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    torch.save(state, out / "pytorch_model.bin")


def _round(a: np.ndarray, digits: int = 8):
    return np.round(np.asarray(a, dtype=np.float64), digits).tolist()


def fixture_case(state, cfg, name, ids, mask, hidden_positions=None, keep_filters=False) -> dict:
    ref = reference.forward(state, cfg, ids, mask, keep_filters=keep_filters)
    L = len(ids)
    pos = list(range(L)) if hidden_positions is None else hidden_positions
    case = {
        "name": name, "L": L, "mask_padding": bool((cfg.get("sift") or {}).get("mask_padding", False)),
        "input_ids": [int(i) for i in ids], "attention_mask": [int(m) for m in mask],
        "pooled": _round(ref["pooled"]), "hidden_positions": pos, "last_hidden": _round(ref["last_hidden"][pos]),
    }
    if keep_filters:
        # channels 0..7 only (enough to debug a filter/FFT mismatch; keeps the fixture small)
        case["filters_layer0"] = {k: _round(v[:8]) for k, v in ref["filters_layer0"].items()}
    return case


def write_fixture(size: str, seed: int) -> None:
    model = random_model(SIZES[size], seed)
    cfg = model.config.to_dict()
    state = official_state(model)
    out = FIXTURES / size
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    write_safetensors(out / "model.safetensors", state, {"format": "pt", "source": f"scripts/m2/make_random.py seed {seed}"})
    rng = np.random.default_rng(seed)
    V = cfg["vocab_size"]
    cases = []
    if size == "tiny":
        L = 128
        for n_real, label in ((128, "full"), (37, "short-padded-to-max")):
            ids = np.zeros(L, dtype=np.int64)  # official padding: [PAD] = 0 up to max length
            ids[:n_real] = rng.integers(1, V, n_real)
            ids[0], ids[n_real - 1] = 101 % V, 102 % V
            mask = (np.arange(L) < n_real).astype(int)
            cases.append(fixture_case(state, cfg, label, ids, mask, keep_filters=(label == "full")))
    elif size == "tiny-masked":
        base = rng.integers(3, V, 40)
        base[0], base[-1] = 1, 2
        for L in (40, 64, 256):
            ids = np.zeros(L, dtype=np.int64)
            ids[:40] = base
            mask = (np.arange(L) < 40).astype(int)
            cases.append(fixture_case(state, cfg, f"40-real-of-{L}", ids, mask, hidden_positions=list(range(40))))
    elif size == "long":
        for L in (128, 2048, 8192):
            ids = rng.integers(1, V, L)
            pos = sorted({0, 1, 2, L // 2, L - 2, L - 1})
            cases.append(fixture_case(state, cfg, f"L{L}", ids, np.ones(L, dtype=int), hidden_positions=pos))
    expected = {"float64_reference": "scripts/m2/reference.py (direct convolution)", "seed": seed, "size": size, "cases": cases}
    (out / "expected.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")
    kb = sum(f.stat().st_size for f in out.iterdir()) / 1024
    print(f"{out.relative_to(REPO)}: {len(cases)} cases, {kb:.0f} KB")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fixtures")
    f.add_argument("--only", nargs="*", default=["tiny", "tiny-masked", "long"])
    c = sub.add_parser("checkpoint")
    c.add_argument("--size", choices=sorted(SIZES), required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    c.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    t0 = time.time()
    if a.cmd == "fixtures":
        for i, s in enumerate(a.only):
            write_fixture(s, seed=100 + i)
    else:
        model = random_model(SIZES[a.size], a.seed)
        write_checkpoint(model, a.out, torch.bfloat16 if a.dtype == "bf16" else torch.float32)
        print(f"wrote {a.out} ({sum(p.numel() for p in model.parameters()):,} parameters)")
    print(f"{time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
