import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of an installed package as Node would find it from `fromDir` (nearest `node_modules/<name>`
 * walking up), real path, or undefined. Reads no `exports` map, so it works for packages that do not export
 * their package.json.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(path.dirname(candidate));
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function packageVersion(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** This CLI package's own folder (apps/cli), from src/ or dist/. */
export function cliPackageDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

/** Versions of the Sift packages and the native runtimes they load, as installed beside this CLI. */
export function installedVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const cli = cliPackageDir();
  out['@sift/cli'] = packageVersion(cli) ?? 'unknown';
  const siftDirs: Record<string, string | undefined> = {};
  for (const name of ['@sift/core', '@sift/chunkers', '@sift/retrievers', '@sift/selectors', '@sift/eval']) {
    siftDirs[name] = findPackageDir(name, cli);
    out[name] = packageVersion(siftDirs[name]) ?? 'not installed';
  }
  const third: Array<[string, string]> = [
    ['onnxruntime-node', '@sift/core'],
    ['@huggingface/transformers', '@sift/core'],
    ['zod', '@sift/core'],
    ['@lancedb/lancedb', '@sift/retrievers'],
    ['apache-arrow', '@sift/retrievers'],
    ['hnswlib-node', '@sift/retrievers'],
  ];
  for (const [name, owner] of third) {
    const from = siftDirs[owner];
    out[name] = (from && packageVersion(findPackageDir(name, from))) ?? 'not installed';
  }
  return out;
}
