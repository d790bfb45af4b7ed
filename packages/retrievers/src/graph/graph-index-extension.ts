import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError, throwIfAborted, type Chunk, type Embedder } from '@sift/core';
import type { IndexBatchContext, IndexExtension } from '../sift-index/index-extension.js';
import { CHUNK_COLUMNS, chunkFromRow } from '../sift-index/lance-tables.js';
import type { SiftIndex } from '../sift-index/sift-index.js';
import { GraphBuilder } from './graph-builder.js';
import { writeGraphFile } from './graph-file.js';
import { GRAPH_FILE } from './graph-format.js';
import type { GraphBuildOptions } from './graph-options.js';

/** The manifest's `extensions` key for the entity graph. */
export const GRAPH_EXTENSION = 'graph';
/** The graph of the last commit, kept while a new one is being committed so a failed add can put it back. */
export const GRAPH_PREVIOUS_FILE = `${GRAPH_FILE}.prev`;

export interface GraphExtensionDeps {
  /** Embeds entity names for synonym edges (with `synonyms: true`). */
  embedder?: Embedder;
}

/**
 * Keeps `graph.bin` in step with an index: pass it to `SiftIndex.add({ extensions: [graphIndexExtension(index)] })`.
 * The graph covers every committed chunk, so the first batch loads the chunks already in the index (entity
 * dictionaries change with every new title, and old passages may mention new pages); replaced chunks are dropped.
 * `commit` writes graph.bin stamped with the add's generation, after saving the previous one as graph.bin.prev;
 * `abort` puts that back. An add made without the extension leaves graph.bin at its own generation: the walk then
 * does not know the passages added since (they keep their first-stage score) until the next add with it.
 */
export function graphIndexExtension(index: SiftIndex, options: GraphBuildOptions = {}, deps: GraphExtensionDeps = {}): IndexExtension {
  const builder = GraphBuilder.create(options);
  if (builder.options.synonyms && !deps.embedder) {
    throw new SiftError('E_BAD_CONFIG', 'graph: synonyms: true needs an embedder', { details: { key: 'synonyms' } });
  }
  let loaded = false;
  let generation: number | undefined;
  let signal: AbortSignal | undefined;
  let saved = false;
  let wrote = false;

  async function loadCommitted(): Promise<void> {
    if (loaded) return;
    loaded = true;
    for await (const batch of index.lanceTable('chunks').query().select([...CHUNK_COLUMNS])) {
      throwIfAborted(signal);
      const rows = batch.toArray() as Array<Record<string, unknown>>;
      builder.add(rows.map((r): Chunk => chunkFromRow(r)));
    }
  }

  return {
    name: GRAPH_EXTENSION,
    async onBatch(chunks: Chunk[], _vectors: Float32Array[] | undefined, ctx: IndexBatchContext): Promise<void> {
      generation = ctx.generation;
      signal = ctx.signal;
      await loadCommitted();
      builder.remove(ctx.removedChunkIds);
      builder.add(chunks);
    },
    async commit(dir: string): Promise<void> {
      await loadCommitted();
      const graph = await builder.build({ ...(signal ? { signal } : {}), ...(builder.options.synonyms && deps.embedder ? { embedder: deps.embedder } : {}) });
      const path = join(dir, GRAPH_FILE);
      try {
        await copyFile(path, join(dir, GRAPH_PREVIOUS_FILE));
        saved = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      await writeGraphFile(path, graph, generation ?? index.manifest.generation + 1);
      wrote = true;
    },
    async abort(dir: string): Promise<void> {
      if (saved) await rename(join(dir, GRAPH_PREVIOUS_FILE), join(dir, GRAPH_FILE));
      else if (wrote) await rm(join(dir, GRAPH_FILE), { force: true });
    },
  };
}

