"""Held-out evaluation and export of sift-m2-mini (stages `eval` and `export` of train.py)."""
from __future__ import annotations

import json
import math
import platform
import random
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import data as D
import train as T

WORDS = re.compile(r"\w+")


class BM25:
    def __init__(self, docs: list[str], k1=1.2, b=0.75):
        self.tf = [Counter(WORDS.findall(d.lower())) for d in docs]
        self.len = np.array([sum(c.values()) for c in self.tf], dtype=float)
        self.avg = self.len.mean()
        df = Counter(w for c in self.tf for w in c)
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def scores(self, q: str) -> np.ndarray:
        s = np.zeros(len(self.tf))
        for w in set(WORDS.findall(q.lower())):
            if w not in self.idf:
                continue
            f = np.array([c.get(w, 0) for c in self.tf], dtype=float)
            s += self.idf[w] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.len / self.avg))
        return s


def rank_metrics(S: np.ndarray, gold: list[int]) -> dict:
    """S: queries × docs scores; gold[i] the right doc of query i."""
    ranks = np.array([int((S[i] > S[i, g]).sum()) + 1 for i, g in enumerate(gold)])
    return {"recall@1": round(float((ranks == 1).mean()), 4), "recall@5": round(float((ranks <= 5).mean()), 4),
            "mrr": round(float((1 / ranks).mean()), 4), "queries": len(gold), "candidates": S.shape[1]}


@torch.no_grad()
def cls_vectors(model, tok, texts, max_len, batch=16):
    out = []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for k in range(0, len(order), batch):
        idx = order[k : k + batch]
        out.append((idx, T.embed_text(model, [tok.encode(texts[i], max_len) for i in idx], tok.pad_id)))
    vecs = torch.zeros(len(texts), out[0][1].shape[1])
    for idx, v in out:
        vecs[idx] = v
    return F.normalize(vecs, dim=-1).numpy()


@torch.no_grad()
def late_vectors(model, tok, ids, spans):
    return F.normalize(T.embed_spans(model, ids, spans, tok.pad_id), dim=-1).numpy()


def load_trained(tok, untrained=False):
    model = T.new_model(tok, 1234, warm_start=untrained)  # "untrained" = the starting point of training
    if not untrained:
        model.load_state_dict(torch.load(T.WORK / "train.pt")["model"])
    return model.eval()


def wiki_eval(model, tok, held) -> dict:
    titles, texts = [p["title"] for p in held], [p["text"] for p in held]
    q = cls_vectors(model, tok, titles, 64)
    res = {"whole_passage": rank_metrics(q @ cls_vectors(model, tok, texts, 512).T, list(range(len(held))))}
    # Late chunking: documents of 8 held-out passages; every passage is a span; candidates = all 600 spans.
    spans_vec, gold, q_idx = [], [], []
    for k in range(0, len(held), 8):
        group = held[k : k + 8]
        ids, spans, _ = D.late_chunk_doc(group, tok, T.MAX_LEN, 512)
        spans_vec.append(late_vectors(model, tok, ids, spans))
        for j in range(len(spans)):
            q_idx.append(k + j)
            gold.append(len(gold))
    res["late_chunked_8_per_doc"] = rank_metrics(q[q_idx] @ np.concatenate(spans_vec).T, gold)
    return res


def bm25_wiki(held) -> dict:
    bm = BM25([p["text"] for p in held])
    S = np.stack([bm.scores(p["title"]) for p in held])
    return rank_metrics(S, list(range(len(held))))


def sotu_eval(model, tok, n_per_doc=5, seed=7) -> dict:
    """Held-out SOTU 2012–2021: a sentence → which of the 10 speeches (whole speech, truncated to 8192 tokens)."""
    names = D.load_sources()["heldout_names"]["sotu"]
    docs = [(D.SOTU / f"{n}.txt").read_text("utf-8") for n in names]
    rng = random.Random(seed)
    queries, gold = [], []
    for i, d in enumerate(docs):
        for s in rng.sample([s for s in D.sentences(d) if 60 <= len(s) <= 300], n_per_doc):
            queries.append(s)
            gold.append(i)
    qv = cls_vectors(model, tok, queries, 96)
    dv = cls_vectors(model, tok, docs, T.MAX_LEN, batch=1)
    bm = BM25(docs)
    return {"m2_whole_doc": rank_metrics(qv @ dv.T, gold),
            "bm25": rank_metrics(np.stack([bm.scores(q) for q in queries]), gold),
            "doc_tokens": [min(len(tok.pieces(d)) + 2, T.MAX_LEN) for d in docs]}


