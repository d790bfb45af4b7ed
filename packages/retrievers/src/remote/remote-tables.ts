import { SiftError } from '@sift/core';
import type * as A from 'apache-arrow';
import type { Connection, Table } from '../lance/_lance.js';
import { chunkTableSchema, CHUNKS_TABLE, documentsSchema, DOCUMENTS_TABLE } from '../lance/tables.js';
import { isCommitConflict } from './commit-retry.js';
import { MANIFEST_TABLE, manifestSchema } from './remote-manifest.js';

export interface RemoteTables {
  manifest: Table;
  documents: Table;
  chunks: Table;
}

const NOT_FOUND = /was not found|not found|does not exist/i;
const EXISTS = /already exists/i;

/** Opens a table, or null when the dataset has none by that name. */
export async function openIfExists(db: Connection, name: string): Promise<Table | null> {
  try {
    return await db.openTable(name);
  } catch (err) {
    if (NOT_FOUND.test(String((err as Error).message))) return null;
    throw err;
  }
}

/**
 * Opens a table, creating it empty when missing. Several workers may start at once: the loser of the create race
 * (LanceDB's first commit is a put-if-absent) opens the winner's table.
 */
export async function openOrCreate(db: Connection, name: string, schema: A.Schema): Promise<Table> {
  for (let attempt = 1; ; attempt++) {
    const existing = await openIfExists(db, name);
    if (existing) return existing;
    try {
      return await db.createEmptyTable(name, schema, { mode: 'create' });
    } catch (err) {
      // Lost the race: the table is (being) created by another worker; open it on the next turn.
      if (!(EXISTS.test(String((err as Error).message)) || isCommitConflict(err)) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

export async function openManifestTable(db: Connection, create: boolean): Promise<Table | null> {
  return create ? openOrCreate(db, MANIFEST_TABLE, manifestSchema()) : openIfExists(db, MANIFEST_TABLE);
}

/** The documents and chunks tables (created on the first add, with a vector column of `dim` when it has an embedder). */
export async function openDataTables(db: Connection, uri: string, create: { dim: number | undefined } | null): Promise<Pick<RemoteTables, 'documents' | 'chunks'>> {
  if (create) {
    return {
      documents: await openOrCreate(db, DOCUMENTS_TABLE, documentsSchema()),
      chunks: await openOrCreate(db, CHUNKS_TABLE, chunkTableSchema(create.dim)),
    };
  }
  const documents = await openIfExists(db, DOCUMENTS_TABLE);
  const chunks = await openIfExists(db, CHUNKS_TABLE);
  if (!documents || !chunks) {
    documents?.close();
    chunks?.close();
    throw new SiftError('E_INDEX_CORRUPT', `${uri}: the manifest is there but the ${documents ? CHUNKS_TABLE : DOCUMENTS_TABLE} table is not`, { details: { path: uri } });
  }
  return { documents, chunks };
}
