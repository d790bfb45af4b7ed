import { access, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SiftError, type Chunk, type Document, type Retriever } from '@sift/core';
import { z } from 'zod';
import { Bm25Index } from '../bm25/bm25-index.js';
import type { RetrieverDeps } from '../create-retriever.js';
import type { RetrieverSpec } from '../retriever-spec.js';
import { lanceVersion, loadLance, sqlIn, type Connection, type Table } from './_lance.js';
import { commitIndexFiles, recoverCommit, removeStaleCommitFiles } from './commit-files.js';
import { checkChunker, checkEmbedder, loadBm25, openPinned } from './index-checks.js';
import { acquireIndexLock } from './index-lock.js';
import { createIndexRetriever } from './index-retriever.js';
import { closeTables, ensureIdIndex, IndexWriter, openWriteTables, tablesState, type TablesState } from './index-writer.js';
import { CHUNK_COLUMNS, chunkFromRow, CHUNKS_TABLE, chunksSchema, DOCUMENTS_TABLE, documentsSchema } from './lance-tables.js';
import {
  BM25_FILE,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  LANCE_DIR,
  MANIFEST_FILE,
  readManifest,
  type EmbedderInfo,
  type Manifest,
} from './manifest.js';
import {
  AddOptionsSchema,
  CreateIndexOptionsSchema,
  type AddOptions,
  type AddResult,
  type CreateIndexOptions,
  type IndexStats,
} from './sift-index-options.js';

interface OpenState {
  db: Connection;
  /** Read handles, checked out at the manifest's versions: readers never see uncommitted rows. */
  documents: Table;
  chunks: Table;
  manifest: Manifest;
  bm25: Bm25Index;
}

const IN_LIST = 512;

function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid ${what}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * An index on disk: a folder holding `manifest.json` (the commit record), `lance/` (LanceDB tables
 * `documents` and `chunks`, with an optional `vector` column) and `bm25.bin`. Adds stream documents into
 * new LanceDB versions and commit by atomically replacing bm25.bin and the manifest, so a failed or
 * aborted add leaves the previous commit intact and queryable. Opening never rebuilds anything.
 */
