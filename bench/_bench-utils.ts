// Shared helpers for the dense-retrieval benchmarks: seeded data, timing, percentiles, table formatting.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@sift/core';

export { seededRandom };

/** Isotropic Gaussian vectors (Box–Muller), the usual random-ANN workload. */
export function gaussianVectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = seededRandom(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dim);
    for (let d = 0; d < dim; d += 2) {
      const u1 = Math.max(r(), 1e-12);
      const u2 = r();
      const m = Math.sqrt(-2 * Math.log(u1));
      v[d] = m * Math.cos(2 * Math.PI * u2);
      if (d + 1 < dim) v[d + 1] = m * Math.sin(2 * Math.PI * u2);
    }
    out.push(v);
  }
  return out;
}

/** Nearest-rank percentile of a list of numbers (p in [0, 100]). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** A GitHub-flavoured markdown table. */
export function mdTable(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (x: string | number) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : x);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The Sift workspace root (the folder holding pnpm-workspace.yaml) above this file. */
export function workspaceRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('not inside the Sift workspace');
    dir = up;
  }
}

/** ../shared/datasets beside the workspace (or $SIFT_DATASETS). */
export function datasetsDir(): string {
  return process.env['SIFT_DATASETS'] ?? path.resolve(workspaceRoot(), '..', 'shared', 'datasets');
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
