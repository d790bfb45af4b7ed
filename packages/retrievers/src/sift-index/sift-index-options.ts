import { TokenizerNameSchema, type Chunker, type Embedder, type ProgressCallback, type RunOptions } from '@sift/core';
import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';
import type { IndexExtension } from './index-extension.js';
import { ChunkerInfoSchema, EmbedderInfoSchema } from './manifest.js';

export const CreateIndexOptionsSchema = z
  .object({
    /** BM25 ranking and analyzer options, fixed for the life of the index (k1/b may be overridden per query). */
    bm25: Bm25OptionsSchema.prefault({}),
    /** The chunker configuration to record; adds must then use a chunker of the same name. */
    chunker: ChunkerInfoSchema.optional(),
    tokenizer: TokenizerNameSchema.optional(),
    /** Give the embedder (or its `{ id, dim }`) up front to create the vector column now. */
    embedder: EmbedderInfoSchema.optional(),
    /** What to do when `dir` already holds an index. */
    ifExists: z.enum(['error', 'open', 'overwrite']).default('error'),
  })
  .strict();
export type CreateIndexOptions = z.input<typeof CreateIndexOptionsSchema>;

const isFn = (v: unknown): boolean => typeof v === 'function';

export const AddOptionsSchema = z
  .object({
    chunker: z.custom<Chunker>((c) => typeof (c as Chunker)?.name === 'string' && isFn((c as Chunker).chunk), {
      message: 'expected a Chunker ({ name, chunk(doc) })',
    }),
    embedder: z
      .custom<Embedder>(
        (e) => typeof (e as Embedder)?.id === 'string' && Number.isInteger((e as Embedder).dim) && (e as Embedder).dim > 0 && isFn((e as Embedder).embed),
        { message: 'expected an Embedder ({ id, dim, embed(texts) })' },
      )
      .optional(),
    extensions: z
      .array(
        z.custom<IndexExtension>(
          (x) => typeof (x as IndexExtension)?.name === 'string' && isFn((x as IndexExtension).onBatch) && isFn((x as IndexExtension).commit),
          { message: 'expected an IndexExtension ({ name, onBatch, commit })' },
        ),
      )
      .default([])
      .refine((xs) => new Set(xs.map((x) => x.name)).size === xs.length, { message: 'extension names must be unique' }),
    /** Chunks per LanceDB write, embed call and extension batch. */
    batchSize: z.number().int().min(1).max(65_536).default(2048),
    signal: z.custom<AbortSignal>((s) => s instanceof AbortSignal, { message: 'expected an AbortSignal' }).optional(),
    onProgress: z.custom<ProgressCallback>(isFn, { message: 'expected a function' }).optional(),
  })
  .strict();

export interface AddOptions extends RunOptions {
  chunker: Chunker;
  /** Embeds every new chunk into the `vector` column; the index keeps one embedder for life. */
  embedder?: Embedder;
  extensions?: readonly IndexExtension[];
  batchSize?: number;
}

/** What one `add` did. */
export interface AddResult {
  /** New documents indexed. */
  added: number;
  /** Documents whose id existed with different content: old rows removed, new ones indexed. */
  replaced: number;
  /** Documents whose id and sha256 were already indexed. */
  skipped: number;
  /** Chunks written. */
  chunks: number;
  /** Chunks removed with replaced documents. */
  removedChunks: number;
  /** The index generation after this add (unchanged when nothing was committed). */
  generation: number;
  /** False when every document was skipped and nothing had to be written. */
  committed: boolean;
}

/** `index.stats()`. `version` is the commit generation (it grows by one per committed add). */
export interface IndexStats {
  dir: string;
  documents: number;
  chunks: number;
  version: number;
  formatVersion: number;
  embedder?: { id: string; dim: number };
  createdAt: string;
  updatedAt: string;
}
