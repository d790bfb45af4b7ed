import { z } from 'zod';
import {
  OnnxCausalLM,
  OnnxCrossEncoder,
  SiftError,
  createEmbedder,
  type Embedder,
  type Reranker,
  type TokenLogprobModel,
} from '@sift/core';
import { Bm25Reranker } from './bm25-reranker.js';
import { EmbeddingReranker } from './embedding-reranker.js';
import { parseSpec } from './parse-spec.js';
import { QueryLikelihoodReranker } from './query-likelihood-reranker.js';

export const RERANKER_NAMES = ['bm25', 'embedding', 'query-likelihood', 'cross-encoder'] as const;
export type RerankerName = (typeof RERANKER_NAMES)[number];

export const RerankerSpecSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('bm25'), k1: z.number().min(0).optional(), b: z.number().min(0).max(1).optional() }).strict(),
  z
    .object({
      name: z.literal('embedding'),
      /** Embedder spec for core's createEmbedder (use-lite, a folder, an org/name); ignored when deps.embedder is given. */
      embedder: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('query-likelihood'),
      /** A causal LM: 'sift-lm-mini' (default) or an ONNX decoder folder; ignored when deps.lm is given (e.g. a KneserNeyLM). */
      model: z.string().min(1).optional(),
      separator: z.string().optional(),
      maxPassageTokens: z.number().int().positive().optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('cross-encoder'),
      /** Hugging Face folder with onnx/model.onnx, e.g. an ms-marco-MiniLM-L-6-v2 export. */
      model: z.string().min(1),
      maxTokens: z.number().int().min(4).optional(),
      device: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).optional(),
      threads: z.number().int().min(1).optional(),
      batchSize: z.number().int().min(1).optional(),
      quantized: z.boolean().optional(),
      activation: z.enum(['none', 'sigmoid']).optional(),
      labelIndex: z.number().int().min(0).optional(),
    })
    .strict(),
]);
export type RerankerSpec = z.input<typeof RerankerSpecSchema>;

/** Models a reranker may use instead of loading its own. */
export interface RerankerDeps {
  embedder?: Embedder;
  lm?: TokenLogprobModel;
}

/**
 * Parses a reranker spec: an object, a bare name (`bm25`, `embedding`, `query-likelihood`), or
 * `cross-encoder:<folder>`. Unknown names are E_UNKNOWN_COMPONENT; bad options E_BAD_CONFIG naming the key.
 */
export function parseRerankerSpec(spec: RerankerSpec | string): z.output<typeof RerankerSpecSchema> {
  let raw: unknown = spec;
  if (typeof spec === 'string') {
    const s = spec.trim();
    raw = s.startsWith('cross-encoder:') ? { name: 'cross-encoder', model: s.slice('cross-encoder:'.length) } : { name: s };
  }
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !(RERANKER_NAMES as readonly string[]).includes(name)) {
    throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown reranker "${String(name)}"; known: ${RERANKER_NAMES.join(', ')} (cross-encoder:<folder>)`, {
      details: { key: 'reranker', value: name },
    });
  }
  return parseSpec(RerankerSpecSchema, raw, `${name} reranker`);
}

/** Builds (and, for model-backed rerankers, loads) a reranker from its spec. */
export async function createReranker(spec: RerankerSpec | string, deps: RerankerDeps = {}): Promise<Reranker> {
  const s = parseRerankerSpec(spec);
  switch (s.name) {
    case 'bm25':
      return new Bm25Reranker({ ...(s.k1 !== undefined ? { k1: s.k1 } : {}), ...(s.b !== undefined ? { b: s.b } : {}) });
    case 'embedding':
      return new EmbeddingReranker(deps.embedder ?? (await createEmbedder(s.embedder)));
    case 'query-likelihood': {
      const lm = deps.lm ?? (await OnnxCausalLM.create({ model: s.model ?? 'sift-lm-mini' }));
      return new QueryLikelihoodReranker(lm, {
        ...(s.separator !== undefined ? { separator: s.separator } : {}),
        ...(s.maxPassageTokens !== undefined ? { maxPassageTokens: s.maxPassageTokens } : {}),
      });
    }
    case 'cross-encoder': {
      const { name: _n, ...o } = s;
      return OnnxCrossEncoder.create(o);
    }
  }
}
