import type { Reranker, RunOptions, ScoredChunk } from '@sift/core';

/**
 * How good an ordered combination of chunks is as context for a query (higher is better). CORAG's reward; not
 * assumed additive. `calls` counts the combinations scored.
 */
export interface CombinationUtility {
  readonly id: string;
  /** Called once per selection with the candidate pool, so pool-level statistics (e.g. BM25 IDF) can be fixed. */
  forPool?(pool: readonly ScoredChunk[]): CombinationUtility;
  score(query: string, combinations: readonly ScoredChunk[][], opts?: RunOptions): Promise<Float32Array>;
}

/** A reranker that can fix its statistics to a pool (the BM25 reranker). */
interface PoolAware {
  withStats(pool: readonly string[]): Reranker;
}
const isPoolAware = (r: Reranker): r is Reranker & PoolAware => typeof (r as Partial<PoolAware>).withStats === 'function';

/** CARROT's reward: the reranker's score of (query, the chunks' texts joined in order). */
export function rerankerUtility(reranker: Reranker, separator = '\n\n'): CombinationUtility {
  return {
    id: `concat:${reranker.id}`,
    forPool(pool) {
      return isPoolAware(reranker) ? rerankerUtility(reranker.withStats(pool.map((c) => c.text)), separator) : this;
    },
    score(query, combinations, opts) {
      return reranker.score(query, combinations.map((cs) => cs.map((c) => c.text).join(separator)), opts);
    },
  };
}
