import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSquad2 } from './squad2.js';
import { sharedDataset } from '../testing/_datasets-available.js';

const sq = sharedDataset('squad2-dev-extract');

describe.skipIf(!sq.present)('loadSquad2 on the dev extract', () => {
  it('83 paragraphs, 706 questions, 386 answerable with spans that match the text', async () => {
    const ds = await loadSquad2({ dir: sq.dir });
    expect(ds.documents).toHaveLength(83);
    expect(ds.questions).toHaveLength(706);
    const answerable = ds.questions.filter((q) => q.answers.length > 0);
    expect(answerable).toHaveLength(386);
    const byId = new Map(ds.documents.map((d) => [d.id, d]));
    for (const q of answerable) {
      for (const e of q.evidence) expect(q.answers).toContain(byId.get(e.docId)!.text.slice(e.start, e.end));
    }
  });
});

describe('loadSquad2 errors', () => {
  it('an answer that is not at answer_start is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-squad-'));
    try {
      const bad = { version: 'v2.0', data: [{ title: 'A', paragraphs: [{ context: 'hello world', qas: [{ id: 'q1', question: 'q', answers: [{ text: 'world', answer_start: 0 }] }] }] }] };
      await writeFile(join(dir, 'dev-v2.0.json'), JSON.stringify(bad));
      await expect(loadSquad2({ dir, strict: true })).rejects.toThrow(/data\[0\]\.paragraphs\[0\]\.qas\[0\]: answer "world" is not at answer_start 0/);
      const lenient = await loadSquad2({ dir });
      expect(lenient.questions).toEqual([]);
      expect(lenient.documents.map((d) => d.id)).toEqual(['A#0']);
      expect(lenient.skipped?.map((s) => s.where)).toEqual(['data[0].paragraphs[0].qas[0]']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
