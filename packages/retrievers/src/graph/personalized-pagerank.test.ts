import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csr, densePowerIteration, exactPpr, HAND, maxAbsDiff } from './__fixtures__/ppr-reference.js';
import { personalizedPageRank } from './personalized-pagerank.js';

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
