import { join } from 'node:path';
import type { Retriever } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { GraphRetriever } from '../graph/graph-retriever.js';
import { loadIndexGraph } from '../graph/index-graph.js';
import type { PassageGraph } from '../graph/passage-graph.js';
import { hashEmbedder, phaseDocs, QUERIES, sentenceChunker } from '../sift-index/__fixtures__/crash-writer.js';
import { SiftIndex } from '../sift-index/sift-index.js';
import { BUCKET } from './__fixtures__/local-s3-server.js';
import { useLocalS3 } from './__fixtures__/use-local-s3.js';
import { RemoteIndex } from './remote-index.js';

// The entity graph of a remote index, stored in its own dataset (the `graph` table) on a real S3-compatible server
// on 127.0.0.1: built at finalize from the chunks whatever order the shards wrote them in, equal to the graph a local
// index keeps for the same input, loaded back by a fresh reader, and rebuilt (with a warning) once chunks change.

const suite = useLocalS3('sift-remote-graph-');

const uri = (name: string) => `s3://${BUCKET}/${name}`;
const add = { chunker: sentenceChunker, embedder: hashEmbedder, batchSize: 8 } as const;

/** Each passage with the entities it links to (name and edge kind), sorted: equal for isomorphic graphs. */
function canonical(g: PassageGraph): string[] {
  return g.passageIds
    .map((id, p) => {
      const links: string[] = [];
      for (let j = g.pePtr[p]!; j < g.pePtr[p + 1]!; j++) links.push(`${g.entities[g.peIdx[j]!]}:${g.peKind[j]}/${g.entityKinds[g.peIdx[j]!]}`);
      return `${id} -> ${links.sort().join(' | ')}`;
    })
    .sort();
}

/**
 * Top-10 ids and scores (5 decimals) per query, equal scores ordered by id: the remote graph numbers passages by
 * document id, a local index by when they were added, and the walk returns ties in passage order. (Taken from the
 * top 30, so a tie across the cut is settled by id too.)
 */
async function topTens(r: Retriever): Promise<Array<Array<[string, number]>>> {
  const out: Array<Array<[string, number]>> = [];
  for (const q of QUERIES) {
    const hits = (await r.retrieve(q, 30)).map((h) => [h.id, Number(h.score.toFixed(5))] as [string, number]);
    out.push(hits.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10));
  }
  return out;
}

