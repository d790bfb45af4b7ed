import { describe, expect, it } from 'vitest';
import { SpanCoverage } from './span-coverage.js';

describe('SpanCoverage', () => {
  const cov = new SpanCoverage([
    { docId: 'a', start: 10, end: 20 },
    { docId: 'a', start: 20, end: 30 },
    { docId: 'a', start: 50, end: 60 },
    { docId: 'b', start: 0, end: 5 },
  ]);
  it('a span across two adjacent selected chunks is covered', () => {
    expect(cov.covers({ docId: 'a', start: 15, end: 28 })).toBe(true);
  });
  it('a span reaching outside, into a gap, or in another document is not', () => {
    expect(cov.covers({ docId: 'a', start: 25, end: 35 })).toBe(false);
    expect(cov.covers({ docId: 'a', start: 29, end: 51 })).toBe(false);
    expect(cov.covers({ docId: 'c', start: 0, end: 1 })).toBe(false);
  });
  it('fractionCovered counts whole spans; no spans is undefined', () => {
    expect(cov.fractionCovered([{ docId: 'a', start: 50, end: 60 }, { docId: 'b', start: 4, end: 6 }])).toBe(0.5);
    expect(cov.fractionCovered([])).toBeUndefined();
  });
});
