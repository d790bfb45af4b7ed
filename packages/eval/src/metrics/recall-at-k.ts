import { relevantIds, topDistinct, type Relevance } from './ranking.js';

/**
 * Fraction of the relevant ids found in the top k of a ranking. `undefined` when the query has no relevant id
 * (such queries are left out of averages, as trec_eval does). Fewer than k results just means fewer chances.
 */
export function recallAtK(ranking: readonly string[], gold: Relevance, k: number): number | undefined {
  const rel = relevantIds(gold);
  if (rel.size === 0) return undefined;
  let hit = 0;
  for (const id of topDistinct(ranking, k)) if (rel.has(id)) hit++;
  return hit / rel.size;
}
