// Test support: seeded random vectors and exact top-k by brute force.
import { seededRandom } from '@sift/core';

export { seededRandom };

export function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => r() * 2 - 1));
}

/** Exact top-k by cosine similarity (float64), ties broken by lower index. */
export function exactTopK(vectors: readonly Float32Array[], q: Float32Array, k: number, skip: ReadonlySet<number> = new Set()): number[] {
  const qn = Math.hypot(...q);
  const scored = vectors.map((v, i) => {
    let d = 0;
    for (let j = 0; j < v.length; j++) d += v[j]! * q[j]!;
    return { i, s: d / (Math.hypot(...v) * qn) };
  });
  return scored
    .filter((x) => !skip.has(x.i))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i);
}
