import { z } from 'zod';
import { SiftError, type Selector } from '@sift/core';
import { TopKSelectorOptionsSchema, topKSelector } from './topk.js';
import { ThresholdSpecShape, thresholdSelector } from './threshold.js';
import { BudgetSelectorOptionsSchema, budgetSelector } from './budget.js';
import { parseSpec } from './parse-spec.js';

/** Names of the selectors this package builds. Model-backed selectors (sage, corag) join here as they land. */
export const SELECTOR_NAMES = ['topk', 'threshold', 'budget'] as const;
export type SelectorName = (typeof SELECTOR_NAMES)[number];

export const SelectorSpecSchema = z.discriminatedUnion('name', [
  TopKSelectorOptionsSchema.extend({ name: z.literal('topk') }),
  // The minScore/relative rule is checked again by thresholdSelector itself.
  z.object({ name: z.literal('threshold'), ...ThresholdSpecShape }).strict(),
  BudgetSelectorOptionsSchema.extend({ name: z.literal('budget') }),
]);
export type SelectorSpec = z.input<typeof SelectorSpecSchema>;

/**
 * Build a selector from a spec such as `{ name: 'budget', budget: 512 }` or the bare name `'budget'`.
 * Unknown names fail with E_UNKNOWN_COMPONENT; bad options with E_BAD_CONFIG naming the key.
 */
export function createSelector(spec: SelectorSpec | SelectorName): Selector {
  const raw: unknown = typeof spec === 'string' ? { name: spec } : spec;
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !(SELECTOR_NAMES as readonly string[]).includes(name)) {
    throw new SiftError('E_UNKNOWN_COMPONENT', `Unknown selector "${String(name)}"; known: ${SELECTOR_NAMES.join(', ')}`, {
      details: { key: 'name', value: name },
    });
  }
  const s = parseSpec(SelectorSpecSchema, raw, `${name} selector`);
  switch (s.name) {
    case 'topk': {
      const { name: _n, ...o } = s;
      return topKSelector(o);
    }
    case 'threshold': {
      const { name: _n, ...o } = s;
      return thresholdSelector(o);
    }
    case 'budget': {
      const { name: _n, ...o } = s;
      return budgetSelector(o);
    }
  }
}
