import path from 'node:path';
import { z } from 'zod';
import { notifyProgress, throwIfAborted, type RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import { DeviceSchema, type OnnxLogger } from '../onnx/index.js';
import type { AttentionOptions, CausalLM, GenerateOptions, TokenLogprobsOptions } from '../types.js';
import { DecoderSession, type KvCache } from './decoder-session.js';
import { resolveLmDir, SIFT_LM_MINI } from './lm-model-dir.js';
import { LmTokenizer } from './lm-tokenizer.js';
import { logSoftmaxRow, logSumExp } from './log-softmax.js';
import { sampleToken, seededRandom } from './sample-token.js';
import { planWindows } from './window-plan.js';

export const OnnxCausalLMOptionsSchema = z
  .object({
    model: z
      .string()
      .min(1)
      .describe(`'${SIFT_LM_MINI}', a folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) or an org/name in cacheDir`),
    onnxFile: z.string().min(1).optional().describe('ONNX file inside the folder, e.g. onnx/model_fp16.onnx'),
    cacheDir: z.string().min(1).optional().describe('where org/name model ids are looked for (default ~/.cache/sift/models)'),
    device: DeviceSchema.default('auto'),
    threads: z.number().int().min(1).max(1024).optional(),
    contextLength: z.number().int().min(2).optional().describe('overrides config.json max_position_embeddings'),
    window: z.number().int().min(2).optional().describe('default tokenLogprobs window (default min(contextLength, 4096))'),
    maxLogitsPerRun: z
      .number()
      .int()
      .min(1)
      .default(8 * 1024 * 1024)
      .describe('tokens × vocabulary per onnxruntime call; longer inputs go through the KV cache in blocks'),
  })
  .strict();
export type OnnxCausalLMOptions = z.input<typeof OnnxCausalLMOptionsSchema> & { log?: OnnxLogger };

const DEFAULT_WINDOW = 4096;

/**
 * A causal LM exported to ONNX in the Hugging Face decoder convention (see scripts/export-hf-decoder.py), run by
 * onnxruntime with a KV cache. The shipped `sift-lm-mini` is one; so is an export of e.g. Qwen2.5-0.5B-Instruct.
 */
export class OnnxCausalLM implements CausalLM {
  readonly id: string;
  readonly contextLength: number;
  readonly vocabSize: number;
  readonly tokenizer: LmTokenizer;
  /** Default tokenLogprobs window. */
  readonly window: number;
  readonly #decoder: DecoderSession;
  readonly #maxLogits: number;
  #closed = false;

  private constructor(id: string, decoder: DecoderSession, tokenizer: LmTokenizer, o: { contextLength: number; vocabSize: number; window: number; maxLogits: number }) {
    this.id = id;
    this.#decoder = decoder;
    this.tokenizer = tokenizer;
    this.contextLength = o.contextLength;
    this.vocabSize = o.vocabSize;
    this.window = o.window;
    this.#maxLogits = o.maxLogits;
  }

  static async create(options: OnnxCausalLMOptions): Promise<OnnxCausalLM> {
    const parsed = OnnxCausalLMOptionsSchema.safeParse(stripLog(options));
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid OnnxCausalLM options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const m = await resolveLmDir(o.model, { ...(o.onnxFile ? { onnxFile: o.onnxFile } : {}), ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}) });
    const eos = m.config['eos_token_id'];
    const extraEos = (Array.isArray(eos) ? eos : [eos]).filter((x): x is number => Number.isInteger(x));
    const tokenizer = await LmTokenizer.fromDir(m.dir, { extraEos });
    const decoder = await DecoderSession.create(m.onnxFile, m.config, {
      device: o.device,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const contextLength = o.contextLength ?? positiveInt(m.config['max_position_embeddings']) ?? 2048;
    const vocabSize = positiveInt(m.config['vocab_size']) ?? tokenizer.vocabSize;
    const window = Math.min(o.window ?? DEFAULT_WINDOW, contextLength);
    const id = o.model === SIFT_LM_MINI || !path.isAbsolute(o.model) ? o.model : path.basename(m.dir);
    return new OnnxCausalLM(id, decoder, tokenizer, { contextLength, vocabSize, window, maxLogits: o.maxLogitsPerRun });
  }

  /** True when the ONNX graph has the last-layer attention output that `lastLayerAttention` needs. */
  get hasAttention(): boolean {
    return this.#decoder.attentionOutput !== undefined;
  }

  get executionProvider(): string {
    return this.#decoder.executionProvider;
  }

  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids);
  }

  async tokenLogprobs(input: string | number[], opts: TokenLogprobsOptions = {}): Promise<Float32Array> {
    const ids = this.#ids(input);
    const window = opts.window ?? this.window;
    if (!Number.isInteger(window) || window < 2 || window > this.contextLength) {
      throw new SiftError('E_BAD_INPUT', `window must be an integer in [2, ${this.contextLength}] (the context length of ${this.id}), got ${window}`);
    }
    const stride = opts.stride ?? Math.max(1, Math.floor(window / 2));
    if (!Number.isInteger(stride) || stride < 1 || stride > window) {
      throw new SiftError('E_BAD_INPUT', `stride must be an integer in [1, window=${window}], got ${stride}`);
    }
    const out = new Float32Array(ids.length).fill(Number.NaN);
    for (const pass of planWindows(ids.length, window, stride)) {
      throwIfAborted(opts.signal);
      let cache = this.#decoder.emptyCache();
      // Blocks through the KV cache keep the logits of one call under maxLogitsPerRun.
      for (let s0 = pass.contextStart; s0 < pass.end; ) {
        const s1 = Math.min(pass.end, s0 + this.#blockTokens());
        const step = await this.#decoder.step(ids.slice(s0, s1), cache, { logits: true });
        cache = step.cache;
        const logits = step.logits!;
        // Row r predicts token s0 + r + 1.
        for (let j = Math.max(pass.scoreStart, s0 + 1, 1); j <= s1 && j < pass.end; j++) {
          const row = j - 1 - s0;
          const off = row * step.vocab;
          out[j] = logits[off + ids[j]!]! - logSumExp(logits, off, step.vocab);
        }
        s0 = s1;
        throwIfAborted(opts.signal);
      }
      notifyProgress(opts.onProgress, { status: 'progress', done: pass.end, total: ids.length, unit: 'tokens' });
    }
    notifyProgress(opts.onProgress, { status: 'done', done: ids.length, total: ids.length, unit: 'tokens' });
    return out;
  }

  async nextTokenLogprobs(prompt: string | number[], opts: RunOptions = {}): Promise<Float32Array> {
    let ids = this.#ids(prompt);
    if (ids.length === 0) throw new SiftError('E_BAD_INPUT', 'nextTokenLogprobs needs a prompt of at least one token');
    // Only the last contextLength tokens can be attended to.
    if (ids.length > this.contextLength) ids = ids.slice(ids.length - this.contextLength);
    const { logits, vocab } = await this.#prefill(ids, this.#decoder.emptyCache(), opts);
    return logSoftmaxRow(logits, 0, vocab);
  }

  async lastLayerAttention(ids: number[], opts: AttentionOptions = {}): Promise<Float32Array> {
    this.#checkIds(ids);
    const n = ids.length;
    if (n === 0 || n > this.contextLength) {
      throw new SiftError('E_BAD_INPUT', `lastLayerAttention takes 1 to ${this.contextLength} tokens (the context length of ${this.id}), got ${n}`);
    }
    const from = opts.fromRow ?? 0;
    if (!Number.isInteger(from) || from < 0 || from >= n) throw new SiftError('E_BAD_INPUT', `fromRow must be an integer in [0, ${n - 1}], got ${from}`);
    const out = new Float32Array(n * n);
    let cache = this.#decoder.emptyCache();
    for (let s0 = 0; s0 < n; ) {
      throwIfAborted(opts.signal);
      const s1 = Math.min(n, s0 + this.#blockTokens());
      // A block wholly before `fromRow` only extends the KV cache.
      const step = await this.#decoder.step(ids.slice(s0, s1), cache, { attention: s1 > from });
      cache = step.cache;
      if (s1 > from) {
        // [heads × rows × total] → rows of the (n × n) head sum; columns past `total` stay 0 (causal), and so do the
        // rows before `fromRow`: summing all rows was a tenth of an InfiniRetri pass, which needs only the question's.
        const att = step.attention!;
        const rows = s1 - s0;
        const heads = att.length / (rows * s1);
        for (let h = 0; h < heads; h++) {
          for (let r = Math.max(0, from - s0); r < rows; r++) {
            const src = (h * rows + r) * s1;
            const dst = (s0 + r) * n;
            for (let c = 0; c < s1; c++) out[dst + c]! += att[src + c]!;
          }
        }
      }
      s0 = s1;
    }
    return out;
  }

  async generate(prompt: string, opts: GenerateOptions = {}): Promise<string> {
    const maxTokens = opts.maxTokens ?? 128;
    const temperature = opts.temperature ?? 0;
    if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new SiftError('E_BAD_INPUT', `maxTokens must be a non-negative integer, got ${maxTokens}`);
    if (!(temperature >= 0)) throw new SiftError('E_BAD_INPUT', `temperature must be ≥ 0, got ${temperature}`);
    const chat = opts.chat ?? this.tokenizer.hasChatTemplate;
    const text = chat ? this.tokenizer.applyChatTemplate([{ role: 'user', content: prompt }]) : prompt;
    const ids = this.tokenize(text);
    if (ids.length === 0) throw new SiftError('E_BAD_INPUT', 'generate needs a non-empty prompt');
    if (ids.length + maxTokens > this.contextLength) {
      throw new SiftError(
        'E_BAD_INPUT',
        `prompt (${ids.length} tokens) + maxTokens (${maxTokens}) exceed the context length of ${this.id} (${this.contextLength})`,
      );
    }
    const rand = seededRandom(opts.seed ?? 0);
    const eos = new Set(this.tokenizer.eosTokenIds);
    const stops = (opts.stop ?? []).filter((s) => s.length > 0);
    const produced: number[] = [];
    let { logits, vocab, cache } = await this.#prefill(ids, this.#decoder.emptyCache(), opts);
    let textOut = '';
    for (let i = 0; i < maxTokens; i++) {
      throwIfAborted(opts.signal);
      const next = sampleToken(logits, 0, vocab, temperature, rand);
      if (eos.has(next)) break;
      produced.push(next);
      textOut = this.decode(produced);
      const hit = firstStop(textOut, stops);
      if (hit >= 0) return textOut.slice(0, hit);
      notifyProgress(opts.onProgress, { status: 'progress', done: i + 1, total: maxTokens, unit: 'tokens' });
      if (i + 1 === maxTokens) break;
      const step = await this.#decoder.step([next], cache, { logits: true });
      logits = step.logits!;
      vocab = step.vocab;
      cache = step.cache;
    }
    return textOut;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#decoder.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Runs ids through the cache in blocks; returns the last position's logits (one row) and the grown cache. */
  async #prefill(ids: number[], cache: KvCache, opts: RunOptions): Promise<{ logits: Float32Array; vocab: number; cache: KvCache }> {
    let last: Float32Array | undefined;
    let vocab = 0;
    for (let s0 = 0; s0 < ids.length; ) {
      throwIfAborted(opts.signal);
      const s1 = Math.min(ids.length, s0 + this.#blockTokens());
      const step = await this.#decoder.step(ids.slice(s0, s1), cache, { logits: true });
      cache = step.cache;
      vocab = step.vocab;
      last = step.logits!.subarray((s1 - s0 - 1) * vocab, (s1 - s0) * vocab);
      s0 = s1;
    }
    return { logits: last!, vocab, cache };
  }

  #blockTokens(): number {
    return Math.max(1, Math.floor(this.#maxLogits / this.vocabSize));
  }

  #ids(input: string | number[]): number[] {
    if (typeof input === 'string') return this.tokenize(input);
    this.#checkIds(input);
    return input;
  }

  #checkIds(ids: number[]): void {
    if (this.#closed) throw new SiftError('E_CLOSED', `causal LM ${this.id} is closed`);
    for (let i = 0; i < ids.length; i++) {
      const x = ids[i]!;
      if (!Number.isInteger(x) || x < 0 || x >= this.vocabSize) {
        throw new SiftError('E_BAD_INPUT', `token id at index ${i} is ${x}; ${this.id} takes integers in [0, ${this.vocabSize})`);
      }
    }
  }
}

function firstStop(text: string, stops: string[]): number {
  let best = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function stripLog(o: OnnxCausalLMOptions): Record<string, unknown> {
  const { log: _log, ...rest } = o as OnnxCausalLMOptions & Record<string, unknown>;
  return rest;
}
