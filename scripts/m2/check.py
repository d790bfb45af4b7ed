"""Numerics of the Python side, printed as one table:

  torch model (FFT long convolution, float32 and float64) vs reference.py (float64, direct convolution)
  at L = 128 / 2048 / 8192 on random weights; padding invariance of `sift.mask_padding` models;
  strict loading of an official-layout pytorch_model.bin (fp32 and bf16) written by make_random.py.

  nice -n 15 /usr/bin/python3 scripts/m2/check.py [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # noqa: E402
from m2_model import load_model  # noqa: E402
from make_random import SIZES, official_state, random_model, write_checkpoint  # noqa: E402


def compare(size: str, L: int, seed: int = 3) -> dict:
    model = random_model(SIZES[size], seed)
    cfg = model.config.to_dict()
    st64 = official_state(model, torch.float64)
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1, cfg["vocab_size"], (1, L), generator=g)
    t0 = time.time()
    ref = reference.forward(st64, cfg, ids[0].numpy())
    t_ref = time.time() - t0
    row = {"size": size, "L": L, "d": cfg["hidden_size"], "layers": cfg["num_hidden_layers"], "ref_s": round(t_ref, 1)}
    for dt, label in ((torch.float32, "fp32"), (torch.float64, "fp64")):
        m = model.to(dt)
        with torch.no_grad():
            h, p = m(ids)
        row[f"{label}_hidden"] = float(np.abs(h[0].double().numpy() - ref["last_hidden"]).max())
        row[f"{label}_pooled"] = float(np.abs(p[0].double().numpy() - ref["pooled"]).max())
    return row


def padding_invariance() -> dict:
    model = random_model(SIZES["tiny-masked"], 5).double()
    ids = torch.randint(3, 256, (1, 256))
    mask = torch.zeros(1, 256, dtype=torch.long)
    mask[:, :40] = 1
    with torch.no_grad():
        h_full, p_full = model(ids, mask)
        h_short, p_short = model(ids[:, :40], mask[:, :40])
    return {"pad_invariance_hidden": float((h_full[0, :40] - h_short[0]).abs().max()),
            "pad_invariance_pooled": float((p_full - p_short).abs().max())}


def strict_load() -> dict:
    out = {}
    ids = torch.randint(1, 512, (1, 128))
    for dt in ("fp32", "bf16"):
        model = random_model(SIZES["tiny"], 9)
        if dt == "bf16":  # the expected model is the one whose weights went through bf16
            with torch.no_grad():
                for p in model.parameters():
                    p.copy_(p.to(torch.bfloat16).float())
                for b in model.buffers():
                    if b.is_floating_point():
                        b.copy_(b.to(torch.bfloat16).float())
        with torch.no_grad():
            _, p0 = model(ids)
        with tempfile.TemporaryDirectory() as tmp:
            write_checkpoint(model, Path(tmp), torch.bfloat16 if dt == "bf16" else torch.float32)
            loaded = load_model(tmp)  # strict=True inside
            with torch.no_grad():
                _, p1 = loaded(ids)
            out[f"strict_load_{dt}_pooled_diff"] = float((p1 - p0).abs().max())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", type=Path)
    ap.add_argument("--skip-8k", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    rows = [compare("tiny", 128), compare("mid-2k", 128), compare("mid-2k", 2048)]
    if not a.skip_8k:
        rows.append(compare("mid-8k", 8192))
    print("| model | d | layers | L | fp32 hidden | fp32 pooled | fp64 hidden | fp64 pooled | ref s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['d']} | {r['layers']} | {r['L']} | {r['fp32_hidden']:.2e} | {r['fp32_pooled']:.2e} | "
              f"{r['fp64_hidden']:.2e} | {r['fp64_pooled']:.2e} | {r['ref_s']} |")
    extra = {**padding_invariance(), **strict_load()}
    for k, v in extra.items():
        print(f"{k}: {v:.2e}")
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, **extra}, indent=2) + "\n")


if __name__ == "__main__":
    main()
