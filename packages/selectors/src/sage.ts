import { z } from 'zod';
import { SiftError, type LLM, type Reranker, type RunOptions, type ScoredChunk, type Selection, type Selector } from '@sift/core';
import { gradientCut } from './gradient-cut.js';
import { parseSpec } from './parse-spec.js';
import { SageFeedbackOptionsSchema, sageFeedback } from './sage-feedback.js';
import { selectionTokens } from './selection-tokens.js';

export const SageOptionsShape = {
  topN: z.number().int().positive().max(200).default(20).describe('How many first-stage candidates are reranked'),
  minK: z.number().int().positive().default(1).describe('Never keep fewer (unless fewer candidates)'),
  maxK: z.number().int().positive().default(4).describe('Never keep more; also the window the mean gap is taken over'),
  g: z.number().positive().default(1).describe('A drop is sharp when it exceeds g × the mean gap over the window'),
  cut: z.enum(['first', 'sharpest']).default('sharpest').describe("Cut at the first sharp drop (algorithms.md §2) or the sharpest one"),
  feedback: SageFeedbackOptionsSchema.optional().describe('LLM self-feedback rounds (needs an LLM)'),
};
// Defaults (maxK 4, g 1, sharpest) were the best cut on hotpotqa-100 q0-49 over BM25 candidates, both with and without
// the bm25 reranker (bench/selection.bench.ts, which prints both halves).
export const SageOptionsSchema = z.object(SageOptionsShape).strict();
export type SageOptions = z.input<typeof SageOptionsSchema>;

export interface SageDeps {
  /** Rescores the top N; without one the first-stage scores are used as they are. */
  reranker?: Reranker;
  /** Needed when `feedback` is set. */
  llm?: LLM;
}

/**
 * SAGE selection (arXiv 2503.01713): rerank the top N candidates, sort by the new score, keep the prefix before the
 * relevance score drops sharply (gradientCut), then optionally let an LLM move k by ±1 (insufficient/excessive).
 * Each kept chunk carries `score` = its rerank score and `explain.sage` (first-stage rank and score, rerank rank).
 */
export function sageSelector(options: SageOptions = {}, deps: SageDeps = {}): Selector {
  const o = parseSpec(SageOptionsSchema, options, 'sage selector');
  if (o.minK > o.maxK) {
    throw new SiftError('E_BAD_CONFIG', `sage selector: minK (${o.minK}) is larger than maxK (${o.maxK})`, { details: { key: 'minK' } });
  }
  if (o.feedback && !deps.llm) {
    throw new SiftError('E_BAD_CONFIG', 'sage selector: "feedback" needs an LLM (pass one, e.g. an OpenAI-compatible server or a local causal LM)', {
      details: { key: 'feedback' },
    });
  }
  return {
    name: 'sage',
    async select(query: string, candidates: ScoredChunk[], opts: RunOptions & { budget?: number } = {}): Promise<Selection> {
      const pool = candidates.slice(0, o.topN);
      const t0 = performance.now();
      const scores = deps.reranker ? await deps.reranker.score(query, pool.map((c) => c.text), opts) : Float32Array.from(pool, (c) => c.score);
      const rerankMs = performance.now() - t0;
      // Stable: equal scores keep the first-stage order.
      const order = pool.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
      const sorted = order.map((i) => scores[i]!);
      const cut = gradientCut(sorted, { minK: o.minK, maxK: o.maxK, g: o.g, mode: o.cut });
      let k = cut.k;
      let rounds;
      if (o.feedback && deps.llm && pool.length > 0) {
        const fb = await sageFeedback(deps.llm, query, order.map((i) => pool[i]!.text), k, o, SageFeedbackOptionsSchema.parse(o.feedback), opts);
        k = fb.k;
        rounds = fb.rounds;
      }
      // A budget, when given, caps the kept prefix (chunks that do not fit are skipped, as the budget selector does).
      let spent = 0;
      const kept = order.slice(0, k).filter((i) => {
        if (opts.budget === undefined) return true;
        if (spent + pool[i]!.tokenCount > opts.budget) return false;
        spent += pool[i]!.tokenCount;
        return true;
      });
      const chunks = kept.map((i): ScoredChunk => {
        const c = pool[i]!;
        const rank = order.indexOf(i);
        return {
          ...c,
          score: scores[i]!,
          explain: {
            ...c.explain,
            sage: {
              rank,
              firstStageRank: i,
              firstStageScore: c.score,
              rerankScore: scores[i]!,
              // Why it was kept: it lies before the cut (the drop after the last kept chunk, if any).
              reason: rank < cut.k ? `above the cut at ${cut.k}${cut.drop !== undefined ? ` (drop ${cut.drop.toFixed(3)} > ${cut.threshold.toFixed(3)})` : ' (no sharp drop within maxK)'}` : 'added by LLM feedback',
            },
          },
        };
      });
      return {
        chunks,
        tokens: selectionTokens(chunks),
        trace: {
          reranker: deps.reranker?.id ?? 'first-stage',
          candidates: candidates.length,
          reranked: pool.length,
          cutK: cut.k,
          drop: cut.drop,
          threshold: cut.threshold,
          k,
          ...(opts.budget !== undefined ? { budget: opts.budget, overBudget: k - kept.length } : {}),
          rerankMs,
          ...(rounds ? { feedback: rounds } : {}),
        },
      };
    },
  };
}
