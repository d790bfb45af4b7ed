import { z } from 'zod';
import { GraphOptionsSchema, GraphWalkOptionsSchema, type GraphWalkOptions } from './graph-options.js';

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

/** The query-time (walk and fusion) options of a graph spec, for running over a graph built earlier. */
export function walkOptionsOf(spec: Record<string, unknown>): GraphWalkOptions {
  const keys = Object.keys(GraphWalkOptionsSchema.shape);
  return Object.fromEntries(Object.entries(spec).filter(([k]) => keys.includes(k))) as GraphWalkOptions;
}

/**
 * The first-stage spec of a graph spec as the caller wrote it (object form, defaults not filled in), so a retriever
 * over an index can tell options given from options defaulted.
 */
export function firstSpecOf(spec: unknown): Record<string, unknown> & { retriever: string } {
  const obj = typeof spec === 'string' ? { retriever: spec } : (spec as Record<string, unknown>);
  const name = String(obj.retriever);
  const first = name.startsWith('graph:') ? name.slice('graph:'.length) : (obj.first ?? 'bm25');
  return typeof first === 'string' ? { retriever: first } : (first as Record<string, unknown> & { retriever: string });
}
