import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ParsedChunkerConfig } from '@sift/chunkers';
import {
  readDocuments,
  SiftError,
  type Chunker,
  type CreateEmbedderOptions,
  type Document,
  type Embedder,
  type LLM,
  type Reranker,
  type ProgressCallback,
  type Retriever,
  type RunOptions,
  type ScoredChunk,
  type Selector,
  type TokenizerName,
} from '@sift/core';
import { isRemoteIndexUri, normalizeRemoteUri, storageOptionsOf, type RemoteFinalizeResult, type ResolvedRetrieverSpec } from '@sift/retrievers';
import { DiskStore } from './disk-store.js';
import { checkSameEmbedder, lateChunked, noVectorsError, withLateChunking } from './index-embedder.js';
import { MemoryStore } from './memory-store.js';
import { isChunker, isEmbedder, isReranker, isRetriever, isSelector } from './parts.js';
import { MEMORY_INDEX, parsePipelineConfig, PIPELINE_DEFAULTS, WHOLE_DOCUMENTS, type ParsedPipelineConfig } from './pipeline-config.js';
import type { IndexResult, PipelineStore } from './pipeline-store.js';
import type { IndexInput, IndexOptions, Pipeline, PipelineOptions, PipelineStats, QueryOptions, QueryResult, SelectionSummary } from './pipeline-types.js';
import { rerank } from './rerank.js';
import {
  buildChunker,
  checkChunkerConfig,
  chunkerNeedsEmbedder,
  givenChunkerSettings,
  retrieverNeedsGraph,
  retrieverNeedsVectors,
  retrieverSpecOf,
} from './resolve-components.js';
import { resolveSelector, selectorNameOf } from './resolve-selector.js';
import { wholeDocumentChunker } from './whole-document-chunker.js';

const COMPONENT_KEYS = ['chunker', 'embedder', 'retriever', 'selector', 'reranker'] as const;

/** The embedder and reranker factories, loaded on first use (see model-factories.ts). */
const modelFactories = () => import('./model-factories.js');

/**
 * Builds a pipeline from a config (the `sift.config.json` keys, with the same defaults as the CLI) in which any
 * component may be a ready object. Nothing heavy loads here: the index opens, and models load, on first use.
 *
 * ```ts
 * await using pipeline = await createPipeline({ index: '.sift' });
 * await pipeline.index(['docs/']);
 * const { chunks } = await pipeline.query('how do I rotate the keys?', { k: 5 });
 * ```
 *
 * `how.source` names the config in error messages (a file name, or the command it came from). `how.embedderOptions`
 * go to `createEmbedder` for an embedder the pipeline builds from a spec (e.g. `embeddingCacheDir`, the persistent
 * embedding cache `sift index` uses). `how.onWarn` receives the index's one-line warnings (default: stderr).
 */
export async function createPipeline(
  options: PipelineOptions = {},
  how: { source?: string; embedderOptions?: CreateEmbedderOptions; onWarn?: (message: string) => void } = {},
): Promise<Pipeline> {
  const plain: Record<string, unknown> = { ...options };
  const parts = {
    chunker: isChunker(options.chunker) ? options.chunker : undefined,
    embedder: isEmbedder(options.embedder) ? options.embedder : undefined,
    retriever: isRetriever(options.retriever) ? options.retriever : undefined,
    selector: isSelector(options.selector) ? options.selector : undefined,
    reranker: isReranker(options.reranker) ? options.reranker : undefined,
    llm: options.llm,
  };
  for (const key of COMPONENT_KEYS) if (parts[key] !== undefined) delete plain[key];
  delete plain.llm;
  const config = parsePipelineConfig(plain, how.source ?? 'createPipeline config');
  const indexDir = config.index ?? PIPELINE_DEFAULTS.index;
  // The object-store index's code (its settings schemas, LanceDB's remote paths) loads only for such an index.
  const store: PipelineStore =
    indexDir === MEMORY_INDEX
      ? new MemoryStore()
      : isRemoteIndexUri(indexDir)
        ? new (await import('./remote-store.js')).RemoteStore(
            normalizeRemoteUri(indexDir),
            { storageOptions: storageOptionsOf(config.storageOptions), ...(config.remoteIndex ? { settings: config.remoteIndex } : {}) },
            how.onWarn,
          )
        : new DiskStore(indexDir, how.onWarn);
  return new SiftPipeline(config, parts, store, how.embedderOptions ?? {});
}

