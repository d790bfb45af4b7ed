import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The examples are plain ESM JavaScript (they run with `node examples/<name>.mjs`); the tests import and run them.
import { main as compareMain } from './compare-pipelines.mjs';
import { main as indexAndQuery } from './index-and-query.mjs';
import { main as ownEmbedder } from './own-embedder.mjs';

let dir: string;
const docs = {
  'bread.md': '# Bread\n\nMix flour, water, salt and yeast. Knead the dough, let it rise for two hours, then bake the loaf at 230 °C.',
  'whales.txt': 'The sperm whale dives deep to hunt giant squid. Whales breathe air through a blowhole.',
  'tea.txt': 'Green tea is steeped at 80 °C for two minutes; black tea takes boiling water and four minutes.',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sift-examples-'));
  await mkdir(join(dir, 'docs'));
  for (const [name, text] of Object.entries(docs)) await writeFile(join(dir, 'docs', name), text);
  // A tiny BEIR folder: 4 passages, 3 judged queries.
  const beir = join(dir, 'beir');
  await mkdir(join(beir, 'qrels'), { recursive: true });
  const corpus = [
    { _id: 'p1', title: 'Bread', text: 'Bread dough rises with yeast. Bake the loaf in a hot oven until the crust is brown.' },
    { _id: 'p2', title: 'Whales', text: 'Sperm whales dive to hunt squid. A whale breathes through its blowhole.' },
    { _id: 'p3', title: 'Tea', text: 'Steep green tea briefly in water below boiling. Black tea wants boiling water.' },
    { _id: 'p4', title: 'Ovens', text: 'A fan oven bakes evenly. Preheat the oven before the loaf goes in.' },
  ];
  await writeFile(join(beir, 'corpus.jsonl'), corpus.map((d) => JSON.stringify(d)).join('\n'));
  const queries = [
    { _id: 'q1', text: 'how does bread dough rise' },
    { _id: 'q2', text: 'what do sperm whales hunt' },
    { _id: 'q3', text: 'water temperature for green tea' },
  ];
  await writeFile(join(beir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n'));
  await writeFile(join(beir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\tp1\t1\nq1\tp4\t1\nq2\tp2\t1\nq3\tp3\t1\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): { print: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { print: (line) => lines.push(line), lines };
}

describe('examples', () => {
  it('(a) indexes a folder and queries it with the defaults', async () => {
    const out = capture();
    await indexAndQuery([join(dir, 'docs'), 'how long does the dough rise', join(dir, 'idx-a')], out.print);
    expect(out.lines[0]).toBe('indexed 3 new documents (0 unchanged)');
    expect(out.lines[1]).toMatch(/^\d+\.\d{3} {2}bread\.md {2}# Bread Mix flour/);
    expect(out.lines.at(-1)).toMatch(/^\d chunks, \d+ tokens$/);
    // A second run finds everything indexed already.
    const again = capture();
    await indexAndQuery([join(dir, 'docs'), 'how long does the dough rise', join(dir, 'idx-a')], again.print);
    expect(again.lines[0]).toBe('indexed 0 new documents (3 unchanged)');
  });

  it('(b) plugs in a user-written embedding function', async () => {
    const out = capture();
    await ownEmbedder([join(dir, 'docs'), 'sperm whale squid', join(dir, 'idx-b')], out.print);
    expect(out.lines[0]).toMatch(/ {2}whales\.txt {2}The sperm whale/);
    expect(out.lines.at(-1)).toBe('embedder trigrams-256');
  });

  it('(c) evaluates two pipelines on a BEIR folder and compares them', async () => {
    const out = capture();
    const { a, b } = await compareMain([join(dir, 'beir')], out.print);
    expect(a.n).toBe(3);
    expect(a.metrics['recall@2']).toBeGreaterThanOrEqual(5 / 6);
    expect(b.pipeline).toMatchObject({ chunker: { chunker: 'sentence', size: 48 }, selector: 'budget', budget: 256 });
    expect(b.budgets?.[0]?.tokens_per_query).toBeLessThanOrEqual(256);
    expect(out.lines[0]).toMatch(/whole passages/);
    expect(out.lines[0]).toMatch(/recall@2/);
  });
});
