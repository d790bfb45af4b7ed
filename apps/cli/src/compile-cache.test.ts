import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheDir, runCachedScript } from './compile-cache.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sift-compile-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS "bundle" that uses everything the wrapper provides. */
function writeScript(name: string, body = ''): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `const path = require('node:path');
exports.name = path.basename(__filename);
exports.dir = __dirname;
exports.twice = (x) => x * 2;
exports.load = (s) => __siftImport(s);
module.exports.answer = 42;${body}\n`,
  );
  return file;
}

const importer = (s: string): Promise<unknown> => import(s);

describe('runCachedScript', () => {
  it('runs a CommonJS file with require, module, __filename, __dirname and the importer', async () => {
    const file = writeScript('sift-aaaa.cjs');
    const run = runCachedScript<Record<string, unknown>>(file, null, importer);
    expect(run.exports['name']).toBe('sift-aaaa.cjs');
    expect(run.exports['dir']).toBe(dir);
    expect(run.exports['answer']).toBe(42);
    expect((run.exports['twice'] as (x: number) => number)(21)).toBe(42);
    const url = (await (run.exports['load'] as (s: string) => Promise<{ URL: typeof URL }>)('node:url')).URL;
    expect(url).toBe(URL);
    run.save();
    expect(run.usedCache).toBe(false);
  });

  it('writes the cache on save and uses it on the next run; each variant has its own file', () => {
    const file = writeScript('sift-bbbb.cjs');
    const cache = path.join(dir, 'cache', 'compile');
    const first = runCachedScript(file, cache, importer, 'query');
    expect(first.usedCache).toBe(false);
    first.save();
    const files = readdirSync(cache);
    expect(files).toEqual([`sift-bbbb.cjs-query-${process.version}-${process.arch}.bin`]);
    const second = runCachedScript(file, cache, importer, 'query');
    expect(second.usedCache).toBe(true);
    second.save(); // nothing to do
    expect(readdirSync(cache)).toEqual(files);
    expect(runCachedScript(file, cache, importer, 'index').usedCache).toBe(false);
  });

  it('a damaged cache file is rejected, the script still runs, and save rewrites it', () => {
    const cache = path.join(dir, 'c');
    runCachedScript(writeScript('sift-cccc.cjs'), cache, importer, 'q').save();
    const bin = path.join(cache, readdirSync(cache)[0]!);
    const good = readFileSync(bin);
    writeFileSync(bin, Buffer.alloc(good.length, 7));
    // A different source, so V8's in-process compilation cache (keyed by source) cannot answer instead of the file.
    const file = writeScript('sift-cccc.cjs', '\nexports.other = 1;');
    const run = runCachedScript<Record<string, unknown>>(file, cache, importer, 'q');
    expect(run.usedCache).toBe(false);
    expect(run.exports['answer']).toBe(42);
    run.save();
    expect(runCachedScript(file, cache, importer, 'q').usedCache).toBe(true);
  });

  it('saving drops the files of other bundles and keeps its own variants', () => {
    const cache = path.join(dir, 'c');
    runCachedScript(writeScript('sift-old1.cjs'), cache, importer, 'query').save();
    const file = writeScript('sift-new2.cjs');
    runCachedScript(file, cache, importer, 'query').save();
    runCachedScript(file, cache, importer, 'index').save();
    expect(readdirSync(cache).sort()).toEqual(
      [`sift-new2.cjs-index-${process.version}-${process.arch}.bin`, `sift-new2.cjs-query-${process.version}-${process.arch}.bin`].sort(),
    );
  });

  it('an unusable cache folder only costs the cache', () => {
    const file = writeScript('sift-dddd.cjs');
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const run = runCachedScript<Record<string, unknown>>(file, path.join(blocker, 'compile'), importer);
    expect(run.exports['answer']).toBe(42);
    run.save();
    expect(existsSync(path.join(blocker, 'compile'))).toBe(false);
  });

  it('errors thrown by the script surface to the caller', () => {
    const file = writeScript('sift-eeee.cjs', "\nthrow new Error('boom');");
    expect(() => runCachedScript(file, null, importer)).toThrow('boom');
  });
});

describe('compileCacheDir', () => {
  it('follows SIFT_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(compileCacheDir({ SIFT_CACHE_DIR: '/x', XDG_CACHE_HOME: '/y' })).toBe(path.join('/x', 'compile'));
    expect(compileCacheDir({ XDG_CACHE_HOME: '/y' })).toBe(path.join('/y', 'sift', 'compile'));
    expect(compileCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'sift', 'compile'));
  });
});
