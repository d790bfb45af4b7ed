// Long convolution as FFT-by-matrix-products: a multi-stage Cooley–Tukey factorisation N = n1·n2·…·nk (N = 2L) in
// MatMul/Mul/Add/Sub/Reshape only, real and imaginary parts kept as separate tensors, so that the graph runs on every
// onnxruntime execution provider (the ONNX DFT op has a CPU kernel only).
//
// Time index t = t1·(n2…nk) + t2·(n3…nk) + … + tk (row-major digits). Stage i contracts digit t_i with a left MatMul on
// a [B, P, 2·n_i, Q] view, where P runs over the frequency digits already done: each p has its own n_i-point DFT matrix
// with all twiddle factors folded in, so there is no separate twiddle pass, and real/imaginary parts are stacked along
// the contracted axis and multiplied by real blocks [[Mr, −Mi], [Mi, Mr]] (one MatMul per stage, one Transpose between
// stages to move re/im behind the finished digit). The spectrum comes out digit-permuted (f = f1 + n1·(f2 + …)); the
// kernel spectrum is made by the same code, so it shares that order, and the inverse is the exact adjoint.
// Because the input is zero-padded from L to 2L, stage 1 only reads t1 < n1/2 and the last inverse stage only writes
// those rows (and only the real part).
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

