"""Minimal safetensors reader/writer (F32, F16, BF16, I64), because Debian packages no `safetensors` module.

Format: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw
little-endian bytes of every tensor.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import torch

_TO_NAME = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.float64: "F64"}
_FROM_NAME = {v: k for k, v in _TO_NAME.items()}


def write_safetensors(path: Path | str, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    """Writes each tensor under its own name (shared storages are copied, so aliases get one entry each)."""
    header: dict[str, object] = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs: list[bytes] = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _TO_NAME:
            raise ValueError(f"{name}: dtype {t.dtype} is not supported")
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().tobytes()
        else:
            raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _TO_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def read_safetensors(path: Path | str) -> dict[str, torch.Tensor]:
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out: dict[str, torch.Tensor] = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        raw = data[base + a : base + b]
        dt = _FROM_NAME.get(e["dtype"])
        if dt is None:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {e['dtype']}")
        if dt == torch.bfloat16:
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        else:
            np_dt = {torch.float32: "<f4", torch.float16: "<f2", torch.int64: "<i8", torch.float64: "<f8"}[dt]
            t = torch.from_numpy(np.frombuffer(raw, dtype=np_dt).copy())
        out[name] = t.reshape(e["shape"])
    return out
