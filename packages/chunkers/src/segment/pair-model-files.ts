import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SiftError } from '@sift/core';
import { z } from 'zod';
import { decodeWeights, encodeWeights, type PairMlpWeights } from './pair-mlp.js';

/** The weights that ship with the package (trained by `sift train segmenter`). */
export const DEFAULT_PAIR_MODEL_DIR = fileURLToPath(new URL('../../models/pair-segmenter/', import.meta.url));

export const PairModelConfigSchema = z.object({
  format: z.literal('sift-pair-segmenter/1'),
  /** Id of the embedder whose vectors the MLP was trained on; segmenting needs the same one. */
  embedder: z.string().min(1),
  dim: z.number().int().positive(),
  hidden: z.number().int().positive(),
  /** Default decision threshold on P(same). */
  threshold: z.number().min(0).max(1),
  /** Sentences averaged on each side of a gap in training (1 = SAGE's sentence pairs). */
  context: z.number().int().min(1).default(1),
  /** Free-form training record (corpora, pair counts, accuracy, time). */
  training: z.record(z.string(), z.unknown()).default({}),
});
export type PairModelConfig = z.infer<typeof PairModelConfigSchema>;

export async function loadPairModel(dir: string): Promise<{ config: PairModelConfig; weights: PairMlpWeights }> {
  const configFile = path.join(dir, 'config.json');
  const weightsFile = path.join(dir, 'weights.bin');
  let raw: string;
  let bytes: Uint8Array;
  try {
    [raw, bytes] = await Promise.all([readFile(configFile, 'utf8'), readFile(weightsFile)]);
  } catch (err) {
    throw new SiftError('E_MODEL_MISSING', `pair segmenter model not found in ${dir} (needs config.json and weights.bin; train one with 'sift train segmenter --out ${dir}')`, {
      cause: err,
      details: { dir },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `${configFile}: not valid JSON`, { cause: err });
  }
  const parsed = PairModelConfigSchema.safeParse(json);
  if (!parsed.success) throw new SiftError('E_MODEL_MALFORMED', `${configFile}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  const weights = decodeWeights(bytes, weightsFile);
  if (weights.dim !== parsed.data.dim || weights.hidden !== parsed.data.hidden) {
    throw new SiftError('E_MODEL_MALFORMED', `${weightsFile}: shape dim=${weights.dim}, hidden=${weights.hidden} does not match config.json (${parsed.data.dim}, ${parsed.data.hidden})`);
  }
  return { config: parsed.data, weights };
}

export async function savePairModel(dir: string, config: Omit<z.input<typeof PairModelConfigSchema>, 'format' | 'dim' | 'hidden'>, weights: PairMlpWeights): Promise<void> {
  await mkdir(dir, { recursive: true });
  const full: PairModelConfig = PairModelConfigSchema.parse({ format: 'sift-pair-segmenter/1', dim: weights.dim, hidden: weights.hidden, ...config });
  await writeFile(path.join(dir, 'weights.bin'), encodeWeights(weights));
  await writeFile(path.join(dir, 'config.json'), `${JSON.stringify(full, null, 2)}\n`);
}
