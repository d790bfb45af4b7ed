// Test support: a tiny BERT-like encoder (WordPiece tokenizer, embeddings, one masked self-attention layer, a tanh
// FFN, LayerNorms) written as a Hugging Face layout folder, plus the same forward pass in plain TypeScript (float64)
// so tests can compare onnxruntime's numbers with an independent computation of the same weights.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildModel, FLOAT, floatTensor, INT64, int64Tensor, valueInfo, type NodeSpec } from './onnx-builder.js';
import { seededRandom } from '../../random.js';

export const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;
export const WORDS = [
  'the', 'a', 'cat', 'dog', 'sat', 'on', 'mat', 'rug', 'ran', 'far', 'away', 'big', 'small', 'red', 'blue', 'and',
  'is', 'was', 'it', '.', ',', '##s', '##ed', '##ing', 'sift', 'chunk', 'query',
] as const;
export const VOCAB: string[] = [...SPECIALS, ...WORDS];
export const ids = (tokens: string[]) => tokens.map((t) => VOCAB.indexOf(t));

export const H = 8; // hidden size
export const F = 16; // FFN size
export const MAX_POS = 16;
export const LN_EPS = 1e-5;

export interface TinyWeights {
  word: Float32Array; // [V, H]
  pos: Float32Array; // [MAX_POS, H]
  type: Float32Array; // [2, H]
  ln0g: Float32Array; ln0b: Float32Array;
  wq: Float32Array; bq: Float32Array; wk: Float32Array; wv: Float32Array; wo: Float32Array; bo: Float32Array; // [H,H] / [H]
  ln1g: Float32Array; ln1b: Float32Array;
  w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array; // [H,F] [F] [F,H] [H]
  ln2g: Float32Array; ln2b: Float32Array;
}


export function makeWeights(seed = 1234): TinyWeights {
  const r = seededRandom(seed);
  const m = (n: number, scale = 0.5) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
  const around1 = (n: number) => Float32Array.from({ length: n }, () => 1 + (r() * 2 - 1) * 0.2);
  const V = VOCAB.length;
  return {
    word: m(V * H), pos: m(MAX_POS * H, 0.2), type: m(2 * H, 0.1),
    ln0g: around1(H), ln0b: m(H, 0.1),
    wq: m(H * H), bq: m(H, 0.1), wk: m(H * H), wv: m(H * H), wo: m(H * H), bo: m(H, 0.1),
    ln1g: around1(H), ln1b: m(H, 0.1),
    w1: m(H * F), b1: m(F, 0.1), w2: m(F * H), b2: m(H, 0.1),
    ln2g: around1(H), ln2b: m(H, 0.1),
  };
}

/** The ONNX graph: inputs input_ids/attention_mask/token_type_ids int64 [B, L]; output last_hidden_state [B, L, H]. */
export function buildTinyEncoder(w: TinyWeights): Uint8Array {
  const V = VOCAB.length;
  const init = [
    floatTensor('word', [V, H], w.word), floatTensor('pos', [MAX_POS, H], w.pos), floatTensor('type', [2, H], w.type),
    floatTensor('ln0g', [H], w.ln0g), floatTensor('ln0b', [H], w.ln0b),
    floatTensor('wq', [H, H], w.wq), floatTensor('bq', [H], w.bq), floatTensor('wk', [H, H], w.wk),
    floatTensor('wv', [H, H], w.wv), floatTensor('wo', [H, H], w.wo), floatTensor('bo', [H], w.bo),
    floatTensor('ln1g', [H], w.ln1g), floatTensor('ln1b', [H], w.ln1b),
    floatTensor('w1', [H, F], w.w1), floatTensor('b1', [F], w.b1), floatTensor('w2', [F, H], w.w2), floatTensor('b2', [H], w.b2),
    floatTensor('ln2g', [H], w.ln2g), floatTensor('ln2b', [H], w.ln2b),
    floatTensor('scale', [], Float32Array.of(1 / Math.sqrt(H))),
    floatTensor('one', [], Float32Array.of(1)), floatTensor('neg', [], Float32Array.of(-10000)),
    int64Tensor('i0', [1], [0]), int64Tensor('i1', [1], [1]), int64Tensor('i2', [1], [2]),
  ];
  const n = (op: string, inputs: string[], outputs: string[], attrs?: NodeSpec['attrs']): NodeSpec => ({
    op, inputs, outputs, ...(attrs ? { attrs } : {}),
  });
  const nodes: NodeSpec[] = [
    n('Gather', ['word', 'input_ids'], ['we'], { axis: 0 }),
    n('Shape', ['input_ids'], ['shape']),
    n('Slice', ['shape', 'i1', 'i2'], ['len1']), // [L]
    n('Slice', ['pos', 'i0', 'len1', 'i0'], ['pe']), // [L, H]
    n('Gather', ['type', 'token_type_ids'], ['te'], { axis: 0 }),
    n('Add', ['we', 'pe'], ['x0a']),
    n('Add', ['x0a', 'te'], ['x0']),
    n('LayerNormalization', ['x0', 'ln0g', 'ln0b'], ['x'], { axis: -1, epsilon: LN_EPS }),
    n('MatMul', ['x', 'wq'], ['q0']), n('Add', ['q0', 'bq'], ['q']),
    n('MatMul', ['x', 'wk'], ['k']),
    n('MatMul', ['x', 'wv'], ['v']),
    n('Transpose', ['k'], ['kt'], { perm: [0, 2, 1] }),
    n('MatMul', ['q', 'kt'], ['s0']), n('Mul', ['s0', 'scale'], ['s1']),
    n('Cast', ['attention_mask'], ['mf'], { to: FLOAT }),
    n('Sub', ['one', 'mf'], ['inv']), n('Mul', ['inv', 'neg'], ['bias0']),
    n('Unsqueeze', ['bias0', 'i1'], ['bias']), // [B, 1, L]
    n('Add', ['s1', 'bias'], ['s2']),
    n('Softmax', ['s2'], ['p'], { axis: -1 }),
    n('MatMul', ['p', 'v'], ['ctx']),
    n('MatMul', ['ctx', 'wo'], ['a0']), n('Add', ['a0', 'bo'], ['a']),
    n('Add', ['x', 'a'], ['r1']),
    n('LayerNormalization', ['r1', 'ln1g', 'ln1b'], ['x2'], { axis: -1, epsilon: LN_EPS }),
    n('MatMul', ['x2', 'w1'], ['h0']), n('Add', ['h0', 'b1'], ['h1']), n('Tanh', ['h1'], ['h']),
    n('MatMul', ['h', 'w2'], ['f0']), n('Add', ['f0', 'b2'], ['f']),
    n('Add', ['x2', 'f'], ['r2']),
    n('LayerNormalization', ['r2', 'ln2g', 'ln2b'], ['last_hidden_state'], { axis: -1, epsilon: LN_EPS }),
  ];
  return buildModel({
    name: 'tiny-encoder',
    inputs: [valueInfo('input_ids', INT64, ['batch', 'seq']), valueInfo('attention_mask', INT64, ['batch', 'seq']), valueInfo('token_type_ids', INT64, ['batch', 'seq'])],
    outputs: [valueInfo('last_hidden_state', FLOAT, ['batch', 'seq', H])],
    nodes,
    initializers: init,
  });
}

