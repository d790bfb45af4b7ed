import { SiftError } from '@sift/core';

/**
 * SAGE's segmentation head: an MLP over [x1, x2, |x1 − x2|, x1 ⊙ x2] of two sentence embeddings that outputs
 * P(same segment). One hidden ReLU layer; features are standardised with the training set's mean and std.
 */
export interface PairMlpWeights {
  dim: number;
  hidden: number;
  /** Per-feature mean and std (length 4·dim). */
  featMean: Float32Array;
  featStd: Float32Array;
  /** hidden × 4·dim, row-major. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}

/** Writes the 4·dim pair features of (a, b) into `out`. */
export function pairFeatures(a: Float32Array, b: Float32Array, out: Float32Array): Float32Array {
  const d = a.length;
  for (let i = 0; i < d; i++) {
    const x = a[i]!;
    const y = b[i]!;
    out[i] = x;
    out[d + i] = y;
    out[2 * d + i] = Math.abs(x - y);
    out[3 * d + i] = x * y;
  }
  return out;
}

/** Standardises features in place with the model's mean/std. */
export function standardize(f: Float32Array, w: Pick<PairMlpWeights, 'featMean' | 'featStd'>): void {
  for (let i = 0; i < f.length; i++) f[i] = (f[i]! - w.featMean[i]!) / w.featStd[i]!;
}

/** Forward pass on standardised features; fills `h` (post-ReLU) and returns the logit. */
export function forward(w: PairMlpWeights, f: Float32Array, h: Float32Array): number {
  const F = 4 * w.dim;
  let z = w.b2;
  for (let j = 0; j < w.hidden; j++) {
    let s = w.b1[j]!;
    const row = j * F;
    for (let i = 0; i < F; i++) s += w.w1[row + i]! * f[i]!;
    const a = s > 0 ? s : 0;
    h[j] = a;
    z += w.w2[j]! * a;
  }
  return z;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** P(same segment) for each adjacent pair (vectors[i], vectors[i+1]). */
export function pairProbabilities(w: PairMlpWeights, vectors: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(Math.max(vectors.length - 1, 0));
  const f = new Float32Array(4 * w.dim);
  const h = new Float32Array(w.hidden);
  for (let i = 0; i + 1 < vectors.length; i++) {
    pairFeatures(vectors[i]!, vectors[i + 1]!, f);
    standardize(f, w);
    out[i] = sigmoid(forward(w, f, h));
  }
  return out;
}

const MAGIC = 0x4d505353; // "SSPM" little-endian: Sift Segmenter Pair Mlp

/** Binary layout: u32 magic, u32 dim, u32 hidden, then float32 LE featMean, featStd, w1, b1, w2, b2. */
export function encodeWeights(w: PairMlpWeights): Uint8Array {
  const F = 4 * w.dim;
  const floats = 2 * F + w.hidden * F + 2 * w.hidden + 1;
  const buf = new ArrayBuffer(12 + 4 * floats);
  const view = new DataView(buf);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, w.dim, true);
  view.setUint32(8, w.hidden, true);
  let off = 12;
  for (const arr of [w.featMean, w.featStd, w.w1, w.b1, w.w2, Float32Array.of(w.b2)]) {
    for (let i = 0; i < arr.length; i++, off += 4) view.setFloat32(off, arr[i]!, true);
  }
  return new Uint8Array(buf);
}

export function decodeWeights(bytes: Uint8Array, file: string): PairMlpWeights {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new SiftError('E_MODEL_MALFORMED', `${file}: ${why}`, { details: { file } });
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw bad('not a pair-segmenter weights file (bad magic)');
  const dim = view.getUint32(4, true);
  const hidden = view.getUint32(8, true);
  const F = 4 * dim;
  const floats = 2 * F + hidden * F + 2 * hidden + 1;
  if (dim === 0 || hidden === 0 || bytes.byteLength !== 12 + 4 * floats) {
    throw bad(`size ${bytes.byteLength} B does not match dim=${dim}, hidden=${hidden}`);
  }
  let off = 12;
  const take = (len: number) => {
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++, off += 4) a[i] = view.getFloat32(off, true);
    return a;
  };
  const featMean = take(F);
  const featStd = take(F);
  const w1 = take(hidden * F);
  const b1 = take(hidden);
  const w2 = take(hidden);
  const b2 = take(1)[0]!;
  if (featStd.some((s) => !(s > 0)) || [w1, b1, w2].some((a) => a.some((x) => !Number.isFinite(x)))) {
    throw bad('weights contain non-finite values or non-positive feature scales');
  }
  return { dim, hidden, featMean, featStd, w1, b1, w2, b2 };
}
