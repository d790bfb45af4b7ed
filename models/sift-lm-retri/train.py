#!/usr/bin/python3
"""Fine-tune sift-lm-mini into sift-lm-retri: a model whose LAST-layer attention points, from the question, at the
sentence of a long context that the question asks about (what InfiniRetri reads; packages/retrievers/src/infiniretri).

Examples are synthetic "context + question -> answer copied from the context", in InfiniRetri's prompt format exactly as
packages/retrievers/src/infiniretri/infini-retri-options.ts builds it (prefix, sentences each tokenized with one leading
space, "\n\n", "Question: ...\n\nAnswer:"), then " <answer>". The haystack is allowed text only (State of the Union
addresses, Moby-Dick, 2WikiMultihopQA passages); the needles use templates and key words the evaluation never uses (the
NIAH eval's needle is "One of the special magic numbers for KEY is: VALUE." over Paul Graham essays; neither is used).
Never HotpotQA, SQuAD, NQ, Choi, Brown or the Paul Graham essays.

Loss = next-token loss on the whole sequence (keeps it a language model) + the answer's tokens + an attention loss:
-log of the head-averaged last-layer attention mass that the question rows (from the question's key to "Answer:") put on
the needle sentence's tokens. Only the top TRAINED_LAYERS blocks and the final norm are trained (2 shared CPU cores).

Held out: the 10 most recent SOTU addresses, the last 10 Moby-Dick chapters, the last 500 2Wiki passages (haystacks of
the held-out examples), plus held-out perplexity on the SOTU addresses as sift-lm-mini's card measures it.

  nice -n 10 /usr/bin/python3 models/sift-lm-retri/train.py all --minutes 40      # from the repository root
Stages: `train` (time-boxed, resumable with --resume, checkpoints in .work/), `eval` (held-out only), `export`.
Never run in CI or tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import platform
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "sift-lm-mini"
WORK = HERE / ".work"
TRAINED_LAYERS = 2

# sift-lm-margin's train.py reads sift-lm-mini's weights back from its ONNX file (and checks them against
# reference.json); its sentence splitter is reused too.
_spec = importlib.util.spec_from_file_location("sift_lm_margin_train", HERE.parent / "sift-lm-margin" / "train.py")
margin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(margin)
mini = margin.mini

PREFIX = "Read the text below and answer the question.\n\n"
SEPARATOR = "\n\n"
QUESTION = "Question: {q}\n\nAnswer:"

WORD_A = ["copper", "granite", "velvet", "saffron", "walnut", "cedar", "indigo", "silver", "marble", "crimson", "jade",
          "pewter", "scarlet", "bronze", "olive", "frosty", "sunken", "hollow", "golden", "rusty"]
WORD_B = ["falcon", "lantern", "compass", "orchard", "beacon", "harbor", "meadow", "violin", "glacier", "canyon", "ledger",
          "citadel", "pelican", "chimney", "kettle", "saddle", "trumpet", "willow", "badger", "bridge"]
NAMES = ["Alder", "Brisa", "Corwin", "Delphine", "Emeric", "Fenna", "Galen", "Hester", "Ivo", "Juno", "Lorcan", "Mirela",
         "Nestor", "Orla", "Pellam", "Quilla", "Rowan", "Sabine", "Tobiah", "Ulla"]
PLACES = ["Harrowgate", "Millbrook", "Dunmere", "Ashcombe", "Kelvington", "Fairholt", "Ravensby", "Stonemarsh",
          "Wexley", "Brightwater", "Coldharbor", "Elmstead"]


def needle(rng: random.Random):
    """(needle sentence, question, answer, key) from one of several templates."""
    key = f"{rng.choice(WORD_A)} {rng.choice(WORD_B)}"
    num = str(rng.randrange(1000, 99999))
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    t = rng.randrange(6)
    if t == 0:
        return f"The secret code of the {key} is {num}.", f"What is the secret code of the {key}?", num, key
    if t == 1:
        return f"The {key} is hidden in {place}.", f"Where is the {key} hidden?", place, key
    if t == 2:
        return f"{name} {key.split()[1].capitalize()} was born in {place}.", f"Where was {name} {key.split()[1].capitalize()} born?", place, f"{name} {key.split()[1].capitalize()}"
    if t == 3:
        return f"The {key} costs {num} coins at the market.", f"How much does the {key} cost?", num, key
    if t == 4:
        return f"Remember that the password for the {key} is {rng.choice(WORD_B)}{num[:2]}.", f"What is the password for the {key}?", None, key
    return f"The {key} was painted by {name} in the year {num[:4]}.", f"Who painted the {key}?", name, key


def haystacks(src: dict) -> dict:
    """Per source, (train, held-out) lists of documents as lists of sentences."""
    sotu = [margin.sentences(p.read_text("utf-8").strip()) for p in src["sotu"]]
    held_sotu = [margin.sentences(p.read_text("utf-8").strip()) for p in src["heldout"]]
    moby = [margin.sentences(p.read_text("utf-8").replace("\n", " ")) for p in src["moby"]]
    wiki = [margin.sentences(f"{r['title']}. {r['text']}") for r in json.loads(src["wiki"].read_text("utf-8"))]
    # Consecutive 2Wiki passages joined into longer documents.
    join = lambda ps: [[s for p in ps[i:i + 12] for s in p] for i in range(0, len(ps), 12)]
    return {"sotu": (sotu, held_sotu), "moby-dick": (moby[:-10], moby[-10:]), "2wiki": (join(wiki[:-500]), join(wiki[-500:]))}


class Encoder:
    def __init__(self, bpe):
        self.bpe = bpe
        self.cache: dict[str, list[int]] = {}

    def sentence(self, s: str) -> list[int]:
        ids = self.cache.get(s)
        if ids is None:
            ids = self.bpe.encode(" " + s)
            if len(self.cache) < 200_000:
                self.cache[s] = ids
        return ids


def make_example(rng: random.Random, docs: list, enc: Encoder, ctx_tokens: int) -> dict:
    """ids (prompt + " answer"), needle columns [n0, n1), question rows [r0, r1) and answer positions [a0, len)."""
    sent, q, ans, key = needle(rng)
    if ans is None:
        ans = sent.rsplit(" ", 1)[-1].rstrip(".")
    doc = docs[rng.randrange(len(docs))]
    while len(doc) < 4:
        doc = docs[rng.randrange(len(docs))]
    i = rng.randrange(len(doc))
    hay: list[list[int]] = []
    used = 0
    while used < ctx_tokens:
        ids = enc.sentence(doc[i % len(doc)])[:160]
        hay.append(ids)
        used += len(ids)
        i += 1
    at = rng.randrange(len(hay) + 1)
    prefix = enc.bpe.encode(PREFIX)
    ids = list(prefix)
    n0 = n1 = 0
    for j in range(len(hay) + 1):
        if j == at:
            n0 = len(ids)
            ids += enc.sentence(sent)
            n1 = len(ids)
        if j < len(hay):
            ids += hay[j]
    ids += enc.bpe.encode(SEPARATOR)
    q_text = QUESTION.format(q=q)
    r0_q = len(ids)
    key_end = q_text.index(key) + len(key)
    r0 = r0_q + max(0, len(enc.bpe.encode(q_text[:key_end])) - 1)
    ids += enc.bpe.encode(q_text)
    r1 = len(ids)
    ids += enc.bpe.encode(" " + ans)
    return {"ids": ids, "needle": (n0, n1), "rows": (r0, r1), "question_start": r0_q, "answer": r1, "context": (len(prefix), r0_q - 2)}


def draw(rng: random.Random, pools: dict, split: int, enc: Encoder, lo: int, hi: int) -> dict:
    source = rng.choice(list(pools))
    return make_example(rng, pools[source][split], enc, rng.randrange(lo, hi))


def forward(model, seqs: list[list[int]], trained: int):
    """Logits [B, S, V] and the last block's attention probabilities [B, H, S, S]; lower blocks run without autograd."""
    n = max(len(s) for s in seqs)
    x = torch.zeros((len(seqs), n), dtype=torch.long)
    for i, s in enumerate(seqs):
        x[i, : len(s)] = torch.tensor(s)
    pos = torch.arange(n).unsqueeze(0).expand(len(seqs), n)
    bias = mini.causal_bias(torch.ones(len(seqs), n, dtype=torch.long), n, 0)
    freqs = pos.to(torch.float32).unsqueeze(-1) * model.inv_freq
    emb = torch.cat((freqs, freqs), dim=-1).unsqueeze(1)
    cos, sin = emb.cos(), emb.sin()
    nl = len(model.blocks)
    with torch.no_grad():
        h = model.embed(x)
        for blk in model.blocks[: nl - trained]:
            h = blk(h, cos, sin, bias)[0]
    probs = None
    for blk in model.blocks[nl - trained:]:
        h, _, _, probs = blk(h, cos, sin, bias)
    return model.norm(h) @ model.embed.weight.t(), probs


