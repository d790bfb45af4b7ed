import { createHash } from 'node:crypto';
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
import { sqlIn, type Table } from '../lance/_lance.js';
import { readLance } from '../lance/chunk-rows.js';
import { chunksArrow, documentsArrow, type DocumentRow } from '../lance/tables.js';
import { crashPoint } from '../sift-index/_crash-point.js';
import { checkChunk, embedChunkTexts } from '../sift-index/chunk-contract.js';
import { withCommitRetry } from './commit-retry.js';
import { inShard, type Shard } from './shard.js';

const IN_LIST = 512;
const DOC_BATCH_BYTES = 32 * 1024 * 1024;

export interface RemoteWriterOptions {
  uri: string;
  chunker: Chunker;
  embedder?: Embedder | undefined;
  shard: Shard;
  /** Chunks per commit: each commit is a few object-store PUTs, so bigger batches mean fewer versions. */
  batchSize: number;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressCallback | undefined;
}

export interface RemoteWriteCounts {
  added: number;
  replaced: number;
  skipped: number;
  /** Documents of other shards, not this worker's to write. */
  otherShards: number;
  chunks: number;
  /** Chunks a killed earlier run of this shard committed without their document row, removed before writing. */
  removedOrphans: number;
}

/**
 * One worker's writes into a remote index. A document is done exactly when its `documents` row (with the sha256 of
 * its text) is there: each batch commits its chunks first and the documents' rows last, so a worker killed in between
 * leaves chunks without a row, which the next run of any worker covering those ids deletes before writing them again.
 * Nothing is rolled back: every commit is complete on its own and re-running the shard converges.
 */
export class RemoteWriter {
  readonly counts: RemoteWriteCounts = { added: 0, replaced: 0, skipped: 0, otherShards: 0, chunks: 0, removedOrphans: 0 };
  private readonly known = new Map<string, string>();
  private readonly seen = new Set<string>();
  private replaceIds: string[] = [];
  private docRows: DocumentRow[] = [];
  private docBytes = 0;
  private pending: Chunk[] = [];
  private pendingMeta: string[] = [];
  private docsSeen = 0;
  private textsEmbedded = 0;

  private constructor(
    private readonly documents: Table,
    private readonly chunks: Table,
    private readonly opts: RemoteWriterOptions,
  ) {}

  /** Loads this shard's document hashes and removes the chunks a killed run of it left without a document row. */
  static async begin(documents: Table, chunks: Table, opts: RemoteWriterOptions): Promise<RemoteWriter> {
    const w = new RemoteWriter(documents, chunks, opts);
    await readLance({ table: 'documents', path: opts.uri }, 'read the indexed documents', async () => {
      for await (const batch of documents.query().select(['id', 'sha256'])) {
        const ids = batch.getChild('id')!;
        const shas = batch.getChild('sha256')!;
        for (let i = 0; i < batch.numRows; i++) {
          const id = String(ids.get(i));
          if (inShard(id, opts.shard)) w.known.set(id, String(shas.get(i)));
        }
      }
    });
    const orphans = new Set<string>();
    await readLance({ table: 'chunks', path: opts.uri }, 'read the chunk owners', async () => {
      for await (const batch of chunks.query().select(['docId'])) {
        const ids = batch.getChild('docId')!;
        for (let i = 0; i < batch.numRows; i++) {
          const id = String(ids.get(i));
          if (!w.known.has(id) && inShard(id, opts.shard)) orphans.add(id);
        }
      }
    });
    if (orphans.size > 0) w.counts.removedOrphans = await w.deleteChunksOf([...orphans]);
    return w;
  }

  async writeAll(docs: AsyncIterable<Document> | Iterable<Document>): Promise<void> {
    const { signal } = this.opts;
    for await (const input of docs) {
      throwIfAborted(signal);
      const doc = this.validate(input);
      this.docsSeen++;
      if (!inShard(doc.id, this.opts.shard)) this.counts.otherShards++;
      else await this.addDocument(doc);
      notifyProgress(this.opts.onProgress, { status: 'progress', done: this.docsSeen, unit: 'documents' });
      if (this.docsSeen % 64 === 0) await yieldToEventLoop();
    }
    await this.flush();
    notifyProgress(this.opts.onProgress, { status: 'done', done: this.docsSeen, unit: 'documents' });
  }

