import type { Chunk, Embedder, Progress, Retriever, ScoredChunk } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { DenseRetriever } from './dense-retriever.js';
import { HybridRetriever } from './hybrid-retriever.js';

const DIM = 8;
const vecs = randomVectors(120, DIM, 5);
const chunks: Chunk[] = vecs.map((_, i) => ({ id: `c${i}`, docId: 'doc', text: `vec:${i}`, start: i * 10, end: i * 10 + 5, tokenCount: 1, metadata: { i } }));
const lookup: Embedder & { calls: number } = {
  id: 'lookup', dim: DIM, maxTokens: 8, calls: 0,
  async embed(texts, opts) {
    this.calls++;
    opts?.onProgress?.({ status: 'done', done: texts.length, total: texts.length, unit: 'texts' });
    return texts.map((t) => vecs[Number(t.split(':')[1])]!);
  },
};

describe('DenseRetriever', () => {
  it.each(['flat', 'hnsw'] as const)('%s backend returns the exact neighbours as scored chunks', async (backend) => {
    const events: Progress[] = [];
    const r = await DenseRetriever.create(chunks, { backend, ef: 200 }, { embedder: lookup, onProgress: (p) => events.push(p) });
    expect(r.backend).toBe(backend);
    expect(events.at(-1)).toMatchObject({ status: 'done', done: 120 });
    const hits = await r.retrieve('vec:3', 5);
    expect(hits.map((h) => h.id)).toEqual(exactTopK(vecs, vecs[3]!, 5).map((i) => `c${i}`));
    expect(hits[0]).toMatchObject({ ...chunks[3], explain: { denseRank: 1, denseBackend: backend } });
  });

  it('auto picks flat below flatBelow and hnsw above', async () => {
    expect(DenseRetriever.fromVectors(chunks, vecs, {}, lookup).backend).toBe('flat');
    expect(DenseRetriever.fromVectors(chunks, vecs, { flatBelow: 50 }, lookup).backend).toBe('hnsw');
  });

  it('needs an embedder, unique ids and matching vectors', async () => {
    await expect(DenseRetriever.create(chunks, {}, {})).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    expect(() => DenseRetriever.fromVectors([chunks[0]!, chunks[0]!], [vecs[0]!, vecs[0]!], {}, lookup)).toThrow(/unique/);
    expect(() => DenseRetriever.fromVectors(chunks, vecs.slice(1), {}, lookup)).toThrow(/120 chunks but 119 vectors/);
    // @ts-expect-error: unknown option
    await expect(DenseRetriever.create(chunks, { efSearch: 3 }, { embedder: lookup })).rejects.toThrow(/efSearch/);
  });
});

/** A retriever that returns a fixed ranking. */
const fixed = (name: string, order: number[]): Retriever => ({
  name,
  retrieve: async (_q, k) => order.slice(0, k).map((i, r): ScoredChunk => ({ ...chunks[i]!, score: 100 - r, explain: { [`${name}Rank`]: r + 1 } })),
});

describe('HybridRetriever', () => {
  it('fuses both legs with weighted RRF and explains each leg’s rank', async () => {
    const h = HybridRetriever.create({ lexical: fixed('bm25', [1, 2, 3, 4]), dense: fixed('dense', [4, 3, 9]) }, { denseWeight: 2, rrfK: 10 });
    const out = await h.retrieve('q', 3);
    // c4: 1/14 + 2/11; c3: 1/13 + 2/12; c9: 2/13 (dense only) beats c1: 1/11 (bm25 only).
    expect(out.map((c) => c.id)).toEqual(['c4', 'c3', 'c9']);
    expect(out[0]).toMatchObject({ start: 40, end: 45, docId: 'doc', explain: { bm25Rank: 4, denseRank: 1, fusion: 'rrf' } });
    expect(out[0]!.score).toBeCloseTo(1 / 14 + 2 / 11, 12);
  });

  it('a zero weight skips that leg entirely', async () => {
    let called = false;
    const spy: Retriever = { name: 'dense', retrieve: async () => ((called = true), []) };
    const h = HybridRetriever.create({ lexical: fixed('bm25', [7, 8]), dense: spy }, { denseWeight: 0 });
    expect((await h.retrieve('q', 2)).map((c) => c.id)).toEqual(['c7', 'c8']);
    expect(called).toBe(false);
  });

  it('asks each leg for max(k, depth) candidates and rejects bad options', async () => {
    const asked: number[] = [];
    const leg = (name: string): Retriever => ({ name, retrieve: async (_q, k) => (asked.push(k), []) });
    await HybridRetriever.create({ lexical: leg('bm25'), dense: leg('dense') }, { depth: 30 }).retrieve('q', 50);
    expect(asked).toEqual([50, 50]);
    expect(() => HybridRetriever.create({ lexical: leg('x'), dense: leg('y') }, { lexicalWeight: 0, denseWeight: 0 })).toThrow(/weight/);
    expect(() => HybridRetriever.create({ lexical: leg('x'), dense: leg('x') })).toThrow(/distinct names/);
  });
});
