// Seeded random M2-BERT weights in the official parameter layout (names and shapes of HazyResearch/m2), for the
// numerics tests and the bench, which must run without Python or a downloaded checkpoint. Initialisation follows the
// PyTorch defaults the code uses (Linear: U(±1/√fan_in); Sin frequency w; embeddings N(0, 0.02)).
import { seededRandom } from '../../random.js';
import { parseM2Config, type M2Config } from './m2-config.js';
import { decayRates, positionalFeatures, type Tensor } from './m2-weights.js';

export interface RandomM2Options {
  hiddenSize: number;
  layers: number;
  intermediateSize: number;
  vocabSize: number;
  /** Sequence length (max_position_embeddings = long_conv_l_max). */
  length: number;
  filterOrder?: number;
  nblocks?: number;
  /** GLU state mixer (default true, as the official models). */
  glu?: boolean;
  /** A bias on the gated (first) block-diagonal layer (the official models have none). */
  gatedBias?: boolean;
  seed?: number;
}

export function randomM2Config(o: RandomM2Options): M2Config {
  return parseM2Config(
    {
      hidden_size: o.hiddenSize,
      num_hidden_layers: o.layers,
      intermediate_size: o.intermediateSize,
      vocab_size: o.vocabSize,
      max_position_embeddings: o.length,
      long_conv_l_max: o.length,
      hyena_filter_order: o.filterOrder ?? 32,
      monarch_mlp_nblocks: o.nblocks ?? 4,
      use_glu_mlp: o.glu ?? true,
    },
    'random M2 config',
  );
}

/** Tensors named as in an official checkpoint, under the `bert.` prefix. */
export function randomM2Tensors(o: RandomM2Options): { config: M2Config; tensors: Map<string, Tensor> } {
  const config = randomM2Config(o);
  const rand = seededRandom(o.seed ?? 1);
  const normal = (std: number) => std * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const tensors = new Map<string, Tensor>();
  const put = (name: string, shape: number[], fill: (i: number) => number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    tensors.set(`bert.${name}`, { shape, data: Float32Array.from({ length: n }, (_, i) => fill(i)) });
  };
  const uniform = (bound: number) => () => (2 * rand() - 1) * bound;
  const linear = (name: string, out: number, inp: number, bias = true) => {
    put(`${name}.weight`, [out, inp], uniform(1 / Math.sqrt(inp)));
    if (bias) put(`${name}.bias`, [out], uniform(1 / Math.sqrt(inp)));
  };
  const ln = (name: string) => {
    put(`${name}.weight`, [d], () => 1 + normal(0.1));
    put(`${name}.bias`, [d], () => normal(0.1));
  };
  const d = o.hiddenSize;
  const I = o.intermediateSize;
  const nb = o.nblocks ?? 4;
  const order = o.filterOrder ?? 32;
  const e = config.hyena_emb_dim;
  const L = o.length;
  put('embeddings.word_embeddings.weight', [o.vocabSize, d], () => normal(0.5));
  put('embeddings.position_embeddings.weight', [L, d], () => normal(0.5));
  put('embeddings.token_type_embeddings.weight', [config.type_vocab_size, d], () => normal(0.5));
  ln('embeddings.LayerNorm');
  const z = positionalFeatures(L, e);
  for (let i = 0; i < o.layers; i++) {
    const a = `encoder.layer.${i}.attention`;
    linear(`${a}.in_linear`, 3 * d, d);
    linear(`${a}.out_linear`, d, d);
    put(`${a}.short_filter.weight`, [3 * d, 1, 3], uniform(1 / Math.sqrt(3)));
    put(`${a}.short_filter.bias`, [3 * d], uniform(1 / Math.sqrt(3)));
    for (const f of ['filter_fn', 'filter_fn2']) {
      const p = `${a}.${f}`;
      put(`${p}.bias`, [d], () => normal(1));
      put(`${p}.pos_emb.z`, [1, L, e], (j) => z.data[j]!);
      put(`${p}.pos_emb.t`, [1, L, 1], (j) => z.data[j * e]!);
      put(`${p}.modulation.deltas`, [1, 1, d], (j) => decayRates(d)[j]!);
      // One Sin module is shared by every activation of both MLPs, so each index holds the same frequencies.
      const freq = Float32Array.from({ length: order }, () => 10 + normal(1));
      for (const m of ['implicit_filter', 'implicit_filter_rev']) {
        linear(`${p}.${m}.0`, order, e);
        linear(`${p}.${m}.2`, order, order);
        linear(`${p}.${m}.4`, order, order);
        linear(`${p}.${m}.6`, d, order, false);
        for (const k of [1, 3, 5]) put(`${p}.${m}.${k}.freq`, [1, order], (j) => freq[j]!);
      }
    }
    const m = `encoder.layer.${i}.mlp`;
    const gatedOut = (o.glu ?? true) ? 2 * I : I;
    put(`${m}.gated_layers.weight`, [nb, gatedOut / nb, d / nb], uniform(1 / Math.sqrt(d / nb)));
    if (o.gatedBias) put(`${m}.gated_layers.bias`, [gatedOut], uniform(1 / Math.sqrt(d / nb)));
    put(`${m}.wo.weight`, [nb, d / nb, I / nb], uniform(1 / Math.sqrt(I / nb)));
    put(`${m}.wo.bias`, [d], uniform(1 / Math.sqrt(I / nb)));
    ln(`${m}.layernorm`);
  }
  linear('pooler.dense', d, d);
  return { config, tensors };
}
