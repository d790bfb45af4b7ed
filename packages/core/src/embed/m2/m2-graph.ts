// Writes an M2-BERT encoder as an ONNX graph for one fixed sequence length L (the reference pads every input to it).
// Inputs: input_ids int64 [batch, L] (+ attention_mask for mask_padding models). Outputs: pooler_output [batch, d]
// (CLS, or the real tokens' mean with sift.pooling "mean", → dense → tanh) and last_hidden_state [batch, L, d]. The implicit Hyena filters are written as their MLPs over
// the positional features followed by the kernel FFT, so the file holds only the small MLP weights (precomputed
// spectra would take 2 filters × d × 2L complex values per layer). By default they are evaluated on every call; with
// `kernels: 'fold'` every input of that subgraph is an initializer and onnxruntime folds the spectra at session creation.
import { ONNX_INT64 } from '../tfjs-to-onnx/onnx-writer.js';
import { GraphBuilder, transpose2d } from './_graph-builder.js';
import { forwardReal, inverseRealHalf, multiplySpectra, planFactors } from './fft-graph.js';
import { m2Pooling, m2SequenceLength, masksPadding } from './m2-config.js';
import type { FilterMlp, HyenaFilterWeights, M2LayerWeights, M2Weights, Tensor } from './m2-weights.js';

export interface M2GraphOptions {
  /** Sequence length of the graph (default: the model's). */
  length?: number;
  /** Largest FFT stage (default DEFAULT_M2_RADIX). */
  maxRadix?: number;
  /** `matmul`: FFT as matrix products (every execution provider). `dft`: the ONNX DFT op (onnxruntime: CPU only). */
  fft?: 'matmul' | 'dft';
  /**
   * `per-call` (default): the filter spectra are computed on every call (about +50% CPU at 2k). `fold`: they only
   * depend on initializers, so onnxruntime folds them at session creation: faster calls, but onnxruntime's folding
   * keeps about 1 GB resident per session at 2k and 5 GB at 8k for sift-m2-mini's shape (measured, bench/_m2-measure.ts).
   */
  kernels?: 'per-call' | 'fold';
}

export const M2_OPSET = 17;
/**
 * Default largest FFT stage. Measured at L=2048 (sift-m2-mini shape, one CPU thread, CPU time per document): stages
 * 16·16·16 313 ms, 64·64 322 ms: the same; at 32k (one layer) 16⁴ beats 64·32·32 by 7 % and 8·8·8·8·4·4 by 12–17 %.
 */
export const DEFAULT_M2_RADIX = 16;

export function buildM2Graph(w: M2Weights, opts: M2GraphOptions = {}): Uint8Array {
  const c = w.config;
  const d = c.hidden_size;
  const L = opts.length ?? m2SequenceLength(c);
  if (w.positionEmbeddings && L > w.positionEmbeddings.shape[0]!) {
    throw new Error(`graph length ${L} exceeds the model's ${w.positionEmbeddings.shape[0]} positions`);
  }
  const factors = planFactors(2 * L, opts.maxRadix ?? DEFAULT_M2_RADIX);
  const g = new GraphBuilder();
  const ids = g.input('input_ids', ONNX_INT64, ['batch', L]);
  // A 1.0 that onnxruntime cannot constant-fold (it depends on the input's size), to keep the filters per call.
  const size = opts.kernels === 'fold' ? undefined : g.op('Cast', [g.op('Size', [ids])], { to: { i: 1 } });
  const one = size === undefined ? undefined : g.op('Div', [size, size]);
  // Models trained with mask_padding zero the long convolutions' inputs at padded positions ([batch, L, 1] float).
  const mask = masksPadding(c)
    ? g.op('Unsqueeze', [g.op('Cast', [g.input('attention_mask', ONNX_INT64, ['batch', L])], { to: { i: 1 } }), g.ints([2])])
    : undefined;

  // Embeddings: word rows gathered, plus the (constant) position rows 0…L−1 and token type 0, then LayerNorm.
  let h = g.op('Gather', [g.float('word_embeddings', w.wordEmbeddings.shape, w.wordEmbeddings.data), ids], { axis: { i: 0 } });
  const fixed = new Float32Array(L * d);
  for (let t = 0; t < L; t++) {
    for (let j = 0; j < d; j++) fixed[t * d + j] = (w.positionEmbeddings?.data[t * d + j] ?? 0) + w.tokenTypeEmbeddings.data[j]!;
  }
  h = g.add(h, g.float('pos_type_embeddings', [L, d], fixed));
  h = g.layerNorm(h, 'emb_ln', w.embLayerNorm.w.data, w.embLayerNorm.b.data, c.layer_norm_eps);

  w.layers.forEach((layer, i) => {
    const a = sequenceMixer(g, layer, h, L, d, factors, opts.fft ?? 'matmul', `l${i}`, mask, one);
    h = stateMixer(g, layer, a, L, d, c.intermediate_size, c.use_glu_mlp, c.layer_norm_eps, `l${i}`);
  });

  let first: string;
  if (m2Pooling(c) === 'mean' && mask) {
    // Mean of the real tokens' states ([batch, L, d] · mask summed over L, over the mask's sum).
    const sum = g.op('ReduceSum', [g.mul(h, mask), g.ints([1])], { keepdims: { i: 0 } });
    const count = g.op('Max', [g.op('ReduceSum', [mask, g.ints([1])], { keepdims: { i: 0 } }), g.scalar(1)]);
    first = g.op('Div', [sum, count]);
  } else first = g.reshape(g.slice(h, [0], [1], [1]), [0, d]);
  const pooled = g.op('Tanh', [g.linear('pooler', first, w.pooler.w, w.pooler.b)]);
  g.output(pooled, 'pooler_output', ['batch', d]);
  g.output(h, 'last_hidden_state', ['batch', L, d]);
  return g.encode('m2_bert', M2_OPSET, `M2-BERT encoder, L=${L}, FFT ${opts.fft ?? 'matmul'} stages ${factors.join('x')}, kernels ${opts.kernels ?? 'per-call'}`);
}

