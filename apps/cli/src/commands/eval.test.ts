import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDatasetsDir } from '@sift/eval';
import { runCli } from '../testing.js';
import { tokenLengthArg } from './eval.js';

const choiPresent = existsSync(join(resolveDatasetsDir(), 'choi'));
if (!choiPresent) console.warn('[skip] ../shared/datasets/choi is absent: the sift eval segmentation CLI test is skipped');

describe('sift eval', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-eval-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!choiPresent)('segmentation on choi writes the three reports and prints Pk and WindowDiff', async () => {
    const out = join(dir, 'seg');
    const r = await runCli(['eval', '--dataset', 'choi:1/3-11', '--segmenter', 'baseline:none', '--out', out]);
    expect(r.stderr).not.toMatch(/sift: E_/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pk\s+0\.46/);
    expect(r.stdout).toMatch(/windowdiff\s+0\.46/);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { dataset: string; n: number; metrics: Record<string, number> };
    expect(report).toMatchObject({ dataset: 'choi:1/3-11', n: 50 });
    expect(Object.keys(report.metrics)).toEqual(expect.arrayContaining(['pk', 'windowdiff']));
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<svg');

    const again = await runCli(['eval', '--dataset', 'choi:1/3-11', '--segmenter', 'baseline:all', '--out', join(dir, 'all')]);
    expect(again.code).toBe(0);
    const cmp = await runCli(['eval', '--compare', join(out, 'report.json'), join(dir, 'all', 'report.json')]);
    expect(cmp.code).toBe(0);
    expect(cmp.stdout).toMatch(/^pk\s+0\.460\s+0\.540\s+\+0\.0[78]\d$/m);
    expect(cmp.stdout).toMatch(/^windowdiff\s+0\.460\s+1\.000\s+\+0\.540$/m);
  });

  it.skipIf(!choiPresent)('--pipeline reads a config file; flags override it; a bad key is named', async () => {
    const { writeFile } = await import('node:fs/promises');
    const cfg = join(dir, 'pipeline.json');
    await writeFile(cfg, JSON.stringify({ pipeline: { segmenter: 'baseline:even', knownK: true } }));
    const r = await runCli(['eval', '--dataset', 'choi:1/3-5', '--limit', '3', '--pipeline', cfg, '--out', join(dir, 'p'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { pipeline: Record<string, unknown>; n: number };
    expect(report.pipeline).toEqual({ segmenter: 'baseline:even', knownK: true });
    expect(report.n).toBe(3);
    const over = await runCli(['eval', '--dataset', 'choi:1/3-5', '--limit', '3', '--pipeline', cfg, '--segmenter', 'baseline:none', '--out', join(dir, 'q'), '--json']);
    expect((JSON.parse(over.stdout) as { pipeline: Record<string, unknown> }).pipeline.segmenter).toBe('baseline:none');
    await writeFile(cfg, JSON.stringify({ segmenter: 'baseline:none', kk: 1 }));
    const bad = await runCli(['eval', '--dataset', 'choi:1/3-5', '--pipeline', cfg, '--out', join(dir, 'r')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sift: E_BAD_CONFIG: .*unknown key "kk"/);
  });

  it('--pipeline reads the sift.config.json format on a BEIR folder; each budget has labelled summary lines; report.md states each budget once', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const beir = join(dir, 'beir');
    await mkdir(join(beir, 'qrels'), { recursive: true });
    const corpus = [
      { _id: 'p1', title: 'Bread', text: 'Bread dough rises with yeast. Bake the loaf in a hot oven until the crust is brown.' },
      { _id: 'p2', title: 'Whales', text: 'Sperm whales dive to hunt squid. A whale breathes through its blowhole.' },
      { _id: 'p3', title: 'Tea', text: 'Steep green tea briefly in water below boiling. Black tea wants boiling water.' },
    ];
    await writeFile(join(beir, 'corpus.jsonl'), corpus.map((d) => JSON.stringify(d)).join('\n'));
    await writeFile(join(beir, 'queries.jsonl'), '{"_id":"q1","text":"how does bread dough rise"}\n{"_id":"q2","text":"what do sperm whales hunt"}\n');
    await writeFile(join(beir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\tp1\t1\nq2\tp2\t1\n');
    const cfg = join(dir, 'sift.config.json');
    await writeFile(cfg, JSON.stringify({ index: '.sift', chunker: 'sentence', size: 16, retriever: 'bm25', selector: 'budget', k: 10, ext: ['txt'] }));
    const out = join(dir, 'beir-out');
    const r = await runCli(['eval', '--dataset', `beir:${beir}`, '--pipeline', cfg, '--budget', '20,60', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const b of [20, 60]) for (const m of ['recall', 'answer_in_context', 'tokens_per_query']) expect(r.stdout).toMatch(new RegExp(`^  budget ${b}: ${m} +\\S+$`, 'm'));
    expect(r.stdout).not.toMatch(/^  recall +/m);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { pipeline: Record<string, unknown>; items: unknown[]; meta: Record<string, unknown> };
    expect(report.pipeline).toMatchObject({ chunker: { chunker: 'sentence', size: 16 }, retriever: { retriever: 'bm25' }, selector: 'budget', budgets: [20, 60], k: 10 });
    expect(report.items).toHaveLength(2);
    expect(report.meta).toMatchObject({ sift_version: expect.any(String) });
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).not.toMatch(/^\| budgets \|/m);
    expect(md).not.toMatch(/^\| recall \|/m);
    expect(md).toMatch(/^\| 20 \| /m);

    // A selector list: every selector at every budget, one labelled line set and one plot curve per selector.
    const several = join(dir, 'beir-several');
    const s = await runCli(['eval', '--dataset', `beir:${beir}`, '--pipeline', cfg, '--selector', 'budget,sage,corag', '--budget', '20,60', '--out', several]);
    expect(s.code).toBe(0);
    for (const name of ['budget', 'sage', 'corag']) for (const b of [20, 60]) expect(s.stdout).toMatch(new RegExp(`^  ${name}, budget ${b}: recall +\\S+$`, 'm'));
    const sr = JSON.parse(await readFile(join(several, 'report.json'), 'utf8')) as { budgets: Array<{ selector: string; budget: number; tokens_per_query: number }> };
    expect(sr.budgets.map((b) => `${b.selector}@${b.budget}`)).toEqual(['budget@20', 'budget@60', 'sage@20', 'sage@60', 'corag@20', 'corag@60']);
    for (const b of sr.budgets) expect(b.tokens_per_query).toBeLessThanOrEqual(b.budget);
    const html = await readFile(join(several, 'report.html'), 'utf8');
    for (const name of ['top-k chunks', 'budget', 'sage', 'corag']) expect(html).toContain(`>${name}<`);
  });

  it('usage errors exit 2 with one line', async () => {
    const noOut = await runCli(['eval', '--dataset', 'hotpotqa-100']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/^sift: E_BAD_CONFIG: sift eval needs --out <dir>/);
    const one = await runCli(['eval', '--compare', 'a.json']);
    expect(one.code).toBe(2);
    const badTask = await runCli(['eval', '--dataset', 'x', '--task', 'nope', '--out', dir]);
    expect(badTask.code).toBe(2);
  });

  it('a missing dataset is one line naming the file and where to get it', async () => {
    const r = await runCli(['eval', '--dataset', 'squad2', '--datasets-dir', join(dir, 'none'), '--out', join(dir, 'o')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('sift:'))).toEqual([
      expect.stringMatching(/^sift: E_DATASET_MISSING: Dataset file not found: .*squad2-dev-extract\/dev-v2\.0\.json\. .*squad2controlled/),
    ]);
  });
});

describe('tokenLengthArg', () => {
  it('reads 4k as 4096 and plain numbers as they are', () => {
    expect(tokenLengthArg('4k,16k,64k')).toEqual([4096, 16384, 65536]);
    expect(tokenLengthArg('1000')).toEqual([1000]);
    expect(tokenLengthArg('512k,1m,1M')).toEqual([524288, 1048576, 1048576]);
    expect(() => tokenLengthArg('4g')).toThrow(/4g/);
    expect(() => tokenLengthArg('1.5m')).toThrow(/1\.5m/);
  });
});
