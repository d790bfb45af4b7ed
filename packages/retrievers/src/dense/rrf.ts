import type { ScoredChunk } from '@sift/core';

/** One ranked list to fuse: `name` labels it in `explain` (bm25, dense, fts…); `weight` scales its votes. */
export interface FusionLeg {
  name: string;
  weight?: number;
  hits: readonly ScoredChunk[];
}

export interface RrfOptions {
  /** The rank offset k in weight / (k + rank); 60 as in Cormack et al. (2009). */
  k?: number;
  /** Keep this many fused hits (default: all). */
  limit?: number;
}

/**
 * Weighted reciprocal-rank fusion: score(d) = Σ_legs weight / (k + rank_leg(d)), ranks starting at 1; a leg that
 * misses d adds nothing. Chunks keep their shape and offsets; `explain` gets `fusion: 'rrf'`, each leg's rank and
 * score under `ranks`/`scores`, plus `<leg>Rank`. Ties: better best-rank first, then id.
 */
export function reciprocalRankFusion(legs: readonly FusionLeg[], opts: RrfOptions = {}): ScoredChunk[] {
  const k = opts.k ?? 60;
  const fused = new Map<string, { chunk: ScoredChunk; score: number; best: number; ranks: Record<string, number>; scores: Record<string, number> }>();
  for (const leg of legs) {
    const w = leg.weight ?? 1;
    const seen = new Set<string>();
    let rank = 0;
    for (const hit of leg.hits) {
      if (seen.has(hit.id)) continue; // a leg votes once per chunk, at its best rank
      seen.add(hit.id);
      rank++;
      let f = fused.get(hit.id);
      if (!f) {
        f = { chunk: hit, score: 0, best: rank, ranks: {}, scores: {} };
        fused.set(hit.id, f);
      }
      f.score += w / (k + rank);
      f.best = Math.min(f.best, rank);
      f.ranks[leg.name] = rank;
      f.scores[leg.name] = hit.score;
    }
  }
  const out = [...fused.values()].sort((a, b) => b.score - a.score || a.best - b.best || (a.chunk.id < b.chunk.id ? -1 : a.chunk.id > b.chunk.id ? 1 : 0));
  const kept = opts.limit === undefined ? out : out.slice(0, opts.limit);
  return kept.map((f) => {
    const { score: _s, explain: legExplain, ...chunk } = f.chunk;
    const explain: Record<string, unknown> = { ...(legExplain ?? {}), fusion: 'rrf', rrfK: k, ranks: f.ranks, scores: f.scores };
    for (const [name, r] of Object.entries(f.ranks)) explain[`${name}Rank`] = r;
    return { ...chunk, score: f.score, explain };
  });
}
