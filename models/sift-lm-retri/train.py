#!/usr/bin/python3
"""Fine-tune sift-lm-mini into sift-lm-retri: a model whose LAST-layer attention points, from the question, at the
sentence of a long context that the question asks about (what InfiniRetri reads; packages/retrievers/src/infiniretri).

Examples are synthetic "context + question -> answer copied from the context", in InfiniRetri's prompt format exactly as
packages/retrievers/src/infiniretri/infini-retri-options.ts builds it (prefix, sentences each tokenized with one leading
space, "\n\n", "Question: ...\n\nAnswer:"), then " <answer>". The haystack is allowed text only (State of the Union
addresses, Moby-Dick, 2WikiMultihopQA passages); the needles use templates and key words the evaluation never uses (the
NIAH eval's needle is "One of the special magic numbers for KEY is: VALUE." over Paul Graham essays; neither is used).
Never HotpotQA, SQuAD, NQ, Choi, Brown or the Paul Graham essays.

Two shapes of example (--shape): `contiguous` (the first run: one stretch of haystack text of --min/--max-ctx tokens
with the needle in it) and `infini` (shaped like one InfiniRetri pass: a cache of disjoint sentences from earlier in the
document, then a contiguous chunk, 600-960 tokens, the needle in either part, sometimes right after the prompt prefix,
sometimes with distractor needles of other keys; see make_infini_example). The NIAH trace (niah/trace.ts) showed the
first model finding a needle in the chunk but losing it once it sat in the cache ~900 tokens before the question,
farther than any contiguous example of <= 256 tokens had put it.

Loss = next-token loss on the whole sequence (keeps it a language model) + the answer's tokens + an attention loss:
-log of the head-averaged last-layer attention mass that the question rows (from the question's key to "Answer:") put on
the needle sentence's tokens. Only the top TRAINED_LAYERS blocks and the final norm are trained (2 shared CPU cores).

Held out: the 10 most recent SOTU addresses, the last 10 Moby-Dick chapters, the last 500 2Wiki passages (haystacks of
two held-out sets: the original contiguous construction, seed+1, and inference-shaped examples, seed+2), plus held-out
perplexity on the SOTU addresses as sift-lm-mini's card measures it. --no-moby trains without Moby-Dick (a NIAH
evaluation haystack).

  setsid bash -c 'echo 10 > /proc/self/autogroup; exec /usr/bin/python3 models/sift-lm-retri/train.py train \
    --init models/sift-lm-retri/onnx/model.onnx --shape infini --no-moby --min-ctx 600 --max-ctx 960 --minutes 75'
  /usr/bin/python3 models/sift-lm-retri/train.py export --heldout 40     # from the repository root
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


QUESTION_TAILS = [" according to the text?", " in the text above?", " as the passage states?", " in this document?",
                  " based on what you read?"]
TEMPLATES = 8


def needle(rng: random.Random, t: int | None = None, varied: bool = False):
    """(needle sentence, question, answer, key) from one of several templates (`t`, else random). `varied` (the
    inference-shaped examples) also draws hyphenated keys ("copper-falcon"), long numbers and question tails, the
    forms a user's or a benchmark's key and question take; none is the NIAH eval's needle or key lists."""
    key = f"{rng.choice(WORD_A)}{'-' if varied and rng.random() < 0.4 else ' '}{rng.choice(WORD_B)}"
    num = str(rng.randrange(1000, 99999)) if not varied or rng.random() < 0.5 else str(rng.randrange(100_000, 9_999_999))
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    t = rng.randrange(TEMPLATES if varied else 6) if t is None else t
    last = key.replace("-", " ").split()[1].capitalize()
    if t == 0:
        out = f"The secret code of the {key} is {num}.", f"What is the secret code of the {key}?", num, key
    elif t == 1:
        out = f"The {key} is hidden in {place}.", f"Where is the {key} hidden?", place, key
    elif t == 2:
        out = f"{name} {last} was born in {place}.", f"Where was {name} {last} born?", place, f"{name} {last}"
    elif t == 3:
        out = f"The {key} costs {num} coins at the market.", f"How much does the {key} cost?", num, key
    elif t == 4:
        out = f"Remember that the password for the {key} is {rng.choice(WORD_B)}{num[:2]}.", f"What is the password for the {key}?", None, key
    elif t == 5:
        out = f"The {key} was painted by {name} in the year {num[:4]}.", f"Who painted the {key}?", name, key
    elif t == 6:
        out = f"The serial number stamped on the {key} is: {num}.", f"What is the serial number stamped on the {key}?", num, key
    else:
        out = f"Keep in mind that {num} is the lucky figure chosen for the {key}.", f"What lucky figure was chosen for the {key}?", num, key
    sent, q, ans, k = out
    if varied and rng.random() < 0.5:
        q = q[:-1] + rng.choice(QUESTION_TAILS)
    return sent, q, ans, k, t