function sequenceMixer(
  g: GraphBuilder,
  layer: M2LayerWeights,
  u: string,
  L: number,
  d: number,
  factors: number[],
  fft: 'matmul' | 'dft',
  hint: string,
  mask: string | undefined,
  one: string | undefined,
): string {
  const z = g.linear(`${hint}_in`, u, layer.inLinear.w, layer.inLinear.b);
  // Depthwise Conv1d(k=3, padding=2), first L outputs: w0·z[t−2] + w1·z[t−1] + w2·z[t] + b.
  const C3 = 3 * d;
  const zp = g.op('Pad', [z, g.ints([0, 2, 0, 0, 0, 0])]);
  const sw = layer.shortFilter.w.data;
  let uc = g.add(g.mul(g.slice(zp, [2], [L + 2], [1]), g.float(`${hint}_sf2`, [C3], tap(sw, C3, 2))), g.float(`${hint}_sfb`, [C3], layer.shortFilter.b.data));
  uc = g.add(uc, g.mul(g.slice(zp, [1], [L + 1], [1]), g.float(`${hint}_sf1`, [C3], tap(sw, C3, 1))));
  uc = g.add(uc, g.mul(g.slice(zp, [0], [L], [1]), g.float(`${hint}_sf0`, [C3], tap(sw, C3, 0))));
  const x1 = g.slice(uc, [0], [d], [2]);
  const x2 = g.slice(uc, [d], [2 * d], [2]);
  const v = g.slice(uc, [2 * d], [3 * d], [2]);
  const vx = g.mul(v, x1);

  // Both long convolutions (v·x1 with filter 1, the raw input with filter 2) in one transform over 2d channels.
  const filters = [layer.filter, ...(layer.filter2 ? [layer.filter2] : [])];
  const C = d * filters.length;
  let x = filters.length === 2 ? g.op('Concat', [vx, u], { axis: { i: 2 } }) : vx;
  if (mask) x = g.mul(x, mask);
  const kTime = filters.every((f) => f.rev)
    ? // Both directions in one batched MLP per filter ([2, L, d]), the filters side by side: one Concat, not three.
      g.reshape(filters.length === 2 ? g.op('Concat', filters.map((f) => bidirectionalTaps(g, f, L, d, one)), { axis: { i: 2 } }) : bidirectionalTaps(g, layer.filter, L, d, one), [2 * L, C])
    : filters.length === 2
      ? g.op('Concat', filters.map((f) => filterTaps(g, f, L, d, one)), { axis: { i: 1 } })
      : filterTaps(g, layer.filter, L, d, one);
  const conv = fft === 'dft' ? dftConv(g, x, kTime, L, C) : matmulConv(g, x, kTime, L, C, factors);
  const D = new Float32Array(C);
  filters.forEach((f, i) => D.set(f.bias, i * d));
  const yAll = g.add(conv, g.mul(x, g.float(`${hint}_D`, [C], D)));
  let y = g.mul(g.slice(yAll, [0], [d], [2]), x2);
  if (filters.length === 2) y = g.add(y, g.slice(yAll, [d], [2 * d], [2]));
  return g.linear(`${hint}_out`, y, layer.outLinear.w, layer.outLinear.b);
}

