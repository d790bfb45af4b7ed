import { z } from 'zod';

/**
 * HNSW parameters. Defaults meet the target of `pnpm bench ann` (bench/ann.bench.ts): recall@10 ≥ 0.95 against exact
 * search on 100k random 512-d Gaussian vectors, a worst case for graph search (no low-dimensional structure). There,
 * with M=32 / efConstruction=200: ef=800 → 0.75, ef=1600 → 0.91, ef=3200 → 0.98 (36 ms p50, vs 120 ms for LanceDB's
 * brute force). Real embeddings have a far lower intrinsic dimension and reach that recall with ef of 100–200: lower
 * `ef` for speed on such data (it can be set per query).
 */
export const HnswOptionsSchema = z
  .object({
    space: z.enum(['cosine', 'ip']).default('cosine').describe('cosine normalises vectors; ip is the raw inner product'),
    m: z.number().int().min(2).max(128).default(32),
    efConstruction: z.number().int().min(1).max(4096).default(200),
    /** Search breadth; raised to k when smaller (ef ≥ k is required for k results). */
    ef: z.number().int().min(1).max(65_536).default(3200),
    /** Starting capacity; doubles whenever an insert would overflow it. */
    initialCapacity: z.number().int().min(1).default(1024),
    seed: z.number().int().min(0).default(100),
    /**
     * When set, each write of an index's HNSW side index chooses `ef` itself: the smallest that reaches this
     * recall@10 against exact search on a sample of the stored vectors (see `tuneEf`); the choice is saved with the
     * graph. The side index sets 0.95 when neither `ef` nor this is given.
     */
    recallTarget: z.number().gt(0).max(1).optional(),
  })
  .strict();
export type HnswOptions = z.input<typeof HnswOptionsSchema>;
export type ResolvedHnswOptions = z.output<typeof HnswOptionsSchema>;
