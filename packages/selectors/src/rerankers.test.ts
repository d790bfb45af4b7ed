import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KneserNeyLM, OnnxCausalLM, UseLiteEmbedder, siftLmMiniDir } from '@sift/core';
import { Bm25Reranker, bm25Terms } from './bm25-reranker.js';
import { EmbeddingReranker } from './embedding-reranker.js';
import { QueryLikelihoodReranker } from './query-likelihood-reranker.js';

const passages = [
  'The Eiffel Tower is a wrought-iron tower in Paris, built in 1889.',
  'Cats sleep most of the day and hunt at night.',
  'Paris is the capital of France; the Seine river runs through it.',
];

describe('Bm25Reranker', () => {
  it('scores query-term matches with IDF over the call texts, matching the formula by hand', async () => {
    expect(bm25Terms("The cat's cats ran")).toEqual(['cat', 'cat', 'ran']);
    const r = new Bm25Reranker({ k1: 1.2, b: 0 });
    const s = await r.score('eiffel tower paris', passages);
    const idf = (df: number) => Math.log(1 + (3 - df + 0.5) / (df + 0.5));
    // b=0: no length normalisation. Passage 0: eiffel (df 1), tower ×2 (df 1), paris (df 2).
    const tf = (f: number) => (f * 2.2) / (f + 1.2);
    expect(s[0]).toBeCloseTo(idf(1) * tf(1) + idf(1) * tf(2) + idf(2) * tf(1), 5);
    expect(s[1]).toBe(0);
    expect(s[2]).toBeCloseTo(idf(2) * tf(1), 5);
    expect(r.calls).toBe(3);
  });
  it('withStats fixes IDF to a pool, so a concatenation scores as one more document of it', async () => {
    const pooled = new Bm25Reranker().withStats(passages);
    const [joined] = await pooled.score('eiffel paris seine', [`${passages[0]}\n\n${passages[2]}`]);
    const [alone] = await pooled.score('eiffel paris seine', [passages[0]!]);
    expect(joined).toBeGreaterThan(alone!);
  });
});

describe('QueryLikelihoodReranker', () => {
  it('is the mean log-probability of the query tokens after the passage (Kneser–Ney LM)', async () => {
    const lm = await KneserNeyLM.train(passages.concat(['the tower in paris is tall', 'question: where is the tower']), { order: 3 });
    const r = new QueryLikelihoodReranker(lm, { separator: ' question: ' });
    const s = await r.score('where is the tower', passages);
    const p = lm.tokenize(passages[0]!);
    const q = lm.tokenize(' question: where is the tower');
    const lp = await lm.tokenLogprobs([...p, ...q]);
    let sum = 0;
    for (let t = p.length; t < p.length + q.length; t++) sum += lp[t]!;
    expect(s[0]).toBeCloseTo(sum / q.length, 5);
    expect(Array.from(s).every((x) => Number.isFinite(x) && x < 0)).toBe(true);
  });

  const dir = siftLmMiniDir();
  it.skipIf(dir === undefined)('with sift-lm-mini: a passage that states the query words scores above an unrelated one', async () => {
    const lm = await OnnxCausalLM.create({ model: dir!, device: 'cpu', threads: 1 });
    try {
      const r = new QueryLikelihoodReranker(lm);
      const s = await r.score('Paris is the capital of France', [passages[2]!, passages[1]!]);
      expect(s[0]).toBeGreaterThan(s[1]!);
      expect(r.id).toBe(`query-likelihood:${lm.id}`);
    } finally {
      await lm.close();
    }
  }, 60_000);
});

describe('EmbeddingReranker (USE-lite)', () => {
  let emb: UseLiteEmbedder;
  beforeAll(async () => {
    emb = await UseLiteEmbedder.create();
  }, 120_000);
  afterAll(async () => {
    await emb?.close?.();
  });
  it('ranks by cosine of the embeddings', async () => {
    const r = new EmbeddingReranker(emb);
    const s = await r.score('Which city has the Eiffel Tower?', passages);
    expect(s[1]).toBeLessThan(s[0]!);
    expect(s[1]).toBeLessThan(s[2]!);
    expect(Array.from(s).every((x) => x >= -1 && x <= 1)).toBe(true);
    expect(await r.score('q', [])).toHaveLength(0);
  }, 60_000);
});
