import { hash } from 'node:crypto';
import { join } from 'node:path';
import {
  DocumentSchema,
  notifyProgress,
  SiftError,
  throwIfAborted,
  yieldToEventLoop,
  type Chunk,
  type Chunker,
  type Document,
  type Embedder,
  type ProgressCallback,
} from '@sift/core';
import { z } from 'zod';
import type { Bm25Index } from '../bm25/bm25-index.js';
import { loadLance, sqlIn, type Connection, type Table } from '../lance/_lance.js';
import { CHUNKS_TABLE, chunksArrow, DOCUMENTS_TABLE, documentsArrow, vectorField, VECTOR_COLUMN, type DocumentRow } from '../lance/tables.js';
import { readLance, textHashOfSha256 } from '../lance/chunk-rows.js';
import { LANCE_DIR, type EmbedderInfo, type Manifest } from './manifest.js';
import { checkChunk, embedChunkTexts } from './chunk-contract.js';
import { plainDocument } from './plain-document.js';
import type { SideIndexBuilder } from './side-index.js';

// Documents flush with the chunk batches (`batchSize` chunks); these caps only bound a run of documents that make few
// chunks. At 1,024 rows a corpus of one-chunk passages wrote twice as many LanceDB versions as it needed.
const DOC_BATCH_ROWS = 8192;
const DOC_BATCH_BYTES = 16 * 1024 * 1024;
const IN_LIST = 512;
const YIELD_EVERY_DOCS = 64;

export interface WriterOptions {
  /** The index folder (named in errors). */
  dir: string;
  chunker: Chunker;
  embedder?: Embedder;
  embedderInfo: EmbedderInfo | null;
  /** Side indexes fed with every batch. */
  sideIndexes: readonly SideIndexBuilder[];
  batchSize: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface WriterCounts {
  added: number;
  replaced: number;
  skipped: number;
  chunks: number;
  removedChunks: number;
  /** Documents removed by id (`SiftIndex.remove`), not counting replaced ones. */
  removed: number;
}

/**
 * One add's writes: documents stream through the chunker into batches that go to LanceDB (new table
 * versions), the BM25 copy, the embedder and the extensions. Nothing here is visible to readers until
 * `SiftIndex` commits the manifest naming the new versions; `rollback` returns the tables to `base`.
 */
export class IndexWriter {
  readonly counts: WriterCounts = { added: 0, replaced: 0, skipped: 0, chunks: 0, removedChunks: 0, removed: 0 };
  private known = new Map<string, string>();
  private seen = new Set<string>();
  private replaceIds: string[] = [];
  private docRows: DocumentRow[] = [];
  private docBytes = 0;
  private pending: Chunk[] = [];
  private pendingMeta: string[] = [];
  /** The pending chunks' text checksums where already known (see `addDocument`). */
  private pendingHashes: Array<string | undefined> = [];
  private docsSeen = 0;
  private textsEmbedded = 0;
  /** The last batch's LanceDB writes, still running while the next batch is chunked (see `flush`). */
  private writing: Promise<void> = Promise.resolve();
  /** The tables' Arrow schemas, read once (an add changes no column after `begin`). */
  private documentsSchema: ReturnType<Table['schema']> | null = null;
  private chunksSchema: ReturnType<Table['schema']> | null = null;

  private readonly documents: Table;
  private readonly chunks: Table;

  private constructor(
    private readonly tables: WriteTables,
    private readonly base: Manifest,
    private readonly bm25: Bm25Index,
    private readonly opts: WriterOptions,
  ) {
    this.documents = tables.documents;
    this.chunks = tables.chunks;
  }

  /** Opens write handles (undoing versions an earlier add wrote but never committed) and loads the document hashes. */
  static async begin(db: Connection, base: Manifest, bm25: Bm25Index, opts: WriterOptions): Promise<IndexWriter> {
    const tables = await openWriteTables(db, base);
    const w = new IndexWriter(tables, base, bm25, opts);
    try {
      if (opts.embedderInfo && !(await tables.chunks.schema()).fields.some((f) => f.name === VECTOR_COLUMN)) {
        await tables.chunks.addColumns(vectorField(opts.embedderInfo.dim));
      }
      const src = { table: DOCUMENTS_TABLE, path: join(opts.dir, LANCE_DIR, `${DOCUMENTS_TABLE}.lance`) };
      await readLance(src, 'read the indexed documents', async () => {
        for await (const batch of tables.documents.query().select(['id', 'sha256'])) {
          const ids = batch.getChild('id')!;
          const shas = batch.getChild('sha256')!;
          for (let i = 0; i < batch.numRows; i++) w.known.set(String(ids.get(i)), String(shas.get(i)));
        }
      });
    } catch (err) {
      closeTables(tables);
      throw err;
    }
    return w;
  }

