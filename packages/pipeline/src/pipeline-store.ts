import type { Chunker, Document, Embedder, Retriever, RunOptions } from '@sift/core';
import type { RemoteFinalizeResult, ResolvedRetrieverSpec } from '@sift/retrievers';

/** What one `index()` call did. */
export interface IndexResult {
  added: number;
  replaced: number;
  skipped: number;
  chunks: number;
  /** Documents removed by `sync` (their files are gone). */
  removed: number;
}

/** What a store records about how it was built (an on-disk index's manifest; nothing for a fresh store). */
export interface StoreRecord {
  chunker: Record<string, unknown> | null;
  embedder: { id: string; dim: number } | null;
  /** Side indexes kept in step (`hnsw`, `graph`). */
  extensions: string[];
  /** The retriever the store was built for (an on-disk index records it). */
  defaultRetriever?: string;
}

export interface StoreAddOptions extends RunOptions {
  chunker: Chunker;
  /** The chunker config to record (absent for a custom Chunker object). */
  chunkerConfig?: Record<string, unknown>;
  tokenizer?: string;
  embedder?: Embedder;
  /** Keep the passage–entity graph (graph:* retrievers). */
  graph: boolean;
  /** The retriever the config names, recorded by a new on-disk index as its default. */
  defaultRetriever?: string;
  /** This worker's slice of the input (remote indexes only): documents whose id hashes to `index` mod `count`. */
  shard?: { index: number; count: number };
}

/** Where a pipeline keeps its chunks: a `SiftIndex` folder, memory, or a `RemoteIndex` dataset on object storage. */
export interface PipelineStore {
  readonly kind: 'disk' | 'memory' | 'remote';
  /** Folder of an on-disk store. */
  readonly dir?: string;
  /** Null when nothing has been indexed yet (an on-disk folder without a manifest). */
  record(): Promise<StoreRecord | null>;
  add(docs: AsyncIterable<Document> | Iterable<Document>, opts: StoreAddOptions): Promise<Omit<IndexResult, 'removed'>>;
  remove(docIds: readonly string[], opts?: RunOptions): Promise<number>;
  /** Ids and sources of every stored document (for `sync`). */
  documents(): Promise<Array<{ id: string; source: string | null }>>;
  /** The embedder an on-disk index records, re-created by the index itself (absent for memory stores). */
  recordedEmbedder?(): Promise<Embedder>;
  retriever(spec: ResolvedRetrieverSpec, deps: RunOptions & { embedder?: Embedder }): Promise<Retriever>;
  stats(): Promise<{ documents: number; chunks: number; version?: number }>;
  /** Builds the store's search indexes once sharded adds are done (remote indexes; the others keep theirs current). */
  finalize?(opts?: RunOptions): Promise<RemoteFinalizeResult>;
  /** Drop everything stored (an on-disk index is re-created at the next add). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
