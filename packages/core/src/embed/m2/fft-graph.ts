// Long convolution as FFT-by-matrix-products: a multi-stage Cooley–Tukey factorisation N = n1·n2·…·nk (N = 2L) in
// MatMul and Reshape only, so that the graph runs on every onnxruntime execution provider (the ONNX DFT op has a CPU
// kernel only).
//
// Time index t = t1·(n2…nk) + t2·(n3…nk) + … + tk (row-major digits), channels last. Stage i contracts digit t_i with a
// left MatMul on a [B, P, 2·n_i, R·C] view, where P runs over the frequency digits already done: each p has its own
// n_i-point DFT matrix with all twiddle factors folded in, so there is no separate twiddle pass, and real/imaginary
// parts are multiplied by real blocks of [[Mr, −Mi], [Mi, Mr]]. The layout makes every stage a plain MatMul with no
// Transpose between stages (those dominated at 32k): a stage reads re/im in front of its time digit, (2, t_i), and
// writes them behind its frequency digit, (f_i, 2), which is in front of the next stage's time digit. The spectrum
// comes out digit-permuted (f = f1 + n1·(f2 + …)) with re/im in front of the channels; the kernel spectrum is made by
// the same code, so it shares that order, and the inverse is the adjoint (the transposed blocks) in reverse order.
// The signals are real, so their spectra are Hermitian (X(N−f) = conj X(f)): only f1 ≤ n1/2 is computed, which
// roughly halves every stage after the first, and the inverse counts the classes 0 < f1 < n1/2 twice (2·Re). Because
// the input is zero-padded from L to 2L, stage 1 only reads t1 < n1/2, and the last inverse stage only writes those
// rows (and only the real part).
import type { GraphBuilder } from './_graph-builder.js';

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

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** How many values of the first frequency digit are kept: f1 = 0…n1/2 (the rest are conjugates). */
const keptFirst = (factors: readonly number[]) => factors[0]! / 2 + 1;

interface StageShape {
  /** Combinations of the frequency digits done before this stage (f1 ≤ n1/2 only): the batch of its matrices. */
  P: number;
  n: number;
  /** Product of the stages after (time digits still to do). */
  R: number;
}

function stageShapes(factors: readonly number[]): StageShape[] {
  return factors.map((n, i) => ({
    P: i === 0 ? 1 : keptFirst(factors) * product(factors.slice(1, i)),
    n,
    R: product(factors.slice(i + 1)),
  }));
}

/**
 * Stage i's (i ≥ 1) matrices with every twiddle folded in, one per combination p of the earlier frequency digits:
 * M[p][f, t] = exp(−2πi·θ), θ = f·t/n_i + Σ_{j<i} f_j·t·R_i/N_j (N_j = n_j…n_k). Forward: [P, 2n, 2n] with rows
 * (f, re/im) and columns (re/im, t), acting on the real form [[Mr, −Mi], [Mi, Mr]]. Adjoint: the transpose (the
 * real form of the conjugate transpose), rows (re/im, t) and columns (f, re/im).
 */
function stageBlocks(factors: readonly number[], i: number, adjoint: boolean): Float32Array {
  const N = product(factors);
  const { P, n, R } = stageShapes(factors)[i]!;
  const radices = [keptFirst(factors), ...factors.slice(1, i)];
  // θ·N as an integer: f·t·(N/n_i) + Σ_j f_j·t·R_i·(n_1…n_{j−1}).
  const weights = radices.map((_, j) => R * product(factors.slice(0, j)));
  const out = new Float32Array(P * 4 * n * n);
  const digits = new Array<number>(radices.length).fill(0);
  const w = 2 * n;
  for (let p = 0; p < P; p++) {
    let rest = p;
    for (let j = radices.length - 1; j >= 0; j--) {
      digits[j] = rest % radices[j]!;
      rest = Math.floor(rest / radices[j]!);
    }
    const shift = digits.reduce((acc, f, j) => acc + f * weights[j]!, 0);
    const base = p * 4 * n * n;
    for (let f = 0; f < n; f++) {
      for (let t = 0; t < n; t++) {
        const num = (f * t * (N / n) + shift * t) % N;
        const re = Math.cos((2 * Math.PI * num) / N);
        const im = -Math.sin((2 * Math.PI * num) / N);
        // Forward element (row (f, a), column (b, t)) for a, b ∈ {re, im}: [[re, −im], [im, re]][a][b].
        const put = (a: number, b: number, v: number) => {
          const row = 2 * f + a;
          const col = b * n + t;
          out[base + (adjoint ? col * w + row : row * w + col)] = v;
        };
        put(0, 0, re);
        put(0, 1, -im);
        put(1, 0, im);
        put(1, 1, re);
      }
    }
  }
  return out;
}

