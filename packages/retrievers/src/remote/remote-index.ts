import { createEmbedderFromConfig, SiftError, type Chunk, type Document, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import { z } from 'zod';
import type { RetrieverDeps } from '../create-retriever.js';
import type { RetrieverSpec } from '../retriever-spec.js';
import { loadLance, sqlIn, type Connection } from '../lance/_lance.js';
import { CHUNK_COLUMNS, readLance, rowToChunk, TEXT_HASH_COLUMN } from '../lance/chunk-rows.js';
import { checkChunker, embedderInfoOf } from '../sift-index/index-checks.js';
import type { Manifest } from '../sift-index/manifest.js';
import { isReplacedUnderfoot, settle, withCommitRetry } from './commit-retry.js';
import { checkRows, finalizeTables } from './remote-finalize.js';
import {
  OpenRemoteIndexOptionsSchema,
  type OpenRemoteIndexOptions,
  type RemoteAddOptions,
  type RemoteAddResult,
  type RemoteFinalizeResult,
  type ResolvedRemoteIndexSettings,
} from './remote-index-options.js';
import { appendRecord, readManifestTable, REMOTE_INDEX_FORMAT, sameBuild, type IndexRecord, type RemoteManifest } from './remote-manifest.js';
import { GraphBuildOptionsSchema } from '../graph/graph-options.js';
import type { PassageGraph } from '../graph/passage-graph.js';
import { buildRemoteGraph, dropOtherGraphBuilds, GRAPH_TABLE, RemoteGraphs, storeRemoteGraph } from './remote-graph.js';
import { inspectRemoteIndex, type RemoteIndexInspection } from './remote-inspect.js';
import { createRemoteRetriever } from './remote-retriever.js';
import { openDataTables, openManifestTable, type RemoteTables } from './remote-tables.js';
import { RemoteWriter } from './remote-writer.js';
import { shardLabel, WHOLE } from './shard.js';

const defaultWarn = (message: string): void => void process.stderr.write(`sift: warning: ${message}\n`);

/**
 * A Sift index that lives entirely in one LanceDB dataset, typically on object storage (`s3://bucket/path`):
 * tables `manifest` (append-only records: how the index was built, each shard run, each finalize), `documents`
 * and `chunks` (same schemas as a local index), `graph` (the entity graph, when kept). Its lexical leg is LanceDB's
 * native full-text index and its dense leg LanceDB's vector search (exact, or IVF-PQ at scale) — no local files.
 * Any number of workers may add disjoint
 * shards at once (LanceDB commits are put-if-absent; conflicts are retried); {@link RemoteIndex.finalize} then
 * builds the indexes once. Not for two writers of the same documents at once.
 */
export class RemoteIndex {
  private ownEmbedder: Promise<Embedder> | null = null;

  private constructor(
    readonly uri: string,
    private readonly db: Connection,
    private tables: RemoteTables | null,
    private manifestState: RemoteManifest,
    readonly settings: ResolvedRemoteIndexSettings,
    private readonly onWarn: (message: string) => void,
  ) {
    this.graphs = new RemoteGraphs(db, uri, onWarn, () => this.embedder());
  }

  private readonly graphs: RemoteGraphs;

  /** Connects to the dataset at `uri`. An index that does not exist yet is created by the first add; reads need one (E_INDEX_MISSING). */
  static async open(uri: string, options: OpenRemoteIndexOptions = {}): Promise<RemoteIndex> {
    const parsed = OpenRemoteIndexOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid remote index options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const o = parsed.data;
    const lance = await loadLance();
    const db = await readLance({ table: 'manifest', path: uri }, 'connect', () => lance.connect(uri, { storageOptions: o.storageOptions }));
    const index = new RemoteIndex(uri, db, null, { index: null, conflicting: [], shards: [], finalize: null, graph: null }, o.settings, o.onWarn ?? defaultWarn);
    try {
      await index.refresh();
    } catch (err) {
      db.close();
      throw err;
    }
    return index;
  }

  /** Whether the dataset holds an index (its manifest records how it was built). */
  get exists(): boolean {
    return this.manifestState.index !== null;
  }

  /** How the index was built (chunker, tokenizer, embedder, default retriever), or null before the first add. */
  get record(): IndexRecord | null {
    return structuredClone(this.manifestState.index);
  }

  get manifest(): RemoteManifest {
    return structuredClone(this.manifestState);
  }

  get defaultRetriever(): string {
    const r = this.manifestState.index;
    return r?.defaultRetriever ?? (r?.embedder ? 'hybrid' : 'bm25');
  }

  /** The embedder the index was built with, re-created from its record (once; closed with the index). */
  embedder(): Promise<Embedder> {
    const info = this.manifestState.index?.embedder;
    if (!info?.config) {
      return Promise.reject(
        new SiftError('E_BAD_CONFIG', `Index ${this.uri} ${info ? `was built with embedder "${info.id}", which it cannot re-create; pass the same embedder yourself` : 'has no vectors'}`, {
          details: { key: 'embedder' },
        }),
      );
    }
    const config = info.config as Parameters<typeof createEmbedderFromConfig>[0];
    this.ownEmbedder ??= (async () => {
      const e = await createEmbedderFromConfig(config);
      if (e.id !== info.id || e.dim !== info.dim) {
        await e.close?.();
        throw new SiftError('E_BAD_CONFIG', `Index ${this.uri} was built with embedder "${info.id}" (dim ${info.dim}); re-creating it gave "${e.id}" (dim ${e.dim})`, {
          details: { key: 'embedder' },
        });
      }
      return e;
    })();
    this.ownEmbedder.catch(() => (this.ownEmbedder = null));
    return this.ownEmbedder;
  }

  /** Re-reads the manifest (another worker may have recorded since). */
  async refresh(): Promise<void> {
    const manifest = await openManifestTable(this.db, false);
    if (!manifest) return;
    this.manifestState = await readManifestTable(manifest, this.uri);
    if (this.manifestState.index && !this.tables) {
      const data = await openDataTables(this.db, this.uri, null);
      this.tables = { manifest, ...data };
    } else manifest.close();
    if (this.tables) {
      await this.tables.documents.checkoutLatest();
      await this.tables.chunks.checkoutLatest();
    }
  }

  /**
   * Adds this worker's shard of `docs` (all of them without `shard`): unchanged documents are skipped, changed ones
   * replaced, chunks a killed run of this shard left behind removed first; then records the run in the manifest.
   * The first add of a new index records how it is built; every later one must match (E_BAD_CONFIG otherwise).
   */
  async add(docs: AsyncIterable<Document> | Iterable<Document>, opts: RemoteAddOptions): Promise<RemoteAddResult> {
    const tables = await this.tablesFor(opts);
    if (opts.graph) await this.askForGraph(tables, opts.graph);
    const shard = opts.shard ?? WHOLE;
    const writer = await RemoteWriter.begin(tables.documents, tables.chunks, {
      uri: this.uri,
      chunker: opts.chunker,
      embedder: opts.embedder,
      shard,
      batchSize: opts.batchSize ?? 2048,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    await writer.writeAll(docs);
    const c = writer.counts;
    await appendRecord(tables.manifest, 'shard', {
      shard: shardLabel(shard),
      added: c.added,
      replaced: c.replaced,
      skipped: c.skipped,
      chunks: c.chunks,
      removedOrphans: c.removedOrphans,
      finishedAt: new Date().toISOString(),
    });
    await this.refresh();
    return { ...c };
  }

  /** Builds or refreshes the LanceDB indexes once every worker is done (see `finalizeTables`), and records it. */
  async finalize(opts: RunOptions = {}): Promise<RemoteFinalizeResult> {
    const t = this.live();
    const result = await finalizeTables(t, this.settings, this.uri, opts.signal);
    const asked = this.manifestState.graph;
    let graphBuild: string | null = null;
    if (asked) {
      const started = performance.now();
      const built = await buildRemoteGraph(t.chunks, this.uri, asked.options, { ...opts, embedder: () => this.embedder() });
      const record = await storeRemoteGraph(this.db, this.uri, built.graph, built.chunksVersion, asked.options);
      await appendRecord(t.manifest, 'graph', record);
      graphBuild = record.build;
      this.graphs.remember(record.build!, built.graph);
      result.graph = { passages: record.passages, entities: record.entities, edges: record.edges, bytes: record.bytes, seconds: (performance.now() - started) / 1000 };
      result.indexes[GRAPH_TABLE] = 'EntityGraph';
    }
    if (result.orphanChunks > 0) {
      this.onWarn(`${this.uri}: ${result.orphanChunks} chunks have no document row (a worker was killed or is still running); re-run its shard, which removes them`);
    }
    if (result.duplicateChunks > 0) this.onWarn(`${this.uri}: ${result.duplicateChunks} chunk ids are stored twice; re-run the shards that wrote them`);
    await appendRecord(t.manifest, 'finalize', {
      at: new Date().toISOString(),
      versions: { documents: await t.documents.version(), chunks: await t.chunks.version() },
      counts: { documents: result.documents, chunks: result.chunks },
      indexes: result.indexes,
    });
    if (graphBuild) await dropOtherGraphBuilds(this.db, this.uri, graphBuild);
    await this.refresh();
    return result;
  }

  /** The state of the dataset (tables, versions, LanceDB indexes, finalize, graph, row check) for `sift doctor`; changes nothing. */
  async inspect(opts: { readGraph?: boolean } = {}): Promise<RemoteIndexInspection> {
    await this.refresh();
    return inspectRemoteIndex(this.uri, this.db, this.live(), this.manifestState, opts);
  }

  /** Chunks without a document row and chunk ids stored twice (both 0 in a consistent index). */
  async check(): Promise<{ orphanChunks: number; duplicateChunks: number }> {
    const { orphanChunks, duplicateChunks } = await checkRows(this.live(), this.uri);
    return { orphanChunks, duplicateChunks };
  }

  /**
   * A retriever for `spec` (default: the recorded one): `bm25` is LanceDB's full-text search, `dense` its vector
   * search, `hybrid` both fused by RRF. An index never finalized has no full-text index: the first query builds
   * the indexes (one warning).
   */
  async retriever(spec?: RetrieverSpec | string, deps: RetrieverDeps = {}): Promise<Retriever> {
    const t = this.live();
    if (!(await t.chunks.listIndices()).some((i) => i.indexType === 'FTS')) {
      this.onWarn(`${this.uri} has no full-text index yet (run "sift index --finalize" after the shard workers); building its indexes now`);
      await this.finalize(deps.signal ? { signal: deps.signal } : {});
    }
    return createRemoteRetriever(this, t, spec ?? this.defaultRetriever, deps);
  }

  /**
   * The passage–entity graph the last finalize stored (graph:* retrievers). One that no longer covers the chunks
   * (written after that finalize) or was asked for after it is built in memory from the chunks table, with one
   * warning; an index that never asked for one is E_INDEX_MISSING naming how to build it.
   */
  async entityGraph(opts: RunOptions = {}): Promise<PassageGraph> {
    return this.graphs.load(this.live().chunks, this.manifestState.graph, opts);
  }

  /** The chunks with these ids, in the order asked; unknown ids are left out. */
  async getChunks(ids: readonly string[]): Promise<Chunk[]> {
    const t = this.live();
    if (ids.length === 0) return [];
    const checked = (await t.chunks.schema()).fields.some((f) => f.name === TEXT_HASH_COLUMN);
    const rows = (await readLance({ table: 'chunks', path: this.uri }, 'read chunks by id', () =>
      t.chunks
        .query()
        .where(sqlIn('id', [...ids]))
        .select([...CHUNK_COLUMNS, ...(checked ? [TEXT_HASH_COLUMN] : [])])
        .toArray(),
    )) as Array<Record<string, unknown>>;
    const byId = new Map(rows.map((r) => [String(r.id), rowToChunk(r, { table: 'chunks', path: this.uri })]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  async documents(): Promise<Array<{ id: string; source: string | null }>> {
    if (!this.tables) return [];
    const rows = (await this.tables.documents.query().select(['id', 'source']).toArray()) as Array<{ id: string; source: string | null }>;
    return rows.map((r) => ({ id: String(r.id), source: r.source ?? null }));
  }

  /** Removes documents by id with their chunks (chunks first: a failure in between leaves a row whose chunks re-index). */
  async remove(docIds: readonly string[]): Promise<number> {
    if (!this.tables || docIds.length === 0) return 0;
    const t = this.tables;
    let removed = 0;
    for (let i = 0; i < docIds.length; i += 512) {
      const slice = docIds.slice(i, i + 512);
      removed += await t.documents.countRows(sqlIn('id', slice));
      await withCommitRetry(`${this.uri}: remove chunks`, () => t.chunks.delete(sqlIn('docId', slice)));
      await withCommitRetry(`${this.uri}: remove documents`, () => t.documents.delete(sqlIn('id', slice)));
    }
    return removed;
  }

  async stats(): Promise<{ documents: number; chunks: number; version: number; finalized: string | null }> {
    if (!this.tables) return { documents: 0, chunks: 0, version: 0, finalized: null };
    return {
      documents: await this.tables.documents.countRows(),
      chunks: await this.tables.chunks.countRows(),
      version: await this.tables.chunks.version(),
      finalized: this.manifestState.finalize?.at ?? null,
    };
  }

  /** Drops the index's tables (for `--rebuild`); the next add creates it anew. */
  async drop(): Promise<void> {
    this.closeTables();
    this.graphs.forget();
    for (const name of [GRAPH_TABLE, 'chunks', 'documents', 'manifest']) {
      await this.db.dropTable(name).catch((err: unknown) => {
        if (!/not found|does not exist/i.test(String((err as Error).message))) throw err;
      });
    }
    this.manifestState = { index: null, conflicting: [], shards: [], finalize: null, graph: null };
  }

  /** Records that the index keeps an entity graph (built by the next finalize), unless it already does with these options. */
  private async askForGraph(t: RemoteTables, graph: NonNullable<RemoteAddOptions['graph']>): Promise<void> {
    const parsed = GraphBuildOptionsSchema.safeParse(graph === true ? {} : graph);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid graph options for ${this.uri}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error, details: { key: 'graph' } });
    const had = this.manifestState.graph;
    if (had && (graph === true || JSON.stringify(had.options) === JSON.stringify(parsed.data))) return;
    await appendRecord(t.manifest, 'graph', { options: parsed.data, build: null, chunksVersion: null, parts: 0, bytes: 0, sha256: null, passages: 0, entities: 0, edges: 0 });
    await this.refresh();
  }

  async close(): Promise<void> {
    const embedder = this.ownEmbedder;
    this.ownEmbedder = null;
    if (embedder) await (await embedder.catch(() => undefined))?.close?.();
    this.closeTables();
    this.db.close();
  }

  warn(message: string): void {
    this.onWarn(message);
  }

  // ---- internals ----

  private closeTables(): void {
    if (!this.tables) return;
    this.tables.manifest.close();
    this.tables.documents.close();
    this.tables.chunks.close();
    this.tables = null;
  }

  private live(): RemoteTables {
    if (!this.tables) throw new SiftError('E_INDEX_MISSING', `no index at ${this.uri} (run "sift index <paths> --index ${this.uri}" first)`, { details: { dir: this.uri } });
    return this.tables;
  }

  /**
   * Creates the tables of a new index, then records how it is built (unless another worker recorded it first).
   * Several workers may get here at once: each appends its record, and the first one (by time) wins for all.
   */
  private async createIndex(mine: IndexRecord, signal: AbortSignal | undefined): Promise<void> {
    const manifest = (await openManifestTable(this.db, true))!;
    try {
      if ((await readManifestTable(manifest, this.uri)).index) return;
      // The tables exist before the record that announces them, so a reader that sees the record finds them.
      const data = await openDataTables(this.db, this.uri, { dim: mine.embedder?.dim });
      data.documents.close();
      data.chunks.close();
      await settle(this.settings.createSettleMs, signal);
      await manifest.checkoutLatest();
      await appendRecord(manifest, 'index', mine, mine.createdAt);
    } finally {
      manifest.close();
    }
  }

  /** The tables for an add, creating the index when this is its first: records its build, or checks it against the record. */
  private async tablesFor(opts: RemoteAddOptions): Promise<RemoteTables> {
    const mine: IndexRecord = {
      format: REMOTE_INDEX_FORMAT,
      createdAt: new Date().toISOString(),
      chunker: { name: opts.chunker.name, config: opts.chunkerConfig ? (JSON.parse(JSON.stringify(opts.chunkerConfig)) as Record<string, unknown>) : null },
      tokenizer: opts.tokenizer ?? null,
      embedder: opts.embedder ? embedderInfoOf(opts.embedder) : null,
      defaultRetriever: opts.defaultRetriever ?? null,
    };
    if (!this.manifestState.index) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.createIndex(mine, opts.signal);
          break;
        } catch (err) {
          // A late create of another worker replaced a table under this one before anything but the record was written.
          if (!isReplacedUnderfoot((err as SiftError).cause) || attempt >= 3) throw err;
        }
      }
      await this.refresh();
    }
    const record = this.manifestState.index!;
    if (this.manifestState.conflicting.length > 0) {
      throw new SiftError('E_INDEX_CORRUPT', `${this.uri}: workers created this index with different settings (${this.manifestState.conflicting.length} conflicting records); rebuild it`, {
        details: { path: this.uri },
      });
    }
    checkChunker(this.uri, { chunker: record.chunker } as Manifest, mine.chunker.name, mine.chunker.config ?? undefined);
    if (!sameBuild(record, { ...mine, chunker: record.chunker })) {
      const had = record.embedder ? `embedder "${record.embedder.id}" (dim ${record.embedder.dim})` : 'no embedder';
      const got = mine.embedder ? `"${mine.embedder.id}" (dim ${mine.embedder.dim})` : 'none';
      throw new SiftError('E_BAD_CONFIG', `Index ${this.uri} was built with ${had} and tokenizer ${record.tokenizer ?? 'none'}; this add has embedder ${got}, tokenizer ${mine.tokenizer ?? 'none'}`, {
        details: { key: 'embedder' },
      });
    }
    return this.live();
  }
}
