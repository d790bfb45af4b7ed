import { SiftError, throwIfAborted } from '@sift/core';
import { loadLance, type Table } from '../lance/_lance.js';
import { readLance } from '../lance/chunk-rows.js';
import { VECTOR_COLUMN } from '../lance/tables.js';
import { withCommitRetry } from './commit-retry.js';
import type { RemoteFinalizeResult, ResolvedRemoteIndexSettings } from './remote-index-options.js';

/** The FTS analyzer of a remote index (LanceDB's defaults, spelled out so a LanceDB upgrade cannot change them silently). */
export const FTS_CONFIG = { withPosition: false, stem: true, removeStopWords: true, lowercase: true, asciiFolding: true, language: 'English' } as const;

export interface FinalizeTables {
  documents: Table;
  chunks: Table;
}

/**
 * Runs once after the shard workers (or on the first query of an index that has none): checks that every chunk
 * has its document row and no chunk id is stored twice, compacts both tables (many workers leave many small
 * fragments), rebuilds the full-text index over all chunks, builds or refreshes the vector index (IVF-PQ from
 * `vectorIndexAbove` rows; below it queries scan exactly) and the id indexes. Must not run while workers write.
 */
export async function finalizeTables(t: FinalizeTables, settings: ResolvedRemoteIndexSettings, uri: string, signal?: AbortSignal): Promise<RemoteFinalizeResult> {
  const started = performance.now();
  const check = await checkRows(t, uri);
  throwIfAborted(signal);
  const lance = await loadLance();
  await withCommitRetry(`${uri}: compact documents`, () => t.documents.optimize());
  await withCommitRetry(`${uri}: compact chunks`, () => t.chunks.optimize());
  throwIfAborted(signal);
  const chunkRows = await t.chunks.countRows();
  const docRows = await t.documents.countRows();
  // Rebuilt whole, not merged: BM25 statistics then cover every chunk the same way however the rows were written.
  await withCommitRetry(`${uri}: build the full-text index`, () => t.chunks.createIndex('text', { config: lance.Index.fts(FTS_CONFIG), replace: true }));
  throwIfAborted(signal);
  const indexes: Record<string, string> = {};
  const schema = await t.chunks.schema();
  const vectorField = schema.fields.find((f) => f.name === VECTOR_COLUMN);
  if (vectorField) {
    const existing = (await t.chunks.listIndices()).find((i) => i.columns.includes(VECTOR_COLUMN));
    const stats = existing ? await t.chunks.indexStats(existing.name) : undefined;
    // An IVF index trained on under half of today's rows is retrained; otherwise optimize() above merged the new rows.
    const stale = stats !== undefined && stats.numUnindexedRows > stats.numIndexedRows;
    if (chunkRows >= settings.vectorIndexAbove && (!existing || stale)) {
      const dim = (vectorField.type as { listSize: number }).listSize;
      const numSubVectors = settings.numSubVectors ?? (dim % 16 === 0 ? dim / 16 : dim % 8 === 0 ? dim / 8 : 1);
      const numPartitions = settings.numPartitions ?? Math.max(1, Math.round(Math.sqrt(chunkRows)));
      await withCommitRetry(`${uri}: build the vector index`, () =>
        t.chunks.createIndex(VECTOR_COLUMN, { config: lance.Index.ivfPq({ distanceType: 'cosine', numPartitions, numSubVectors }), replace: true }),
      );
    }
  }
  throwIfAborted(signal);
  if (chunkRows >= settings.scalarIndexAbove) {
    for (const column of ['id', 'docId']) await ensureBtree(t.chunks, column, uri);
  }
  if (docRows >= settings.scalarIndexAbove) await ensureBtree(t.documents, 'id', uri);
  for (const [name, table] of [['chunks', t.chunks], ['documents', t.documents]] as const) {
    for (const i of await table.listIndices()) indexes[`${name}.${i.columns.join(',')}`] = i.indexType;
  }
  if (vectorField && !indexes[`chunks.${VECTOR_COLUMN}`]) indexes[`chunks.${VECTOR_COLUMN}`] = 'flat';
  return {
    documents: docRows,
    chunks: chunkRows,
    indexes,
    orphanChunks: check.orphanChunks,
    duplicateChunks: check.duplicateChunks,
    seconds: (performance.now() - started) / 1000,
  };
}

async function ensureBtree(table: Table, column: string, uri: string): Promise<void> {
  const { Index } = await loadLance();
  const has = (await table.listIndices()).some((i) => i.columns.length === 1 && i.columns[0] === column);
  // optimize() keeps an existing scalar index current; only a missing one is built.
  if (!has) await withCommitRetry(`${uri}: index ${table.name}.${column}`, () => table.createIndex(column, { config: Index.btree() }));
}

/** Counts chunks without a document row and chunk ids stored more than once (one pass over the id columns). */
export async function checkRows(t: FinalizeTables, uri: string): Promise<{ orphanChunks: number; duplicateChunks: number; orphanDocs: string[] }> {
  const docs = new Set<string>();
  let duplicateDocs = 0;
  await readLance({ table: 'documents', path: uri }, 'read the document ids', async () => {
    for await (const batch of t.documents.query().select(['id'])) {
      const ids = batch.getChild('id')!;
      for (let i = 0; i < batch.numRows; i++) {
        const id = String(ids.get(i));
        if (docs.has(id)) duplicateDocs++;
        docs.add(id);
      }
    }
  });
  if (duplicateDocs > 0) {
    throw new SiftError('E_INDEX_CORRUPT', `${uri}: ${duplicateDocs} document rows are stored twice (two workers wrote the same shard at once?); re-index the affected shards`, {
      details: { path: uri },
    });
  }
  const seen = new Set<string>();
  const orphanDocs = new Set<string>();
  let orphanChunks = 0;
  let duplicateChunks = 0;
  await readLance({ table: 'chunks', path: uri }, 'read the chunk ids', async () => {
    for await (const batch of t.chunks.query().select(['id', 'docId'])) {
      const ids = batch.getChild('id')!;
      const owners = batch.getChild('docId')!;
      for (let i = 0; i < batch.numRows; i++) {
        const id = String(ids.get(i));
        const owner = String(owners.get(i));
        if (seen.has(id)) duplicateChunks++;
        seen.add(id);
        if (!docs.has(owner)) {
          orphanChunks++;
          orphanDocs.add(owner);
        }
      }
    }
  });
  return { orphanChunks, duplicateChunks, orphanDocs: [...orphanDocs] };
}
