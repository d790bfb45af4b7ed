import { SiftError } from '@sift/core';
import type { Connection, Table } from '../lance/_lance.js';
import { checkRows } from './remote-finalize.js';
import { GRAPH_TABLE, readRemoteGraph } from './remote-graph.js';
import type { RemoteManifest } from './remote-manifest.js';
import type { RemoteTables } from './remote-tables.js';
import { openIfExists } from './remote-tables.js';

/** One LanceDB index of a remote index's table, as LanceDB reports it. */
export interface RemoteTableIndex {
  name: string;
  type: string;
  columns: string[];
  indexedRows: number;
  unindexedRows: number;
}

/** What `sift doctor --index s3://…` shows: each table, the last finalize, the shard runs, the graph and the row check. */
export interface RemoteIndexInspection {
  uri: string;
  tables: Record<string, { rows: number; version: number; indexes: RemoteTableIndex[] }>;
  /** The last finalize, and whether the tables are still at the versions it saw (no writes since). */
  finalized: { at: string; current: boolean; versions: { documents: number; chunks: number } } | null;
  shards: { runs: number; labels: string[] };
  /**
   * `none`: the index keeps no entity graph; `asked`: an add asked for one after the last finalize; `current`: the
   * stored graph covers the chunks as they are; `stale`: chunks were written after it was built.
   */
  graph: { state: 'none' | 'asked' | 'current' | 'stale'; passages?: number; entities?: number; edges?: number; bytes?: number; chunksVersion?: number | null };
  /** Chunks without a document row and chunk ids stored twice (both 0 in a consistent index); null when the check failed (see problems). */
  check: { orphanChunks: number; duplicateChunks: number } | null;
  /** What is wrong, one line each (empty when all is well). */
  problems: string[];
}

async function tableInfo(table: Table): Promise<RemoteIndexInspection['tables'][string]> {
  const indexes: RemoteTableIndex[] = [];
  for (const i of await table.listIndices()) {
    const stats = await table.indexStats(i.name);
    indexes.push({ name: i.name, type: i.indexType, columns: i.columns, indexedRows: stats?.numIndexedRows ?? 0, unindexedRows: stats?.numUnindexedRows ?? 0 });
  }
  return { rows: await table.countRows(), version: await table.version(), indexes };
}

/**
 * Reads the state of a remote index without changing it: rows, versions and LanceDB indexes of every table, the
 * last finalize, the shard runs, the entity graph, and the orphan/duplicate check (one pass over the id columns).
 * `readGraph` also reads the stored graph back and checks its checksum.
 */
export async function inspectRemoteIndex(
  uri: string,
  db: Connection,
  t: RemoteTables,
  manifest: RemoteManifest,
  opts: { readGraph?: boolean } = {},
): Promise<RemoteIndexInspection> {
  const problems: string[] = [];
  const tables: RemoteIndexInspection['tables'] = {};
  for (const [name, table] of [['manifest', t.manifest], ['documents', t.documents], ['chunks', t.chunks]] as const) tables[name] = await tableInfo(table);
  const graphTable = await openIfExists(db, GRAPH_TABLE);
  if (graphTable) {
    try {
      tables[GRAPH_TABLE] = await tableInfo(graphTable);
    } finally {
      graphTable.close();
    }
  }
  const f = manifest.finalize;
  const finalized = f
    ? { at: f.at, versions: f.versions, current: f.versions.documents === tables.documents!.version && f.versions.chunks === tables.chunks!.version }
    : null;

  const g = manifest.graph;
  let graph: RemoteIndexInspection['graph'] = { state: 'none' };
  if (g) {
    const state = g.build === null ? 'asked' : g.chunksVersion === tables.chunks!.version ? 'current' : 'stale';
    graph = { state, passages: g.passages, entities: g.entities, edges: g.edges, bytes: g.bytes, chunksVersion: g.chunksVersion };
    if (state === 'current' && g.passages !== tables.chunks!.rows) problems.push(`the entity graph holds ${g.passages} passages, the chunks table ${tables.chunks!.rows} rows`);
    if (opts.readGraph && g.build !== null) {
      try {
        const read = await readRemoteGraph(db, uri, g);
        if (read.passageCount !== g.passages) problems.push(`the stored entity graph holds ${read.passageCount} passages, its record says ${g.passages}`);
      } catch (err) {
        problems.push(SiftError.isInstance(err) ? `${err.code}: ${err.message}` : String(err));
      }
    }
  }

  let check: RemoteIndexInspection['check'] = null;
  try {
    const c = await checkRows(t, uri);
    check = { orphanChunks: c.orphanChunks, duplicateChunks: c.duplicateChunks };
    if (c.orphanChunks > 0) problems.push(`${c.orphanChunks} chunks have no document row (of documents ${c.orphanDocs.slice(0, 3).join(', ')}${c.orphanDocs.length > 3 ? ', …' : ''}): re-run their shard`);
    if (c.duplicateChunks > 0) problems.push(`${c.duplicateChunks} chunk ids are stored twice: re-run the shards that wrote them`);
  } catch (err) {
    problems.push(SiftError.isInstance(err) ? `${err.code}: ${err.message}` : String(err));
  }
  if (manifest.conflicting.length > 0) problems.push(`${manifest.conflicting.length} workers created the index with different settings: rebuild it`);
  const labels = [...new Set(manifest.shards.map((s) => s.shard))].sort();
  return { uri, tables, finalized, shards: { runs: manifest.shards.length, labels }, graph, check, problems };
}
