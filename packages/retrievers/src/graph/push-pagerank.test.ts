import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csr, exactPpr, HAND, maxAbsDiff } from './__fixtures__/ppr-reference.js';
import { personalizedPageRank } from './personalized-pagerank.js';
import { pushPersonalizedPageRank } from './push-pagerank.js';

const l1 = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0);

describe('pushPersonalizedPageRank', () => {
  const seed = Float64Array.from([0.5, 0, 0, 0.2, 0.3, 0, 0]);

  it('reaches the exact fixed point on a hand-made graph (dangling node included)', () => {
    const got = pushPersonalizedPageRank(HAND, seed, { damping: 0.85, epsilon: 1e-15 });
    expect(maxAbsDiff(got.scores, exactPpr(HAND, seed, 0.85))).toBeLessThanOrEqual(1e-9);
    const power = personalizedPageRank(HAND, seed, { damping: 0.85, maxIterations: 1000, tolerance: 1e-14 });
    expect(maxAbsDiff(got.scores, power.scores)).toBeLessThanOrEqual(1e-9);
  });

  it('stays within its reported residual of the exact scores, and does less work at a larger epsilon', () => {
    const exact = exactPpr(HAND, seed, 0.5);
    const coarse = pushPersonalizedPageRank(HAND, seed, { damping: 0.5, epsilon: 1e-3 });
    const fine = pushPersonalizedPageRank(HAND, seed, { damping: 0.5, epsilon: 1e-9 });
    expect(l1(coarse.scores, exact)).toBeLessThanOrEqual(coarse.residual + 1e-15);
    expect(coarse.residual).toBeGreaterThan(fine.residual);
    expect(coarse.pushes).toBeLessThan(fine.pushes);
    // Scores are a lower bound.
    coarse.scores.forEach((x, i) => expect(x).toBeLessThanOrEqual(exact[i]! + 1e-15));
  });

  it('touches only what the seeds reach', () => {
    const m = csr([[[1, 1]], [[0, 1]], [[3, 1]], [[2, 1]]]);
    const got = pushPersonalizedPageRank(m, Float64Array.from([1, 0, 0, 0]), { damping: 0.5, epsilon: 1e-12 });
    expect([...got.scores.slice(2)]).toEqual([0, 0]);
    expect(got.scores[0]).toBeCloseTo(2 / 3, 10);
  });

  it('matches the exact solution on random graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) =>
          fc.record({
            rows: fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.double({ min: 0.01, max: 5, noNaN: true })), { maxLength: 4 }), {
              minLength: n,
              maxLength: n,
            }),
            seedRaw: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
            damping: fc.double({ min: 0.05, max: 0.9, noNaN: true }),
          }),
        ),
        ({ rows, seedRaw, damping }) => {
          const sum = seedRaw.reduce((a, b) => a + b, 0);
          const s = Float64Array.from(seedRaw.map((x, i) => (sum > 0 ? x / sum : i === 0 ? 1 : 0)));
          const m = csr(rows.map((r) => [...new Map(r).entries()]));
          const got = pushPersonalizedPageRank(m, s, { damping, epsilon: 1e-15 });
          expect(maxAbsDiff(got.scores, exactPpr(m, s, damping))).toBeLessThanOrEqual(1e-9);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
