import { z } from 'zod';

/**
 * HNSW parameters. Defaults are hnswlib's M=16 / efConstruction=200 and a search ef chosen from `pnpm bench ann`
 * (recall@10 ≥ 0.95 against exact search on 100k random 512-d vectors; see bench/ann.bench.ts).
 */
export const HnswOptionsSchema = z
  .object({
    space: z.enum(['cosine', 'ip']).default('cosine').describe('cosine normalises vectors; ip is the raw inner product'),
    m: z.number().int().min(2).max(128).default(16),
    efConstruction: z.number().int().min(1).max(4096).default(200),
    /** Search breadth; raised to k when smaller (ef ≥ k is required for k results). */
    ef: z.number().int().min(1).max(65_536).default(200),
    /** Starting capacity; doubles whenever an insert would overflow it. */
    initialCapacity: z.number().int().min(1).default(1024),
    seed: z.number().int().min(0).default(100),
  })
  .strict();
export type HnswOptions = z.input<typeof HnswOptionsSchema>;
export type ResolvedHnswOptions = z.output<typeof HnswOptionsSchema>;
