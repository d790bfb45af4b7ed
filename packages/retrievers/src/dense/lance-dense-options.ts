import { z } from 'zod';

/**
 * Dense search over a LanceDB vector column. `auto` scans exactly (flat) below `ivfPqAbove` rows, where LanceDB's
 * brute force is fast (about 20 ms over 100k × 1000-d, per its docs), and builds IVF-PQ above it.
 */
export const LanceDenseOptionsSchema = z
  .object({
    column: z.string().min(1).default('vector'),
    index: z.enum(['auto', 'flat', 'ivf-pq']).default('auto'),
    ivfPqAbove: z.number().int().min(256).default(100_000),
    /** IVF partitions; default √rows. */
    numPartitions: z.number().int().min(1).optional(),
    /** PQ sub-vectors; default dim/16 (dim/8 when 16 does not divide it). */
    numSubVectors: z.number().int().min(1).optional(),
    /** Partitions probed per query on an IVF index. */
    nprobes: z.number().int().min(1).default(20),
    /** Re-rank refineFactor × k PQ candidates by exact distance (IVF-PQ only). */
    refineFactor: z.number().int().min(1).default(5),
    distance: z.enum(['cosine', 'dot']).default('cosine'),
  })
  .strict();
export type LanceDenseOptions = z.input<typeof LanceDenseOptionsSchema>;
export type ResolvedLanceDenseOptions = z.output<typeof LanceDenseOptionsSchema>;
