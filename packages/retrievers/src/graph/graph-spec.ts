import { z } from 'zod';
import { GraphOptionsSchema } from './graph-options.js';

/** A first-stage spec inside a graph spec: a name ("bm25") or a spec object; `parseRetrieverSpec` validates it. */
export const FirstStageSpecSchema = z.union([z.string().min(1), z.looseObject({ retriever: z.string().min(1) })]);

/**
 * `{ retriever: 'graph', first?: 'bm25' | { retriever: 'hybrid', … }, damping?, seedPassages?, … }`: personalized
 * PageRank over a passage–entity graph on top of `first` (default bm25). Also written `graph:bm25`, `graph:hybrid`.
 */
export const GraphSpecSchema = GraphOptionsSchema.extend({
  retriever: z.literal('graph'),
  first: FirstStageSpecSchema.default('bm25'),
}).strict();
export type GraphSpec = z.input<typeof GraphSpecSchema>;
