import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '@sift/core';
import { topKSelector } from './topk.js';

const c = (id: string, score: number, tokenCount: number): ScoredChunk => ({
  id, docId: 'd', text: 'x'.repeat(tokenCount), start: 0, end: tokenCount, tokenCount, metadata: {}, score,
});

describe('topKSelector', () => {
  it('keeps the first k in the given order and sums their tokens', async () => {
    const s = await topKSelector({ k: 2 }).select('q', [c('a', 3, 10), c('b', 2, 5), c('c', 1, 7)]);
    expect(s.chunks.map((x) => x.id)).toEqual(['a', 'b']);
    expect(s.tokens).toBe(15);
  });
  it('k larger than the candidates keeps them all; none gives an empty selection', async () => {
    expect((await topKSelector({ k: 9 }).select('q', [c('a', 1, 1)])).chunks).toHaveLength(1);
    expect(await topKSelector({ k: 3 }).select('q', [])).toMatchObject({ chunks: [], tokens: 0 });
  });
  it('rejects k <= 0 naming the key', () => {
    expect(() => topKSelector({ k: 0 })).toThrow(/"k"/);
  });
});
