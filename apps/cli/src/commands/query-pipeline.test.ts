import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPipeline, loadPipelineConfig } from '@sift/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';
import type { QueryOutput } from './query.js';

// One config file, two front doors: `sift query --json` (run in-process) and `createPipeline` must rank alike.
let dir: string;
const QUESTIONS = ['how long does bread dough rise', 'what do sperm whales eat', 'water temperature for green tea'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sift-query-pipeline-'));
  await mkdir(path.join(dir, 'docs', 'notes'), { recursive: true });
  const files: Record<string, string> = {
    'bread.md': '# Bread\n\nMix flour, water, salt and yeast. Knead the dough for ten minutes. Let it rise for two hours. Bake the loaf at 230 °C until the crust is brown and it sounds hollow.',
    'whales.txt': 'The sperm whale dives deep to hunt giant squid. Whales breathe air through a blowhole. Blue whales eat krill, filtered through baleen plates. Orcas hunt seals and fish.',
    'tea.txt': 'Green tea is steeped at 80 °C for two minutes. Black tea takes boiling water and four minutes. Oolong sits between them. Herbal infusions are not tea at all.',
    'notes/ovens.md': 'A fan oven bakes evenly. Preheat the oven before the loaf goes in, and put a tray of water below for steam.',
    'notes/squid.txt': 'Giant squid live in the deep ocean. Their eyes are the largest in the animal kingdom. Sperm whales are their main predator.',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'docs', name), text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function compare(name: string, config: Record<string, unknown>): Promise<void> {
  const cfgFile = path.join(dir, `${name}.json`);
  await writeFile(cfgFile, JSON.stringify({ index: path.join(dir, `idx-${name}`), k: 10, ...config }));
  const built = await runCli(['index', path.join(dir, 'docs'), '--config', cfgFile], { cwd: dir });
  expect(built.stderr).not.toMatch(/sift: E_/); // (an embedding line may be printed)
  expect(built.code).toBe(0);
  await using pipeline = await createPipeline(await loadPipelineConfig(cfgFile));
  for (const q of QUESTIONS) {
    const cli = await runCli(['query', q, '--json', '--config', cfgFile], { cwd: dir });
    expect(cli.stderr).toBe('');
    const out = JSON.parse(cli.stdout) as QueryOutput;
    const lib = await pipeline.query(q);
    // BM25 returns only chunks sharing a term with the query; hybrid fills the top 10 from the dense leg.
    if (config.retriever === 'hybrid') expect(out.results).toHaveLength(10);
    else expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.map((r) => [r.chunkId, r.score, r.tokenCount])).toEqual(lib.chunks.map((c) => [c.id, c.score, c.tokenCount]));
    expect(out.selection).toEqual({ name: lib.selection.name, budget: lib.selection.budget, tokens: lib.selection.tokens });
  }
}

describe('sift query --json and createPipeline, same config file', () => {
  it('bm25 over sentence chunks: identical top-10 chunk ids and scores', async () => {
    await compare('bm25', { chunker: 'sentence', size: 24, retriever: 'bm25' });
  });

  it('graph:bm25 with a budget selector: identical selections', async () => {
    await compare('graph', { chunker: 'sentence', size: 24, retriever: 'graph:bm25', selector: 'budget', budget: 60 });
  });

  it('hybrid with the default embedder (use-lite, implied by the retriever): identical top-10', async () => {
    await compare('hybrid', { chunker: 'sentence', size: 24, retriever: 'hybrid' });
  });
});
