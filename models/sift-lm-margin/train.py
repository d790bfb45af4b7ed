#!/usr/bin/python3
"""Fine-tune sift-lm-mini into sift-lm-margin: a model that answers Meta-Chunking's margin-sampling prompt.

Margin sampling (IAAR-Shanghai/Meta-Chunking, tools/margin_sampling_chunking.py) asks an instruction-tuned LM
whether to split "A B" (1) or keep it (2) and uses p("2") - p("1") of the next token. sift-lm-mini has never seen
an instruction, so this script teaches it that one prompt, with labels from the paragraph structure of allowed text:

  keep  ("2")  B is the next sentence of the same paragraph (Moby-Dick), passage (2WikiMultihopQA) or speech (SOTU)
  split ("1")  B starts the next paragraph or chapter section (Moby-Dick: 'paragraph'), B is the first sentence of the
               next 2Wiki passage in file order (often a related topic: 'passage') or of a random other passage (a
               different topic: 'topic'), or B is a sentence of another State of the Union address ('address')

A is the current chunk (the sentences since the last split, sometimes reaching back into the previous paragraph,
as it does at inference when a boundary was missed). The prompt is long and repeats A and B, so A keeps only its
last A_TOKENS tokens and B its first B_TOKENS tokens; packages/chunkers/src/meta/margin-prompt.ts truncates the
same way at inference (the numbers are written to config.json under sift.margin).

Never the evaluation sets (HotpotQA, SQuAD, NQ, Choi/Brown, the Paul Graham essays). Held out: the 10 most recent
SOTU addresses (never seen by sift-lm-mini either), the last 10 Moby-Dick chapters and the last 500 2Wiki passages.

  /usr/bin/python3 models/sift-lm-margin/train.py train --minutes 68 --frozen 1 --lr 1e-3 --warmup 30 --eval-every 200 --eval-n 300
  /usr/bin/python3 models/sift-lm-margin/train.py export --heldout 1000          # from the repository root
Stages: `train` (time-boxed, resumable with --resume, checkpoints in .work/), `export` (ONNX, config, reference.json
and training.json with held-out accuracy per source and per kind of boundary, before and after).
Loss: a softmax over the logits of "1" and "2" only (the decision), plus 0.1 x the full-vocabulary cross-entropy so
that p("1") + p("2") stays near 1 (the chunker reads full-vocabulary probabilities).
Needs python3-torch, python3-onnx, python3-regex and libopenblas0-pthread (apt). Never run in CI or tests.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import os
import platform
import random
import shutil
import time
from pathlib import Path

import numpy as np
import regex
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "sift-lm-mini"
WORK = HERE / ".work"
A_TOKENS = 32
B_TOKENS = 24
# Layers below this (and the embedding, tied to the output) stay frozen by default; --frozen changes it (the shipped
# model was trained with --frozen 1, see training.json).
FROZEN_LAYERS = 3

_spec = importlib.util.spec_from_file_location("sift_lm_mini_train", MINI / "train.py")
mini = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mini)

# The reference prompt, byte for byte (the 8-space indents come from the reference's triple-quoted string).
PROMPT_EN = ('This is a text chunking task. You are a text analysis expert. Please choose one of the following two options '
             'based on the logical structure and semantic content of the provided sentence:\n'
             '        1. Split "{ab}" into "{a}" and "{b}" two parts;\n'
             '        2. Keep "{ab}" unsplit in its original form;\n'
             '        Please answer 1 or 2.')
CHATML = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n"


def margin_prompt(a: str, b: str) -> str:
    return CHATML.format(q=PROMPT_EN.format(ab=a + " " + b, a=a, b=b))


# ---------------------------------------------------------------------------------------------------------------
# Sentences and paragraphs (a close approximation of core's splitter: terminal punctuation, optional closers, space)

SENT_END = regex.compile(r"""(?<=[.!?]["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])""")
ABBREV = {"mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "vs.", "no.", "gen.", "col.", "capt.", "lt.", "gov.", "sen.",
          "rep.", "u.s.", "e.g.", "i.e.", "etc.", "inc.", "co.", "mt.", "ft.", "prof.", "rev.", "hon."}


def sentences(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    for m in SENT_END.finditer(text):
        piece = text[pos:m.start()].strip()
        last = piece.rsplit(None, 1)[-1].lower() if piece else ""
        if not piece or last in ABBREV or regex.fullmatch(r"\p{Lu}\.", last, flags=regex.I):
            continue
        out.append(piece)
        pos = m.end()
    tail = text[pos:].strip()
    if tail:
        out.append(tail)
    return out


def load_units(src: dict) -> dict:
    """Per source, train and held-out lists of documents; a document is a list of paragraphs of sentences."""
    def moby_doc(p: Path) -> list[list[str]]:
        paras = [q.strip() for q in regex.split(r"\n\s*\n", p.read_text("utf-8")) if q.strip()]
        return [s for s in (sentences(q.replace("\n", " ")) for q in paras) if s]

    def sotu_doc(p: Path) -> list[list[str]]:
        return [sentences(p.read_text("utf-8").strip())]

    # Per passage: its sentences with the title line in front (A reads it as the chunk's start), and the sentences of
    # the text alone: a split's B is the first of those, as a B with a title and a newline would give the split away.
    wiki = [[sentences(f"{r['title']}\n{r['text']}"), sentences(r["text"])] for r in json.loads(src["wiki"].read_text("utf-8"))]
    wiki = [w for w in wiki if w[0] and w[1]]
    moby = [moby_doc(p) for p in src["moby"]]
    return {
        "sotu": ([sotu_doc(p) for p in src["sotu"]], [sotu_doc(p) for p in src["heldout"]]),
        "moby-dick": (moby[:-10], moby[-10:]),
        # Passages in file order: neighbours were gathered for the same question, so a passage change is often a
        # change between related topics (the hard case).
        "2wiki": (wiki[:-500], wiki[-500:]),
    }


def make_example(rng: random.Random, source: str, docs: list, want_split: bool):
    """Returns (A, B, label, kind): label '1' (split) or '2' (keep); kind names the boundary ('keep', 'topic': B is
    from an unrelated 2Wiki passage, 'passage': B starts the next 2Wiki passage in file order, 'paragraph': B starts
    the next Moby-Dick paragraph, 'address': B is from another SOTU address). None when this draw has no such position."""
    if source == "2wiki":
        # Each doc is one passage; a split pairs passage i's text with the first sentence of another passage: the next
        # one in file order (gathered for the same question, so often a related topic: the hard case) or a random one.
        i = rng.randrange(len(docs) - 1)
        sents = docs[i][0]
        if want_split:
            start = rng.randrange(len(sents)) if rng.random() < 0.3 else 0
            if rng.random() < 0.5:
                return " ".join(sents[start:]), docs[i + 1][1][0], "1", "passage"
            j = rng.randrange(len(docs))
            if abs(j - i) <= 1:
                return None
            return " ".join(sents[start:]), docs[j][1][0], "1", "topic"
        if len(sents) < 2:
            return None
        k = rng.randrange(1, len(sents))
        return " ".join(sents[rng.randrange(k) if rng.random() < 0.3 else 0:k]), sents[k], "2", "keep"
    doc = docs[rng.randrange(len(docs))]
    flat = [(pi, s) for pi, para in enumerate(doc) for s in para]
    if source == "sotu":
        sents = [s for _, s in flat]
        if len(sents) < 3:
            return None
        k = rng.randrange(1, len(sents))
        a = " ".join(sents[max(0, k - rng.randint(1, 8)):k])
        if not want_split:
            return a, sents[k], "2", "keep"
        other = docs[rng.randrange(len(docs))]
        if other is doc:
            return None
        osents = [s for para in other for s in para]
        return a, osents[rng.randrange(len(osents))], "1", "address"
    # Moby-Dick: paragraph boundaries (chapter headings are paragraphs of their own).
    starts = [i for i in range(1, len(flat)) if flat[i][0] != flat[i - 1][0]]
    if want_split:
        if not starts:
            return None
        k = rng.choice(starts)
    else:
        inner = [i for i in range(1, len(flat)) if flat[i][0] == flat[i - 1][0]]
        if not inner:
            return None
        k = rng.choice(inner)
    para_start = k
    while para_start > 0 and flat[para_start - 1][0] == flat[k - 1][0]:
        para_start -= 1
    a0 = rng.randrange(max(0, para_start - 3), para_start + 1) if rng.random() < 0.3 else para_start
    return " ".join(s for _, s in flat[a0:k]), flat[k][1], "1" if want_split else "2", "paragraph" if want_split else "keep"


def encode_example(bpe, a: str, b: str) -> list[int]:
    """Prompt ids with A cut to its last A_TOKENS tokens and B to its first B_TOKENS (same rule as inference)."""
    ai, bi = bpe.encode(a), bpe.encode(b)
    a = bpe.decode(ai[-A_TOKENS:]) if len(ai) > A_TOKENS else a
    b = bpe.decode(bi[:B_TOKENS]) if len(bi) > B_TOKENS else b
    return bpe.encode(margin_prompt(a.strip(), b.strip()))


SOURCES = (("2wiki", 0.4), ("moby-dick", 0.35), ("sotu", 0.25))


def draw(rng: random.Random, units: dict, split_index: int, bpe) -> tuple[list[int], int, str, str]:
    """One example: (prompt ids, answer id, source, kind)."""
    while True:
        r, acc = rng.random(), 0.0
        for source, w in SOURCES:
            acc += w
            if r < acc:
                break
        want_split = rng.random() < 0.5
        ex = make_example(rng, source, units[source][split_index], want_split)
        if ex is None or not ex[0].strip() or not ex[1].strip():
            continue
        a, b, label, kind = ex
        return encode_example(bpe, a, b), bpe.encode(label)[0], source, kind


# ---------------------------------------------------------------------------------------------------------------
# Model: sift-lm-mini's weights, read back from its ONNX export (its training checkpoint is not in the repository).


def load_mini_from_onnx(cfg: dict):
    import onnx
    from onnx import numpy_helper

    model = mini.SiftLM(cfg)
    m = onnx.load(str(MINI / "onnx/model.onnx"))
    named = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    sd = model.state_dict()
    sd["embed.weight"] = torch.from_numpy(named["model.embed.weight"].copy())
    sd["norm.weight"] = torch.from_numpy(named["model.norm.weight"].copy())
    # Linear weights were constant-folded into transposed MatMul initializers, four per block in module order.
    mats = [n for n in named if n.startswith("onnx::MatMul_")]
    mats.sort(key=lambda n: int(n.split("_")[-1]))
    per_block = ("qkv", "o", "gate_up", "down")
    assert len(mats) == 4 * cfg["num_hidden_layers"], f"expected {4 * cfg['num_hidden_layers']} MatMul weights, got {len(mats)}"
    for i in range(cfg["num_hidden_layers"]):
        sd[f"blocks.{i}.attn_norm.weight"] = torch.from_numpy(named[f"model.blocks.{i}.attn_norm.weight"].copy())
        sd[f"blocks.{i}.mlp_norm.weight"] = torch.from_numpy(named[f"model.blocks.{i}.mlp_norm.weight"].copy())
        for j, name in enumerate(per_block):
            w = torch.from_numpy(named[mats[4 * i + j]].T.copy())
            assert w.shape == sd[f"blocks.{i}.{name}.weight"].shape, (name, w.shape)
            sd[f"blocks.{i}.{name}.weight"] = w
    model.load_state_dict(sd)
    # Check against the PyTorch reference values saved when sift-lm-mini was exported.
    ref = json.loads((MINI / "reference.json").read_text("utf-8"))
    worst = 0.0
    model.eval()
    with torch.no_grad():
        for t in ref["texts"]:
            ids = t["ids"]
            n = len(ids)
            logits, _, _ = model(torch.tensor([ids]), torch.arange(n).unsqueeze(0),
                                 mini.causal_bias(torch.ones(1, n, dtype=torch.long), n, 0))
            lp = torch.log_softmax(logits[0], dim=-1)
            for i in range(1, n):
                worst = max(worst, abs(float(lp[i - 1, ids[i]]) - t["token_logprobs"][i]))
    if worst > 1e-3:
        raise SystemExit(f"train.py: weights read from ONNX do not reproduce reference.json (max |Δ| {worst})")
    log(f"init: sift-lm-mini weights from ONNX, reference.json max |Δ log-prob| {worst:.2e}")
    return model


def batch_logits(model, seqs: list[list[int]], frozen: int):
    """Logits at each sequence's last token. Every prompt starts with the same ~109 tokens (chat markup and the
    instruction up to `Split "`), so that common prefix runs once (batch 1) and the rest attends to its keys and
    values: a third less compute per example, the same result as the full forward. The lower `frozen` layers run
    without autograd. Right padding: causal attention never looks at the pads."""
    b = len(seqs)
    p = 0
    shortest = min(len(s) for s in seqs)
    while p < shortest - 1 and all(s[p] == seqs[0][p] for s in seqs):
        p += 1
    n = max(len(s) for s in seqs) - p
    x = torch.full((b, n), seqs[0][-1], dtype=torch.long)
    for i, s in enumerate(seqs):
        x[i, : len(s) - p] = torch.tensor(s[p:])

    def rope(pos):
        freqs = pos.to(torch.float32).unsqueeze(-1) * model.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1).unsqueeze(1)
        return emb.cos(), emb.sin()

    cos_p, sin_p = rope(torch.arange(p).unsqueeze(0))
    cos_r, sin_r = rope(torch.arange(p, p + n).unsqueeze(0).expand(b, n))
    bias_p = mini.causal_bias(torch.ones(1, p, dtype=torch.long), p, 0)
    bias_r = mini.causal_bias(torch.ones(b, p + n, dtype=torch.long), n, p)
    hp = model.embed(torch.tensor([seqs[0][:p]]))
    hr = model.embed(x)
    for i, blk in enumerate(model.blocks):
        with torch.no_grad() if i < frozen else contextlib.nullcontext():
            hp, kp, vp, _ = blk(hp, cos_p, sin_p, bias_p)
            hr = blk(hr, cos_r, sin_r, bias_r, kp.expand(b, -1, -1, -1), vp.expand(b, -1, -1, -1))[0]
    last = torch.tensor([len(s) - 1 - p for s in seqs])
    return model.norm(hr[torch.arange(b), last]) @ model.embed.weight.t()


def auc(pos: list[float], neg: list[float]) -> float:
    """P(margin of a keep example > margin of a split example): threshold-free, as the chunker's threshold adapts."""
    if not pos or not neg:
        return float("nan")
    allv = np.array(pos + neg)
    ranks = np.empty(len(allv))
    order = allv.argsort(kind="mergesort")
    ranks[order] = np.arange(1, len(allv) + 1)
    for v in np.unique(allv):  # average ranks of ties
        m = allv == v
        ranks[m] = ranks[m].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


@torch.no_grad()
def evaluate(model, heldout, id1: int, id2: int, bs: int = 32) -> dict:
    """Decision = sign of p("2") - p("1") over the full vocabulary (what the chunker reads)."""
    model.eval()
    rows = []
    for k in range(0, len(heldout), bs):
        part = heldout[k:k + bs]
        p = torch.softmax(batch_logits(model, [s for s, _, _, _ in part], len(model.blocks)).double(), dim=-1)
        for (s, y, src, kind), row in zip(part, p):
            m = float(row[id2] - row[id1])
            rows.append((src, kind, y == id2, m, float(row[id2] + row[id1])))

    def acc(sel):
        return {"accuracy": sum((m > 0) == keep for _, _, keep, m, _ in sel) / len(sel), "n": len(sel)} if sel else None

    keep_m = [m for _, _, keep, m, _ in rows if keep]
    split_m = [m for _, _, keep, m, _ in rows if not keep]
    by_source = {src: {**acc([r for r in rows if r[0] == src]),
                       "auc": auc([r[3] for r in rows if r[0] == src and r[2]], [r[3] for r in rows if r[0] == src and not r[2]])}
                 for src in sorted({r[0] for r in rows})}
    by_kind = {kind: acc([r for r in rows if r[1] == kind]) for kind in sorted({r[1] for r in rows})}
    return {"accuracy": acc(rows)["accuracy"], "n": len(rows), "auc": auc(keep_m, split_m),
            "by_source": by_source, "by_kind": by_kind,
            "mean_margin_keep": float(np.mean(keep_m)), "mean_margin_split": float(np.mean(split_m)),
            "mean_answer_mass": float(np.mean([r[4] for r in rows]))}


def stage_train(args, src) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    bpe = mini.ByteBPE.load(MINI)
    cfg = json.loads((MINI / "config.json").read_text())
    cfg.pop("sift", None)
    id1, id2 = bpe.encode("1")[0], bpe.encode("2")[0]
    units = load_units(src)
    hrng = random.Random(args.seed + 1)
    heldout = [draw(hrng, units, 1, bpe) for _ in range(args.eval_n)]
    log(f"data: {', '.join(f'{k} {len(v[0])}+{len(v[1])} docs' for k, v in units.items())}; "
        f"held-out subset for progress {len(heldout)} examples, mean {np.mean([len(h[0]) for h in heldout]):.0f} tokens")
    model = load_mini_from_onnx(cfg)
    frozen = args.frozen
    model.embed.weight.requires_grad_(False)
    for blk in model.blocks[:frozen]:
        blk.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    log(f"train: {sum(p.numel() for p in trainable)} of {sum(p.numel() for p in model.parameters())} parameters trained "
        f"(layers {frozen}-{cfg['num_hidden_layers'] - 1} and the final norm)")
    opt = torch.optim.AdamW(trainable, lr=args.lr, betas=(0.9, 0.95), weight_decay=0.01)
    state = {"step": 0, "examples": 0, "tokens": 0, "elapsed": 0.0, "history": []}
    ckpt = Path(args.ckpt)
    if args.resume and ckpt.exists():
        saved = torch.load(ckpt)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        log(f"train: resumed at step {state['step']}")
    elif not args.skip_initial_eval:
        base = evaluate(model, heldout, id1, id2)
        state["history"].append({"step": 0, "examples": 0, "heldout_accuracy_subset": base["accuracy"],
                                 "heldout_auc_subset": base["auc"], "elapsed": 0.0})
        log(f"eval step 0 (sift-lm-mini as is): accuracy {base['accuracy']:.3f} auc {base['auc']:.3f} on {base['n']}")
    rng = random.Random(args.seed + 1000 + state["step"])
    budget = args.minutes * 60.0
    t_start = time.time() - state["elapsed"]
    last_ckpt = time.time()
    eval_time = 0.0
    losses: list[float] = []

    def progress() -> float:
        return max(state["step"] / args.max_steps, (time.time() - t_start) / budget)

    while progress() < 1.0:
        model.train()
        frac = progress()
        lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = [draw(rng, units, 0, bpe) for _ in range(args.batch)]
        logits = batch_logits(model, [b[0] for b in batch], frozen)
        y = torch.tensor([b[1] for b in batch])
        # The decision: a softmax over the two answers only (a clean gradient for 1 vs 2), plus a small
        # full-vocabulary term so that p("1") + p("2") stays near 1 (the chunker reads full-vocabulary probabilities).
        two = F.cross_entropy(logits[:, [id1, id2]], (y == id2).long())
        loss = two + args.vocab_weight * F.cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        losses.append(two.item())
        state["step"] += 1
        state["examples"] += len(batch)
        state["tokens"] += sum(len(b[0]) for b in batch)
        state["elapsed"] = time.time() - t_start
        if state["step"] % 10 == 0:
            log(f"step {state['step']} two-way loss {np.mean(losses[-10:]):.4f} lr {lr:.2e} examples {state['examples']} "
                f"elapsed {state['elapsed']:.0f}s ({state['examples'] / max(1e-9, state['elapsed'] - eval_time):.2f} ex/s training)")
        if state["step"] % args.eval_every == 0:
            t0 = time.time()
            ev = evaluate(model, heldout, id1, id2)
            eval_time += time.time() - t0
            state["history"].append({"step": state["step"], "examples": state["examples"],
                                     "train_two_way_loss": float(np.mean(losses[-args.eval_every:])),
                                     "heldout_accuracy_subset": ev["accuracy"], "heldout_auc_subset": ev["auc"],
                                     "elapsed": state["elapsed"]})
            log(f"eval step {state['step']}: accuracy {ev['accuracy']:.3f} auc {ev['auc']:.3f} mass {ev['mean_answer_mass']:.3f} "
                f"on {ev['n']} " + " ".join(f"{k}={v['accuracy']:.2f}" for k, v in ev["by_kind"].items()) + f" ({time.time() - t0:.0f}s)")
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            save_ckpt(ckpt, model, opt, state, cfg, args)
            last_ckpt = time.time()
    save_ckpt(ckpt, model, opt, state, cfg, args)
    log(f"train: done, {state['step']} steps, {state['examples']} examples, {state['elapsed']:.0f}s")


def save_ckpt(path, model, opt, state, cfg, args) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state, "config": cfg, "args": vars(args)}, tmp)
    os.replace(tmp, path)
    log(f"checkpoint: step {state['step']} -> {path}")


