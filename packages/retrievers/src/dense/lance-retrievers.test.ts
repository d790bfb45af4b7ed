import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, Embedder } from '@sift/core';
import { connect, type Connection } from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';
import { createChunkTable } from '../lance/tables.js';
import { LanceDenseRetriever } from './lance-dense-retriever.js';
import { LanceFtsRetriever } from './lance-fts-retriever.js';

let dir: string;
let db: Connection;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-lance-'));
  db = await connect(dir);
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const DIM = 16;
const N = 600;
const vecs = randomVectors(N, DIM, 11);
const words = ['apple', 'river', 'stone', 'cloud', 'tiger', 'piano', 'garden', 'rocket'];
const chunks: Chunk[] = vecs.map((_, i) => {
  const text = `${words[i % 8]} ${words[(i * 3) % 8]} number${i}`;
  return { id: `c${i}`, docId: `d${i % 7}`, text, start: i * 100, end: i * 100 + text.length, tokenCount: 3, metadata: { i, tag: i % 2 ? 'odd' : 'even' } };
});
/** An embedder that maps "vec:<i>" to the i-th stored vector, so retrieve() can be checked exactly. */
const lookup: Embedder = {
  id: 'lookup', dim: DIM, maxTokens: 8,
  embed: async (texts) => texts.map((t) => vecs[Number(t.split(':')[1])]!),
};

describe('LanceDenseRetriever', () => {
  it('flat search returns the exact cosine neighbours with chunk fields intact', async () => {
    const table = await createChunkTable(db, 'flat', chunks, vecs, { sliceRows: 128 });
    const r = await LanceDenseRetriever.open(table, {}, { embedder: lookup });
    expect(r.indexed).toBe(false);
    const hits = await r.retrieve('vec:5', 10);
    expect(hits.map((h) => h.id)).toEqual(exactTopK(vecs, vecs[5]!, 10).map((i) => `c${i}`));
    expect(hits[0]).toMatchObject({ ...chunks[5], explain: { denseRank: 1, denseBackend: 'lance-flat' } });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
  });

  it('builds IVF-PQ above the row threshold and still finds near neighbours', async () => {
    const table = await createChunkTable(db, 'ivf', chunks, vecs);
    const r = await LanceDenseRetriever.open(table, { ivfPqAbove: 500, numPartitions: 2, nprobes: 2, refineFactor: 10 }, { embedder: lookup });
    expect(r.indexed).toBe(true);
    expect((await table.listIndices()).some((i) => /ivf/i.test(i.indexType))).toBe(true);
    let hit = 0;
    for (let i = 0; i < 20; i++) {
      const truth = new Set(exactTopK(vecs, vecs[i]!, 10).map((j) => `c${j}`));
      hit += (await r.searchVector(vecs[i]!, 10)).filter((h) => truth.has(h.id)).length;
    }
    // PQ on random 16-d data is coarse; refine re-ranks exactly, so most true neighbours survive.
    expect(hit / 200).toBeGreaterThanOrEqual(0.8);
  });

  it('needs an embedder to search by text', async () => {
    const table = await db.openTable('flat');
    const r = await LanceDenseRetriever.open(table);
    await expect(r.retrieve('vec:1', 3)).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    expect(await r.searchVector(vecs[1]!, 0)).toEqual([]);
  });
});

describe('LanceFtsRetriever', () => {
  it('builds the FTS index once and ranks lexical matches', async () => {
    const table = await createChunkTable(db, 'fts', chunks);
    const r = await LanceFtsRetriever.open(table);
    await LanceFtsRetriever.open(table); // existing index is reused
    expect((await table.listIndices()).filter((i) => i.indexType === 'FTS')).toHaveLength(1);
    const hits = await r.retrieve('number17', 5);
    expect(hits[0]).toMatchObject({ ...chunks[17], explain: { ftsRank: 1 } });
    const tigers = await r.retrieve('Tigers?', 50); // stemmed, lowercased, punctuation ignored
    expect(tigers.length).toBeGreaterThan(0);
    expect(tigers.every((h) => h.text.includes('tiger'))).toBe(true);
    expect(await r.retrieve('  ', 5)).toEqual([]);
    expect(await r.retrieve('a "quoted" (thing) AND: x*', 5)).toBeInstanceOf(Array);
  });
});
