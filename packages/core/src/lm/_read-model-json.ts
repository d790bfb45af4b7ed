import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SiftError } from '../errors.js';

/** Reads one JSON object file of a model folder; missing → E_MODEL_MISSING, bad JSON or not an object → E_MODEL_MALFORMED. */
export async function readModelJson(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) {
    throw new SiftError('E_MODEL_MISSING', `Model file not found: ${file}`, { details: { file } });
  }
  let v: unknown;
  try {
    v = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new SiftError('E_MODEL_MALFORMED', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SiftError('E_MODEL_MALFORMED', `${file} must hold a JSON object`, { details: { file } });
  }
  return v as Record<string, unknown>;
}
