import { z } from 'zod';
import { FirstStageSpecSchema } from '../graph/graph-spec.js';
import { InfiniRetriOptionsSchema } from './infini-retri-options.js';

/**
 * `{ retriever: 'infiniretri', lm?: 'sift-lm-mini' | <folder>, chunkSize?, topK?, phraseTokens?, cacheTokens?, first?, firstK?, threads? }`.
 * Without `first` it reads all its chunks (one long input); with `first` (written `infiniretri:bm25`) it reads the
 * first stage's top `firstK` documents whole, in rank order.
 */
export const InfiniRetriSpecSchema = InfiniRetriOptionsSchema.extend({
  retriever: z.literal('infiniretri'),
  lm: z.string().min(1).default('sift-lm-mini').describe("causal LM with last-layer attention: 'sift-lm-mini' or a model folder"),
  first: FirstStageSpecSchema.optional().describe('first-stage retriever whose top documents are read whole'),
  firstK: z.number().int().min(1).default(5).describe('first-stage documents read (with first)'),
  threads: z.number().int().min(1).max(1024).optional().describe("onnxruntime intra-op threads for the LM (default: onnxruntime's choice, one per core)"),
}).strict();
export type InfiniRetriSpec = z.input<typeof InfiniRetriSpecSchema>;
