import type { TransitionMatrix } from '../personalized-pagerank.js';

/** CSR from weighted edge lists (rows normalised), as graphTransition produces. */
export function csr(rows: Array<Array<[number, number]>>): TransitionMatrix {
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
export function densePowerIteration(m: TransitionMatrix, s: Float64Array, d: number, iterations: number): Float64Array {
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
export function exactPpr(m: TransitionMatrix, s: Float64Array, d: number): Float64Array {
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

export const maxAbsDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

// Passages 0..3, entities 4..6. Passage 3 names nothing (dangling); entity 6 only links passage 2.
export const HAND: TransitionMatrix = csr([
  [[4, 2], [5, 1]],
  [[4, 1]],
  [[5, 1], [6, 3]],
  [],
  [[0, 2], [1, 1]],
  [[0, 1], [2, 1]],
  [[2, 3]],
]);

