"""M2-BERT (Monarch Mixer BERT) in PyTorch, written for Sift from the published architecture.

The module tree is laid out so that `state_dict()` has exactly the names and shapes of the official
`togethercomputer/m2-bert-80M-{2k,8k,32k}-retrieval` checkpoints (see README.md in this folder), so an official
`pytorch_model.bin` loads with `load_state_dict(..., strict=True)`. The long convolution runs through torch.fft
(a 2L-point circular convolution, as the reference implementation does); `reference.py` checks it against a direct
float64 convolution.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

# Official defaults (HazyResearch/m2 yamls/embeddings/m2-bert-80M-*-retrieval.yaml, create_bert vocab padding).
OFFICIAL_DEFAULTS: dict = {
    "architectures": ["BertForTextEncoding"],
    "model_type": "m2_bert",
    "vocab_size": 30528,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.0,
    "max_position_embeddings": 2048,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "alibi_starting_size": 512,
    "monarch_mixer_sequence_mixing": True,
    "long_conv_l_max": 2048,
    "long_conv_kernel_learning_rate": 1e-3,
    "hyena_lr_pos_emb": 1e-5,
    "hyena_w": 10,
    "hyena_w_mod": 1,
    "hyena_wd": 0.1,
    "hyena_emb_dim": 5,
    "hyena_filter_order": 128,
    "hyena_filter_dropout": 0.0,
    "hyena_training_additions": False,
    "bidirectional": True,
    "residual_long_conv": True,
    "use_glu_mlp": True,
    "use_monarch_mlp": True,
    "monarch_mlp_nblocks": 4,
    "use_positional_encodings": True,
    "use_flash_mm": False,
    "use_flash_fft": False,
    "pool_all": False,
    "torch_dtype": "float32",
}


class M2Config:
    """Attribute view over a config.json dict (official keys, plus an optional Sift block `sift`)."""

    def __init__(self, **kw):
        merged = {**OFFICIAL_DEFAULTS, **kw}
        self.__dict__.update(merged)
        self._keys = list(merged)
        if not self.monarch_mixer_sequence_mixing or not self.use_glu_mlp or not self.use_monarch_mlp:
            raise ValueError("only the M2 retrieval architecture (Monarch mixer, GLU, Monarch MLP) is implemented")
        if not self.bidirectional:
            raise ValueError("only bidirectional long convolutions are implemented (config.bidirectional = false)")
        if self.pool_all:
            raise ValueError("pool_all = true (mean pooling) is not implemented; the retrieval models use [CLS]")

    @property
    def mask_padding(self) -> bool:
        return bool((getattr(self, "sift", None) or {}).get("mask_padding", False))

    @property
    def pooling(self) -> str:
        """Sift's `sift.pooling`: "cls" (official: tanh(dense(h[CLS]))) or "mean" (tanh(dense(mean of the real
        tokens' states)), the late-chunking rule over the whole text; needs mask_padding)."""
        p = (getattr(self, "sift", None) or {}).get("pooling", "cls")
        if p not in ("cls", "mean"):
            raise ValueError(f'sift.pooling must be "cls" or "mean", not {p!r}')
        if p == "mean" and not self.mask_padding:
            raise ValueError('sift.pooling = "mean" needs sift.mask_padding = true')
        return p

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self._keys}

    @classmethod
    def from_file(cls, path: Path | str) -> "M2Config":
        return cls(**json.loads(Path(path).read_text()))


# ---------------------------------------------------------------------------------------------- Hyena filter
class Sin(nn.Module):
    def __init__(self, order: int, w: float, w_mod: float):
        super().__init__()
        self.freq = nn.Parameter(w * torch.ones(1, order))
        self.w_mod = w_mod

    def forward(self, x):
        return torch.sin(self.w_mod * self.freq * x)


class HyenaPositions(nn.Module):
    """z = [t, cos(f·w), -sin(f·w)] over l_max positions (t in [0, 1]); z is trainable unless its lr is 0."""

    def __init__(self, emb_dim: int, l_max: int, lr: float):
        super().__init__()
        t = torch.linspace(0, 1, l_max)[None, :, None]
        bands = (emb_dim - 1) // 2
        w = 2 * math.pi * torch.linspace(0, l_max - 1, l_max)[None, :, None] / l_max
        f = torch.linspace(1e-4, bands - 1, bands)[None, None]
        z = torch.cat([t, torch.cos(f * w), -torch.sin(f * w)], dim=-1)
        if lr == 0.0:
            self.register_buffer("z", z)
        else:
            self.z = nn.Parameter(z)
        self.register_buffer("t", t)


class DecayModulation(nn.Module):
    def __init__(self, d: int, fast: float = 0.3, slow: float = 1.5, target: float = 1e-2):
        super().__init__()
        deltas = torch.linspace(math.log(target) / slow, math.log(target) / fast, d)[None, None]
        self.register_buffer("deltas", deltas)