def haystacks(src: dict) -> dict:
    """Per source, (train, held-out) lists of documents as lists of sentences."""
    sotu = [margin.sentences(p.read_text("utf-8").strip()) for p in src["sotu"]]
    held_sotu = [margin.sentences(p.read_text("utf-8").strip()) for p in src["heldout"]]
    moby = [margin.sentences(p.read_text("utf-8").replace("\n", " ")) for p in src["moby"]]
    wiki = [margin.sentences(f"{r['title']}. {r['text']}") for r in json.loads(src["wiki"].read_text("utf-8"))]
    # Consecutive 2Wiki passages joined into longer documents.
    join = lambda ps: [[s for p in ps[i:i + 12] for s in p] for i in range(0, len(ps), 12)]
    return {"sotu": (sotu, held_sotu), "moby-dick": (moby[:-10], moby[-10:]), "2wiki": (join(wiki[:-500]), join(wiki[-500:]))}


def training_pools(pools: dict, no_moby: bool) -> dict:
    """The haystacks examples are trained on. `no_moby`: Moby-Dick is a NIAH evaluation haystack (`--haystack
    moby-dick`), so the inference-shaped run trains on SOTU and 2Wiki only (held-out sets keep their construction)."""
    return {k: v for k, v in pools.items() if not (no_moby and k == "moby-dick")}


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
    sent, q, ans, key, _ = needle(rng)
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


def make_infini_example(rng: random.Random, docs: list, enc: Encoder, ctx_tokens: int) -> dict:
    """An example shaped like one InfiniRetri pass (infini-retri.ts): the context is a cache of disjoint sentences
    taken, in document order, from the text before the chunk (what earlier passes retained), then a contiguous chunk,
    about ctx_tokens in all (cache 25-60 %, at most 490 tokens, as the 1024-position models' 487 + 487 split). The
    needle sits in the cache half the time (a third of those right after the prompt prefix, where a needle read in the
    first chunk stays) and in the chunk otherwise; 30 % of examples add 1-3 distractor needles of the same template
    with other keys, so attention has to match the key, not the template. `spans`: every context sentence's [start,
    end), for sentence-level scoring."""
    sent, q, ans, key, t = needle(rng, varied=True)
    if ans is None:
        ans = sent.rsplit(" ", 1)[-1].rstrip(".")
    distractors = []
    if rng.random() < 0.3:
        for _ in range(rng.randint(1, 3)):
            d = needle(rng, t=t, varied=True)
            if d[3] != key and key not in d[0]:
                distractors.append(d[0])
    doc = docs[rng.randrange(len(docs))]
    while len(doc) < 8:
        doc = docs[rng.randrange(len(docs))]
    cache_budget = min(490, int(ctx_tokens * rng.uniform(0.25, 0.6)))
    chunk_budget = ctx_tokens - cache_budget
    start = rng.randrange(len(doc))
    chunk: list[list[int]] = []
    used, i = 0, start
    while used < chunk_budget:
        ids = enc.sentence(doc[i % len(doc)])[:160]
        chunk.append(ids)
        used += len(ids)
        i += 1
    # Cache: sentences from up to ~4x its size before the chunk (never the chunk's own, in a short document that
    # wraps around), a random subset kept in document order.
    window = []
    used, j = 0, start - 1
    while used < 4 * cache_budget and j >= start + len(chunk) - len(doc):
        ids = enc.sentence(doc[j % len(doc)])[:160]
        window.append(ids)
        used += len(ids)
        j -= 1
    window.reverse()
    order = list(range(len(window)))
    rng.shuffle(order)
    kept, used = [], 0
    for k in order:
        if used + len(window[k]) <= cache_budget:
            kept.append(k)
            used += len(window[k])
    cache_ids = [window[k] for k in sorted(kept)]
    # Needle and distractor slots: (part, index) with part 0 = cache, 1 = chunk.
    if rng.random() < 0.5:
        slot = (0, 0 if rng.random() < 1 / 3 else rng.randrange(len(cache_ids) + 1))
    else:
        slot = (1, rng.randrange(len(chunk) + 1))
    extra = {}
    for d in distractors:
        part = rng.randrange(2)
        extra.setdefault((part, rng.randrange((len(cache_ids), len(chunk))[part] + 1)), []).append(enc.sentence(d))
    prefix = enc.bpe.encode(PREFIX)
    ids = list(prefix)
    spans = []
    n0 = n1 = 0

    def put(sentence_ids):
        spans.append((len(ids), len(ids) + len(sentence_ids)))
        ids.extend(sentence_ids)

    for part, sents in ((0, cache_ids), (1, chunk)):
        for j in range(len(sents) + 1):
            for d in extra.get((part, j), []):
                put(d)
            if (part, j) == slot:
                n0 = len(ids)
                put(enc.sentence(sent))
                n1 = len(ids)
            if j < len(sents):
                put(sents[j])
    ids += enc.bpe.encode(SEPARATOR)
    q_text = QUESTION.format(q=q)
    r0_q = len(ids)
    key_end = q_text.index(key) + len(key)
    r0 = r0_q + max(0, len(enc.bpe.encode(q_text[:key_end])) - 1)
    ids += enc.bpe.encode(q_text)
    r1 = len(ids)
    ids += enc.bpe.encode(" " + ans)
    return {"ids": ids, "needle": (n0, n1), "rows": (r0, r1), "question_start": r0_q, "answer": r1,
            "context": (len(prefix), r0_q - 2), "spans": spans, "in_cache": slot[0] == 0}


