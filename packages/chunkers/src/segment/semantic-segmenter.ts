import { SiftError, type Embedder, type RunOptions, type Segmenter } from '@sift/core';
import { z } from 'zod';
import { checkSegmentInput } from './check-segment-input.js';
import { orderBy, pickBoundaries } from './pick-boundaries.js';
import { savitzkyGolay } from './savitzky-golay.js';
import { embedSentences, type VectorSegmenter } from './vector-segmenter.js';
import { windowSimilarity } from './window-similarity.js';

export const SemanticSegmenterOptionsSchema = z
  .object({
    /** Sentences averaged on each side of a gap. */
    window: z.number().int().min(1).default(3),
    /** Savitzky–Golay window and polynomial order (chonkie's defaults: 5 and 3). */
    sgWindow: z.number().int().min(1).default(5),
    sgOrder: z.number().int().min(0).default(3),
    /** Split at distance peaks ≥ this cosine distance; when absent, use `percentile`. */
    threshold: z.number().min(0).max(2).optional(),
    /** Split at distance peaks at or above this percentile of all (smoothed) gap distances. */
    percentile: z.number().min(0).max(100).default(80),
    /** Shortest segment, in sentences. */
    minSegment: z.number().int().min(1).default(2),
  })
  .strict();
export type SemanticSegmenterOptions = z.input<typeof SemanticSegmenterOptionsSchema>;

/**
 * Semantic splitting as chonkie does it, on windows: distance 1 − cos(mean of the window before a gap, mean of the
 * window after), smoothed with a Savitzky–Golay filter; split at local peaks above a threshold or percentile,
 * highest first, keeping segments ≥ minSegment. With known k, the k−1 highest smoothed distances.
 */
export class SemanticSegmenter implements Segmenter, VectorSegmenter {
  readonly name = 'semantic';
  readonly options: z.output<typeof SemanticSegmenterOptionsSchema>;
  readonly embedder: Embedder;

  constructor(options: SemanticSegmenterOptions, embedder: Embedder) {
    const parsed = SemanticSegmenterOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `semantic options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    this.options = parsed.data;
    this.embedder = embedder;
  }

  async segment(sentences: string[], opts: RunOptions & { k?: number } = {}): Promise<number[]> {
    checkSegmentInput(sentences, opts.k, this.name);
    const vectors = await embedSentences(this.embedder, sentences, opts);
    return this.segmentVectors(vectors, opts.k === undefined ? {} : { k: opts.k });
  }

  /** Smoothed distance per gap (exposed for plots and tests). */
  distances(vectors: readonly Float32Array[]): Float64Array {
    const sim = windowSimilarity(vectors, this.options.window);
    return savitzkyGolay(sim.map((s) => 1 - s), this.options.sgWindow, this.options.sgOrder);
  }

  segmentVectors(vectors: readonly Float32Array[], opts: { k?: number } = {}): number[] {
    const n = vectors.length;
    if (n < 2 || opts.k === 1) return [];
    const o = this.options;
    const dist = this.distances(vectors);
    const order = orderBy(dist);
    if (opts.k !== undefined) return pickBoundaries(order, n, o.minSegment, opts.k - 1);
    const cut = o.threshold ?? percentile(dist, o.percentile);
    const peaks = order.filter((g) => dist[g]! >= cut && isLocalMax(dist, g));
    return pickBoundaries(peaks, n, o.minSegment);
  }
}

function isLocalMax(s: ArrayLike<number>, g: number): boolean {
  return (g === 0 || s[g]! >= s[g - 1]!) && (g === s.length - 1 || s[g]! >= s[g + 1]!);
}

/** Linear-interpolated percentile (numpy's default). */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
