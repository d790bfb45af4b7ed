/** Gold passages of one query: a set (binary relevance) or qrels grades (id → grade; grade > 0 is relevant). */
export type Relevance = ReadonlySet<string> | ReadonlyMap<string, number>;

/** Ids judged relevant (grade > 0). */
export function relevantIds(gold: Relevance): Set<string> {
  if (gold instanceof Map) {
    const out = new Set<string>();
    for (const [id, g] of gold) if (g > 0) out.add(id);
    return out;
  }
  return new Set(gold as ReadonlySet<string>);
}

/** Grade of an id: its qrels value, 1 for a member of a plain set, else 0. */
export function gradeOf(gold: Relevance, id: string): number {
  if (gold instanceof Map) return Math.max(0, gold.get(id) ?? 0);
  return (gold as ReadonlySet<string>).has(id) ? 1 : 0;
}

/**
 * The first `k` distinct ids of a ranking. A later repeat of an id (a second chunk of the same passage)
 * is dropped, so no passage is counted twice.
 */
export function topDistinct(ranking: readonly string[], k: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranking) {
    if (out.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/**
 * Order scored results as trec_eval (and so pytrec_eval/BEIR) does: score descending, ties broken by id
 * descending. Makes metrics independent of the order in which a retriever happens to emit ties.
 */
export function rankByScore<T extends { id: string; score: number }>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => (b.score !== a.score ? b.score - a.score : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
