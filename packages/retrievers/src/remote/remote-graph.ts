import { createHash, randomUUID } from 'node:crypto';
import { SiftError, throwIfAborted, yieldToEventLoop, type Chunk, type Embedder, type RunOptions } from '@sift/core';
import type * as A from 'apache-arrow';
import { GraphBuilder } from '../graph/graph-builder.js';
import { decodeGraph, encodeGraph } from '../graph/graph-format.js';
import type { ResolvedGraphBuildOptions } from '../graph/graph-options.js';
import type { PassageGraph } from '../graph/passage-graph.js';
import { arrow, sqlString, type Connection, type Table } from '../lance/_lance.js';
import { CHUNK_COLUMNS, readLance, rowToChunk } from '../lance/chunk-rows.js';
import { withCommitRetry } from './commit-retry.js';
import type { GraphRecord } from './remote-manifest.js';
import { openIfExists, openOrCreate } from './remote-tables.js';

/** The table that holds the serialised entity graph (graph.bin's format), in parts, beside the chunks. */
export const GRAPH_TABLE = 'graph';

/** Bytes per row of the graph table: small enough for one object-store PUT each, few enough rows to read back. */
const PART_BYTES = 8 << 20;
const ADD_EVERY = 1000;

export function graphTableSchema(): A.Schema {
  const { Binary, Field, Int32, Schema, Utf8 } = arrow();
  return new Schema([new Field('build', new Utf8(), false), new Field('part', new Int32(), false), new Field('bytes', new Binary(), false)]);
}

/**
 * The entity graph over every chunk in the table, built in a fixed order (document id, then offset) so workers
 * that wrote in any order get the same graph. `embedder` is only asked for when the options want synonym edges.
 * Holds every chunk's text in memory while it reads (the builder keeps tokens only once they are added).
 */
export async function buildRemoteGraph(
  chunks: Table,
  uri: string,
  options: ResolvedGraphBuildOptions,
  opts: RunOptions & { embedder?: () => Promise<Embedder> } = {},
): Promise<{ graph: PassageGraph; chunksVersion: number }> {
  const chunksVersion = await chunks.version();
  const rows = (await readLance({ table: 'chunks', path: uri }, 'read the chunks for the entity graph', () =>
    chunks.query().select([...CHUNK_COLUMNS]).toArray(),
  )) as Array<Record<string, unknown>>;
  throwIfAborted(opts.signal);
  const all: Chunk[] = rows.map((row) => rowToChunk(row, { table: 'chunks', path: uri }));
  rows.length = 0;
  all.sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.start - b.start));
  const builder = GraphBuilder.create(options);
  for (let i = 0; i < all.length; i += ADD_EVERY) {
    builder.add(all.slice(i, i + ADD_EVERY));
    await yieldToEventLoop();
    throwIfAborted(opts.signal);
  }
  all.length = 0;
  const embedder = options.synonyms ? await opts.embedder?.() : undefined;
  if (options.synonyms && !embedder) {
    throw new SiftError('E_BAD_CONFIG', `Index ${uri}: graph synonyms: true needs an index with an embedder`, { details: { key: 'synonyms' } });
  }
  const graph = await builder.build({
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(embedder ? { embedder } : {}),
  });
  return { graph, chunksVersion };
}

/**
 * Writes the graph as rows of a new build in the graph table (the caller then records it in the manifest, and only
 * then drops older builds with {@link dropOtherGraphBuilds}: a reader always finds the rows its record names).
 */
export async function storeRemoteGraph(db: Connection, uri: string, graph: PassageGraph, chunksVersion: number, options: ResolvedGraphBuildOptions): Promise<GraphRecord> {
  const bytes = encodeGraph(graph, chunksVersion);
  const build = `${chunksVersion}-${randomUUID()}`;
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += PART_BYTES) parts.push(bytes.subarray(at, at + PART_BYTES));
  const table = await openOrCreate(db, GRAPH_TABLE, graphTableSchema());
  try {
    const ar = arrow();
    for (let i = 0; i < parts.length; i++) {
      const rows = new ar.Table(graphTableSchema(), {
        build: ar.vectorFromArray([build], new ar.Utf8()),
        part: ar.vectorFromArray([i], new ar.Int32()),
        bytes: ar.vectorFromArray([parts[i]!], new ar.Binary()),
      } as never);
      await withCommitRetry(`${uri}: write the entity graph`, () => table.add(rows));
    }
  } finally {
    table.close();
  }
  return {
    options,
    build,
    chunksVersion,
    parts: parts.length,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    passages: graph.passageCount,
    entities: graph.entityCount,
    edges: graph.edgeCount,
  };
}