// ---- reference forward pass, float64, one unpadded sequence ----

type Mat = number[][];
const row = (a: Float32Array, i: number, width: number) => Array.from(a.subarray(i * width, (i + 1) * width));
function matmul(x: Mat, w: Float32Array, inDim: number, outDim: number, b?: Float32Array): Mat {
  return x.map((r) => {
    const o = new Array<number>(outDim).fill(0);
    for (let j = 0; j < outDim; j++) {
      let s = b ? b[j]! : 0;
      for (let i = 0; i < inDim; i++) s += r[i]! * w[i * outDim + j]!;
      o[j] = s;
    }
    return o;
  });
}
function layerNorm(x: Mat, g: Float32Array, b: Float32Array): Mat {
  return x.map((r) => {
    const mean = r.reduce((s, v) => s + v, 0) / r.length;
    const varc = r.reduce((s, v) => s + (v - mean) ** 2, 0) / r.length;
    const inv = 1 / Math.sqrt(varc + LN_EPS);
    return r.map((v, j) => (v - mean) * inv * g[j]! + b[j]!);
  });
}
const add = (x: Mat, y: Mat): Mat => x.map((r, i) => r.map((v, j) => v + y[i]![j]!));

/** Hidden states [L][H] of one sequence of token ids (no padding: attention sees exactly these tokens). */
export function referenceForward(w: TinyWeights, tokenIds: number[]): Mat {
  const x0 = tokenIds.map((id, p) => row(w.word, id, H).map((v, j) => v + w.pos[p * H + j]! + w.type[j]!));
  const x = layerNorm(x0, w.ln0g, w.ln0b);
  const q = matmul(x, w.wq, H, H, w.bq);
  const k = matmul(x, w.wk, H, H);
  const v = matmul(x, w.wv, H, H);
  const ctx = q.map((qi) => {
    const s = k.map((kj) => qi.reduce((acc, val, d) => acc + val * kj[d]!, 0) / Math.sqrt(H));
    const mx = Math.max(...s);
    const e = s.map((z) => Math.exp(z - mx));
    const z = e.reduce((a, b) => a + b, 0);
    const out = new Array<number>(H).fill(0);
    e.forEach((ej, j) => v[j]!.forEach((vv, d) => (out[d] = out[d]! + (ej / z) * vv)));
    return out;
  });
  const x2 = layerNorm(add(x, matmul(ctx, w.wo, H, H, w.bo)), w.ln1g, w.ln1b);
  const h = matmul(x2, w.w1, H, F, w.b1).map((r) => r.map(Math.tanh));
  return layerNorm(add(x2, matmul(h, w.w2, F, H, w.b2)), w.ln2g, w.ln2b);
}

export function tokenizerJson(): Record<string, unknown> {
  const special = (id: number, content: string) => ({
    id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((t, i) => special(i, t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
  };
}

export interface WriteTinyEncoderOptions {
  /** File name under onnx/ (default model.onnx). */
  onnxName?: string;
  seed?: number;
}

/** Writes config.json, tokenizer.json, tokenizer_config.json and onnx/<name> into `dir`; returns the weights. */
export function writeTinyEncoder(dir: string, opts: WriteTinyEncoderOptions = {}): TinyWeights {
  const w = makeWeights(opts.seed);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'onnx', opts.onnxName ?? 'model.onnx'), buildTinyEncoder(w));
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: H, max_position_embeddings: MAX_POS, vocab_size: VOCAB.length, num_hidden_layers: 1 }),
  );
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: MAX_POS,
      cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]',
    }),
  );
  return w;
}
