import { SiftError, type Embedder, type RunOptions, type Segmenter } from '@sift/core';
import { z } from 'zod';
import { checkSegmentInput } from './check-segment-input.js';
import { DEFAULT_PAIR_MODEL_DIR, loadPairModel, type PairModelConfig } from './pair-model-files.js';
import { pairProbabilities, type PairMlpWeights } from './pair-mlp.js';
import { orderBy, pickBoundaries } from './pick-boundaries.js';
import { meanUnit } from './mean-unit.js';
import { embedSentences, type VectorSegmenter } from './vector-segmenter.js';

export const PairClassifierOptionsSchema = z
  .object({
    /** Folder with config.json + weights.bin; defaults to the weights shipped with @sift/chunkers. */
    modelDir: z.string().min(1).optional(),
    /** Boundary where P(same) < threshold; defaults to the model's own threshold. */
    threshold: z.number().min(0).max(1).optional(),
    /**
     * Sentences averaged (then re-normalised) on each side of a gap before the MLP sees them; defaults to the
     * context the model was trained with (1 = SAGE's two single sentences).
     */
    context: z.number().int().min(1).optional(),
    /** Shortest segment, in sentences. */
    minSegment: z.number().int().min(1).default(1),
  })
  .strict();
export type PairClassifierOptions = z.input<typeof PairClassifierOptionsSchema>;

/**
 * SAGE's segmentation model: an MLP over [x1, x2, |x1−x2|, x1⊙x2] of adjacent sentence embeddings predicts
 * P(same segment); boundaries go where it falls below the threshold (lowest first, segments ≥ minSegment), or at
 * the k−1 lowest when k is known.
 */
export class PairClassifierSegmenter implements Segmenter, VectorSegmenter {
  readonly name = 'pair-classifier';
  readonly embedder: Embedder;
  readonly config: PairModelConfig;
  readonly options: z.output<typeof PairClassifierOptionsSchema>;
  readonly #weights: PairMlpWeights;

  private constructor(options: z.output<typeof PairClassifierOptionsSchema>, embedder: Embedder, config: PairModelConfig, weights: PairMlpWeights) {
    this.options = options;
    this.embedder = embedder;
    this.config = config;
    this.#weights = weights;
  }

  static async create(options: PairClassifierOptions, embedder: Embedder): Promise<PairClassifierSegmenter> {
    const parsed = PairClassifierOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `pair-classifier options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const { config, weights } = await loadPairModel(parsed.data.modelDir ?? DEFAULT_PAIR_MODEL_DIR);
    if (config.embedder !== embedder.id || config.dim !== embedder.dim) {
      throw new SiftError(
        'E_BAD_CONFIG',
        `pair-classifier weights were trained on '${config.embedder}' (${config.dim}-d) embeddings, but the embedder is '${embedder.id}' (${embedder.dim}-d)`,
        { details: { expected: config.embedder, got: embedder.id } },
      );
    }
    return new PairClassifierSegmenter(parsed.data, embedder, config, weights);
  }

  async segment(sentences: string[], opts: RunOptions & { k?: number } = {}): Promise<number[]> {
    checkSegmentInput(sentences, opts.k, this.name);
    const vectors = await embedSentences(this.embedder, sentences, opts);
    return this.segmentVectors(vectors, opts.k === undefined ? {} : { k: opts.k });
  }

  /** P(same segment) for every gap. */
  probabilities(vectors: readonly Float32Array[]): Float64Array {
    const c = this.options.context ?? this.config.context;
    if (c === 1) return pairProbabilities(this.#weights, vectors);
    const left: Float32Array[] = [];
    const right: Float32Array[] = [];
    for (let g = 0; g + 1 < vectors.length; g++) {
      left.push(meanUnit(vectors.slice(Math.max(0, g - c + 1), g + 1)));
      right.push(meanUnit(vectors.slice(g + 1, Math.min(vectors.length, g + 1 + c))));
    }
    const out = new Float64Array(left.length);
    for (let g = 0; g < left.length; g++) out[g] = pairProbabilities(this.#weights, [left[g]!, right[g]!])[0]!;
    return out;
  }

  segmentVectors(vectors: readonly Float32Array[], opts: { k?: number } = {}): number[] {
    const n = vectors.length;
    if (n < 2 || opts.k === 1) return [];
    const p = this.probabilities(vectors);
    const order = orderBy(p, (g) => -p[g]!);
    if (opts.k !== undefined) return pickBoundaries(order, n, this.options.minSegment, opts.k - 1);
    const threshold = this.options.threshold ?? this.config.threshold;
    return pickBoundaries(order.filter((g) => p[g]! < threshold), n, this.options.minSegment);
  }
}