interface Parts {
  chunker: Chunker | undefined;
  embedder: Embedder | undefined;
  retriever: Retriever | undefined;
  selector: Selector | undefined;
  reranker: Reranker | undefined;
  llm: LLM | undefined;
}

class SiftPipeline implements Pipeline {
  /** Embedders this pipeline created (and so closes); a user's embedder is theirs to close. */
  private readonly owned: Embedder[] = [];
  private embedderPromise: Promise<Embedder> | undefined;
  private retrievers = new Map<string, Promise<Retriever>>();
  private selectors = new Map<string, Promise<Selector>>();
  private rerankerPromise: Promise<Reranker | undefined> | undefined;
  private closed = false;

  constructor(
    readonly config: ParsedPipelineConfig,
    private readonly parts: Parts,
    private readonly store: PipelineStore,
    private readonly embedderOptions: CreateEmbedderOptions = {},
  ) {}

  async index(input: IndexInput, opts: IndexOptions = {}): Promise<IndexResult> {
    this.live();
    const paths = typeof input === 'string' ? [input] : isStringArray(input) ? input : undefined;
    const roots = paths?.map((p) => resolve(p));
    // A mistyped path must fail before an index folder is created for it.
    for (const root of roots ?? []) {
      await stat(root).catch((cause: NodeJS.ErrnoException) => {
        throw new SiftError('E_INPUT_UNREADABLE', `${root}: cannot read (${cause.code ?? cause.message})`, { cause, details: { file: root } });
      });
    }
    if (opts.shard && this.store.kind !== 'remote') {
      throw new SiftError('E_BAD_CONFIG', `shard needs an object-store index (s3://bucket/path); ${this.store.dir ?? MEMORY_INDEX} is not one`, { details: { key: 'shard' } });
    }
    if (opts.rebuild) {
      await this.resetEmbedder();
      await this.store.clear();
    }
    const recorded = await this.store.record();
    const spec = this.parts.retriever ? undefined : retrieverSpecOf(this.config, recorded ? recorded.embedder !== null : this.embedderGiven(), recorded?.defaultRetriever);
    const wantsVectors = this.embedderGiven() || recorded?.embedder != null || (spec !== undefined && retrieverNeedsVectors(spec));
    const embedder = wantsVectors ? await this.embedder() : undefined;
    let chunkEmbedder: Embedder | undefined;
    try {
      const chunking = await this.chunker(recorded?.chunker ?? null, embedder, async () => (chunkEmbedder = await (await modelFactories()).createEmbedder(PIPELINE_DEFAULTS.embedder)));
      const seen = new Set<string>();
      const docs = roots ? this.readPaths(roots, opts, seen) : (input as IndexStream);
      const counts = await this.store.add(docs, {
        chunker: lateChunked(chunking.chunker, embedder),
        ...(chunking.config ? { chunkerConfig: chunking.config } : {}),
        ...(chunking.tokenizer ? { tokenizer: chunking.tokenizer } : {}),
        ...(embedder ? { embedder } : {}),
        graph: this.config.graph === true || (spec !== undefined && retrieverNeedsGraph(spec)),
        ...(typeof this.config.retriever === 'string' ? { defaultRetriever: this.config.retriever } : {}),
        ...(opts.shard ? { shard: opts.shard } : {}),
        // With paths, progress counts files (readPaths); the store's embedding progress (unit 'texts') still goes out.
        ...runOptions(roots ? { signal: opts.signal, ...(opts.onProgress ? { onProgress: embeddingProgressOnly(opts.onProgress) } : {}) } : opts),
      });
      this.retrievers.clear();
      let removed = 0;
      if (opts.sync && roots) {
        const gone = (await this.store.documents()).filter((d) => !seen.has(d.id) && d.source !== null && !existsSync(resolve(d.source))).map((d) => d.id);
        removed = await this.remove(gone, runOptions({ signal: opts.signal }));
      }
      return { ...counts, removed };
    } finally {
      await chunkEmbedder?.close?.();
    }
  }

