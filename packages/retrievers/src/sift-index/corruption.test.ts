import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError, type Chunk, type Chunker, type Document } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiftIndex } from './sift-index.js';

// Damaged bytes on disk must never come back as results: chunk text is checked against its stored checksum on every
// read, and LanceDB failures (including Rust panics) surface as E_INDEX_CORRUPT naming the table and its folder.

const sentences: Chunker = {
  name: 'sentences',
  async *chunk(doc: Document): AsyncIterable<Chunk> {
    let n = 0;
    for (const m of doc.text.matchAll(/[^.]+\./g)) {
      const text = m[0].trim();
      const start = m.index + m[0].indexOf(text);
      yield { id: `${doc.id}#${n++}`, docId: doc.id, text, start, end: start + text.length, tokenCount: 3, metadata: {} };
    }
  },
};
const MARK = 'Zebras graze on the quiet savanna near the river.';
const DOCS: Document[] = [
  { id: 'a', text: `Lions hunt at dusk. ${MARK} Elephants remember water holes.`, metadata: {} },
  { id: 'b', text: 'Penguins swim in cold seas. Owls hunt at night.', metadata: {} },
];

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'sift-corrupt-')), 'idx');
  const index = await SiftIndex.create(dir);
  await index.add(DOCS, { chunker: sentences });
  await index.close();
});
afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

/** The chunks table's data file holding `needle`, and the needle's offset in it. */
async function findInData(needle: string): Promise<{ file: string; at: number }> {
  const data = join(dir, 'lance', 'chunks.lance', 'data');
  for (const name of await readdir(data)) {
    const bytes = await readFile(join(data, name));
    const at = bytes.indexOf(Buffer.from(needle));
    if (at >= 0) return { file: join(data, name), at };
  }
  throw new Error(`${needle} not found in ${data}`);
}

const corrupt = (pattern: RegExp) => (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && pattern.test(e.message);

describe('damaged index data', () => {
  it('flipped bytes in a chunk text are E_INDEX_CORRUPT naming the table and chunk, never returned; verify reports them', async () => {
    const { file, at } = await findInData('savanna');
    const bytes = await readFile(file);
    for (let i = 0; i < 7; i++) bytes[at + i] = 'SAVANNA'.charCodeAt(i); // same length, other text
    await writeFile(file, bytes);
    const index = await SiftIndex.open(dir);
    try {
      const chunksDir = join(dir, 'lance', 'chunks.lance');
      const named = new RegExp(`LanceDB table "chunks" \\(${chunksDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): the text of chunk "a#1" does not match its checksum`);
      await expect(index.getChunks(['a#1'])).rejects.toSatisfy(corrupt(named));
      await expect((await index.retriever('bm25')).retrieve('zebras graze', 3)).rejects.toSatisfy(corrupt(named));
      expect(await index.getChunks(['b#0'])).toHaveLength(1); // undamaged rows still read
      const report = await index.verify();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.stringMatching(named)]);
    } finally {
      await index.close();
    }
  });

  it('a damaged data file whose rows LanceDB cannot decode is E_INDEX_CORRUPT naming the table, not a panic', async () => {
    const { file } = await findInData('savanna');
    const bytes = await readFile(file);
    // The file's tail holds the column metadata and footer: damage there breaks decoding itself.
    for (let i = 1; i <= 64; i++) bytes[bytes.length - i]! ^= 0xa5;
    await writeFile(file, bytes);
    const outcome = await (async () => {
      const index = await SiftIndex.open(dir);
      try {
        return await index.getChunks(['a#1']).then(
          (c) => c,
          (e: unknown) => e,
        );
      } finally {
        await index.close();
      }
    })().catch((e: unknown) => e);
    expect(outcome).toSatisfy(corrupt(/LanceDB table "chunks" \(.*chunks\.lance\)/));
  });

  it('a chunk that is its whole document gets its checksum from the document hash: verify passes, damage is caught', async () => {
    const whole: Chunker = {
      name: 'whole',
      async *chunk(doc: Document): AsyncIterable<Chunk> {
        yield { id: `${doc.id}#w`, docId: doc.id, text: doc.text, start: 0, end: doc.text.length, tokenCount: 9, metadata: {} };
      },
    };
    const wholeDir = join(dir, '..', 'whole');
    const index = await SiftIndex.create(wholeDir);
    try {
      await index.add([{ id: 'w', text: 'Wombats dig burrows in the eucalyptus forest.', metadata: {} }, ...DOCS.map((d) => ({ ...d, id: `${d.id}2` }))], { chunker: whole });
      expect(await index.verify()).toMatchObject({ ok: true, problems: [] });
    } finally {
      await index.close();
    }
    dir = wholeDir;
    const { file, at } = await findInData('eucalyptus');
    const bytes = await readFile(file);
    bytes[at] = 'E'.charCodeAt(0);
    await writeFile(file, bytes);
    const reopened = await SiftIndex.open(wholeDir);
    try {
      await expect(reopened.getChunks(['w#w'])).rejects.toSatisfy(corrupt(/the text of chunk "w#w" does not match its checksum/));
    } finally {
      await reopened.close();
    }
  });
});
