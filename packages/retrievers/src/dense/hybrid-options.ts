import { z } from 'zod';

/*
 * Hybrid = weighted reciprocal-rank fusion of a lexical leg (BM25, or LanceDB full-text search on an index) and a
 * dense leg. Each leg returns `depth` candidates (at least k) before fusion. Defaults were tuned for the default
 * embedder (USE-lite, weaker than BM25 on its own) on hotpotqa-100 questions 0–49 and checked on 50–99
 * (bench/hotpot-retrieval.bench.ts); with a stronger encoder, raise `denseWeight` towards 1.
 */

/** The fusion fields without the cross-field check, for specs that embed them. */
export const FusionFieldsSchema = z
  .object({
    rrfK: z.number().positive().default(20),
    lexicalWeight: z.number().min(0).default(1),
    denseWeight: z.number().min(0).default(0.25),
    depth: z.number().int().min(1).max(10_000).default(100),
  })
  .strict();

export const FusionOptionsSchema = FusionFieldsSchema.refine((o) => o.lexicalWeight + o.denseWeight > 0, {
  message: 'at least one weight must be positive',
  path: ['denseWeight'],
});
export type FusionOptions = z.input<typeof FusionOptionsSchema>;
export type ResolvedFusionOptions = z.output<typeof FusionOptionsSchema>;
