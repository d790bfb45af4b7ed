import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SiftError } from '@sift/core';
import type { z } from 'zod';
import type { CliIo } from '../cli-io.js';
import { didYouMean } from './did-you-mean.js';
import { CONFIG_FILE_NAME, SiftConfigSchema, type SiftConfig } from './sift-config.js';

/**
 * Load `--config FILE`, or `sift.config.json` from the working directory when there is one (else `{}`).
 * Every problem is an E_BAD_CONFIG whose message starts with the file and names the key.
 */
export async function loadConfig(io: CliIo, explicit?: string): Promise<SiftConfig> {
  const shown = explicit ?? CONFIG_FILE_NAME;
  const file = path.resolve(io.cwd, shown);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (explicit === undefined && code === 'ENOENT') return {};
    throw new SiftError('E_BAD_CONFIG', `${shown}: cannot read config file (${code ?? String(cause)})`, { cause, details: { file: shown } });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new SiftError('E_BAD_CONFIG', `${shown}: invalid JSON (${(cause as Error).message})`, { cause, details: { file: shown } });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SiftError('E_BAD_CONFIG', `${shown}: expected a JSON object of flag names and values`, { details: { file: shown } });
  }
  const parsed = SiftConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `${shown}: ${describeIssue(parsed.error.issues[0])}`, {
      cause: parsed.error,
      details: { file: shown, issues: parsed.error.issues },
    });
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const hint = didYouMean(key, Object.keys(SiftConfigSchema.shape));
    return `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  const key = issue.path.map(String).join('.');
  return `key "${key}": ${issue.message}`;
}
