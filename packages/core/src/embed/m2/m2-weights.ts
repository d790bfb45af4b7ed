// Typed access to an M2-BERT checkpoint by its official parameter names (HazyResearch/m2 `bert/src/bert_layers.py`,
// `mm/monarch_mixer_sequence_mixing.py`, `mm/hyena_utils.py`, `mm/blockdiag_linear.py`). A prefix such as `bert.` or
// `model.bert.` is found from the word-embedding key. The Hyena positional features (pos_emb.z, pos_emb.t) and decay
// rates (modulation.deltas) are taken from the checkpoint when present and otherwise recomputed as the code builds them.
import { SiftError } from '../../errors.js';
import type { M2Config } from './m2-config.js';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Linear layers of a Hyena implicit-filter MLP; Sin(w_mod · freq · x) sits between consecutive ones. */
export interface FilterMlp {
  linears: { w: Tensor; b?: Tensor }[];
}

export interface HyenaFilterWeights {
  /** The per-channel skip term D ("bias" in the code): y += x · D. */
  bias: Float32Array;
  /** Positional features [lMax, embDim]: t, then cos and −sin bands. */
  z: Tensor;
  /** Normalised time [lMax] in [0, 1]. */
  t: Float32Array;
  /** Decay rates [d]; the filter is scaled by exp(−t·|delta|). */
  deltas: Float32Array;
  /** Sin frequencies [order] (one module shared by every Sin of both MLPs). */
  freq: Float32Array;
  wMod: number;
  fwd: FilterMlp;
  rev?: FilterMlp;
}

export interface M2LayerWeights {
  inLinear: { w: Tensor; b: Tensor };
  /** Depthwise Conv1d(k=3, padding=2): weight [3d, 1, 3], bias [3d]. */
  shortFilter: { w: Tensor; b: Tensor };
  outLinear: { w: Tensor; b: Tensor };
  filter: HyenaFilterWeights;
  filter2?: HyenaFilterWeights;
  /** Block-diagonal weights [nblocks, out/nblocks, in/nblocks] (a dense Linear is one block). */
  gated: { w: Tensor; b?: Tensor };
  wo: { w: Tensor; b?: Tensor };
  layernorm: { w: Tensor; b: Tensor };
}

export interface M2Weights {
  config: M2Config;
  wordEmbeddings: Tensor;
  positionEmbeddings?: Tensor;
  tokenTypeEmbeddings: Tensor;
  embLayerNorm: { w: Tensor; b: Tensor };
  layers: M2LayerWeights[];
  pooler: { w: Tensor; b: Tensor };
}

const WORD = 'embeddings.word_embeddings.weight';