function matmulConv(g: GraphBuilder, x: string, kTime: string, L: number, C: number, factors: number[]): string {
  const N = 2 * L;
  // The kernel spectrum, scaled by 1/N so the unscaled inverse gives the convolution (fftconv's rfft(k)/N with
  // norm="forward" irfft).
  const k = forwardReal(g, kTime, factors, C, { halfInput: false, role: 'kernel', batch: 1, scale: 1 / N });
  const s = forwardReal(g, x, factors, C, { halfInput: true, role: 'signal' });
  return inverseRealHalf(g, multiplySpectra(g, s, k), factors, C);
}

/** The same convolution with the opset-17 DFT op (complex DFT of the zero-padded input; onnxruntime runs it on CPU). */
function dftConv(g: GraphBuilder, x: string, kTime: string, L: number, C: number): string {
  const N = 2 * L;
  const padded = g.op('Pad', [x, g.ints([0, 0, 0, 0, L, 0])]);
  const xs = g.op('DFT', [g.op('Unsqueeze', [padded, g.ints([3])])], { axis: { i: 1 } });
  const k4 = g.op('Unsqueeze', [g.mul(kTime, g.scalar(1 / N)), g.ints([0, 3])]);
  const ks = g.op('DFT', [k4], { axis: { i: 1 } });
  const re = (t: string) => g.slice(t, [0], [1], [3]);
  const im = (t: string) => g.slice(t, [1], [2], [3]);
  const pr = g.sub(g.mul(re(xs), re(ks)), g.mul(im(xs), im(ks)));
  const pi = g.add(g.mul(re(xs), im(ks)), g.mul(im(xs), re(ks)));
  const back = g.op('DFT', [g.op('Concat', [pr, pi], { axis: { i: 3 } })], { axis: { i: 1 }, inverse: { i: 1 } });
  // onnxruntime's inverse DFT divides by N; undo it (the 1/N is already in the kernel).
  const real = g.mul(g.slice(back, [0, 0], [L, 1], [1, 3]), g.scalar(N));
  return g.op('Squeeze', [real, g.ints([3])]);
}

/** Time-domain taps [2L, d]: k_fwd in the first L rows, flip(k_rev) in the last L (zeros when one-directional). */
function filterTaps(g: GraphBuilder, f: HyenaFilterWeights, L: number, d: number, one: string | undefined): string {
  const e = f.z.shape[1]!;
  const z = f.z.data.subarray(0, L * e);
  const t = f.t.subarray(0, L);
  const fwd = taps(g, f, f.fwd, z, t, L, e, d, one);
  if (!f.rev) return g.op('Pad', [fwd, g.ints([0, 0, L, 0])]);
  // flip(k_rev)[j] = k_rev[L−1−j], and the filter is a per-position function of (z, t): feed both reversed.
  const zr = new Float32Array(L * e);
  const tr = new Float32Array(L);
  for (let i = 0; i < L; i++) {
    zr.set(z.subarray((L - 1 - i) * e, (L - i) * e), i * e);
    tr[i] = t[L - 1 - i]!;
  }
  return g.op('Concat', [fwd, taps(g, f, f.rev, zr, tr, L, e, d, one)], { axis: { i: 0 } });
}

