import { z } from 'zod';
import { Bm25OptionsSchema } from '../bm25/bm25-options.js';
import { DenseOptionsSchema } from './dense-options.js';
import { FusionFieldsSchema } from './hybrid-options.js';
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
 * Defaults (k = 20, lexical 1 : dense 0.25, depth 100) are the fusion tuned for USE-lite on hotpotqa-100 questions 0–49
 * (bench/hotpot-retrieval.bench.ts); see FusionOptionsSchema.
 */
export const HybridSpecSchema = z
  .object({
    retriever: z.literal('hybrid'),
    lexical: z.enum(['bm25', 'lance-fts']).default('bm25'),
    bm25: Bm25OptionsSchema.optional(),
    dense: DenseLegSchema.optional(),
    ...FusionFieldsSchema.shape,
  })
  .strict();
export type HybridSpec = z.input<typeof HybridSpecSchema>;
