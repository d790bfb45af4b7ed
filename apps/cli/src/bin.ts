#!/usr/bin/env node
import { existsSync } from 'node:fs';

// `pnpm build` bundles the CLI into dist/bundle/ (scripts/bundle.mjs): one module graph of a few files starts several
// times faster than the tree of ~365 modules. Without the bundle (tsc alone, or running from source) the module tree runs.
const bundle = new URL('./bundle/main.js', import.meta.url);
const { main } = (existsSync(bundle) ? await import(bundle.href) : await import('./main.js')) as typeof import('./main.js');

process.exitCode = await main();
