export { topKSelector, TopKSelectorOptionsSchema, type TopKSelectorOptions } from './topk.js';
export { thresholdSelector, ThresholdSelectorOptionsSchema, type ThresholdSelectorOptions } from './threshold.js';
export { budgetSelector, BudgetSelectorOptionsSchema, type BudgetSelectorOptions } from './budget.js';
export { createSelector, SelectorSpecSchema, SELECTOR_NAMES, type SelectorSpec, type SelectorName } from './create-selector.js';
export { selectionTokens } from './selection-tokens.js';
