import { z } from 'zod';
import { Bm25OptionsSchema } from './bm25/bm25-options.js';
import { DenseSpecSchema, HybridSpecSchema } from './dense/dense-spec.js';
import { GraphSpecSchema } from './graph/graph-spec.js';
import { InfiniRetriSpecSchema } from './infiniretri/infiniretri-spec.js';

/** `{ retriever: 'bm25', k1?, b?, stopwords?, stem? }`. */
export const Bm25SpecSchema = Bm25OptionsSchema.extend({ retriever: z.literal('bm25') }).strict();
export type Bm25Spec = z.input<typeof Bm25SpecSchema>;

/** Every retriever spec, told apart by `retriever`. Each retriever adds its schema to this union. */
export const RetrieverSpecSchema = z.discriminatedUnion('retriever', [Bm25SpecSchema, DenseSpecSchema, HybridSpecSchema, GraphSpecSchema, InfiniRetriSpecSchema]);
export type RetrieverSpec = z.input<typeof RetrieverSpecSchema>;
export type ResolvedRetrieverSpec = z.output<typeof RetrieverSpecSchema>;

/** Known `retriever` names, for error messages. */
export const RETRIEVER_NAMES = RetrieverSpecSchema.options.map((o) => o.shape.retriever.value);
