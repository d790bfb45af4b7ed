import { z } from 'zod';
import { SiftError, type ScoredChunk, type Selection, type Selector, type RunOptions } from '@sift/core';
import { parseSpec } from './parse-spec.js';

export const BudgetSelectorOptionsSchema = z
  .object({
    budget: z.number().int().positive().optional().describe('Token budget; the `budget` passed to select() overrides it'),
    skipOversized: z
      .boolean()
      .default(true)
      .describe('When a candidate does not fit, skip it and keep filling (true) or stop there (false)'),
  })
  .strict();
export type BudgetSelectorOptions = z.input<typeof BudgetSelectorOptionsSchema>;

/**
 * Greedy fill to a token budget in rank order: walk the candidates as given and keep each one that still fits.
 * The kept chunks stay in rank order. Costs come from `chunk.tokenCount`.
 */
export function budgetSelector(options: BudgetSelectorOptions = {}): Selector {
  const o = parseSpec(BudgetSelectorOptionsSchema, options, 'budget selector');
  return {
    name: 'budget',
    select(_query: string, candidates: ScoredChunk[], opts: RunOptions & { budget?: number } = {}): Promise<Selection> {
      const budget = opts.budget ?? o.budget;
      if (budget === undefined || !Number.isFinite(budget) || budget < 0) {
        return Promise.reject(
          new SiftError('E_BAD_CONFIG', `budget selector: no valid token budget (got ${String(budget)}); pass budget in the spec or to select()`, {
            details: { key: 'budget' },
          }),
        );
      }
      const chunks: ScoredChunk[] = [];
      let tokens = 0;
      let skipped = 0;
      for (const c of candidates) {
        if (tokens + c.tokenCount <= budget) {
          chunks.push(c);
          tokens += c.tokenCount;
        } else if (o.skipOversized) {
          skipped++;
        } else {
          break;
        }
      }
      return Promise.resolve({ chunks, tokens, trace: { budget, skipped, candidates: candidates.length } });
    },
  };
}
