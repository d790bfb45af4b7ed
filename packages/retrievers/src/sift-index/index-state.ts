import { join } from 'node:path';
import { SiftError } from '@sift/core';
import type { Bm25Index } from '../bm25/bm25-index.js';
import type { Connection, Table } from '../lance/_lance.js';
import { readLance, TEXT_HASH_COLUMN } from '../lance/chunk-rows.js';
import { CHUNKS_TABLE, DOCUMENTS_TABLE } from '../lance/tables.js';
import { recoverCommit } from './commit-files.js';
import { loadBm25, openPinned } from './index-checks.js';
import { readManifest, type Manifest } from './manifest.js';

/** What an open index holds: read handles checked out at the manifest's versions (readers never see uncommitted rows). */
export interface OpenState {
  db: Connection;
  documents: Table;
  chunks: Table;
  manifest: Manifest;
  bm25: Bm25Index;
  /** Whether the chunks table has the text checksum column (indexes written before it existed do not). */
  checked: boolean;
}

/**
 * Opens the tables and bm25.bin of the commit `manifest` names, in an index folder whose LanceDB folder is `lanceDir`.
 * `bm25Loading`: that bm25.bin already being loaded ({@link startLoadingBm25}), so that it is read and decoded while
 * LanceDB loads and opens both tables in its own threads (one after another, these steps took ~100 ms of a ~380 ms
 * query's profile at 61k chunks; side by side ~60 ms). Failures are reported in the same order as before: documents, chunks, then bm25.bin.
 */
export async function openState(db: Connection, dir: string, lanceDir: string, manifest: Manifest, bm25Loading = startLoadingBm25(dir, manifest)): Promise<OpenState> {
  const opened = await Promise.allSettled([
    openPinned(db, DOCUMENTS_TABLE, manifest.lance.tables.documents, lanceDir),
    openPinned(db, CHUNKS_TABLE, manifest.lance.tables.chunks, lanceDir),
  ]);
  try {
    const [documents, chunks] = opened.map((o) => {
      if (o.status === 'rejected') throw o.reason;
      return o.value;
    }) as [Table, Table];
    const src = { table: CHUNKS_TABLE, path: join(lanceDir, `${CHUNKS_TABLE}.lance`) };
    const checked = (await readLance(src, 'read the schema', () => chunks.schema())).fields.some((f) => f.name === TEXT_HASH_COLUMN);
    const bm25 = await bm25Loading;
    return { db, documents, chunks, manifest, bm25, checked };
  } catch (err) {
    for (const o of opened) if (o.status === 'fulfilled') o.value.close();
    throw err;
  }
}

/** Starts loading the bm25.bin of `manifest`; its failure is seen by whoever awaits it (and only then). */
export function startLoadingBm25(dir: string, manifest: Manifest): Promise<Bm25Index> {
  const loading = loadBm25(dir, manifest);
  loading.catch(() => undefined);
  return loading;
}

/** Moves `st` to the latest commit on disk when another writer committed since (no-op otherwise). */
export async function syncWithDisk(dir: string, st: OpenState): Promise<void> {
  const onDisk = await recoverCommit(dir, await readManifest(dir));
  if (onDisk.generation === st.manifest.generation) return;
  st.bm25 = await loadBm25(dir, onDisk);
  await st.documents.checkout(onDisk.lance.tables.documents);
  await st.chunks.checkout(onDisk.lance.tables.chunks);
  st.manifest = onDisk;
}

/** E_CLOSED for use after close. */
export function closedError(dir: string): SiftError {
  return new SiftError('E_CLOSED', `SiftIndex at ${dir} is closed`);
}
