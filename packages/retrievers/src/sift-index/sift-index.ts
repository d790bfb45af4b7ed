import { join, resolve } from 'node:path';
import { rm } from 'node:fs/promises';
import { createEmbedderFromConfig, SiftError, type Chunk, type Document, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import { z } from 'zod';
import { Bm25Index } from '../bm25/bm25-index.js';
import type { RetrieverDeps } from '../create-retriever.js';
import type { RetrieverSpec } from '../retriever-spec.js';
import { loadLance, type Table } from '../lance/_lance.js';
import { readLance, type RowSource } from '../lance/chunk-rows.js';
import { chunkTableSchema, CHUNKS_TABLE, documentsSchema, DOCUMENTS_TABLE } from '../lance/tables.js';
import { readChunksAtRows, readChunksById, scanChunks } from './index-reads.js';
import { runAdd, runOptimize, type AddContext } from './add-run.js';
import { commitIndexFiles, recoverCommit, removeUncommittedFiles } from './commit-files.js';
import { fsyncDir, writeDurable } from '../atomic-write.js';
import { initialManifest } from './initial-manifest.js';
import { foreignDirError, inspectIndexDir, makeIndexDir, MARKER_FILE, removeIndexEntries } from './index-dir.js';
import { acquireIndexLock, type IndexLock } from './index-lock.js';
import { createIndexRetriever } from './index-retriever.js';
import { closedError, openState, startLoadingBm25, syncWithDisk, type OpenState } from './index-state.js';
import { closeTables, openWriteTables, tablesState } from './index-writer.js';
import { INDEX_FORMAT, LANCE_DIR, MANIFEST_FILE, readManifest, type ChunkerInfo, type EmbedderInfo, type Manifest } from './manifest.js';
import type { CommittedChunks } from './side-index.js';
import { sideIndexKind } from './side-index-registry.js';
import {
  AddOptionsSchema,
  CreateIndexOptionsSchema,
  OpenIndexOptionsSchema,
  type AddOptions,
  type AddResult,
  type CreateIndexOptions,
  type IndexStats,
  type OpenIndexOptions,
  type RemoveResult,
} from './sift-index-options.js';
import { verifyIndex, type VerifyReport } from './verify-index.js';

function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid ${what}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

const defaultWarn = (message: string): void => void process.stderr.write(`sift: warning: ${message}\n`);

/**
 * An index on disk, which owns its rules. The folder holds `manifest.json` (the commit record), `lance/` (LanceDB
 * tables `documents` and `chunks`, with a text checksum per chunk and an optional `vector` column), `bm25.bin`, and
 * side indexes (HNSW graph, entity graph) as per-generation files the manifest names with their sha256.
 *
 * - The manifest records the chunker (name and whole config as JSON), tokenizer and embedder (id, dimension and the
 *   config that re-creates it): {@link SiftIndex.embedder} rebuilds the embedder, adds check the whole chunker config.
 * - Every side index the manifest records is kept in step by every add (registry: `registerSideIndex`).
 * - Adds stream into new LanceDB versions and new side-index files, then commit by replacing bm25.bin and the
 *   manifest; a crash or failed add leaves the previous commit intact, and a stale side index is rebuilt.
 * - One writer: {@link SiftIndex.create} holds the folder's lock until `close()`; an add on an index from
 *   {@link SiftIndex.open} takes it for the add. A second writer fails at once with E_INDEX_LOCKED.
 */
export class SiftIndex implements AsyncDisposable {
  private state: OpenState | null;
  private writing: Promise<unknown> | null = null;
  private closing: Promise<void> | null = null;
  private ownEmbedder: Promise<Embedder> | null = null;
  /** The embedder given to `create` (the caller's to close), used when an add or query gives none. */
  private givenEmbedder: Embedder | null = null;

  private constructor(
    /** The index folder, absolute. */
    readonly dir: string,
    state: OpenState,
    /** Held from create until close; null for an index opened to read (adds then lock per add). */
    private readonly lock: IndexLock | null,
    private readonly onWarn: (message: string) => void,
    private pendingSideIndexes: Record<string, Record<string, unknown> | false> = {},
  ) {
    this.state = state;
  }

  /**
   * Creates an index in `dir` (made if needed) and holds its writer lock until `close()`. The lock is taken before the
   * folder is examined, so two processes never both create. A folder holding anything but a Sift index is refused
   * (E_INDEX_PATH naming what is there) unless empty; an existing index is an error unless `ifExists` is `open`
   * (open it, still holding the lock) or `overwrite` (replace it; only index files are removed).
   */
  static async create(dir: string, options: CreateIndexOptions = {}): Promise<SiftIndex> {
    const opts = parseOptions(CreateIndexOptionsSchema, options, 'SiftIndex.create options');
    const abs = resolve(dir);
    const warn = opts.onWarn ?? defaultWarn;
    for (const [name, o] of Object.entries(opts.sideIndexes)) if (o !== false) sideIndexKind(name).parseOptions(o);
    await makeIndexDir(abs);
    // Refuse a foreign folder before writing anything into it; the decision that counts is re-made under the lock.
    const before = await inspectIndexDir(abs);
    if (before.kind === 'foreign') throw foreignDirError(abs, before.entries);
    const lock = await acquireIndexLock(abs);
    try {
      const now = await inspectIndexDir(abs);
      if (now.kind === 'foreign') throw foreignDirError(abs, now.entries);
      if (now.kind === 'index') {
        if (opts.ifExists === 'error') {
          throw new SiftError('E_BAD_CONFIG', `An index already exists at ${abs}; open it with SiftIndex.open, or pass ifExists: 'overwrite'`, {
            details: { path: join(abs, MANIFEST_FILE) },
          });
        }
        if (opts.ifExists === 'open') {
          const index = await SiftIndex.openAt(abs, lock, warn, opts.sideIndexes);
          index.givenEmbedder = opts.embedder ?? null;
          return index;
        }
        // Drop the manifest first: from here until the new one lands, the folder holds no index rather than a mix.
        await rm(join(abs, MANIFEST_FILE), { force: true });
      }
      if (now.kind !== 'empty') await removeIndexEntries(abs);
      await writeDurable(join(abs, MARKER_FILE), `${INDEX_FORMAT}\n`);
      await fsyncDir(abs);
      return await SiftIndex.createAt(abs, opts, lock, warn);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Opens the index in `dir` at its last commit, to read (an add takes the lock for itself). Missing → E_INDEX_MISSING; damaged → E_INDEX_CORRUPT. */
  static async open(dir: string, options: OpenIndexOptions = {}): Promise<SiftIndex> {
    const opts = parseOptions(OpenIndexOptionsSchema, options, 'SiftIndex.open options');
    return SiftIndex.openAt(resolve(dir), null, opts.onWarn ?? defaultWarn, {});
  }

  private static async openAt(abs: string, lock: IndexLock | null, warn: (m: string) => void, pending: Record<string, Record<string, unknown> | false>): Promise<SiftIndex> {
    const manifest = await recoverCommit(abs, await readManifest(abs));
    const lanceDir = join(abs, LANCE_DIR);
    const bm25Loading = startLoadingBm25(abs, manifest); // read while LanceDB loads
    const lance = await loadLance();
    const db = await readLance({ table: 'documents', path: lanceDir }, 'open the database', () => lance.connect(lanceDir));
    try {
      return new SiftIndex(abs, await openState(db, abs, lanceDir, manifest, bm25Loading), lock, warn, pending);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private static async createAt(abs: string, opts: z.output<typeof CreateIndexOptionsSchema>, lock: IndexLock, warn: (m: string) => void): Promise<SiftIndex> {
    const lance = await loadLance();
    const db = await lance.connect(join(abs, LANCE_DIR));
    try {
      const documents = await db.createEmptyTable(DOCUMENTS_TABLE, documentsSchema(), { mode: 'overwrite' });
      const chunks = await db.createEmptyTable(CHUNKS_TABLE, chunkTableSchema(opts.embedder?.dim), { mode: 'overwrite' });
      const manifest = initialManifest(opts, { documents: await documents.version(), chunks: await chunks.version() });
      const bytes = Bm25Index.create(opts.bm25).toBytes(1);
      await commitIndexFiles(abs, bytes, manifest);
      documents.close();
      chunks.close();
      const index = await SiftIndex.openAt(abs, lock, warn, {});
      index.givenEmbedder = opts.embedder ?? null;
      return index;
    } finally {
      db.close();
    }
  }

  isOpen(): boolean {
    return this.state !== null && this.closing === null;
  }

  /** A copy of the committed manifest. */
  get manifest(): Manifest {
    return structuredClone(this.live().manifest);
  }

  /** The chunker the index was built with: name and config (JSON for `@sift/chunkers`' createChunker), or null before the first add. */
  get chunker(): ChunkerInfo | null {
    return structuredClone(this.live().manifest.chunker);
  }

  /** The embedder record (id, dim, config), or null for an index without vectors. */
  get embedderInfo(): EmbedderInfo | null {
    return structuredClone(this.live().manifest.embedder);
  }

  /** The retriever queries use unless told otherwise: the recorded one, else `hybrid` with vectors and `bm25` without. */
  get defaultRetriever(): string {
    const m = this.live().manifest;
    return m.defaultRetriever ?? (m.embedder ? 'hybrid' : 'bm25');
  }

  /**
   * The embedder the index was built with: the one given to `create`, else re-created from its manifest record
   * through core's factory (once; closed with the index). E_BAD_CONFIG for an index without vectors, or one built with an embedder only its caller can make.
   */
  embedder(): Promise<Embedder> {
    const info = this.live().manifest.embedder;
    if (this.givenEmbedder && info && this.givenEmbedder.id === info.id) return Promise.resolve(this.givenEmbedder);
    if (!info) return Promise.reject(new SiftError('E_BAD_CONFIG', `Index ${this.dir} has no vectors (built without an embedder)`, { details: { key: 'embedder' } }));
    if (!info.config) {
      return Promise.reject(
        new SiftError('E_BAD_CONFIG', `Index ${this.dir} was built with embedder "${info.id}", which it cannot re-create; pass the same embedder yourself`, {
          details: { key: 'embedder', id: info.id },
        }),
      );
    }
    const config = info.config;
    this.ownEmbedder ??= (async () => {
      const e = await createEmbedderFromConfig(config);
      if (e.id !== info.id || e.dim !== info.dim) {
        await e.close?.();
        throw new SiftError('E_BAD_CONFIG', `Index ${this.dir} was built with embedder "${info.id}" (dim ${info.dim}); re-creating it gave "${e.id}" (dim ${e.dim})`, {
          details: { key: 'embedder' },
        });
      }
      return e;
    })();
    this.ownEmbedder.catch(() => (this.ownEmbedder = null));
    return this.ownEmbedder;
  }

  async stats(): Promise<IndexStats> {
    const m = this.live().manifest;
    return {
      dir: this.dir,
      documents: m.counts.documents,
      chunks: m.counts.chunks,
      version: m.generation,
      formatVersion: m.formatVersion,
      ...(m.embedder ? { embedder: { id: m.embedder.id, dim: m.embedder.dim } } : {}),
      sideIndexes: Object.keys(m.sideIndexes),
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    };
  }

  /**
   * Streams `docs` through `chunker` (and the embedder: the given one, else the index's own) into the index, feeds
   * every side index, then commits. A document whose id is indexed with the same sha256 is skipped; with other
   * content it is replaced. On any error or abort nothing is committed and the index stays at its previous state.
   */
  async add(docs: AsyncIterable<Document> | Iterable<Document>, options: AddOptions): Promise<AddResult> {
    const st = this.live();
    const opts = parseOptions(AddOptionsSchema, options, 'SiftIndex.add options');
    return this.exclusive(async (lock) => {
      const result = await runAdd(this.addContext(st, lock), docs, opts);
      if (result.committed) this.pendingSideIndexes = {};
      return result;
    });
  }

  private addContext(st: OpenState, lock: IndexLock): AddContext {
    return {
      dir: this.dir,
      st,
      lock,
      ownEmbedder: () => this.embedder(),
      pendingSideIndexes: this.pendingSideIndexes,
      committedChunks: this.committedChunks,
      warn: (m) => this.warn(m),
    };
  }

  /**
   * Removes documents by id, with their chunks, from the tables, BM25 and every side index, in one commit. Ids not in
   * the index are ignored. Needs the chunker the index was built with only by name (nothing is chunked).
   */
  async remove(docIds: readonly string[], options: RunOptions = {}): Promise<RemoveResult> {
    const st = this.live();
    const recorded = st.manifest.chunker;
    if (!recorded) return { removed: 0, removedChunks: 0, generation: st.manifest.generation, committed: false }; // never added to
    const chunker = { name: recorded.name, ...(recorded.config ? { config: recorded.config } : {}), async *chunk() {} };
    const opts = parseOptions(AddOptionsSchema, { chunker, ...(options.signal ? { signal: options.signal } : {}) }, 'SiftIndex.remove options');
    const r = await this.exclusive((lock) => runAdd(this.addContext(st, lock), [], opts, docIds));
    return { removed: r.removed, removedChunks: r.removedChunks, generation: r.generation, committed: r.committed };
  }

  /**
   * A retriever over the committed index for `spec` (`bm25`, `dense`, `hybrid`, `graph:bm25`, `graph:hybrid`, or a
   * spec object; default {@link SiftIndex.defaultRetriever}). Dense legs use `deps.embedder` or the index's own. It
   * reads the commit current when it is made (another process's later commits need a new retriever).
   */
  async retriever(spec?: RetrieverSpec | string, deps: RetrieverDeps = {}): Promise<Retriever> {
    const st = this.live();
    const reader = !this.lock && !this.writing;
    if (reader) await syncWithDisk(this.dir, st);
    const make = () => createIndexRetriever(this, (spec ?? this.defaultRetriever) as RetrieverSpec, deps);
    try {
      return await make();
    } catch (err) {
      // Another process may have committed (and removed the side-index files we were about to read) meanwhile:
      // once on the newer commit, try once more; a second failure is real damage.
      const before = st.manifest.generation;
      if (!reader || !(SiftError.isInstance(err) && err.code === 'E_INDEX_CORRUPT')) throw err;
      await syncWithDisk(this.dir, st);
      if (st.manifest.generation === before) throw err;
      return make();
    }
  }

  /** The committed chunks with these ids, in the order asked; unknown ids are left out. Damaged text is E_INDEX_CORRUPT. */
  async getChunks(ids: readonly string[]): Promise<Chunk[]> {
    return readChunksById(this.live(), this.chunkSource(), ids);
  }

  /** The committed chunks of these BM25 hits of {@link SiftIndex.bm25Index} (read by table position, checked by id), in order. */
  async getChunksOfBm25Hits(hits: ReadonlyArray<{ row: number; id: string }>): Promise<Chunk[]> {
    return readChunksAtRows(
      this.live(),
      this.chunkSource(),
      hits.map((h) => h.row),
      hits.map((h) => h.id),
    );
  }

  /** Every committed chunk in table order (checksums checked), in batches, with vectors when asked and stored. */
  readonly committedChunks: CommittedChunks = ({ vectors }) => scanChunks(this.live(), this.chunkSource(), vectors);

  /** The committed BM25 statistics (read-only: do not add to or remove from it). */
  bm25Index(): Bm25Index {
    return this.live().bm25;
  }

  /** A LanceDB table checked out at the committed version, for retrievers over vectors (read-only). */
  lanceTable(name: 'documents' | 'chunks'): Table {
    const st = this.live();
    return name === 'documents' ? st.documents : st.chunks;
  }

  /** Reads everything and checks every checksum and count; see {@link verifyIndex}. */
  async verify(): Promise<VerifyReport> {
    const st = this.live();
    if (!this.lock && !this.writing) await syncWithDisk(this.dir, st);
    return verifyIndex(this, st);
  }

  /**
   * Compacts LanceDB fragments and deletes old table versions (each add leaves a few), then commits.
   * Other processes that still hold this index open at an older commit must reopen it afterwards.
   */
  async optimize(): Promise<void> {
    const st = this.live();
    await this.exclusive(async () => {
      await syncWithDisk(this.dir, st);
      await removeUncommittedFiles(this.dir, st.manifest);
      const tables = await openWriteTables(st.db, st.manifest);
      try {
        await runOptimize(this.dir, st, tables, () => tablesState(tables));
      } finally {
        closeTables(tables);
      }
    });
  }

  /** Reports a one-line warning through the index's `onWarn`. */
  warn(message: string): void {
    this.onWarn(message);
  }

  /** Waits for a running add, then releases LanceDB handles, the index's embedder and the writer lock. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writing;
      const st = this.state;
      this.state = null;
      const embedder = this.ownEmbedder;
      this.ownEmbedder = null;
      if (embedder) await (await embedder.catch(() => undefined))?.close?.();
      if (st) {
        st.documents.close();
        st.chunks.close();
        st.db.close();
      }
      await this.lock?.release();
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ----

  private live(): OpenState {
    if (!this.state || this.closing) throw closedError(this.dir);
    return this.state;
  }

  private chunkSource(): RowSource {
    return { table: CHUNKS_TABLE, path: join(this.dir, LANCE_DIR, `${CHUNKS_TABLE}.lance`) };
  }

  /** Runs `work` as this index's only write, under the writer lock (the held one, or one taken for it). */
  private async exclusive<T>(work: (lock: IndexLock) => Promise<T>): Promise<T> {
    if (this.writing) throw new SiftError('E_INDEX_LOCKED', `An add is already running on index ${this.dir}`);
    const run = (async () => {
      const lock = this.lock ?? (await acquireIndexLock(this.dir));
      try {
        return await work(lock);
      } finally {
        if (lock !== this.lock) await lock.release();
      }
    })();
    this.writing = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.writing = null;
    }
  }
}
