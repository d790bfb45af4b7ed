import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processIo } from '../cli-io.js';
import { findRepoRoot } from '../paths.js';
import { loadConfig } from './load-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const io = () => ({ ...processIo(), cwd: dir });

describe('loadConfig', () => {
  it('returns {} when the working directory has no sift.config.json', async () => {
    expect(await loadConfig(io())).toEqual({});
  });

  it('reads sift.config.json from the working directory', async () => {
    await writeFile(path.join(dir, 'sift.config.json'), JSON.stringify({ chunker: 'sentence', size: 128, ext: ['txt'] }));
    expect(await loadConfig(io())).toEqual({ chunker: 'sentence', size: 128, ext: ['txt'] });
  });

  it('names an unknown key and suggests the closest one', async () => {
    await writeFile(path.join(dir, 'sift.config.json'), JSON.stringify({ chunkr: 'token' }));
    await expect(loadConfig(io())).rejects.toMatchObject({
      code: 'E_BAD_CONFIG',
      message: 'sift.config.json: unknown key "chunkr" (did you mean "chunker"?)',
    });
  });

  it('names the key with a bad value, in the file given by --config', async () => {
    await writeFile(path.join(dir, 'my.json'), JSON.stringify({ size: -3 }));
    await expect(loadConfig(io(), 'my.json')).rejects.toMatchObject({ message: expect.stringMatching(/^my\.json: key "size": /) });
    await writeFile(path.join(dir, 'my.json'), JSON.stringify({ retriever: 'bm52' }));
    await expect(loadConfig(io(), 'my.json')).rejects.toMatchObject({ message: expect.stringMatching(/^my\.json: key "retriever": .*"bm25"/) });
  });

  it('reports malformed JSON, a non-object and a missing --config file', async () => {
    await writeFile(path.join(dir, 'sift.config.json'), '{ "size": 12, }');
    await expect(loadConfig(io())).rejects.toMatchObject({ message: expect.stringMatching(/^sift\.config\.json: invalid JSON/) });
    await writeFile(path.join(dir, 'sift.config.json'), '[1]');
    await expect(loadConfig(io())).rejects.toMatchObject({ message: expect.stringContaining('expected a JSON object') });
    await expect(loadConfig(io(), 'nope.json')).rejects.toMatchObject({ code: 'E_BAD_CONFIG', message: 'nope.json: cannot read config file (ENOENT)' });
  });
});

describe('sift.config.example.json', () => {
  it('is a valid config (the README points to it)', async () => {
    const root = findRepoRoot();
    expect(root).toBeDefined();
    const cfg = await loadConfig({ ...processIo(), cwd: root! }, 'sift.config.example.json');
    expect(cfg).toMatchObject({ chunker: 'recursive', size: 512 });
  });
});
