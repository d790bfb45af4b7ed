import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../paths.js';
import { runCli } from '../testing.js';

const runner = path.join(findRepoRoot()!, 'bench', 'run.ts');

describe('sift bench', () => {
  it.skipIf(!existsSync(runner))("passes names through to bench/run.ts and turns its failure into one error line", async () => {
    const r = await runCli(['bench', 'no-such-bench', '--quick']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bench: unknown benchmark "no-such-bench"');
    expect(r.stderr).toMatch(/sift: E_RUNTIME: benchmark runner exited with code 2\n$/);
  });
});
