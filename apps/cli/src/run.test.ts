import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('run: usage errors', () => {
  it('prints help on stdout for --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: sift');
    expect(r.stdout).toContain('doctor');
  });

  it('names an unknown command in one stderr line with a suggestion, exit 2', async () => {
    const r = await runCli(['docter']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sift: unknown command 'docter' (Did you mean doctor?)\n");
    expect(r.stdout).toBe('');
  });

  it('prints the version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