/** Taps of a two-directional filter as [2, L, d]: k_fwd, then flip(k_rev) (both MLPs as one batched MatMul chain). */
function bidirectionalTaps(g: GraphBuilder, f: HyenaFilterWeights, L: number, d: number, one: string | undefined): string {
  const e = f.z.shape[1]!;
  const rev = f.rev!;
  // flip(k_rev)[j] = k_rev[L−1−j], and the filter is a per-position function of (z, t): feed it both reversed.
  const z2 = new Float32Array(2 * L * e);
  const t2 = new Float32Array(2 * L);
  z2.set(f.z.data.subarray(0, L * e));
  t2.set(f.t.subarray(0, L));
  for (let i = 0; i < L; i++) {
    z2.set(f.z.data.subarray((L - 1 - i) * e, (L - i) * e), (L + i) * e);
    t2[L + i] = f.t[L - 1 - i]!;
  }
  const perCall = (c: string) => (one ? g.mul(c, one) : c);
  let x = perCall(g.float('hyena_z', [2, L, e], z2));
  const freq = g.float('hyena_freq', [f.freq.length], f.freq.map((v) => v * f.wMod));
  f.fwd.linears.forEach((lin, i) => {
    const back = rev.linears[i]!;
    const [out, inp] = lin.w.shape as [number, number];
    const w = new Float32Array(2 * inp * out);
    w.set(transpose2d(lin.w.data, out, inp));
    w.set(transpose2d(back.w.data, out, inp), inp * out);
    x = g.matmul(x, g.float('hyena_wT', [2, inp, out], w));
    if (lin.b || back.b) {
      const b = new Float32Array(2 * out);
      if (lin.b) b.set(lin.b.data);
      if (back.b) b.set(back.b.data, out);
      x = g.add(x, g.float('hyena_b', [2, 1, out], b));
    }
    if (i < f.fwd.linears.length - 1) x = g.op('Sin', [g.mul(x, freq)]);
  });
  const negRates = g.float('hyena_rates', [1, 1, d], f.deltas.map((v) => -Math.abs(v)));
  const decay = g.op('Exp', [g.mul(perCall(g.float('hyena_t', [2, L, 1], t2)), negRates)]);
  return g.mul(x, decay);
}

function taps(g: GraphBuilder, f: HyenaFilterWeights, mlp: FilterMlp, z: Float32Array, t: Float32Array, L: number, e: number, d: number, one: string | undefined): string {
  const perCall = (c: string) => (one ? g.mul(c, one) : c);
  let x = perCall(g.float('hyena_z', [L, e], z));
  const freq = g.float('hyena_freq', [f.freq.length], f.freq.map((v) => v * f.wMod));
  mlp.linears.forEach((lin, i) => {
    x = g.linear('hyena', x, lin.w, lin.b);
    if (i < mlp.linears.length - 1) x = g.op('Sin', [g.mul(x, freq)]);
  });
  const negRates = g.float('hyena_rates', [1, d], f.deltas.map((v) => -Math.abs(v)));
  const decay = g.op('Exp', [g.mul(perCall(g.float('hyena_t', [L, 1], t)), negRates)]);
  return g.mul(x, decay);
}

function tap(w: Float32Array, C: number, k: number): Float32Array {
  return Float32Array.from({ length: C }, (_, j) => w[j * 3 + k]!);
}

/** BertGatedLinearUnitMLP (or BertMLP) with BlockdiagLinear layers, then LayerNorm(mlp + residual). */
function stateMixer(g: GraphBuilder, layer: M2LayerWeights, a: string, L: number, d: number, I: number, glu: boolean, eps: number, hint: string): string {
  const [nb, q] = layer.gated.w.shape as [number, number];
  const [nbo, , po] = layer.wo.w.shape as [number, number, number];
  const blockMajor = nb > 1 && nbo === nb && po * nb === I && q === (glu ? 2 : 1) * po && (!glu || nb % 2 === 0);
  let o: string;
  if (blockMajor) o = blockMajorMlp(g, layer, a, L, d, I, glu, hint);
  else {
    let hdn = blockdiag(g, a, layer.gated.w, layer.gated.b, L, `${hint}_gated`);
    hdn = glu ? g.mul(g.gelu(g.slice(hdn, [0], [I], [2])), g.slice(hdn, [I], [2 * I], [2])) : g.gelu(hdn);
    o = blockdiag(g, hdn, layer.wo.w, layer.wo.b, L, `${hint}_wo`);
  }
  return g.layerNorm(g.add(o, a), `${hint}_ln`, layer.layernorm.w.data, layer.layernorm.b.data, eps);
}

