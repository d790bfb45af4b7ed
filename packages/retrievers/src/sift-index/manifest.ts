import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbedderConfigSchema, SiftError } from '@sift/core';
import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';
import { migrateManifestV1 } from './manifest-migrate.js';

export const MANIFEST_FILE = 'manifest.json';
export const BM25_FILE = 'bm25.bin';
export const LANCE_DIR = 'lance';
export const INDEX_FORMAT = 'sift-index';
/** 2: structured chunker/embedder records, side indexes as checksummed generation files, chunk text checksums. */
export const INDEX_FORMAT_VERSION = 2;

const JsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * The embedder whose vectors the index stores: its id and dimension (which a query embedder must match), and the
 * config that re-creates it (`null` for an embedder that only its caller can build, such as a user's function).
 */
export const EmbedderInfoSchema = z.object({
  id: z.string().min(1),
  dim: z.number().int().positive(),
  config: EmbedderConfigSchema.nullable().default(null),
});
export type EmbedderInfo = z.output<typeof EmbedderInfoSchema>;

/**
 * The chunker that produced the index: its name, and its whole configuration as validated JSON (for example
 * `{ chunker: 'recursive', size: 512, overlap: 0, tokenizer: 'cl100k', markdown: true }`), which `@sift/chunkers`
 * re-creates it from; `config: null` when the caller gave only a Chunker object.
 */
export const ChunkerInfoSchema = z.object({ name: z.string().min(1), config: JsonObjectSchema.nullable().default(null) }).strict();
export type ChunkerInfo = z.output<typeof ChunkerInfoSchema>;

/**
 * One side index committed with the index (HNSW graph, entity graph…): the generation that wrote it, how many chunks
 * it covers, the options it was built with, and its files with their sha256. Files are named per generation, so a
 * commit never overwrites the files an earlier manifest names.
 */
export const SideIndexRecordSchema = z.object({
  generation: z.number().int().positive(),
  /** Chunks covered (-1: unknown, for records migrated from version 1, which are always stale). */
  chunks: z.number().int().min(-1),
  options: JsonObjectSchema,
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type SideIndexRecord = z.infer<typeof SideIndexRecordSchema>;

/**
 * `manifest.json`: the commit record of an index. Everything else in the folder is only meaningful through
 * it: the LanceDB table versions it names are the committed rows, `bm25.generation` must match the generation
 * stamped in `bm25.bin`, and each side index is the set of files its record names.
 */
export const ManifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  /** Incremented by every commit. */
  generation: z.number().int().positive(),
  /** The last generation that changed the chunks: a side index written before it is stale. */
  contentGeneration: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  chunker: ChunkerInfoSchema.nullable(),
  tokenizer: z.string().nullable(),
  bm25: z.object({ file: z.literal(BM25_FILE), generation: z.number().int().positive(), options: Bm25OptionsSchema }),
  embedder: EmbedderInfoSchema.nullable(),
  /** The retriever the index was built for (a spec name such as `hybrid` or `graph:hybrid`), or null for the rule. */
  defaultRetriever: z.string().min(1).nullable().default(null),
  counts: z.object({ documents: z.number().int().nonnegative(), chunks: z.number().int().nonnegative() }),
  lance: z.object({
    library: z.string(),
    dir: z.literal(LANCE_DIR),
    tables: z.object({ documents: z.number().int().positive(), chunks: z.number().int().positive() }),
  }),
  /** Side indexes kept in step with the chunks, by name (`hnsw`, `graph`). */
  sideIndexes: z.record(z.string(), SideIndexRecordSchema),
});
export type Manifest = z.output<typeof ManifestSchema>;

/** Parses manifest text (migrating a version 1 manifest); `path` names the file in E_INDEX_CORRUPT errors. */
export function parseManifest(text: string, path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SiftError('E_INDEX_CORRUPT', `Index manifest ${path} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version === 1) json = migrateManifestV1(json as Record<string, unknown>);
  else if (typeof version === 'number' && version !== INDEX_FORMAT_VERSION) {
    throw new SiftError(
      'E_INDEX_CORRUPT',
      `Index ${path} has format version ${version}; this build of Sift reads versions 1 and ${INDEX_FORMAT_VERSION}. Rebuild the index.`,
      { details: { path, formatVersion: version } },
    );
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new SiftError('E_INDEX_CORRUPT', `Index manifest ${path} is invalid: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
      details: { path },
    });
  }
  return parsed.data;
}

/** Reads `<dir>/manifest.json`: missing → E_INDEX_MISSING, unreadable or invalid → E_INDEX_CORRUPT. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new SiftError('E_INDEX_PATH', `${dir} is not a folder, so it cannot hold a Sift index`, { cause: err, details: { path: dir } });
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SiftError('E_INDEX_MISSING', `No Sift index at ${dir} (${path} does not exist)`, { cause: err, details: { path } });
    }
    throw new SiftError('E_INDEX_CORRUPT', `Cannot read index manifest ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  return parseManifest(text, path);
}
