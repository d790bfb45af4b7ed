export { topKSelector, TopKSelectorOptionsSchema, type TopKSelectorOptions } from './topk.js';
export { thresholdSelector, ThresholdSelectorOptionsSchema, type ThresholdSelectorOptions } from './threshold.js';
export { budgetSelector, BudgetSelectorOptionsSchema, type BudgetSelectorOptions } from './budget.js';
export { createSelector, SelectorSpecSchema, SELECTOR_NAMES, type SelectorSpec, type SelectorName } from './create-selector.js';
export { selectionTokens } from './selection-tokens.js';
// Model-backed selection: SAGE (gradient cut + LLM feedback), CORAG (MCTS under a token budget), their rerankers and LLMs.
export { sageSelector, SageOptionsSchema, type SageOptions, type SageDeps } from './sage.js';
export { gradientCut, type GradientCut, type GradientCutOptions } from './gradient-cut.js';
export { SageFeedbackOptionsSchema, parseFeedback, feedbackPrompt, FEEDBACK_SYSTEM, type SageFeedbackOptions, type FeedbackRound } from './sage-feedback.js';
export { coragSelector, CoragOptionsSchema, type CoragOptions, type CoragDeps } from './corag.js';
export { rerankerUtility, type CombinationUtility } from './combination-utility.js';
export { Bm25Reranker, Bm25RerankerOptionsSchema, bm25Terms, bm25Stats, type Bm25RerankerOptions, type Bm25Stats } from './bm25-reranker.js';
export { EmbeddingReranker } from './embedding-reranker.js';
export { QueryLikelihoodReranker, QueryLikelihoodOptionsSchema, type QueryLikelihoodOptions } from './query-likelihood-reranker.js';
export { createReranker, parseRerankerSpec, RerankerSpecSchema, RERANKER_NAMES, type RerankerSpec, type RerankerName, type RerankerDeps } from './create-reranker.js';
export { OpenAiChatLLM, OpenAiChatOptionsSchema, type OpenAiChatOptions } from './openai-chat-llm.js';
export { CausalLmLLM } from './causal-lm-llm.js';
export { createLlm, LlmSpecSchema, type LlmSpec } from './create-llm.js';
export {
  loadSelector,
  AnySelectorSpecSchema,
  SageSpecSchema,
  CoragSpecSchema,
  ALL_SELECTOR_NAMES,
  DEFAULT_RERANKER,
  type AnySelectorSpec,
  type AnySelectorName,
  type SelectorDeps,
} from './load-selector.js';
