"""Official M2-BERT checkpoint folder → the Hugging Face-layout folder Sift reads.

  /usr/bin/python3 scripts/m2/convert.py --in m2-bert-80M-8k-retrieval/ --out models/m2-bert-8k [--tokenizer tok.json]

Input: `config.json` + `pytorch_model.bin` (a state dict or a Composer checkpoint) or `model.safetensors`, fp32/bf16/fp16.
Output:
  config.json        the input's keys (official names) + torch_dtype float32 + a "sift" block:
                     {cls_token_id, sep_token_id, pad_token_id, mask_padding, tokenizer, pad_to}
  model.safetensors  F32, the same `bert.*` names (MLM/classifier heads dropped, a Composer `model.` prefix
                     stripped, each shared `.freq` alias written under its own name); position_ids as I64
  tokenizer.json     copied from --tokenizer or the input folder; the official repos ship none (they use
                     bert-base-uncased WordPiece), and this script says so instead of inventing one
The ONNX graph (onnx/model.onnx) is then built from this folder by the TypeScript builder in packages/core.
The converted folder is re-loaded here with strict=True and its pooled output compared with the input's.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from m2_model import M2Config, M2ForTextEncoding, load_checkpoint_state, load_model, normalise_official_state  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

BERT_BASE_UNCASED = {"cls_token_id": 101, "sep_token_id": 102, "pad_token_id": 0}


def special_ids(tokenizer_json: Path | None, cfg: dict) -> dict:
    """[CLS]/[SEP]/[PAD] ids from tokenizer.json when there is one, else bert-base-uncased's."""
    if tokenizer_json is None:
        return dict(BERT_BASE_UNCASED, pad_token_id=cfg.get("pad_token_id", 0))
    tok = json.loads(tokenizer_json.read_text())
    vocab = dict(tok.get("model", {}).get("vocab") or {})
    for t in tok.get("added_tokens", []):
        vocab[t["content"]] = t["id"]
    ids = {}
    for key, names in (("cls_token_id", ("[CLS]", "<s>")), ("sep_token_id", ("[SEP]", "</s>")), ("pad_token_id", ("[PAD]", "<pad>"))):
        found = next((vocab[n] for n in names if n in vocab), None)
        if found is None:
            raise SystemExit(f"{tokenizer_json}: no {names[0]} token in the vocabulary")
        ids[key] = found
    return ids


def convert(src: Path, out: Path, tokenizer: Path | None) -> dict:
    cfg_file = src / "config.json"
    if not cfg_file.exists():
        raise SystemExit(f"{cfg_file} is missing (the official repos ship it next to pytorch_model.bin)")
    cfg = json.loads(cfg_file.read_text())
    raw = load_checkpoint_state(src)
    state, dropped = normalise_official_state(raw)
    in_dtypes = sorted({str(v.dtype).replace("torch.", "") for v in state.values() if v.is_floating_point()})
    state = {k: (v.float() if v.is_floating_point() else v) for k, v in state.items()}
    P = cfg.get("max_position_embeddings")
    if "bert.embeddings.position_ids" not in state and P:
        state["bert.embeddings.position_ids"] = torch.arange(P).expand((1, -1)).clone()

    tok_src = tokenizer if tokenizer is not None else (src / "tokenizer.json" if (src / "tokenizer.json").exists() else None)
    sift = {**special_ids(tok_src, cfg), "mask_padding": bool((cfg.get("sift") or {}).get("mask_padding", False)),
            "tokenizer": (cfg.get("sift") or {}).get("tokenizer", "wordpiece"), "pad_to": "max_length"}
    if sift["mask_padding"]:
        sift["pad_to"] = "any"  # padding-invariant (Sift's own models); official ones must pad to max length
    cfg_out = {**cfg, "torch_dtype": "float32", "sift": {**(cfg.get("sift") or {}), **sift}}

    # Check before writing: the model must take these weights with strict=True.
    model = M2ForTextEncoding(M2Config(**cfg_out))
    model.load_state_dict(state, strict=True)

    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg_out, indent=2) + "\n")
    write_safetensors(out / "model.safetensors", state, {"format": "pt", "source": f"scripts/m2/convert.py from {src.name}"})
    notes = []
    if tok_src is not None:
        shutil.copyfile(tok_src, out / "tokenizer.json")
        tc = tok_src.parent / "tokenizer_config.json"
        if tc.exists():
            shutil.copyfile(tc, out / "tokenizer_config.json")
    else:
        notes.append("tokenizer.json is MISSING: the official M2 repos use bert-base-uncased WordPiece (vocab 30522, "
                     "[CLS]=101 [SEP]=102 [PAD]=0) and ship no tokenizer; put bert-base-uncased's tokenizer.json into "
                     f"{out}/ (or rerun with --tokenizer) before Sift can embed text with it")

    # Round trip: the written folder gives the same pooled vector as the input weights.
    reloaded = load_model(out)
    ids = torch.randint(1, cfg_out["vocab_size"], (1, min(128, P or 128)), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        diff = float((reloaded(ids)[1] - model.eval()(ids)[1]).abs().max())
    return {"input_dtypes": in_dtypes, "tensors": len(state), "dropped": dropped, "special_ids": sift,
            "roundtrip_pooled_max_abs_diff": diff, "notes": notes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--in", dest="src", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, help="a tokenizer.json to copy (bert-base-uncased for the official models)")
    a = ap.parse_args()
    report = convert(a.src, a.out, a.tokenizer)
    for n in report.pop("notes"):
        print("NOTE:", n, file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
