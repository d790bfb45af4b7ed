import type { RunOptions } from './abort.js';

/** A source document. `text` is the full text that chunk offsets point into. */
export interface Document {
  id: string;
  text: string;
  /** Where the document came from (path, URL…). */
  source?: string;
  metadata: Record<string, unknown>;
}

/**
 * A contiguous span of a document. Invariant: `doc.text.slice(start, end) === text` (UTF-16 offsets).
 */
export interface Chunk {
  id: string;
  docId: string;
  text: string;
  start: number;
  end: number;
  tokenCount: number;
  metadata: Record<string, unknown>;
}

/** A chunk with a retrieval score; higher is better. */
export interface ScoredChunk extends Chunk {
  score: number;
  /** Optional per-retriever detail (rank in each list, fused contributions, explanation…). */
  explain?: Record<string, unknown>;
}

export interface Chunker {
  readonly name: string;
  /** Streams the chunks of one document in order. */
  chunk(doc: Document, opts?: RunOptions): AsyncIterable<Chunk>;
}

/** A topical segmenter over a list of sentences; returns boundary indices b (a new segment starts at sentence b). */
export interface Segmenter {
  readonly name: string;
  segment(sentences: string[], opts?: RunOptions & { k?: number }): Promise<number[]>;
}

export interface Embedder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  embed(texts: string[], opts?: RunOptions): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

export interface GenerateOptions extends RunOptions {
  maxTokens?: number;
  /** 0 (the default) decodes greedily. */
  temperature?: number;
  stop?: string[];
  /** Seed of the sampler when temperature > 0 (same seed, same text). */
  seed?: number;
  /** Wrap the prompt as one user turn of the tokenizer's chat template; defaults to true when the model has one. */
  chat?: boolean;
}

/** How `tokenLogprobs` walks a text longer than one pass. */
export interface TokenLogprobsOptions extends RunOptions {
  /** Most tokens in one pass (defaults to the model's own window, at most its context length). */
  window?: number;
  /** New tokens scored per pass after the first; each keeps `window - stride` tokens of context (default window/2). */
  stride?: number;
}

/**
 * What perplexity-based chunking needs from a language model: per-token log-probabilities over one tokenizer's ids.
 * Causal LMs and the Kneser–Ney n-gram LM both implement it.
 */
export interface TokenLogprobModel {
  readonly id: string;
  /** Most tokens one pass sees; `Infinity` for models without a limit (n-gram LMs). */
  readonly contextLength: number;
  readonly vocabSize: number;
  tokenize(text: string): number[];
  decode(ids: number[]): string;
  /** log p(token_i | tokens_<i) for i ≥ 1 (index 0 has no context and is NaN). */
  tokenLogprobs(input: string | number[], opts?: TokenLogprobsOptions): Promise<Float32Array>;
  /** Log-probabilities over the vocabulary for the token after `prompt`. */
  nextTokenLogprobs(prompt: string | number[], opts?: RunOptions): Promise<Float32Array>;
}

export interface AttentionOptions extends RunOptions {
  /**
   * Only rows from this one on are needed (e.g. a question's rows): earlier rows may be left 0, which spares summing
   * the heads over the whole L × L matrix. Default 0.
   */
  fromRow?: number;
}

export interface CausalLM extends TokenLogprobModel {
  /** Last layer's attention probabilities summed over heads, row-major (L × L); each row sums to the head count. */
  lastLayerAttention(ids: number[], opts?: AttentionOptions): Promise<Float32Array>;
  generate(prompt: string, opts?: GenerateOptions): Promise<string>;
  close?(): Promise<void>;
}

export interface Retriever {
  readonly name: string;
  retrieve(query: string, k: number, opts?: RunOptions): Promise<ScoredChunk[]>;
}

export interface Reranker {
  readonly id: string;
  score(query: string, texts: string[], opts?: RunOptions): Promise<Float32Array>;
}

export interface Selection {
  chunks: ScoredChunk[];
  tokens: number;
  /** Free-form trace of how the selection was made (cut point, iterations…). */
  trace?: Record<string, unknown>;
}

export interface Selector {
  readonly name: string;
  select(query: string, candidates: ScoredChunk[], opts?: RunOptions & { budget?: number }): Promise<Selection>;
}

/** Options of one LLM call; `system` is an optional system turn before the prompt. */
export interface LlmOptions extends GenerateOptions {
  system?: string;
}

/**
 * A text-in, text-out language model for answering and self-feedback (an OpenAI-compatible server, or a local
 * `CausalLM`). One call is one user turn; the reply is the assistant's text.
 */
export interface LLM {
  readonly id: string;
  complete(prompt: string, opts?: LlmOptions): Promise<string>;
  close?(): Promise<void>;
}
