import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { Bm25Index } from '../bm25/bm25-index.js';
import type { Connection, Table } from './_lance.js';
import { BM25_FILE, type EmbedderInfo, type Manifest } from './manifest.js';

/** Opens a LanceDB table checked out at the manifest's version; anything missing is E_INDEX_CORRUPT. */
export async function openPinned(db: Connection, name: string, version: number, lanceDir: string): Promise<Table> {
  let table: Table;
  try {
    table = await db.openTable(name);
  } catch (err) {
    throw new SiftError('E_INDEX_CORRUPT', `LanceDB table "${name}" is missing from ${lanceDir}`, { cause: err, details: { path: lanceDir } });
  }
  try {
    await table.checkout(version);
  } catch (err) {
    table.close();
    throw new SiftError('E_INDEX_CORRUPT', `LanceDB table "${name}" in ${lanceDir} has no version ${version} (named by the manifest)`, {
      cause: err,
      details: { path: lanceDir, version },
    });
  }
  return table;
}

/** Loads bm25.bin and checks it belongs to `manifest` (generation and row count). */
export async function loadBm25(dir: string, manifest: Manifest): Promise<Bm25Index> {
  const path = join(dir, BM25_FILE);
  const bm25 = await Bm25Index.load(path);
  if (bm25.generation !== manifest.bm25.generation || bm25.size !== manifest.counts.chunks) {
    throw new SiftError(
      'E_INDEX_CORRUPT',
      `BM25 file ${path} (generation ${bm25.generation}, ${bm25.size} rows) does not match the manifest (generation ${manifest.bm25.generation}, ${manifest.counts.chunks} chunks)`,
      { details: { path } },
    );
  }
  return bm25;
}

/** An add must use the index's chunker (by name); the first add records it. */
export function checkChunker(dir: string, base: Manifest, name: string): Manifest['chunker'] {
  if (base.chunker && base.chunker.name !== name) {
    throw new SiftError('E_BAD_CONFIG', `Index ${dir} was built with chunker "${base.chunker.name}", not "${name}"; rebuild it to change chunkers`, {
      details: { key: 'chunker', expected: base.chunker.name, got: name },
    });
  }
  return base.chunker ?? { name };
}

/** An index keeps one embedder for life; one can be adopted only while the index has no chunks. */
export function checkEmbedder(dir: string, base: Manifest, embedder: { id: string; dim: number } | undefined): EmbedderInfo | null {
  const had = base.embedder;
  if (had) {
    if (!embedder) {
      throw new SiftError('E_BAD_CONFIG', `Index ${dir} stores vectors from embedder "${had.id}" (dim ${had.dim}); pass that embedder to add()`, {
        details: { key: 'embedder', expected: had },
      });
    }
    if (embedder.id !== had.id || embedder.dim !== had.dim) {
      throw new SiftError(
        'E_BAD_CONFIG',
        `Index ${dir} was built with embedder "${had.id}" (dim ${had.dim}), not "${embedder.id}" (dim ${embedder.dim}); rebuild it to change embedders`,
        { details: { key: 'embedder', expected: had, got: { id: embedder.id, dim: embedder.dim } } },
      );
    }
    return had;
  }
  if (!embedder) return null;
  if (base.counts.chunks > 0) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `Index ${dir} already holds ${base.counts.chunks} chunks without vectors; rebuild it (SiftIndex.create with ifExists: 'overwrite') to add embedder "${embedder.id}"`,
      { details: { key: 'embedder' } },
    );
  }
  return { id: embedder.id, dim: embedder.dim };
}
