import { relevantIds, topDistinct, type Relevance } from './ranking.js';

/** 1 when every relevant id is in the top k (HotpotQA: both supporting passages), else 0; `undefined` without gold. */
export function allGoldAtK(ranking: readonly string[], gold: Relevance, k: number): number | undefined {
  const rel = relevantIds(gold);
  if (rel.size === 0) return undefined;
  const top = new Set(topDistinct(ranking, k));
  for (const id of rel) if (!top.has(id)) return 0;
  return 1;
}