  /**
   * Streams every document through the chunker. Returns when every row is handed to LanceDB; the last batch's writes
   * may still be running (the caller can prepare its commit meanwhile): {@link IndexWriter.state} and
   * {@link IndexWriter.ensureIdIndex} wait for them, and their failure is this add's. `whenBm25Complete` is called
   * once the BM25 copy holds every row of the add, while the previous batch's writes may still run (so that encoding
   * its snapshot overlaps them); it is not called when rows still have to be removed then, or when nothing changed.
   */
  async writeAll(docs: AsyncIterable<Document> | Iterable<Document>, whenBm25Complete?: () => void): Promise<void> {
    const { signal } = this.opts;
    for await (const input of docs) {
      throwIfAborted(signal);
      const doc = this.validateDocument(input);
      await this.addDocument(doc);
      this.docsSeen++;
      notifyProgress(this.opts.onProgress, { status: 'progress', done: this.docsSeen, unit: 'documents' });
      if (this.docsSeen % YIELD_EVERY_DOCS === 0) await yieldToEventLoop();
    }
    await this.flush(whenBm25Complete);
    notifyProgress(this.opts.onProgress, { status: 'done', done: this.docsSeen, unit: 'documents' });
  }

  /** Whether any row changed (documents added, replaced or removed, or the vector column added). */
  get changed(): boolean {
    return this.chunksChanged || this.addedColumn;
  }

  /** Whether the chunks changed (side indexes written before this add are then stale). */
  get chunksChanged(): boolean {
    return this.counts.added + this.counts.replaced + this.counts.removed > 0;
  }

  /** Removes these documents (ids not in the index are ignored) with their chunks; returns how many were there. */
  async removeDocuments(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of new Set(ids)) {
      if (!this.known.has(id)) continue;
      this.known.delete(id);
      this.replaceIds.push(id);
      n++;
    }
    this.counts.removed += n;
    await this.flush();
    await this.settle();
    return n;
  }

  private get addedColumn(): boolean {
    return this.opts.embedderInfo !== null && this.base.embedder === null;
  }

  /**
   * Keeps a BTREE index on `chunks.id` once the table is big enough for a scan to cost more than the
   * index (a query fetches its top-k rows by id: about 22 ms → 5 ms at 100k chunks), and rebuilds it when
   * adds have left many rows unindexed (LanceDB still scans those, so results stay exact either way).
   */
  async ensureIdIndex(): Promise<void> {
    await this.settle();
    await ensureIdIndex(this.chunks);
  }

  /** The tables as written so far (their versions and row counts), for the commit. */
  async state(): Promise<TablesState> {
    await this.settle();
    return tablesState(this.tables);
  }

  async rollback(): Promise<void> {
    await this.writing.catch(() => undefined);
    return rollbackTables(this.tables, this.base);
  }

  /** Waits for the writes still running; their failure is this add's. */
  private async settle(): Promise<void> {
    const writing = this.writing;
    this.writing = Promise.resolve();
    await writing;
  }

  close(): void {
    closeTables(this.tables);
  }

  private validateDocument(input: unknown): Document {
    const doc = plainDocument(input) ?? this.parseDocument(input);
    if (this.seen.has(doc.id)) {
      throw new SiftError('E_BAD_INPUT', `Document id "${doc.id}" appears twice in one add`, { details: { docId: doc.id } });
    }
    this.seen.add(doc.id);
    return doc;
  }