const memo = new WeakMap<GraphBuilder, Map<string, string>>();

/** One initializer per distinct matrix in a graph (every layer and both filters share them). */
function shared(g: GraphBuilder, key: string, dims: number[], make: () => Float32Array): string {
  let m = memo.get(g);
  if (!m) memo.set(g, (m = new Map()));
  let name = m.get(key);
  if (name === undefined) m.set(key, (name = g.float('fft', dims, make())));
  return name;
}

/**
 * What the last forward stage writes for each kept frequency f, so that the complex product of a signal and a
 * kernel spectrum is one element-wise Mul whose pairs the first inverse stage sums (it reads (s, re/im) as two copies
 * of re/im): the signal as (re, im, im, re), the kernel as (re, re, −im, im); (Sr, Si, Si, Sr)·(Kr, Kr, −Ki, Ki)
 * summed over pairs is (Sr·Kr − Si·Ki, Si·Kr + Sr·Ki). Slicing re/im apart and concatenating them back cost more
 * than the doubled last stage (they are copies of spectrum-sized tensors).
 */
export type SpectrumRole = 'signal' | 'kernel';

/** Rows (f, re/im) of a [batches, 2·n, cols] stage matrix rewritten as rows (f, s, re/im) for `role`. */
function productRows(m: Float32Array, batches: number, n: number, cols: number, role: SpectrumRole): Float32Array {
  const out = new Float32Array(m.length * 2);
  for (let p = 0; p < batches; p++) {
    for (let f = 0; f < n; f++) {
      const row = (c: number) => m.subarray((p * 2 * n + 2 * f + c) * cols, (p * 2 * n + 2 * f + c + 1) * cols);
      const put = (s: number, c: number, src: Float32Array, sign: number) => {
        const at = (p * 4 * n + 4 * f + 2 * s + c) * cols;
        for (let j = 0; j < cols; j++) out[at + j] = sign * src[j]!;
      };
      if (role === 'signal') (put(0, 0, row(0), 1), put(0, 1, row(1), 1), put(1, 0, row(1), 1), put(1, 1, row(0), 1));
      else (put(0, 0, row(0), 1), put(0, 1, row(0), 1), put(1, 0, row(1), -1), put(1, 1, row(1), 1));
    }
  }
  return out;
}

/** Columns (f, re/im) of a [batches, rows, 2·n] matrix duplicated as columns (f, s, re/im): the sum over pairs. */
function pairColumns(m: Float32Array, batches: number, rows: number, n: number): Float32Array {
  const out = new Float32Array(m.length * 2);
  for (let r = 0; r < batches * rows; r++) {
    for (let f = 0; f < n; f++) {
      for (let s = 0; s < 2; s++) for (let c = 0; c < 2; c++) out[r * 4 * n + 4 * f + 2 * s + c] = m[r * 2 * n + 2 * f + c]!;
    }
  }
  return out;
}

export interface ForwardOptions {
  /** The input holds only the first N/2 samples (the zero-padded second half is implicit). */
  halfInput: boolean;
  role: SpectrumRole;
  /** 0: dynamic batch (Reshape copies it), else the fixed batch. */
  batch?: number;
  /** Folded into the first stage (the kernel's 1/N). */
  scale?: number;
}

/**
 * Forward transform of real signals x [B, len, C] along axis 1 (len = N/2 with `halfInput`, else N). Returns the kept
 * half of the spectrum as [B, M, 2, 2, C] (M = (n1/2+1)·N/n1 frequencies in permuted order, then the pair layout of
 * `role`, channels last); callers only multiply a signal's with a kernel's (`multiplySpectra`) and invert the product
 * (`inverseRealHalf`).
 */