def stage_eval(a) -> None:
    """--which untrained|trained; each writes .work/eval-<which>.json (bm25 goes with 'trained')."""
    tok = D.Tokenizer()
    src = D.load_sources()
    torch.set_num_threads(a.threads)
    model = load_trained(tok, a.which == "untrained")
    out = {"wiki_title_to_passage": wiki_eval(model, tok, src["wiki_held"])}
    if a.which == "trained":
        out["bm25_wiki_title_to_passage"] = bm25_wiki(src["wiki_held"])
    dest = T.WORK / f"eval-{a.which}.json"
    dest.write_text(json.dumps(out, indent=2) + "\n")  # the long-document part is slow on a busy machine
    print(a.which, json.dumps(out), flush=True)
    if not a.skip_sotu:
        out["sotu_heldout"] = sotu_eval(model, tok)
        dest.write_text(json.dumps(out, indent=2) + "\n")
        print(a.which, json.dumps(out["sotu_heldout"]), flush=True)


REF_TEXTS = ["Call me Ishmael.", "The State of the Union is strong.",
             "Teutberga (died 11 November 875) was a queen of Lotharingia.",
             "naïve café — 東京 🙂 tabs\tand  double  spaces", ""]


@torch.no_grad()
def stage_export(a) -> None:
    sys.path.insert(0, str(T.HERE.parents[1] / "scripts/m2"))
    import convert
    import reference
    from make_random import write_checkpoint

    tok = D.Tokenizer()
    model = load_trained(tok)
    ck = T.WORK / "official"
    write_checkpoint(model, ck)  # config.json + pytorch_model.bin, the official layout
    tok.save(ck, T.MAX_LEN)
    out = Path(a.out) if a.out else T.HERE
    out.mkdir(parents=True, exist_ok=True)
    report = convert.convert(ck, out, ck / "tokenizer.json")
    cases = []
    for t in REF_TEXTS:
        ids = tok.encode(t, T.MAX_LEN)
        h, p = model(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))
        cases.append({"text": t, "input_ids": ids, "pooled": [round(float(x), 7) for x in p[0]]})
    # Same text padded to 64 with the mask: identical vector (mask_padding), and the float64 direct reference.
    ids = tok.encode(REF_TEXTS[0], 64)
    padded = ids + [tok.pad_id] * (64 - len(ids))
    mask = [1] * len(ids) + [0] * (64 - len(ids))
    p_pad = model(torch.tensor([padded]), torch.tensor([mask]))[1][0]
    state64 = {k: (v.double() if v.is_floating_point() else v) for k, v in model.state_dict().items()}
    ref = reference.forward(state64, model.config.to_dict(), padded, mask)
    held = D.load_sources()["wiki_held"][:4]
    doc_ids, spans, _ = D.late_chunk_doc(held, tok, T.MAX_LEN, 512)
    late = T.embed_spans(model, doc_ids, spans, tok.pad_id)
    refjson = {
        "note": "PyTorch fp32 outputs of sift-m2-mini; input_ids include [CLS]/[SEP]; pooled = tanh(dense(mean of the real tokens' states)) (sift.pooling \"mean\")",
        "cases": cases,
        "padded": {"input_ids": padded, "attention_mask": mask, "pooled": [round(float(x), 7) for x in p_pad],
                   "float64_reference_pooled": [round(float(x), 9) for x in ref["pooled"]],
                   "max_abs_diff_unpadded_vs_padded": float((p_pad - model(torch.tensor([ids]))[1][0]).abs().max())},
        "late_chunking": {"text": "\n\n".join(p["text"] for p in held), "input_ids": doc_ids, "spans": spans,
                          "span_vectors": [[round(float(x), 7) for x in v] for v in late]},
    }
    (out / "reference.json").write_text(json.dumps(refjson) + "\n")
    saved = torch.load(T.WORK / "train.pt")["state"]
    ev = {w: json.loads((T.WORK / f"eval-{w}.json").read_text()) for w in ("untrained", "trained")
          if (T.WORK / f"eval-{w}.json").exists()}
    # A run that continued from exported weights (`train --init`) keeps the record of the run that made them.
    previous = None
    if saved.get("init") and (out / "training.json").exists():
        previous = json.loads((out / "training.json").read_text())
        if previous.get("command") == saved.get("command") and previous.get("steps") == saved["step"]:
            # This run was exported before (e.g. again after `eval`): keep the record it was initialised from.
            previous = (previous.get("initialised_from") or {}).get("that_run")
        else:
            previous.pop("history", None)
    first = "setsid bash -c 'echo -10 > /proc/self/autogroup; exec /usr/bin/python3 models/sift-m2-mini/train.py train --until 11:15 --fresh'; train.py eval --which untrained; train.py eval --which trained; train.py export"
    training = {"command": saved.get("command", first),
                **({"initialised_from": {"weights": saved["init"], "that_run": previous}} if previous else {}),
                "steps": saved["step"], "tokens": saved["tokens"], "seconds": round(saved["seconds"]),
                "hardware": f"{platform.machine()} CPU, 2 cores shared with other work (builds, tests, benchmarks), PyTorch {torch.__version__}",
                "config": T.model_config(tok), "parameters": sum(p.numel() for p in model.parameters()),
                "convert": {k: v for k, v in report.items() if k != "dropped"}, "eval": ev, "history": saved["history"]}
    (out / "training.json").write_text(json.dumps(training, indent=2) + "\n")
    print(json.dumps({k: training[k] for k in ("steps", "tokens", "seconds", "parameters")}))
