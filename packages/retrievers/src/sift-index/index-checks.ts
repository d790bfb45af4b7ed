import { join } from 'node:path';
import { embedderConfigOf, SiftError, type Embedder } from '@sift/core';
import { Bm25Index } from '../bm25/bm25-index.js';
import type { Connection, Table } from '../lance/_lance.js';
import { BM25_FILE, type ChunkerInfo, type EmbedderInfo, type Manifest } from './manifest.js';

/** Opens a LanceDB table checked out at the manifest's version; anything missing is E_INDEX_CORRUPT. */
export async function openPinned(db: Connection, name: string, version: number, lanceDir: string): Promise<Table> {
  const path = join(lanceDir, `${name}.lance`);
  let table: Table;
  try {
    table = await db.openTable(name);
  } catch (err) {
    throw new SiftError('E_INDEX_CORRUPT', `LanceDB table "${name}" (${path}) is missing or unreadable: ${firstLine(err)}`, { cause: err, details: { path, table: name } });
  }
  try {
    await table.checkout(version);
  } catch (err) {
    table.close();
    throw new SiftError('E_INDEX_CORRUPT', `LanceDB table "${name}" (${path}) has no version ${version} (named by the manifest): ${firstLine(err)}`, {
      cause: err,
      details: { path, table: name, version },
    });
  }
  return table;
}

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300);

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

/** `chunker recursive size 512 overlap 0`: the keys given, in a stable order, name first. */
function describe(name: string, config: Record<string, unknown> | null, keys: readonly string[]): string {
  const parts = keys.filter((k) => k !== 'chunker').map((k) => `${k} ${config && k in config ? JSON.stringify(config[k]) : '(unset)'}`);
  return [`chunker ${JSON.stringify(name)}`, ...parts].join(' ');
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * An add must use the index's chunker: the same name and, when the index recorded its configuration, the same
 * value for every key (mixed chunk sizes would make scores meaningless). A mismatch names the differing keys, e.g.
 * `was built with chunker "recursive" size 512; got chunker "token" size 256`. The first add records the chunker.
 */
export function checkChunker(dir: string, base: Manifest, name: string, config: Record<string, unknown> | undefined): ChunkerInfo {
  const had = base.chunker;
  const given = config === undefined ? null : (JSON.parse(JSON.stringify(config)) as Record<string, unknown>);
  if (!had) return { name, config: given };
  if (had.config !== null && given === null && had.name === name) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `Index ${dir} was built with ${describe(had.name, had.config, Object.keys(had.config).sort())}; pass chunkerConfig to add() so the whole configuration can be checked`,
      { details: { key: 'chunkerConfig', expected: had } },
    );
  }
  const keys = had.config && given ? [...new Set([...Object.keys(had.config), ...Object.keys(given)])].sort().filter((k) => !same(had.config![k], given[k])) : [];
  if (had.name !== name || keys.length > 0) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `Index ${dir} was built with ${describe(had.name, had.config, keys)}; got ${describe(name, given, keys)}. Rebuild the index to change its chunker`,
      { details: { key: 'chunker', expected: had, got: { name, config: given }, differing: keys } },
    );
  }
  return had;
}

/** The manifest record of an embedder: id, dimension, and the config that re-creates it (when it came from core). */
export function embedderInfoOf(embedder: Embedder): EmbedderInfo {
  return { id: embedder.id, dim: embedder.dim, config: embedderConfigOf(embedder) ?? null };
}

/** An index keeps one embedder for life; one can be adopted only while the index has no chunks. */
export function checkEmbedder(dir: string, base: Manifest, embedder: Embedder | undefined): EmbedderInfo | null {
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
    return had.config === null ? embedderInfoOf(embedder) : had;
  }
  if (!embedder) return null;
  if (base.counts.chunks > 0) {
    throw new SiftError(
      'E_BAD_CONFIG',
      `Index ${dir} already holds ${base.counts.chunks} chunks without vectors; rebuild it (SiftIndex.create with ifExists: 'overwrite') to add embedder "${embedder.id}"`,
      { details: { key: 'embedder' } },
    );
  }
  return embedderInfoOf(embedder);
}