  async query(query: string, opts: QueryOptions = {}): Promise<QueryResult> {
    this.live();
    const t0 = performance.now();
    const k = opts.k ?? this.config.k ?? PIPELINE_DEFAULTS.k;
    const run = runOptions({ signal: opts.signal });
    const retriever = await this.retriever();
    const hits = await retriever.retrieve(query, k, run);
    const t1 = performance.now();
    const reranker = await this.reranker();
    const candidates = reranker ? await rerank(reranker, query, hits, run) : hits;
    const t2 = performance.now();
    const { chunks, selection } = await this.select(query, candidates, opts);
    const t3 = performance.now();
    return {
      query,
      chunks,
      candidates,
      selection,
      timings: { retrieveMs: t1 - t0, rerankMs: t2 - t1, selectMs: t3 - t2, totalMs: t3 - t0 },
      tokens: selection.tokens,
    };
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    this.live();
    const hits = await (await this.retriever()).retrieve(query, k, opts);
    const reranker = await this.reranker();
    return reranker ? rerank(reranker, query, hits, opts) : hits;
  }

  async select(query: string, candidates: ScoredChunk[], opts: Omit<QueryOptions, 'k'> = {}): Promise<{ chunks: ScoredChunk[]; selection: SelectionSummary }> {
    const budget = opts.budget ?? this.config.budget;
    const spec = opts.selector ?? this.parts.selector ?? this.config.selector ?? (budget !== undefined ? 'budget' : undefined);
    if (spec === undefined) {
      const tokens = candidates.reduce((s, c) => s + c.tokenCount, 0);
      return { chunks: candidates, selection: { name: 'topk', budget: null, tokens } };
    }
    const selector = await this.selector(spec);
    const s = await selector.select(query, candidates, { ...(budget !== undefined ? { budget } : {}), ...runOptions({ signal: opts.signal }) });
    return { chunks: s.chunks, selection: { name: selector.name, budget: budget ?? null, tokens: s.tokens, ...(s.trace ? { trace: s.trace } : {}) } };
  }

  async remove(docIds: readonly string[], opts: RunOptions = {}): Promise<number> {
    this.live();
    const removed = await this.store.remove(docIds, opts);
    if (removed > 0) this.retrievers.clear();
    return removed;
  }

  async stats(): Promise<PipelineStats> {
    const s = await this.store.stats();
    const recorded = await this.store.record();
    return { index: this.store.dir ?? MEMORY_INDEX, ...s, ...(recorded?.embedder ? { embedder: recorded.embedder } : {}) };
  }

  async finalize(opts: RunOptions = {}): Promise<RemoteFinalizeResult | null> {
    this.live();
    if (!this.store.finalize) return null;
    const result = await this.store.finalize(runOptions(opts));
    this.retrievers.clear();
    return result;
  }

