import { describe, expect, it } from 'vitest';
import { meanDefined, percentile } from './summary.js';

describe('meanDefined', () => {
  it('skips undefined values; NaN when nothing is left', () => {
    expect(meanDefined([1, undefined, 0, 0.5])).toBeCloseTo(0.5, 12);
    expect(meanDefined([undefined])).toBeNaN();
    expect(meanDefined([])).toBeNaN();
  });
});

describe('percentile (numpy linear)', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    // numpy.percentile([1..10], 95) = 9.55
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55, 12);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
