import { describe, expect, it } from 'vitest';
import type { Progress } from '../abort.js';
import { SiftError } from '../errors.js';
import { embedInBatches } from './embed-in-batches.js';

const texts = ['a', 'bbbbbb', 'cc', 'dddd', 'eee', 'ffffff', 'g'];
const fake = (calls: string[][]) => async (batch: string[]) => {
  calls.push(batch);
  return batch.map((t) => new Float32Array([t.length, t.charCodeAt(0)]));
};

describe('embedInBatches', () => {
  it('returns vectors in input order while batching longest first under the row cap', async () => {
    const calls: string[][] = [];
    const out = await embedInBatches(texts, fake(calls), { maxBatchSize: 3, lengthOf: (t) => t.length, dim: 2 });
    expect(out.map((v) => String.fromCharCode(v[1]!))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(calls).toEqual([['bbbbbb', 'ffffff', 'dddd'], ['eee', 'cc', 'a'], ['g']]);
  });

  it('maxBatchTokens caps rows × longest row', async () => {
    const calls: string[][] = [];
    await embedInBatches(texts, fake(calls), { maxBatchSize: 10, maxBatchTokens: 12, lengthOf: (t) => t.length });
    expect(calls.map((b) => b.length * b[0]!.length).every((c) => c <= 12)).toBe(true);
    expect(calls[0]).toEqual(['bbbbbb', 'ffffff']);
    expect(calls.flat()).toHaveLength(texts.length);
  });

  it('minFill bounds padding: a batch ends at a row shorter than minFill × its longest', async () => {
    const calls: string[][] = [];
    await embedInBatches(texts, fake(calls), { maxBatchSize: 10, minFill: 0.5, lengthOf: (t) => t.length });
    // Lengths sorted 6 6 4 3 2 1 1: [6 6 4 3] (3 ≥ 0.5·6), then [2 1 1].
    expect(calls).toEqual([['bbbbbb', 'ffffff', 'dddd', 'eee'], ['cc', 'a', 'g']]);
    for (const b of calls) expect(Math.min(...b.map((t) => t.length))).toBeGreaterThanOrEqual(0.5 * b[0]!.length);
  });

  it('reports progress in texts and stops between batches when aborted', async () => {
    const events: Progress[] = [];
    const ctl = new AbortController();
    const calls: string[][] = [];
    const run = async (b: string[]) => {
      calls.push(b);
      if (calls.length === 2) ctl.abort(new Error('user stop'));
      return b.map(() => new Float32Array(1));
    };
    const err = await embedInBatches(texts, run, {
      maxBatchSize: 2,
      lengthOf: (t) => t.length,
      signal: ctl.signal,
      onProgress: (p) => events.push(p),
    }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_ABORTED');
    expect(calls).toHaveLength(2);
    expect(events.map((e) => e.done)).toEqual([2, 4]);
    expect(events.every((e) => e.total === 7 && e.unit === 'texts')).toBe(true);
  });

  it('ends with a done event, and handles no input', async () => {
    const events: Progress[] = [];
    expect(await embedInBatches([], fake([]), { maxBatchSize: 4, lengthOf: () => 1, onProgress: (p) => events.push(p) })).toEqual([]);
    expect(events).toEqual([{ status: 'done', done: 0, total: 0, unit: 'texts' }]);
  });

  it('rejects a model that returns the wrong count or dimension', async () => {
    const short = async (b: string[]) => b.slice(1).map(() => new Float32Array(2));
    await expect(embedInBatches(texts, short, { maxBatchSize: 3, lengthOf: (t) => t.length, label: 'm' })).rejects.toThrow(
      /m returned 2 vectors for a batch of 3/,
    );
    await expect(embedInBatches(texts, fake([]), { maxBatchSize: 3, lengthOf: (t) => t.length, dim: 3 })).rejects.toThrow(
      /vector of length 2, expected 3/,
    );
    await expect(embedInBatches(texts, fake([]), { maxBatchSize: 0, lengthOf: (t) => t.length })).rejects.toThrow(/maxBatchSize/);
  });
});
