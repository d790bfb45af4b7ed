import { join } from 'node:path';
import { SiftError, throwIfAborted, type Retriever, type RunOptions } from '@sift/core';
import { verifiedSideIndexFiles } from '../sift-index/side-index-files.js';
import { isSideIndexFresh } from '../sift-index/side-index.js';
import type { SiftIndex } from '../sift-index/sift-index.js';
import type { ChunkSource } from './chunk-source.js';
import { GraphBuilder } from './graph-builder.js';
import { readGraphFile } from './graph-file.js';
import { GRAPH_SIDE_INDEX } from './graph-side-index.js';
import type { GraphWalkOptions } from './graph-options.js';
import { GraphRetriever } from './graph-retriever.js';
import type { PassageGraph } from './passage-graph.js';

/**
 * The entity graph committed with an index: the file its manifest names, checked against its checksum. A stale graph
 * (one that does not cover exactly the committed chunks, as after upgrading a version 1 index) is rebuilt in memory
 * from the committed chunks, with one warning; the next add writes it. No graph → E_INDEX_MISSING naming how to build one.
 */
export async function loadIndexGraph(index: SiftIndex, opts: RunOptions = {}): Promise<PassageGraph> {
  const manifest = index.manifest;
  const record = manifest.sideIndexes[GRAPH_SIDE_INDEX];
  if (record === undefined) {
    throw new SiftError('E_INDEX_MISSING', `Index ${index.dir} has no entity graph; build it with \`sift index --graph\` (sideIndexes: { graph: {} })`, {
      details: { path: index.dir },
    });
  }
  const fresh = isSideIndexFresh(manifest, record);
  const files = Object.keys(record.files);
  if (fresh && files.length === 1) {
    const paths = await verifiedSideIndexFiles(index.dir, GRAPH_SIDE_INDEX, record);
    const decoded = await readGraphFile(paths[files[0]!]!);
    if (decoded.generation === record.generation) return decoded.graph;
    throw new SiftError('E_INDEX_CORRUPT', `Index ${index.dir}: ${files[0]} has generation ${decoded.generation} but the manifest expects ${record.generation}`, {
      details: { path: join(index.dir, files[0]!) },
    });
  }
  if (!fresh) index.warn(`the entity graph of ${index.dir} does not cover the committed chunks (stale); rebuilding it in memory for this query — the next add writes it`);
  const builder = GraphBuilder.create(record.options);
  if (builder.options.synonyms) {
    throw new SiftError('E_INDEX_MISSING', `Index ${index.dir}: the entity graph (with synonyms) must be rebuilt by an add before it can be queried`, {
      details: { path: index.dir },
    });
  }
  for await (const { chunks } of index.committedChunks({ vectors: false })) {
    throwIfAborted(opts.signal);
    builder.add(chunks);
  }
  return builder.build(opts.signal ? { signal: opts.signal } : {});
}

/** A GraphRetriever over an on-disk index: its committed graph, `first` as the first stage, chunks fetched by id. */
export async function indexGraphRetriever(index: SiftIndex, first: Retriever, options: GraphWalkOptions = {}): Promise<GraphRetriever> {
  const graph = await loadIndexGraph(index);
  const source: ChunkSource = {
    async get(ids) {
      const byId = new Map((await index.getChunks(ids)).map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id));
    },
  };
  return GraphRetriever.fromGraph(first, graph, source, options);
}
