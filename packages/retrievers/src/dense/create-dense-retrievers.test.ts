import type { Chunk, Embedder } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createRetriever } from '../create-retriever.js';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';

const DIM = 8;
const vecs = randomVectors(60, DIM, 9);
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
const chunks: Chunk[] = vecs.map((_, i) => {
  const text = `${words[i % 5]} item${i}`;
  return { id: `c${i}`, docId: 'd', text, start: i * 20, end: i * 20 + text.length, tokenCount: 2, metadata: {} };
});
/** Embeds a chunk text to its own vector and "q<i>" to the i-th vector: dense results are known exactly. */
const embedder: Embedder = {
  id: 'lookup', dim: DIM, maxTokens: 8,
  embed: async (texts) => texts.map((t) => vecs[Number(/(\d+)$/.exec(t)![1])]!),
};

describe('createRetriever dense / hybrid', () => {
  it.each(['flat', 'hnsw', 'lance'] as const)('dense (%s) ranks by the embedder’s vectors', async (backend) => {
    const r = await createRetriever({ retriever: 'dense', backend }, chunks, { embedder });
    const hits = await r.retrieve('q7', 5);
    expect(hits.map((h) => h.id)).toEqual(exactTopK(vecs, vecs[7]!, 5).map((i) => `c${i}`));
    expect(hits[0]).toMatchObject(chunks[7]!);
  });

  it.each(['bm25', 'lance-fts'] as const)('hybrid with %s fuses lexical and dense ranks', async (lexical) => {
    const r = await createRetriever({ retriever: 'hybrid', lexical, depth: 10 }, chunks, { embedder });
    // "item33": lexical puts c33 first, dense (vector 33) too, so c33 must win with both ranks explained.
    const hits = await r.retrieve('item33', 5);
    expect(hits[0]).toMatchObject({ ...chunks[33], explain: { fusion: 'rrf' } });
    const ranks = hits[0]!.explain!['ranks'] as Record<string, number>;
    expect(Object.values(ranks)).toEqual([1, 1]);
    expect(hits).toHaveLength(5);
    for (const h of hits) expect(h.text).toBe(chunks.find((c) => c.id === h.id)!.text);
  });

  it('reports a missing embedder and bad options with coded errors', async () => {
    await expect(createRetriever({ retriever: 'dense' }, chunks)).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    await expect(createRetriever({ retriever: 'hybrid', rrfK: -1 }, chunks, { embedder })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    // @ts-expect-error: not a backend
    await expect(createRetriever({ retriever: 'dense', backend: 'faiss' }, chunks, { embedder })).rejects.toThrow(/backend/);
  });
});
