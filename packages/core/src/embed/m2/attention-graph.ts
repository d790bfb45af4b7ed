// A BERT-style attention encoder (learned positions, post-LN, dense GELU FFN, CLS → dense → tanh pooler) with seeded
// random weights, written with the same builder as the M2 graph: the baseline of the M2 scaling bench. Queries are
// processed in blocks so that the L×L score matrix of one block, not of the whole sequence, is alive at a time (same
// arithmetic, O(L²) time, bounded memory at 32k).
import { seededRandom } from '../../random.js';
import { ONNX_INT64 } from '../tfjs-to-onnx/onnx-writer.js';
import { GraphBuilder } from './_graph-builder.js';

export interface AttentionEncoderOptions {
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  vocabSize: number;
  length: number;
  /** Query rows per attention block (default 2048). */
  queryBlock?: number;
  seed?: number;
}

export function buildAttentionEncoderGraph(o: AttentionEncoderOptions): Uint8Array {
  const { hiddenSize: d, heads: H, length: L } = o;
  const dh = d / H;
  if (!Number.isInteger(dh)) throw new Error(`hidden size ${d} is not a multiple of ${H} heads`);
  const rand = seededRandom(o.seed ?? 1);
  const uniform = (n: number, bound: number) => Float32Array.from({ length: n }, () => (2 * rand() - 1) * bound);
  const lin = (out: number, inp: number) => ({ w: { shape: [out, inp], data: uniform(out * inp, 1 / Math.sqrt(inp)) }, b: { data: uniform(out, 1 / Math.sqrt(inp)) } });
  const ones = (n: number) => new Float32Array(n).fill(1);
  const g = new GraphBuilder();
  const ids = g.input('input_ids', ONNX_INT64, ['batch', L]);
  let h = g.op('Gather', [g.float('word', [o.vocabSize, d], uniform(o.vocabSize * d, 0.5)), ids], { axis: { i: 0 } });
  h = g.add(h, g.float('pos', [L, d], uniform(L * d, 0.5)));
  h = g.layerNorm(h, 'emb_ln', ones(d), new Float32Array(d), 1e-12);
  const block = Math.min(L, o.queryBlock ?? 2048);
  for (let l = 0; l < o.layers; l++) {
    const qkvW = lin(3 * d, d);
    const qkv = g.linear(`l${l}_qkv`, h, qkvW.w, qkvW.b);
    const part = (i: number) => g.transpose(g.reshape(g.slice(qkv, [i * d], [(i + 1) * d], [2]), [0, L, H, dh]), [0, 2, 1, 3]);
    const q = g.mul(part(0), g.scalar(1 / Math.sqrt(dh)));
    const kT = g.transpose(part(1), [0, 1, 3, 2]);
    const v = part(2);
    const blocks: string[] = [];
    for (let s = 0; s < L; s += block) {
      const scores = g.matmul(g.slice(q, [s], [Math.min(L, s + block)], [2]), kT);
      blocks.push(g.matmul(g.op('Softmax', [scores], { axis: { i: -1 } }), v));
    }
    const ctx = blocks.length === 1 ? blocks[0]! : g.op('Concat', blocks, { axis: { i: 2 } });
    const merged = g.reshape(g.transpose(ctx, [0, 2, 1, 3]), [0, L, d]);
    const attn = lin(d, d);
    h = g.layerNorm(g.add(g.linear(`l${l}_o`, merged, attn.w, attn.b), h), `l${l}_ln1`, ones(d), new Float32Array(d), 1e-12);
    const up = lin(o.intermediateSize, d);
    const down = lin(d, o.intermediateSize);
    const ffn = g.linear(`l${l}_down`, g.gelu(g.linear(`l${l}_up`, h, up.w, up.b)), down.w, down.b);
    h = g.layerNorm(g.add(ffn, h), `l${l}_ln2`, ones(d), new Float32Array(d), 1e-12);
  }
  const cls = g.reshape(g.slice(h, [0], [1], [1]), [0, d]);
  const pool = lin(d, d);
  g.output(g.op('Tanh', [g.linear('pooler', cls, pool.w, pool.b)]), 'pooler_output', ['batch', d]);
  g.output(h, 'last_hidden_state', ['batch', L, d]);
  return g.encode('attention_encoder', 17, `BERT-style attention encoder (random weights), L=${L}`);
}
