import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { z } from 'zod';
import type { RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import { DeviceSchema } from '../onnx/device.js';
import type { OnnxLogger } from '../onnx/onnx-log.js';
import { OnnxSession } from '../onnx/onnx-session.js';
import { loadedOrt } from '../onnx/_ort.js';
import type { Embedder } from '../types.js';
import { embedInBatches } from './embed-in-batches.js';
import { defaultEmbedderWarn, safeWarn, type EmbedderWarn } from './embedder-log.js';
import { isHubId, resolveHfModelDir } from './hf-model-dir.js';
import type { EmbedderConfig } from './embedder-config.js';
import { PoolingSchema, poolHidden, type Pooling } from './pooling.js';
import { normalize } from './vector-math.js';

export const OnnxEmbedderOptionsSchema = z.object({
  /** A local Hugging Face layout folder, or a hub id (`org/name`) found in `cacheDir` or fetched with `allowRemote`. */
  model: z.string().min(1),
  pooling: PoolingSchema.default('mean'),
  /** L2-normalise the pooled vectors (then cosine = dot). */
  normalize: z.boolean().default(true),
  /** Tokens per text including special tokens; default and ceiling: the model's limit (config / tokenizer). */
  maxTokens: z.number().int().min(2).optional(),
  device: DeviceSchema.default('auto'),
  threads: z.number().int().min(1).max(1024).optional(),
  batchSize: z.number().int().min(1).max(4096).default(32),
  /** Cap on padded tokens per call (rows × longest row), bounding activation memory. */
  maxBatchTokens: z.number().int().min(1).default(16_384),
  /** Prefer onnx/model_quantized.onnx. */
  quantized: z.boolean().default(false),
  /** Name of the token-states output; default last_hidden_state, token_embeddings, or the first output. */
  output: z.string().optional(),
  allowRemote: z.boolean().default(false),
  cacheDir: z.string().optional(),
});
export type OnnxEmbedderOptions = z.input<typeof OnnxEmbedderOptionsSchema> & {
  /** Where truncation warnings go (default: stderr). */
  warn?: EmbedderWarn;
  /** Runtime log: which execution provider ran, fallbacks (default: warnings to stderr). */
  log?: OnnxLogger;
};

/** The part of a transformers.js tokenizer this class uses. */
interface HfTokenizer {
  encode(text: string, opts?: { add_special_tokens?: boolean }): number[];
  pad_token_id?: number | null;
}

interface Encoded {
  ids: number[];
}

/**
 * Sentence embeddings from any Hugging Face ONNX encoder on onnxruntime-node: tokenizer from the folder's
 * tokenizer.json (through transformers.js, local files only), batches of similar length padded on the right,
 * pooling over real tokens only, so a text's vector does not depend on its batch neighbours.
 */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly maxTokens: number;
  readonly pooling: Pooling;
  readonly executionProvider: string;
  readonly modelDir: string;
  /** What re-creates this embedder (`createEmbedderFromConfig`); recorded by on-disk indexes. */
  readonly config: EmbedderConfig;
  readonly #session: OnnxSession;
  readonly #tokenizer: HfTokenizer;
  readonly #o: z.output<typeof OnnxEmbedderOptionsSchema>;
  readonly #warn: EmbedderWarn;
  readonly #output: string;
  readonly #padId: number;
  #closed = false;
  #dim: number;

  private constructor(init: {
    session: OnnxSession;
    tokenizer: HfTokenizer;
    o: z.output<typeof OnnxEmbedderOptionsSchema>;
    warn: EmbedderWarn;
    output: string;
    dim: number;
    maxTokens: number;
    dir: string;
    onnxFile: string;
  }) {
    this.#session = init.session;
    this.#tokenizer = init.tokenizer;
    this.#o = init.o;
    this.#warn = init.warn;
    this.#output = init.output;
    this.#padId = init.tokenizer.pad_token_id ?? 0;
    this.#dim = init.dim;
    this.maxTokens = init.maxTokens;
    this.pooling = init.o.pooling;
    this.modelDir = init.dir;
    this.executionProvider = init.session.executionProvider;
    // Everything that changes the vectors goes into the id, which keys the embedding cache and is recorded in index
    // manifests: a hub id as given, a local folder as its absolute path (so the id does not depend on the cwd).
    const name = isHubId(init.o.model) ? init.o.model : init.dir;
    const quantized = path.basename(init.onnxFile) === 'model_quantized.onnx';
    this.id = `onnx:${name}${quantized ? ':q8' : ''}:${init.o.pooling}${init.o.normalize ? ':norm' : ''}:${init.maxTokens}`;
    this.config = {
      name: 'onnx',
      model: name,
      pooling: init.o.pooling,
      normalize: init.o.normalize,
      quantized,
      maxTokens: init.maxTokens,
      ...(init.o.output !== undefined ? { output: init.o.output } : {}),
    };
  }

  static async create(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const parsed = OnnxEmbedderOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid ONNX embedder options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const m = await resolveHfModelDir(o.model, {
      quantized: o.quantized,
      allowRemote: o.allowRemote,
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
    });
    const tokenizer = await loadTokenizer(m.dir);
    const session = await OnnxSession.create(m.onnxFile, {
      device: o.device,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    try {
      if (!session.inputNames.includes('input_ids')) {
        throw new SiftError('E_MODEL_MALFORMED', `${m.onnxFile} has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
      }
      const output =
        o.output ?? ['last_hidden_state', 'token_embeddings'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
      if (output === undefined || !session.outputNames.includes(output)) {
        throw new SiftError('E_BAD_CONFIG', `${m.onnxFile} has no output '${output}' (outputs: ${session.outputNames.join(', ')})`);
      }
      const modelLimit = modelMaxTokens(m.config, m.tokenizerConfig);
      if (o.maxTokens !== undefined && modelLimit !== undefined && o.maxTokens > modelLimit) {
        throw new SiftError('E_BAD_CONFIG', `maxTokens ${o.maxTokens} exceeds the model's limit of ${modelLimit} (${m.dir})`);
      }
      const maxTokens = o.maxTokens ?? modelLimit ?? 512;
      const hidden = m.config['hidden_size'] ?? m.config['d_model'] ?? m.config['dim'];
      const embedder = new OnnxEmbedder({
        session, tokenizer, o, warn: options.warn ?? defaultEmbedderWarn, output, maxTokens, dir: m.dir, onnxFile: m.onnxFile,
        dim: typeof hidden === 'number' ? hidden : 0,
      });
      if (embedder.dim === 0) {
        // No hidden size in config.json: learn it from one forward pass.
        const [v] = await embedder.#forward([{ ids: embedder.#encode('dimension probe').ids }]);
        embedder.#dim = v!.length;
      }
      return embedder;
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  get dim(): number {
    return this.#dim;
  }

  /** Token ids of one text, special tokens included, truncated to maxTokens (the trailing special tokens are kept). */
  #encode(text: string): Encoded & { truncated: boolean } {
    const full = this.#tokenizer.encode(text);
    if (full.length <= this.maxTokens) return { ids: full, truncated: false };
    const content = this.#tokenizer.encode(text, { add_special_tokens: false });
    const specials = full.length - content.length;
    // Where the content starts inside `full` (after e.g. [CLS]); the rest after it are suffix specials.
    let start = 0;
    while (start < specials && full[start] !== content[0]) start++;
    const keep = Math.max(0, this.maxTokens - specials);
    const ids = [...full.slice(0, start), ...content.slice(0, keep), ...full.slice(start + content.length)];
    return { ids: ids.slice(0, this.maxTokens), truncated: true };
  }

  tokenize(text: string): number[] {
    this.#check();
    return this.#encode(text).ids;
  }

  async embed(texts: string[], opts: RunOptions = {}): Promise<Float32Array[]> {
    this.#check();
    let truncated = 0;
    const encoded = texts.map((t) => {
      const e = this.#encode(t);
      if (e.truncated) truncated++;
      return e;
    });
    if (truncated > 0) {
      safeWarn(this.#warn, `${this.#o.model}: truncated ${truncated} of ${texts.length} texts to ${this.maxTokens} tokens`);
    }
    return embedInBatches(encoded, (batch) => this.#forward(batch), {
      ...opts,
      maxBatchSize: this.#o.batchSize,
      maxBatchTokens: this.#o.maxBatchTokens,
      lengthOf: (e) => e.ids.length,
      ...(this.dim > 0 ? { dim: this.dim } : {}),
      label: this.#o.model,
    });
  }

  async #forward(batch: Encoded[]): Promise<Float32Array[]> {
    const B = batch.length;
    const L = Math.max(1, ...batch.map((e) => e.ids.length));
    const ids = new BigInt64Array(B * L).fill(BigInt(this.#padId));
    const mask = new BigInt64Array(B * L);
    batch.forEach((e, b) => {
      for (let t = 0; t < e.ids.length; t++) {
        ids[b * L + t] = BigInt(e.ids[t]!);
        mask[b * L + t] = 1n;
      }
    });
    const { Tensor } = loadedOrt();
    const feeds: Record<string, ort.Tensor> = { input_ids: new Tensor('int64', ids, [B, L]) };
    const names = this.#session.inputNames;
    if (names.includes('attention_mask')) feeds['attention_mask'] = new Tensor('int64', mask, [B, L]);
    if (names.includes('token_type_ids')) feeds['token_type_ids'] = new Tensor('int64', new BigInt64Array(B * L), [B, L]);
    if (names.includes('position_ids')) {
      const pos = new BigInt64Array(B * L);
      for (let b = 0; b < B; b++) for (let t = 0; t < L; t++) pos[b * L + t] = BigInt(t);
      feeds['position_ids'] = new Tensor('int64', pos, [B, L]);
    }
    const missing = names.filter((n) => !(n in feeds));
    if (missing.length > 0) {
      throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: unsupported model inputs ${missing.join(', ')}`);
    }
    const result = await this.#session.run(feeds);
    const out = result[this.#output];
    if (!out || !(out.data instanceof Float32Array)) {
      throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: output ${this.#output} is not float32`);
    }
    let vecs: Float32Array[];
    if (out.dims.length === 3) {
      vecs = poolHidden(out.data, mask, [B, L, Number(out.dims[2])], this.#o.pooling);
    } else if (out.dims.length === 2) {
      // Already pooled by the graph (e.g. sentence_embedding).
      const H = Number(out.dims[1]);
      vecs = Array.from({ length: B }, (_, b) => out.data.slice(b * H, (b + 1) * H) as Float32Array);
    } else {
      throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: output ${this.#output} has shape [${out.dims.join(', ')}]`);
    }
    for (const t of Object.values(result)) t.dispose?.();
    return this.#o.normalize ? vecs.map((v) => normalize(v, { inPlace: true })) : vecs;
  }

  #check(): void {
    if (this.#closed) throw new SiftError('E_CLOSED', `ONNX embedder ${this.#o.model} is closed`);
  }

  isOpen(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#session.close();
  }
}

/** The smallest positive limit among config.max_position_embeddings and tokenizer_config.model_max_length. */
function modelMaxTokens(config: Record<string, unknown>, tok: Record<string, unknown>): number | undefined {
  const c = [config['max_position_embeddings'], config['n_positions'], tok['model_max_length']].filter(
    (v): v is number => typeof v === 'number' && v > 0 && v < 1e6,
  );
  return c.length > 0 ? Math.min(...c) : undefined;
}

async function loadTokenizer(dir: string): Promise<HfTokenizer> {
  let AutoTokenizer: { from_pretrained(p: string, o: Record<string, unknown>): Promise<unknown> };
  try {
    ({ AutoTokenizer } = (await import('@huggingface/transformers')) as unknown as { AutoTokenizer: typeof AutoTokenizer });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new SiftError('E_DEPENDENCY_MISSING', 'ONNX encoders need @huggingface/transformers for their tokenizer', { cause: err });
    }
    throw err;
  }
  try {
    // An absolute folder path is never taken for a hub id, and local_files_only keeps transformers.js off the network.
    return (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as HfTokenizer;
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `Cannot load the tokenizer in ${dir}: ${(err as Error).message}`, {
      cause: err,
      details: { dir },
    });
  }
}
