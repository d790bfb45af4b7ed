// Importing the light packages from their installed dist must map no native runtime (onnxruntime, LanceDB, TF.js,
// sharp, hnswlib). Prints what each import mapped; exits 1 when anything heavy was loaded.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

if (!existsSync('/proc/self/maps')) {
  console.log('light imports: not checked (no /proc/self/maps on this platform)');
  process.exit(0);
}
const HEAVY = /onnxruntime|lancedb|tfjs|tensorflow|@energetic-ai|sharp|libvips|hnswlib/i;
for (const name of ['@sift/core', '@sift/chunkers', '@sift/selectors', '@sift/retrievers', '@sift/pipeline']) await import(name);
const mapped = readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)[5] ?? '');
const cjs = Object.keys(createRequire(import.meta.url).cache);
const heavy = [...new Set([...mapped, ...cjs].filter((f) => HEAVY.test(f)))];
console.log(heavy.length === 0 ? 'light imports: no native runtime loaded' : `light imports loaded:\n${heavy.join('\n')}`);
process.exit(heavy.length === 0 ? 0 : 1);