def draw_infini(rng: random.Random, pools: dict, split: int, enc: Encoder, lo: int, hi: int, max_len: int = 1024) -> dict:
    """An inference-shaped example that fits the model's 1024 positions (a long last sentence or the needles can
    overshoot the context size: drawn again)."""
    while True:
        source = rng.choice(list(pools))
        ex = make_infini_example(rng, pools[source][split], enc, rng.randrange(lo, hi))
        if len(ex["ids"]) <= max_len:
            return ex


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


@torch.no_grad()
def needle_sentence_rank(model, ex: dict, phrase: int = 8) -> int:
    """Rank of the needle among the context's sentences by InfiniRetri's cache order (infini-retri.ts bestPhrase: the
    largest w^2-weighted attention over `phrase` consecutive columns inside the sentence); 1 = first."""
    ids = ex["ids"][: ex["answer"]]
    _, probs = forward(model, [ids], 1)
    A = probs[0].sum(0).double()
    q0 = ex["question_start"]
    w = A[q0:, q0:].sum(1)
    raw = (w.pow(2).unsqueeze(1) * A[q0:, :]).sum(0)
    best = []
    for a, b in ex["spans"]:
        seg = raw[a:b]
        p = min(phrase, b - a)
        best.append(float(seg.unfold(0, p, 1).sum(1).max()))
    k = ex["spans"].index(ex["needle"])
    return 1 + sum(1 for j, v in enumerate(best) if j != k and v > best[k])


def evaluate(model, heldout: list[dict]) -> dict:
    model.eval()
    h1 = hk = 0
    ranks = []
    for ex in heldout:
        a, b = infiniretri_hit(model, ex)
        h1 += a
        hk += b
        if "spans" in ex:
            ranks.append(needle_sentence_rank(model, ex))
    out = {"n": len(heldout), "top1_token_in_needle": h1 / len(heldout), "needle_in_top30_tokens": hk / len(heldout)}
    if ranks:
        out["needle_sentence_rank1"] = sum(r == 1 for r in ranks) / len(ranks)
        out["needle_sentence_top3"] = sum(r <= 3 for r in ranks) / len(ranks)
        out["needle_sentence_median_rank"] = float(np.median(ranks))
    return out


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


