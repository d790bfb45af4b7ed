import { describe, expect, it } from 'vitest';
import { buildPairDataset, type PairCorpusDoc } from './pair-dataset.js';

const docs: PairCorpusDoc[] = Array.from({ length: 20 }, (_, d) => ({
  id: `d${d}`,
  source: d % 2 ? 'odd' : 'even',
  paragraphs: [0, 1, 2].map((p) => [0, 1, 2, 3].map((s) => `d${d}p${p}s${s}`)),
}));
const para = (t: string) => t.slice(0, t.indexOf('s'));

describe('buildPairDataset', () => {
  it('labels within-paragraph neighbours same and cross-paragraph or cross-document pairs different, balanced', () => {
    const { train, test } = buildPairDataset(docs, { seed: 5 });
    for (const p of [...train, ...test]) expect(p.same === 1).toBe(para(p.a.at(-1)!) === para(p.b[0]!));
    const pos = train.filter((p) => p.same === 1).length;
    expect(pos * 2).toBe(train.length);
  });
  it('holds out whole documents', () => {
    const { train, test } = buildPairDataset(docs, { seed: 5, holdOut: 0.2 });
    const trainDocs = new Set(train.map((p) => p.docId));
    expect(test.some((p) => trainDocs.has(p.docId) && p.same === 1)).toBe(false);
    expect(new Set(test.filter((p) => p.same === 1).map((p) => p.docId)).size).toBe(4);
  });
  it('takes context windows inside the paragraph on each side of the gap', () => {
    const { train } = buildPairDataset(docs, { seed: 5, context: 3 });
    for (const p of train) {
      expect(p.a.length).toBeLessThanOrEqual(3);
      expect(new Set(p.a.map(para)).size).toBe(1);
      expect(new Set(p.b.map(para)).size).toBe(1);
    }
    // Inside a 4-sentence paragraph 3 + 3 never fit, so only gaps at paragraph breaks have full windows on both sides.
    expect(train.filter((p) => p.a.length === 3 && p.b.length === 3).every((p) => p.same === 0)).toBe(true);
    expect(train.some((p) => p.a.length === 3)).toBe(true);
  });
  it('needs two usable documents', () => {
    expect(() => buildPairDataset(docs.slice(0, 1))).toThrow(/at least 2/);
  });
});