/** Removes the rows of every graph build but `keep` (older finalizes'); LanceDB's cleanup frees their files later. */
export async function dropOtherGraphBuilds(db: Connection, uri: string, keep: string): Promise<void> {
  const table = await openIfExists(db, GRAPH_TABLE);
  if (!table) return;
  try {
    await withCommitRetry(`${uri}: drop old entity graphs`, () => table.delete(`build != ${sqlString(keep)}`));
    await withCommitRetry(`${uri}: compact the graph table`, () => table.optimize());
  } finally {
    table.close();
  }
}

/** Reads the graph build a record names, checking its size, sha256 and the chunks version inside it. */
export async function readRemoteGraph(db: Connection, uri: string, record: GraphRecord): Promise<PassageGraph> {
  const where = `${uri} (graph table, build ${record.build})`;
  const corrupt = (why: string): SiftError => new SiftError('E_INDEX_CORRUPT', `${where}: ${why}; run "sift index --finalize --index ${uri}" to rebuild it`, { details: { path: uri } });
  const table = await openIfExists(db, GRAPH_TABLE);
  if (!table) throw corrupt('the manifest names an entity graph but the graph table is missing');
  let rows: Array<{ part: number; bytes: Uint8Array }>;
  try {
    rows = (await readLance({ table: GRAPH_TABLE, path: uri }, 'read the entity graph', () =>
      table.query().where(`build = ${sqlString(record.build!)}`).select(['part', 'bytes']).toArray(),
    )) as Array<{ part: number; bytes: Uint8Array }>;
  } finally {
    table.close();
  }
  rows.sort((a, b) => a.part - b.part);
  if (rows.length !== record.parts || rows.some((r, i) => r.part !== i)) throw corrupt(`${rows.length} of ${record.parts} parts found`);
  const bytes = new Uint8Array(record.bytes);
  let at = 0;
  for (const r of rows) {
    if (at + r.bytes.length > bytes.length) throw corrupt(`parts hold more than the recorded ${record.bytes} bytes`);
    bytes.set(r.bytes, at);
    at += r.bytes.length;
  }
  if (at !== record.bytes) throw corrupt(`parts hold ${at} bytes, the manifest says ${record.bytes}`);
  if (createHash('sha256').update(bytes).digest('hex') !== record.sha256) throw corrupt('sha256 does not match the manifest');
  const decoded = decodeGraph(bytes, where);
  if (decoded.generation !== record.chunksVersion) throw corrupt(`built from chunks version ${decoded.generation}, the manifest says ${record.chunksVersion}`);
  return decoded.graph;
}

/**
 * Loads the entity graph of a remote index for graph:* retrievers, once per build: the stored one when it covers
 * the chunks table as it is now; otherwise (chunks written after the last finalize, or the graph asked for after
 * it) one built in memory from the chunks table, with one warning. No graph asked for → E_INDEX_MISSING.
 */
export class RemoteGraphs {
  private cached: { key: string; graph: Promise<PassageGraph> } | null = null;

  constructor(
    private readonly db: Connection,
    private readonly uri: string,
    private readonly warn: (message: string) => void,
    private readonly embedder: () => Promise<Embedder>,
  ) {}

  load(chunks: Table, record: GraphRecord | null, opts: RunOptions = {}): Promise<PassageGraph> {
    const uri = this.uri;
    if (!record) {
      return Promise.reject(
        new SiftError('E_INDEX_MISSING', `Index ${uri} has no entity graph; index with --graph (or --retriever graph:…), then run "sift index --finalize --index ${uri}"`, {
          details: { path: uri },
        }),
      );
    }
    const graph = chunks.version().then((version) => {
      const fresh = record.build !== null && record.chunksVersion === version;
      const key = fresh ? record.build! : `chunks@${version}`;
      if (this.cached?.key === key) return this.cached.graph;
      if (!fresh) {
        this.warn(
          record.build === null
            ? `${uri}: the entity graph was asked for after the last finalize; building it in memory for this query — run "sift index --finalize" to store it`
            : `${uri}: the stored entity graph covers chunks version ${record.chunksVersion}, the chunks table is at version ${version} (written after the last finalize); rebuilding it in memory for this query — run "sift index --finalize" to store a current one`,
        );
      }
      const loading = fresh ? readRemoteGraph(this.db, uri, record) : buildRemoteGraph(chunks, uri, record.options, { ...opts, embedder: this.embedder }).then((b) => b.graph);
      this.cached = { key, graph: loading };
      loading.catch(() => {
        if (this.cached?.graph === loading) this.cached = null;
      });
      return loading;
    });
    return graph;
  }

  /** The graph a finalize just built and stored as `build`. */
  remember(build: string, graph: PassageGraph): void {
    this.cached = { key: build, graph: Promise.resolve(graph) };
  }

  forget(): void {
    this.cached = null;
  }
}
