import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hotpotPassage, loadHotpotQa } from './hotpotqa.js';
import { sharedDataset } from '../testing/_datasets-available.js';

const hp = sharedDataset('hotpotqa-100');

describe('hotpotPassage', () => {
  it('joins trimmed sentences with one space after the title and keeps each sentence span', () => {
    const d = hotpotPassage('T', ['First one.', ' Second.', ' ', ' Third.']);
    expect(d.text).toBe('T\nFirst one. Second. Third.');
    const spans = d.metadata.sentences as Array<[number, number]>;
    expect(spans.map(([s, e]) => d.text.slice(s, e))).toEqual(['First one.', 'Second.', '', 'Third.']);
  });
});

describe.skipIf(!hp.present)('loadHotpotQa on hotpotqa-100', () => {
  it('loads 994 passages and 100 questions with located supporting sentences', async () => {
    const ds = await loadHotpotQa({ dir: hp.dir });
    expect(ds.documents).toHaveLength(994);
    expect(ds.questions).toHaveLength(100);
    const q = ds.questions[0]!;
    expect(q.gold).toEqual(new Set(['Alû', 'Lilu (mythology)']));
    const byId = new Map(ds.documents.map((d) => [d.id, d]));
    for (const e of q.evidence) expect(byId.get(e.docId)!.text.slice(e.start, e.end).length).toBeGreaterThan(0);
    expect(q.group).toHaveLength(10);
    // Yes/no answers are not extractive.
    expect(ds.questions.filter((x) => x.answers.length === 0)).toHaveLength(9);
  });
  it('adds 2Wiki distractors under a prefix, and limit cuts questions', async () => {
    const ds = await loadHotpotQa({ dir: hp.dir, limit: 3, distractorsFile: join(hp.dir, '..', '2wiki-corpus', '2wikimultihopqa_corpus.json') });
    expect(ds.questions).toHaveLength(3);
    expect(ds.documents).toHaveLength(994 + 6119);
    expect(ds.documents[994]!.id.startsWith('2wiki:')).toBe(true);
  });
});

describe('loadHotpotQa errors', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-hotpot-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('missing files: E_DATASET_MISSING naming the file and where to get it', async () => {
    await expect(loadHotpotQa({ dir })).rejects.toMatchObject({
      code: 'E_DATASET_MISSING',
      message: expect.stringMatching(/hotpotqa_train\.json.*HippoRAG/),
    });
  });
  it('bad JSON: E_DATASET_MALFORMED with file:line:col', async () => {
    await writeFile(join(dir, 'hotpotqa_train.json'), '[\n{"_id": 1,\n');
    await writeFile(join(dir, 'hotpotqa_train_corpus.json'), '{}');
    await expect(loadHotpotQa({ dir })).rejects.toMatchObject({
      code: 'E_DATASET_MALFORMED',
      message: expect.stringMatching(/hotpotqa_train\.json:\d+:\d+: invalid JSON/),
    });
  });
  it('bad record: names the index and field', async () => {
    await writeFile(join(dir, 'hotpotqa_train.json'), JSON.stringify([{ _id: 'a', question: 'q', answer: 'x', supporting_facts: [['T', 'zero']], context: [['T', ['s']]] }]));
    await writeFile(join(dir, 'hotpotqa_train_corpus.json'), JSON.stringify({ T: ['s'] }));
    await expect(loadHotpotQa({ dir, strict: true })).rejects.toThrow(/hotpotqa_train\.json:\[0\]: supporting_facts\.0\.1/);
  });
  it('by default skips a malformed question or corpus entry and counts it', async () => {
    const good = { _id: 'b', question: 'q', answer: 'x', supporting_facts: [['T', 0]], context: [['T', ['s']]] };
    await writeFile(
      join(dir, 'hotpotqa_train.json'),
      JSON.stringify([{ _id: 'a', question: 'q', answer: 'x', supporting_facts: [['T', 'zero']], context: [['T', ['s']]] }, good, { ...good, _id: 'c', supporting_facts: [['U', 0]] }]),
    );
    await writeFile(join(dir, 'hotpotqa_train_corpus.json'), JSON.stringify({ T: ['s'], U: 'not a list' }));
    const ds = await loadHotpotQa({ dir });
    expect(ds.questions.map((q) => q.id)).toEqual(['b']);
    expect(ds.documents.map((d) => d.id)).toEqual(['T']);
    expect(ds.skipped?.map((s) => s.where)).toEqual(['"U"', '[0]', '[2].supporting_facts']);
  });
  it('supporting sentence out of range is named', async () => {
    await writeFile(join(dir, 'hotpotqa_train.json'), JSON.stringify([{ _id: 'a', question: 'q', answer: 'x', supporting_facts: [['T', 3]], context: [['T', ['s']]] }]));
    await writeFile(join(dir, 'hotpotqa_train_corpus.json'), JSON.stringify({ T: ['s'] }));
    await expect(loadHotpotQa({ dir, strict: true })).rejects.toThrow(/sentence 3 is out of range for "T"/);
  });
});
