import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-query-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sift query', () => {
  it('says how to build an index when there is none (one line, exit 1)', async () => {
    const idx = path.join(dir, '.sift');
    const r = await runCli(['query', 'whale', '--index', idx]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`sift: E_INDEX_MISSING: no index at ${idx} (run "sift index <dir>" first)\n`);
    expect(r.stdout).toBe('');
  });

  it('rejects a bad --k before opening anything (exit 2)', async () => {
    const r = await runCli(['query', 'whale', '--k', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sift: option '-k, --k <n>' argument '0' is invalid\. expected a whole number ≥ 1\n$/);
  });
});
