import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBeir, parseQrels } from './beir.js';

describe('loadBeir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-beir-'));
    await mkdir(join(dir, 'qrels'));
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","title":"Cats","text":"Cats purr."}\n\n{"_id":2,"text":"Dogs bark."}\n');
    await writeFile(join(dir, 'queries.jsonl'), '{"_id":"q1","text":"what purrs"}\n{"_id":"q2","text":"unjudged"}\n');
    await writeFile(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\t2\t0\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('reads corpus, judged queries and graded qrels', async () => {
    const ds = await loadBeir({ dir });
    expect(ds.documents.map((d) => [d.id, d.text])).toEqual([['d1', 'Cats\nCats purr.'], ['2', 'Dogs bark.']]);
    expect(ds.questions).toHaveLength(1);
    expect(ds.questions[0]!.gold).toEqual(new Map([['d1', 2], ['2', 0]]));
  });
  it('strict: a bad corpus line is named by file and line', async () => {
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","text":"ok"}\n{"_id":"d2"}\n');
    await expect(loadBeir({ dir, strict: true })).rejects.toThrow(/corpus\.jsonl:2: text/);
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","text":"ok"}\n{oops\n');
    await expect(loadBeir({ dir, strict: true })).rejects.toThrow(/corpus\.jsonl:2: invalid JSON/);
  });
  it('by default skips a bad corpus, query or qrels line, counts it and tells onSkip', async () => {
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","title":"Cats","text":"Cats purr."}\n{oops\n{"_id":"d3"}\n{"_id":2,"text":"Dogs bark."}\n');
    await writeFile(join(dir, 'queries.jsonl'), '{"_id":"q1","text":"what purrs"}\n{"text":"no id"}\n');
    await writeFile(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td9\n');
    const told: string[] = [];
    const ds = await loadBeir({ dir, onSkip: (s) => told.push(s.message) });
    expect(ds.documents.map((d) => d.id)).toEqual(['d1', '2']);
    expect(ds.questions.map((q) => q.id)).toEqual(['q1']);
    expect(ds.questions[0]!.gold).toEqual(new Map([['d1', 2]]));
    expect(ds.skipped?.map((s) => `${s.file.split('/').at(-1)}:${s.where}`)).toEqual(['test.tsv:3', 'corpus.jsonl:2', 'corpus.jsonl:3', 'queries.jsonl:2']);
    expect(told).toHaveLength(4);
    expect(told[1]).toMatch(/corpus\.jsonl:2: invalid JSON/);
  });
  it('missing split and missing folder are E_DATASET_MISSING', async () => {
    await expect(loadBeir({ dir, split: 'dev' })).rejects.toMatchObject({ code: 'E_DATASET_MISSING', message: expect.stringContaining('dev.tsv') });
    await expect(loadBeir({ dir: join(dir, 'nope') })).rejects.toMatchObject({ code: 'E_DATASET_MISSING' });
  });
  it('parseQrels rejects short rows with the line number (no onBad)', () => {
    expect(() => parseQrels('q1\td1\n', 'x.tsv')).toThrow(/x\.tsv:1: expected 3/);
  });
});
