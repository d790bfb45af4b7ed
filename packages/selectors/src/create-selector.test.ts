import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '@sift/core';
import { createSelector } from './create-selector.js';

const c = (id: string, score: number, tokenCount = 10): ScoredChunk => ({
  id, docId: 'd', text: 'x'.repeat(tokenCount), start: 0, end: tokenCount, tokenCount, metadata: {}, score,
});

describe('createSelector', () => {
  it('builds each basic selector from its spec', async () => {
    const cands = [c('a', 3), c('b', 2), c('c', 1)];
    expect((await createSelector({ name: 'topk', k: 1 }).select('q', cands)).chunks).toHaveLength(1);
    expect((await createSelector({ name: 'threshold', minScore: 2 }).select('q', cands)).chunks).toHaveLength(2);
    expect((await createSelector({ name: 'budget', budget: 25 }).select('q', cands)).tokens).toBe(20);
    expect(createSelector('budget').name).toBe('budget');
  });
  it('unknown name is E_UNKNOWN_COMPONENT; unknown key is E_BAD_CONFIG naming it', () => {
    expect(() => createSelector({ name: 'nope' } as never)).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_COMPONENT' }));
    expect(() => createSelector({ name: 'topk', k: 2, kk: 3 } as never)).toThrow(/kk/);
    expect(() => createSelector({ name: 'threshold' })).toThrow(expect.objectContaining({ code: 'E_BAD_CONFIG' }));
  });
});
