import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Chunk, Chunker, Document, Embedder } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiftIndex } from '../sift-index/sift-index.js';
import { exactTopK, randomVectors } from './__fixtures__/random-vectors.js';

const DIM = 8;
const N = 40;
const vecs = randomVectors(N, DIM, 77);
const words = ['amber', 'basil', 'cedar', 'dune'];
const docs: Document[] = vecs.map((_, i) => ({ id: `d${i}`, text: `${words[i % 4]} item${i}`, metadata: {} }));
/** One chunk per document; ids `<docId>#0`. */
const whole: Chunker = {
  name: 'whole',
  async *chunk(doc): AsyncIterable<Chunk> {
    yield { id: `${doc.id}#0`, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 2, metadata: {} };
  },
};
/** "… item<i>" and "q<i>" map to the i-th vector, so dense results are known exactly. */
const embedder: Embedder = { id: 'lookup-8', dim: DIM, maxTokens: 16, embed: async (t) => t.map((s) => vecs[Number(/(\d+)$/.exec(s)![1])]!) };
const expected = (i: number, k: number, n = N) => exactTopK(vecs.slice(0, n), vecs[i]!, k).map((j) => `d${j}#0`);

let dir: string;
let index: SiftIndex;
const warnings: string[] = [];
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sift-index-dense-'));
  warnings.length = 0;
  index = await SiftIndex.create(dir, { onWarn: (m) => warnings.push(m) });
  await index.add(docs.slice(0, 30), { chunker: whole, embedder });
});

/** Edits the committed manifest on disk (as a crash or an old version might have left it) and reopens. */
async function reopenWith(edit: (m: Record<string, any>) => void): Promise<void> {
  await index.close();
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  edit(m);
  writeFileSync(file, JSON.stringify(m));
  index = await SiftIndex.open(dir, { onWarn: (w) => warnings.push(w) });
}
afterEach(async () => {
  await index.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SiftIndex.retriever dense / hybrid', () => {
  it('without an ef, the graph tunes its own: recallTarget 0.95 in the manifest, the chosen ef saved with the graph', async () => {
    const record = index.manifest.sideIndexes.hnsw!;
    expect(record.options).toMatchObject({ recallTarget: 0.95 });
    const labels = JSON.parse(readFileSync(path.join(dir, Object.keys(record.files).find((f) => f.endsWith('.labels.json'))!), 'utf8'));
    expect(labels.options.ef).toBe(16); // 30 vectors: the smallest ladder ef already finds every neighbour
  });

  it('dense goes through the committed HNSW graph, or LanceDB when asked for flat', async () => {
    const hnsw = await index.retriever({ retriever: 'dense' }, { embedder });
    const a = await hnsw.retrieve('q3', 5);
    expect(a.map((h) => h.id)).toEqual(expected(3, 5, 30));
    expect(a[0]).toMatchObject({ id: 'd3#0', docId: 'd3', text: docs[3]!.text, start: 0, explain: { denseBackend: 'hnsw' } });
    const flat = await index.retriever({ retriever: 'dense', backend: 'flat' }, { embedder });
    const b = await flat.retrieve('q3', 5);
    expect(b.map((h) => h.id)).toEqual(a.map((h) => h.id));
    expect(b[0]?.explain).toMatchObject({ denseBackend: 'lance-flat' });
    expect(b[0]!.score).toBeCloseTo(a[0]!.score, 5);
  });

  it('a stale graph is not used: LanceDB answers with one warning, hnsw is E_INDEX_MISSING, the next add rebuilds it', async () => {
    await reopenWith((m) => (m.sideIndexes.hnsw.chunks = 0));
    const r = await index.retriever({ retriever: 'dense' }, { embedder });
    const hits = await r.retrieve('q12', 3);
    expect(hits.map((h) => h.id)).toEqual(expected(12, 3, 30));
    expect(hits[0]?.explain).toMatchObject({ denseBackend: 'lance-flat' });
    expect(warnings).toEqual([expect.stringMatching(/HNSW graph of .* does not cover the committed chunks \(stale\)/)]);
    await expect(index.retriever({ retriever: 'dense', backend: 'hnsw' }, { embedder })).rejects.toMatchObject({ code: 'E_INDEX_MISSING' });
    const res = await index.add(docs.slice(30), { chunker: whole, embedder });
    expect(res.rebuiltSideIndexes).toEqual(['hnsw']);
    const again = await (await index.retriever({ retriever: 'dense' }, { embedder })).retrieve('q35', 3);
    expect(again.map((h) => h.id)).toEqual(expected(35, 3));
    expect(again[0]?.explain).toMatchObject({ denseBackend: 'hnsw' });
  });

  it('a damaged hnsw file is E_INDEX_CORRUPT naming it; an add rebuilds it from the committed vectors', async () => {
    const record = index.manifest.sideIndexes.hnsw!;
    const bin = path.join(dir, `hnsw.${record.generation}.bin`);
    const bytes = readFileSync(bin);
    for (let i = 0; i < 16; i++) bytes[200 + i]! ^= 0xff;
    writeFileSync(bin, bytes);
    await expect(index.retriever({ retriever: 'dense' }, { embedder })).rejects.toSatisfy(
      (e: any) => e.code === 'E_INDEX_CORRUPT' && e.message.includes(bin) && /checksum/.test(e.message),
    );
    const res = await index.add(docs.slice(0, 30), { chunker: whole, embedder }); // nothing new, but the graph is rebuilt
    expect(res).toMatchObject({ skipped: 30, committed: true, rebuiltSideIndexes: ['hnsw'] });
    expect(warnings).toEqual([expect.stringMatching(/does not match its checksum .*; rebuilding it from the committed tables/)]);
    const hits = await (await index.retriever({ retriever: 'dense' }, { embedder })).retrieve('q3', 5);
    expect(hits.map((h) => h.id)).toEqual(expected(3, 5, 30));
  });

  it('hybrid fuses the index’s BM25 with dense', async () => {
    const r = await index.retriever({ retriever: 'hybrid' }, { embedder });
    const hits = await r.retrieve('item12', 5);
    expect(hits[0]).toMatchObject({ id: 'd12#0', explain: { fusion: 'rrf', bm25Rank: 1, denseRank: 1 } });
    expect(hits).toHaveLength(5);
  });

  it('needs the embedder the index was built with', async () => {
    await expect(index.retriever({ retriever: 'dense' })).rejects.toThrow(/built with embedder "lookup-8", which it cannot re-create/);
    const other = { ...embedder, id: 'other' };
    await expect(index.retriever({ retriever: 'dense' }, { embedder: other })).rejects.toThrow(/built with embedder lookup-8/);
    const bare = await SiftIndex.create(path.join(dir, 'bare'));
    await bare.add(docs.slice(0, 2), { chunker: whole });
    await expect(bare.retriever({ retriever: 'hybrid' }, { embedder })).rejects.toThrow(/has no vectors/);
    await bare.close();
  });
});

describe('empty queries', () => {
  it('an empty or blank query finds nothing in dense and hybrid (no arbitrary hits)', async () => {
    for (const spec of ['dense', 'hybrid', { retriever: 'dense', backend: 'flat' }] as const) {
      const r = await index.retriever(spec, { embedder });
      expect(await r.retrieve('', 10)).toEqual([]);
      expect(await r.retrieve('  \n', 10)).toEqual([]);
    }
  });
});
