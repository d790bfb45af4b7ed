import { z } from 'zod';
import { SiftError, type Embedder, type LLM, type Reranker, type Selector, type TokenLogprobModel } from '@sift/core';
import { coragSelector, CoragOptionsShape } from './corag.js';
import { createLlm, LlmSpecSchema } from './create-llm.js';
import { createReranker, RerankerSpecSchema } from './create-reranker.js';
import { createSelector, SELECTOR_NAMES, SelectorSpecSchema } from './create-selector.js';
import { parseSpec } from './parse-spec.js';
import { SageFeedbackOptionsSchema } from './sage-feedback.js';
import { SageOptionsShape, sageSelector } from './sage.js';

/** Every selector name `loadSelector` builds. */
export const ALL_SELECTOR_NAMES = [...SELECTOR_NAMES, 'sage', 'corag'] as const;
export type AnySelectorName = (typeof ALL_SELECTOR_NAMES)[number];

const RerankerField = z
  .union([z.string().min(1), RerankerSpecSchema])
  .optional()
  .describe("bm25 | embedding | query-likelihood | cross-encoder:<folder> | a spec | 'none' (sage: first-stage scores)");

export const SageSpecSchema = z
  .object({
    name: z.literal('sage'),
    ...SageOptionsShape,
    reranker: RerankerField,
    feedback: SageFeedbackOptionsSchema.extend({ llm: LlmSpecSchema.optional() }).optional(),
  })
  .strict();
export const CoragSpecSchema = z.object({ name: z.literal('corag'), ...CoragOptionsShape, reranker: RerankerField }).strict();

export const AnySelectorSpecSchema = z.union([SelectorSpecSchema, SageSpecSchema, CoragSpecSchema]);
export type AnySelectorSpec = z.input<typeof AnySelectorSpecSchema>;

/** What model-backed selectors may use instead of loading their own. */
export interface SelectorDeps {
  /** Used by sage and corag when their spec names no reranker. */
  reranker?: Reranker;
  /** Used by sage's feedback when its spec names no LLM. */
  llm?: LLM;
  /** For an `embedding` reranker. */
  embedder?: Embedder;
  /** For a `query-likelihood` reranker. */
  lm?: TokenLogprobModel;
}

/**
 * The reranker corag scores combinations with when neither the spec nor deps give one. BM25 over the candidate pool is
 * the only offline reranker that raised recall@5 over first-stage BM25 on hotpotqa-100 (0.83 vs 0.79 on q0-49, 0.81 vs
 * 0.78 on q50-99) at ~3 ms/query; USE-lite cosine and query likelihood (Kneser–Ney, sift-lm-mini) lowered it. Over
 * graph:bm25 candidates it lowers recall@5 (0.97 → 0.82), which is why sage does not rerank unless asked.
 */
export const DEFAULT_RERANKER = 'bm25';

/**
 * Builds any selector, loading the models it needs: topk/threshold/budget as createSelector does; sage (optional
 * reranker, optional LLM feedback) and corag (reranker-scored combinations under a budget). A spec's `reranker`
 * wins over `deps.reranker`; sage without either (or with `reranker: 'none'`) cuts the first-stage scores, corag falls
 * back to DEFAULT_RERANKER.
 */
export async function loadSelector(spec: AnySelectorSpec | AnySelectorName, deps: SelectorDeps = {}): Promise<Selector> {
  const raw: unknown = typeof spec === 'string' ? { name: spec } : spec;
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  if (name === 'sage') {
    const s = parseSpec(SageSpecSchema, raw, 'sage selector');
    const { name: _n, reranker, feedback, ...o } = s;
    // Without a reranker sage cuts the first-stage scores: measured the safer default (see DEFAULT_RERANKER).
    const r = reranker === 'none' ? undefined : reranker !== undefined ? await createReranker(reranker, deps) : deps.reranker;
    let llm = deps.llm;
    let fb;
    if (feedback) {
      const { llm: llmSpec, ...rest } = feedback;
      fb = rest;
      if (llmSpec) llm = await createLlm(llmSpec);
    }
    return sageSelector({ ...o, ...(fb ? { feedback: fb } : {}) }, { ...(r ? { reranker: r } : {}), ...(llm ? { llm } : {}) });
  }
  if (name === 'corag') {
    const s = parseSpec(CoragSpecSchema, raw, 'corag selector');
    const { name: _n, reranker, ...o } = s;
    const r = reranker !== undefined ? await createReranker(reranker, deps) : (deps.reranker ?? (await createReranker(DEFAULT_RERANKER, deps)));
    return coragSelector(o, { reranker: r });
  }
  if (typeof name === 'string' && (SELECTOR_NAMES as readonly string[]).includes(name)) {
    return createSelector(raw as Parameters<typeof createSelector>[0]);
  }
  throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown selector "${String(name)}"; known: ${ALL_SELECTOR_NAMES.join(', ')}`, {
    details: { key: 'name', value: name },
  });
}
