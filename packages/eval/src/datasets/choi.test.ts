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

describe('loadChoi with a malformed file', () => {
  it('skips a document with a doubled separator, reports it, and aborts on it with strict', async () => {
    const { mkdtemp, mkdir, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'sift-choi-'));
    try {
      await mkdir(join(dir, '1', '3-5'), { recursive: true });
      await writeFile(join(dir, '1', '3-5', '0.ref'), '==========\na .\n==========\nb .\n==========\n');
      await writeFile(join(dir, '1', '3-5', '1.ref'), '==========\na .\n==========\n==========\nb .\n==========\n');
      await writeFile(join(dir, '1', '3-5', '2.ref'), '==========\nc .\n==========\n');
      const skipped: string[] = [];
      const docs = [];
      for await (const d of loadChoi({ dir, subset: '1/3-5', onSkip: (s) => skipped.push(s.message) })) docs.push(d.id);
      expect(docs).toEqual(['1/3-5/0', '1/3-5/2']);
      expect(skipped).toEqual([`${join(dir, '1', '3-5', '1.ref')}:4: empty segment between two separators`]);
      const strict = loadChoi({ dir, subset: '1/3-5', strict: true });
      await strict.next();
      await expect(strict.next()).rejects.toMatchObject({ code: 'E_DATASET_MALFORMED', message: expect.stringMatching(/1\.ref:4: empty segment/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
