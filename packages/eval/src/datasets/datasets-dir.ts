import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding `pnpm-workspace.yaml` above `from`, or undefined when not inside the Sift workspace. */
export function findWorkspaceRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Where evaluation datasets live: an explicit folder, else `$SIFT_DATASETS`, else `../shared/datasets`
 * beside the workspace root (the layout CI uses).
 */
export function resolveDatasetsDir(explicit?: string, env: Record<string, string | undefined> = process.env): string {
  if (explicit) return resolve(explicit);
  const fromEnv = env.SIFT_DATASETS;
  if (fromEnv) return resolve(fromEnv);
  const root = findWorkspaceRoot() ?? process.cwd();
  return resolve(root, '..', 'shared', 'datasets');
}
