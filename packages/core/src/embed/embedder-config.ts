import { z } from 'zod';
import { SiftError } from '../errors.js';
import type { Embedder } from '../types.js';
import { createEmbedder, type CreateEmbedderOptions } from './create-embedder.js';
import { PoolingSchema } from './pooling.js';

/**
 * What re-creates an embedder that gives the same vectors, as plain JSON (recorded in index manifests). Runtime
 * settings that do not change the vectors (device, threads, batch size, cache) are not part of it.
 */
export const EmbedderConfigSchema = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('use-lite'),
      /** Absent: long texts are windowed (see LongTextPolicy). */
      longText: z.literal('truncate').optional(),
      /** Absent: the 128-token window. */
      maxTokens: z.number().int().min(1).max(128).optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('static'),
      /** Absent: the shipped models/static-use-lite. */
      model: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('onnx'),
      /** A hub id (`org/name`) or an absolute local folder. */
      model: z.string().min(1),
      pooling: PoolingSchema,
      normalize: z.boolean(),
      quantized: z.boolean(),
      maxTokens: z.number().int().min(2),
      /** The model output pooled, when not the default one. */
      output: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      name: z.literal('m2'),
      /** `sift-m2-mini` or an absolute M2-BERT folder. */
      model: z.string().min(1),
      normalize: z.boolean(),
      maxTokens: z.number().int().min(8),
    })
    .strict(),
]);
export type EmbedderConfig = z.infer<typeof EmbedderConfigSchema>;

/** The config of an embedder built by `createEmbedder` (through a cache wrapper too); undefined for anyone else's. */
export function embedderConfigOf(embedder: Embedder): EmbedderConfig | undefined {
  const config = (embedder as { config?: unknown }).config;
  const parsed = EmbedderConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : undefined;
}

/** Builds the embedder a config describes, through `createEmbedder`; `options` adds runtime settings (device, threads…). */
export async function createEmbedderFromConfig(config: EmbedderConfig, options: Omit<CreateEmbedderOptions, 'pooling' | 'normalize' | 'quantized' | 'maxTokens'> = {}): Promise<Embedder> {
  const parsed = EmbedderConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `Invalid embedder config: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  const c = parsed.data;
  if (c.name === 'use-lite') {
    return createEmbedder('use-lite', { ...options, ...(c.longText ? { longText: c.longText } : {}), ...(c.maxTokens ? { maxTokens: c.maxTokens } : {}) });
  }
  if (c.name === 'static') return createEmbedder(c.model === undefined ? 'static' : `static:${c.model}`, options);
  if (c.name === 'm2') {
    return createEmbedder(c.model === 'sift-m2-mini' ? c.model : `m2:${c.model}`, { ...options, normalize: c.normalize, maxTokens: c.maxTokens });
  }
  if (c.output !== undefined) {
    throw new SiftError('E_BAD_CONFIG', `Embedder config names output "${c.output}", which createEmbedder cannot select; build the OnnxEmbedder directly`, {
      details: { key: 'output' },
    });
  }
  return createEmbedder(c.model, { ...options, pooling: c.pooling, normalize: c.normalize, quantized: c.quantized, maxTokens: c.maxTokens });
}
