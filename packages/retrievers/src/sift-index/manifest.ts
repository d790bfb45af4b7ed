import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';

export const MANIFEST_FILE = 'manifest.json';
export const BM25_FILE = 'bm25.bin';
export const LANCE_DIR = 'lance';
export const INDEX_FORMAT = 'sift-index';
export const INDEX_FORMAT_VERSION = 1;

export const EmbedderInfoSchema = z.object({ id: z.string().min(1), dim: z.number().int().positive() });
export type EmbedderInfo = z.infer<typeof EmbedderInfoSchema>;

/** The chunker that produced the index: its name plus whatever configuration the caller recorded. */
export const ChunkerInfoSchema = z.object({ name: z.string().min(1) }).catchall(z.unknown());
export type ChunkerInfo = z.infer<typeof ChunkerInfoSchema>;

/**
 * `manifest.json`: the commit record of an index. Everything else in the folder is only meaningful through
 * it: the LanceDB table versions it names are the committed rows, and `bm25.generation` must match the
 * generation stamped in `bm25.bin`.
 */
export const ManifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  /** Incremented by every commit. */
  generation: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  chunker: ChunkerInfoSchema.nullable(),
  tokenizer: z.string().nullable(),
  bm25: z.object({ file: z.literal(BM25_FILE), generation: z.number().int().positive(), options: Bm25OptionsSchema }),
  embedder: EmbedderInfoSchema.nullable(),
  counts: z.object({ documents: z.number().int().nonnegative(), chunks: z.number().int().nonnegative() }),
  lance: z.object({
    library: z.string(),
    dir: z.literal(LANCE_DIR),
    tables: z.object({ documents: z.number().int().positive(), chunks: z.number().int().positive() }),
  }),
  /** Extensions (HNSW, graph…) that committed with this generation, by name. */
  extensions: z.record(z.string(), z.object({ generation: z.number().int().positive() })),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Parses manifest text; `path` names the file in E_INDEX_CORRUPT errors. */
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
  if (typeof version === 'number' && version !== INDEX_FORMAT_VERSION) {
    throw new SiftError(
      'E_INDEX_CORRUPT',
      `Index ${path} has format version ${version}; this build of Sift reads version ${INDEX_FORMAT_VERSION}. Rebuild the index.`,
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
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SiftError('E_INDEX_MISSING', `No Sift index at ${dir} (${path} does not exist)`, { cause: err, details: { path } });
    }
    throw new SiftError('E_INDEX_CORRUPT', `Cannot read index manifest ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  return parseManifest(text, path);
}
