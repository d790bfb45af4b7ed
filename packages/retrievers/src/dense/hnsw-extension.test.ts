import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, Embedder } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { HnswExtension } from './hnsw-extension.js';
import { HnswIndex } from './hnsw-index.js';
import { HnswRetriever } from './hnsw-retriever.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-hnsw-ext-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const DIM = 8;
const vecs = randomVectors(80, DIM, 21);
const chunks: Chunk[] = vecs.map((_, i) => ({ id: `c${i}`, docId: `d${i % 4}`, text: `vec:${i}`, start: 0, end: 5, tokenCount: 1, metadata: {} }));
const embedder: Embedder = { id: 'lookup', dim: DIM, maxTokens: 4, embed: async (t) => t.map((s) => vecs[Number(s.split(':')[1])]!) };
const byId = new Map(chunks.map((c) => [c.id, c]));
const getChunks = async (ids: readonly string[]) => ids.map((id) => byId.get(id)!).filter(Boolean);

describe('HnswExtension', () => {
  it('builds the graph batch by batch, commits it with the generation, and continues it on the next add', async () => {
    const ext = new HnswExtension({ ef: 100 });
    await ext.onBatch(chunks.slice(0, 40), vecs.slice(0, 40), { dir, generation: 1, removedChunkIds: [] });
    await ext.onBatch(chunks.slice(40, 60), vecs.slice(40, 60), { dir, generation: 1, removedChunkIds: [] });
    await ext.commit(dir);
    const first = await HnswIndex.load(dir);
    expect(first.size).toBe(60);
    expect(first.generation).toBe(1);

    const next = new HnswExtension();
    await next.onBatch(chunks.slice(60), vecs.slice(60), { dir, generation: 2, removedChunkIds: ['c0', 'c1'] });
    await next.commit(dir);
    const loaded = await HnswIndex.load(dir);
    expect(loaded.size).toBe(78);
    expect(loaded.generation).toBe(2);
    expect(loaded.has('c0')).toBe(false);

    const r = new HnswRetriever(loaded, embedder, getChunks);
    const hits = await r.retrieve('vec:70', 5);
    expect(hits.map((h) => h.id)).toEqual(exactTopK(vecs, vecs[70]!, 5, new Set([0, 1])).map((i) => `c${i}`));
    expect(hits[0]).toMatchObject({ ...chunks[70], explain: { denseRank: 1, denseBackend: 'hnsw' } });
  });

  it('needs vectors, and abort forgets uncommitted batches', async () => {
    const ext = new HnswExtension();
    await expect(ext.onBatch(chunks.slice(0, 2), undefined, { dir, generation: 1, removedChunkIds: [] })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    await ext.onBatch(chunks.slice(0, 5), vecs.slice(0, 5), { dir, generation: 1, removedChunkIds: [] });
    await ext.abort(dir);
    await ext.commit(dir);
    expect(HnswIndex.exists(dir)).toBe(false);
  });

  it('abort after commit puts the previous graph back (a failed manifest commit)', async () => {
    const first = new HnswExtension();
    await first.onBatch(chunks.slice(0, 10), vecs.slice(0, 10), { dir, generation: 1, removedChunkIds: [] });
    await first.commit(dir);
    const second = new HnswExtension();
    await second.onBatch(chunks.slice(10, 20), vecs.slice(10, 20), { dir, generation: 2, removedChunkIds: [] });
    await second.commit(dir);
    expect((await HnswIndex.load(dir)).size).toBe(20);
    await second.abort(dir);
    const back = await HnswIndex.load(dir);
    expect(back.size).toBe(10);
    expect(back.generation).toBe(1);
    // A failed first add leaves no graph at all.
    const fresh = mkdtempSync(path.join(tmpdir(), 'sift-hnsw-ext-'));
    const third = new HnswExtension();
    await third.onBatch(chunks.slice(0, 3), vecs.slice(0, 3), { dir: fresh, generation: 1, removedChunkIds: [] });
    await third.commit(fresh);
    await third.abort(fresh);
    expect(HnswIndex.exists(fresh)).toBe(false);
    rmSync(fresh, { recursive: true, force: true });
  });

  it('the retriever refuses an embedder of another dimension', async () => {
    const idx = HnswIndex.create(DIM);
    expect(() => new HnswRetriever(idx, { ...embedder, dim: 3 }, getChunks)).toThrow(/3-d vectors/);
  });
});
