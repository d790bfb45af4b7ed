import { z } from 'zod';
import { throwIfAborted, type RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';
import { DeviceSchema } from '../onnx/device.js';
import type { OnnxLogger } from '../onnx/onnx-log.js';
import { OnnxSession } from '../onnx/onnx-session.js';
import type { Reranker } from '../types.js';
import { isHubId, resolveHfModelDir } from '../embed/hf-model-dir.js';

export const OnnxCrossEncoderOptionsSchema = z
  .object({
    /** A local Hugging Face layout folder (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), or a hub id in `cacheDir`. */
    model: z.string().min(1),
    /** Tokens per (query, passage) pair including special tokens; default and ceiling: the model's limit. */
    maxTokens: z.number().int().min(4).optional(),
    device: DeviceSchema.default('auto'),
    threads: z.number().int().min(1).max(1024).optional(),
    batchSize: z.number().int().min(1).max(4096).default(16),
    quantized: z.boolean().default(false),
    /** Name of the logits output (default `logits`, else the first output). */
    output: z.string().optional(),
    /** Which logit is relevance when the model has several per pair (default: the last one, the "positive" class). */
    labelIndex: z.number().int().min(0).optional(),
    /** 'sigmoid' maps logits to 0..1 (same order); 'none' keeps raw logits. */
    activation: z.enum(['none', 'sigmoid']).default('none'),
    allowRemote: z.boolean().default(false),
    cacheDir: z.string().optional(),
  })
  .strict();
export type OnnxCrossEncoderOptions = z.input<typeof OnnxCrossEncoderOptionsSchema>;

/** The part of a transformers.js tokenizer this class uses. */
interface PairTokenizer {
  (text: string, o: { text_pair: string; return_tensor: false; return_token_type_ids: true }): {
    input_ids: number[];
    token_type_ids?: number[];
  };
  pad_token_id?: number | null;
}

interface EncodedPair {
  ids: number[];
  types: number[];
}

type Ort = typeof import('onnxruntime-node');

/**
 * A cross-encoder reranker from a Hugging Face ONNX folder (BERT-style: `input_ids`, `attention_mask`, optional
 * `token_type_ids` → `logits` [B, 1] or [B, C]), e.g. an ms-marco MiniLM export. The pair is tokenized by the folder's
 * tokenizer.json (transformers.js, local files only); a pair longer than the model's limit keeps the whole query and
 * cuts the passage. Scores are the relevance logit (higher = more relevant), independent of batch neighbours.
 */
export class OnnxCrossEncoder implements Reranker {
  readonly id: string;
  readonly maxTokens: number;
  readonly executionProvider: string;
  /** Pairs scored so far (one per passage per `score` call): what a selector's cost is counted in. */
  calls = 0;
  readonly #ort: Ort;
  readonly #session: OnnxSession;
  readonly #tok: PairTokenizer;
  readonly #o: z.output<typeof OnnxCrossEncoderOptionsSchema>;
  readonly #output: string;

  private constructor(ort: Ort, session: OnnxSession, tok: PairTokenizer, o: z.output<typeof OnnxCrossEncoderOptionsSchema>, output: string, maxTokens: number, dir: string) {
    this.#ort = ort;
    this.#session = session;
    this.#tok = tok;
    this.#o = o;
    this.#output = output;
    this.maxTokens = maxTokens;
    this.executionProvider = session.executionProvider;
    this.id = `cross-encoder:${isHubId(o.model) ? o.model : dir}${o.activation === 'sigmoid' ? ':sigmoid' : ''}`;
  }

  static async create(options: OnnxCrossEncoderOptions & { log?: OnnxLogger }): Promise<OnnxCrossEncoder> {
    const { log, ...rest } = options;
    const parsed = OnnxCrossEncoderOptionsSchema.safeParse(rest);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid cross-encoder options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    const o = parsed.data;
    const m = await resolveHfModelDir(o.model, {
      quantized: o.quantized,
      allowRemote: o.allowRemote,
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
    });
    const ort = await loadOrt();
    const tok = await loadPairTokenizer(m.dir);
    const session = await OnnxSession.create(m.onnxFile, {
      device: o.device,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(log ? { log } : {}),
    });
    try {
      if (!session.inputNames.includes('input_ids')) {
        throw new SiftError('E_MODEL_MALFORMED', `${m.onnxFile} has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
      }
      const output = o.output ?? (session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]);
      if (output === undefined || !session.outputNames.includes(output)) {
        throw new SiftError('E_BAD_CONFIG', `${m.onnxFile} has no output '${String(output)}' (outputs: ${session.outputNames.join(', ')})`);
      }
      const limits = [m.config['max_position_embeddings'], m.tokenizerConfig['model_max_length']].filter(
        (v): v is number => typeof v === 'number' && v > 0 && v < 1e6,
      );
      const modelLimit = limits.length > 0 ? Math.min(...limits) : 512;
      if (o.maxTokens !== undefined && o.maxTokens > modelLimit) {
        throw new SiftError('E_BAD_CONFIG', `maxTokens ${o.maxTokens} exceeds the model's limit of ${modelLimit} (${m.dir})`);
      }
      return new OnnxCrossEncoder(ort, session, tok, o, output, o.maxTokens ?? modelLimit, m.dir);
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  /** Token ids and segment ids of one pair, cut to maxTokens by shortening the passage (never the query first). */
  encodePair(query: string, passage: string): EncodedPair {
    const enc = (p: string): EncodedPair => {
      const r = this.#tok(query, { text_pair: p, return_tensor: false, return_token_type_ids: true });
      return { ids: r.input_ids, types: r.token_type_ids ?? r.input_ids.map(() => 0) };
    };
    let e = enc(passage);
    let text = passage;
    // Shrink the passage by characters in proportion to the excess; tokenizer-agnostic (BERT, XLM-R templates alike).
    for (let i = 0; i < 8 && e.ids.length > this.maxTokens && text.length > 0; i++) {
      const keep = Math.floor(text.length * (this.maxTokens / e.ids.length) * 0.97);
      text = text.slice(0, Math.max(0, Math.min(keep, text.length - 1)));
      e = enc(text);
    }
    if (e.ids.length > this.maxTokens) {
      // The query alone is too long: keep the head and the final separator.
      const last = e.ids.length - 1;
      e = { ids: [...e.ids.slice(0, this.maxTokens - 1), e.ids[last]!], types: [...e.types.slice(0, this.maxTokens - 1), e.types[last]!] };
    }
    return e;
  }

  async score(query: string, texts: string[], opts: RunOptions = {}): Promise<Float32Array> {
    const out = new Float32Array(texts.length);
    const pairs = texts.map((t, i) => ({ i, e: this.encodePair(query, t) }));
    // Similar lengths together keep padding small; results go back to input order.
    pairs.sort((a, b) => a.e.ids.length - b.e.ids.length);
    for (let s = 0; s < pairs.length; s += this.#o.batchSize) {
      throwIfAborted(opts.signal);
      const batch = pairs.slice(s, s + this.#o.batchSize);
      const logits = await this.#forward(batch.map((p) => p.e));
      batch.forEach((p, j) => (out[p.i] = logits[j]!));
    }
    this.calls += texts.length;
    return out;
  }

  async #forward(batch: EncodedPair[]): Promise<number[]> {
    const ort = this.#ort;
    const B = batch.length;
    const L = Math.max(1, ...batch.map((e) => e.ids.length));
    const pad = BigInt(this.#tok.pad_token_id ?? 0);
    const ids = new BigInt64Array(B * L).fill(pad);
    const mask = new BigInt64Array(B * L);
    const types = new BigInt64Array(B * L);
    batch.forEach((e, b) => {
      for (let t = 0; t < e.ids.length; t++) {
        ids[b * L + t] = BigInt(e.ids[t]!);
        mask[b * L + t] = 1n;
        types[b * L + t] = BigInt(e.types[t]!);
      }
    });
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = { input_ids: new ort.Tensor('int64', ids, [B, L]) };
    const names = this.#session.inputNames;
    if (names.includes('attention_mask')) feeds['attention_mask'] = new ort.Tensor('int64', mask, [B, L]);
    if (names.includes('token_type_ids')) feeds['token_type_ids'] = new ort.Tensor('int64', types, [B, L]);
    const missing = names.filter((n) => !(n in feeds));
    if (missing.length > 0) throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: unsupported model inputs ${missing.join(', ')}`);
    let result;
    try {
      result = await this.#session.run(feeds);
    } catch (err) {
      throw new SiftError('E_RUNTIME', `onnxruntime failed on ${this.#o.model}: ${(err as Error).message}`, { cause: err });
    }
    const t = result[this.#output];
    if (!t || !(t.data instanceof Float32Array)) throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: output ${this.#output} is not float32`);
    const per = t.dims.length === 1 ? 1 : Number(t.dims[t.dims.length - 1]);
    if (t.data.length !== B * per) {
      throw new SiftError('E_MODEL_MALFORMED', `${this.#o.model}: output ${this.#output} has shape [${t.dims.join(', ')}], expected one row per pair`);
    }
    const label = this.#o.labelIndex ?? per - 1;
    if (label >= per) throw new SiftError('E_BAD_CONFIG', `labelIndex ${label} is out of range: the model gives ${per} logits per pair`);
    const scores: number[] = [];
    for (let b = 0; b < B; b++) {
      const x = t.data[b * per + label]!;
      scores.push(this.#o.activation === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : x);
    }
    for (const v of Object.values(result)) v.dispose?.();
    return scores;
  }

  async close(): Promise<void> {
    await this.#session.close();
  }
}

async function loadOrt(): Promise<Ort> {
  try {
    return await import('onnxruntime-node');
  } catch (err) {
    throw new SiftError('E_DEPENDENCY_MISSING', 'Cross-encoders need onnxruntime-node', { cause: err });
  }
}

async function loadPairTokenizer(dir: string): Promise<PairTokenizer> {
  let AutoTokenizer: { from_pretrained(p: string, o: Record<string, unknown>): Promise<unknown> };
  try {
    ({ AutoTokenizer } = (await import('@huggingface/transformers')) as unknown as { AutoTokenizer: typeof AutoTokenizer });
  } catch (err) {
    throw new SiftError('E_DEPENDENCY_MISSING', 'Cross-encoders need @huggingface/transformers for their tokenizer', { cause: err });
  }
  try {
    return (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as PairTokenizer;
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `Cannot load the tokenizer in ${dir}: ${(err as Error).message}`, { cause: err, details: { dir } });
  }
}