describe('the entity graph of a RemoteIndex on a local S3-compatible server', { timeout: 600_000 }, () => {
  it('is stored at finalize, equals a local index graph, answers graph:bm25 and graph:hybrid, and is rebuilt when stale', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const local = await SiftIndex.create(join(suite.tmp, 'local'), { embedder: hashEmbedder, sideIndexes: { graph: {} }, onWarn: () => {} });
    const warnings: string[] = [];
    const remote = await RemoteIndex.open(uri('graph'), { storageOptions: s3.storageOptions, settings: { createSettleMs: 0 }, onWarn: (m) => warnings.push(m) });
    try {
      await local.add(phaseDocs('A'), add);
      // Two shards written in the opposite order to the local index's documents.
      await remote.add(phaseDocs('A'), { ...add, graph: true, shard: { index: 1, count: 2 } });
      await remote.add(phaseDocs('A'), { ...add, graph: true, shard: { index: 0, count: 2 } });
      expect(remote.manifest.graph).toMatchObject({ build: null });
      const fin = await remote.finalize();
      expect(fin.indexes).toMatchObject({ 'chunks.text': 'FTS', graph: 'EntityGraph' });
      const localGraph = await loadIndexGraph(local);
      expect(fin.graph).toMatchObject({ passages: localGraph.passageCount, entities: localGraph.entityCount, edges: localGraph.edgeCount });
      expect(fin.graph!.bytes).toBeGreaterThan(0);
      expect(remote.manifest.graph).toMatchObject({ build: expect.any(String), chunksVersion: expect.any(Number), passages: localGraph.passageCount });
      expect(canonical(await remote.entityGraph())).toEqual(canonical(localGraph));
      expect(localGraph.entityCount).toBeGreaterThan(10);

      // A fresh reader loads the stored graph (no rebuild, no warning) and ranks as the local graph does over the same first stage.
      const chunksOf = (ids: readonly string[]) => local.getChunks(ids).then((cs) => ids.map((id) => cs.find((c) => c.id === id)));
      const reader = await RemoteIndex.open(uri('graph'), { storageOptions: s3.storageOptions, onWarn: (m) => warnings.push(m) });
      try {
        expect(canonical(await reader.entityGraph())).toEqual(canonical(localGraph));
        for (const first of ['bm25', 'hybrid'] as const) {
          const viaRemote = await reader.retriever(`graph:${first}`, { embedder: hashEmbedder });
          expect(viaRemote.name.startsWith('graph:')).toBe(true);
          const viaLocalGraph = GraphRetriever.fromGraph(await reader.retriever(first, { embedder: hashEmbedder }), localGraph, { get: chunksOf });
          const got = await topTens(viaRemote);
          expect(got).toEqual(await topTens(viaLocalGraph));
          expect(got.flat().length).toBeGreaterThan(20);
        }
        // The two-hop question: the walk brings in Tim Burton's page (linked from Ed Wood's), which the question does not name.
        const hits = await (await reader.retriever('graph:bm25')).retrieve(QUERIES[0]!, 5);
        expect(hits.map((h) => h.docId)).toContain('tim-burton');
        expect((await (await reader.retriever('bm25')).retrieve(QUERIES[0]!, 5)).map((h) => h.docId)).not.toContain('tim-burton');
      } finally {
        await reader.close();
      }
      expect(warnings).toEqual([]);

      // Chunks written after the finalize: the stored graph no longer covers them; a query rebuilds it in memory and says so.
      await local.add(phaseDocs('B'), add);
      await remote.add(phaseDocs('B'), { ...add, graph: true });
      const stale = await remote.retriever('graph:bm25');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/stored entity graph covers chunks version \d+, the chunks table is at version \d+ .*rebuilding it in memory/);
      const localB = await loadIndexGraph(local);
      expect(canonical(await remote.entityGraph())).toEqual(canonical(localB));
      const staleTop = await topTens(stale);
      expect(staleTop).toEqual(await topTens(GraphRetriever.fromGraph(await remote.retriever('bm25'), localB, { get: chunksOf })));
      expect(warnings).toHaveLength(1); // once per chunks version, not per query
      // The next finalize stores the current graph: a fresh reader loads it without a warning.
      const fin2 = await remote.finalize();
      expect(fin2.graph).toMatchObject({ passages: localB.passageCount });
      const reader2 = await RemoteIndex.open(uri('graph'), { storageOptions: s3.storageOptions, onWarn: (m) => warnings.push(m) });
      try {
        expect(canonical(await reader2.entityGraph())).toEqual(canonical(localB));
        const viaLocalGraph = GraphRetriever.fromGraph(await reader2.retriever('bm25'), localB, { get: chunksOf });
        expect(await topTens(await reader2.retriever('graph:bm25'))).toEqual(await topTens(viaLocalGraph));
      } finally {
        await reader2.close();
      }
      expect(warnings).toHaveLength(1);
    } finally {
      await remote.close();
      await local.close();
    }
  });

  it('asked for after the last finalize, it is built in memory with a warning; damaged rows are E_INDEX_CORRUPT', async (ctx) => {
    const s3 = suite.s3;
    if (!s3) return ctx.skip(suite.skipReason);
    const warnings: string[] = [];
    const index = await RemoteIndex.open(uri('graph-late'), { storageOptions: s3.storageOptions, settings: { createSettleMs: 0 }, onWarn: (m) => warnings.push(m) });
    try {
      await index.add(phaseDocs('A'), add);
      await index.finalize();
      await expect(index.retriever('graph:bm25')).rejects.toMatchObject({ code: 'E_INDEX_MISSING' });
      // An add (of nothing new) that asks for the graph records it; until the next finalize a query builds it in memory.
      expect(await index.add(phaseDocs('A'), { ...add, graph: { mentions: 'longest' } })).toMatchObject({ added: 0, skipped: 15 });
      expect(index.manifest.graph).toMatchObject({ build: null, options: { mentions: 'longest' } });
      const hits = await (await index.retriever('graph:bm25')).retrieve(QUERIES[0]!, 5);
      expect(hits.map((h) => h.docId)).toContain('tim-burton');
      expect(warnings).toEqual([expect.stringMatching(/entity graph was asked for after the last finalize; building it in memory/)]);
      const fin = await index.finalize();
      expect(fin.graph?.passages).toBeGreaterThan(0);
      expect(index.manifest.graph?.options.mentions).toBe('longest');

      // The stored rows damaged under the manifest: a reader names the table and how to rebuild it.
      const { connect } = await import('@lancedb/lancedb');
      const db = await connect(uri('graph-late'), { storageOptions: s3.storageOptions });
      await (await db.openTable('graph')).delete('part = 0');
      db.close();
      const reader = await RemoteIndex.open(uri('graph-late'), { storageOptions: s3.storageOptions, onWarn: (m) => warnings.push(m) });
      try {
        await expect(reader.retriever('graph:bm25')).rejects.toMatchObject({ code: 'E_INDEX_CORRUPT', message: expect.stringMatching(/graph table.*0 of 1 parts found.*--finalize/) });
      } finally {
        await reader.close();
      }
    } finally {
      await index.close();
    }
  });
});