export function m2WeightsFrom(tensors: ReadonlyMap<string, Tensor>, config: M2Config, label: string): M2Weights {
  const wordKey = [...tensors.keys()].find((k) => k.endsWith(WORD));
  if (wordKey === undefined) throw new SiftError('E_MODEL_MALFORMED', `${label} has no ${WORD} tensor: not an M2-BERT checkpoint`, { details: { file: label } });
  const prefix = wordKey.slice(0, -WORD.length);
  const get = (name: string): Tensor => {
    const t = tensors.get(prefix + name);
    if (!t) throw new SiftError('E_MODEL_MALFORMED', `${label} is missing tensor ${prefix + name}`, { details: { file: label, tensor: prefix + name } });
    return t;
  };
  const maybe = (name: string): Tensor | undefined => tensors.get(prefix + name);
  const d = config.hidden_size;
  const blocked = (t: Tensor): Tensor => (t.shape.length === 2 ? { shape: [1, ...t.shape], data: t.data } : t);

  const layers: M2LayerWeights[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const a = `encoder.layer.${i}.attention.`;
    const m = `encoder.layer.${i}.mlp.`;
    const gatedB = maybe(`${m}gated_layers.bias`);
    const woB = maybe(`${m}wo.bias`);
    const filter2 = config.residual_long_conv ? hyenaFilter(`${a}filter_fn2.`) : undefined;
    layers.push({
      inLinear: { w: get(`${a}in_linear.weight`), b: get(`${a}in_linear.bias`) },
      shortFilter: { w: get(`${a}short_filter.weight`), b: get(`${a}short_filter.bias`) },
      outLinear: { w: get(`${a}out_linear.weight`), b: get(`${a}out_linear.bias`) },
      filter: hyenaFilter(`${a}filter_fn.`),
      ...(filter2 ? { filter2 } : {}),
      gated: { w: blocked(get(`${m}gated_layers.weight`)), ...(gatedB ? { b: gatedB } : {}) },
      wo: { w: blocked(get(`${m}wo.weight`)), ...(woB ? { b: woB } : {}) },
      layernorm: { w: get(`${m}layernorm.weight`), b: get(`${m}layernorm.bias`) },
    });
  }
  const pos = config.use_positional_encodings ? get('embeddings.position_embeddings.weight') : undefined;
  return {
    config,
    wordEmbeddings: get(WORD),
    ...(pos ? { positionEmbeddings: pos } : {}),
    tokenTypeEmbeddings: get('embeddings.token_type_embeddings.weight'),
    embLayerNorm: { w: get('embeddings.LayerNorm.weight'), b: get('embeddings.LayerNorm.bias') },
    layers,
    pooler: { w: get('pooler.dense.weight'), b: get('pooler.dense.bias') },
  };

  function mlp(p: string): FilterMlp {
    const linears: FilterMlp['linears'] = [];
    // Linear layers sit at even indices (0, 2, 4, …) with Sin modules between them.
    for (let j = 0; tensors.has(`${prefix}${p}${j}.weight`); j += 2) {
      const b = maybe(`${p}${j}.bias`);
      linears.push({ w: get(`${p}${j}.weight`), ...(b ? { b } : {}) });
    }
    if (linears.length === 0) throw new SiftError('E_MODEL_MALFORMED', `${label} is missing tensor ${prefix}${p}0.weight`, { details: { file: label } });
    return { linears };
  }

  function hyenaFilter(p: string): HyenaFilterWeights {
    const lMax = config.long_conv_l_max ?? config.max_position_embeddings;
    const z = maybe(`${p}pos_emb.z`) ?? positionalFeatures(lMax, config.hyena_emb_dim);
    const t = maybe(`${p}pos_emb.t`)?.data ?? Float32Array.from({ length: lMax }, (_, i) => (lMax === 1 ? 0 : i / (lMax - 1)));
    const deltas = maybe(`${p}modulation.deltas`)?.data ?? decayRates(d);
    const rev = config.bidirectional ? mlp(`${p}implicit_filter_rev.`) : undefined;
    return {
      bias: get(`${p}bias`).data,
      z: { shape: [z.shape.at(-2)!, z.shape.at(-1)!], data: z.data },
      t,
      deltas,
      freq: get(`${p}implicit_filter.1.freq`).data,
      wMod: config.hyena_w_mod,
      fwd: mlp(`${p}implicit_filter.`),
      ...(rev ? { rev } : {}),
    };
  }
}

/** Hyena's PositionalEmbedding.z for seq_len = lMax: [t, cos(f·w), −sin(f·w)] with f = linspace(1e-4, bands−1, bands). */
export function positionalFeatures(lMax: number, embDim: number): Tensor {
  const bands = (embDim - 1) / 2;
  const data = new Float32Array(lMax * embDim);
  for (let i = 0; i < lMax; i++) {
    const w = (2 * Math.PI * i) / lMax;
    data[i * embDim] = lMax === 1 ? 0 : i / (lMax - 1);
    for (let b = 0; b < bands; b++) {
      const f = bands === 1 ? 1e-4 : 1e-4 + ((bands - 1 - 1e-4) * b) / (bands - 1);
      data[i * embDim + 1 + b] = Math.cos(f * w);
      data[i * embDim + 1 + bands + b] = -Math.sin(f * w);
    }
  }
  return { shape: [lMax, embDim], data };
}

/** ExponentialModulation.deltas: linspace(log(1e-2)/1.5, log(1e-2)/0.3, d). */
export function decayRates(d: number): Float32Array {
  const lo = Math.log(1e-2) / 1.5;
  const hi = Math.log(1e-2) / 0.3;
  return Float32Array.from({ length: d }, (_, i) => (d === 1 ? lo : lo + ((hi - lo) * i) / (d - 1)));
}
