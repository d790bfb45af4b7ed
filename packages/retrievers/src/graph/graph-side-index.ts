import { SiftError, throwIfAborted } from '@sift/core';
import { z } from 'zod';
import type { SideIndexBuilder, SideIndexKind } from '../sift-index/side-index.js';
import { GraphBuilder } from './graph-builder.js';
import { writeGraphFile } from './graph-file.js';
import { GraphBuildOptionsSchema } from './graph-options.js';

/** The manifest name of the entity-graph side index. */
export const GRAPH_SIDE_INDEX = 'graph';

/** `graph.<generation>.bin`: each commit writes its own file. */
export const graphFileName = (generation: number): string => `${GRAPH_SIDE_INDEX}.${generation}.bin`;

/**
 * The passage–entity graph of an index (for `graph:*` retrievers), kept in step by `SiftIndex` once asked for
 * (`sideIndexes: { graph: {} }`). It covers every committed chunk, so each add loads the chunks already in the index
 * (entity dictionaries change with every new title, and old passages may mention new pages), drops replaced ones,
 * adds the new batches and writes the whole graph as this generation's file.
 */
export const graphSideIndex: SideIndexKind = {
  name: GRAPH_SIDE_INDEX,
  needsVectors: false,
  parseOptions(options) {
    const parsed = GraphBuildOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid graph side index options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    return parsed.data;
  },
  async begin(ctx): Promise<SideIndexBuilder> {
    const builder = GraphBuilder.create(ctx.options);
    if (builder.options.synonyms && !ctx.embedder) {
      throw new SiftError('E_BAD_CONFIG', 'graph: synonyms: true needs an index with an embedder', { details: { key: 'synonyms' } });
    }
    for await (const { chunks } of ctx.committedChunks({ vectors: false })) {
      throwIfAborted(ctx.signal);
      builder.add(chunks);
    }
    return {
      async onBatch(chunks, _vectors, removed) {
        builder.remove(removed);
        builder.add(chunks);
      },
      async write(dir, generation) {
        const graph = await builder.build({
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(builder.options.synonyms && ctx.embedder ? { embedder: ctx.embedder } : {}),
        });
        const name = graphFileName(generation);
        await writeGraphFile(`${dir}/${name}`, graph, generation);
        return [name];
      },
    };
  },
};
