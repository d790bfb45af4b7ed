import type { Chunk, Embedder } from '@sift/core';
import type { Manifest, SideIndexRecord } from './manifest.js';

/** Committed chunks in table order, with their vectors when asked for and the index has them. */
export type CommittedChunks = (opts: { vectors: boolean }) => AsyncIterable<{ chunks: Chunk[]; vectors?: Float32Array[] }>;

/** What a side index sees when an add begins. */
export interface SideIndexBeginContext {
  /** The index folder (absolute). */
  dir: string;
  /** Its committed record when the side index covers exactly the committed chunks; undefined means build from scratch. */
  committed: SideIndexRecord | undefined;
  /** Options as returned by `parseOptions` (recorded in the manifest). */
  options: Record<string, unknown>;
  /** The index's embedder, when it has one (for side indexes that embed, such as graph synonyms). */
  embedder: Embedder | undefined;
  /** Reads the committed tables (to rebuild, or to load what the new batches join). */
  committedChunks: CommittedChunks;
  signal?: AbortSignal;
}

/** One add's work on a side index: batches in, files out. */
export interface SideIndexBuilder {
  /** Called after each batch of chunks is written, with the chunk ids removed (documents replaced) since the last one. */
  onBatch(chunks: Chunk[], vectors: Float32Array[] | undefined, removedChunkIds: readonly string[]): Promise<void>;
  /**
   * Writes this generation's files into `dir` under new names (never over files a committed manifest names) and
   * returns their names; they must be durable (fsynced) when it returns. The manifest commit then switches to them.
   */
  write(dir: string, generation: number): Promise<string[]>;
}

/**
 * A kind of side index (derived data kept beside the chunks: the HNSW graph, the entity graph…). Registered once by
 * name; `SiftIndex` then keeps every side index its manifest records in step with every add, writes each as a new
 * generation of files switched by the manifest commit, and rebuilds one from the committed tables when it is stale.
 */
export interface SideIndexKind {
  readonly name: string;
  /** Whether `onBatch` needs vectors (the index must then have an embedder). */
  readonly needsVectors: boolean;
  /** Validates options (E_BAD_CONFIG) and fills in defaults; the result is recorded in the manifest. */
  parseOptions(options: unknown): Record<string, unknown>;
  begin(ctx: SideIndexBeginContext): Promise<SideIndexBuilder>;
}

/** Whether a side index's record covers exactly the committed chunks of `manifest`. */
export function isSideIndexFresh(manifest: Manifest, record: SideIndexRecord): boolean {
  return record.generation >= manifest.contentGeneration && record.chunks === manifest.counts.chunks;
}