  private parseDocument(input: unknown): Document {
    const parsed = DocumentSchema.safeParse(input);
    if (!parsed.success) {
      const id = (input as { id?: unknown } | null)?.id;
      throw new SiftError('E_BAD_INPUT', `Document #${this.docsSeen + 1}${typeof id === 'string' ? ` ("${id}")` : ''} is invalid: ${z.prettifyError(parsed.error)}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  private async addDocument(doc: Document): Promise<void> {
    const sha256 = hash('sha256', doc.text, 'hex'); // one-shot: no Hash object per document
    const previous = this.known.get(doc.id);
    if (previous === sha256) {
      this.counts.skipped++;
      return;
    }
    if (previous !== undefined) {
      this.replaceIds.push(doc.id);
      this.counts.replaced++;
    } else {
      this.counts.added++;
    }
    const bytes = Buffer.byteLength(doc.text, 'utf8');
    this.docRows.push({ id: doc.id, source: doc.source ?? null, text: doc.text, metadata: json(doc.metadata, () => `document "${doc.id}" metadata`), bytes, sha256 });
    this.docBytes += bytes;
    const { chunker, signal, batchSize } = this.opts;
    for await (const chunk of chunker.chunk(doc, { signal })) {
      this.pending.push(checkChunk(chunk, doc, chunker.name));
      this.pendingMeta.push(json(chunk.metadata ?? {}, () => `chunk "${chunk.id}" metadata`));
      // A chunk that is its whole document (most short passages) has the document's hash: no second sha256.
      this.pendingHashes.push(chunk.start === 0 && chunk.end === doc.text.length ? textHashOfSha256(sha256) : undefined);
      if (this.pending.length >= batchSize) await this.flush();
    }
    if (this.docRows.length >= DOC_BATCH_ROWS || this.docBytes >= DOC_BATCH_BYTES) await this.flush();
  }

  /**
   * Writes the pending rows. The previous batch's LanceDB writes are awaited first (one batch in flight, in order, a
   * failure stops the add); without embedder or side indexes, which read what was written, this batch's writes then
   * run in LanceDB's threads while the next documents are chunked. `whenBm25Complete`: see {@link IndexWriter.writeAll}.
   */
  private async flush(whenBm25Complete?: () => void): Promise<void> {
    throwIfAborted(this.opts.signal);
    // Nothing to remove: the pending chunks can go into BM25 before the previous writes have ended.
    const bm25First = whenBm25Complete !== undefined && this.replaceIds.length === 0 && this.changed;
    if (bm25First) {
      this.addToBm25(this.pending);
      whenBm25Complete();
    }
    await this.settle();
    const removed = await this.removeReplaced();
    const writes: Array<() => Promise<unknown>> = [];
    if (this.docRows.length > 0) {
      const rows = documentsArrow(await (this.documentsSchema ??= this.documents.schema()), this.docRows);
      writes.push(() => this.documents.add(rows));
      this.docRows = [];
      this.docBytes = 0;
    }
    const batch = this.pending;
    const meta = this.pendingMeta;
    const hashes = this.pendingHashes;
    this.pending = [];
    this.pendingMeta = [];
    this.pendingHashes = [];
    if (batch.length === 0 && removed.length === 0) return this.startWrites(writes, false);
    if (!bm25First) this.addToBm25(batch);
    const vectors = this.opts.embedder && batch.length > 0 ? await this.embed(batch) : undefined;
    if (batch.length > 0) {
      const rows = chunksArrow(await (this.chunksSchema ??= this.chunks.schema()), batch, vectors, meta, hashes);
      writes.push(() => this.chunks.add(rows));
      this.counts.chunks += batch.length;
    }
    await this.startWrites(writes, this.opts.sideIndexes.length > 0 || this.opts.embedder !== undefined);
    for (const side of this.opts.sideIndexes) {
      throwIfAborted(this.opts.signal);
      await side.onBatch(batch, vectors, removed);
    }
  }

  private addToBm25(batch: readonly Chunk[]): void {
    for (const c of batch) {
      if (this.bm25.has(c.id)) {
        throw new SiftError('E_BAD_INPUT', `Chunk id "${c.id}" (document "${c.docId}") is already in the index; chunk ids must be unique across documents`, {
          details: { chunkId: c.id, docId: c.docId },
        });
      }
      this.bm25.add(c.id, c.text);
    }
  }

  /**
   * Runs `writes` (one per table) side by side, in the background unless `wait`. Settles only when all have ended, so
   * a rollback never races a write still running; the first failure is the batch's.
   */
  private async startWrites(writes: ReadonlyArray<() => Promise<unknown>>, wait: boolean): Promise<void> {
    if (writes.length === 0) return;
    const run = (async () => {
      const ended = await Promise.allSettled(writes.map((write) => write()));
      const failed = ended.find((e) => e.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    if (wait) return run;
    run.catch(() => undefined); // seen by the next flush, state() or rollback()
    this.writing = run;
  }

  /** Deletes the rows of documents being replaced (before their new chunks are written). */
  private async removeReplaced(): Promise<string[]> {
    if (this.replaceIds.length === 0) return [];
    const removed: string[] = [];
    for (let i = 0; i < this.replaceIds.length; i += IN_LIST) {
      const slice = this.replaceIds.slice(i, i + IN_LIST);
      const src = { table: CHUNKS_TABLE, path: join(this.opts.dir, LANCE_DIR, `${CHUNKS_TABLE}.lance`) };
      await readLance(src, 'read the chunks of replaced documents', async () => {
        for await (const batch of this.chunks.query().where(sqlIn('docId', slice)).select(['id'])) {
          const ids = batch.getChild('id')!;
          for (let j = 0; j < batch.numRows; j++) removed.push(String(ids.get(j)));
        }
      });
      await this.chunks.delete(sqlIn('docId', slice));
      await this.documents.delete(sqlIn('id', slice));
    }
    this.replaceIds = [];
    this.bm25.remove(removed);
    this.counts.removedChunks += removed.length;
    return removed;
  }

  private async embed(batch: readonly Chunk[]): Promise<Float32Array[]> {
    const vectors = await embedChunkTexts(this.opts.embedder!, batch, { signal: this.opts.signal, onProgress: this.opts.onProgress, doneBefore: this.textsEmbedded });
    this.textsEmbedded += batch.length;
    return vectors;
  }
}

/** Write handles on both tables (at their latest version, not pinned like the read handles). */
export interface WriteTables {
  documents: Table;
  chunks: Table;
}

export interface TablesState {
  versions: { documents: number; chunks: number };
  counts: { documents: number; chunks: number };
}

/** Opens write handles and returns both tables to the manifest's versions. */
export async function openWriteTables(db: Connection, base: Manifest): Promise<WriteTables> {
  const tables = { documents: await db.openTable(DOCUMENTS_TABLE), chunks: await db.openTable(CHUNKS_TABLE) };
  try {
    await rollbackTables(tables, base);
  } catch (err) {
    closeTables(tables);
    throw err;
  }
  return tables;
}

/**
 * Makes the manifest's versions the latest again, undoing writes of an add that did not commit (LanceDB
 * `restore` writes a new version equal to the checked-out one; history is kept).
 */
export async function rollbackTables(tables: WriteTables, base: Manifest): Promise<void> {
  for (const [table, version] of [
    [tables.documents, base.lance.tables.documents],
    [tables.chunks, base.lance.tables.chunks],
  ] as const) {
    if ((await table.version()) === version) continue;
    await table.checkout(version);
    await table.restore();
  }
}

export async function tablesState(tables: WriteTables): Promise<TablesState> {
  return {
    versions: { documents: await tables.documents.version(), chunks: await tables.chunks.version() },
    counts: { documents: await tables.documents.countRows(), chunks: await tables.chunks.countRows() },
  };
}

export function closeTables(tables: WriteTables): void {
  tables.documents.close();
  tables.chunks.close();
}

const ID_INDEX_MIN_ROWS = 10_000;
const ID_INDEX_STALE_FRACTION = 0.2;

export async function ensureIdIndex(chunks: Table): Promise<void> {
  const rows = await chunks.countRows();
  if (rows < ID_INDEX_MIN_ROWS) return;
  const existing = (await chunks.listIndices()).find((i) => i.columns.length === 1 && i.columns[0] === 'id');
  if (existing) {
    const stats = await chunks.indexStats(existing.name);
    if (stats && stats.numUnindexedRows <= ID_INDEX_STALE_FRACTION * stats.numIndexedRows) return;
  }
  const { Index } = await loadLance();
  await chunks.createIndex('id', { config: Index.btree(), replace: true });
}

function json(value: unknown, what: () => string): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new SiftError('E_BAD_INPUT', `Cannot store ${what()} as JSON: ${(err as Error).message}`, { cause: err });
  }
}