class ImplicitLongFilter(nn.Module):
    """Bidirectional Hyena filter: forward and reverse MLPs over positional features, exponentially decayed."""

    def __init__(self, c: M2Config):
        super().__init__()
        d, o, e = c.hidden_size, c.hyena_filter_order, c.hyena_emb_dim
        if e % 2 == 0 or e < 3:
            raise ValueError(f"hyena_emb_dim must be odd and ≥ 3, got {e}")
        self.bias = nn.Parameter(torch.randn(d))
        self.pos_emb = HyenaPositions(e, c.long_conv_l_max, c.hyena_lr_pos_emb)
        act = Sin(o, c.hyena_w, c.hyena_w_mod)  # one module, shared by every Sin slot of both MLPs (as upstream)

        def mlp() -> nn.Sequential:
            return nn.Sequential(nn.Linear(e, o), act, nn.Linear(o, o), act, nn.Linear(o, o), act, nn.Linear(o, d, bias=False))

        self.implicit_filter = mlp()
        self.implicit_filter_rev = mlp()
        self.modulation = DecayModulation(d)

    def kernels(self, L: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(k_fwd, k_rev), each d×L."""
        if L > self.pos_emb.z.shape[1]:
            raise ValueError(f"sequence length {L} exceeds long_conv_l_max {self.pos_emb.z.shape[1]}")
        z, t = self.pos_emb.z[:, :L], self.pos_emb.t[:, :L]
        decay = torch.exp(-t * self.modulation.deltas.abs())
        k_fwd = (self.implicit_filter(z) * decay)[0].transpose(0, 1)
        k_rev = (self.implicit_filter_rev(z) * decay)[0].transpose(0, 1)
        return k_fwd, k_rev

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: B×d×L → B×d×L; y[n] = Σ_{m≤n} k_fwd[n-m] x[m] + Σ_{m>n} k_rev[m-n-1] x[m] + bias·x[n]."""
        L = x.shape[-1]
        k_fwd, k_rev = self.kernels(L)
        k = F.pad(k_fwd, (0, L)) + F.pad(k_rev.flip(-1), (L, 0))  # d×2L circular kernel
        n = 2 * L
        y = torch.fft.irfft(torch.fft.rfft(x.to(k.dtype), n=n) * torch.fft.rfft(k, n=n), n=n)[..., :L]
        return y + x * self.bias[None, :, None]


# ---------------------------------------------------------------------------------------------- layers
class MonarchSequenceMixer(nn.Module):
    """Registered as `attention` so the checkpoint names match the official ones."""

    def __init__(self, c: M2Config):
        super().__init__()
        d = c.hidden_size
        self.d = d
        self.filter_fn = ImplicitLongFilter(c)
        self.filter_fn2 = ImplicitLongFilter(c)
        self.in_linear = nn.Linear(d, 3 * d)
        self.out_linear = nn.Linear(d, d)
        self.training_additions = bool(c.hyena_training_additions)
        if self.training_additions:
            self.layernorm = nn.LayerNorm(d)
        self.short_filter = nn.Conv1d(3 * d, 3 * d, kernel_size=3, groups=3 * d, padding=2)

    def forward(self, u: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """u: B×L×d. mask: B×L of 0/1 (only for Sift's padding-invariant models), else None."""
        if self.training_additions:
            u = self.layernorm(u)
        L = u.shape[1]
        z = self.short_filter(self.in_linear(u).transpose(1, 2))[..., :L]
        x1, x2, v = z.split(self.d, dim=1)
        v = v * x1
        uT = u.transpose(1, 2)
        if mask is not None:
            m = mask[:, None, :].to(v.dtype)
            v, uT = v * m, uT * m
        y = self.filter_fn(v) * x2 + self.filter_fn2(uT)
        return self.out_linear(y.transpose(1, 2))


class BlockDiagonalLinear(nn.Module):
    """weight: nblocks × out/nblocks × in/nblocks; block k maps input slice k to output slice k."""

    def __init__(self, d_in: int, d_out: int, nblocks: int, bias: bool):
        super().__init__()
        if d_in % nblocks or d_out % nblocks:
            raise ValueError(f"block-diagonal {d_in}→{d_out} needs both divisible by nblocks={nblocks}")
        self.nblocks = nblocks
        w = torch.empty(nblocks, d_out // nblocks, d_in // nblocks)
        bound = 1 / math.sqrt(d_in // nblocks)
        nn.init.uniform_(w, -bound, bound)
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(torch.zeros(d_out)) if bias else None

    def forward(self, x):
        xs = x.reshape(*x.shape[:-1], self.nblocks, -1)
        y = torch.einsum("...kp,kqp->...kq", xs, self.weight).reshape(*x.shape[:-1], -1)
        return y + self.bias if self.bias is not None else y


class GluStateMixer(nn.Module):
    """Registered as `mlp`: LayerNorm(wo(gelu(a) * b) + x) with [a, b] = gated_layers(x)."""

    def __init__(self, c: M2Config):
        super().__init__()
        d, i, nb = c.hidden_size, c.intermediate_size, c.monarch_mlp_nblocks
        self.i = i
        self.gated_layers = BlockDiagonalLinear(d, 2 * i, nb, bias=False)
        self.wo = BlockDiagonalLinear(i, d, nb, bias=True)
        self.layernorm = nn.LayerNorm(d, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x):
        g = self.gated_layers(x)
        h = F.gelu(g[..., : self.i]) * g[..., self.i :]
        return self.layernorm(self.wo(self.dropout(h)) + x)


class M2Layer(nn.Module):
    def __init__(self, c: M2Config):
        super().__init__()
        self.attention = MonarchSequenceMixer(c)
        self.mlp = GluStateMixer(c)

    def forward(self, h, mask=None):
        return self.mlp(self.attention(h, mask))


class M2Embeddings(nn.Module):
    def __init__(self, c: M2Config):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).expand((1, -1)))

    def forward(self, input_ids, token_type_ids=None):
        L = input_ids.shape[1]
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        e = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        e = e + self.position_embeddings(self.position_ids[:, :L])
        return self.dropout(self.LayerNorm(e))


class M2Encoder(nn.Module):
    def __init__(self, c: M2Config):
        super().__init__()
        self.layer = nn.ModuleList([M2Layer(c) for _ in range(c.num_hidden_layers)])


class M2Pooler(nn.Module):
    def __init__(self, c: M2Config):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)


class M2BertModel(nn.Module):
    def __init__(self, c: M2Config):
        super().__init__()
        self.embeddings = M2Embeddings(c)
        self.encoder = M2Encoder(c)
        self.pooler = M2Pooler(c)


class M2ForTextEncoding(nn.Module):
    """`bert.*` names, as the retrieval checkpoints. forward → (last hidden state B×L×d, pooled B×d)."""

    def __init__(self, c: M2Config):
        super().__init__()
        self.config = c
        self.bert = M2BertModel(c)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        if input_ids.shape[1] > self.config.max_position_embeddings:
            raise ValueError(f"{input_ids.shape[1]} tokens exceed max_position_embeddings {self.config.max_position_embeddings}")
        h = self.bert.embeddings(input_ids, token_type_ids)
        mask = attention_mask if self.config.mask_padding else None
        if self.config.mask_padding and mask is None:
            mask = torch.ones_like(input_ids)
        for layer in self.bert.encoder.layer:
            h = layer(h, mask)
        if self.config.pooling == "mean":
            m = mask[..., None].to(h.dtype)
            pooled = torch.tanh(self.bert.pooler.dense((h * m).sum(1) / m.sum(1).clamp(min=1)))
        else:
            pooled = torch.tanh(self.bert.pooler.dense(h[:, 0]))
        return h, pooled


# ---------------------------------------------------------------------------------------------- loading
def shared_freq_groups(state: dict) -> list[list[str]]:
    """Names that the official module tree ties to one tensor (the six Sin `.freq` slots of each filter_fn)."""
    groups: dict[str, list[str]] = {}
    for k in state:
        if k.endswith(".freq") and ".implicit_filter" in k:
            groups.setdefault(k.split(".implicit_filter")[0], []).append(k)
    return [sorted(v) for v in groups.values()]


def normalise_official_state(state: dict) -> tuple[dict, list[str]]:
    """Strips a Composer `model.` prefix, drops MLM/classifier heads; returns (state, dropped names)."""
    out, dropped = {}, []
    for k, v in state.items():
        if k.startswith("model."):
            k = k[len("model.") :]
        if not k.startswith("bert."):
            dropped.append(k)
            continue
        out[k] = v
    return out, dropped


def load_checkpoint_state(folder: Path | str) -> dict:
    """pytorch_model.bin or model.safetensors from a checkpoint folder, as a name → tensor dict."""
    folder = Path(folder)
    st, pt = folder / "model.safetensors", folder / "pytorch_model.bin"
    if st.exists():
        from safetensors_io import read_safetensors

        return read_safetensors(st)
    if pt.exists():
        state = torch.load(pt, map_location="cpu")
        if isinstance(state, dict) and "state" in state and "model" in state["state"]:
            state = state["state"]["model"]  # a Composer checkpoint
        return state
    raise FileNotFoundError(f"{folder} has neither model.safetensors nor pytorch_model.bin")


def load_model(folder: Path | str, dtype=torch.float32) -> M2ForTextEncoding:
    """Builds the model from folder/config.json and loads its weights with strict=True."""
    folder = Path(folder)
    cfg_file = folder / "config.json"
    if not cfg_file.exists():
        raise FileNotFoundError(f"{cfg_file} is missing")
    model = M2ForTextEncoding(M2Config.from_file(cfg_file))
    state, _ = normalise_official_state(load_checkpoint_state(folder))
    state = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()}
    model.load_state_dict(state, strict=True)
    return model.to(dtype).eval()
