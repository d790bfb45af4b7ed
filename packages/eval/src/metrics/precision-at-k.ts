import { relevantIds, topDistinct, type Relevance } from './ranking.js';

/**
 * Relevant ids in the top k divided by k (trec_eval P_k: the divisor stays k when fewer results come back).
 * `undefined` without gold.
 */
export function precisionAtK(ranking: readonly string[], gold: Relevance, k: number): number | undefined {
  const rel = relevantIds(gold);
  if (rel.size === 0) return undefined;
  let hit = 0;
  for (const id of topDistinct(ranking, k)) if (rel.has(id)) hit++;
  return hit / k;
}
