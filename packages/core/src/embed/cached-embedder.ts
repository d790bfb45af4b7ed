import { notifyProgress, type RunOptions } from '../abort.js';
import type { Embedder } from '../types.js';
import { EmbeddingCache, type EmbeddingCacheStats } from './embedding-cache.js';

export interface CachedEmbedderOptions {
  embedder: Embedder;
  dir: string;
  /** Bound on the cache folder's size (see EmbeddingCache). */
  maxBytes?: number;
  /** Told after each embed call: "embedded M of N texts (K cached)". */
  info?: (message: string) => void;
  /** The same counts as numbers, after each embed call (callers that sum them over a run). */
  onEmbedded?: (counts: EmbeddedCounts) => void;
}

/** One embed call through the cache: `texts` asked, `embedded` run through the model (distinct misses), `cached` hits. */
export interface EmbeddedCounts {
  texts: number;
  embedded: number;
  cached: number;
}

/**
 * An embedder that looks texts up in an on-disk cache first and embeds only the misses (keyed by the inner
 * embedder's id, which must change whenever its vectors would). Owns the inner embedder: `close()` closes both.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  readonly #inner: Embedder;
  readonly #cache: EmbeddingCache;
  readonly #info: ((message: string) => void) | undefined;
  readonly #onEmbedded: ((counts: EmbeddedCounts) => void) | undefined;

  private constructor(inner: Embedder, cache: EmbeddingCache, opts: CachedEmbedderOptions) {
    this.#inner = inner;
    this.#cache = cache;
    this.#info = opts.info;
    this.#onEmbedded = opts.onEmbedded;
    this.id = inner.id;
    this.dim = inner.dim;
    this.maxTokens = inner.maxTokens;
  }

  static async create(opts: CachedEmbedderOptions): Promise<CachedEmbedder> {
    // An embedder whose vectors depend on settings its public id leaves out (use-lite's long-text policy) names a
    // finer cacheId.
    const key = (opts.embedder as { cacheId?: unknown }).cacheId;
    const modelId = typeof key === 'string' && key.length > 0 ? key : opts.embedder.id;
    const cache = await EmbeddingCache.open({ dir: opts.dir, modelId, dim: opts.embedder.dim, ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}) });
    return new CachedEmbedder(opts.embedder, cache, opts);
  }

  /** The wrapped embedder's config (the cache does not change its vectors). */
  get config(): unknown {
    return (this.#inner as { config?: unknown }).config;
  }

  /** The wrapped embedder's cache key (see CachedEmbedder.create). */
  get cacheId(): string {
    return this.#cache.modelId;
  }

  get inner(): Embedder {
    return this.#inner;
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    const found = await this.#cache.get(texts);
    const missIdx: number[] = [];
    const missText: string[] = [];
    const firstOf = new Map<string, number>();
    for (let i = 0; i < texts.length; i++) {
      if (found[i] !== undefined) continue;
      const t = texts[i]!;
      if (!firstOf.has(t)) {
        firstOf.set(t, missText.length);
        missText.push(t);
      }
      missIdx.push(i);
    }
    const cached = texts.length - missIdx.length;
    if (missText.length > 0) {
      // Progress counts cached texts as done, so a mostly cached run does not look stuck at 0.
      const onProgress = opts.onProgress;
      const inner: RunOptions = {
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(onProgress
          ? { onProgress: (p) => p.status === 'progress' && notifyProgress(onProgress, { ...p, done: cached + Math.round((p.done * missIdx.length) / Math.max(1, missText.length)), total: texts.length }) }
          : {}),
      };
      const vecs = await this.#inner.embed(missText, inner);
      await this.#cache.put(missText, vecs);
      for (const i of missIdx) found[i] = vecs[firstOf.get(texts[i]!)!];
    }
    notifyProgress(opts.onProgress, { status: 'done', done: texts.length, total: texts.length, unit: 'texts' });
    if (texts.length > 0) {
      try {
        this.#onEmbedded?.({ texts: texts.length, embedded: missText.length, cached });
        this.#info?.(`embedded ${missText.length} of ${texts.length} texts (${cached} cached)`);
      } catch {
        // A broken log sink must not stop embedding.
      }
    }
    return found as Float32Array[];
  }

  stats(): EmbeddingCacheStats {
    return this.#cache.stats();
  }

  async close(): Promise<void> {
    await this.#cache.close();
    await this.#inner.close?.();
  }
}
