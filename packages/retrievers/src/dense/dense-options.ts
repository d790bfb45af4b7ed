import { z } from 'zod';
import { HnswOptionsSchema } from './hnsw-options.js';

/**
 * In-memory dense retrieval. `auto` searches exactly (flat) below `flatBelow` chunks, where brute force is both
 * exact and fast enough, and builds HNSW above it.
 */
export const DenseOptionsSchema = HnswOptionsSchema.extend({
  backend: z.enum(['auto', 'flat', 'hnsw']).default('auto'),
  flatBelow: z.number().int().min(0).default(20_000),
}).strict();
export type DenseOptions = z.input<typeof DenseOptionsSchema>;
export type ResolvedDenseOptions = z.output<typeof DenseOptionsSchema>;
