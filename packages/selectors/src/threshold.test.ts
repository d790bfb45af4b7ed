import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '@sift/core';
import { thresholdSelector } from './threshold.js';

const c = (id: string, score: number, tokenCount = 1): ScoredChunk => ({
  id, docId: 'd', text: 'x'.repeat(tokenCount), start: 0, end: tokenCount, tokenCount, metadata: {}, score,
});
const ids = (s: { chunks: ScoredChunk[] }) => s.chunks.map((x) => x.id);

describe('thresholdSelector', () => {
  const cands = [c('a', 10), c('b', 6), c('c', 5), c('d', 1)];
  it('minScore keeps scores >= the cut (inclusive)', async () => {
    expect(ids(await thresholdSelector({ minScore: 5 }).select('q', cands))).toEqual(['a', 'b', 'c']);
  });
  it('relative keeps scores >= ratio * top', async () => {
    expect(ids(await thresholdSelector({ relative: 0.6 }).select('q', cands))).toEqual(['a', 'b']);
  });
  it('both cuts: the stricter one wins; maxK caps the count', async () => {
    expect(ids(await thresholdSelector({ minScore: 7, relative: 0.5 }).select('q', cands))).toEqual(['a']);
    expect(ids(await thresholdSelector({ minScore: 0, maxK: 2 }).select('q', cands))).toEqual(['a', 'b']);
  });
  it('relative with a non-positive top keeps only ties with the top', async () => {
    const neg = [c('a', -1), c('b', -1), c('c', -3)];
    expect(ids(await thresholdSelector({ relative: 0.5 }).select('q', neg))).toEqual(['a', 'b']);
  });
  it('needs at least one cut', () => {
    expect(() => thresholdSelector({})).toThrow(/minScore/);
    expect(() => thresholdSelector({ relative: 1.5 })).toThrow(/"relative"/);
  });
});
