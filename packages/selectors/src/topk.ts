import { z } from 'zod';
import type { ScoredChunk, Selection, Selector } from '@sift/core';
import { selectionTokens } from './selection-tokens.js';
import { parseSpec } from './parse-spec.js';

export const TopKSelectorOptionsSchema = z
  .object({
    k: z.number().int().positive().describe('How many candidates to keep, in rank order'),
  })
  .strict();
export type TopKSelectorOptions = z.infer<typeof TopKSelectorOptionsSchema>;

/** Keeps the first `k` candidates. Candidates are taken in the order given (the retriever's rank order). */
export function topKSelector(options: TopKSelectorOptions): Selector {
  const { k } = parseSpec(TopKSelectorOptionsSchema, options, 'topk selector');
  return {
    name: 'topk',
    select(_query: string, candidates: ScoredChunk[]): Promise<Selection> {
      const chunks = candidates.slice(0, k);
      return Promise.resolve({ chunks, tokens: selectionTokens(chunks), trace: { k, candidates: candidates.length } });
    },
  };
}
