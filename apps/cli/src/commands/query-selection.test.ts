import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';
import type { QueryOutput } from './query.js';

// sift query with the model-backed selectors (sage, corag) and --reranker, over a small BM25 index.
let dir: string;
let cfgFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-query-selection-'));
  await mkdir(path.join(dir, 'docs'), { recursive: true });
  const files: Record<string, string> = {
    'whales.txt': 'The sperm whale dives deep to hunt giant squid. Whales breathe air through a blowhole. Blue whales eat krill.',
    'squid.txt': 'Giant squid live in the deep ocean. Their eyes are the largest in the animal kingdom. Sperm whales hunt them.',
    'tea.txt': 'Green tea is steeped at 80 °C for two minutes. Black tea takes boiling water and four minutes.',
    'bread.txt': 'Mix flour, water, salt and yeast. Let the dough rise for two hours, then bake the loaf.',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'docs', name), text);
  cfgFile = path.join(dir, 'sift.config.json');
  await writeFile(cfgFile, JSON.stringify({ index: path.join(dir, 'idx'), chunker: 'sentence', size: 24, retriever: 'bm25', k: 10 }));
  const built = await runCli(['index', path.join(dir, 'docs'), '--config', cfgFile], { cwd: dir });
  expect(built.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const query = async (...flags: string[]) => runCli(['query', 'what do sperm whales hunt', '--json', '--config', cfgFile, ...flags], { cwd: dir });

describe('sift query --selector sage|corag --reranker', () => {
  it('corag keeps a selection within --budget, scored by the named reranker', async () => {
    const r = await query('--selector', 'corag', '--budget', '30', '--reranker', 'bm25');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as QueryOutput;
    expect(out.selection).toMatchObject({ name: 'corag', budget: 30 });
    expect(out.selection.tokens).toBeLessThanOrEqual(30);
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.reduce((a, x) => a + x.tokenCount, 0)).toBe(out.selection.tokens);
    expect(out.results.some((x) => /whale|squid/i.test(x.text))).toBe(true);
  });

  it('sage cuts the ranked list; an unknown reranker is one clear error', async () => {
    const r = await query('--selector', 'sage', '--reranker', 'bm25');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as QueryOutput;
    expect(out.selection.name).toBe('sage');
    expect(out.results.length).toBeGreaterThanOrEqual(1);
    expect(out.results.length).toBeLessThanOrEqual(4); // default maxK
    const bad = await query('--selector', 'sage', '--reranker', 'colbert');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/E_UNKNOWN_COMPONENT: Unknown reranker "colbert"/);
  });
});
