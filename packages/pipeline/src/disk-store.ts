import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SiftError, type Document, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import { MANIFEST_FILE, SiftIndex, type ResolvedRetrieverSpec, type RetrieverSpec } from '@sift/retrievers';
import type { PipelineStore, StoreAddOptions, StoreRecord } from './pipeline-store.js';

/** The side index that keeps the passage–entity graph (graph:* retrievers). */
const GRAPH = 'graph';

/**
 * A pipeline's chunks in a `SiftIndex` folder, opened when it exists and created by the first add. The index owns its
 * rules: it records the chunker and embedder (and re-creates the embedder), checks the chunker config on every add,
 * keeps its side indexes (HNSW with vectors, the entity graph once asked for) in step, and knows its default retriever.
 */
export class DiskStore implements PipelineStore {
  readonly kind = 'disk' as const;
  readonly dir: string;
  private index: SiftIndex | undefined;
  /** Set by `clear`: the folder's index is to be replaced by the next add, never reopened. */
  private replacing = false;

  constructor(
    dir: string,
    /** Where the index's one-line warnings go (a stale side index rebuilt, …); default: stderr. */
    private readonly onWarn?: (message: string) => void,
  ) {
    this.dir = resolve(dir);
  }

  /** Opens the index when its folder holds one; else stays empty until the first add. */
  private async opened(): Promise<SiftIndex | undefined> {
    if (!this.index && !this.replacing && existsSync(join(this.dir, MANIFEST_FILE))) this.index = await SiftIndex.open(this.dir, this.onWarn ? { onWarn: this.onWarn } : {});
    return this.index;
  }

  /** The open index, or the one-line hint a user needs when there is none. */
  async require(): Promise<SiftIndex> {
    const index = await this.opened();
    if (!index && statSync(this.dir, { throwIfNoEntry: false })?.isFile()) {
      throw new SiftError('E_INDEX_PATH', `${this.dir} is a file, not an index folder (give --index the folder "sift index" wrote)`, { details: { path: this.dir } });
    }
    if (!index) throw new SiftError('E_INDEX_MISSING', `no index at ${this.dir} (run "sift index <dir>" first)`, { details: { dir: this.dir } });
    return index;
  }

  async record(): Promise<StoreRecord | null> {
    const index = await this.opened();
    if (!index) return null;
    const chunker = index.chunker;
    const embedder = index.embedderInfo;
    return {
      chunker: chunker ? { name: chunker.name, ...(chunker.config ?? {}) } : null,
      embedder: embedder ? { id: embedder.id, dim: embedder.dim } : null,
      extensions: (await index.stats()).sideIndexes ?? [],
      defaultRetriever: index.defaultRetriever,
    };
  }

  /** The embedder the index was built with, re-created by the index from its manifest (the index closes it). */
  async recordedEmbedder(): Promise<Embedder> {
    return (await this.require()).embedder();
  }

  async add(docs: AsyncIterable<Document> | Iterable<Document>, opts: StoreAddOptions) {
    const sideIndexes: Record<string, Record<string, unknown>> = opts.graph ? { [GRAPH]: {} } : {};
    let index = await this.opened();
    index ??= this.index = await SiftIndex.create(this.dir, {
      chunker: { name: opts.chunker.name, config: opts.chunkerConfig ?? null },
      ...(opts.tokenizer ? { tokenizer: opts.tokenizer as 'cl100k' } : {}),
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
      ...(opts.defaultRetriever ? { defaultRetriever: opts.defaultRetriever } : {}),
      sideIndexes,
      // 'open' unless a rebuild asked to replace it: a writer that committed since opened() looked must not be wiped.
      ifExists: this.replacing ? 'overwrite' : 'open',
      ...(this.onWarn ? { onWarn: this.onWarn } : {}),
    });
    this.replacing = false;
    const result = await index.add(docs, {
      chunker: opts.chunker,
      ...(opts.chunkerConfig ? { chunkerConfig: opts.chunkerConfig } : {}),
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
      sideIndexes,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { added: result.added, replaced: result.replaced, skipped: result.skipped, chunks: result.chunks };
  }

  async remove(docIds: readonly string[], opts: RunOptions = {}): Promise<number> {
    const index = await this.opened();
    if (!index || docIds.length === 0) return 0;
    return (await index.remove(docIds, opts.signal ? { signal: opts.signal } : {})).removed;
  }

  async documents(): Promise<Array<{ id: string; source: string | null }>> {
    const index = await this.opened();
    if (!index) return [];
    const rows = (await index.lanceTable('documents').query().select(['id', 'source']).toArray()) as Array<{ id: string; source: string | null }>;
    return rows.map((r) => ({ id: String(r.id), source: r.source ?? null }));
  }

  async retriever(spec: ResolvedRetrieverSpec, deps: RunOptions & { embedder?: Embedder }): Promise<Retriever> {
    const index = await this.require();
    return index.retriever(spec as RetrieverSpec, deps);
  }

  async stats() {
    const index = await this.opened();
    if (!index) return { documents: 0, chunks: 0 };
    const s = await index.stats();
    return { documents: s.documents, chunks: s.chunks, version: s.version };
  }

  async clear(): Promise<void> {
    await this.index?.close();
    this.index = undefined;
    // The next add creates the index with ifExists: 'overwrite'.
    this.replacing = true;
  }

  async close(): Promise<void> {
    await this.index?.close();
    this.index = undefined;
  }
}
