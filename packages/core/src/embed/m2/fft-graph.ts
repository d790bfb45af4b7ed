// Long convolution as FFT-by-matrix-products: a multi-stage Cooley–Tukey factorisation N = n1·n2·…·nk (N = 2L) in
// MatMul/Mul/Add/Sub/Reshape only, real and imaginary parts kept as separate tensors, so that the graph runs on every
// onnxruntime execution provider (the ONNX DFT op has a CPU kernel only).
//
// Time index t = t1·(n2…nk) + t2·(n3…nk) + … + tk (row-major digits). Stage i contracts digit t_i with the n_i-point DFT
// matrix (a left MatMul on a [B, P, n_i, Q] view: no transposes), then multiplies by the twiddles W_{N_i}^{f_i·t'}
// (N_i = n_i…nk, t' = the later time digits). The spectrum comes out digit-permuted (f = f1 + n1·(f2 + n2·(…))); the
// kernel spectrum is computed by the same code, so it shares that order, and the inverse is the exact adjoint.
// Because the input is zero-padded from L to 2L, stage 1 only reads t1 < n1/2 and the last inverse stage only writes
// those rows: two real half-matrices.
import type { GraphBuilder } from './_graph-builder.js';

export interface Complex {
  re: string;
  im: string;
}

/** Splits N into stage sizes ≤ maxRadix (balanced for powers of two); the first is even. */
export function planFactors(N: number, maxRadix: number): number[] {
  if (!Number.isInteger(N) || N < 2 || N % 2 !== 0) throw new Error(`FFT length ${N} must be an even integer ≥ 2`);
  const log2 = Math.log2(N);
  if (Number.isInteger(log2)) {
    const stages = Math.max(1, Math.ceil(log2 / Math.log2(Math.max(2, maxRadix))));
    const base = Math.floor(log2 / stages);
    const extra = log2 - base * stages;
    return Array.from({ length: stages }, (_, i) => 2 ** (base + (i < extra ? 1 : 0)));
  }
  const primes: number[] = [];
  let n = N;
  for (let p = 2; p * p <= n; p++) while (n % p === 0) (primes.push(p), (n /= p));
  if (n > 1) primes.push(n);
  primes.sort((a, b) => b - a);
  const factors: number[] = [];
  for (const p of primes) {
    const i = factors.findIndex((f) => f * p <= maxRadix);
    if (i >= 0) factors[i]! *= p;
    else factors.push(p);
  }
  const even = factors.findIndex((f) => f % 2 === 0);
  const [first] = factors.splice(even, 1);
  return [first!, ...factors];
}

/** Real and imaginary parts of the n-point DFT matrix e^{−2πi·r·c/n} (rows rows0…, columns cols0…), row-major. */
function dftMatrix(n: number, rows: number, cols: number): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(rows * cols);
  const im = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = (-2 * Math.PI * ((r * c) % n)) / n;
      re[r * cols + c] = Math.cos(a);
      im[r * cols + c] = Math.sin(a);
    }
  }
  return { re, im };
}

function twiddles(Ni: number, ni: number, sign: 1 | -1): { re: Float32Array; im: Float32Array } {
  const R = Ni / ni;
  const re = new Float32Array(ni * R);
  const im = new Float32Array(ni * R);
  for (let f = 0; f < ni; f++) {
    for (let t = 0; t < R; t++) {
      const a = (-2 * Math.PI * ((f * t) % Ni)) / Ni;
      re[f * R + t] = Math.cos(a);
      im[f * R + t] = sign * Math.sin(a);
    }
  }
  return { re, im };
}

function complexMatmul(g: GraphBuilder, m: Complex, x: Complex, conj: boolean): Complex {
  const rr = g.matmul(m.re, x.re);
  const ii = g.matmul(m.im, x.im);
  const ri = g.matmul(m.re, x.im);
  const ir = g.matmul(m.im, x.re);
  // (Mr ± iMi)(Xr + iXi)
  return conj ? { re: g.add(rr, ii), im: g.sub(ri, ir) } : { re: g.sub(rr, ii), im: g.add(ri, ir) };
}

function complexMul(g: GraphBuilder, a: Complex, b: Complex): Complex {
  return {
    re: g.sub(g.mul(a.re, b.re), g.mul(a.im, b.im)),
    im: g.add(g.mul(a.re, b.im), g.mul(a.im, b.re)),
  };
}

interface StageShape {
  /** Product of the stages before (frequency digits done). */
  P: number;
  n: number;
  /** Product of the stages after (time digits to do). */
  R: number;
}

function stageShapes(factors: readonly number[]): StageShape[] {
  return factors.map((n, i) => ({
    P: factors.slice(0, i).reduce((a, b) => a * b, 1),
    n,
    R: factors.slice(i + 1).reduce((a, b) => a * b, 1),
  }));
}

