import { SiftError } from '../errors.js';

function sameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new SiftError('E_BAD_INPUT', `Vectors differ in length: ${a.length} vs ${b.length}`);
  }
}

/** Dot product, accumulated in float64 so long vectors keep their precision. */
export function dot(a: Float32Array, b: Float32Array): number {
  sameLength(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function l2Norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is all zeros (rather than NaN). */
export function cosine(a: Float32Array, b: Float32Array): number {
  sameLength(a, b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  if (aa === 0 || bb === 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** A unit-length copy of `v` (a zero vector stays zero). Pass `inPlace: true` to overwrite `v` instead. */
export function normalize(v: Float32Array, opts: { inPlace?: boolean } = {}): Float32Array {
  const out = opts.inPlace ? v : new Float32Array(v.length);
  const n = l2Norm(v);
  if (n === 0) {
    if (!opts.inPlace) out.set(v);
    return out;
  }
  const inv = 1 / n;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
