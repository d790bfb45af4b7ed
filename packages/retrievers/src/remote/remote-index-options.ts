import type { Chunker, Embedder, ProgressCallback } from '@sift/core';
import { z } from 'zod';
import type { GraphBuildOptions } from '../graph/graph-options.js';

/**
 * The LanceDB indexes a remote index builds at finalize. Lexical: LanceDB's native full-text index (BM25 over its
 * own tokenizer: lowercase, ASCII folding, English stemming and stop words), rebuilt whole at every finalize so
 * scores do not depend on how the rows were written. Dense: exact scan below `vectorIndexAbove` rows (each query
 * then reads every vector from the store), IVF-PQ above it with √rows partitions and dim/16 sub-vectors, queried
 * with `nprobes` partitions and `refineFactor`×k candidates re-ranked by exact distance.
 */
export const RemoteIndexSettingsSchema = z
  .object({
    vectorIndexAbove: z.number().int().min(256).default(10_000),
    numPartitions: z.number().int().min(1).optional(),
    numSubVectors: z.number().int().min(1).optional(),
    nprobes: z.number().int().min(1).default(20),
    refineFactor: z.number().int().min(1).default(5),
    /** BTREE indexes on chunk and document ids (lookups and deletes by id) from this many rows. */
    scalarIndexAbove: z.number().int().min(1).default(10_000),
    /**
     * How long the worker that creates a new index waits before its first write. Workers started together may each
     * find no tables and create them; LanceDB lands a create that lost the race as an overwrite of the winner's
     * (empty) table, so nothing is written until such late creates have landed.
     */
    createSettleMs: z.number().int().min(0).default(3000),
  })
  .strict();
export type RemoteIndexSettings = z.input<typeof RemoteIndexSettingsSchema>;
export type ResolvedRemoteIndexSettings = z.output<typeof RemoteIndexSettingsSchema>;

export const OpenRemoteIndexOptionsSchema = z
  .object({
    /** LanceDB storage options (`aws_endpoint`, `aws_region`, `allow_http`, keys…); the AWS_* environment variables apply too. */
    storageOptions: z.record(z.string(), z.string()).default({}),
    settings: RemoteIndexSettingsSchema.default(RemoteIndexSettingsSchema.parse({})),
    onWarn: z.custom<(message: string) => void>((v) => typeof v === 'function').optional(),
  })
  .strict();
export type OpenRemoteIndexOptions = z.input<typeof OpenRemoteIndexOptionsSchema>;

export interface RemoteAddOptions {
  chunker: Chunker;
  /** The chunker config recorded by the first add (later adds must match it); null for a custom chunker. */
  chunkerConfig?: Record<string, unknown> | null;
  tokenizer?: string | null;
  embedder?: Embedder;
  defaultRetriever?: string | null;
  /**
   * Keep the passage–entity graph (graph:* retrievers): `true` for the default build options. Recorded in the
   * manifest; each finalize then builds the graph over all chunks and stores it in the dataset's `graph` table.
   */
  graph?: boolean | GraphBuildOptions;
  /** This worker's slice of the input (default: all of it). */
  shard?: { index: number; count: number };
  /** Chunks per commit (default 2048). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface RemoteAddResult {
  added: number;
  replaced: number;
  skipped: number;
  /** Input documents left to the other shards. */
  otherShards: number;
  chunks: number;
  removedOrphans: number;
}

export interface RemoteFinalizeResult {
  documents: number;
  chunks: number;
  /** Index kind by column, e.g. `{ 'chunks.text': 'FTS', 'chunks.vector': 'IvfPq', 'chunks.id': 'BTree' }`; exact-scan columns say `flat`. */
  indexes: Record<string, string>;
  /** Chunks whose document row is missing (a worker killed, or still running): re-run their shard. */
  orphanChunks: number;
  /** Chunk ids stored more than once. */
  duplicateChunks: number;
  /** The entity graph this finalize stored (when the index keeps one). */
  graph?: { passages: number; entities: number; edges: number; bytes: number; seconds: number };
  seconds: number;
}
