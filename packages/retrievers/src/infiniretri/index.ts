export { contextTokenScores, questionWeights, topIndices, type AttentionSpans } from './attention-scores.js';
export { InfiniRetri, type InfiniRetriPass, type InfiniRetriResult, type InfiniRetriRunOptions, type RetainedSentence } from './infini-retri.js';
export { INFINIRETRI_PROMPT, InfiniRetriOptionsSchema, type InfiniRetriOptions } from './infini-retri-options.js';
export { InfiniRetriSpecSchema, type InfiniRetriSpec } from './infiniretri-spec.js';
export {
  InfiniRetriRetriever,
  loadAttentionLM,
  type DocumentTextGetter,
  sentencesOfChunks,
  type InfiniRetriRetrieverDeps,
  type InfiniRetriRetrieverOptions,
} from './infiniretri-retriever.js';
export { infiniSentenceSpans, streamSentences, type InfiniRetriInput, type SourceSentence } from './sentence-stream.js';
