// A writer that exits without releasing its lock (process.exit, as sift does on a second Ctrl-C) leaves no .lock.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOCK_MODULE = pathToFileURL(fileURLToPath(new URL('./index-lock.ts', import.meta.url))).href;
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-lock-exit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('index lock on process.exit', () => {
  it('is removed when the holder exits without releasing it, and kept while it runs', () => {
    const script = `
      const { acquireIndexLock } = await import(${JSON.stringify(LOCK_MODULE)});
      const { existsSync } = await import('node:fs');
      await acquireIndexLock(${JSON.stringify(dir)});
      process.stdout.write(existsSync(${JSON.stringify(join(dir, '.lock'))}) ? 'held' : 'missing');
      process.exit(130);`;
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 130, stdout: 'held', stderr: '' });
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });
});
