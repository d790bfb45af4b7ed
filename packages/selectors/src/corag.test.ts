import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '@sift/core';
import { Bm25Reranker } from './bm25-reranker.js';
import type { CombinationUtility } from './combination-utility.js';
import { coragSelector } from './corag.js';
import { scored } from './__fixtures__/scored-chunk.js';

const WORDS = ['paris', 'tower', 'eiffel', 'built', '1889', 'river', 'seine', 'iron', 'gustave', 'height', 'rain', 'garden'];

/** Candidate pools: texts from a small vocabulary, token counts 1..120, descending scores. */
const poolArb = fc
  .array(fc.tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 120 })), { minLength: 0, maxLength: 25 })
  .map((rows) => rows.map(([words, tokens], i): ScoredChunk => scored(`c${i}`, rows.length - i, words.join(' '), tokens)));

describe('coragSelector', () => {
  it('never returns a combination over the budget, with distinct chunks; same seed, same selection (property)', async () => {
    await fc.assert(
      fc.asyncProperty(poolArb, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 15 }), fc.integer(), async (pool, budget, iterations, seed) => {
        const sel = coragSelector({ iterations, seed, poolSize: 20 }, { reranker: new Bm25Reranker() });
        const a = await sel.select('when was the eiffel tower built in paris', pool, { budget });
        const cost = a.chunks.reduce((s, c) => s + c.tokenCount, 0);
        expect(cost).toBeLessThanOrEqual(budget);
        expect(a.tokens).toBe(cost);
        expect(new Set(a.chunks.map((c) => c.id)).size).toBe(a.chunks.length);
        expect(a.chunks.every((c) => pool.slice(0, 20).includes(pool.find((p) => p.id === c.id)!))).toBe(true);
        const b = await sel.select('when was the eiffel tower built in paris', pool, { budget });
        expect(b.chunks.map((c) => c.id)).toEqual(a.chunks.map((c) => c.id));
        // Reranker calls are bounded by iterations × pool size.
        expect(a.trace!['rerankerCalls'] as number).toBeLessThanOrEqual(iterations * Math.min(20, pool.length));
      }),
      { seed: 20260312, numRuns: 120 },
    );
  });

  it('finds a non-additive best pair that greedy-by-single-score misses', async () => {
    // Utility: 1 when both halves of the answer are present, else a small per-chunk relevance.
    const single: Record<string, number> = { a: 0.5, b: 0.4, x: 0.1, y: 0.05 };
    let calls = 0;
    const utility: CombinationUtility = {
      id: 'test-pair',
      score(_q, combos) {
        calls += combos.length;
        return Promise.resolve(
          Float32Array.from(combos, (cs) => {
            const ids = new Set(cs.map((c) => c.id));
            if (ids.has('x') && ids.has('y')) return 1;
            return Math.max(...cs.map((c) => single[c.id]!)) - 0.01 * (cs.length - 1);
          }),
        );
      },
    };
    const cands = [scored('a', 4, 'a', 40), scored('b', 3, 'b', 40), scored('x', 2, 'x', 30), scored('y', 1, 'y', 30)];
    const s = await coragSelector({ iterations: 10, seed: 1 }, { utility }).select('q', cands, { budget: 70 });
    expect(s.chunks.map((c) => c.id).sort()).toEqual(['x', 'y']);
    expect(s.tokens).toBe(60);
    expect(s.trace).toMatchObject({ rerankerCalls: calls, reward: 1 });
    expect(s.chunks[0]!.explain).toHaveProperty('corag');
  });

  it('a chunk larger than the budget is never chosen; no budget is a config error; no reranker is a config error', async () => {
    const s = await coragSelector({}, { reranker: new Bm25Reranker() }).select('eiffel', [scored('big', 9, 'eiffel', 500), scored('ok', 1, 'eiffel tower', 20)], { budget: 100 });
    expect(s.chunks.map((c) => c.id)).toEqual(['ok']);
    await expect(coragSelector({}, { reranker: new Bm25Reranker() }).select('q', [])).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    expect(() => coragSelector({ budget: 10 })).toThrow(/reranker/);
    expect((await coragSelector({ budget: 5 }, { reranker: new Bm25Reranker() }).select('q', [])).chunks).toEqual([]);
  });
});
