import { createHash } from 'node:crypto';
import { notifyProgress, SiftError, throwIfAborted, type Chunk, type Document, type Embedder, type Retriever, type RunOptions } from '@sift/core';
import { createRetriever, type ResolvedRetrieverSpec, type RetrieverSpec } from '@sift/retrievers';
import type { PipelineStore, StoreAddOptions, StoreRecord } from './pipeline-store.js';

interface StoredDocument {
  source: string | null;
  sha256: string;
  chunks: Chunk[];
}

/**
 * A pipeline's chunks in memory (`index: ':memory:'`): nothing is written, retrievers are the in-memory ones
 * (`createRetriever`), rebuilt on the first query after a change. Same add semantics as the on-disk index:
 * unchanged documents are skipped, changed ones replaced.
 */
export class MemoryStore implements PipelineStore {
  readonly kind = 'memory' as const;
  private readonly docs = new Map<string, StoredDocument>();
  private built: StoreRecord | null = null;
  private cache = new Map<string, Promise<Retriever>>();

  record(): Promise<StoreRecord | null> {
    return Promise.resolve(this.built && { ...this.built, extensions: [...this.built.extensions] });
  }

  async add(docs: AsyncIterable<Document> | Iterable<Document>, opts: StoreAddOptions) {
    const counts = { added: 0, replaced: 0, skipped: 0, chunks: 0 };
    this.built ??= {
      chunker: opts.chunkerConfig ? { name: opts.chunker.name, ...opts.chunkerConfig } : { name: opts.chunker.name },
      embedder: opts.embedder ? { id: opts.embedder.id, dim: opts.embedder.dim } : null,
      extensions: [],
    };
    const seen = new Set<string>();
    let done = 0;
    for await (const doc of docs) {
      throwIfAborted(opts.signal);
      if (seen.has(doc.id)) throw new SiftError('E_BAD_INPUT', `Document id "${doc.id}" appears twice in one add`, { details: { docId: doc.id } });
      seen.add(doc.id);
      const sha256 = createHash('sha256').update(doc.text).digest('hex');
      const old = this.docs.get(doc.id);
      if (old?.sha256 === sha256) {
        counts.skipped++;
        continue;
      }
      const chunks: Chunk[] = [];
      for await (const c of opts.chunker.chunk(doc, opts.signal ? { signal: opts.signal } : {})) chunks.push(c);
      this.docs.set(doc.id, { source: doc.source ?? null, sha256, chunks });
      if (old) counts.replaced++;
      else counts.added++;
      counts.chunks += chunks.length;
      notifyProgress(opts.onProgress, { status: 'progress', done: ++done, unit: 'documents' });
    }
    if (counts.added + counts.replaced > 0) this.cache.clear();
    return counts;
  }

  remove(docIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of docIds) if (this.docs.delete(id)) removed++;
    if (removed > 0) this.cache.clear();
    return Promise.resolve(removed);
  }

  documents(): Promise<Array<{ id: string; source: string | null }>> {
    return Promise.resolve([...this.docs].map(([id, d]) => ({ id, source: d.source })));
  }

  retriever(spec: ResolvedRetrieverSpec, deps: RunOptions & { embedder?: Embedder }): Promise<Retriever> {
    // One retriever per spec until the chunks change (dense ones embed every chunk when built).
    const key = JSON.stringify(spec);
    let r = this.cache.get(key);
    if (!r) {
      const chunks = [...this.docs.values()].flatMap((d) => d.chunks);
      r = createRetriever(spec as RetrieverSpec, chunks, deps);
      r.catch(() => this.cache.delete(key));
      this.cache.set(key, r);
    }
    return r;
  }

  stats() {
    let chunks = 0;
    for (const d of this.docs.values()) chunks += d.chunks.length;
    return Promise.resolve({ documents: this.docs.size, chunks });
  }

  clear(): Promise<void> {
    this.docs.clear();
    this.cache.clear();
    this.built = null;
    return Promise.resolve();
  }

  close(): Promise<void> {
    return this.clear();
  }
}
