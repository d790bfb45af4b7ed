import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Importing a package must not load onnxruntime, LanceDB, TF.js, sharp or hnswlib (0.3–1 s and hundreds of MB
// of native code); they load on first use. Each case runs in a fresh `node` so nothing is already loaded, then
// reads the process's own memory maps (native libraries) and CommonJS module cache (pure-JS TF.js).

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const HEAVY = /onnxruntime|lancedb|tfjs|tensorflow|@energetic-ai|sharp|libvips|hnswlib/i;
const scratch = mkdtempSync(path.join(tmpdir(), 'sift-lazy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Loaded {
  /** Heavy shared objects / addons mapped into the process. */
  native: string[];
  /** Heavy CommonJS modules in the require cache (folder names only). */
  modules: string[];
}

/** Runs `body` (ES module code) in a new node process started in `dir`, then lists what heavy code it loaded. */
async function loadedAfter(dir: string, body: string): Promise<Loaded> {
  const script = `
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    ${body}
    const native = readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.trim().split(/\\s+/)[5] ?? '');
    const modules = Object.keys(createRequire(import.meta.url).cache);
    const heavy = (xs) => [...new Set(xs.filter((x) => ${HEAVY}.test(x)).map((x) => x.replace(/^.*node_modules\\//, '')))];
    console.log(JSON.stringify({ native: heavy(native), modules: [...new Set(heavy(modules).map((m) => m.split('/').slice(0, 2).join('/')))] }));
  `;
  const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.join(repoRoot, dir),
    env: { ...process.env, SIFT_SCRATCH: scratch, NODE_OPTIONS: '' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Loaded;
}

describe.skipIf(!existsSync('/proc/self/maps'))('heavy dependencies load on first use', () => {
  // A package imports itself by name from its own folder (self-reference through `exports`).
  const light: Array<[string, string]> = [
    ['packages/core', '@sift/core'],
    ['packages/chunkers', '@sift/chunkers'],
    ['packages/selectors', '@sift/selectors'],
    ['packages/retrievers', '@sift/retrievers'],
    ['packages/pipeline', '@sift/pipeline'],
  ];
  it.each(light)('importing %s (%s) loads none of them', async (dir, name) => {
    const loaded = await loadedAfter(dir, `const m = await import('${name}'); if (Object.keys(m).length === 0) throw new Error('empty');`);
    expect(loaded).toEqual({ native: [], modules: [] });
  });

  it('BM25 retrieval through @sift/retrievers loads none of them', async () => {
    const loaded = await loadedAfter(
      'packages/retrievers',
      `const { createRetriever } = await import('@sift/retrievers');
       const chunks = ['red apples grow on trees', 'the sea is blue', 'apples and pears'].map((text, i) =>
         ({ id: 'c' + i, docId: 'd' + i, text, start: 0, end: text.length, tokenCount: 5, metadata: {} }));
       const r = await createRetriever('bm25', chunks);
       const hits = await r.retrieve('apples', 2);
       if (hits.length !== 2) throw new Error('bm25 returned ' + hits.length);`,
    );
    expect(loaded).toEqual({ native: [], modules: [] });
  });

  it('an in-memory BM25 pipeline loads none of them', async () => {
    const loaded = await loadedAfter(
      'packages/pipeline',
      `const { createPipeline } = await import('@sift/pipeline');
       const p = await createPipeline({ index: ':memory:' });
       await p.index([{ id: 'bees', text: 'Bees dance to show where flowers are.', metadata: {} }]);
       const { chunks } = await p.query('where are the flowers');
       await p.close();
       if (chunks[0]?.docId !== 'bees') throw new Error('pipeline returned ' + JSON.stringify(chunks));`,
    );
    expect(loaded).toEqual({ native: [], modules: [] });
  });

  // Positive controls: the same probe sees each runtime once it is used, so the checks above can fail.
  it('sees onnxruntime once an ONNX session runs', async () => {
    const loaded = await loadedAfter(
      'packages/core',
      `const { listExecutionProviders } = await import('@sift/core');
       const eps = await listExecutionProviders({ probe: true });
       if (!eps.some((e) => e.name === 'cpu' && e.usable)) throw new Error('cpu provider unusable');`,
    );
    expect(loaded.native.some((f) => /onnxruntime/.test(f))).toBe(true);
  });

  it('sees hnswlib once an HNSW index is built', async () => {
    const loaded = await loadedAfter('packages/retrievers', `const { HnswIndex } = await import('@sift/retrievers'); HnswIndex.create(4);`);
    expect(loaded.native.some((f) => /hnswlib/.test(f))).toBe(true);
  });

  it('sees LanceDB once a database is opened', async () => {
    const loaded = await loadedAfter(
      'packages/retrievers',
      `const lance = await import('@lancedb/lancedb'); const db = await lance.connect(process.env.SIFT_SCRATCH); await db.tableNames();`,
    );
    expect(loaded.native.some((f) => /lancedb/.test(f))).toBe(true);
  });

  it('sees TF.js once the use-lite embedder loads', async () => {
    const loaded = await loadedAfter(
      'packages/core',
      `const { UseLiteEmbedder } = await import('@sift/core'); const e = await UseLiteEmbedder.create(); await e.close?.();`,
    );
    expect(loaded.modules.some((m) => m.startsWith('@energetic-ai/'))).toBe(true);
  });
});

/**
 * Runs `body` in a new node process in which `hidden` cannot be resolved (an ESM resolve hook for `import()` and a
 * patched CommonJS resolver for `require`), and returns the code and message of the error `body` throws.
 */
async function errorWithout(
  dir: string,
  hidden: string,
  body: string,
  requireError = { message: "Cannot find module '" + hidden + "'", code: 'MODULE_NOT_FOUND' },
): Promise<{ code?: string; message: string }> {
  const hook = `export async function resolve(s, c, next) {
    if (s === ${JSON.stringify(hidden)}) throw Object.assign(new Error('Cannot find package ' + s), { code: 'ERR_MODULE_NOT_FOUND' });
    return next(s, c);
  }`;
  const hide = `
    import Module, { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === ${JSON.stringify(hidden)}) throw Object.assign(new Error(${JSON.stringify(requireError.message)}), { code: ${JSON.stringify(requireError.code)} });
      return resolveFilename.call(this, request, ...rest);
    };`;
  const script = `try { ${body}; console.log(JSON.stringify({ message: 'no error' })); }
    catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }`;
  const { stdout } = await run(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(hide)}`, '--input-type=module', '-e', script],
    { cwd: path.join(repoRoot, dir), env: { ...process.env, SIFT_SCRATCH: scratch, NODE_OPTIONS: '' }, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { code?: string; message: string };
}

describe('a missing native runtime is one E_DEPENDENCY_MISSING naming what to install', () => {
  it('onnxruntime-node', async () => {
    const err = await errorWithout('packages/core', 'onnxruntime-node', `const { listExecutionProviders } = await import('@sift/core'); await listExecutionProviders()`);
    expect(err.code).toBe('E_DEPENDENCY_MISSING');
    expect(err.message).toContain('npm install onnxruntime-node');
  });

  it('hnswlib-node', async () => {
    const err = await errorWithout('packages/retrievers', 'hnswlib-node', `const { HnswIndex } = await import('@sift/retrievers'); HnswIndex.create(4)`);
    expect(err.code).toBe('E_DEPENDENCY_MISSING');
    expect(err.message).toContain('npm install hnswlib-node');
  });

  it('hnswlib-node installed without its compiled addon (pnpm 10 skipped its build)', async () => {
    const err = await errorWithout('packages/retrievers', 'hnswlib-node', `const { HnswIndex } = await import('@sift/retrievers'); HnswIndex.create(4)`, {
      message: 'Could not locate the bindings file. Tried:\n → /x/build/Release/addon.node',
      code: '',
    });
    expect(err.code).toBe('E_DEPENDENCY_MISSING');
    expect(err.message).toContain('pnpm rebuild hnswlib-node');
  });

  it('LanceDB, when a pipeline opens an on-disk index', async () => {
    const err = await errorWithout(
      'packages/pipeline',
      '@lancedb/lancedb',
      `const { createPipeline } = await import('@sift/pipeline');
       const p = await createPipeline({ index: process.env.SIFT_SCRATCH + '/lance-missing' });
       await p.index([{ id: 'a', text: 'one document', metadata: {} }])`,
    );
    expect(err.code).toBe('E_DEPENDENCY_MISSING');
    expect(err.message).toContain('@lancedb/lancedb');
  });

  it('the use-lite embedder (TF.js)', async () => {
    const err = await errorWithout('packages/core', '@energetic-ai/core', `const { UseLiteEmbedder } = await import('@sift/core'); await UseLiteEmbedder.create()`);
    expect(err.code).toBe('E_DEPENDENCY_MISSING');
    expect(err.message).toContain('@energetic-ai/core');
  });
});
