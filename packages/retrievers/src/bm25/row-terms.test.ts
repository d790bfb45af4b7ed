import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';
import { RowTerms } from './row-terms.js';

// Words that exercise the analyzer: stop words, case, possessives (straight and curly), stems, numbers, CJK.
const WORDS = ['The', 'the', 'running', 'runs', 'Run', "John's", 'John’s', 'of', 'AND', '3.14', '1,000', "don't", '東京都', 'state-of-the-art', 'É', 'x'];

/** Term frequencies the plain way: analyze(text), then count in first-seen order. */
function expected(texts: string[], analyzer: ReturnType<typeof createAnalyzer>) {
  const termIds = new Map<string, number>();
  return texts.map((text) => {
    const tf = new Map<number, number>();
    const terms = analyzer.analyze(text);
    for (const term of terms) {
      if (!termIds.has(term)) termIds.set(term, termIds.size);
      const t = termIds.get(term)!;
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    return { length: terms.length, tf: [...tf] };
  });
}

describe('RowTerms', () => {
  it('gives the terms, frequencies, order and new term ids of analyze(text), row after row', () => {
    for (const options of [{}, { stem: false }, { stopwords: false }, { stopwords: ['run'] }]) {
      const analyzer = createAnalyzer(options);
      fc.assert(
        fc.property(fc.array(fc.array(fc.constantFrom(...WORDS, ' ', '. ', '\n'), { maxLength: 40 }), { minLength: 1, maxLength: 8 }), (rows) => {
          const texts = rows.map((r) => r.join(' '));
          const counter = new RowTerms(analyzer);
          const termList: string[] = [];
          const termIds = new Map<string, number>();
          const got = texts.map((text) => {
            counter.count(text, termList, termIds);
            const tf: Array<[number, number]> = [];
            const length = counter.length;
            expect(counter.distinct).toBe(new Set(analyzer.analyze(text)).size);
            counter.drain((t, n) => tf.push([t, n]));
            return { length, tf };
          });
          expect(got).toEqual(expected(texts, analyzer));
          expect(termList).toEqual([...new Set(texts.flatMap((t) => analyzer.analyze(t)))]);
        }),
        { seed: 5, numRuns: 150 },
      );
    }
  });

  it('forget() drops the remembered words: ids come from the dictionary it is given next', () => {
    const counter = new RowTerms(createAnalyzer());
    counter.count('apples pears', [], new Map());
    counter.drain(() => {});
    counter.forget();
    const termList = ['zzz', 'pear'];
    const termIds = new Map([['zzz', 0], ['pear', 1]]);
    counter.count('pears apples pears', termList, termIds);
    const tf: Array<[number, number]> = [];
    counter.drain((t, n) => tf.push([t, n]));
    expect(tf).toEqual([[1, 2], [2, 1]]);
    expect(termList).toEqual(['zzz', 'pear', 'appl']);
  });

  it('keeps every word right past the remembered-word table growing and being cleared when full (200k words)', () => {
    const analyzer = createAnalyzer({ stem: false, stopwords: false });
    // 230k distinct words (base-26 letter strings), each row 1,000 of them, then the first rows again.
    const word = (i: number) => {
      let w = 'w';
      for (let n = i; n > 0; n = Math.floor(n / 26)) w += String.fromCharCode(97 + (n % 26));
      return w;
    };
    const rows = Array.from({ length: 230 }, (_, r) => Array.from({ length: 1000 }, (_, k) => word(r * 1000 + k)).join(' '));
    rows.push(rows[0]!, rows[229]!);
    const counter = new RowTerms(analyzer);
    const termList: string[] = [];
    const termIds = new Map<string, number>();
    const firstIds: number[][] = [];
    for (const text of rows) {
      counter.count(text, termList, termIds);
      const ids: number[] = [];
      counter.drain((t, n) => {
        expect(n).toBe(1);
        ids.push(t);
      });
      firstIds.push(ids);
    }
    expect(termList).toHaveLength(230_000);
    expect(firstIds[230]).toEqual(firstIds[0]);
    expect(firstIds[231]).toEqual(firstIds[229]);
    expect(firstIds[229]!.map((t) => termList[t])).toEqual(rows[229]!.split(' '));
  });
});
