import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runner = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--conditions=source', 'bench/run.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });

describe('bench/run.ts', () => {
  it('lists the discovered benchmarks', () => {
    const r = runner('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/available: .*chunkers/);
  });

  it('rejects an unknown benchmark name with exit code 2', () => {
    const r = runner('no-such-bench');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown benchmark "no-such-bench"/);
  });
});
