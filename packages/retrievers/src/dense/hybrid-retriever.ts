import { SiftError, throwIfAborted, type Retriever, type RunOptions, type ScoredChunk } from '@sift/core';
import { z } from 'zod';
import { FusionOptionsSchema, type FusionOptions, type ResolvedFusionOptions } from './hybrid-options.js';
import { reciprocalRankFusion } from './rrf.js';

/**
 * Fuses a lexical and a dense retriever with weighted RRF. Both legs run concurrently; the fused list keeps chunk
 * shape and offsets, and `explain` carries each leg's rank (`<leg>Rank`) and score.
 */
export class HybridRetriever implements Retriever {
  readonly name = 'hybrid';
  readonly options: ResolvedFusionOptions;

  private constructor(
    private readonly lexical: Retriever,
    private readonly dense: Retriever,
    options: ResolvedFusionOptions,
  ) {
    this.options = options;
  }

  static create(legs: { lexical: Retriever; dense: Retriever }, options: FusionOptions = {}): HybridRetriever {
    const parsed = FusionOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid hybrid options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    if (legs.lexical.name === legs.dense.name) {
      throw new SiftError('E_BAD_CONFIG', `hybrid legs need distinct names to be told apart in explain (both are '${legs.dense.name}')`);
    }
    return new HybridRetriever(legs.lexical, legs.dense, parsed.data);
  }

  async retrieve(query: string, k: number, opts: RunOptions = {}): Promise<ScoredChunk[]> {
    throwIfAborted(opts.signal);
    const depth = Math.max(k, this.options.depth);
    const run = opts.signal ? { signal: opts.signal } : {};
    const [lex, den] = await Promise.all([
      this.options.lexicalWeight > 0 ? this.lexical.retrieve(query, depth, run) : Promise.resolve([]),
      this.options.denseWeight > 0 ? this.dense.retrieve(query, depth, run) : Promise.resolve([]),
    ]);
    return reciprocalRankFusion(
      [
        { name: this.lexical.name, weight: this.options.lexicalWeight, hits: lex },
        { name: this.dense.name, weight: this.options.denseWeight, hits: den },
      ],
      { k: this.options.rrfK, limit: k },
    );
  }
}
