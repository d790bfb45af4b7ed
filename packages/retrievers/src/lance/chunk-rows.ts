import { hash } from 'node:crypto';
import { SiftError, type Chunk } from '@sift/core';

/** The column holding each chunk's text checksum (absent in tables written before checksums existed). */
export const TEXT_HASH_COLUMN = 'textHash';

/** Chunk columns read back from a LanceDB table (everything but the vector). */
export const CHUNK_COLUMNS = ['id', 'docId', 'text', 'start', 'end', 'tokenCount', 'metadata'] as const;

/** {@link CHUNK_COLUMNS} plus the checksum, for tables that have it. */
export const CHUNK_COLUMNS_CHECKED = [...CHUNK_COLUMNS, TEXT_HASH_COLUMN] as const;

/**
 * The stored checksum of a chunk's text: the first 64 bits of its UTF-8 sha256, as 16 hex digits. Enough to tell
 * damaged bytes from intact ones; not meant to resist deliberate collisions.
 */
export function chunkTextHash(text: string): string {
  return textHashOfSha256(hash('sha256', text, 'hex'));
}

/** {@link chunkTextHash} of a text whose full sha256 (hex) is already known. */
export function textHashOfSha256(sha256Hex: string): string {
  return sha256Hex.slice(0, 16);
}

/** Where rows come from, for error messages: the table name and, when on disk, its folder. */
export interface RowSource {
  table: string;
  path?: string;
}

function where(src: RowSource): string {
  return src.path ? `LanceDB table "${src.table}" (${src.path})` : `LanceDB table "${src.table}"`;
}

/**
 * Reads a chunk back from a result row (numbers may arrive as bigint; metadata as JSON text or an object). When the
 * row carries a `textHash`, the text must match it: damaged data is E_INDEX_CORRUPT naming the table and chunk.
 */
export function rowToChunk(row: Record<string, unknown>, src: RowSource): Chunk {
  const corrupt = (what: string, extra: Record<string, unknown> = {}): SiftError =>
    new SiftError('E_INDEX_CORRUPT', `${where(src)}: ${what}`, { details: { table: src.table, ...(src.path ? { path: src.path } : {}), ...extra } });
  const num = (k: string): number => {
    const v = row[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw corrupt(`column '${k}' is missing or not a number`, { column: k });
  };
  const str = (k: string): string => {
    const v = row[k];
    if (typeof v !== 'string') throw corrupt(`column '${k}' is missing or not text`, { column: k });
    return v;
  };
  const id = str('id');
  const text = str('text');
  const hash = row[TEXT_HASH_COLUMN];
  if (typeof hash === 'string' && hash !== chunkTextHash(text)) {
    throw corrupt(`the text of chunk "${id}" does not match its checksum (damaged data file); rebuild the index`, { chunkId: id });
  }
  const m = row['metadata'];
  let metadata: Record<string, unknown> = {};
  if (typeof m === 'string' && m.length > 0) {
    try {
      metadata = JSON.parse(m) as Record<string, unknown>;
    } catch (err) {
      throw corrupt(`the metadata of chunk "${id}" is not valid JSON (${(err as Error).message})`, { chunkId: id });
    }
  } else if (m && typeof m === 'object') metadata = { ...(m as Record<string, unknown>) };
  return { id, docId: str('docId'), text, start: num('start'), end: num('end'), tokenCount: num('tokenCount'), metadata };
}

/**
 * Runs a LanceDB read, turning its failures (I/O errors, decode errors, Rust panics surfacing as "Panic in async
 * function") into E_INDEX_CORRUPT naming the table and folder. SiftErrors pass through unchanged.
 */
export async function readLance<T>(src: RowSource, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (SiftError.isInstance(err)) throw err;
    const message = String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 400);
    throw new SiftError('E_INDEX_CORRUPT', `${where(src)}: cannot ${what}: ${message}`, {
      cause: err,
      details: { table: src.table, ...(src.path ? { path: src.path } : {}) },
    });
  }
}
