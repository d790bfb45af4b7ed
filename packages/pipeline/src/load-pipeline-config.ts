import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SiftError } from '@sift/core';
import { parsePipelineConfig, type ParsedPipelineConfig } from './pipeline-config.js';

export const CONFIG_FILE_NAME = 'sift.config.json';

/**
 * Reads a pipeline config file (`sift.config.json`, or the file of `sift eval --pipeline`). `shown` is how errors
 * name the file. With `optional`, a missing file is `{}`. An eval config holding `{ pipeline: {…} }` is read
 * for its pipeline.
 */
export async function loadPipelineConfig(file: string, opts: { shown?: string; optional?: boolean; cwd?: string } = {}): Promise<ParsedPipelineConfig> {
  const shown = opts.shown ?? file;
  let raw: string;
  try {
    raw = await readFile(resolve(opts.cwd ?? process.cwd(), file), 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (opts.optional && code === 'ENOENT') return {};
    throw new SiftError('E_BAD_CONFIG', `${shown}: cannot read config file (${code ?? String(cause)})`, { cause, details: { file: shown } });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new SiftError('E_BAD_CONFIG', `${shown}: invalid JSON (${(cause as Error).message})`, { cause, details: { file: shown } });
  }
  const inner = (json as { pipeline?: unknown } | null)?.pipeline;
  return parsePipelineConfig(typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : json, shown);
}
