import { seededRandom } from '@sift/core';

/** The ef values tried, smallest first: the first that meets the recall target on the sample is chosen. */
export const EF_LADDER: readonly number[] = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3200, 4096, 6144, 8192];

/** Multiply-adds the exact search of the sample may spend (about a second of CPU): fewer sample queries on big indexes. */
const EXACT_BUDGET = 1e9;

export interface EfTuning {
  /** The chosen ef: the smallest on the ladder whose sample recall@k reaches target + TUNING_MARGIN (else the largest tried). */
  ef: number;
  /** recall@k at `ef` on the sample, against exact search. */
  recall: number;
  target: number;
  k: number;
  /** Synthetic sample queries searched. */
  sample: number;
}

/** What tuning needs of a graph: its live vectors and an ef-limited search. */
export interface TunableGraph {
  readonly size: number;
  liveVectors(): { ids: string[]; vectors: Float32Array[] };
  search(query: Float32Array, k: number, opts: { ef: number }): Array<{ id: string }>;
}

/**
 * Stored vectors mixed into each synthetic query. Each one's cosine with the query is about 1/sqrt(MIX): with few,
 * the query sits close to its own ingredients and is easier than a fresh one (16 gave 0.92 held-out recall where the
 * sample said 0.95 on random 512-d vectors).
 */
const MIX = 256;

/**
 * Sample recall must beat the target by this much: the synthetic queries still come out easier than fresh ones (on
 * 5k random 512-d vectors, sample 0.909 / 0.953 / 0.985 at ef 96 / 128 / 192 against held-out 0.867 / 0.922 / 0.978).
 */
export const TUNING_MARGIN = 0.03;

/**
 * Chooses the search breadth `ef` from the graph itself: seeded synthetic queries are searched at rising ef, against
 * exact inner-product search over every live vector, until recall@k reaches `target`. A query is the vectors' mean
 * plus a Gaussian mix of MIX stored vectors' deviations from it (a draw from a Gaussian with the data's mean and
 * spread): stored vectors themselves are no test, since the graph's own edges lead straight to their neighbours. On
 * random data such a query is distributed like the data; on clustered embeddings it lies between clusters, harder
 * than a real query, so the chosen ef errs high. Stored vectors are what hnswlib searches (normalised for cosine), so
 * inner product is the graph's own similarity.
 */
export function tuneEf(graph: TunableGraph, opts: { target: number; k?: number; maxSample?: number; seed?: number }): EfTuning {
  const k = opts.k ?? 10;
  const { ids, vectors } = graph.liveVectors();
  const n = ids.length;
  const kk = Math.min(k, n);
  if (n <= k) return { ef: Math.max(k, EF_LADDER[0]!), recall: 1, target: opts.target, k, sample: 0 };
  const dim = vectors[0]!.length;
  const sample = Math.max(1, Math.min(opts.maxSample ?? 120, Math.floor(EXACT_BUDGET / (n * dim))));
  const rand = seededRandom(opts.seed ?? 7);
  const mean = new Float64Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) mean[d]! += v[d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= n;
  const queries: Float32Array[] = [];
  for (let s = 0; s < sample; s++) {
    const q = new Float32Array(dim);
    for (let j = 0; j < MIX; j++) {
      const v = vectors[Math.floor(rand() * n)]!;
      const w = gaussian(rand) / Math.sqrt(MIX);
      for (let d = 0; d < dim; d++) q[d]! += w * (v[d]! - mean[d]!);
    }
    for (let d = 0; d < dim; d++) q[d]! += mean[d]!;
    queries.push(q);
  }
  const truth = queries.map((q) => exactTop(vectors, ids, q, kk));
  let best: EfTuning = { ef: EF_LADDER[0]!, recall: 0, target: opts.target, k, sample };
  for (const ef of EF_LADDER) {
    let found = 0;
    queries.forEach((q, i) => {
      for (const hit of graph.search(q, kk, { ef })) if (truth[i]!.has(hit.id)) found++;
    });
    const recall = found / (kk * queries.length);
    best = { ef, recall, target: opts.target, k, sample };
    if (recall >= Math.min(1, opts.target + TUNING_MARGIN) || ef >= n) break;
  }
  return best;
}

/** A standard normal draw (Box–Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Ids of the k vectors with the largest inner product with `query`. */
function exactTop(vectors: Float32Array[], ids: readonly string[], query: Float32Array, k: number): Set<string> {
  const dim = query.length;
  const best: Array<{ i: number; s: number }> = [];
  for (let i = 0; i < vectors.length; i++) {
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