def losses(model, batch: list[dict], trained: int):
    logits, probs = forward(model, [b["ids"] for b in batch], trained)
    lm, ans, att = [], [], []
    for i, b in enumerate(batch):
        ids = torch.tensor(b["ids"])
        n = len(b["ids"])
        ce = F.cross_entropy(logits[i, : n - 1], ids[1:], reduction="none")
        lm.append(ce.mean())
        ans.append(ce[b["answer"] - 1:].mean())
        (n0, n1), (r0, r1) = b["needle"], b["rows"]
        mass = probs[i, :, r0:r1, n0:n1].sum(-1).mean(0)  # head-averaged mass per question row
        att.append(-torch.log(mass + 1e-6).mean())
    return torch.stack(lm).mean(), torch.stack(ans).mean(), torch.stack(att).mean()


@torch.no_grad()
def infiniretri_hit(model, ex: dict, phrase: int = 8, topk: int = 30) -> tuple[bool, bool]:
    """InfiniRetri's scoring (w from this pass, phrase window, w^2) on the prompt without the answer, one chunk:
    (the best token lies in the needle sentence, one of the top-k tokens does: the needle sentence would be retained)."""
    ids = ex["ids"][: ex["answer"]]
    _, probs = forward(model, [ids], 1)
    A = probs[0].sum(0).double()
    q0, (c0, c1) = ex["question_start"], ex["context"]
    w = A[q0:, q0:].sum(1)
    M = A[q0:, c0:c1]
    left = (phrase - 1) // 2
    Mp = F.pad(M.unsqueeze(0), (left, phrase - 1 - left)).squeeze(0)
    sm = sum(Mp[:, j: j + M.shape[1]] for j in range(phrase))
    score = (w.pow(2).unsqueeze(1) * sm).sum(0)
    n0, n1 = ex["needle"][0] - c0, ex["needle"][1] - c0
    top = torch.topk(score, min(topk, score.numel())).indices.tolist()
    return n0 <= int(score.argmax()) < n1, any(n0 <= t < n1 for t in top)