  private validate(input: unknown): Document {
    const parsed = DocumentSchema.safeParse(input);
    if (!parsed.success) {
      throw new SiftError('E_BAD_INPUT', `Document #${this.docsSeen + 1} is invalid: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    if (this.seen.has(parsed.data.id)) throw new SiftError('E_BAD_INPUT', `Document id "${parsed.data.id}" appears twice in one add`, { details: { docId: parsed.data.id } });
    this.seen.add(parsed.data.id);
    return parsed.data;
  }

  private async addDocument(doc: Document): Promise<void> {
    const sha256 = createHash('sha256').update(doc.text).digest('hex');
    const previous = this.known.get(doc.id);
    if (previous === sha256) {
      this.counts.skipped++;
      return;
    }
    if (previous !== undefined) {
      this.replaceIds.push(doc.id);
      this.counts.replaced++;
    } else this.counts.added++;
    const bytes = Buffer.byteLength(doc.text, 'utf8');
    this.docRows.push({ id: doc.id, source: doc.source ?? null, text: doc.text, metadata: JSON.stringify(doc.metadata ?? {}), bytes, sha256 });
    this.docBytes += bytes;
    const { chunker, signal } = this.opts;
    for await (const chunk of chunker.chunk(doc, { signal })) {
      this.pending.push(checkChunk(chunk, doc, chunker.name));
      this.pendingMeta.push(JSON.stringify(chunk.metadata ?? {}));
    }
    // Flush only between documents: a document's chunks and its row go out in the same batch.
    if (this.pending.length >= this.opts.batchSize || this.docBytes >= DOC_BATCH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    throwIfAborted(this.opts.signal);
    if (this.replaceIds.length > 0) {
      // Old chunks first, then old rows: a kill in between leaves a row whose hash differs, so it is replaced again.
      await this.deleteChunksOf(this.replaceIds);
      for (let i = 0; i < this.replaceIds.length; i += IN_LIST) {
        const slice = this.replaceIds.slice(i, i + IN_LIST);
        await withCommitRetry(`${this.opts.uri}: delete replaced documents`, () => this.documents.delete(sqlIn('id', slice)));
      }
      this.replaceIds = [];
    }
    const batch = this.pending;
    const meta = this.pendingMeta;
    const rows = this.docRows;
    this.pending = [];
    this.pendingMeta = [];
    this.docRows = [];
    this.docBytes = 0;
    if (batch.length > 0) {
      const vectors = this.opts.embedder ? await this.embed(batch) : undefined;
      const data = chunksArrow(await this.chunks.schema(), batch, vectors, meta);
      await withCommitRetry(`${this.opts.uri}: add ${batch.length} chunks`, () => this.chunks.add(data));
      this.counts.chunks += batch.length;
    }
    crashPoint('remote: chunks committed, document rows not yet');
    if (rows.length > 0) {
      const data = documentsArrow(await this.documents.schema(), rows);
      await withCommitRetry(`${this.opts.uri}: add ${rows.length} documents`, () => this.documents.add(data));
    }
  }

  /** Deletes every chunk of these documents; returns how many there were. */
  private async deleteChunksOf(docIds: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < docIds.length; i += IN_LIST) {
      const where = sqlIn('docId', docIds.slice(i, i + IN_LIST));
      n += await this.chunks.countRows(where);
      await withCommitRetry(`${this.opts.uri}: delete chunks of ${docIds.length} documents`, () => this.chunks.delete(where));
    }
    return n;
  }

  private async embed(batch: readonly Chunk[]): Promise<Float32Array[]> {
    const vectors = await embedChunkTexts(this.opts.embedder!, batch, { signal: this.opts.signal, onProgress: this.opts.onProgress, doneBefore: this.textsEmbedded });
    this.textsEmbedded += batch.length;
    return vectors;
  }
}

