import { SiftError, type Embedder, type RunOptions, type Segmenter } from '@sift/core';
import { z } from 'zod';
import { checkSegmentInput } from './check-segment-input.js';
import { depthScores, meanStd } from './depth-scores.js';
import { orderBy, pickBoundaries } from './pick-boundaries.js';
import { embedSentences, type VectorSegmenter } from './vector-segmenter.js';
import { windowSimilarity } from './window-similarity.js';

export const EmbeddingDepthOptionsSchema = z
  .object({
    /** Sentences averaged on each side of a gap. */
    window: z.number().int().min(1).default(3),
    /** 'HC': depth > μ − σ/2 over the local minima; 'LC': > μ − σ; a number: a fixed depth threshold. */
    cutoff: z.union([z.enum(['HC', 'LC']), z.number().min(0)]).default('HC'),
    /** Shortest segment, in sentences. */
    minSegment: z.number().int().min(1).default(2),
  })
  .strict();
export type EmbeddingDepthOptions = z.input<typeof EmbeddingDepthOptionsSchema>;

/**
 * TextTiling on sentence embeddings ("similarity valleys"): gap score = cosine of the mean embeddings of the
 * `window` sentences on each side, depth = climb to the left and right peaks. Boundaries at local minima deeper
 * than the cutoff, deepest first, keeping segments ≥ minSegment; with known k, the k−1 deepest gaps.
 */
export class EmbeddingDepthSegmenter implements Segmenter, VectorSegmenter {
  readonly name = 'embedding-depth';
  readonly options: z.output<typeof EmbeddingDepthOptionsSchema>;
  readonly embedder: Embedder;

  constructor(options: EmbeddingDepthOptions, embedder: Embedder) {
    const parsed = EmbeddingDepthOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `embedding-depth options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    this.options = parsed.data;
    this.embedder = embedder;
  }

  async segment(sentences: string[], opts: RunOptions & { k?: number } = {}): Promise<number[]> {
    checkSegmentInput(sentences, opts.k, this.name);
    const vectors = await embedSentences(this.embedder, sentences, opts);
    return this.segmentVectors(vectors, opts.k === undefined ? {} : { k: opts.k });
  }

  segmentVectors(vectors: readonly Float32Array[], opts: { k?: number } = {}): number[] {
    const n = vectors.length;
    if (n < 2 || opts.k === 1) return [];
    const o = this.options;
    const sim = windowSimilarity(vectors, o.window);
    const depth = depthScores(sim, 0);
    const order = orderBy(depth);
    if (opts.k !== undefined) return pickBoundaries(order, n, o.minSegment, opts.k - 1);
    const minima = order.filter((g) => isLocalMin(sim, g));
    let cutoff: number;
    if (typeof o.cutoff === 'number') cutoff = o.cutoff;
    else {
      const { mean, std } = meanStd(minima.map((g) => depth[g]!));
      cutoff = o.cutoff === 'LC' ? mean - std : mean - std / 2;
    }
    return pickBoundaries(minima.filter((g) => depth[g]! > cutoff), n, o.minSegment);
  }
}

function isLocalMin(s: ArrayLike<number>, g: number): boolean {
  return (g === 0 || s[g]! <= s[g - 1]!) && (g === s.length - 1 || s[g]! <= s[g + 1]!);
}