def stage_export(args, src) -> None:
    torch.set_num_threads(args.threads)
    saved = torch.load(args.ckpt)
    cfg = saved["config"]
    model = mini.SiftLM(cfg)
    model.load_state_dict(saved["model"])
    model.eval()
    bpe = mini.ByteBPE.load(MINI)
    id1, id2 = bpe.encode("1")[0], bpe.encode("2")[0]
    units = load_units(src)
    hrng = random.Random(args.seed + 1)
    heldout = [draw(hrng, units, 1, bpe) for _ in range(args.heldout)]
    t0 = time.time()
    final = evaluate(model, heldout, id1, id2)
    log(f"held-out: accuracy {final['accuracy']:.4f} auc {final['auc']:.4f} on {final['n']} ({time.time() - t0:.0f}s) "
        f"{final['by_source']} {final['by_kind']}")
    # The same held-out examples through sift-lm-mini as it was, for the before/after comparison.
    before = evaluate(load_mini_from_onnx(cfg), heldout, id1, id2)
    log(f"held-out before fine-tuning: accuracy {before['accuracy']:.4f} auc {before['auc']:.4f} {before['by_source']} {before['by_kind']}")
    previous = None
    if args.baseline_ckpt:
        # An earlier fine-tune (e.g. the previously shipped model's checkpoint) on the same held-out examples.
        prev_model = mini.SiftLM(cfg)
        prev_model.load_state_dict(torch.load(args.baseline_ckpt)["model"])
        previous = evaluate(prev_model, heldout, id1, id2)
        log(f"held-out, {args.baseline_ckpt}: accuracy {previous['accuracy']:.4f} auc {previous['auc']:.4f} "
            f"{previous['by_source']} {previous['by_kind']}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    mini.export_onnx(model, cfg, out / "onnx")
    margin = {"prompt": "meta-chunking-ms", "a_tokens": A_TOKENS, "b_tokens": B_TOKENS}
    (out / "config.json").write_text(json.dumps({**cfg, "sift": {"last_attention_output": "last_attention",
                                                                   "margin": margin}}, indent=2) + "\n")
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(MINI / f, out / f)

    # Reference margins for the TypeScript test (PyTorch, full prompt, no cache).
    refs = []
    for a, bb in [("The committee met on Tuesday to discuss the budget.", "It approved the plan by a wide margin."),
                  ("Call me Ishmael. Some years ago I went to sea.", "The Eiffel Tower is a wrought-iron lattice tower in Paris.")]:
        pid = bpe.encode(margin_prompt(a, bb))
        n = len(pid)
        with torch.no_grad():
            logits, _, _ = model(torch.tensor([pid]), torch.arange(n).unsqueeze(0),
                                 mini.causal_bias(torch.ones(1, n, dtype=torch.long), n, 0))
            pr = torch.softmax(logits[0, -1].double(), dim=-1)
        refs.append({"a": a, "b": bb, "ids_len": len(pid), "margin": float(pr[id2] - pr[id1])})
    (out / "reference.json").write_text(json.dumps({"model": "sift-lm-margin", "margins": refs}, indent=2) + "\n")
    st = saved["state"]
    info = {
        "base_model": "sift-lm-mini (weights read from models/sift-lm-mini/onnx/model.onnx)",
        "config": cfg, "margin": margin,
        "steps": st["step"], "examples_seen": st["examples"], "tokens_seen": st["tokens"],
        "train_wall_seconds": round(st["elapsed"]),
        "hardware": f"{platform.processor() or platform.machine()}, {saved['args']['threads']} CPU threads, torch {torch.__version__}",
        "trained_layers": f"{saved['args'].get('frozen', FROZEN_LAYERS)}-{cfg['num_hidden_layers'] - 1} and the final norm",
        "heldout": {"examples": final["n"], "seed": args.seed + 1, "decision": "sign of p(2) - p(1), full vocabulary",
                    "after": final, "before_finetuning": before,
                    **({"baseline_checkpoint": {"path": args.baseline_ckpt, **previous}} if previous else {})},
        "history": st["history"], "args": saved["args"],
    }
    (out / "training.json").write_text(json.dumps(info, indent=2) + "\n")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["train", "export", "all", "sample"])
    ap.add_argument("--minutes", type=float, default=75.0)
    ap.add_argument("--max-steps", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--heldout", type=int, default=600)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--eval-n", type=int, default=120)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--frozen", type=int, default=FROZEN_LAYERS, help="lower layers kept frozen")
    ap.add_argument("--vocab-weight", type=float, default=0.1, help="weight of the full-vocabulary loss term")
    ap.add_argument("--ckpt", default=str(WORK / "ckpt.pt"))
    ap.add_argument("--out", default=str(HERE), help="export: the model folder to write")
    ap.add_argument("--baseline-ckpt", default="", help="export: also evaluate this checkpoint on the held-out examples")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--skip-initial-eval", action="store_true", help="train: no held-out evaluation before step 1")
    args = ap.parse_args()
    src = mini.sources(mini.repo_root())
    if args.stage == "sample":
        bpe = mini.ByteBPE.load(MINI)
        units = load_units(src)
        rng = random.Random(0)
        for _ in range(12):
            ids, y, source, kind = draw(rng, units, 0, bpe)
            print(source, kind, bpe.decode([y]), len(ids), repr(bpe.decode(ids)[-420:]))
        return
    if args.stage in ("train", "all"):
        stage_train(args, src)
    if args.stage in ("export", "all"):
        stage_export(args, src)


if __name__ == "__main__":
    main()