interface StageShape {
  /** Product of the stages before (frequency digits done): the batch of this stage's matrices. */
  P: number;
  n: number;
  /** Product of the stages after (time digits still to do). */
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
 * Stage i's matrices with every twiddle folded in, one per combination p of the earlier frequency digits:
 * M[p][f, t] = exp(−2πi·θ), θ = f·t/n_i + Σ_{j<i} f_j·t·R_i/N_j (N_j = n_j…n_k). Returned as real blocks
 * [[Mr, −Mi], [Mi, Mr]] ([P, 2n, 2n]) acting on re/im stacked along the contracted axis, or their adjoints.
 */
function stageBlocks(factors: readonly number[], i: number, adjoint: boolean): Float32Array {
  const N = factors.reduce((a, b) => a * b, 1);
  const { P, n, R } = stageShapes(factors)[i]!;
  const before = factors.slice(0, i);
  // θ·N as an integer: f·t·(N/n_i) + Σ_j f_j·t·R_i·(n_1…n_{j−1}).
  const weights = before.map((_, j) => R * before.slice(0, j).reduce((a, b) => a * b, 1));
  const out = new Float32Array(P * 4 * n * n);
  const digits = new Array<number>(before.length).fill(0);
  for (let p = 0; p < P; p++) {
    let rest = p;
    for (let j = before.length - 1; j >= 0; j--) {
      digits[j] = rest % before[j]!;
      rest = Math.floor(rest / before[j]!);
    }
    const shift = digits.reduce((acc, f, j) => acc + f * weights[j]!, 0);
    const base = p * 4 * n * n;
    for (let f = 0; f < n; f++) {
      for (let t = 0; t < n; t++) {
        const num = (((f * t * (N / n) + shift * t) % N) + N) % N;
        const re = Math.cos((2 * Math.PI * num) / N);
        const im = -Math.sin((2 * Math.PI * num) / N);
        // Forward: row f, column t. Adjoint (conjugate transpose): row t, column f, imaginary part negated.
        const [r, c, mi] = adjoint ? [t, f, -im] : [f, t, im];
        out[base + r * 2 * n + c] = re;
        out[base + r * 2 * n + n + c] = -mi;
        out[base + (n + r) * 2 * n + c] = mi;
        out[base + (n + r) * 2 * n + n + c] = re;
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
 * Forward transform of real signals x [B, len, C] along axis 1, where len = N/2 (`halfInput`: the zero-padded second
 * half is implicit) or N. `batch` is 0 for a dynamic batch (Reshape copies it) or the fixed batch. Returns the
 * spectrum as [B, N/n_k, 2, n_k, C]: re/im stacked before the last frequency digit, digits in permuted order; callers
 * only multiply it with another spectrum from this function (`multiplySpectra`) and invert it (`inverseRealHalf`).
 */
export function forwardReal(g: GraphBuilder, x: string, factors: readonly number[], C: number, halfInput: boolean, batch = 0): string {
  const shapes = stageShapes(factors);
  const first = shapes[0]!;
  const rows = halfInput ? first.n / 2 : first.n;
  const a1 = shared(g, `f1:${factors.join('x')}:${rows}`, [2 * first.n, rows], () => {
    const m = new Float32Array(2 * first.n * rows);
    for (let f = 0; f < first.n; f++) {
      for (let t = 0; t < rows; t++) {
        const a = (2 * Math.PI * ((f * t) % first.n)) / first.n;
        m[f * rows + t] = Math.cos(a);
        m[(first.n + f) * rows + t] = -Math.sin(a);
      }
    }
    return m;
  });
  // [B, 2·n1, R1·C] = [B, 1, 2, n1, R1·C]
  let cur = g.matmul(a1, g.reshape(x, [batch, rows, first.R * C]));
  for (let i = 1; i < shapes.length; i++) {
    const prev = shapes[i - 1]!;
    const s = shapes[i]!;
    // Move re/im behind the finished digit f_{i−1}, so it stacks with the digit t_i this stage contracts.
    const moved = g.transpose(g.reshape(cur, [batch, prev.P, 2, prev.n, s.n * s.R * C]), [0, 1, 3, 2, 4]);
    const blocks = shared(g, `f${i}:${factors.join('x')}`, [s.P, 2 * s.n, 2 * s.n], () => stageBlocks(factors, i, false));
    cur = g.matmul(blocks, g.reshape(moved, [batch, s.P, 2 * s.n, s.R * C]));
  }
  const last = shapes.at(-1)!;
  return g.reshape(cur, [batch, last.P, 2, last.n, C]);
}

/** Element-wise complex product of a signal spectrum [B, …, 2, n_k, C] and a kernel spectrum [1, …, 2, n_k, C]. */
export function multiplySpectra(g: GraphBuilder, s: string, k: string): string {
  const part = (t: string, i: number) => g.slice(t, [i], [i + 1], [2]);
  // (Sr + iSi)(Kr + iKi) = S·[Kr; Kr] + [Si; Sr]·[−Ki; Ki]; the kernel terms are constants after folding.
  const kr = part(k, 0);
  const ki = part(k, 1);
  const k1 = g.op('Concat', [kr, kr], { axis: { i: 2 } });
  const k2 = g.op('Concat', [g.op('Neg', [ki]), ki], { axis: { i: 2 } });
  const swapped = g.op('Concat', [part(s, 1), part(s, 0)], { axis: { i: 2 } });
  return g.add(g.mul(s, k1), g.mul(swapped, k2));
}

/** The adjoint of `forwardReal` (unscaled), keeping the real part of the first N/2 samples: [B, N/2, C]. */
export function inverseRealHalf(g: GraphBuilder, spec: string, factors: readonly number[], C: number, batch = 0): string {
  const shapes = stageShapes(factors);
  let cur = spec;
  for (let i = shapes.length - 1; i >= 1; i--) {
    const s = shapes[i]!;
    const prev = shapes[i - 1]!;
    const blocks = shared(g, `i${i}:${factors.join('x')}`, [s.P, 2 * s.n, 2 * s.n], () => stageBlocks(factors, i, true));
    const out = g.matmul(blocks, g.reshape(cur, [batch, s.P, 2 * s.n, s.R * C]));
    // Bring re/im in front of the next digit to undo, f_{i−1} (the last digit of this stage's batch).
    cur = g.transpose(g.reshape(out, [batch, prev.P, prev.n, 2, s.n * s.R * C]), [0, 1, 3, 2, 4]);
  }
  const first = shapes[0]!;
  const half = first.n / 2;
  // Re(conj(W)·Z) = cos·Zr − sin·Zi over the first stage, rows t1 < n1/2 only.
  const a1 = shared(g, `i0:${factors.join('x')}`, [half, 2 * first.n], () => {
    const m = new Float32Array(half * 2 * first.n);
    for (let t = 0; t < half; t++) {
      for (let f = 0; f < first.n; f++) {
        const a = (2 * Math.PI * ((f * t) % first.n)) / first.n;
        m[t * 2 * first.n + f] = Math.cos(a);
        m[t * 2 * first.n + first.n + f] = -Math.sin(a);
      }
    }
    return m;
  });
  const y = g.matmul(a1, g.reshape(cur, [batch, 2 * first.n, first.R * C]));
  return g.reshape(y, [batch, half * first.R, C]);
}
