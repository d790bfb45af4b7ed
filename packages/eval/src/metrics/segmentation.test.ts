import { describe, expect, it } from 'vitest';
import { boundariesFromStarts, defaultWindow, pk, roundHalfEven, windowDiff } from './segmentation.js';

// The doctest examples of nltk/metrics/segmentation.py.
describe('pk (NLTK doc examples)', () => {
  it('reproduces NLTK', () => {
    expect(pk('0100'.repeat(100), '1'.repeat(400), 2).toFixed(2)).toBe('0.50');
    expect(pk('0100'.repeat(100), '0'.repeat(400), 2).toFixed(2)).toBe('0.50');
    expect(pk('0100'.repeat(100), '0100'.repeat(100), 2).toFixed(2)).toBe('0.00');
  });
  it('default k is round(len / (2 * boundaries)) with Python rounding', () => {
    // len 400, 100 boundaries -> k = 2
    expect(pk('0100'.repeat(100), '0'.repeat(400))).toBeCloseTo(pk('0100'.repeat(100), '0'.repeat(400), 2), 12);
    expect(() => pk('0000', '0100')).toThrow(/no boundary/);
  });
  it('hand-computed small case', () => {
    // ref 0010, hyp 0100, k=2 -> windows [00|01], [01|10], [10|00]: ref has b? F,T,T ; hyp T,T,F -> 2/3
    expect(pk('0010', '0100', 2)).toBeCloseTo(2 / 3, 12);
  });
  it('rejects length mismatch and bad k', () => {
    expect(() => pk('01', '011', 1)).toThrow(/units/);
    expect(() => pk('01', '01', 3)).toThrow(/window/);
  });
});

describe('windowDiff (NLTK doc examples)', () => {
  const s1 = '000100000010';
  const s2 = '000010000100';
  const s3 = '100000010000';
  it('reproduces NLTK', () => {
    expect(windowDiff(s1, s1, 3).toFixed(2)).toBe('0.00');
    expect(Math.abs(windowDiff(s1, s2, 3) - 0.3)).toBeLessThan(1e-6);
    expect(windowDiff(s2, s3, 3).toFixed(2)).toBe('0.80');
  });
  it('weighted sums the boundary count differences', () => {
    expect(windowDiff('1100', '0000', 2, '1', true)).toBeCloseTo((2 + 1 + 0) / 3, 12);
  });
  it('accepts arrays of bits as well as strings', () => {
    expect(windowDiff([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0], s2, 3)).toBeCloseTo(0.3, 12);
  });
});

describe('helpers', () => {
  it('roundHalfEven matches Python 3 round()', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
  it('boundariesFromStarts marks the sentence before each new segment', () => {
    expect(Array.from(boundariesFromStarts(6, [0, 2, 5, 6]))).toEqual([0, 1, 0, 0, 1, 0]);
    expect(() => boundariesFromStarts(3, [7])).toThrow(/outside/);
  });
  it('defaultWindow is half the mean segment length', () => {
    expect(defaultWindow(70, 10)).toBe(4); // 3.5 -> 4 (half to even)
    expect(defaultWindow(50, 10)).toBe(2); // 2.5 -> 2
    expect(defaultWindow(66, 10)).toBe(3);
  });
});
