import { z } from 'zod';
import type { ScoredChunk, Selection, Selector } from '@sift/core';
import { selectionTokens } from './selection-tokens.js';
import { parseSpec } from './parse-spec.js';

const ThresholdShape = {
  minScore: z.number().optional().describe('Keep candidates whose score is at least this'),
  relative: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Keep candidates whose score is at least this fraction of the top score (needs a positive top score)'),
  maxK: z.number().int().positive().optional().describe('Never keep more than this many'),
};

/** The options as a plain shape, so the selector spec union can extend it (zod cannot extend a refined object). */
export const ThresholdSpecShape = ThresholdShape;

export const ThresholdSelectorOptionsSchema = z
  .object(ThresholdShape)
  .strict()
  .refine((o) => o.minScore !== undefined || o.relative !== undefined, {
    message: 'set minScore, relative, or both',
    path: ['minScore'],
  });
export type ThresholdSelectorOptions = z.infer<typeof ThresholdSelectorOptionsSchema>;

/**
 * Keeps candidates above an absolute and/or relative score cut, in the order given.
 * `relative` is a ratio of the best score, so it is only meaningful for non-negative scores (BM25, cosine);
 * when the best score is not positive the relative cut keeps only candidates tied with the best.
 */
export function thresholdSelector(options: ThresholdSelectorOptions): Selector {
  const o = parseSpec(ThresholdSelectorOptionsSchema, options, 'threshold selector');
  return {
    name: 'threshold',
    select(_query: string, candidates: ScoredChunk[]): Promise<Selection> {
      let top = Number.NEGATIVE_INFINITY;
      for (const c of candidates) if (c.score > top) top = c.score;
      let cut = o.minScore ?? Number.NEGATIVE_INFINITY;
      if (o.relative !== undefined && candidates.length > 0) cut = Math.max(cut, top > 0 ? top * o.relative : top);
      const chunks: ScoredChunk[] = [];
      for (const c of candidates) {
        if (o.maxK !== undefined && chunks.length >= o.maxK) break;
        if (c.score >= cut) chunks.push(c);
      }
      return Promise.resolve({ chunks, tokens: selectionTokens(chunks), trace: { cut, top, candidates: candidates.length } });
    },
  };
}
