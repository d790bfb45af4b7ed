import { join } from 'node:path';
import { SiftError, type Retriever } from '@sift/core';
import type { SiftIndex } from '../sift-index/sift-index.js';
import type { ChunkSource } from './chunk-source.js';
import { GRAPH_EXTENSION, GRAPH_PREVIOUS_FILE } from './graph-index-extension.js';
import { readGraphFile } from './graph-file.js';
import { GRAPH_FILE } from './graph-format.js';
import type { GraphWalkOptions } from './graph-options.js';
import { GraphRetriever } from './graph-retriever.js';
import type { PassageGraph } from './passage-graph.js';

/**
 * The entity graph committed with an index: graph.bin whose generation the manifest records (or graph.bin.prev,
 * when a crash left a newer, uncommitted graph.bin). No graph → E_INDEX_MISSING naming `sift index --graph`.
 */
export async function loadIndexGraph(index: SiftIndex): Promise<PassageGraph> {
  const expected = index.manifest.extensions[GRAPH_EXTENSION]?.generation;
  if (expected === undefined) {
    throw new SiftError('E_INDEX_MISSING', `Index ${index.dir} has no entity graph; build it with \`sift index --graph\``, {
      details: { path: join(index.dir, GRAPH_FILE) },
    });
  }
  const current = await readGraphFile(join(index.dir, GRAPH_FILE));
  if (current.generation === expected) return current.graph;
  const previous = await readGraphFile(join(index.dir, GRAPH_PREVIOUS_FILE)).catch(() => undefined);
  if (previous?.generation === expected) return previous.graph;
  throw new SiftError(
    'E_INDEX_CORRUPT',
    `Index ${index.dir}: ${GRAPH_FILE} has generation ${current.generation} but the manifest expects ${expected}; rebuild it with \`sift index --graph\``,
    { details: { path: join(index.dir, GRAPH_FILE) } },
  );
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