  async describe(): Promise<Record<string, unknown>> {
    const recorded = await this.store.record();
    const hasVectors = recorded ? recorded.embedder !== null : this.embedderGiven();
    const spec = this.parts.retriever ? undefined : retrieverSpecOf(this.config, hasVectors, recorded?.defaultRetriever);
    const embedder = this.parts.embedder?.id ?? recorded?.embedder?.id ?? this.config.embedder ?? (spec && retrieverNeedsVectors(spec) ? PIPELINE_DEFAULTS.embedder : undefined);
    const selector = this.parts.selector?.name ?? this.config.selector ?? (this.config.budget !== undefined ? 'budget' : undefined);
    const out: Record<string, unknown> = {
      index: this.store.dir ?? MEMORY_INDEX,
      chunker: this.parts.chunker ? { name: this.parts.chunker.name } : (recorded?.chunker ?? this.describeGivenChunker()),
      retriever: this.parts.retriever ? { name: this.parts.retriever.name } : spec,
      k: this.config.k ?? PIPELINE_DEFAULTS.k,
    };
    if (embedder !== undefined) out.embedder = embedder;
    if (selector !== undefined) out.selector = selector;
    if (this.config.budget !== undefined) out.budget = this.config.budget;
    if (this.config.budgets !== undefined) out.budgets = this.config.budgets;
    if (this.parts.reranker) out.reranker = this.parts.reranker.id;
    else if (this.config.reranker !== undefined) out.reranker = this.config.reranker;
    if (this.config.graph !== undefined) out.graph = this.config.graph;
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retrievers.clear();
    await this.resetEmbedder();
    await this.store.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- internals ----

  private live(): void {
    if (this.closed) throw new SiftError('E_CLOSED', 'this pipeline is closed');
  }

  private embedderGiven(): boolean {
    return this.parts.embedder !== undefined || this.config.embedder !== undefined;
  }

  /**
   * The pipeline's embedder: the given object; for an index with vectors, the configured spec (checked against the
   * index's record) or else the index's own, which the index re-creates from its manifest; otherwise the configured
   * spec, else use-lite.
   */
  private embedder(): Promise<Embedder> {
    this.embedderPromise ??= (async () => {
      const recorded = (await this.store.record())?.embedder;
      const dir = this.store.dir ?? MEMORY_INDEX;
      if (this.parts.embedder) {
        if (recorded) checkSameEmbedder(dir, recorded, this.parts.embedder);
        return this.parts.embedder;
      }
      if (recorded && this.config.embedder === undefined && this.store.recordedEmbedder) return this.store.recordedEmbedder();
      const e = await (await modelFactories()).createEmbedder(this.config.embedder ?? PIPELINE_DEFAULTS.embedder, this.embedderOptions);
      this.owned.push(e);
      if (recorded) checkSameEmbedder(dir, recorded, e);
      return e;
    })().then((e) => withLateChunking(e, this.config.lateChunking === true, this.store.kind));
    this.embedderPromise.catch(() => (this.embedderPromise = undefined));
    return this.embedderPromise;
  }

  private async resetEmbedder(): Promise<void> {
    this.embedderPromise = undefined;
    for (const e of this.owned.splice(0)) await e.close?.();
  }

  private async retriever(): Promise<Retriever> {
    if (this.parts.retriever) return this.parts.retriever;
    const recorded = await this.store.record();
    const spec: ResolvedRetrieverSpec = retrieverSpecOf(this.config, recorded ? recorded.embedder !== null : this.embedderGiven(), recorded?.defaultRetriever);
    const key = JSON.stringify(spec);
    let r = this.retrievers.get(key);
    if (!r) {
      r = (async () => {
        if (!retrieverNeedsVectors(spec)) return this.store.retriever(spec, {});
        // An index without vectors cannot be queried densely: say how to get them rather than load a model first.
        if (recorded && recorded.embedder === null && !this.parts.embedder) throw noVectorsError(this.store.dir ?? MEMORY_INDEX);
        return this.store.retriever(spec, { embedder: await this.embedder() });
      })();
      r.catch(() => this.retrievers.delete(key));
      this.retrievers.set(key, r);
    }
    return r;
  }

  /** The reranker object given, or the one the config names (built on first use). */
  private reranker(): Promise<Reranker | undefined> {
    if (this.parts.reranker) return Promise.resolve(this.parts.reranker);
    const spec = this.config.reranker;
    if (spec === undefined) return Promise.resolve(undefined);
    this.rerankerPromise ??= (async () => {
      const name = typeof spec === 'string' ? spec : spec.name;
      const { createReranker } = await modelFactories();
      return createReranker(spec, name === 'embedding' ? { embedder: await this.embedder() } : {});
    })();
    this.rerankerPromise.catch(() => (this.rerankerPromise = undefined));
    return this.rerankerPromise;
  }

  private selector(spec: unknown): Promise<Selector> {
    if (isSelector(spec)) return Promise.resolve(spec);
    const key = JSON.stringify(spec);
    let s = this.selectors.get(key);
    if (!s) {
      s = (async () => {
        // Candidates reach select() already reranked by the pipeline's reranker, so sage cuts those scores as they
        // are (no second scoring pass); corag still needs it as the utility of whole combinations.
        const reranker = selectorNameOf(spec) === 'sage' ? undefined : await this.reranker();
        // An embedding reranker inside a selector spec needs the pipeline's embedder; load it only then.
        const wantsEmbedder = JSON.stringify(spec).includes('"embedding"');
        return resolveSelector(spec, {
          ...(reranker ? { reranker } : {}),
          ...(this.parts.llm ? { llm: this.parts.llm } : {}),
          ...(wantsEmbedder ? { embedder: await this.embedder() } : {}),
        });
      })();
      s.catch(() => this.selectors.delete(key));
      this.selectors.set(key, s);
    }
    return s;
  }

  /** The chunker for an add: the given object, `none`, or the config laid over the index's recorded config. */
  private async chunker(
    recorded: Record<string, unknown> | null,
    embedder: Embedder | undefined,
    defaultEmbedder: () => Promise<Embedder>,
  ): Promise<{ chunker: Chunker; config?: Record<string, unknown>; tokenizer?: string }> {
    if (this.parts.chunker) return { chunker: this.parts.chunker };
    const given = givenChunkerSettings(this.config);
    const name = (given.chunker as string | undefined) ?? (recorded?.chunker as string | undefined) ?? PIPELINE_DEFAULTS.chunker;
    const dir = this.store.dir ?? MEMORY_INDEX;
    if (name === WHOLE_DOCUMENTS) {
      const tokenizer = ((given.tokenizer ?? recorded?.tokenizer) as TokenizerName | undefined) ?? 'cl100k';
      const config = { chunker: WHOLE_DOCUMENTS, tokenizer };
      checkChunkerConfig(dir, recorded, config);
      return { chunker: await wholeDocumentChunker(tokenizer), config, tokenizer };
    }
    // The embedding-based chunkers use the pipeline's embedder, or use-lite without storing vectors.
    const forChunks = embedder ?? (chunkerNeedsEmbedder(given, recorded) ? await defaultEmbedder() : undefined);
    const base = recorded?.chunker === WHOLE_DOCUMENTS ? null : recorded;
    const { chunker, config } = await buildChunker(given, base, forChunks);
    checkChunkerConfig(dir, recorded, config as Record<string, unknown>);
    return { chunker, config: config as Record<string, unknown>, tokenizer: (config as ParsedChunkerConfig & { tokenizer?: string }).tokenizer ?? 'cl100k' };
  }

  private describeGivenChunker(): Record<string, unknown> {
    const given = givenChunkerSettings(this.config);
    return { chunker: PIPELINE_DEFAULTS.chunker, ...given };
  }

  private async *readPaths(roots: string[], opts: IndexOptions, seen: Set<string>): AsyncGenerator<Document> {
    const ext = opts.ext ?? (typeof this.config.ext === 'string' ? this.config.ext.split(',').map((s) => s.trim()).filter(Boolean) : this.config.ext);
    const docs = readDocuments(roots, {
      ...(ext ? { extensions: [...ext] } : {}),
      ...runOptions(opts),
      ...(opts.onIssue ? { onIssue: opts.onIssue } : {}),
      ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
    });
    for await (const d of docs) {
      seen.add(d.id);
      yield d;
    }
  }
}

type IndexStream = AsyncIterable<Document> | Iterable<Document>;

function isStringArray(v: unknown): v is readonly string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
}

/** RunOptions without undefined members (the index's option schemas are strict). */
function runOptions(o: RunOptions): RunOptions {
  return { ...(o.signal ? { signal: o.signal } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}) };
}

/** Forwards only embedding progress (unit 'texts'), for runs whose own progress counts something else. */
function embeddingProgressOnly(cb: ProgressCallback): ProgressCallback {
  return (p) => {
    if (p.unit === 'texts') cb(p);
  };
}
