import type { Chunker, Document, Embedder, InputIssue, LLM, Reranker, Retriever, RunOptions, ScoredChunk, Selector } from '@sift/core';
import type { ParsedPipelineConfig, PipelineConfig } from './pipeline-config.js';
import type { IndexResult } from './pipeline-store.js';
import type { RemoteFinalizeResult } from '@sift/retrievers';

/**
 * `createPipeline`'s argument: a pipeline config (the `sift.config.json` keys), in which any component may be
 * replaced by a ready object: a `Chunker`, `Embedder`, `Retriever`, `Selector` or `Reranker` (which re-scores
 * the retrieved candidates before selection) in place of its spec.
 */
export type PipelineOptions = Omit<PipelineConfig, 'chunker' | 'embedder' | 'retriever' | 'selector' | 'reranker'> & {
  chunker?: PipelineConfig['chunker'] | Chunker;
  embedder?: PipelineConfig['embedder'] | Embedder;
  retriever?: PipelineConfig['retriever'] | Retriever;
  selector?: PipelineConfig['selector'] | Selector;
  reranker?: PipelineConfig['reranker'] | Reranker;
  /** The language model of selectors that ask one (sage's feedback). */
  llm?: LLM;
};

/** What `index()` reads: files and folders, documents, or a stream of documents. */
export type IndexInput = string | readonly string[] | readonly Document[] | Iterable<Document> | AsyncIterable<Document>;

export interface IndexOptions extends RunOptions {
  /** Replace the index instead of adding to it. */
  rebuild?: boolean;
  /** With paths: afterwards remove indexed documents whose files are gone. */
  sync?: boolean;
  /** With paths: extensions read inside folders (default txt, md, json, jsonl); overrides the config's `ext`. */
  ext?: readonly string[];
  /** With paths: called for each skipped file (without it the first bad file throws). */
  onIssue?: (issue: InputIssue) => void;
  /** With paths: largest file read as one document, in bytes (default 256 MiB; larger files are skipped as issues). */
  maxFileBytes?: number;
  /** An `s3://…` index only: index just this worker's slice (documents whose id hashes to `index` mod `count`). */
  shard?: { index: number; count: number };
}

export interface QueryOptions {
  /** Chunks retrieved (the selector chooses among them); default the config's `k`, else 10. */
  k?: number;
  /** Selector spec or object for this query; default the config's, else the top k. */
  selector?: PipelineConfig['selector'] | Selector;
  /** Token budget for the selector (a budget without a selector selects with `budget`). */
  budget?: number;
  signal?: AbortSignal;
}

export interface SelectionSummary {
  name: string;
  budget: number | null;
  tokens: number;
  trace?: Record<string, unknown>;
}

export interface QueryResult {
  query: string;
  /** The selected chunks (the top k without a selector), best first. */
  chunks: ScoredChunk[];
  /** Every retrieved (and reranked) candidate the selector saw. */
  candidates: ScoredChunk[];
  selection: SelectionSummary;
  /** Milliseconds spent in each stage. */
  timings: { retrieveMs: number; rerankMs: number; selectMs: number; totalMs: number };
  /** Tokens in the selected chunks (their `tokenCount` sum). */
  tokens: number;
}

export interface PipelineStats {
  index: string;
  documents: number;
  chunks: number;
  version?: number;
  embedder?: { id: string; dim: number };
}

/** chunk → index → retrieve → (rerank) → select, over one index. Close it (or `await using`) when done. */
export interface Pipeline extends AsyncDisposable {
  /** The config as given (validated; component objects are not part of it). */
  readonly config: ParsedPipelineConfig;
  /** Adds documents (unchanged ones are skipped, changed ones replaced) and commits once at the end. */
  index(input: IndexInput, opts?: IndexOptions): Promise<IndexResult>;
  /** Retrieve, rerank and select for one query. */
  query(query: string, opts?: QueryOptions): Promise<QueryResult>;
  /** The ranked candidates only (reranked when the pipeline has a reranker). */
  retrieve(query: string, k: number, opts?: RunOptions): Promise<ScoredChunk[]>;
  /** Select from given candidates, with the pipeline's selector or the one named. */
  select(query: string, candidates: ScoredChunk[], opts?: Omit<QueryOptions, 'k'>): Promise<{ chunks: ScoredChunk[]; selection: SelectionSummary }>;
  /** Removes documents by id; returns how many were indexed. */
  remove(docIds: readonly string[], opts?: RunOptions): Promise<number>;
  stats(): Promise<PipelineStats>;
  /**
   * Builds the search indexes of an `s3://…` index once its (sharded) adds are done: LanceDB full-text, vector and id
   * indexes. Null for a local or in-memory index, whose indexes every add keeps current.
   */
  finalize(opts?: RunOptions): Promise<RemoteFinalizeResult | null>;
  /** The full configuration in effect (defaults and the index's recorded settings filled in), as plain JSON. */
  describe(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Ready component objects, any of which may stand in for its config key. */
export interface PipelineParts {
  chunker?: Chunker;
  embedder?: Embedder;
  retriever?: Retriever;
  selector?: Selector;
  reranker?: Reranker;
  llm?: LLM;
}