def load_onnx_weights(cfg: dict, path: Path):
    """A SiftLM with the weights of an ONNX file written by sift-lm-mini's export_onnx (same initializer layout as
    margin.load_mini_from_onnx reads; used to continue training sift-lm-retri from its own export)."""
    import onnx
    from onnx import numpy_helper

    model = mini.SiftLM(cfg)
    named = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    sd = model.state_dict()
    sd["embed.weight"] = torch.from_numpy(named["model.embed.weight"].copy())
    sd["norm.weight"] = torch.from_numpy(named["model.norm.weight"].copy())
    mats = sorted((n for n in named if n.startswith("onnx::MatMul_")), key=lambda n: int(n.split("_")[-1]))
    assert len(mats) == 4 * cfg["num_hidden_layers"], f"expected {4 * cfg['num_hidden_layers']} MatMul weights, got {len(mats)}"
    for i in range(cfg["num_hidden_layers"]):
        for norm in ("attn_norm", "mlp_norm"):
            sd[f"blocks.{i}.{norm}.weight"] = torch.from_numpy(named[f"model.blocks.{i}.{norm}.weight"].copy())
        for j, name in enumerate(("qkv", "o", "gate_up", "down")):
            w = torch.from_numpy(named[mats[4 * i + j]].T.copy())
            assert w.shape == sd[f"blocks.{i}.{name}.weight"].shape, (name, w.shape)
            sd[f"blocks.{i}.{name}.weight"] = w
    model.load_state_dict(sd)
    mini.log(f"init: weights from {path}")
    return model


def load_init(cfg: dict, init: str | None):
    return margin.load_mini_from_onnx(cfg) if not init else load_onnx_weights(cfg, Path(init))


def evaluate_all(model, heldout: tuple, n: int | None = None) -> dict:
    """Both held-out sets: `contiguous` (the original construction: one stretch of text, 400-900 tokens) and
    `infini` (inference-shaped: cache + chunk, 600-960 tokens)."""
    contiguous, infini = heldout
    return {"contiguous": evaluate(model, contiguous[:n]), "infini": evaluate(model, infini[:n])}


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
    # Inference-shaped held-out set (cache + chunk, 600-960 context tokens) over the same held-out haystacks.
    irng = random.Random(args.seed + 2)
    heldout_infini = [draw_infini(irng, pools, 1, enc, 600, 960) for _ in range(args.heldout)]
    return bpe, cfg, pools, enc, (heldout, heldout_infini)


def stage_train(args, src) -> None:
    bpe, cfg, pools, enc, heldout = setup(args, src)
    train_pools = training_pools(pools, args.no_moby)
    mini.log(f"train: haystacks {sorted(train_pools)}, {args.shape} examples of {args.min_ctx}-{args.max_ctx} context tokens")
    if args.init and not args.resume:
        # The export overwrites onnx/model.onnx: keep the starting point for the before/after comparison.
        WORK.mkdir(exist_ok=True)
        shutil.copyfile(args.init, WORK / "init.onnx")
        args.init = str(WORK / "init.onnx")
    model = load_init(cfg, args.init)
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
        base = evaluate_all(model, heldout, args.eval_n)
        state["history"].append({"step": 0, **base})
        mini.log(f"eval step 0 (init): {base}")
    rng = random.Random(args.seed + 1000 + state["step"])
    t_start = time.time() - state["elapsed"]
    last_ckpt = time.time()
    while (time.time() - t_start) < args.minutes * 60 and state["step"] < args.max_steps:
        model.train()
        frac = (time.time() - t_start) / (args.minutes * 60)
        lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        make = draw_infini if args.shape == "infini" else draw
        batch = [make(rng, train_pools, 0, enc, args.min_ctx, args.max_ctx) for _ in range(args.batch)]
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
            ev = evaluate_all(model, heldout, args.eval_n)
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
    init = saved["args"].get("init")
    # The ONNX file first (the held-out evaluation below is slow on a shared CPU), with PyTorch reference values that
    # infini-retri-lm.test.ts checks the ONNX runtime against.
    mini.export_onnx(model, cfg, HERE / "onnx")
    (HERE / "config.json").write_text(json.dumps({**cfg, "sift": {"last_attention_output": "last_attention"}}, indent=2) + "\n")
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(MINI / f, HERE / f)
    write_reference(model, bpe)
    compare = {"after": model}
    if "sift-lm-mini" in args.compare:
        compare["sift-lm-mini"] = margin.load_mini_from_onnx(cfg)
    if init and "init" in args.compare:
        compare["init"] = load_onnx_weights(cfg, Path(init))
    results = {name: evaluate_all(m, heldout, args.eval_n) for name, m in compare.items()}
    ppl = {name: round(heldout_ppl(m, bpe, src), 2) for name, m in compare.items()}
    mini.log(f"held-out attention retrieval: {results}; perplexity {ppl}")
    st = saved["state"]
    info = {
        "base_model": f"weights read from {init} (the previous sift-lm-retri export, itself fine-tuned from sift-lm-mini)" if init
        else "sift-lm-mini (weights read from models/sift-lm-mini/onnx/model.onnx)",
        "trained_layers": TRAINED_LAYERS, "steps": st["step"], "examples_seen": st["examples"], "tokens_seen": st["tokens"],
        "train_wall_seconds": round(st["elapsed"]),
        "hardware": f"{platform.processor() or platform.machine()}, {saved['args']['threads']} CPU threads, torch {torch.__version__}",
        "heldout_attention_retrieval": {**results, "seeds": {"contiguous": args.seed + 1, "infini": args.seed + 2}},
        "heldout_perplexity_sotu_4x1024": ppl,
        "history": st["history"], "args": saved["args"],
    }
    (HERE / "training.json").write_text(json.dumps(info, indent=2) + "\n")


