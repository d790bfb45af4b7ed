#!/usr/bin/env node
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCacheDir, runCachedScript } from './compile-cache.js';
import type * as Main from './main.js';

// `pnpm build` bundles the CLI into one CommonJS file, dist/bundle/sift-<hash>.cjs (scripts/bundle.mjs), run here with
// V8's code cache: loading and compiling ~365 ES modules was most of a `sift query`. Without the bundle (tsc alone,
// or running from source) the module tree runs. SIFT_COMPILE_CACHE=0 runs the bundle without the cache.
const bundleDir = fileURLToPath(new URL('./bundle/', import.meta.url));
let bundle: string | undefined;
try {
  bundle = readdirSync(bundleDir).find((f) => /^sift-[0-9a-f]+\.cjs$/.test(f));
} catch {
  bundle = undefined;
}
if (bundle === undefined) {
  const { main } = (await import('./main.js')) as typeof Main;
  process.exitCode = await main();
} else {
  // Packages the bundle leaves outside load with this file's import(), from this package's dependencies.
  const cacheDir = process.env['SIFT_COMPILE_CACHE'] === '0' ? null : compileCacheDir();
  const first = process.argv[2] ?? '';
  const command = ['chunk', 'index', 'query', 'eval', 'train', 'doctor', 'bench'].includes(first) ? first : 'other';
  const run = runCachedScript<typeof Main>(bundleDir + bundle, cacheDir, (s) => import(s), command);
  process.exitCode = await run.exports.main();
  run.save();
}
