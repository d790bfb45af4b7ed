import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '@sift/core';
import { budgetSelector } from './budget.js';

const c = (id: string, tokenCount: number, score = 1): ScoredChunk => ({
  id, docId: 'd', text: 'x'.repeat(tokenCount), start: 0, end: tokenCount, tokenCount, metadata: {}, score,
});
const ids = (s: { chunks: ScoredChunk[] }) => s.chunks.map((x) => x.id);

describe('budgetSelector', () => {
  const cands = [c('a', 60), c('b', 50), c('c', 30), c('d', 10)];
  it('fills greedily in rank order, skipping what does not fit', async () => {
    const s = await budgetSelector().select('q', cands, { budget: 100 });
    expect(ids(s)).toEqual(['a', 'c', 'd']);
    expect(s.tokens).toBe(100);
    expect(s.trace).toMatchObject({ skipped: 1 });
  });
  it('skipOversized=false stops at the first miss', async () => {
    expect(ids(await budgetSelector({ skipOversized: false }).select('q', cands, { budget: 100 }))).toEqual(['a']);
  });
  it('the per-call budget overrides the spec budget; exact fit is kept', async () => {
    const sel = budgetSelector({ budget: 10 });
    expect(ids(await sel.select('q', cands))).toEqual(['d']);
    expect(ids(await sel.select('q', cands, { budget: 150 }))).toEqual(['a', 'b', 'c', 'd']);
  });
  it('budget 0 selects nothing; no budget at all is a config error', async () => {
    expect((await budgetSelector().select('q', cands, { budget: 0 })).chunks).toEqual([]);
    await expect(budgetSelector().select('q', cands)).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });
});
