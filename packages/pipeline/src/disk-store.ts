import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SiftError, type Document, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import {
  graphIndexExtension,
  GRAPH_EXTENSION,
  HnswExtension,
  MANIFEST_FILE,
  SiftIndex,
  type IndexExtension,
  type ResolvedRetrieverSpec,
  type RetrieverSpec,
} from '@sift/retrievers';
import type { PipelineStore, StoreAddOptions, StoreRecord } from './pipeline-store.js';

/** A SiftIndex with a `remove` (the index's own, once it has one). */
type Removable = SiftIndex & { remove?: (ids: readonly string[], opts: RunOptions & { extensions?: IndexExtension[] }) => Promise<unknown> };

/**
 * A pipeline's chunks in a `SiftIndex` folder. The index is opened when it exists and created by the first add;
 * every add and remove keeps the side indexes in step: HNSW when the index has vectors, the entity graph once
 * it has one (or the retriever walks it).
 */
export class DiskStore implements PipelineStore {
  readonly kind = 'disk' as const;
  readonly dir: string;
  private index: Removable | undefined;
  /** Set by `clear`: the folder's index is to be replaced by the next add, never reopened. */
  private replacing = false;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Opens the index when its folder holds one; else stays empty until the first add. */
  private async opened(): Promise<Removable | undefined> {
    if (!this.index && !this.replacing && existsSync(join(this.dir, MANIFEST_FILE))) this.index = await SiftIndex.open(this.dir);
    return this.index;
  }

  /** The open index, or the one-line hint a user needs when there is none. */
  async require(): Promise<SiftIndex> {
    const index = await this.opened();
    if (!index) throw new SiftError('E_INDEX_MISSING', `no index at ${this.dir} (run "sift index <dir>" first)`, { details: { dir: this.dir } });
    return index;
  }

  async record(): Promise<StoreRecord | null> {
    const index = await this.opened();
    if (!index) return null;
    return recordOf(index.manifest as unknown as LooseManifest);
  }

  async add(docs: AsyncIterable<Document> | Iterable<Document>, opts: StoreAddOptions) {
    let index = await this.opened();
    index ??= this.index = await SiftIndex.create(this.dir, {
      ...(opts.chunkerConfig ? { chunker: { name: opts.chunker.name, ...opts.chunkerConfig } } : { chunker: { name: opts.chunker.name } }),
      ...(opts.tokenizer ? { tokenizer: opts.tokenizer as 'cl100k' } : {}),
      ...(opts.embedder ? { embedder: { id: opts.embedder.id, dim: opts.embedder.dim } } : {}),
      ifExists: 'overwrite',
    });
    this.replacing = false;
    const result = await index.add(docs, {
      chunker: opts.chunker,
      ...(opts.embedder ? { embedder: opts.embedder } : {}),
      extensions: this.extensions(index, opts.embedder !== undefined, opts.graph),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { added: result.added, replaced: result.replaced, skipped: result.skipped, chunks: result.chunks };
  }

  async remove(docIds: readonly string[], opts: RunOptions = {}): Promise<number> {
    const index = await this.opened();
    if (!index || docIds.length === 0) return 0;
    if (typeof index.remove !== 'function') {
      throw new SiftError('E_RUNTIME', `this build of @sift/retrievers cannot remove documents from index ${this.dir}`);
    }
    const known = new Set((await this.documents()).map((d) => d.id));
    const present = docIds.filter((id) => known.has(id));
    if (present.length === 0) return 0;
    await index.remove(present, { extensions: this.extensions(index, index.manifest.embedder !== null, false), ...opts });
    return present.length;
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
    // The next add creates the index with ifExists: 'overwrite'; until then the old one stays intact on disk.
    this.replacing = true;
  }

  async close(): Promise<void> {
    await this.index?.close();
    this.index = undefined;
  }

  private extensions(index: SiftIndex, vectors: boolean, graph: boolean): IndexExtension[] {
    // With vectors, keep an HNSW graph beside them so that dense queries need not scan every vector.
    const out: IndexExtension[] = vectors ? [new HnswExtension() as unknown as IndexExtension] : [];
    // Once an index has an entity graph, every change keeps it in step (a stale graph misses new pages).
    if (graph || recordOf(index.manifest as unknown as LooseManifest).extensions.includes(GRAPH_EXTENSION)) out.push(graphIndexExtension(index));
    return out;
  }
}

/** The manifest fields read here, in both the version 1 and the structured version 2 layout. */
interface LooseManifest {
  chunker: ({ name: string; config?: Record<string, unknown> | null } & Record<string, unknown>) | null;
  embedder: { id: string; dim: number } | null;
  extensions?: Record<string, unknown>;
  sideIndexes?: Record<string, unknown>;
}

/** A manifest's chunker as one flat config (`{ name, chunker, size, … }`), its embedder, and its side indexes. */
function recordOf(m: LooseManifest): StoreRecord {
  let chunker: Record<string, unknown> | null = null;
  if (m.chunker) {
    const { config, ...rest } = m.chunker;
    chunker = 'config' in m.chunker ? { name: m.chunker.name, ...(config ?? {}) } : rest;
  }
  return {
    chunker,
    embedder: m.embedder ? { id: m.embedder.id, dim: m.embedder.dim } : null,
    extensions: Object.keys(m.sideIndexes ?? m.extensions ?? {}),
  };
}
