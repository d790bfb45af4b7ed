import { describe, expect, it } from 'vitest';
import { DYNAMIC_THRESHOLD_AFTER, newThresholdState, pplMinima } from './ppl-minima.js';

const minima = (v: number[], thr = 0) => pplMinima(v, newThresholdState(thr));

describe('pplMinima: the reference boundary rule', () => {
  it('finds strict local minima; the first and last sentence are never boundaries', () => {
    expect(minima([5, 3, 4, 2, 6])).toEqual([1, 3]);
    expect(minima([1, 5, 0])).toEqual([]); // ends are never candidates
    expect(minima([3, 2, 1])).toEqual([]); // monotone: no minimum
    expect(minima([])).toEqual([]);
    expect(minima([1])).toEqual([]);
    expect(minima([2, 1])).toEqual([]);
  });

  it('needs a drop of at least the threshold on either side (≥, not >)', () => {
    expect(minima([5, 4, 4.5], 1)).toEqual([1]); // left drop exactly 1
    expect(minima([5, 4.5, 5.5], 1)).toEqual([1]); // right drop exactly 1, left only 0.5
    expect(minima([5, 4.5, 5], 1)).toEqual([]); // both drops 0.5
    expect(minima([5, 4.5, 5], 0.5)).toEqual([1]);
    expect(minima([5, 4.5, 5], 0.5000001)).toEqual([]);
  });

  it('flat right side: v[i] < v[i-1] and v[i] == v[i+1] counts on the left drop alone', () => {
    expect(minima([5, 3, 3, 6])).toEqual([1]); // the first sentence of the plateau closes the chunk, not the second
    expect(minima([5, 3, 3, 6], 2)).toEqual([1]);
    expect(minima([5, 3, 3, 6], 2.5)).toEqual([]); // left drop 2 < 2.5; the right rise from 3 does not count
  });

  it('plateaus: a flat left side or a flat run in the middle is not a minimum', () => {
    expect(minima([3, 3, 4])).toEqual([]); // equal on the left
    expect(minima([4, 2, 2, 2, 5])).toEqual([1]); // only the plateau's first sentence
    expect(minima([2, 2, 2, 2])).toEqual([]);
    expect(minima([4, 3, 3, 2, 5])).toEqual([1, 3]); // step down: both steps' first sentences
  });

  it('NaN (a sentence with no scored token) is never a minimum and never makes a neighbour one', () => {
    expect(minima([5, Number.NaN, 6])).toEqual([]);
    expect(minima([Number.NaN, 1, 6])).toEqual([]);
    expect(minima([5, 1, Number.NaN, 4, 2, 6])).toEqual([4]);
  });
});

describe('pplMinima: dynamic threshold', () => {
  // A sawtooth whose minima drop by `d` on both sides.
  const saw = (teeth: number, d: number) => Array.from({ length: 2 * teeth + 1 }, (_, i) => (i % 2 === 1 ? 10 - d : 10));

  it('switches to the smallest recorded drop after 100 minima, and the state carries across documents', () => {
    const state = newThresholdState(0);
    // Document 1: 60 minima with drops of 1, then document 2: 60 minima with drops of 2.
    expect(pplMinima(saw(60, 1), state, true)).toHaveLength(60);
    expect(state.drops).toHaveLength(60);
    expect(state.threshold).toBe(0); // fewer than 100 recorded: still the configured threshold
    expect(pplMinima(saw(60, 2), state, true)).toHaveLength(60);
    expect(state.drops).toHaveLength(120);
    expect(state.threshold).toBe(1); // min of recorded drops
    // Document 3: drops of 0.5 are now below the threshold and are not boundaries; drops of 1 still are.
    expect(pplMinima(saw(10, 0.5), state, true)).toEqual([]);
    expect(pplMinima([10, 9, 10, 9.5, 10], state, true)).toEqual([1]);
  });

  it('updates within a document as soon as the 100th drop is recorded', () => {
    const state = newThresholdState(0);
    const v = [...saw(DYNAMIC_THRESHOLD_AFTER, 1), 9.5, 10]; // 100 minima of drop 1, then one of drop 0.5
    const got = pplMinima(v, state, true);
    expect(got).toHaveLength(DYNAMIC_THRESHOLD_AFTER);
    expect(got).not.toContain(v.length - 2);
    expect(state.threshold).toBe(1);
  });

  it('records min(left, right) drops, and the left drop in the flat-right case', () => {
    const state = newThresholdState(0);
    pplMinima([10, 7, 9, 9, 8, 8, 12], state, true);
    expect(state.drops).toEqual([2, 1]); // sentence 1: min(3, 2); sentence 4: flat right, left drop 1
  });

  it('a static threshold never changes and records nothing', () => {
    const state = newThresholdState(0.25);
    pplMinima(saw(150, 1), state, false);
    expect(state.threshold).toBe(0.25);
    expect(state.drops).toEqual([]);
  });
});