/**
 * Forward transform of real signals x [B, len, C] along axis 1, where len = N/2 (`halfInput`: the zero-padded second
 * half is implicit) or N. `batch` is 0 for a dynamic batch (Reshape copies it). Returns the spectrum as [B, N/R…, C]
 * views in digit-permuted order, shaped [B, n1, …, nk·C] flattened to [B, N·C/(…)] — callers only combine it
 * element-wise with another spectrum from this function and pass it to `inverseRealHalf`.
 */
export function forwardReal(g: GraphBuilder, x: string, factors: readonly number[], C: number, halfInput: boolean, batch = 0): Complex {
  const shapes = stageShapes(factors);
  const N = factors.reduce((a, b) => a * b, 1);
  const first = shapes[0]!;
  const rows = halfInput ? first.n / 2 : first.n;
  const x3 = g.reshape(x, [batch, rows, first.R * C]);
  const m1 = dftMatrix(first.n, first.n, rows);
  let cur: Complex = {
    re: g.matmul(g.float('dft_re', [first.n, rows], m1.re), x3),
    im: g.matmul(g.float('dft_im', [first.n, rows], m1.im), x3),
  };
  let Ni = N;
  shapes.forEach((s, i) => {
    if (i > 0) {
      const m = dftMatrix(s.n, s.n, s.n);
      const mat = { re: g.float('dft_re', [s.n, s.n], m.re), im: g.float('dft_im', [s.n, s.n], m.im) };
      const v = { re: g.reshape(cur.re, [batch, s.P, s.n, s.R * C]), im: g.reshape(cur.im, [batch, s.P, s.n, s.R * C]) };
      cur = complexMatmul(g, mat, v, false);
    }
    if (i < shapes.length - 1) {
      const tw = twiddles(Ni, s.n, 1);
      const t = { re: g.float('tw_re', [s.n, s.R, 1], tw.re), im: g.float('tw_im', [s.n, s.R, 1], tw.im) };
      const v = { re: g.reshape(cur.re, [batch, s.P, s.n, s.R, C]), im: g.reshape(cur.im, [batch, s.P, s.n, s.R, C]) };
      cur = complexMul(g, v, t);
    }
    Ni /= s.n;
  });
  return { re: g.reshape(cur.re, [batch, N, C]), im: g.reshape(cur.im, [batch, N, C]) };
}

/** The adjoint of `forwardReal` (unscaled), keeping the real part of the first N/2 samples: [B, N/2, C]. */
export function inverseRealHalf(g: GraphBuilder, spec: Complex, factors: readonly number[], C: number, batch = 0): string {
  const shapes = stageShapes(factors);
  let cur = spec;
  const Nis = shapes.map((_, i) => factors.slice(i).reduce((a, b) => a * b, 1));
  for (let i = shapes.length - 1; i >= 1; i--) {
    const s = shapes[i]!;
    const m = dftMatrix(s.n, s.n, s.n);
    const mat = { re: g.float('idft_re', [s.n, s.n], m.re), im: g.float('idft_im', [s.n, s.n], m.im) };
    const v = { re: g.reshape(cur.re, [batch, s.P, s.n, s.R * C]), im: g.reshape(cur.im, [batch, s.P, s.n, s.R * C]) };
    cur = complexMatmul(g, mat, v, true);
    const p = shapes[i - 1]!;
    const tw = twiddles(Nis[i - 1]!, p.n, -1);
    const t = { re: g.float('itw_re', [p.n, p.R, 1], tw.re), im: g.float('itw_im', [p.n, p.R, 1], tw.im) };
    const w = { re: g.reshape(cur.re, [batch, p.P, p.n, p.R, C]), im: g.reshape(cur.im, [batch, p.P, p.n, p.R, C]) };
    cur = complexMul(g, w, t);
  }
  const first = shapes[0]!;
  const half = first.n / 2;
  // Re((Fr − iFi)(Xr + iXi)) = Fr·Xr + Fi·Xi, rows t1 < n1/2 only.
  const m1 = dftMatrix(first.n, half, first.n);
  const xr = g.reshape(cur.re, [batch, first.n, first.R * C]);
  const xi = g.reshape(cur.im, [batch, first.n, first.R * C]);
  const y = g.add(g.matmul(g.float('idft_re', [half, first.n], m1.re), xr), g.matmul(g.float('idft_im', [half, first.n], m1.im), xi));
  return g.reshape(y, [batch, half * first.R, C]);
}

/** Element-wise complex product of two spectra (the kernel broadcasts over the batch). */
export function multiplySpectra(g: GraphBuilder, a: Complex, b: Complex): Complex {
  return complexMul(g, a, b);
}
