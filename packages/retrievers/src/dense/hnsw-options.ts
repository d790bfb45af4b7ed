import { z } from 'zod';

/**
 * HNSW parameters. Defaults are chosen with `pnpm bench ann` (bench/ann.bench.ts) for recall@10 ≥ 0.95 against
 * exact search on 100k random 512-d vectors, a worst case for graph search: hnswlib's usual M=16 / ef=10 reach
 * only about 0.1 there (0.98 needs ef=800 already at 10k), so M=32 and ef=800. Real embeddings have a far lower
 * intrinsic dimension and reach the same recall with a much smaller ef; lower it for speed.
 */
export const HnswOptionsSchema = z
  .object({
    space: z.enum(['cosine', 'ip']).default('cosine').describe('cosine normalises vectors; ip is the raw inner product'),
    m: z.number().int().min(2).max(128).default(32),
    efConstruction: z.number().int().min(1).max(4096).default(200),
    /** Search breadth; raised to k when smaller (ef ≥ k is required for k results). */
    ef: z.number().int().min(1).max(65_536).default(800),
    /** Starting capacity; doubles whenever an insert would overflow it. */
    initialCapacity: z.number().int().min(1).default(1024),
    seed: z.number().int().min(0).default(100),
  })
  .strict();
export type HnswOptions = z.input<typeof HnswOptionsSchema>;
export type ResolvedHnswOptions = z.output<typeof HnswOptionsSchema>;
