import { TokenizerNameSchema, type Chunker, type Embedder, type ProgressCallback, type RunOptions } from '@sift/core';
import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';

const isFn = (v: unknown): boolean => typeof v === 'function';

const EmbedderObjectSchema = z.custom<Embedder>(
  (e) => typeof (e as Embedder)?.id === 'string' && Number.isInteger((e as Embedder).dim) && (e as Embedder).dim > 0 && isFn((e as Embedder).embed),
  { message: 'expected an Embedder ({ id, dim, embed(texts) })' },
);

/** Side indexes to keep, by registered name, with their build options (`false` turns a default one off). */
export const SideIndexOptionsSchema = z.record(z.string().min(1), z.union([z.record(z.string(), z.unknown()), z.literal(false)]));

const WarnSchema = z.custom<(message: string) => void>(isFn, { message: 'expected a function (message) => void' });

export const OpenIndexOptionsSchema = z
  .object({
    /** Where the index's one-line warnings go (a stale side index rebuilt, …); default: stderr as `sift: warning: …`. */
    onWarn: WarnSchema.optional(),
  })
  .strict();
export type OpenIndexOptions = z.input<typeof OpenIndexOptionsSchema>;

export const CreateIndexOptionsSchema = z
  .object({
    /** BM25 ranking and analyzer options, fixed for the life of the index (k1/b may be overridden per query). */
    bm25: Bm25OptionsSchema.prefault({}),
    /**
     * The chunker to record: its name and whole configuration as JSON (what `@sift/chunkers`' createChunker takes).
     * Every add must then use the same one. Without it the first add records its chunker.
     */
    chunker: z.object({ name: z.string().min(1), config: z.record(z.string(), z.unknown()).nullable().default(null) }).strict().optional(),
    tokenizer: TokenizerNameSchema.optional(),
    /** The embedder (an Embedder, whose config and dimension are recorded): creates the vector column now. */
    embedder: EmbedderObjectSchema.optional(),
    /** Side indexes to keep in step with every add: `{ graph: {} }`. With an embedder `hnsw` is on unless `hnsw: false`. */
    sideIndexes: SideIndexOptionsSchema.default({}),
    /** The retriever spec name queries use by default (`hybrid`, `graph:hybrid`…); default: hybrid with vectors, else bm25. */
    defaultRetriever: z.string().min(1).optional(),
    /**
     * What to do when `dir` already holds an index; decided under the writer lock. Use `open` when you do not know
     * whether an index is there: checking for `manifest.json` first and then creating with `overwrite` is a race (a
     * writer that commits in between loses its commit). A folder holding anything else is always refused (E_INDEX_PATH).
     */
    ifExists: z.enum(['error', 'open', 'overwrite']).default('error'),
    onWarn: WarnSchema.optional(),
  })
  .strict();
export type CreateIndexOptions = z.input<typeof CreateIndexOptionsSchema>;

export const AddOptionsSchema = z
  .object({
    chunker: z.custom<Chunker>((c) => typeof (c as Chunker)?.name === 'string' && isFn((c as Chunker).chunk), {
      message: 'expected a Chunker ({ name, chunk(doc) })',
    }),
    /** The chunker's whole configuration as JSON; checked key by key against the one the index recorded. */
    chunkerConfig: z.record(z.string(), z.unknown()).optional(),
    embedder: EmbedderObjectSchema.optional(),
    /** Side indexes to start keeping from this add on (those the index already has are always kept). */
    sideIndexes: SideIndexOptionsSchema.default({}),
    /** Chunks per LanceDB write, embed call and side-index batch. */
    batchSize: z.number().int().min(1).max(65_536).default(2048),
    signal: z.custom<AbortSignal>((s) => s instanceof AbortSignal, { message: 'expected an AbortSignal' }).optional(),
    onProgress: z.custom<ProgressCallback>(isFn, { message: 'expected a function' }).optional(),
  })
  .strict();

export interface AddOptions extends RunOptions {
  chunker: Chunker;
  /** The chunker's configuration (JSON), recorded by the first add and checked by later ones. */
  chunkerConfig?: Record<string, unknown>;
  /** Embeds every new chunk into the `vector` column; the index keeps one embedder for life. Default: the index's own. */
  embedder?: Embedder;
  /** Side indexes to start keeping, e.g. `{ graph: {} }`. */
  sideIndexes?: Record<string, Record<string, unknown> | false>;
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
  /** Chunks removed with replaced or removed documents. */
  removedChunks: number;
  /** Documents removed by `SiftIndex.remove`. */
  removed: number;
  /** Side indexes rebuilt from the committed tables (stale, damaged, or new). */
  rebuiltSideIndexes: string[];
  /** The index generation after this add (unchanged when nothing was committed). */
  generation: number;
  /** False when nothing had to be written (every document skipped, every side index current). */
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
  sideIndexes: string[];
  createdAt: string;
  updatedAt: string;
}

/** What one `SiftIndex.remove` did. */
export interface RemoveResult {
  /** Documents removed (ids not in the index are not counted). */
  removed: number;
  /** Their chunks. */
  removedChunks: number;
  /** The index generation after the removal (unchanged when nothing was committed). */
  generation: number;
  committed: boolean;
}
