import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { throwIfAborted, type RunOptions } from '../../abort.js';
import { SiftError } from '../../errors.js';
import { DeviceSchema } from '../../onnx/device.js';
import type { OnnxLogger } from '../../onnx/onnx-log.js';
import { OnnxSession } from '../../onnx/onnx-session.js';
import { loadedOrt } from '../../onnx/_ort.js';
import { embedInBatches } from '../embed-in-batches.js';
import { defaultEmbedderWarn, safeWarn, type EmbedderWarn } from '../embedder-log.js';
import { normalize } from '../vector-math.js';
import type { CharSpan, LateChunkingEmbedder } from './late-chunking.js';
import { loadM2Checkpoint } from './m2-checkpoint.js';
import { m2SequenceLength, masksPadding, readM2Config, SIFT_M2_MINI, type M2Config } from './m2-config.js';
import { m2GraphFile } from './m2-graph-cache.js';
import { DEFAULT_M2_RADIX } from './m2-graph.js';
import { M2Tokenizer } from './m2-tokenizer.js';
import type { M2Weights } from './m2-weights.js';

/** Smallest graph length a mask_padding model is run at. */
const MIN_BUCKET = 128;

export const M2EmbedderOptionsSchema = z.object({
  /** `sift-m2-mini` or a folder with config.json + model.safetensors + tokenizer.json (onnx/model.onnx optional). */
  model: z.string().min(1),
  device: DeviceSchema.default('auto'),
  threads: z.number().int().min(1).max(1024).optional(),
  normalize: z.boolean().default(true),
  /** `matmul`: FFT as matrix products (every execution provider); `dft`: the ONNX DFT op (onnxruntime: CPU only). */
  fft: z.enum(['matmul', 'dft']).default('matmul'),
  maxRadix: z.number().int().min(2).max(65536).default(DEFAULT_M2_RADIX),
  /**
   * `per-call` (default): filter spectra computed on every call. `fold`: folded once per session (about a third less
   * CPU per call, but onnxruntime keeps ~1 GB per session at 2k and ~5 GB at 8k resident; one session per length).
   */
  kernels: z.enum(['per-call', 'fold']).default('per-call'),
  /** Tokens per text incl. [CLS]/[SEP]; default and ceiling: the model's length. Official models always pad to it. */
  maxTokens: z.number().int().min(8).optional(),
  /** Where graphs built from safetensors are cached (default $SIFT_CACHE_DIR/m2-graphs or ~/.cache/sift/m2-graphs). */
  graphCacheDir: z.string().optional(),
  batchSize: z.number().int().min(1).max(4096).default(8),
  /** Cap on padded tokens per call (rows × graph length). */
  maxBatchTokens: z.number().int().min(1).default(32_768),
});
export type M2EmbedderOptions = z.input<typeof M2EmbedderOptionsSchema> & { warn?: EmbedderWarn; log?: OnnxLogger };

/** `models/sift-m2-mini` of the Sift checkout this file lives in, or undefined outside a checkout. */
export function siftM2MiniDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = path.dirname(from); ; ) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
      const m = path.join(dir, 'models', SIFT_M2_MINI);
      return existsSync(path.join(m, 'config.json')) ? m : undefined;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

interface Forward {
  hidden?: Float32Array;
  pooled: Float32Array;
  length: number;
}

/**
 * M2-BERT (Monarch Mixer) long-context encoder on onnxruntime: one vector per text ([CLS] → dense → tanh, or with
 * `sift.pooling: "mean"` the mean of the real tokens' states → dense → tanh; padded to the model's length as the
 * reference does; models trained with `sift.mask_padding` run at the smallest power-of-two length that fits, with the
 * same result), and late chunking (`embedSpans`): the whole document is encoded once and each span's vector is
 * tanh(dense(mean of its token states)), as scripts/m2/README.md defines it.
 */
