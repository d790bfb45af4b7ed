import { describe, expect, it } from 'vitest';
import { contextTokenScores, questionWeights, topIndices, type AttentionSpans } from './attention-scores.js';

/** Plain transcription of the reference: slice M, smooth every row with a ones(1, p) 'same' convolution, weight by w². */
function referenceScores(A: number[][], s: AttentionSpans, p: number, firstChunkA: number[][]): number[] {
  const Q = range(s.questionStart, s.n);
  const C = range(s.contextStart, s.contextEnd);
  const M = Q.map((q) => C.map((c) => A[q]![c]!));
  const smoothed = M.map((row) => convolve2dSameOnes(row, p));
  const w = Q.map((q) => Q.reduce((acc, q2) => acc + firstChunkA[q]![q2]!, 0));
  return C.map((_, c) => Q.reduce((acc, _q, i) => acc + w[i]! * w[i]! * smoothed[i]![c]!, 0));
}

/**
 * scipy.signal.convolve2d(row, ones((1, p)), mode="same", boundary="fill", fillvalue=0) for one row, transcribed from
 * its C loop (pylab_convolve_2d, flip on, SAME): out[n] = Σ_k in[new_n − k], new_n = n + ((p − 1) >> 1), k = 0 … p−1.
 */
function convolve2dSameOnes(row: number[], p: number): number[] {
  return row.map((_, n) => {
    const newN = n + ((p - 1) >> 1);
    let sum = 0;
    for (let k = 0; k < p; k++) {
      const col = newN - k;
      if (col >= 0 && col < row.length) sum += row[col]!;
    }
    return sum;
  });
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** A causal attention matrix (rows sum to `heads`), deterministic from a seed. */
function causalAttention(n: number, heads: number, seed: number): number[][] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return range(0, n).map((r) => {
    const row = range(0, n).map((c) => (c <= r ? rand() + 0.01 : 0));
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (v / sum) * heads);
  });
}

const flat = (A: number[][]) => Float32Array.from(A.flat());

describe('InfiniRetri attention scoring', () => {
  const n = 14;
  const spans: AttentionSpans = { n, contextStart: 2, contextEnd: 10, questionStart: 11 };
  for (const p of [1, 3, 4, 8]) {
    it(`equals the plain reference on a ${n}×${n} matrix with phraseTokens=${p}`, () => {
      const A = causalAttention(n, 8, 7 + p);
      const got = contextTokenScores(flat(A), spans, questionWeights(flat(A), spans), p);
      const want = referenceScores(A, spans, p, A);
      expect(got.length).toBe(want.length);
      for (let c = 0; c < want.length; c++) expect(got[c]).toBeCloseTo(want[c]!, 4);
    });
  }

  it('uses the frozen weights of the first chunk, not the current one', () => {
    const first = causalAttention(n, 8, 1);
    const later = causalAttention(n, 8, 2);
    const w = questionWeights(flat(first), spans);
    const got = contextTokenScores(flat(later), spans, w, 8);
    const want = referenceScores(later, spans, 8, first);
    for (let c = 0; c < want.length; c++) expect(got[c]).toBeCloseTo(want[c]!, 4);
    const unfrozen = referenceScores(later, spans, 8, later);
    expect(unfrozen.some((v, c) => Math.abs(v - got[c]!) > 1e-3)).toBe(true);
  });

  it("places an even phrase window as scipy's convolve2d 'same' does: 4 columns left, 3 right for p = 8", () => {
    // One question row attending only to context column 10 of 20: the scores are 1 on columns 7 … 14.
    const n = 22;
    const s: AttentionSpans = { n, contextStart: 0, contextEnd: 20, questionStart: 21 };
    const A = new Float32Array(n * n);
    A[21 * n + 10] = 1;
    const got = contextTokenScores(A, s, Float64Array.of(1), 8);
    expect([...got].map((v, c) => (v > 0 ? c : -1)).filter((c) => c >= 0)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(convolve2dSameOnes(range(0, 20).map((c) => (c === 10 ? 1 : 0)), 8).map((v, c) => (v > 0 ? c : -1)).filter((c) => c >= 0)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    // Odd windows are centred: p = 3 reaches one column each side.
    expect([...contextTokenScores(A, s, Float64Array.of(1), 3)].map((v, c) => (v > 0 ? c : -1)).filter((c) => c >= 0)).toEqual([9, 10, 11]);
  });

  it('question weights are the row sums over the question columns', () => {
    const A = causalAttention(n, 8, 3);
    const w = questionWeights(flat(A), spans);
    expect(w.length).toBe(3);
    expect(w[0]).toBeCloseTo(A[11]![11]!, 5);
    expect(w[2]).toBeCloseTo(A[13]![11]! + A[13]![12]! + A[13]![13]!, 5);
  });

  it('topIndices keeps the k best, earlier index first on ties', () => {
    expect(topIndices([0.1, 0.5, 0.5, 0.9, 0], 3)).toEqual([3, 1, 2]);
    expect(topIndices([1, 2], 5)).toEqual([1, 0]);
  });

  it('rejects spans that do not fit the matrix', () => {
    const A = flat(causalAttention(4, 1, 1));
    expect(() => questionWeights(A, { n: 5, contextStart: 0, contextEnd: 1, questionStart: 2 })).toThrow(RangeError);
    expect(() => questionWeights(A, { n: 4, contextStart: 0, contextEnd: 3, questionStart: 2 })).toThrow(RangeError);
  });
});