export function forwardReal(g: GraphBuilder, x: string, factors: readonly number[], C: number, o: ForwardOptions): string {
  const batch = o.batch ?? 0;
  const scale = o.scale ?? 1;
  const shapes = stageShapes(factors);
  const k = shapes.length;
  const first = shapes[0]!;
  const H = keptFirst(factors);
  const rows = o.halfInput ? first.n / 2 : first.n;
  const key = factors.join('x');
  // Stage 1 on real input: rows (f1, re/im) for f1 ≤ n1/2, columns t1 < rows.
  const a1 = shared(g, `f0:${key}:${rows}:${scale}:${k === 1 ? o.role : ''}`, [(k === 1 ? 4 : 2) * H, rows], () => {
    const m = new Float32Array(2 * H * rows);
    for (let f = 0; f < H; f++) {
      for (let t = 0; t < rows; t++) {
        const a = (2 * Math.PI * ((f * t) % first.n)) / first.n;
        m[2 * f * rows + t] = scale * Math.cos(a);
        m[(2 * f + 1) * rows + t] = -scale * Math.sin(a);
      }
    }
    return k === 1 ? productRows(m, 1, H, rows, o.role) : m;
  });
  // [B, H·2, R1·C]: re/im sit in front of t2, as stage 2 reads them.
  let cur = g.matmul(a1, g.reshape(x, [batch, rows, first.R * C]));
  for (let i = 1; i < k; i++) {
    const s = shapes[i]!;
    const last = i === k - 1;
    const blocks = shared(g, `f${i}:${key}:${last ? o.role : ''}`, [s.P, (last ? 4 : 2) * s.n, 2 * s.n], () => {
      const m = stageBlocks(factors, i, false);
      return last ? productRows(m, s.P, s.n, 2 * s.n, o.role) : m;
    });
    cur = g.matmul(blocks, g.reshape(cur, [batch, s.P, 2 * s.n, s.R * C]));
  }
  return g.reshape(cur, [batch, spectrumLength(factors), 2, 2, C]);
}

/** Frequencies kept by `forwardReal`. */
export function spectrumLength(factors: readonly number[]): number {
  return (keptFirst(factors) * product(factors)) / factors[0]!;
}

/** A signal spectrum [B, M, 2, 2, C] times a kernel spectrum [1, M, 2, 2, C], in the pair layout (summed on inversion). */
export function multiplySpectra(g: GraphBuilder, s: string, k: string): string {
  return g.mul(s, k);
}

/**
 * The inverse of a Hermitian spectrum product kept as `multiplySpectra` leaves it (unscaled: the adjoint of the full
 * transform), real part of the first N/2 samples: [B, N/2, C].
 */
export function inverseRealHalf(g: GraphBuilder, spec: string, factors: readonly number[], C: number, batch = 0): string {
  const shapes = stageShapes(factors);
  const k = shapes.length;
  const key = factors.join('x');
  let cur = spec;
  for (let i = k - 1; i >= 1; i--) {
    const s = shapes[i]!;
    const paired = i === k - 1;
    const blocks = shared(g, `i${i}:${key}`, [s.P, 2 * s.n, (paired ? 4 : 2) * s.n], () => {
      const m = stageBlocks(factors, i, true);
      return paired ? pairColumns(m, s.P, 2 * s.n, s.n) : m;
    });
    // Reads (f_i, re/im), writes (re/im, t_i): re/im end up behind f_{i−1}, where the next inverse stage reads them.
    cur = g.matmul(blocks, g.reshape(cur, [batch, s.P, (paired ? 4 : 2) * s.n, s.R * C]));
  }
  const first = shapes[0]!;
  const H = keptFirst(factors);
  const half = first.n / 2;
  // Re(conj(W)·Z) = cos·Zr − sin·Zi over the first stage, rows t1 < n1/2 only; the classes 0 < f1 < n1/2 stand for
  // their conjugates too (2·Re), f1 = 0 and n1/2 for themselves.
  const a1 = shared(g, `i0:${key}`, [half, (k === 1 ? 4 : 2) * H], () => {
    const m = new Float32Array(half * 2 * H);
    for (let t = 0; t < half; t++) {
      for (let f = 0; f < H; f++) {
        const weight = f === 0 || 2 * f === first.n ? 1 : 2;
        const a = (2 * Math.PI * ((f * t) % first.n)) / first.n;
        m[t * 2 * H + 2 * f] = weight * Math.cos(a);
        m[t * 2 * H + 2 * f + 1] = -weight * Math.sin(a);
      }
    }
    return k === 1 ? pairColumns(m, 1, half, H) : m;
  });
  const y = g.matmul(a1, g.reshape(cur, [batch, (k === 1 ? 4 : 2) * H, first.R * C]));
  return g.reshape(y, [batch, half * first.R, C]);
}
