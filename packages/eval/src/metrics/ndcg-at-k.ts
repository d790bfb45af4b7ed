import { gradeOf, topDistinct, type Relevance } from './ranking.js';

/**
 * nDCG@k as trec_eval's ndcg_cut (used by BEIR through pytrec_eval): gain = qrels grade (linear, not 2^g − 1),
 * discount log2(rank + 1), ideal DCG from the qrels' own grades sorted descending. `undefined` when no grade > 0.
 */
export function ndcgAtK(ranking: readonly string[], gold: Relevance, k: number): number | undefined {
  const grades: number[] = [];
  if (gold instanceof Map) {
    for (const g of gold.values()) if (g > 0) grades.push(g);
  } else {
    for (let i = 0; i < (gold as ReadonlySet<string>).size; i++) grades.push(1);
  }
  if (grades.length === 0) return undefined;
  grades.sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, grades.length); i++) idcg += grades[i]! / Math.log2(i + 2);
  let dcg = 0;
  const top = topDistinct(ranking, k);
  for (let i = 0; i < top.length; i++) dcg += gradeOf(gold, top[i]!) / Math.log2(i + 2);
  return dcg / idcg;
}
