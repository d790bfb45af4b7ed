import { z } from 'zod';

/**
 * Hybrid = weighted reciprocal-rank fusion of a lexical leg (BM25, or LanceDB full-text search on an index) and a
 * dense leg. Each leg returns `depth` candidates (at least k) before fusion.
 */
export const FusionOptionsSchema = z
  .object({
    rrfK: z.number().positive().default(60),
    lexicalWeight: z.number().min(0).default(1),
    denseWeight: z.number().min(0).default(1),
    depth: z.number().int().min(1).max(10_000).default(50),
  })
  .strict()
  .refine((o) => o.lexicalWeight + o.denseWeight > 0, { message: 'at least one weight must be positive', path: ['denseWeight'] });
export type FusionOptions = z.input<typeof FusionOptionsSchema>;
export type ResolvedFusionOptions = z.output<typeof FusionOptionsSchema>;
