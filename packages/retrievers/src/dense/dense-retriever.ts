import {
  SiftError,
  throwIfAborted,
  type Chunk,
  type Embedder,
  type Retriever,
  type RunOptions,
  type ScoredChunk,
} from '@sift/core';
import { z } from 'zod';
import { DenseOptionsSchema, type DenseOptions, type ResolvedDenseOptions } from './dense-options.js';
import { FlatIndex } from './flat-index.js';
import { HnswIndex } from './hnsw-index.js';

type VectorIndex = Pick<FlatIndex, 'search' | 'size'> & { add(ids: readonly string[], v: readonly Float32Array[]): void };

/** Dense retrieval over chunks held in memory: embeds them once, then answers by nearest neighbours of the query. */
export class DenseRetriever implements Retriever {
  readonly name = 'dense';
  readonly backend: 'flat' | 'hnsw';
  readonly #index: VectorIndex;
  readonly #byId: Map<string, Chunk>;
  readonly #embedder: Embedder;

  private constructor(index: VectorIndex, backend: 'flat' | 'hnsw', chunks: readonly Chunk[], embedder: Embedder) {
    this.#index = index;
    this.backend = backend;
    this.#embedder = embedder;
    this.#byId = new Map(chunks.map((c) => [c.id, c]));
  }

  /** Embeds `chunks` with `embedder` (batched, with progress and abort), then indexes them. */
  static async create(chunks: readonly Chunk[], options: DenseOptions, deps: RunOptions & { embedder?: Embedder }): Promise<DenseRetriever> {
    const embedder = requireEmbedder(deps.embedder);
    const o = parse(options);
    const vectors = await embedder.embed(
      chunks.map((c) => c.text),
      { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.onProgress ? { onProgress: deps.onProgress } : {}) },
    );
    return DenseRetriever.fromVectors(chunks, vectors, options, embedder, o);
  }

  /** Indexes chunks whose vectors are already known (from an index, a cache, or another retriever). */
  static fromVectors(
    chunks: readonly Chunk[],
    vectors: readonly Float32Array[],
    options: DenseOptions,
    embedder: Embedder,
    resolved?: ResolvedDenseOptions,
  ): DenseRetriever {
    const o = resolved ?? parse(options);
    if (vectors.length !== chunks.length) {
      throw new SiftError('E_BAD_INPUT', `dense: ${chunks.length} chunks but ${vectors.length} vectors`);
    }
    const ids = chunks.map((c) => c.id);
    if (new Set(ids).size !== ids.length) throw new SiftError('E_BAD_INPUT', 'dense: chunk ids must be unique');
    const backend = o.backend === 'auto' ? (chunks.length < o.flatBelow ? 'flat' : 'hnsw') : o.backend;
    const { backend: _b, flatBelow: _f, ...hnsw } = o;
    const index: VectorIndex =
      backend === 'flat'
        ? new FlatIndex(embedder.dim, o.space, Math.max(1, chunks.length))
        : HnswIndex.create(embedder.dim, { ...hnsw, initialCapacity: Math.max(1, chunks.length) });
    index.add(ids, vectors);
    return new DenseRetriever(index, backend, chunks, embedder);
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    // A query with no words has no meaning to embed: its vector would rank chunks arbitrarily.
    if (query.trim() === '') return [];
    const [q] = await this.#embedder.embed([query], opts.signal ? { signal: opts.signal } : {});
    return this.#index.search(q!, k).map((h, i) => ({
      ...this.#byId.get(h.id)!,
      score: h.score,
      explain: { denseRank: i + 1, denseBackend: this.backend },
    }));
  }
}

function requireEmbedder(e: Embedder | undefined): Embedder {
  if (!e) throw new SiftError('E_BAD_CONFIG', 'dense retrieval needs an embedder (deps.embedder)', { details: { key: 'embedder' } });
  return e;
}

function parse(options: DenseOptions): ResolvedDenseOptions {
  const parsed = DenseOptionsSchema.safeParse(options);
  if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid dense options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}
