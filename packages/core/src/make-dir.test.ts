import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDir } from './make-dir.js';

const root = mkdtempSync(path.join(tmpdir(), 'sift-make-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeDir', () => {
  it('creates missing parents, and is fine with a folder that exists', async () => {
    const deep = path.join(root, 'a', 'b', 'c');
    await makeDir(deep);
    await makeDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('fails at once with ENOTDIR naming a file in the way', async () => {
    const file = path.join(root, 'file');
    writeFileSync(file, 'x');
    await expect(makeDir(file)).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
    await expect(makeDir(path.join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
  });

  it('fails at once where Node’s recursive mkdir never returns (/proc/x)', async () => {
    await expect(makeDir('/proc/x')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(makeDir('/proc/x/y')).rejects.toMatchObject({ code: 'ENOENT' });
  }, 20_000);
});