export class SiftIndex implements AsyncDisposable {
  private state: OpenState | null;
  private writing: Promise<unknown> | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    /** The index folder, absolute. */
    readonly dir: string,
    state: OpenState,
  ) {
    this.state = state;
  }

  /** Creates an empty index in `dir` (created if needed). An existing index is an error unless `ifExists` says otherwise. */
  static async create(dir: string, options: CreateIndexOptions = {}): Promise<SiftIndex> {
    const opts = parseOptions(CreateIndexOptionsSchema, options, 'SiftIndex.create options');
    const abs = resolve(dir);
    const manifestPath = join(abs, MANIFEST_FILE);
    if (await exists(manifestPath)) {
      if (opts.ifExists === 'error') {
        throw new SiftError('E_BAD_CONFIG', `An index already exists at ${abs}; open it with SiftIndex.open, or pass ifExists: 'overwrite'`, {
          details: { path: manifestPath },
        });
      }
      if (opts.ifExists === 'open') return SiftIndex.open(abs);
    }
    await mkdir(abs, { recursive: true });
    const release = await acquireIndexLock(abs);
    try {
      // Drop the manifest first: from here until the new one lands, the folder holds no index rather than a mix.
      await rm(manifestPath, { force: true });
      await removeStaleCommitFiles(abs);
      await rm(join(abs, BM25_FILE), { force: true });
      await rm(join(abs, LANCE_DIR), { recursive: true, force: true });
      const lance = await loadLance();
      const db = await lance.connect(join(abs, LANCE_DIR));
      try {
        const documents = await db.createEmptyTable(DOCUMENTS_TABLE, documentsSchema(), { mode: 'overwrite' });
        const chunks = await db.createEmptyTable(CHUNKS_TABLE, chunksSchema(opts.embedder?.dim), { mode: 'overwrite' });
        const now = new Date().toISOString();
        const manifest: Manifest = {
          format: INDEX_FORMAT,
          formatVersion: INDEX_FORMAT_VERSION,
          generation: 1,
          createdAt: now,
          updatedAt: now,
          chunker: opts.chunker ?? null,
          tokenizer: opts.tokenizer ?? null,
          bm25: { file: BM25_FILE, generation: 1, options: opts.bm25 },
          embedder: opts.embedder ? { id: opts.embedder.id, dim: opts.embedder.dim } : null,
          counts: { documents: 0, chunks: 0 },
          lance: { library: lanceVersion(), dir: LANCE_DIR, tables: { documents: await documents.version(), chunks: await chunks.version() } },
          extensions: {},
        };
        const bytes = Bm25Index.create(opts.bm25).toBytes(1);
        await commitIndexFiles(abs, bytes, manifest);
        await documents.checkout(manifest.lance.tables.documents);
        await chunks.checkout(manifest.lance.tables.chunks);
        return new SiftIndex(abs, { db, documents, chunks, manifest, bm25: Bm25Index.fromBytes(bytes, join(abs, BM25_FILE)) });
      } catch (err) {
        db.close();
        throw err;
      }
    } finally {
      await release();
    }
  }

  /** Opens the index in `dir` at its last commit. Missing → E_INDEX_MISSING; damaged → E_INDEX_CORRUPT (naming the path). */
  static async open(dir: string): Promise<SiftIndex> {
    const abs = resolve(dir);
    const manifest = await recoverCommit(abs, await readManifest(abs));
    const lanceDir = join(abs, LANCE_DIR);
    if (!(await exists(lanceDir))) {
      throw new SiftError('E_INDEX_CORRUPT', `Index ${abs} has no LanceDB folder (${lanceDir} is missing)`, { details: { path: lanceDir } });
    }
    const lance = await loadLance();
    const db = await lance.connect(lanceDir);
    try {
      const documents = await openPinned(db, DOCUMENTS_TABLE, manifest.lance.tables.documents, lanceDir);
      const chunks = await openPinned(db, CHUNKS_TABLE, manifest.lance.tables.chunks, lanceDir);
      const bm25 = await loadBm25(abs, manifest);
      return new SiftIndex(abs, { db, documents, chunks, manifest, bm25 });
    } catch (err) {
      db.close();
      throw err;
    }
  }

  isOpen(): boolean {
    return this.state !== null && this.closing === null;
  }

  /** A copy of the committed manifest. */
  get manifest(): Manifest {
    return structuredClone(this.live().manifest);
  }

  async stats(): Promise<IndexStats> {
    const m = this.live().manifest;
    return {
      dir: this.dir,
      documents: m.counts.documents,
      chunks: m.counts.chunks,
      version: m.generation,
      formatVersion: m.formatVersion,
      ...(m.embedder ? { embedder: { ...m.embedder } } : {}),
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    };
  }

  /**
   * Streams `docs` through `chunker` (and `embedder`) into the index, in batches, then commits. A document
   * whose id is indexed with the same sha256 is skipped; with other content it is replaced. On any error or
   * abort nothing is committed and the index stays at its previous state.
   */
  async add(docs: AsyncIterable<Document> | Iterable<Document>, options: AddOptions): Promise<AddResult> {
    const st = this.live();
    const opts = parseOptions(AddOptionsSchema, options, 'SiftIndex.add options');
    if (this.writing) throw new SiftError('E_INDEX_LOCKED', `An add is already running on index ${this.dir}`);
    const run = this.runAdd(st, docs, opts);
    this.writing = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.writing = null;
    }
  }

  /** A retriever over the committed index (`{ retriever: 'bm25', k1?, b? }`); it follows later commits. */
  async retriever(spec: RetrieverSpec, deps: RetrieverDeps = {}): Promise<Retriever> {
    this.live();
    return createIndexRetriever(this, spec, deps);
  }

  /** The committed chunks with these ids, in the order asked; unknown ids are left out. */
  async getChunks(ids: readonly string[]): Promise<Chunk[]> {
    const { chunks } = this.live();
    const unique = [...new Set(ids)];
    const found = new Map<string, Chunk>();
    for (let i = 0; i < unique.length; i += IN_LIST) {
      const rows = await chunks
        .query()
        .where(sqlIn('id', unique.slice(i, i + IN_LIST)))
        .select([...CHUNK_COLUMNS])
        .toArray();
      for (const row of rows as Record<string, unknown>[]) {
        const c = chunkFromRow(row);
        found.set(c.id, c);
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** The committed BM25 statistics (read-only: do not add to or remove from it). */
  bm25Index(): Bm25Index {
    return this.live().bm25;
  }

  /** A LanceDB table checked out at the committed version, for retrievers over vectors (read-only). */
  lanceTable(name: 'documents' | 'chunks'): Table {
    const st = this.live();
    return name === 'documents' ? st.documents : st.chunks;
  }

  /**
   * Compacts LanceDB fragments and deletes old table versions (each add leaves a few), then commits.
   * Other processes that still hold this index open at an older commit must reopen it afterwards.
   */
  async optimize(): Promise<void> {
    const st = this.live();
    if (this.writing) throw new SiftError('E_INDEX_LOCKED', `An add is already running on index ${this.dir}`);
    const run = (async () => {
      const release = await acquireIndexLock(this.dir);
      try {
        await this.syncWithDisk(st);
        await removeStaleCommitFiles(this.dir);
        const tables = await openWriteTables(st.db, st.manifest);
        try {
          // Drop history older than now (the committed version included; the compacted one replaces it).
          await tables.documents.optimize({ cleanupOlderThan: new Date() });
          await tables.chunks.optimize({ cleanupOlderThan: new Date() });
          await ensureIdIndex(tables.chunks);
          await this.commit(st, await tablesState(tables), st.bm25, st.manifest.chunker, st.manifest.embedder, []);
        } finally {
          closeTables(tables);
        }
      } finally {
        await release();
      }
    })();
    this.writing = run.catch(() => undefined);
    try {
      await run;
    } finally {
      this.writing = null;
    }
  }

  /** Waits for a running add, then releases LanceDB handles. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writing;
      const st = this.state;
      this.state = null;
      if (!st) return;
      st.documents.close();
      st.chunks.close();
      st.db.close();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ----

  private live(): OpenState {
    if (!this.state || this.closing) throw new SiftError('E_CLOSED', `SiftIndex at ${this.dir} is closed`);
    return this.state;
  }

  private async runAdd(st: OpenState, docs: AsyncIterable<Document> | Iterable<Document>, opts: z.output<typeof AddOptionsSchema>): Promise<AddResult> {
    const release = await acquireIndexLock(this.dir);
    let writer: IndexWriter | undefined;
    let committed = false;
    try {
      await this.syncWithDisk(st);
      await removeStaleCommitFiles(this.dir);
      const base = st.manifest;
      const chunker = checkChunker(this.dir, base, opts.chunker.name);
      const embedderInfo = checkEmbedder(this.dir, base, opts.embedder);
      const bm25 = await loadBm25(this.dir, base);
      writer = await IndexWriter.begin(st.db, base, bm25, {
        dir: this.dir,
        generation: base.generation + 1,
        chunker: opts.chunker,
        embedder: opts.embedder,
        embedderInfo,
        extensions: opts.extensions,
        batchSize: opts.batchSize,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
      await writer.writeAll(docs);
      const result = { ...writer.counts, generation: base.generation, committed: false };
      if (!writer.changed) return result;
      await writer.ensureIdIndex();
      for (const ext of opts.extensions) await ext.commit(this.dir);
      await this.commit(st, await writer.state(), bm25, chunker, embedderInfo, opts.extensions.map((e) => e.name));
      committed = true;
      return { ...result, generation: st.manifest.generation, committed: true };
    } catch (err) {
      if (!committed) {
        await writer?.rollback().catch(() => undefined);
        for (const ext of opts.extensions) await ext.abort?.(this.dir).catch(() => undefined);
      }
      throw err;
    } finally {
      writer?.close();
      await release();
    }
  }

  /** Writes bm25.bin + manifest for the writer's table versions, then moves the read handles to them. */
  private async commit(
    st: OpenState,
    written: TablesState,
    bm25: Bm25Index,
    chunker: Manifest['chunker'],
    embedder: EmbedderInfo | null,
    extensions: readonly string[],
  ): Promise<void> {
    const base = st.manifest;
    const generation = base.generation + 1;
    const { versions: tables, counts } = written;
    if (counts.chunks !== bm25.size) {
      throw new SiftError('E_RUNTIME', `Index ${this.dir}: ${counts.chunks} chunk rows but ${bm25.size} BM25 rows; not committing`);
    }
    const manifest: Manifest = {
      ...base,
      generation,
      updatedAt: new Date().toISOString(),
      chunker,
      embedder,
      counts,
      bm25: { ...base.bm25, generation },
      lance: { library: lanceVersion(), dir: LANCE_DIR, tables },
      extensions: { ...base.extensions, ...Object.fromEntries(extensions.map((name) => [name, { generation }])) },
    };
    const bytes = bm25.toBytes(generation);
    await commitIndexFiles(this.dir, bytes, manifest);
    st.manifest = manifest;
    st.bm25 = Bm25Index.fromBytes(bytes, join(this.dir, BM25_FILE));
    await st.documents.checkout(tables.documents);
    await st.chunks.checkout(tables.chunks);
  }

  /** Another process may have committed since this index was opened: move to the latest commit first. */
  private async syncWithDisk(st: OpenState): Promise<void> {
    const onDisk = await recoverCommit(this.dir, await readManifest(this.dir));
    if (onDisk.generation === st.manifest.generation) return;
    st.bm25 = await loadBm25(this.dir, onDisk);
    await st.documents.checkout(onDisk.lance.tables.documents);
    await st.chunks.checkout(onDisk.lance.tables.chunks);
    st.manifest = onDisk;
  }
}
