import { SiftError, type Chunk, type Retriever, type ScoredChunk } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { Bm25Retriever } from '../bm25/bm25-retriever.js';
import { PAGES, pageChunks } from './__fixtures__/film-corpus.js';
import { decodeGraph, encodeGraph } from './graph-format.js';
import { GraphRetriever } from './graph-retriever.js';

const SOURCES = new Map(PAGES);

/** A first stage that returns fixed hits and records its calls. */
function fixedFirstStage(chunks: readonly Chunk[], ids: string[]): Retriever & { calls: Array<[string, number]> } {
  const calls: Array<[string, number]> = [];
  return {
    name: 'fixed',
    calls,
    async retrieve(query, k) {
      calls.push([query, k]);
      return ids.slice(0, k).map((id, i) => ({ ...chunks.find((c) => c.id === id)!, score: 10 - i, explain: { fixedRank: i + 1 } }));
    },
  };
}

function expectOffsets(hits: ScoredChunk[]): void {
  for (const h of hits) expect(SOURCES.get(h.docId)!.slice(h.start, h.end)).toBe(h.text);
}

describe('GraphRetriever', () => {
  const chunks = pageChunks();

  it('adds the page a top passage names, explaining the hop', async () => {
    const bm25 = await Bm25Retriever.create(chunks);
    const first = await bm25.retrieve('Which school did the director of Ed Wood attend?', 10);
    expect(first.map((h) => h.id)).toEqual(['ed-wood-film']);
    const g = await GraphRetriever.create(bm25, chunks);
    expect(g.name).toBe('graph:bm25');
    const hits = await g.retrieve('Which school did the director of Ed Wood attend?', 3);
    // The film passage and both pages it names, each added page explained by the hop that reached it.
    expect(hits.map((h) => h.id).sort()).toEqual(['ed-wood-film', 'johnny-depp', 'tim-burton']);
    expect(hits.find((h) => h.id === 'ed-wood-film')!.explain).toMatchObject({ bm25Rank: 1, firstStageRank: 1 });
    const burton = hits.find((h) => h.id === 'tim-burton')!;
    expect(burton.explain).toMatchObject({ via: 'passage', entity: 'tim burton', from: 'ed-wood-film' });
    expect(hits.find((h) => h.id === 'johnny-depp')!.explain).toMatchObject({ via: 'passage', entity: 'johnny depp', from: 'ed-wood-film' });
    expect(burton.explain!.ppr).toBeGreaterThan(0);
    expectOffsets(hits);
    // Chunk shape is kept: metadata and token counts come from the chunk.
    expect(burton).toMatchObject({ docId: 'tim-burton', start: 0, tokenCount: chunks[1]!.tokenCount, metadata: {} });
  });

  it('reaches the page of an entity the query names, via the entity', async () => {
    const first = fixedFirstStage(chunks, ['note']);
    const g = await GraphRetriever.create(first, chunks);
    const hits = await g.retrieve('Where is the California Institute of the Arts?', 3);
    expect(first.calls).toEqual([['Where is the California Institute of the Arts?', 20]]);
    const page = hits.find((h) => h.id === 'calarts');
    expect(page?.explain).toMatchObject({ via: 'entity', entity: 'california institute of the arts' });
    expect(hits.map((h) => h.id)).toContain('note');
    expectOffsets(hits);
  });

  it('still returns a first-stage passage that names no entity', async () => {
    const bm25 = await Bm25Retriever.create(chunks);
    const g = await GraphRetriever.create(bm25, chunks, { titles: ['metadata', 'first-line'] });
    const p = g.graph.passageIndex('note');
    expect(g.graph.pePtr[p + 1]! - g.graph.pePtr[p]!).toBe(0);
    const hits = await g.retrieve('apples and pears', 5);
    expect(hits[0]).toMatchObject({ id: 'note', explain: { bm25Rank: 1, firstStageRank: 1 } });
    expect(hits).toHaveLength(1);
    expectOffsets(hits);
  });

  it('keeps first-stage hits the graph does not know', async () => {
    const extra: Chunk = { id: 'new', docId: 'new', text: 'fresh text', start: 0, end: 10, tokenCount: 2, metadata: {} };
    const g = GraphRetriever.fromGraph(fixedFirstStage([...chunks, extra], ['new', 'ed-wood-film']), (await GraphRetriever.create(fixedFirstStage(chunks, []), chunks)).graph, chunks);
    const hits = await g.retrieve('anything', 3);
    expect(hits[0]).toMatchObject({ id: 'new', score: 1, explain: { fixedRank: 1, firstStageRank: 1, ppr: 0 } });
  });

  it('is deterministic, and a graph loaded from graph.bin ranks the same', async () => {
    const bm25 = await Bm25Retriever.create(chunks);
    const a = await GraphRetriever.create(bm25, chunks);
    const b = await GraphRetriever.create(bm25, chunks);
    const loaded = GraphRetriever.fromGraph(bm25, decodeGraph(encodeGraph(a.graph), 'mem').graph, chunks);
    for (const q of ['Which school did the director of Ed Wood attend?', 'Johnny Depp films', 'Tim Burton']) {
      const ra = await a.retrieve(q, 5);
      expect(await a.retrieve(q, 5)).toEqual(ra);
      expect(await b.retrieve(q, 5)).toEqual(ra);
      expect(await loaded.retrieve(q, 5)).toEqual(ra);
    }
  });

  it('ranks the same with the power-iteration solver', async () => {
    const bm25 = await Bm25Retriever.create(chunks);
    const push = await GraphRetriever.create(bm25, chunks);
    const power = GraphRetriever.fromGraph(bm25, push.graph, chunks, { solver: 'power', tolerance: 1e-12 });
    for (const q of ['Which school did the director of Ed Wood attend?', 'Where is the California Institute of the Arts?']) {
      const a = await push.retrieve(q, 5);
      const b = await power.retrieve(q, 5);
      expect(b.map((h) => h.id)).toEqual(a.map((h) => h.id));
      b.forEach((h, i) => expect(h.score).toBeCloseTo(a[i]!.score, 4));
    }
  });

  it('returns at most k results, best first', async () => {
    const g = await GraphRetriever.create(await Bm25Retriever.create(chunks), chunks);
    const hits = await g.retrieve('Tim Burton and Johnny Depp', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
  });

  it('honours an aborted signal', async () => {
    const g = await GraphRetriever.create(await Bm25Retriever.create(chunks), chunks);
    await expect(g.retrieve('Ed Wood', 3, { signal: AbortSignal.abort() })).rejects.toSatisfy((e: unknown) => SiftError.isInstance(e) && e.code === 'E_ABORTED');
  });

  it('rejects bad options with E_BAD_CONFIG naming the key', async () => {
    const bm25 = await Bm25Retriever.create(chunks);
    await expect(GraphRetriever.create(bm25, chunks, { damping: 1.5 })).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_BAD_CONFIG' && e.message.includes('damping'),
    );
    await expect(GraphRetriever.create(bm25, chunks, { synonyms: true })).rejects.toThrow(/embedder/);
    const graph = (await GraphRetriever.create(bm25, chunks)).graph;
    expect(() => GraphRetriever.fromGraph(bm25, graph, chunks, { seedPassages: 0 })).toThrow(/seedPassages/);
    expect(() => GraphRetriever.fromGraph(bm25, graph, chunks, { titles: ['metadata'] } as never)).toThrow(/titles/);
  });
});
