import type * as ort from 'onnxruntime-node';
import { SiftError } from '../errors.js';
import { OnnxSession, type OnnxSessionOptions } from '../onnx/index.js';
import { loadedOrt } from '../onnx/_ort.js';
import { float16ToFloat32 } from './float16.js';

/** Past keys and values of every layer after `length` tokens (batch 1), as the model returned them. */
export interface KvCache {
  readonly length: number;
  readonly tensors: readonly ort.Tensor[];
}

export interface DecoderStep {
  /** Row-major [tokens × vocab] logits; absent when not asked for. */
  logits?: Float32Array;
  vocab: number;
  /** Last layer's attention probabilities [heads × tokens × (past + tokens)]; only when asked for. */
  attention?: Float32Array;
  cache: KvCache;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids', 'use_cache_branch']);

/**
 * One ONNX decoder in the Hugging Face export convention: `input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.{i}.key|value` in; `logits`, `present.{i}.key|value` and optionally the last layer's attention out.
 * Batch size 1. Shapes and the KV dtype are read from the graph, with config.json filling unnamed dimensions.
 */
export class DecoderSession {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly kvType: 'float32' | 'float16';
  readonly attentionOutput: string | undefined;
  readonly file: string;
  readonly #session: OnnxSession;
  readonly #inputs: Set<string>;

  private constructor(session: OnnxSession, file: string, shape: { layers: number; kvHeads: number; headDim: number; kvType: 'float32' | 'float16' }, attentionOutput: string | undefined) {
    this.#session = session;
    this.file = file;
    this.#inputs = new Set(session.inputNames);
    this.layers = shape.layers;
    this.kvHeads = shape.kvHeads;
    this.headDim = shape.headDim;
    this.kvType = shape.kvType;
    this.attentionOutput = attentionOutput;
  }

  static async create(file: string, config: Record<string, unknown>, options: OnnxSessionOptions): Promise<DecoderSession> {
    const session = await OnnxSession.create(file, options);
    try {
      const inputs = session.inputNames;
      const outputs = new Set(session.outputNames);
      const malformed = (what: string): SiftError =>
        new SiftError('E_MODEL_MALFORMED', `${file} is not a decoder in the Hugging Face export convention: ${what}`, {
          details: { file, inputs, outputs: [...outputs] },
        });
      if (!inputs.includes('input_ids')) throw malformed("no 'input_ids' input");
      if (!outputs.has('logits')) throw malformed("no 'logits' output");
      const layerIds = new Set<number>();
      for (const name of inputs) {
        const m = PAST.exec(name);
        if (m) layerIds.add(Number(m[1]));
        else if (!KNOWN_INPUTS.has(name)) throw malformed(`unexpected input '${name}'`);
      }
      const layers = layerIds.size;
      if (layers === 0) throw malformed("no 'past_key_values.{i}.key|value' inputs (export with the KV cache)");
      for (let i = 0; i < layers; i++) {
        for (const kv of ['key', 'value']) {
          if (!inputs.includes(`past_key_values.${i}.${kv}`)) throw malformed(`missing input 'past_key_values.${i}.${kv}'`);
          if (!outputs.has(`present.${i}.${kv}`)) throw malformed(`missing output 'present.${i}.${kv}'`);
        }
      }
      const meta = session.session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
      const dims = meta?.isTensor ? meta.shape : [];
      const kvType = meta?.isTensor && meta.type === 'float16' ? 'float16' : 'float32';
      const heads = num(config['num_attention_heads']);
      const hidden = num(config['hidden_size']);
      const kvHeads = typeof dims[1] === 'number' ? dims[1] : (num(config['num_key_value_heads']) ?? heads);
      const headDim =
        typeof dims[3] === 'number' ? dims[3] : (num(config['head_dim']) ?? (hidden && heads ? hidden / heads : undefined));
      if (!kvHeads || !headDim) {
        throw malformed('the KV cache shape is not fixed in the graph and config.json lacks num_key_value_heads/head_dim');
      }
      const sift = config['sift'] as Record<string, unknown> | undefined;
      const attnName = typeof sift?.['last_attention_output'] === 'string' ? sift['last_attention_output'] : 'last_attention';
      return new DecoderSession(session, file, { layers, kvHeads, headDim, kvType }, outputs.has(attnName) ? attnName : undefined);
    } catch (err) {
      await session.close();
      throw err;
    }
  }

  emptyCache(): KvCache {
    const data = this.kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    const { Tensor } = loadedOrt();
    const t = new Tensor(this.kvType, data, [1, this.kvHeads, 0, this.headDim]);
    return { length: 0, tensors: Array.from({ length: 2 * this.layers }, () => t) };
  }

  /** Runs `ids` after `cache` (positions continue from the cache length). */
  async step(ids: readonly number[], cache: KvCache, want: { logits?: boolean; attention?: boolean }): Promise<DecoderStep> {
    const s = ids.length;
    const total = cache.length + s;
    const { Tensor } = loadedOrt();
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids, (x) => BigInt(x)), [1, s]),
    };
    if (this.#inputs.has('attention_mask')) feeds['attention_mask'] = new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
    if (this.#inputs.has('position_ids')) {
      feeds['position_ids'] = new Tensor('int64', BigInt64Array.from({ length: s }, (_, i) => BigInt(cache.length + i)), [1, s]);
    }
    if (this.#inputs.has('use_cache_branch')) feeds['use_cache_branch'] = new Tensor('bool', new Uint8Array([cache.length > 0 ? 1 : 0]), [1]);
    for (let i = 0; i < this.layers; i++) {
      feeds[`past_key_values.${i}.key`] = cache.tensors[2 * i]!;
      feeds[`past_key_values.${i}.value`] = cache.tensors[2 * i + 1]!;
    }
    const fetches: string[] = [];
    for (let i = 0; i < this.layers; i++) fetches.push(`present.${i}.key`, `present.${i}.value`);
    if (want.logits) fetches.push('logits');
    if (want.attention) {
      if (this.attentionOutput === undefined) {
        throw new SiftError(
          'E_MODEL_MALFORMED',
          `${this.file} has no last-layer attention output; re-export it with scripts/export-hf-decoder.py (adds 'last_attention')`,
          { details: { file: this.file } },
        );
      }
      fetches.push(this.attentionOutput);
    }
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.#session.session.run(feeds, fetches);
    } catch (err) {
      if (err instanceof SiftError) throw err;
      throw new SiftError('E_RUNTIME', `onnxruntime failed on ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    const tensors = fetches.slice(0, 2 * this.layers).map((n) => out[n]!);
    const step: DecoderStep = { vocab: 0, cache: { length: total, tensors } };
    if (want.logits) {
      const t = out['logits']!;
      step.vocab = t.dims[t.dims.length - 1]!;
      step.logits = toFloat32(t);
    }
    if (want.attention) step.attention = toFloat32(out[this.attentionOutput!]!);
    return step;
  }

  async close(): Promise<void> {
    await this.#session.close();
  }

  get executionProvider(): string {
    return this.#session.executionProvider;
  }
}

function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') return float16ToFloat32(t.data as Uint16Array);
  throw new SiftError('E_MODEL_MALFORMED', `unexpected output type ${t.type}`);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}