/**
 * The block-diagonal MLP with its wide hidden states kept block-major ([B, nb, L, I/nb]), so that only the d-wide
 * input and output are transposed (at 32k the transposes of the 2I- and I-wide states cost more than the MatMuls).
 * With the GLU, gated block m yields wo's blocks 2m and 2m+1 (gate for m < nb/2, value otherwise): one broadcast
 * MatMul per half, [B, nb/2, 1, L, p] · [nb/2, 2, p, I/nb], writes them directly in wo's block order.
 */
function blockMajorMlp(g: GraphBuilder, layer: M2LayerWeights, a: string, L: number, d: number, I: number, glu: boolean, hint: string): string {
  const [nb, q, p] = layer.gated.w.shape as [number, number, number];
  const w = layer.gated.w.data;
  const b = layer.gated.b?.data;
  const r = I / nb;
  let hdn: string;
  if (glu) {
    // Input blocks [B, 2 (gate/value half), nb/2, L, p].
    const xb = g.transpose(g.reshape(a, [0, L, 2, nb / 2, p]), [0, 2, 3, 1, 4]);
    const half = (h: number) => {
      // W[m', s, i, j] = gated.w[m, s·r + j, i] for gated block m = h·nb/2 + m', sub-block s.
      const wT = new Float32Array((nb / 2) * 2 * p * r);
      for (let m = 0; m < nb / 2; m++) {
        const blk = h * (nb / 2) + m;
        for (let s = 0; s < 2; s++) for (let i = 0; i < p; i++) for (let j = 0; j < r; j++) wT[((m * 2 + s) * p + i) * r + j] = w[(blk * q + s * r + j) * p + i]!;
      }
      const x = g.reshape(g.slice(xb, [h], [h + 1], [1]), [0, nb / 2, 1, L, p]);
      const y = g.reshape(g.matmul(x, g.float(`${hint}_gated_wT`, [nb / 2, 2, p, r], wT)), [0, nb, L, r]);
      return b ? g.add(y, g.float(`${hint}_gated_b`, [nb, 1, r], b.subarray(h * I, (h + 1) * I))) : y;
    };
    hdn = g.mul(g.gelu(half(0)), half(1));
  } else {
    const xb = g.transpose(g.reshape(a, [0, L, nb, p]), [0, 2, 1, 3]);
    const y = g.matmul(xb, g.float(`${hint}_gated_wT`, [nb, p, q], blocksTransposed(w, nb, q, p)));
    hdn = g.gelu(b ? g.add(y, g.float(`${hint}_gated_b`, [nb, 1, q], b)) : y);
  }
  const [, qo, po] = layer.wo.w.shape as [number, number, number];
  const ob = g.matmul(hdn, g.float(`${hint}_wo_wT`, [nb, po, qo], blocksTransposed(layer.wo.w.data, nb, qo, po)));
  const y = g.reshape(g.transpose(ob, [0, 2, 1, 3]), [0, L, d]);
  return layer.wo.b ? g.add(y, g.float(`${hint}_wo_b`, [d], layer.wo.b.data)) : y;
}

/** Block weights [nb, q, p] (PyTorch's out × in per block) as [nb, p, q]. */
function blocksTransposed(w: Float32Array, nb: number, q: number, p: number): Float32Array {
  const wT = new Float32Array(nb * p * q);
  for (let k = 0; k < nb; k++) for (let j = 0; j < q; j++) for (let i = 0; i < p; i++) wT[(k * p + i) * q + j] = w[(k * q + j) * p + i]!;
  return wT;
}

/** x [B, L, nb·p] with W [nb, q, p]: one batched MatMul over blocks ([B, nb, L, p] · [nb, p, q]). */
function blockdiag(g: GraphBuilder, x: string, w: Tensor, b: Tensor | undefined, L: number, hint: string): string {
  const [nb, q, p] = w.shape as [number, number, number];
  let y: string;
  if (nb === 1) {
    y = g.linear(hint, x, { shape: [q, p], data: w.data });
  } else {
    const wT = blocksTransposed(w.data, nb, q, p);
    const xb = g.transpose(g.reshape(x, [0, L, nb, p]), [0, 2, 1, 3]);
    const yb = g.matmul(xb, g.float(`${hint}_wT`, [nb, p, q], wT));
    y = g.reshape(g.transpose(yb, [0, 2, 1, 3]), [0, L, nb * q]);
  }
  return b ? g.add(y, g.float(`${hint}_b`, [b.data.length], b.data)) : y;
}
