import { describe, expect, it } from 'vitest';
import { recallAtK } from './recall-at-k.js';
import { allGoldAtK } from './all-gold-at-k.js';
import { precisionAtK } from './precision-at-k.js';
import { mrrAtK } from './mrr-at-k.js';
import { ndcgAtK } from './ndcg-at-k.js';
import { rankByScore, topDistinct } from './ranking.js';

const gold = new Set(['b', 'd']);
const ranking = ['a', 'b', 'c', 'd', 'e'];

describe('recallAtK', () => {
  it('counts the fraction of gold found in the top k', () => {
    expect(recallAtK(ranking, gold, 1)).toBe(0);
    expect(recallAtK(ranking, gold, 2)).toBe(0.5);
    expect(recallAtK(ranking, gold, 4)).toBe(1);
  });
  it('k beyond the results uses what is there', () => {
    expect(recallAtK(['b'], gold, 10)).toBe(0.5);
    expect(recallAtK([], gold, 10)).toBe(0);
  });
  it('no gold is undefined (left out of averages)', () => {
    expect(recallAtK(ranking, new Set(), 5)).toBeUndefined();
    expect(recallAtK(ranking, new Map([['a', 0]]), 5)).toBeUndefined();
  });
  it('a repeated id (second chunk of a passage) does not take a rank', () => {
    expect(recallAtK(['b', 'b', 'd'], gold, 2)).toBe(1);
  });
});

describe('allGoldAtK', () => {
  it('is 1 only when every gold id is in the top k', () => {
    expect(allGoldAtK(ranking, gold, 3)).toBe(0);
    expect(allGoldAtK(ranking, gold, 4)).toBe(1);
    expect(allGoldAtK(['d', 'b'], gold, 50)).toBe(1);
    expect(allGoldAtK(ranking, new Set(), 5)).toBeUndefined();
  });
});

describe('precisionAtK', () => {
  it('divides by k even when fewer results come back (trec_eval P_k)', () => {
    expect(precisionAtK(ranking, gold, 2)).toBe(0.5);
    expect(precisionAtK(ranking, gold, 5)).toBeCloseTo(0.4, 12);
    expect(precisionAtK(['b'], gold, 10)).toBeCloseTo(0.1, 12);
    expect(precisionAtK(ranking, new Set(), 5)).toBeUndefined();
  });
});

describe('mrrAtK', () => {
  it('is 1/rank of the first hit inside k, else 0', () => {
    expect(mrrAtK(ranking, gold, 10)).toBe(0.5);
    expect(mrrAtK(ranking, gold, 1)).toBe(0);
    expect(mrrAtK(['x', 'y', 'd'], gold, 3)).toBeCloseTo(1 / 3, 12);
    expect(mrrAtK([], gold, 3)).toBe(0);
    expect(mrrAtK(ranking, new Set(), 3)).toBeUndefined();
  });
});

describe('ndcgAtK', () => {
  it('binary gains: hand-computed', () => {
    // DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    const want = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(ndcgAtK(ranking, gold, 10)).toBeCloseTo(want, 12);
    expect(ndcgAtK(['b', 'd'], gold, 10)).toBeCloseTo(1, 12);
  });
  it('graded gains are linear and the ideal comes from the qrels', () => {
    const qrels = new Map([['a', 2], ['b', 1], ['z', 0]]);
    // ranking b, x, a: DCG = 1 + 2/log2(4) = 2; IDCG = 2 + 1/log2(3)
    expect(ndcgAtK(['b', 'x', 'a'], qrels, 10)).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 12);
  });
  it('cut at k applies to both DCG and the ideal', () => {
    // k=1: ranking starts with a non-relevant id -> 0; ideal has one gain of 1.
    expect(ndcgAtK(ranking, gold, 1)).toBe(0);
    expect(ndcgAtK(['d', 'a'], gold, 1)).toBe(1);
  });
  it('no gold is undefined; empty results score 0', () => {
    expect(ndcgAtK(ranking, new Set(), 10)).toBeUndefined();
    expect(ndcgAtK([], gold, 10)).toBe(0);
  });
});

describe('rankByScore (ties)', () => {
  it('sorts by score descending and breaks ties by id descending, as trec_eval', () => {
    const r = rankByScore([
      { id: 'a', score: 1 },
      { id: 'c', score: 2 },
      { id: 'b', score: 2 },
      { id: 'd', score: 0.5 },
    ]);
    expect(r.map((x) => x.id)).toEqual(['c', 'b', 'a', 'd']);
  });
  it('a tie decides MRR deterministically regardless of input order', () => {
    const run1 = rankByScore([{ id: 'x', score: 1 }, { id: 'g', score: 1 }]).map((r) => r.id);
    const run2 = rankByScore([{ id: 'g', score: 1 }, { id: 'x', score: 1 }]).map((r) => r.id);
    expect(run1).toEqual(run2);
    expect(mrrAtK(run1, new Set(['g']), 10)).toBe(0.5);
  });
  it('topDistinct keeps first occurrences', () => {
    expect(topDistinct(['a', 'a', 'b', 'a', 'c'], 2)).toEqual(['a', 'b']);
  });
});
