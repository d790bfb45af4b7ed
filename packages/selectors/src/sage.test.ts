import { describe, expect, it } from 'vitest';
import type { LLM, LlmOptions } from '@sift/core';
import { Bm25Reranker } from './bm25-reranker.js';
import { parseFeedback } from './sage-feedback.js';
import { sageSelector } from './sage.js';
import { scored } from './__fixtures__/scored-chunk.js';

const ids = (s: { chunks: Array<{ id: string }> }) => s.chunks.map((c) => c.id);

describe('sageSelector', () => {
  it('keeps the prefix before a cliff in the first-stage scores', async () => {
    const cands = [scored('a', 9), scored('b', 8.8), scored('c', 2), scored('d', 1.9), scored('e', 1.8)];
    const s = await sageSelector({ minK: 1, maxK: 10, g: 2 }).select('q', cands);
    expect(ids(s)).toEqual(['a', 'b']);
    expect(s.tokens).toBe(20);
    expect(s.trace).toMatchObject({ reranker: 'first-stage', cutK: 2, k: 2 });
    expect(s.chunks[0]!.explain).toMatchObject({ sage: { rank: 0, firstStageRank: 0 } });
    expect(String((s.chunks[1]!.explain!['sage'] as { reason: string }).reason)).toMatch(/drop 6\.800/);
  });

  it('a gradual slope keeps maxK; fewer candidates than minK keeps them all; none gives an empty selection', async () => {
    const slope = Array.from({ length: 12 }, (_, i) => scored(`c${i}`, 12 - i));
    expect(ids(await sageSelector({ minK: 2, maxK: 5, g: 1.5 }).select('q', slope))).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(ids(await sageSelector({ minK: 3, maxK: 5 }).select('q', [scored('x', 1), scored('y', 0)]))).toEqual(['x', 'y']);
    expect((await sageSelector().select('q', [])).chunks).toEqual([]);
  });

  it('reorders by the reranker before cutting; ties keep first-stage order', async () => {
    const cands = [
      scored('off', 5, 'weather report rain'),
      scored('on1', 4, 'the eiffel tower is in paris'),
      scored('tie1', 3, 'garden soil'),
      scored('tie2', 2, 'garden soil'),
      scored('on2', 1, 'the eiffel tower in paris is 330 metres high'),
    ];
    const s = await sageSelector({ minK: 1, maxK: 5, g: 1.5 }, { reranker: new Bm25Reranker() }).select('eiffel tower paris', cands);
    expect(ids(s)).toEqual(['on1', 'on2']);
    expect(s.chunks[0]!.score).toBeGreaterThan(s.chunks[1]!.score);
    const all = await sageSelector({ minK: 5, maxK: 5 }, { reranker: new Bm25Reranker() }).select('eiffel tower paris', cands);
    expect(ids(all).slice(2)).toEqual(['off', 'tie1', 'tie2']);
    expect(ids(all).indexOf('tie1')).toBeLessThan(ids(all).indexOf('tie2'));
  });

  it('a budget caps what is kept', async () => {
    const cands = [scored('a', 9, 'a', 60), scored('b', 8.9, 'b', 50), scored('c', 8.8, 'c', 30)];
    const s = await sageSelector({ minK: 1, maxK: 3, g: 2 }).select('q', cands, { budget: 100 });
    expect(ids(s)).toEqual(['a', 'c']);
    expect(s.trace).toMatchObject({ overBudget: 1 });
  });

  it('LLM feedback moves k by one per round until the answer is good or k stops moving', async () => {
    // A scripted LLM: insufficient until the context holds "1889", then a high self-score.
    const seen: number[] = [];
    const llm: LLM = {
      id: 'scripted',
      complete(prompt: string, _o?: LlmOptions) {
        seen.push((prompt.match(/^\[\d+\]/gm) ?? []).length);
        return Promise.resolve(prompt.includes('1889') ? 'Answer: 1889\nScore: 9\nContext: ok' : 'Answer: unknown\nScore: 3\nContext: insufficient');
      },
    };
    const cands = [scored('a', 9, 'tower in paris'), scored('b', 2, 'built by eiffel'), scored('c', 1.9, 'opened in 1889'), scored('d', 1.8, 'x')];
    const s = await sageSelector({ minK: 1, maxK: 4, g: 2, feedback: { maxIterations: 5, targetScore: 8 } }, { llm }).select('when', cands);
    expect(seen).toEqual([1, 2, 3]);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    expect((s.trace!['feedback'] as unknown[]).length).toBe(3);
    expect((s.chunks[2]!.explain!['sage'] as { reason: string }).reason).toBe('added by LLM feedback');
    // Bounded: with 2 rounds it stops at k = 3 without a third call.
    seen.length = 0;
    await sageSelector({ minK: 1, maxK: 4, g: 2, feedback: { maxIterations: 2 } }, { llm }).select('when', cands);
    expect(seen).toEqual([1, 2]);
  });

  it('feedback needs an LLM; minK > maxK is a config error', () => {
    expect(() => sageSelector({ feedback: {} })).toThrow(expect.objectContaining({ code: 'E_BAD_CONFIG' }));
    expect(() => sageSelector({ minK: 5, maxK: 2 })).toThrow(/minK/);
  });

  it('parses self-feedback replies', () => {
    expect(parseFeedback('Answer: Paris\nScore: 7\nContext: excessive')).toEqual({ answer: 'Paris', score: 7, verdict: 'excessive' });
    expect(parseFeedback('I think so.\nscore: 12')).toEqual({ answer: 'I think so.', score: 10, verdict: 'ok' });
  });
});
