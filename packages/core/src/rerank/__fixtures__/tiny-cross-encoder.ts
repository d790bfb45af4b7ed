// Test support: a tiny BERT-style cross-encoder. It is the tiny encoder of embed/__fixtures__ plus a BERT pooler
// (tanh dense on the [CLS] state) and a one-logit classifier, written as a Hugging Face folder; and the same forward
// pass in plain TypeScript (float64, with segment ids) so tests check onnxruntime's logits independently.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { seededRandom } from '../../random.js';
import { floatTensor, int64Tensor, node, valueInfo, FLOAT } from '../../embed/__fixtures__/onnx-builder.js';
import { buildTinyEncoder, F, H, LN_EPS, MAX_POS, makeWeights, tokenizerJson, VOCAB, type TinyWeights } from '../../embed/__fixtures__/tiny-encoder.js';

const { onnx } = onnxProto;

export interface TinyCrossWeights extends TinyWeights {
  wp: Float32Array; bp: Float32Array; // pooler [H,H] [H]
  wc: Float32Array; bc: Float32Array; // classifier [H,1] [1]
}

export function makeCrossWeights(seed = 77): TinyCrossWeights {
  const r = seededRandom(seed + 1);
  const m = (n: number, scale = 0.8) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  return { ...makeWeights(seed), wp: m(H * H), bp: m(H, 0.1), wc: m(H, 1.5), bc: Float32Array.of(0.25) };
}

/** The encoder graph with `logits` [B, 1] = classifier(tanh(pooler(h[:, 0]))) as its only output. */
export function buildTinyCrossEncoder(w: TinyCrossWeights): Uint8Array {
  const model = onnx.ModelProto.decode(buildTinyEncoder(w));
  const g = model.graph!;
  g.initializer!.push(
    floatTensor('wp', [H, H], w.wp), floatTensor('bp', [H], w.bp), floatTensor('wc', [H, 1], w.wc), floatTensor('bc', [1], w.bc),
    int64Tensor('cls_index', [], [0]),
  );
  g.node!.push(
    node({ op: 'Gather', inputs: ['last_hidden_state', 'cls_index'], outputs: ['cls'], attrs: { axis: 1 } }), // [B, H]
    node({ op: 'MatMul', inputs: ['cls', 'wp'], outputs: ['p0'] }),
    node({ op: 'Add', inputs: ['p0', 'bp'], outputs: ['p1'] }),
    node({ op: 'Tanh', inputs: ['p1'], outputs: ['pooled'] }),
    node({ op: 'MatMul', inputs: ['pooled', 'wc'], outputs: ['c0'] }),
    node({ op: 'Add', inputs: ['c0', 'bc'], outputs: ['logits'] }),
  );
  g.output = [valueInfo('logits', FLOAT, ['batch', 1])];
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the Hugging Face folder; returns the weights. */
export function writeTinyCrossEncoder(dir: string, seed = 77): TinyCrossWeights {
  const w = makeCrossWeights(seed);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'onnx', 'model.onnx'), buildTinyCrossEncoder(w));
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertForSequenceClassification'], hidden_size: H, max_position_embeddings: MAX_POS, num_labels: 1 }),
  );
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: MAX_POS, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' }),
  );
  return w;
}

// ---- reference forward pass (float64), one unpadded pair ----
type Vec = number[];
const rowOf = (a: Float32Array, i: number, width: number): Vec => Array.from(a.subarray(i * width, (i + 1) * width));
const affine = (x: Vec, w: Float32Array, outDim: number, b?: Float32Array): Vec =>
  Array.from({ length: outDim }, (_, j) => x.reduce((s, v, i) => s + v * w[i * outDim + j]!, b ? b[j]! : 0));
const layerNorm = (r: Vec, g: Float32Array, b: Float32Array): Vec => {
  const mean = r.reduce((s, v) => s + v, 0) / r.length;
  const varc = r.reduce((s, v) => s + (v - mean) ** 2, 0) / r.length;
  return r.map((v, j) => ((v - mean) / Math.sqrt(varc + LN_EPS)) * g[j]! + b[j]!);
};

/** The relevance logit of one pair given its token ids and segment ids. */
export function referenceLogit(w: TinyCrossWeights, tokenIds: number[], typeIds: number[]): number {
  const x = tokenIds.map((id, p) =>
    layerNorm(rowOf(w.word, id, H).map((v, j) => v + w.pos[p * H + j]! + w.type[typeIds[p]! * H + j]!), w.ln0g, w.ln0b),
  );
  const q = x.map((r) => affine(r, w.wq, H, w.bq));
  const k = x.map((r) => affine(r, w.wk, H));
  const v = x.map((r) => affine(r, w.wv, H));
  const hidden = q.map((qi, i) => {
    const s = k.map((kj) => qi.reduce((a, val, d) => a + val * kj[d]!, 0) / Math.sqrt(H));
    const mx = Math.max(...s);
    const e = s.map((z) => Math.exp(z - mx));
    const z = e.reduce((a, b) => a + b, 0);
    const ctx = Array.from({ length: H }, (_, d) => e.reduce((a, ej, j) => a + (ej / z) * v[j]![d]!, 0));
    const x2 = layerNorm(x[i]!.map((xv, d) => xv + affine(ctx, w.wo, H, w.bo)[d]!), w.ln1g, w.ln1b);
    const h = affine(x2, w.w1, F, w.b1).map(Math.tanh);
    return layerNorm(x2.map((xv, d) => xv + affine(h, w.w2, H, w.b2)[d]!), w.ln2g, w.ln2b);
  });
  const pooled = affine(hidden[0]!, w.wp, H, w.bp).map(Math.tanh);
  return affine(pooled, w.wc, 1, w.bc)[0]!;
}

export { VOCAB, MAX_POS };
