import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';

/**
 * Where compiled code of the bundled CLI is kept between runs: `$SIFT_CACHE_DIR/compile`, else
 * `$XDG_CACHE_HOME/sift/compile`, else `~/.cache/sift/compile` (the embedding cache's rule). Per user on purpose: the
 * cache holds executable code, so it never goes to a folder other users can write.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['SIFT_CACHE_DIR']) return path.join(env['SIFT_CACHE_DIR'], 'compile');
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'sift', 'compile');
  return path.join(os.homedir(), '.cache', 'sift', 'compile');
}

/** `mkdir -p` of at most a few missing levels, without `recursive` (which never returns for some paths, e.g. /proc/x). */
function makeDirs(dir: string, levels = 4): boolean {
  if (existsSync(dir)) return true;
  if (levels === 0 || path.dirname(dir) === dir || !makeDirs(path.dirname(dir), levels - 1)) return false;
  try {
    mkdirSync(dir, { mode: 0o700 });
    return true;
  } catch {
    return existsSync(dir);
  }
}

/** Writes a file whole or not at all (a reader never sees half of it). Failures are ignored: the cache is optional. */
function writeAtomically(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);

export interface CachedScriptRun<T> {
  /** What the script's `module.exports` held. */
  exports: T;
  /** True when V8 accepted the cached code (nothing was compiled from scratch). */
  usedCache: boolean;
  /** Call once the program's work is done: stores the code compiled so far when the cache was missing or rejected. */
  save(): void;
}

/**
 * Runs a CommonJS file (the bundled CLI) with V8's code cache: Node 20 compiles every function of a module from
 * source at each start, which was a large part of a `sift query`. The cache file is named after the script's file name
 * (which must change with its content: the bundle's name carries its hash), `variant` (the command: each caches the
 * functions it ran), the Node version and the architecture, so another bundle or runtime never reads it (V8 checks
 * only the source's length); V8 also rejects data made by another build or other flags, and the file is then
 * rewritten. Saving removes other scripts' files from `cacheDir`, which holds only this cache. `cacheDir: null` runs without a cache. A script run this way cannot call `import()`; it gets
 * `importer` as `__siftImport` instead (the bundle calls it for packages it leaves outside).
 */
export function runCachedScript<T>(
  file: string,
  cacheDir: string | null,
  importer: (specifier: string) => Promise<unknown>,
  variant = 'default',
): CachedScriptRun<T> {
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheDir === null ? null : path.join(cacheDir, `${path.basename(file)}-${safeName(variant)}-${process.version}-${process.arch}.bin`);
  let cachedData: Buffer | undefined;
  if (cacheFile !== null) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // CommonJS's own wrapper, so the bundle sees exports, require, module, __filename and __dirname as under require().
  const wrapped = `(function (exports, require, module, __filename, __dirname, __siftImport) { ${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const usedCache = cachedData !== undefined && script.cachedDataRejected !== true;
  const module = { exports: {} as T };
  type Wrapper = (exports: T, require: NodeJS.Require, module: { exports: T }, filename: string, dirname: string, siftImport: typeof importer) => void;
  (script.runInThisContext() as Wrapper)(module.exports, createRequire(file), module, file, path.dirname(file), importer);
  let saved = false;
  return {
    exports: module.exports,
    usedCache,
    save() {
      if (saved || usedCache || cacheFile === null) return;
      saved = true;
      if (!makeDirs(path.dirname(cacheFile))) return;
      writeAtomically(cacheFile, script.createCachedData());
      try {
        for (const f of readdirSync(path.dirname(cacheFile))) if (f.endsWith('.bin') && !f.startsWith(`${path.basename(file)}-`)) unlinkSync(path.join(path.dirname(cacheFile), f));
      } catch {
        // another process is cleaning up too
      }
    },
  };
}
