import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SiftError } from '../../errors.js';

/**
 * The config.json keys of an M2-BERT checkpoint (HazyResearch/m2 `bert/src/configuration_bert.py`, as in
 * togethercomputer/m2-bert-80M-*-retrieval), with the official retrieval models' values as defaults where the code's
 * own default differs. Other keys are kept but not used.
 */
export const M2ConfigSchema = z
  .object({
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    intermediate_size: z.number().int().positive(),
    vocab_size: z.number().int().positive(),
    max_position_embeddings: z.number().int().positive(),
    /** The sequence length the implicit filters were built for (their positional features span it). */
    long_conv_l_max: z.number().int().positive().optional(),
    type_vocab_size: z.number().int().positive().default(2),
    layer_norm_eps: z.number().positive().default(1e-12),
    pad_token_id: z.number().int().min(0).default(0),
    hyena_emb_dim: z.number().int().min(3).default(5),
    hyena_filter_order: z.number().int().positive().default(128),
    hyena_w: z.number().default(10),
    hyena_w_mod: z.number().default(1),
    bidirectional: z.boolean().default(true),
    residual_long_conv: z.boolean().default(true),
    use_glu_mlp: z.boolean().default(true),
    use_monarch_mlp: z.boolean().default(true),
    monarch_mlp_nblocks: z.number().int().positive().default(4),
    use_positional_encodings: z.boolean().default(true),
    monarch_mixer_sequence_mixing: z.boolean().default(true),
    pool_all: z.boolean().default(false),
    hyena_training_additions: z.boolean().default(false),
    /** Sift's additions (absent in official configs). */
    sift: z
      .object({
        /**
         * Multiply the long convolutions' inputs by the attention mask, so that right padding does not change the real
         * positions' outputs (sift-m2-mini is trained that way); official models ignore the mask.
         */
        mask_padding: z.boolean().default(false),
        /**
         * `cls` (official): tanh(dense(h[CLS])). `mean`: tanh(dense(mean of the real tokens' states)), the late-chunking
         * rule over the whole text (sift-m2-mini; needs mask_padding, so that padding stays out of the mean).
         */
        pooling: z.enum(['cls', 'mean']).default('cls'),
        cls_token_id: z.number().int().min(0).optional(),
        sep_token_id: z.number().int().min(0).optional(),
        pad_token_id: z.number().int().min(0).optional(),
        tokenizer: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type M2Config = z.output<typeof M2ConfigSchema>;

/** Parses and checks a config object; the features this runtime does not implement are named. */
export function parseM2Config(raw: unknown, label: string): M2Config {
  const parsed = M2ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SiftError('E_MODEL_MALFORMED', `${label} is not an M2-BERT config: ${z.prettifyError(parsed.error)}`, { details: { file: label } });
  }
  const c = parsed.data;
  const unsupported: string[] = [];
  if (!c.monarch_mixer_sequence_mixing) unsupported.push('monarch_mixer_sequence_mixing=false (attention BERT)');
  if (c.pool_all) unsupported.push('pool_all=true');
  if (c.hyena_training_additions) unsupported.push('hyena_training_additions=true');
  if (c.sift?.pooling === 'mean' && !c.sift.mask_padding) unsupported.push('sift.pooling="mean" without sift.mask_padding=true');
  if (c.hyena_emb_dim % 2 === 0) unsupported.push(`hyena_emb_dim=${c.hyena_emb_dim} (must be odd)`);
  if (unsupported.length > 0) {
    throw new SiftError('E_MODEL_MALFORMED', `${label}: unsupported M2 settings ${unsupported.join(', ')}`, { details: { file: label } });
  }
  return c;
}

export async function readM2Config(file: string): Promise<M2Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SiftError('E_MODEL_MISSING', `M2 model config not found: ${file}`, { cause: err, details: { file } });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `${file} is not JSON: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  return parseM2Config(raw, file);
}

/** The length the model's reference inference pads every input to. */
export function m2SequenceLength(c: M2Config): number {
  return Math.min(c.long_conv_l_max ?? c.max_position_embeddings, c.max_position_embeddings);
}

export function masksPadding(c: M2Config): boolean {
  return c.sift?.mask_padding === true;
}

/** How the model pools a text into one vector (see `sift.pooling`). */
export function m2Pooling(c: M2Config): 'cls' | 'mean' {
  return c.sift?.pooling ?? 'cls';
}

/** The name of the project's own M2 encoder (models/sift-m2-mini). */
export const SIFT_M2_MINI = 'sift-m2-mini';

/** True for a folder whose config.json describes an M2-BERT (Monarch Mixer) encoder. */
export function isM2Folder(dir: string): boolean {
  const file = path.join(dir, 'config.json');
  if (!existsSync(file)) return false;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return c['monarch_mixer_sequence_mixing'] === true || c['model_type'] === 'm2_bert';
  } catch {
    return false;
  }
}
