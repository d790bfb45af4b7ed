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
  temperature?: number;
  stop?: string[];
}

export interface CausalLM {
  readonly id: string;
  readonly contextLength: number;
  tokenize(text: string): number[];
  decode(ids: number[]): string;
  /** log p(token_i | tokens_<i) for i ≥ 1 (index 0 has no context and is NaN). */
  tokenLogprobs(input: string | number[], opts?: RunOptions & { window?: number }): Promise<Float32Array>;
  /** Log-probabilities over the vocabulary for the token after `prompt`. */
  nextTokenLogprobs(prompt: string | number[], opts?: RunOptions): Promise<Float32Array>;
  /** Last layer's attention probabilities summed over heads, row-major (L × L). */
  lastLayerAttention(ids: number[], opts?: RunOptions): Promise<Float32Array>;
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
