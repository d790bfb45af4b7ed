import { SiftError, throwIfAborted, yieldToEventLoop } from '@sift/core';
import { z } from 'zod';
import { verifiedSideIndexFiles } from '../sift-index/side-index-files.js';
import type { SideIndexBuilder, SideIndexKind } from '../sift-index/side-index.js';
import { tuneEf } from './hnsw-ef-tune.js';
import { hnswFileNames, HnswIndex } from './hnsw-index.js';
import { HnswOptionsSchema } from './hnsw-options.js';

/** The manifest name of the HNSW side index. */
export const HNSW_SIDE_INDEX = 'hnsw';

/** The recall@10 an index's graph is tuned to when no `ef` is given. */
export const DEFAULT_RECALL_TARGET = 0.95;

/** `hnsw.<generation>`: each commit writes its own pair of files. */
export const hnswStem = (generation: number): string => `${HNSW_SIDE_INDEX}.${generation}`;

/**
 * The HNSW graph over an index's vectors, kept in step by `SiftIndex` (on by default for an index with an embedder).
 * An add continues the committed graph (loaded after its checksums are checked), or rebuilds it from the committed
 * vectors when there is none, it is stale or it is damaged; replaced chunks are marked deleted.
 */
export const hnswSideIndex: SideIndexKind = {
  name: HNSW_SIDE_INDEX,
  needsVectors: true,
  parseOptions(options) {
    const parsed = HnswOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid hnsw side index options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    const { initialCapacity: _capacity, ...rest } = parsed.data;
    // No ef given: each write chooses it from the graph (recall@10 ≥ 0.95 against exact search on a sample).
    const given = (options ?? {}) as { ef?: unknown; recallTarget?: unknown };
    return given.ef === undefined && given.recallTarget === undefined ? { ...rest, recallTarget: DEFAULT_RECALL_TARGET } : rest;
  },
  async begin(ctx): Promise<SideIndexBuilder> {
    let graph: HnswIndex | undefined;
    if (ctx.committed && Object.keys(ctx.committed.files).length > 0) {
      await verifiedSideIndexFiles(ctx.dir, HNSW_SIDE_INDEX, ctx.committed);
      graph = await HnswIndex.load(ctx.dir, { stem: hnswStem(ctx.committed.generation) });
    } else if (!ctx.committed) {
      for await (const { chunks, vectors } of ctx.committedChunks({ vectors: true })) {
        throwIfAborted(ctx.signal);
        if (!vectors || chunks.length === 0) continue;
        graph ??= HnswIndex.create(vectors[0]!.length, { ...ctx.options, initialCapacity: Math.max(1024, chunks.length) });
        graph.add(
          chunks.map((c) => c.id),
          vectors,
        );
        await yieldToEventLoop();
      }
    }
    return {
      async onBatch(chunks, vectors, removed) {
        if (removed.length > 0) graph?.remove(removed);
        if (chunks.length === 0) return;
        if (!vectors) {
          throw new SiftError('E_BAD_CONFIG', `The hnsw side index needs vectors: add documents to ${ctx.dir} with an embedder`, { details: { key: 'embedder' } });
        }
        graph ??= HnswIndex.create(vectors[0]!.length, { ...ctx.options, initialCapacity: Math.max(1024, chunks.length) });
        if (vectors[0]!.length !== graph.dim) {
          throw new SiftError('E_INDEX_CORRUPT', `${ctx.dir}: HNSW graph has dimension ${graph.dim} but the embedder gives ${vectors[0]!.length}`);
        }
        graph.add(
          chunks.map((c) => c.id),
          vectors,
        );
      },
      async write(dir, generation) {
        if (!graph) return []; // no vectors yet: an empty side index has no files
        const stem = hnswStem(generation);
        const target = (ctx.options as { recallTarget?: number }).recallTarget;
        if (target !== undefined) graph.useEf(tuneEf(graph, { target }).ef);
        await graph.save(dir, { generation, stem });
        const names = hnswFileNames(stem);
        return [names.bin, names.labels];
      },
    };
  },
};
