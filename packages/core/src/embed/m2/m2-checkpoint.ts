import { existsSync } from 'node:fs';
import path from 'node:path';
import { SiftError } from '../../errors.js';
import { readM2Config } from './m2-config.js';
import { readSafetensors } from './safetensors.js';
import { m2WeightsFrom, type M2Weights } from './m2-weights.js';

/** Reads `config.json` + `model.safetensors` of an M2-BERT folder (official names, as scripts/m2/convert.py writes). */
export async function loadM2Checkpoint(dir: string): Promise<M2Weights> {
  const configFile = path.join(dir, 'config.json');
  const weightsFile = path.join(dir, 'model.safetensors');
  const missing = [configFile, weightsFile].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new SiftError('E_MODEL_MISSING', `M2 model folder ${dir} lacks ${missing.map((f) => path.basename(f)).join(' and ')}`, {
      details: { dir, missing },
    });
  }
  const config = await readM2Config(configFile);
  return m2WeightsFrom(await readSafetensors(weightsFile), config, weightsFile);
}
