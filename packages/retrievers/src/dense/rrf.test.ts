import type { ScoredChunk } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './rrf.js';

const hit = (id: string, score: number, start = 0): ScoredChunk => ({
  id, docId: 'd', text: id, start, end: start + id.length, tokenCount: 1, metadata: { m: id }, score,
});

describe('reciprocalRankFusion', () => {
  it('sums weight / (k + rank) over legs and explains each leg’s rank', () => {
    const out = reciprocalRankFusion(
      [
        { name: 'bm25', hits: [hit('a', 9), hit('b', 5), hit('c', 1)] },
        { name: 'dense', weight: 2, hits: [hit('c', 0.9), hit('a', 0.8)] },
      ],
      { k: 60 },
    );
    const score = Object.fromEntries(out.map((h) => [h.id, h.score]));
    expect(score['a']).toBeCloseTo(1 / 61 + 2 / 62, 12);
    expect(score['c']).toBeCloseTo(1 / 63 + 2 / 61, 12);
    expect(score['b']).toBeCloseTo(1 / 62, 12);
    expect(out.map((h) => h.id)).toEqual(['c', 'a', 'b']);
    expect(out[0]?.explain).toMatchObject({ fusion: 'rrf', rrfK: 60, ranks: { bm25: 3, dense: 1 }, bm25Rank: 3, denseRank: 1, scores: { bm25: 1, dense: 0.9 } });
    expect(out[2]?.explain).not.toHaveProperty('denseRank');
  });

  it('keeps chunk shape and offsets, and honours limit', () => {
    const out = reciprocalRankFusion([{ name: 'x', hits: [hit('p', 1, 10), hit('q', 1, 20)] }], { limit: 1 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'p', docId: 'd', text: 'p', start: 10, end: 11, tokenCount: 1, metadata: { m: 'p' } });
  });

  it('breaks ties by best rank then id, and counts a duplicate in one leg once', () => {
    const out = reciprocalRankFusion([
      { name: 'l', hits: [hit('b', 1), hit('b', 1), hit('z', 1)] },
      { name: 'r', hits: [hit('z', 1), hit('b', 1)] },
    ]);
    expect(out.map((h) => h.id)).toEqual(['b', 'z']);
    expect(out[0]?.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(out[1]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
  });

  it('a zero weight leaves a leg out of the scores', () => {
    const out = reciprocalRankFusion([
      { name: 'l', weight: 0, hits: [hit('a', 1)] },
      { name: 'r', hits: [hit('b', 1)] },
    ]);
    expect(out[0]?.id).toBe('b');
    expect(out[1]?.score).toBe(0);
  });
});
