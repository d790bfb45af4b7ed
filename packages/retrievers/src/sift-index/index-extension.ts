import type { Chunk } from '@sift/core';
import type { EmbedderInfo } from './manifest.js';

/** What an extension sees with each batch. */
export interface IndexBatchContext {
  /** The index folder (absolute). */
  dir: string;
  /** The generation this add will commit as; stamp staged files with it. */
  generation: number;
  /** Chunk ids removed from the index since the previous batch (documents replaced by a re-index). */
  removedChunkIds: readonly string[];
  /** The embedder of the index, when it has one. */
  embedder: EmbedderInfo | null;
  signal?: AbortSignal;
}

/**
 * A side index kept in step with the chunks (HNSW graph, entity graph…). `SiftIndex.add` calls `onBatch`
 * after each batch of chunks is written (in the order the extensions were given), then `commit` once all
 * batches are in and just before the manifest commits, and `abort` (if present) when the add fails.
 * `commit` should write its files atomically; the manifest then records `{ generation }` under `name`,
 * so a reader can tell whether the extension's files belong to the committed index.
 */
export interface IndexExtension {
  readonly name: string;
  onBatch(chunks: Chunk[], vectors: Float32Array[] | undefined, ctx: IndexBatchContext): Promise<void>;
  commit(dir: string): Promise<void>;
  abort?(dir: string): Promise<void>;
}
