import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { SiftError, type Chunk } from '@sift/core';
import { HNSW_FILE, HNSW_LABELS_FILE, HnswIndex } from './hnsw-index.js';
import type { HnswOptions } from './hnsw-options.js';

/** What SiftIndex passes with each batch (structurally the index's IndexBatchContext). */
export interface HnswBatchContext {
  dir: string;
  generation: number;
  removedChunkIds: readonly string[];
}

/**
 * Keeps an HNSW graph (`hnsw.bin` + `hnsw.labels.json`) in step with an index's chunks: pass it to
 * `SiftIndex.add(docs, { chunker, embedder, extensions: [new HnswExtension()] })`. Continues an existing graph in
 * the folder (incremental adds), applies removals with markDelete, and writes both files at commit. The files it
 * replaces are kept as `*.prev` and put back by `abort`, which SiftIndex calls when the manifest commit fails after
 * the extensions committed, so the graph on disk always matches the committed index.
 */
const FILES = [HNSW_FILE, HNSW_LABELS_FILE] as const;

export class HnswExtension {
  readonly name = 'hnsw';
  readonly #options: HnswOptions;
  #index: HnswIndex | undefined;
  #generation: number | undefined;
  /** Set once `commit` has replaced the files on disk in this add (abort must then restore them). */
  #wrote: 'none' | 'replaced' | 'created' = 'none';

  constructor(options: HnswOptions = {}) {
    this.#options = options;
  }

  async onBatch(chunks: Chunk[], vectors: Float32Array[] | undefined, ctx: HnswBatchContext): Promise<void> {
    if (!vectors) {
      throw new SiftError('E_BAD_CONFIG', `The hnsw index extension needs vectors: add documents to ${ctx.dir} with an embedder`, {
        details: { key: 'embedder' },
      });
    }
    this.#generation = ctx.generation;
    const dim = vectors[0]?.length;
    if (!this.#index) {
      if (HnswIndex.exists(ctx.dir)) this.#index = await HnswIndex.load(ctx.dir);
      else if (dim !== undefined) this.#index = HnswIndex.create(dim, { ...this.#options, initialCapacity: Math.max(1024, chunks.length) });
    }
    const index = this.#index;
    if (!index) return; // nothing to index yet (an empty first batch)
    if (dim !== undefined && dim !== index.dim) {
      throw new SiftError('E_INDEX_CORRUPT', `${ctx.dir}: HNSW graph has dimension ${index.dim} but the embedder gives ${dim}`);
    }
    if (ctx.removedChunkIds.length > 0) index.remove(ctx.removedChunkIds);
    index.add(
      chunks.map((c) => c.id),
      vectors,
    );
  }

  async commit(dir: string): Promise<void> {
    if (!this.#index) return;
    const existed = HnswIndex.exists(dir);
    if (existed) for (const f of FILES) await rename(path.join(dir, f), path.join(dir, `${f}.prev`));
    this.#wrote = existed ? 'replaced' : 'created';
    await this.#index.save(dir, this.#generation !== undefined ? { generation: this.#generation } : {});
  }

  /** Drops in-memory state and, if this add already wrote its graph, puts the previous files back. */
  async abort(dir: string): Promise<void> {
    this.#index = undefined;
    this.#generation = undefined;
    const wrote = this.#wrote;
    this.#wrote = 'none';
    if (wrote === 'none') return;
    for (const f of FILES) {
      const prev = path.join(dir, `${f}.prev`);
      if (wrote === 'replaced' && existsSync(prev)) await rename(prev, path.join(dir, f));
      else await rm(path.join(dir, f), { force: true });
    }
  }
}
