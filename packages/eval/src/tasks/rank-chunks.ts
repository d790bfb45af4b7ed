import type { Retriever, RunOptions, ScoredChunk } from '@sift/core';
import { rankByScore } from '../metrics/ranking.js';

/**
 * Retrieve enough chunks to cover `minDocs` distinct documents (several chunks may come from one passage),
 * doubling the depth until that holds or the retriever runs dry. Ties are ordered as trec_eval does.
 */
export async function rankChunks(
  retriever: Retriever,
  query: string,
  minDocs: number,
  minChunks: number,
  opts: RunOptions = {},
): Promise<ScoredChunk[]> {
  let depth = Math.max(minChunks, minDocs);
  for (;;) {
    const hits = await retriever.retrieve(query, depth, opts);
    const docs = new Set(hits.map((h) => h.docId));
    if (docs.size >= minDocs || hits.length < depth) return rankByScore(hits);
    depth *= 2;
  }
}