@torch.no_grad()
def write_reference(model, bpe) -> None:
    """reference.json: PyTorch log-probs and head-summed last-layer attention (full sequence, no cache) for a few
    texts, one in InfiniRetri's prompt format; the TypeScript test compares the ONNX runtime with them."""
    texts = [
        "The committee met on Tuesday to discuss the budget for the coming year.",
        "Read the text below and answer the question.\n\n The copper falcon is hidden in Dunmere.\n\nQuestion: Where is the copper falcon hidden?\n\nAnswer:",
    ]
    refs = []
    for t in texts:
        ids = bpe.encode(t)
        n = len(ids)
        logits, _, probs = model(torch.tensor([ids]), torch.arange(n).unsqueeze(0), mini.causal_bias(torch.ones(1, n, dtype=torch.long), n, 0))
        lp = torch.log_softmax(logits[0], dim=-1)
        refs.append({"text": t, "ids": ids, "token_logprobs": [None] + [float(lp[i - 1, ids[i]]) for i in range(1, n)],
                     "last_attention_head_sum": probs[0].sum(0).reshape(-1).tolist()})
    (HERE / "reference.json").write_text(json.dumps({"model": "sift-lm-retri", "dtype": "float32", "texts": refs}) + "\n", "utf-8")


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
    ap.add_argument("--init", help="start from this ONNX export (e.g. models/sift-lm-retri/onnx/model.onnx) instead of sift-lm-mini")
    ap.add_argument("--shape", choices=["contiguous", "infini"], default="contiguous",
                    help="training examples: one stretch of text, or shaped like an InfiniRetri pass (cache + chunk)")
    ap.add_argument("--compare", default="sift-lm-mini,init",
                    help="export: models evaluated beside the trained one (the held-out evaluation is slow on a shared CPU)")
    ap.add_argument("--no-moby", action="store_true", help="train without the Moby-Dick haystack (a NIAH evaluation haystack)")
    args = ap.parse_args()
    src = mini.sources(mini.repo_root())
    if args.stage == "sample":
        bpe, cfg, pools, enc, heldout = setup(args, src)
        for ex in heldout[0][:2] + heldout[1][:4]:
            n0, n1 = ex["needle"]
            print(len(ex["ids"]), repr(bpe.decode(ex["ids"][n0:n1])), repr(bpe.decode(ex["ids"][ex["rows"][0]:])))
        return
    if args.stage == "eval":
        bpe, cfg, pools, enc, heldout = setup(args, src)
        print(evaluate_all(load_init(cfg, args.init), heldout, args.eval_n))
        return
    if args.stage in ("train", "all"):
        stage_train(args, src)
    if args.stage in ("export", "all"):
        stage_export(args, src)


if __name__ == "__main__":
    main()
