import {
  notifyProgress,
  SiftError,
  throwIfAborted,
  yieldToEventLoop,
  type Chunk,
  type Retriever,
  type RunOptions,
  type ScoredChunk,
} from '@sift/core';
import { Bm25Index } from './bm25-index.js';
import type { Bm25Options } from './bm25-options.js';

const YIELD_EVERY = 2000;

/** BM25 over chunks held in memory (evaluation, small corpora). For an on-disk index use `SiftIndex.retriever`. */
export class Bm25Retriever implements Retriever {
  readonly name = 'bm25';

  private constructor(
    readonly index: Bm25Index,
    private readonly chunks: readonly Chunk[],
  ) {}

  /** Indexes `chunks` (ids must be unique); yields to the event loop between slices so `signal` can stop it. */
  static async create(chunks: readonly Chunk[], options: Bm25Options = {}, run: RunOptions = {}): Promise<Bm25Retriever> {
    const index = Bm25Index.create(options);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      if (typeof c?.id !== 'string' || typeof c.text !== 'string') {
        throw new SiftError('E_BAD_INPUT', `chunks[${i}] is not a chunk (needs string id and text)`, { details: { index: i } });
      }
      index.add(c.id, c.text);
      if ((i + 1) % YIELD_EVERY === 0) {
        notifyProgress(run.onProgress, { status: 'progress', done: i + 1, total: chunks.length, unit: 'chunks' });
        await yieldToEventLoop();
        throwIfAborted(run.signal);
      }
    }
    notifyProgress(run.onProgress, { status: 'done', done: chunks.length, total: chunks.length, unit: 'chunks' });
    return new Bm25Retriever(index, chunks);
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    return this.index.search(query, k).map((hit, i) => ({
      ...this.chunks[hit.row]!,
      score: hit.score,
      explain: { bm25Rank: i + 1 },
    }));
  }
}
