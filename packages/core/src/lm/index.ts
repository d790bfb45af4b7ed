// Causal language models: ONNX decoders (Hugging Face export convention, KV cache, last-layer attention), the shipped
// sift-lm-mini, and a Kneser–Ney n-gram LM as the no-model fallback.
export { OnnxCausalLM, OnnxCausalLMOptionsSchema, type OnnxCausalLMOptions } from './onnx-causal-lm.js';
export { LmTokenizer, type IdTokenizer, type ChatMessage } from './lm-tokenizer.js';
export { resolveLmDir, siftLmMiniDir, SIFT_LM_MINI, LM_ONNX_FILES, type LmModelDir } from './lm-model-dir.js';
export { planWindows, type WindowPass } from './window-plan.js';
export { KneserNeyLM, KneserNeyOptionsSchema, type KneserNeyOptions, type KneserNeyCorpus } from './kneser-ney-lm.js';
export { WordTokenizer } from './word-tokenizer.js';
