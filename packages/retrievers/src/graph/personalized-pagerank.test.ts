import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { personalizedPageRank, type TransitionMatrix } from './personalized-pagerank.js';

/** CSR from weighted edge lists (rows normalised), as graphTransition produces. */
function csr(rows: Array<Array<[number, number]>>): TransitionMatrix {
  const ptr = new Uint32Array(rows.length + 1);
  rows.forEach((r, i) => (ptr[i + 1] = ptr[i]! + r.length));
  const idx = new Uint32Array(ptr[rows.length]!);
  const prob = new Float64Array(ptr[rows.length]!);
  rows.forEach((r, i) => {
    const sum = r.reduce((a, [, w]) => a + w, 0);
    r.forEach(([v, w], j) => {
      idx[ptr[i]! + j] = v;
      prob[ptr[i]! + j] = w / sum;
    });
  });
  return { nodes: rows.length, ptr, idx, prob };
}

/** Reference: the same iteration with a dense n×n matrix, dangling rows replaced by the seed vector. */
function densePowerIteration(m: TransitionMatrix, s: Float64Array, d: number, iterations: number): Float64Array {
  const n = m.nodes;
  const M = Array.from({ length: n }, () => new Float64Array(n));
  for (let u = 0; u < n; u++) {
    if (m.ptr[u] === m.ptr[u + 1]) M[u]!.set(s);
    for (let k = m.ptr[u]!; k < m.ptr[u + 1]!; k++) M[u]![m.idx[k]!]! += m.prob[k]!;
  }
  let r = Float64Array.from(s);
  for (let t = 0; t < iterations; t++) {
    const next = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      let acc = 0;
      for (let u = 0; u < n; u++) acc += r[u]! * M[u]![v]!;
      next[v] = (1 - d) * s[v]! + d * acc;
    }
    r = next;
  }
  return r;
}

/** Reference: the fixed point, solving (I − d·Gᵀ) r = (1 − d) s by Gaussian elimination (G with dangling rows = s). */
function exactPpr(m: TransitionMatrix, s: Float64Array, d: number): Float64Array {
  const n = m.nodes;
  const A = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n + 1);
    row[i] = 1;
    row[n] = (1 - d) * s[i]!;
    return row;
  });
  for (let u = 0; u < n; u++) {
    if (m.ptr[u] === m.ptr[u + 1]) for (let v = 0; v < n; v++) A[v]![u]! -= d * s[v]!;
    for (let k = m.ptr[u]!; k < m.ptr[u + 1]!; k++) A[m.idx[k]!]![u]! -= d * m.prob[k]!;
  }
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return Float64Array.from(A.map((row, i) => row[n]! / row[i]!));
}

const maxAbsDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

// Passages 0..3, entities 4..6. Passage 3 names nothing (dangling); entity 6 only links passage 2.
const HAND: TransitionMatrix = csr([
  [[4, 2], [5, 1]],
  [[4, 1]],
  [[5, 1], [6, 3]],
  [],
  [[0, 2], [1, 1]],
  [[0, 1], [2, 1]],
  [[2, 3]],
]);

describe('personalizedPageRank', () => {
  const seed = Float64Array.from([0.5, 0, 0, 0.2, 0.3, 0, 0]);

  it('equals a dense power iteration on a hand-made graph (same iteration count)', () => {
    for (const iterations of [1, 2, 5, 30]) {
      const got = personalizedPageRank(HAND, seed, { damping: 0.5, maxIterations: iterations, tolerance: 0 });
      expect(got.iterations).toBe(iterations);
      expect(maxAbsDiff(got.scores, densePowerIteration(HAND, seed, 0.5, iterations))).toBeLessThanOrEqual(1e-9);
    }
  });

  it('converges to the exact fixed point and conserves mass', () => {
    const got = personalizedPageRank(HAND, seed, { damping: 0.85, maxIterations: 1000, tolerance: 1e-13 });
    expect(got.delta).toBeLessThanOrEqual(1e-13);
    expect(maxAbsDiff(got.scores, exactPpr(HAND, seed, 0.85))).toBeLessThanOrEqual(1e-9);
    expect(got.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // The dangling passage keeps mass only through the seeds; an unseeded, unlinked node would get none.
    expect(got.scores[3]).toBeGreaterThan(0);
  });

  it('gives nothing to nodes the seeds cannot reach', () => {
    const m = csr([[[1, 1]], [[0, 1]], [[3, 1]], [[2, 1]]]);
    const got = personalizedPageRank(m, Float64Array.from([1, 0, 0, 0]), { damping: 0.5, maxIterations: 100, tolerance: 0 });
    expect(got.scores[2]).toBe(0);
    expect(got.scores[3]).toBe(0);
    expect(got.scores[0]).toBeCloseTo(2 / 3, 12);
  });

  it('matches the dense reference on random graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({
            rows: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.double({ min: 0.01, max: 5, noNaN: true })), { maxLength: 5 }), {
              minLength: n,
              maxLength: n,
            }),
            seedRaw: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
            damping: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
            iterations: fc.integer({ min: 1, max: 40 }),
          }),
        ),
        ({ rows, seedRaw, damping, iterations }) => {
          const sum = seedRaw.reduce((a, b) => a + b, 0);
          const s = Float64Array.from(seedRaw.map((x, i) => (sum > 0 ? x / sum : i === 0 ? 1 : 0)));
          // Merge duplicate targets, as a CSR row never repeats a column.
          const m = csr(rows.map((r) => [...new Map(r).entries()]));
          const got = personalizedPageRank(m, s, { damping, maxIterations: iterations, tolerance: 0 });
          expect(maxAbsDiff(got.scores, densePowerIteration(m, s, damping, iterations))).toBeLessThanOrEqual(1e-9);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
