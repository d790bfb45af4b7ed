import { seededRandom } from '@sift/core';

/** The ef values tried, smallest first: the first that meets the recall target on the sample is chosen. */
export const EF_LADDER: readonly number[] = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3200, 4096, 6144, 8192];

/** Multiply-adds the exact search of the sample may spend (about a second of CPU): fewer sample queries on big indexes. */
const EXACT_BUDGET = 1.5e9;

export interface EfTuning {
  /** The chosen ef: the smallest on the ladder whose sample recall@k reaches the target (the largest tried if none does). */
  ef: number;
  /** recall@k at `ef` on the sample, against exact search. */
  recall: number;
  target: number;
  k: number;
  /** Sample queries (stored vectors, each searched without itself). */
  sample: number;
}

/** What tuning needs of a graph: its live vectors and an ef-limited search. */
export interface TunableGraph {
  readonly size: number;
  liveVectors(): { ids: string[]; vectors: Float32Array[] };
  search(query: Float32Array, k: number, opts: { ef: number }): Array<{ id: string }>;
}

/**
 * Chooses the search breadth `ef` from the graph itself: a seeded sample of its stored vectors is searched
 * leave-one-out (the query's own vector is dropped from both sides) at rising ef, against exact inner-product search
 * over every live vector, until recall@k reaches `target`. Stored vectors are what hnswlib searches (normalised for
 * cosine), so inner product is the graph's own similarity.
 */
export function tuneEf(graph: TunableGraph, opts: { target: number; k?: number; maxSample?: number; seed?: number }): EfTuning {
  const k = opts.k ?? 10;
  const { ids, vectors } = graph.liveVectors();
  const n = ids.length;
  const kk = Math.min(k, n - 1);
  if (kk < 1) return { ef: Math.max(k, EF_LADDER[0]!), recall: 1, target: opts.target, k, sample: 0 };
  const dim = vectors[0]!.length;
  const sample = Math.max(1, Math.min(opts.maxSample ?? 200, n, Math.floor(EXACT_BUDGET / (n * dim))));
  const rand = seededRandom(opts.seed ?? 7);
  const picked = new Set<number>();
  while (picked.size < sample) picked.add(Math.floor(rand() * n));
  const queries = [...picked];
  const truth = queries.map((q) => exactTop(vectors, ids, q, kk));
  let best: EfTuning = { ef: EF_LADDER[0]!, recall: 0, target: opts.target, k, sample };
  for (const ef of EF_LADDER) {
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const self = ids[queries[i]!]!;
      const want = truth[i]!;
      for (const hit of graph.search(vectors[queries[i]!]!, kk + 1, { ef })) if (hit.id !== self && want.has(hit.id)) found++;
    }
    const recall = found / (kk * queries.length);
    best = { ef, recall, target: opts.target, k, sample };
    if (recall >= opts.target || ef >= n) break;
  }
  return best;
}

/** Ids of the k vectors with the largest inner product with vectors[q], q itself left out. */
function exactTop(vectors: Float32Array[], ids: readonly string[], q: number, k: number): Set<string> {
  const query = vectors[q]!;
  const dim = query.length;
  const best: Array<{ i: number; s: number }> = [];
  for (let i = 0; i < vectors.length; i++) {
    if (i === q) continue;
    const v = vectors[i]!;
    let s = 0;
    for (let d = 0; d < dim; d++) s += query[d]! * v[d]!;
    if (best.length < k) {
      best.push({ i, s });
      if (best.length === k) best.sort((a, b) => a.s - b.s);
    } else if (s > best[0]!.s) {
      // Keep `best` sorted ascending: drop the smallest, insert s in place.
      let j = 1;
      while (j < k && best[j]!.s < s) {
        best[j - 1] = best[j]!;
        j++;
      }
      best[j - 1] = { i, s };
    }
  }
  return new Set(best.map((b) => ids[b.i]!));
}
