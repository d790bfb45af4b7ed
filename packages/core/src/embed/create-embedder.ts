import { existsSync } from 'node:fs';
import { z } from 'zod';
import { SiftError } from '../errors.js';
import { DeviceSchema } from '../onnx/device.js';
import type { OnnxLogger } from '../onnx/onnx-log.js';
import type { Embedder } from '../types.js';
import type { EmbeddedCounts } from './cached-embedder.js';
import type { EmbedderWarn } from './embedder-log.js';
import { isHubId } from './hf-model-dir.js';
import { PoolingSchema } from './pooling.js';
import { isM2Folder, SIFT_M2_MINI } from './m2/m2-config.js';
import { defaultEmbedderWarn, safeWarn } from './embedder-log.js';

// The embedders' own modules (their option schemas, onnxruntime sessions, M2 graph building) load with the one a spec
// names: a command that embeds nothing, such as a BM25 `sift query`, spent ~20 ms of its start-up evaluating them.

/** The built-in default: needs no download. */
export const DEFAULT_EMBEDDER = 'use-lite';

export const CreateEmbedderOptionsSchema = z.object({
  /** Allow fetching a hub id's files (ONNX encoders only). */
  allowRemote: z.boolean().default(false),
  /** Where hub ids are looked up / downloaded. */
  modelCacheDir: z.string().optional(),
  /**
   * Wrap the embedder in the persistent embedding cache kept in this folder (`defaultEmbeddingCacheDir()` is the
   * one `sift index` and `sift eval` share). The static embedder is never cached: a lookup is cheaper than the cache.
   */
  embeddingCacheDir: z.string().optional(),
  /** Bound on the cache folder's size in bytes (default 2 GiB). */
  embeddingCacheMaxBytes: z.number().int().positive().optional(),
  device: DeviceSchema.optional(),
  threads: z.number().int().min(1).optional(),
  batchSize: z.number().int().min(1).optional(),
  maxTokens: z.number().int().min(2).optional(),
  pooling: PoolingSchema.optional(),
  normalize: z.boolean().optional(),
  quantized: z.boolean().optional(),
  /** use-lite: texts longer than its 128-token window are windowed and pooled (default) or truncated. */
  longText: z.enum(['window', 'truncate']).optional(),
});
export type CreateEmbedderOptions = z.input<typeof CreateEmbedderOptionsSchema> & {
  warn?: EmbedderWarn;
  log?: OnnxLogger;
  /** With a cache: told after each embed call "embedded M of N texts (K cached)". */
  info?: (message: string) => void;
  /** With a cache: the same counts as numbers after each embed call. */
  onEmbedded?: (counts: EmbeddedCounts) => void;
};

/** The spec names createEmbedder knows besides model folders and hub ids. */
export const BUILTIN_EMBEDDERS = ['use-lite', 'use-lite-tfjs', 'static', 'sift-m2-mini'] as const;

/**
 * Builds an embedder from a spec string: `use-lite` (default, offline; USE-lite on onnxruntime, or on TF.js with a
 * warning when onnxruntime-node is not installed), `use-lite-tfjs` (the same model on TF.js WASM), `static` (the
 * static embedder distilled from USE-lite, models/static-use-lite; `static:<dir>` for another folder), `sift-m2-mini` or
 * `m2:<dir>` or any M2-BERT folder (long-context Monarch Mixer encoder with late chunking), a local Hugging Face folder holding an ONNX
 * encoder, or a hub id `org/name` (from the model cache dir, or downloaded when `allowRemote`).
 */
export async function createEmbedder(spec: string = DEFAULT_EMBEDDER, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const parsed = CreateEmbedderOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `Invalid embedder options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  const o = parsed.data;
  const pick = <K extends keyof typeof o>(...keys: K[]) =>
    Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<typeof o, K>>;
  const hooks = { ...(options.warn ? { warn: options.warn } : {}), ...(options.log ? { log: options.log } : {}) };

  let embedder: Embedder;
  // Static lookups are cheaper than the cache; M2 encoders would lose their late chunking (embedSpans) inside it.
  let cacheable = true;
  const name = spec.trim();
  if (name === '' || name === 'use-lite') {
    try {
      const { UseLiteOnnxEmbedder } = await import('./use-lite-onnx-embedder.js');
      embedder = await UseLiteOnnxEmbedder.create({ ...pick('batchSize', 'maxTokens', 'threads', 'longText'), ...hooks });
    } catch (err) {
      if (!(err instanceof SiftError) || err.code !== 'E_DEPENDENCY_MISSING' || !/onnxruntime/.test(err.message)) throw err;
      safeWarn(options.warn ?? defaultEmbedderWarn, `use-lite: ${err.message}; falling back to TF.js (slower, same vectors)`);
      const { UseLiteEmbedder } = await import('./use-lite-embedder.js');
      embedder = await UseLiteEmbedder.create({ ...pick('batchSize', 'maxTokens', 'longText'), ...(options.warn ? { warn: options.warn } : {}) });
    }
  } else if (name === 'static' || name.startsWith('static:')) {
    const dir = name.slice('static:'.length);
    const { StaticEmbedder } = await import('./static-embedder.js');
    embedder = await StaticEmbedder.create(name === 'static' ? {} : { modelDir: dir });
    cacheable = false;
  } else if (name === 'use-lite-tfjs') {
    const { UseLiteEmbedder } = await import('./use-lite-embedder.js');
    embedder = await UseLiteEmbedder.create({ ...pick('batchSize', 'maxTokens', 'longText'), ...(options.warn ? { warn: options.warn } : {}) });
  } else if (name === SIFT_M2_MINI || name.startsWith('m2:') || (existsSync(name) && isM2Folder(name))) {
    // M2-BERT long-context encoders (packages/core/src/embed/m2): built from config.json + model.safetensors.
    const { M2Embedder } = await import('./m2/m2-embedder.js');
    embedder = await M2Embedder.create({
      model: name.startsWith('m2:') ? name.slice('m2:'.length) : name,
      ...pick('device', 'threads', 'batchSize', 'maxTokens', 'normalize'),
      ...hooks,
    });
    cacheable = false;
  } else if (existsSync(name) || isHubId(name)) {
    const { OnnxEmbedder } = await import('./onnx-embedder.js');
    embedder = await OnnxEmbedder.create({
      model: name,
      allowRemote: o.allowRemote,
      ...(o.modelCacheDir !== undefined ? { cacheDir: o.modelCacheDir } : {}),
      ...pick('device', 'threads', 'batchSize', 'maxTokens', 'pooling', 'normalize', 'quantized'),
      ...hooks,
    });
  } else {
    throw new SiftError(
      'E_UNKNOWN_COMPONENT',
      `Unknown embedder '${spec}': expected ${BUILTIN_EMBEDDERS.map((b) => `'${b}'`).join(', ')}, a local Hugging Face folder with an ONNX encoder, or a hub id like org/name`,
      { details: { embedder: spec } },
    );
  }
  if (o.embeddingCacheDir === undefined || !cacheable) return embedder;
  const { CachedEmbedder } = await import('./cached-embedder.js');
  return CachedEmbedder.create({
    embedder,
    dir: o.embeddingCacheDir,
    ...(o.embeddingCacheMaxBytes !== undefined ? { maxBytes: o.embeddingCacheMaxBytes } : {}),
    ...(options.info ? { info: options.info } : {}),
    ...(options.onEmbedded ? { onEmbedded: options.onEmbedded } : {}),
  });
}