def evaluate(model, heldout: list[dict]) -> dict:
    model.eval()
    h1 = hk = 0
    for ex in heldout:
        a, b = infiniretri_hit(model, ex)
        h1 += a
        hk += b
    return {"n": len(heldout), "top1_token_in_needle": h1 / len(heldout), "needle_in_top30_tokens": hk / len(heldout)}


@torch.no_grad()
def heldout_ppl(model, bpe, src: dict) -> float:
    """Perplexity over the first 1024 tokens of four held-out SOTU addresses (sift-lm-mini's in-training measure)."""
    docs = [bpe.encode(p.read_text("utf-8").strip())[:1024] for p in src["heldout"][:4]]
    total, count = 0.0, 0
    for ids in docs:
        logits, _ = forward(model, [ids], 1)
        total += float(F.cross_entropy(logits[0, :-1], torch.tensor(ids[1:]), reduction="sum"))
        count += len(ids) - 1
    return math.exp(total / count)


def setup(args, src):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    bpe = mini.ByteBPE.load(MINI)
    cfg = json.loads((MINI / "config.json").read_text())
    cfg.pop("sift", None)
    pools = haystacks(src)
    enc = Encoder(bpe)
    hrng = random.Random(args.seed + 1)
    heldout = [draw(hrng, pools, 1, enc, 400, 900) for _ in range(args.heldout)]
    return bpe, cfg, pools, enc, heldout


def stage_train(args, src) -> None:
    bpe, cfg, pools, enc, heldout = setup(args, src)
    model = margin.load_mini_from_onnx(cfg)
    model.requires_grad_(False)
    for blk in model.blocks[-TRAINED_LAYERS:]:
        blk.requires_grad_(True)
    model.norm.requires_grad_(True)
    trainable = [p for p in model.parameters() if p.requires_grad]
    mini.log(f"train: {sum(p.numel() for p in trainable)} of {sum(p.numel() for p in model.parameters())} parameters trained")
    opt = torch.optim.AdamW(trainable, lr=args.lr, betas=(0.9, 0.95), weight_decay=0.01)
    state = {"step": 0, "examples": 0, "tokens": 0, "elapsed": 0.0, "history": []}
    ckpt = WORK / "ckpt.pt"
    if args.resume and ckpt.exists():
        saved = torch.load(ckpt)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
    elif not args.skip_initial_eval:
        base = evaluate(model, heldout[: args.eval_n])
        state["history"].append({"step": 0, **base})
        mini.log(f"eval step 0 (sift-lm-mini): {base}")
    rng = random.Random(args.seed + 1000 + state["step"])
    t_start = time.time() - state["elapsed"]
    last_ckpt = time.time()
    while (time.time() - t_start) < args.minutes * 60 and state["step"] < args.max_steps:
        model.train()
        frac = (time.time() - t_start) / (args.minutes * 60)
        lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = [draw(rng, pools, 0, enc, args.min_ctx, args.max_ctx) for _ in range(args.batch)]
        lm, ans, att = losses(model, batch, TRAINED_LAYERS)
        loss = lm + ans + args.att_weight * att
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        state["step"] += 1
        state["examples"] += len(batch)
        state["tokens"] += sum(len(b["ids"]) for b in batch)
        state["elapsed"] = time.time() - t_start
        if state["step"] % 10 == 0:
            mini.log(f"step {state['step']} lm {lm.item():.3f} answer {ans.item():.3f} attention {att.item():.3f} lr {lr:.2e} "
                     f"tokens {state['tokens']} elapsed {state['elapsed']:.0f}s")
        if state["step"] % args.eval_every == 0:
            ev = evaluate(model, heldout[: args.eval_n])
            state["history"].append({"step": state["step"], "lm": lm.item(), "answer": ans.item(), "attention": att.item(),
                                     "elapsed": state["elapsed"], **ev})
            mini.log(f"eval step {state['step']}: {ev}")
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            save_ckpt(ckpt, model, opt, state, cfg, args)
            last_ckpt = time.time()
    save_ckpt(ckpt, model, opt, state, cfg, args)
    mini.log(f"train: done, {state['step']} steps, {state['tokens']} tokens, {state['elapsed']:.0f}s")


