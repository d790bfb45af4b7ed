import { describe, expect, it } from 'vitest';
import type { Progress } from '../abort.js';
import { embedTokenized, type LongTextStats } from './use-lite-windows.js';

// A fake model: the vector of a window is one-hot on its first id (so pooling weights are visible), dim 4.
const run = async (batch: number[][]) => batch.map((ids) => Float32Array.from({ length: 4 }, (_, d) => (ids.length > 0 && ids[0] === d ? 1 : 0)));
const stats = (): LongTextStats => ({ policy: 'window', windowTokens: 3, texts: 0, longTexts: 0, windows: 0 });
const base = { window: 3, dim: 4, label: 'fake', maxBatchSize: 2 } as const;

describe('embedTokenized', () => {
  it('pools a long text’s windows by token count and rescales to unit length', async () => {
    const s = stats();
    // [0,9,9 | 1,9,9 | 1] → windows starting 0, 1, 1 with 3, 3, 1 tokens: (3, 4, 0, 0) / 5.
    const [v, short] = await embedTokenized([[0, 9, 9, 1, 9, 9, 1], [2]], run, { ...base, policy: 'window', stats: s });
    expect(Array.from(v!)).toEqual([0.6, 0.8, 0, 0].map((x) => Math.fround(x)));
    expect(Array.from(short!)).toEqual([0, 0, 1, 0]);
    expect(s).toMatchObject({ texts: 2, longTexts: 1, windows: 4 });
  });

  it('truncate keeps only the first window', async () => {
    const s = { ...stats(), policy: 'truncate' as const };
    const [v] = await embedTokenized([[0, 9, 9, 1, 9, 9, 1]], run, { ...base, policy: 'truncate', stats: s });
    expect(Array.from(v!)).toEqual([1, 0, 0, 0]);
    expect(s).toMatchObject({ texts: 1, longTexts: 1, windows: 1 });
  });

  it('reports progress in texts, not windows', async () => {
    const seen: Progress[] = [];
    await embedTokenized([[0, 1, 2, 3, 0, 1, 2], [1], [2]], run, { ...base, policy: 'window', stats: stats(), onProgress: (p) => seen.push(p) });
    expect(seen.every((p) => p.total === 3 && p.unit === 'texts' && p.done <= 3)).toBe(true);
    expect(seen.at(-1)).toEqual({ status: 'done', done: 3, total: 3, unit: 'texts' });
  });
});
