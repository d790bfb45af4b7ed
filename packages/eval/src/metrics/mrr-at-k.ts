import { relevantIds, topDistinct, type Relevance } from './ranking.js';

/** Reciprocal rank (1-based) of the first relevant id within the top k, 0 if none; `undefined` without gold. */
export function mrrAtK(ranking: readonly string[], gold: Relevance, k: number): number | undefined {
  const rel = relevantIds(gold);
  if (rel.size === 0) return undefined;
  const top = topDistinct(ranking, k);
  for (let i = 0; i < top.length; i++) if (rel.has(top[i]!)) return 1 / (i + 1);
  return 0;
}
