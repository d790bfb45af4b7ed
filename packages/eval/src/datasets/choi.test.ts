import { describe, expect, it } from 'vitest';
import { loadChoi, parseChoiRef, resolveChoiSubsets } from './choi.js';
import { sharedDataset } from '../testing/_datasets-available.js';

const choi = sharedDataset('choi');

describe('parseChoiRef', () => {
  it('reads sentences and segment starts', () => {
    const d = parseChoiRef('==========\na .\nb .\n==========\nc .\n==========\n', 'f.ref', 'x', 's');
    expect(d.sentences).toEqual(['a .', 'b .', 'c .']);
    expect(d.starts).toEqual([0, 2]);
  });
  it('names file and line for text before the first separator or an empty segment', () => {
    expect(() => parseChoiRef('oops\n==========\n', 'f.ref', 'x', 's')).toThrow(/f\.ref:1: text before/);
    expect(() => parseChoiRef('==========\na\n==========\n==========\n', 'f.ref', 'x', 's')).toThrow(/f\.ref:4: empty segment/);
  });
});

describe.skipIf(!choi.present)('loadChoi on the Choi data', () => {
  it('1/3-11 has 50 documents of 10 segments', async () => {
    const docs = [];
    for await (const d of loadChoi({ dir: choi.dir, subset: '1/3-11' })) docs.push(d);
    expect(docs).toHaveLength(50);
    for (const d of docs) expect(d.starts).toHaveLength(10);
    expect(docs[0]!.id).toBe('1/3-11/0');
  });
  it('set and "all" specs expand to folders', async () => {
    expect(await resolveChoiSubsets(choi.dir, '1')).toEqual(['1/3-11', '1/3-5', '1/6-8', '1/9-11']);
    expect(await resolveChoiSubsets(choi.dir, 'all')).toHaveLength(9);
  });
  it('a missing subset is E_DATASET_MISSING', async () => {
    const it = loadChoi({ dir: choi.dir, subset: '9/1-2' });
    await expect(it.next()).rejects.toMatchObject({ code: 'E_DATASET_MISSING' });
  });
});
