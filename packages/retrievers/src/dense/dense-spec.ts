import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';
import { DenseOptionsSchema } from './dense-options.js';
import { LanceDenseOptionsSchema } from './lance-dense-options.js';

/** Dense leg options in a spec: the in-memory backends plus `lance` (LanceDB in memory: flat or IVF-PQ). */
export const DenseLegSchema = DenseOptionsSchema.extend({
  backend: z.enum(['auto', 'flat', 'hnsw', 'lance']).default('auto'),
  lance: LanceDenseOptionsSchema.omit({ column: true }).optional(),
}).strict();
export type DenseLeg = z.input<typeof DenseLegSchema>;

/** `{ retriever: 'dense', backend?, space?, m?, efConstruction?, ef?, … }`; needs `deps.embedder`. */
export const DenseSpecSchema = DenseLegSchema.extend({ retriever: z.literal('dense') }).strict();
export type DenseSpec = z.input<typeof DenseSpecSchema>;

/**
 * `{ retriever: 'hybrid', lexical?: 'bm25' | 'lance-fts', bm25?, dense?, rrfK?, lexicalWeight?, denseWeight?, depth? }`.
 * Defaults (k = 60, equal weights, depth 50) are the ones tuned on hotpotqa-100 questions 0–49 (bench/hotpot-retrieval).
 */
export const HybridSpecSchema = z
  .object({
    retriever: z.literal('hybrid'),
    lexical: z.enum(['bm25', 'lance-fts']).default('bm25'),
    bm25: Bm25OptionsSchema.optional(),
    dense: DenseLegSchema.optional(),
    rrfK: z.number().positive().default(60),
    lexicalWeight: z.number().min(0).default(1),
    denseWeight: z.number().min(0).default(1),
    depth: z.number().int().min(1).max(10_000).default(50),
  })
  .strict();
export type HybridSpec = z.input<typeof HybridSpecSchema>;
