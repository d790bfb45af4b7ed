import { SiftError, throwIfAborted, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import type { Bm25Params } from '../bm25/bm25-options.js';
import type { SiftIndex } from './sift-index.js';

/**
 * BM25 over an on-disk index: scores come from the loaded `bm25.bin`, chunk rows from LanceDB by position (checked by id).
 * It reads the index's committed state at each call, so it follows later commits of the same `SiftIndex`.
 */
export class IndexBm25Retriever implements Retriever {
  readonly name = 'bm25';

  constructor(
    private readonly index: SiftIndex,
    private readonly params: Partial<Bm25Params> = {},
  ) {}

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    const hits = this.index.bm25Index().search(query, k, this.params);
    if (hits.length === 0) return [];
    const chunks = await this.index.getChunksOfBm25Hits(hits);
    if (chunks.length !== hits.length) {
      const have = new Set(chunks.map((c) => c.id));
      const missing = hits.find((h) => !have.has(h.id))!.id;
      throw new SiftError('E_INDEX_CORRUPT', `Index ${this.index.dir}: BM25 row "${missing}" has no chunk in LanceDB`, {
        details: { path: this.index.dir, chunkId: missing },
      });
    }
    return chunks.map((c, i) => ({ ...c, score: hits[i]!.score, explain: { bm25Rank: i + 1 } }));
  }
}
