import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDatasetsDir } from '../datasets/datasets-dir.js';

/** The shared datasets folder and whether a sub-path of it exists, for tests that skip with a message. */
export function sharedDataset(sub: string): { dir: string; present: boolean; why: string } {
  const root = resolveDatasetsDir();
  const dir = join(root, sub);
  const present = existsSync(dir);
  if (!present) console.warn(`[skip] ${dir} is absent: tests that need ${sub} are skipped`);
  return { dir, present, why: `${sub} absent at ${dir}` };
}
