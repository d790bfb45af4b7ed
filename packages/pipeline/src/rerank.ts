import type { Reranker, RunOptions, ScoredChunk } from '@sift/core';

/** Re-scores candidates with a reranker and sorts by the new score (ties keep retrieval order). */
export async function rerank(reranker: Reranker, query: string, candidates: ScoredChunk[], opts: RunOptions = {}): Promise<ScoredChunk[]> {
  if (candidates.length === 0) return candidates;
  const scores = await reranker.score(query, candidates.map((c) => c.text), opts);
  return candidates
    .map((c, i) => ({ c: { ...c, score: scores[i] ?? Number.NEGATIVE_INFINITY, explain: { ...(c.explain ?? {}), retrievalScore: c.score, retrievalRank: i + 1 } }, i }))
    .sort((a, b) => b.c.score - a.c.score || a.i - b.i)
    .map((x) => x.c);
}
