import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './cli-io.js';

/** A path argument as seen from the CLI's working directory; kept as typed when that is the process's own. */
export function resolveArg(io: CliIo, p: string): string {
  if (path.isAbsolute(p) || path.resolve(io.cwd) === process.cwd()) return p;
  return path.join(io.cwd, p);
}

/** The Sift repository root (the folder holding pnpm-workspace.yaml), found by walking up from this file. */
export function findRepoRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = path.dirname(from);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
