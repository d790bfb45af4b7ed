import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosine, dot, l2Norm, normalize } from './vector-math.js';

const vec = fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 });

describe('vector math', () => {
  it('dot and cosine on known vectors', () => {
    const a = new Float32Array([1, 2, 3]);
    const b = new Float32Array([4, -5, 6]);
    expect(dot(a, b)).toBe(12);
    expect(cosine(a, b)).toBeCloseTo(12 / (Math.sqrt(14) * Math.sqrt(77)), 12);
    expect(cosine(a, new Float32Array(3))).toBe(0);
    expect(() => dot(a, new Float32Array(2))).toThrow(/differ in length: 3 vs 2/);
  });

  it('normalize gives unit length, keeps direction, and copies unless inPlace', () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const v = Float32Array.from(xs);
        const before = Float32Array.from(v);
        const n = normalize(v);
        expect(Array.from(v)).toEqual(Array.from(before));
        if (l2Norm(v) === 0) return expect(l2Norm(n)).toBe(0);
        expect(l2Norm(n)).toBeCloseTo(1, 5);
        if (l2Norm(v) > 1e-3) expect(cosine(n, v)).toBeCloseTo(1, 5);
      }),
      { seed: 42, numRuns: 200 },
    );
    const v = new Float32Array([3, 4]);
    expect(normalize(v, { inPlace: true })).toBe(v);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
  });

  it('cosine is symmetric and bounded', () => {
    fc.assert(
      fc.property(vec, (xs) => {
        const a = Float32Array.from(xs);
        const b = Float32Array.from(xs.map((x, i) => x * 0.5 + i));
        const c = cosine(a, b);
        expect(c).toBeCloseTo(cosine(b, a), 12);
        expect(Math.abs(c)).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
