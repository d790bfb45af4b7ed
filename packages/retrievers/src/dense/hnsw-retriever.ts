import { SiftError, throwIfAborted, type Chunk, type Embedder, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import type { HnswIndex } from './hnsw-index.js';

/**
 * Dense retrieval through a (loaded) HNSW graph whose chunk texts live elsewhere, e.g. an on-disk index's LanceDB
 * table: `getChunks` fetches them by id.
 */
export class HnswRetriever implements Retriever {
  readonly name = 'dense';

  constructor(
    private readonly index: HnswIndex,
    private readonly embedder: Embedder,
    private readonly getChunks: (ids: readonly string[]) => Promise<Chunk[]>,
    private readonly ef?: number,
  ) {
    if (embedder.dim !== index.dim) {
      throw new SiftError('E_BAD_CONFIG', `Embedder ${embedder.id} gives ${embedder.dim}-d vectors but the HNSW graph holds ${index.dim}-d ones`);
    }
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    // A query with no words has no meaning to embed: its vector would rank chunks arbitrarily.
    if (query.trim() === '') return [];
    const [q] = await this.embedder.embed([query], opts.signal ? { signal: opts.signal } : {});
    const hits = this.index.search(q!, k, this.ef !== undefined ? { ef: this.ef } : {});
    const chunks = new Map((await this.getChunks(hits.map((h) => h.id))).map((c) => [c.id, c]));
    const out: ScoredChunk[] = [];
    for (const h of hits) {
      const c = chunks.get(h.id);
      // A chunk deleted after the graph was loaded is skipped rather than returned without text.
      if (c) out.push({ ...c, score: h.score, explain: { denseRank: out.length + 1, denseBackend: 'hnsw' } });
    }
    return out;
  }
}