export class M2Embedder implements LateChunkingEmbedder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  readonly modelDir: string;
  readonly config: { name: 'm2'; model: string; normalize: boolean; maxTokens: number };
  readonly #o: z.output<typeof M2EmbedderOptionsSchema>;
  readonly #m2: M2Config;
  readonly #tok: M2Tokenizer;
  readonly #pooler: { w: Float32Array; b: Float32Array };
  readonly #weights: () => Promise<M2Weights>;
  readonly #warn: EmbedderWarn;
  readonly #log: OnnxLogger | undefined;
  readonly #sessions = new Map<number, Promise<OnnxSession>>();
  #closed = false;

  private constructor(init: { o: z.output<typeof M2EmbedderOptionsSchema>; dir: string; m2: M2Config; tok: M2Tokenizer; weights: M2Weights; warn: EmbedderWarn; log?: OnnxLogger }) {
    this.#o = init.o;
    this.#m2 = init.m2;
    this.#tok = init.tok;
    this.#warn = init.warn;
    this.#log = init.log;
    this.#pooler = { w: init.weights.pooler.w.data, b: init.weights.pooler.b.data };
    // Only graph building needs every weight, and a built graph is cached: re-read the checkpoint then rather than
    // hold it (hundreds of MB for the official models).
    this.#weights = () => loadM2Checkpoint(init.dir);
    this.modelDir = init.dir;
    this.dim = init.m2.hidden_size;
    const full = m2SequenceLength(init.m2);
    this.maxTokens = Math.min(init.o.maxTokens ?? full, full);
    const name = init.o.model === SIFT_M2_MINI ? SIFT_M2_MINI : init.dir;
    this.id = `m2:${name}:${this.maxTokens}${init.o.normalize ? ':norm' : ''}`;
    this.config = { name: 'm2', model: name, normalize: init.o.normalize, maxTokens: this.maxTokens };
  }

  static async create(options: M2EmbedderOptions): Promise<M2Embedder> {
    const parsed = M2EmbedderOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid M2 embedder options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const dir = o.model === SIFT_M2_MINI ? siftM2MiniDir() : path.resolve(o.model);
    if (dir === undefined) {
      throw new SiftError('E_MODEL_MISSING', `${SIFT_M2_MINI} ships in the Sift repository (models/${SIFT_M2_MINI}); outside a checkout pass its folder`);
    }
    if (!existsSync(dir)) throw new SiftError('E_MODEL_MISSING', `M2 model folder not found: ${dir}`, { details: { dir } });
    const m2 = await readM2Config(path.join(dir, 'config.json'));
    const full = m2SequenceLength(m2);
    if (o.maxTokens !== undefined && o.maxTokens > full) {
      throw new SiftError('E_BAD_CONFIG', `maxTokens ${o.maxTokens} exceeds the M2 model's length ${full} (${dir})`, { details: { key: 'maxTokens' } });
    }
    const [tok, weights] = await Promise.all([M2Tokenizer.fromDir(dir, m2), loadM2Checkpoint(dir)]);
    return new M2Embedder({ o, dir, m2, tok, weights, warn: options.warn ?? defaultEmbedderWarn, ...(options.log ? { log: options.log } : {}) });
  }

  /** The graph length a row of `n` tokens runs at: the full length, or for mask_padding models the next power of two. */
  #bucket(n: number): number {
    const full = m2SequenceLength(this.#m2);
    if (!masksPadding(this.#m2)) return full;
    let b = MIN_BUCKET;
    while (b < n) b *= 2;
    return Math.min(b, full);
  }

  #session(length: number): Promise<OnnxSession> {
    let s = this.#sessions.get(length);
    if (!s) {
      const o = this.#o;
      const full = m2SequenceLength(this.#m2);
      s = m2GraphFile(this.modelDir, this.#weights, {
        length,
        fullLength: full,
        fft: o.fft,
        maxRadix: o.maxRadix,
        kernels: o.kernels,
        defaults: o.fft === 'matmul' && o.maxRadix === DEFAULT_M2_RADIX && o.kernels === 'per-call',
        ...(o.graphCacheDir !== undefined ? { cacheDir: o.graphCacheDir } : {}),
      }).then((file) =>
        OnnxSession.create(file, { device: o.device, memoryPattern: false, ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(this.#log ? { log: this.#log } : {}) }),
      );
      s.catch(() => this.#sessions.delete(length));
      this.#sessions.set(length, s);
    }
    return s;
  }

  /** Runs rows (each ≤ length tokens) padded with [PAD] to `length`. */
  async #forward(rows: number[][], length: number, wantHidden: boolean): Promise<Forward> {
    const session = await this.#session(length);
    const B = rows.length;
    const pad = BigInt(this.#m2.sift?.pad_token_id ?? this.#m2.pad_token_id);
    const ids = new BigInt64Array(B * length).fill(pad);
    const mask = new BigInt64Array(B * length);
    rows.forEach((r, b) => r.forEach((id, t) => ((ids[b * length + t] = BigInt(id)), (mask[b * length + t] = 1n))));
    const { Tensor } = loadedOrt();
    const feeds: Record<string, ort.Tensor> = { input_ids: new Tensor('int64', ids, [B, length]) };
    if (session.inputNames.includes('attention_mask')) feeds['attention_mask'] = new Tensor('int64', mask, [B, length]);
    const fetch = wantHidden ? ['pooler_output', 'last_hidden_state'] : ['pooler_output'];
    const out = await session.session.run(feeds, fetch);
    const pooled = out['pooler_output']!.data as Float32Array;
    const hidden = wantHidden ? (out['last_hidden_state']!.data as Float32Array) : undefined;
    return { pooled, length, ...(hidden ? { hidden } : {}) };
  }

  tokenize(text: string): number[] {
    this.#check();
    return this.#tok.encode(text, this.maxTokens).ids;
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    this.#check();
    let truncated = 0;
    const encoded = texts.map((t) => {
      const e = this.#tok.encode(t, this.maxTokens);
      if (e.truncated) truncated++;
      return e.ids;
    });
    if (truncated > 0) safeWarn(this.#warn, `${this.config.model}: truncated ${truncated} of ${texts.length} texts to ${this.maxTokens} tokens`);
    const d = this.dim;
    return embedInBatches(
      encoded,
      async (batch) => {
        const length = this.#bucket(Math.max(...batch.map((r) => r.length)));
        const rowsPerCall = Math.max(1, Math.floor(this.#o.maxBatchTokens / length));
        const out: Float32Array[] = [];
        for (let i = 0; i < batch.length; i += rowsPerCall) {
          const f = await this.#forward(batch.slice(i, i + rowsPerCall), length, false);
          for (let b = 0; b * d < f.pooled.length; b++) out.push(this.#finish(f.pooled.slice(b * d, (b + 1) * d)));
        }
        return out;
      },
      { ...opts, maxBatchSize: this.#o.batchSize, lengthOf: (r) => r.length, dim: d, label: this.config.model },
    );
  }

  /**
   * Late chunking: encodes `text` once (in windows of maxTokens − 2 content tokens when longer) and returns, per span,
   * tanh(dense(mean of the span's token states)). A span with no token of its own takes the token it starts in.
   */
  async embedSpans(text: string, spans: readonly CharSpan[], opts: RunOptions = {}): Promise<Float32Array[]> {
    this.#check();
    for (const s of spans) {
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length)) {
        throw new SiftError('E_BAD_INPUT', `span [${s.start}, ${s.end}) is outside the text (length ${text.length})`);
      }
    }
    const edges = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
    const seg = this.#tok.segments(text, edges);
    const W = this.maxTokens - 2;
    const n = seg.ids.length;
    const windows = Math.max(1, Math.ceil(n / W));
    const d = this.dim;
    // Per content token, its hidden row (summed into spans below); one window's states at a time.
    const sums = spans.map(() => new Float64Array(d));
    const counts = new Int32Array(spans.length);
    const ranges = spans.map((s) => {
      let a = seg.edgeToken.get(s.start)!;
      let b = seg.edgeToken.get(s.end)!;
      if (b <= a) {
        a = Math.max(0, Math.min(a, n - 1));
        b = a + 1;
      }
      return [a, b] as const;
    });
    for (let w = 0; w < windows; w++) {
      throwIfAborted(opts.signal);
      const from = w * W;
      const to = Math.min(n, from + W);
      const row = [this.#tok.cls, ...seg.ids.slice(from, to), this.#tok.sep];
      const f = await this.#forward([row], this.#bucket(row.length), true);
      const h = f.hidden!;
      ranges.forEach(([a, b], i) => {
        const lo = Math.max(a, from);
        const hi = Math.min(b, to);
        // A text with no tokens at all pools its [CLS] row.
        const rowsOf = n === 0 ? [0] : Array.from({ length: Math.max(0, hi - lo) }, (_, k) => 1 + lo + k - from);
        for (const r of rowsOf) {
          for (let j = 0; j < d; j++) sums[i]![j]! += h[r * d + j]!;
          counts[i]!++;
        }
      });
      opts.onProgress?.({ status: 'progress', done: w + 1, total: windows, unit: 'windows' });
    }
    return sums.map((s, i) => this.#finish(this.#pool(s.map((v) => v / Math.max(1, counts[i]!)))));
  }

  /** BertPooler on a pooled state: tanh(W·x + b). */
  #pool(x: Float64Array): Float32Array {
    const d = this.dim;
    const { w, b } = this.#pooler;
    const out = new Float32Array(d);
    for (let o = 0; o < d; o++) {
      let acc = b[o]!;
      for (let i = 0; i < d; i++) acc += w[o * d + i]! * x[i]!;
      out[o] = Math.tanh(acc);
    }
    return out;
  }

  #finish(v: Float32Array): Float32Array {
    return this.#o.normalize ? normalize(v, { inPlace: true }) : v;
  }

  #check(): void {
    if (this.#closed) throw new SiftError('E_CLOSED', `M2 embedder ${this.config.model} is closed`);
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const s of sessions) await (await s.catch(() => undefined))?.close();
  }
}
