#!/usr/bin/python3
"""Train sift-m2-mini: a small M2-BERT retrieval encoder (official checkpoint layout, scripts/m2/m2_model.py).

Stages:
  train   contrastive training (in-batch negatives, cosine, scale 20) on three kinds of pairs per step:
          (a) 2wiki title → passage text ([CLS] pooled both sides),
          (b) 2wiki title → that passage's span inside a document of several passages (late chunking:
              tanh(pooler(mean of the span's token states))),
          (c) SOTU / Moby-Dick sentence → the ~256-token window that contains it,
          (d) such a sentence → its window's span in one pass over consecutive windows of a long document (late),
          (e) the same with the sentence cut out of the document first (the span matches it by context only).
          Time-boxed (--minutes or --until HH:MM UTC), checkpoints every few minutes, resumable.
  eval    held-out retrieval: title → passage recall@1 / MRR over 600 held-out 2wiki passages, whole-passage and
          late-chunked, against BM25 and the untrained (random-init) model.
  export  official-layout checkpoint (config.json + pytorch_model.bin) → scripts/m2/convert.py → this folder
          (config.json, model.safetensors, tokenizer.json, tokenizer_config.json), reference.json, training.json.

  nohup nice -n 15 /usr/bin/python3 models/sift-m2-mini/train.py train --until 08:05 > /tmp/m2py-train.log 2>&1 &
Never run in CI or tests.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "scripts/m2"))
import data as D  # noqa: E402
from m2_model import M2Config, M2ForTextEncoding  # noqa: E402

WORK = HERE / ".work"
MAX_LEN = 8192
SCALE = 20.0


def model_config(tok: D.Tokenizer) -> dict:
    return dict(vocab_size=tok.vocab_size, hidden_size=192, num_hidden_layers=4, intermediate_size=768,
                monarch_mlp_nblocks=4, hyena_filter_order=64, hyena_emb_dim=5, max_position_embeddings=MAX_LEN,
                long_conv_l_max=MAX_LEN, hidden_dropout_prob=0.0, pad_token_id=tok.pad_id,
                sift={"cls_token_id": tok.cls_id, "sep_token_id": tok.sep_id, "pad_token_id": tok.pad_id,
                      "mask_padding": True, "pooling": "mean", "tokenizer": "byte-bpe", "pad_to": "any"})


def lm_mini_embeddings(d: int) -> torch.Tensor:
    """sift-lm-mini's trained token embeddings (4096×256, same BPE), reduced to d dimensions by PCA: the
    contrastive run is too short on CPU to learn token meanings from scratch."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(str(D.LM_MINI / "onnx/model.onnx")).graph
    e = next(numpy_helper.to_array(t) for t in g.initializer if t.name == "model.embed.weight").astype(np.float64)
    c = e - e.mean(0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    z = c @ vt[:d].T
    return torch.tensor(z / z.std() * 0.02, dtype=torch.float32)


def new_model(tok: D.Tokenizer, seed: int, warm_start: bool = True) -> M2ForTextEncoding:
    torch.manual_seed(seed)
    m = M2ForTextEncoding(M2Config(**model_config(tok)))
    with torch.no_grad():
        m.bert.embeddings.word_embeddings.weight.normal_(0, 0.02)
        if warm_start:
            m.bert.embeddings.word_embeddings.weight[: tok.bpe.vocab_size] = lm_mini_embeddings(m.config.hidden_size)
        # Zero positions and token types: positions past the longest training sequence stay 0 (harmless) instead of noise.
        m.bert.embeddings.position_embeddings.weight.zero_()
        m.bert.embeddings.token_type_embeddings.weight.zero_()
        # Each layer starts as a per-token map: the long filters' last layer at 0 and their skip weight 1 (upstream:
        # randn). With upstream's init the random long convolutions sum over the whole text and drown the tokens: the
        # contrastive loss sat at chance for 100+ steps; at 0.01 x upstream, 2k-token documents were still smeared
        # (late-chunking title -> span recall@1 at init 0.17 vs 0.42 at 0; measured, see the model card).
        for n, p in m.named_parameters():
            if n.endswith(("filter_fn.bias", "filter_fn2.bias")):
                p.fill_(1.0)
            if n.endswith(("implicit_filter.6.weight", "implicit_filter_rev.6.weight")):
                p.zero_()
    return m


# ------------------------------------------------------------------------------------------------ batching
def pad_batch(seqs: list[list[int]], pad: int):
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def embed_text(model, seqs, pad):
    ids, mask = pad_batch(seqs, pad)
    return model(ids, mask)[1]


def embed_spans(model, doc_ids: list[int], spans, pad):
    ids, mask = pad_batch([doc_ids], pad)
    h = model(ids, mask)[0][0]
    means = torch.stack([h[a:b].mean(0) for a, b in spans])
    return torch.tanh(model.bert.pooler.dense(means))


def info_nce(q, d, groups=None):
    """Symmetric InfoNCE with in-batch negatives. With `groups` (one id per pair), pairs of the same group are not
    negatives of each other: they are other windows of the same document, which document-level retrieval must not
    push apart."""
    q, d = F.normalize(q, dim=-1), F.normalize(d, dim=-1)
    logits = SCALE * q @ d.T
    target = torch.arange(len(q))
    if groups is not None:
        g = torch.tensor(groups)
        same = (g[:, None] == g[None, :]) & ~torch.eye(len(g), dtype=torch.bool)
        logits = logits.masked_fill(same, float("-inf"))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


class Sampler:
    def __init__(self, src, tok, seed):
        self.tok, self.rng = tok, random.Random(seed)
        self.wiki = src["wiki_train"]
        cache = WORK / "windows.json"
        if not cache.exists():
            cache.write_text(json.dumps([w for w in D.windows(src["long_train"], tok, 256) if w[1]]))
        self.win = json.loads(cache.read_text())
        cache = WORK / "windows-by-doc.json"
        if not cache.exists():
            cache.write_text(json.dumps([D.windows_of(t, tok, 256) for t in src["long_train"]]))
        self.docs = [d for d in json.loads(cache.read_text()) if len(d) >= 4]

    def pairs(self, n):
        ps = self.rng.sample(self.wiki, n)
        return [self.tok.encode(p["title"], 64) for p in ps], [self.tok.encode(p["text"], 192) for p in ps]

    def late(self, n):
        ps = self.rng.sample(self.wiki, n)
        ids, spans, titles = D.late_chunk_doc(ps, self.tok, 2048, 200)
        return ids, spans, [self.tok.encode(t, 64) for t in titles]

    def late_windows(self, n_docs, max_len, cut=False):
        """Sentences of n_docs long training texts ↔ their windows' spans in one pass over consecutive windows. With
        `cut`, each query sentence is cut out of its window before the pass (loss e): the span can only match it by
        what surrounds it, in the window and, through the pass, in the rest of the document."""
        qs, docs, groups = [], [], []
        for g, wins in enumerate(self.rng.sample(self.docs, n_docs)):
            stretch = wins[self.rng.randrange(max(1, len(wins) - 4)):]
            chosen = [self.rng.choice(ss) if ss else None for _, ss in stretch]
            if cut:
                stretch = [(w.replace(q, " ", 1) if q else w, ss) for (w, ss), q in zip(stretch, chosen)]
            ids, spans, _ = D.late_window_doc(stretch, self.tok, max_len, 0)
            keep = [i for i in range(len(spans)) if chosen[i]]
            if not keep:  # no window of this stretch holds a usable sentence
                continue
            docs.append((ids, [spans[i] for i in keep]))
            qs += [self.tok.encode(chosen[i], 96) for i in keep]
            groups += [g] * len(keep)
        return qs, docs, groups

    def windows(self, n):
        ws = self.rng.sample(self.win, n)
        return [self.tok.encode(self.rng.choice(s), 96) for _, s in ws], [self.tok.encode(w, 320) for w, _ in ws]


# ------------------------------------------------------------------------------------------------ stages
def stage_train(a) -> None:
    tok = D.Tokenizer()
    src = D.load_sources()
    WORK.mkdir(exist_ok=True)
    ck = WORK / "train.pt"
    model = new_model(tok, 1234)
    if a.init:
        # Continue from exported weights (the official-layout model.safetensors that `export` writes).
        sys.path.insert(0, str(HERE.parents[1] / "scripts/m2"))
        from safetensors_io import read_safetensors

        model.load_state_dict(read_safetensors(a.init))
        print(f"initialised from {a.init}", flush=True)
    weights = [float(x) for x in a.weights.split(",")]
    weights += [0.0] * (5 - len(weights))
    # The long-filter MLPs train at a tenth of the rate (their gradients are 10-100x the rest; at the full rate the
    # filters blow up within 20 steps), as upstream gives them their own small rate.
    groups: dict = {}
    for n, p in model.named_parameters():
        key = ("decay" if p.dim() >= 2 and "embeddings" not in n and "pos_emb" not in n else "other", "filter_fn" in n)
        groups.setdefault(key, []).append(p)
    opt = torch.optim.AdamW([{"params": ps, "weight_decay": 0.01 if k[0] == "decay" else 0.0, "lr_mult": a.filter_lr_mult if k[1] else 1.0}
                             for k, ps in groups.items()], lr=a.lr, betas=(0.9, 0.98), eps=1e-8)
    state = {"step": 0, "seconds": 0.0, "tokens": 0, "history": [], "command": " ".join(["train.py", *sys.argv[1:]]), "init": a.init}
    if ck.exists() and not a.fresh:
        saved = torch.load(ck)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        print(f"resumed at step {state['step']}", flush=True)
    deadline = time.time() + a.minutes * 60
    if a.until:
        hh, mm = map(int, a.until.split(":"))
        now = dt.datetime.now(dt.timezone.utc)
        end = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
        deadline = end.timestamp()
    sampler = Sampler(src, tok, seed=state["step"] + 1)
    # One thread per core the run really gets: with more threads than free cores, OpenMP's spin-waiting made steps
    # several times slower on the shared machine.
    torch.set_num_threads(a.threads)
    model.train()
    t_start, last_save, ema = time.time(), time.time(), None
    while time.time() < deadline:
        t0 = time.time()
        # The CPU share changes a lot over a run on a shared machine, so no wall-time cosine: warm-up, constant,
        # then a linear decay to 10 % over the last --decay-minutes before the deadline.
        left = (deadline - t0) / 60
        lr = a.lr * min(1.0, (state["step"] + 1) / 10) * (1.0 if left > a.decay_minutes else 0.1 + 0.9 * left / a.decay_minutes)
        for g in opt.param_groups:
            g["lr"] = lr * g["lr_mult"]
        # Each loss only when weighted (a step costs seconds on CPU).
        zero = torch.zeros(())
        loss_a = loss_b = loss_c = zero
        q = d = titles = q2 = w2 = doc = []
        if weights[0]:
            q, d = sampler.pairs(a.batch)
            loss_a = info_nce(embed_text(model, q, tok.pad_id), embed_text(model, d, tok.pad_id))
        if weights[1]:
            doc, spans, titles = sampler.late(a.late)
            loss_b = info_nce(embed_text(model, titles, tok.pad_id), embed_spans(model, doc, spans, tok.pad_id))
        if weights[2]:
            q2, w2 = sampler.windows(a.windows)
            loss_c = info_nce(embed_text(model, q2, tok.pad_id), embed_text(model, w2, tok.pad_id))
        loss = weights[0] * loss_a + weights[1] * loss_b + weights[2] * loss_c
        losses_de = [torch.zeros(()), torch.zeros(())]
        qd = []
        for k, cut in ((0, False), (1, True)):
            if not (a.late_docs and weights[3 + k]):
                continue
            qk, docs_k, groups = sampler.late_windows(a.late_docs, sampler.rng.choice(a.late_lengths), cut=cut)
            if not qk:
                continue
            spans_k = torch.cat([embed_spans(model, ids, spans, tok.pad_id) for ids, spans in docs_k])
            losses_de[k] = info_nce(embed_text(model, qk, tok.pad_id), spans_k, groups)
            loss = loss + weights[3 + k] * losses_de[k]
            state["tokens"] += sum(len(ids) for ids, _ in docs_k)
            qd += qk
        loss_d, loss_e = losses_de
        opt.zero_grad()
        loss.backward()
        # A high ceiling, for spikes only: gradient norms of 100-400 are normal here, and clipping them to 1 shrinks
        # most gradients below Adam's epsilon (what kept the first runs at chance).
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        state["step"] += 1
        state["tokens"] += sum(map(len, q + d + titles + q2 + w2 + qd)) + len(doc)
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        if state["step"] % a.log_every == 0:
            el = state["seconds"] + time.time() - t_start
            row = {"step": state["step"], "loss": round(ema, 4), "a": round(loss_a.item(), 3), "b": round(loss_b.item(), 3),
                   "c": round(loss_c.item(), 3), "d": round(loss_d.item(), 3), "e": round(loss_e.item(), 3), "lr": round(lr, 6), "tokens": state["tokens"], "seconds": round(el)}
            state["history"].append(row)
            print(json.dumps(row), f"{time.time() - t0:.1f}s/step", flush=True)
        if time.time() - last_save > 300:
            save(ck, model, opt, state, time.time() - t_start)
            state["seconds"] += time.time() - t_start
            t_start, last_save = time.time(), time.time()
    save(ck, model, opt, state, time.time() - t_start)
    print("done", state["step"], "steps", flush=True)


def save(path, model, opt, state, extra_seconds):
    s = dict(state, seconds=state["seconds"] + extra_seconds)
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": s}, str(path) + ".tmp")
    Path(str(path) + ".tmp").replace(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="stage", required=True)
    t = sub.add_parser("train")
    t.add_argument("--minutes", type=float, default=60)
    t.add_argument("--until", help="HH:MM UTC deadline (overrides --minutes)")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--filter-lr-mult", type=float, default=0.1)
    t.add_argument("--clip", type=float, default=1000.0)
    t.add_argument("--batch", type=int, default=24)
    t.add_argument("--late", type=int, default=12)
    t.add_argument("--windows", type=int, default=8)
    t.add_argument("--decay-minutes", type=float, default=8)
    t.add_argument("--weights", default="1,2,1,0,0",
                   help="loss weights a,b,c,d,e (d: sentence -> its window's span in a long document; e: the same with the sentence cut out of the document)")
    t.add_argument("--late-docs", type=int, default=0, help="long documents per step for each of losses d and e")
    t.add_argument("--late-lengths", type=lambda v: [int(x) for x in v.split(",")], default=[1024, 1536, 2048],
                   help="token lengths a loss-d document is cut to (one drawn per step)")
    t.add_argument("--log-every", type=int, default=10)
    t.add_argument("--threads", type=int, default=2)
    t.add_argument("--init", help="start from these weights (model.safetensors) instead of the initialisation")
    t.add_argument("--fresh", action="store_true")
    e = sub.add_parser("eval")
    e.add_argument("--which", choices=["untrained", "trained"], default="trained")
    e.add_argument("--skip-sotu", action="store_true")
    e.add_argument("--threads", type=int, default=2, help="PyTorch threads (1 on a busy machine: spinning threads slow everything)")
    x = sub.add_parser("export")
    x.add_argument("--out", help="write the model folder here instead of models/sift-m2-mini (e.g. to bench a checkpoint)")
    a = ap.parse_args()
    if a.stage == "train":
        stage_train(a)
    else:
        import evaluate

        evaluate.stage_eval(a) if a.stage == "eval" else evaluate.stage_export(a)


if __name__ == "__main__":
    main()