def save_ckpt(path, model, opt, state, cfg, args) -> None:
    WORK.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state, "config": cfg, "args": vars(args)}, tmp)
    tmp.replace(path)


def stage_export(args, src) -> None:
    bpe, cfg, pools, enc, heldout = setup(args, src)
    saved = torch.load(WORK / "ckpt.pt")
    model = mini.SiftLM(cfg)
    model.load_state_dict(saved["model"])
    model.eval()
    before_model = margin.load_mini_from_onnx(cfg)
    after, before = evaluate(model, heldout), evaluate(before_model, heldout)
    ppl_after, ppl_before = heldout_ppl(model, bpe, src), heldout_ppl(before_model, bpe, src)
    mini.log(f"held-out attention retrieval: after {after}, before {before}; perplexity after {ppl_after:.1f}, before {ppl_before:.1f}")
    mini.export_onnx(model, cfg, HERE / "onnx")
    (HERE / "config.json").write_text(json.dumps({**cfg, "sift": {"last_attention_output": "last_attention"}}, indent=2) + "\n")
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(MINI / f, HERE / f)
    st = saved["state"]
    info = {
        "base_model": "sift-lm-mini (weights read from models/sift-lm-mini/onnx/model.onnx)",
        "trained_layers": TRAINED_LAYERS, "steps": st["step"], "examples_seen": st["examples"], "tokens_seen": st["tokens"],
        "train_wall_seconds": round(st["elapsed"]),
        "hardware": f"{platform.processor() or platform.machine()}, {saved['args']['threads']} CPU threads, torch {torch.__version__}",
        "heldout_attention_retrieval": {"after": after, "before": before, "seed": args.seed + 1},
        "heldout_perplexity_sotu_4x1024": {"after": round(ppl_after, 2), "before": round(ppl_before, 2)},
        "history": st["history"], "args": saved["args"],
    }
    (HERE / "training.json").write_text(json.dumps(info, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["train", "eval", "export", "all", "sample"])
    ap.add_argument("--minutes", type=float, default=40.0)
    ap.add_argument("--max-steps", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--min-ctx", type=int, default=128)
    ap.add_argument("--max-ctx", type=int, default=640)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--att-weight", type=float, default=1.0)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--heldout", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=60)
    ap.add_argument("--eval-n", type=int, default=40)
    ap.add_argument("--ckpt-minutes", type=float, default=4.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2502)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--skip-initial-eval", action="store_true", help="train: no held-out evaluation before step 1")
    args = ap.parse_args()
    src = mini.sources(mini.repo_root())
    if args.stage == "sample":
        bpe, cfg, pools, enc, heldout = setup(args, src)
        for ex in heldout[:3]:
            n0, n1 = ex["needle"]
            print(len(ex["ids"]), repr(bpe.decode(ex["ids"][n0:n1])), repr(bpe.decode(ex["ids"][ex["rows"][0]:])))
        return
    if args.stage == "eval":
        bpe, cfg, pools, enc, heldout = setup(args, src)
        print(evaluate(margin.load_mini_from_onnx(cfg), heldout[: args.eval_n]))
        return
    if args.stage in ("train", "all"):
        stage_train(args, src)
    if args.stage in ("export", "all"):
        stage_export(args, src)


if __name__ == "__main__":
    main()
