import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every publishable workspace package carries what a consumer needs (scripts/consumer-test.sh checks the packed
// result in CI; this catches a new or edited package.json without a build).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const rootLicense = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, Record<string, string>>;
  publishConfig?: { exports?: Record<string, Record<string, string>> };
  files?: string[];
}

const packages = ['packages', 'apps'].flatMap((top) =>
  readdirSync(path.join(repoRoot, top))
    .map((d) => path.join(top, d))
    .filter((dir) => existsSync(path.join(repoRoot, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest }))
    .filter((p) => !p.manifest.private),
);

describe('publishable packages', () => {
  it('are found', () => {
    expect(packages.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@sift/core', '@sift/chunkers', '@sift/retrievers', '@sift/selectors']));
  });

  it.each(packages.map((p) => [p.manifest.name, p] as const))('%s: MIT LICENSE, README with an example, ESM exports', (_name, { dir, manifest }) => {
    expect(readFileSync(path.join(repoRoot, dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(path.join(repoRoot, dir, 'README.md'), 'utf8')).toMatch(/```(ts|js|bash)\n[\s\S]+?```/);
    expect(manifest.type).toBe('module');
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'LICENSE', 'README.md']));
    expect(manifest.main).toBe('./dist/index.js');
    expect(manifest.types).toBe('./dist/index.d.ts');
    // `types` first and `default` last; `source` (TypeScript files, workspace only) never reaches the registry.
    const conditions = Object.keys(manifest.exports?.['.'] ?? {});
    expect(conditions[0]).toBe('types');
    expect(conditions.at(-1)).toBe('default');
    expect(manifest.publishConfig?.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
  });
});
