import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiftError } from '@sift/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { BM25_FORMAT_VERSION, decodeBm25 } from './bm25-format.js';
import { Bm25Index } from './bm25-index.js';

const PLAIN = { stopwords: false, stem: false } as const;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Textbook BM25 straight from token lists, to check the indexed implementation against. */
function naiveScores(docs: string[][], query: string[], k1 = 1.2, b = 0.75): number[] {
  const n = docs.length;
  const avg = docs.reduce((s, d) => s + d.length, 0) / n;
  return docs.map((d) => {
    let score = 0;
    for (const q of query) {
      const df = docs.filter((x) => x.includes(q)).length;
      if (df === 0) continue;
      const tf = d.filter((t) => t === q).length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / avg));
    }
    return score;
  });
}

/** A `bm25.bin` of format 1, as that build wrote it (see the test that reads it). */
const FORMAT_1_FILE =
  'U0lGVEJNMjUBAAAApQAAAHsiZ2VuZXJhdGlvbiI6Mywib3B0aW9ucyI6eyJrMSI6MS4yLCJiIjowLjc1LCJzdG9wd29yZHMiOnRydWUsInN0ZW0iOnRydWV9LCJyb3dzIjozLCJ0ZXJtcyI6MTcsInBvc3RpbmdzIjoxOSwidG90YWxMZW5ndGgiOjIwLCJpZEJ5dGVzIjozLCJ0ZXJtQnl0ZXMiOjc3LCJ0ZkJpdHMiOjE2fQAAAAgAAAAIAAAABAAAAAAAAAABAAAAAgAAAAMAAAAAAAAABAAAAAcAAAALAAAAEgAAABUAAAAYAAAAHAAAACAAAAAkAAAAKAAAACwAAAAxAAAANQAAADoAAAA/AAAAQwAAAEkAAAAAAAAAAQAAAAMAAAAEAAAABQAAAAYAAAAHAAAACAAAAAkAAAAKAAAACwAAAAwAAAANAAAADgAAAA8AAAARAAAAEgAAABMAAAABAAAAAAAAAAIAAAABAAAAAAAAAAAAAAACAAAAAgAAAAEAAAABAAAAAAAAAAEAAAABAAAAAAAAAAIAAAAAAAAAAQAAAAAAAAABAAAAAQACAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQABAAEAAQAAAGFjZGNhZsOpY2F0Y2l0aWNvbnRlbnRkYWlkb2dob3Vza8O2bG5sYXRlbW9zdG5hw692b3duZXJwdXJyc2hhcmVzbGVlcHdoZW56w7xyaWNotiKEdw==';

function build(texts: string[], opts = {}): Bm25Index {
  const idx = Bm25Index.create({ ...PLAIN, ...opts });
  texts.forEach((t, i) => idx.add(`c${i}`, t));
  return idx;
}

describe('Bm25Index scores', () => {
  // N = 3, avgdl = 3, k1 = 1.2, b = 0.75.
  const idx = build(['apple banana', 'apple apple cherry', 'banana cherry cherry date']);

  it('matches hand-computed values for a single term', () => {
    // df(apple) = 2 → idf = ln(1 + 1.5/2.5) = ln 1.6.
    // c1: tf 2, dl 3 → 2·2.2 / (2 + 1.2·(0.25 + 0.75)) = 4.4 / 3.2;  c0: tf 1, dl 2 → 2.2 / (1 + 1.2·0.75) = 2.2 / 1.9.
    const hits = idx.search('apple', 10);
    expect(hits.map((h) => h.id)).toEqual(['c1', 'c0']);
    expect(hits[0]!.score).toBeCloseTo(Math.log(1.6) * (4.4 / 3.2), 12);
    expect(hits[1]!.score).toBeCloseTo(Math.log(1.6) * (2.2 / 1.9), 12);
  });

  it('sums over query terms (hand-computed)', () => {
    // cherry: df 2 → ln 1.6; date: df 1 → ln(1 + 2.5/1.5) = ln(8/3). c2: dl 4 → norm 1.2·(0.25 + 1) = 1.5.
    const hits = idx.search('cherry date', 10);
    expect(hits.map((h) => h.id)).toEqual(['c2', 'c1']);
    expect(hits[0]!.score).toBeCloseTo(Math.log(1.6) * (4.4 / 3.5) + Math.log(8 / 3) * (2.2 / 2.5), 12);
    expect(hits[1]!.score).toBeCloseTo(Math.log(1.6) * (2.2 / 2.2), 12);
  });

  it('counts a repeated query term each time (Lucene)', () => {
    const once = idx.search('date', 1)[0]!.score;
    expect(idx.search('date date', 1)[0]!.score).toBeCloseTo(2 * once, 12);
  });

  it('takes k1 and b per query', () => {
    // b = 0: no length normalisation; k1 = 2: c0 tf 1 → 3/(1+2) = 1.
    const [, c0] = idx.search('apple', 2, { k1: 2, b: 0 });
    expect(c0!.score).toBeCloseTo(Math.log(1.6), 12);
  });

  it('returns nothing for unknown terms, empty queries and k = 0', () => {
    expect(idx.search('zebra', 5)).toEqual([]);
    expect(idx.search('  ,. ', 5)).toEqual([]);
    expect(idx.search('apple', 0)).toEqual([]);
  });

  it('breaks ties by lower row', () => {
    const same = build(['x y', 'z', 'x y', 'x y']);
    expect(same.search('x', 10).map((h) => h.row)).toEqual([0, 2, 3]);
    expect(same.search('x', 2).map((h) => h.row)).toEqual([0, 2]);
  });

  it('agrees with a naive implementation on a random corpus', () => {
    const rand = lcg(42);
    const vocab = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const docs = Array.from({ length: 120 }, () =>
      Array.from({ length: 1 + Math.floor(rand() * 30) }, () => vocab[Math.floor(rand() ** 2 * vocab.length)]!),
    );
    const index = build(docs.map((d) => d.join(' ')));
    for (let q = 0; q < 20; q++) {
      const query = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => vocab[Math.floor(rand() * vocab.length)]!);
      const expected = naiveScores(docs, query)
        .map((score, row) => ({ row, score }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.row - b.row)
        .slice(0, 10);
      const got = index.search(query.join(' '), 10);
      expect(got.map((h) => h.row)).toEqual(expected.map((h) => h.row));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 9));
    }
  });
});

describe('Bm25Index.add / remove', () => {
  it('rejects a duplicate id', () => {
    const idx = build(['a']);
    expect(() => idx.add('c0', 'b')).toThrow(/already holds an entry with id "c0"/);
  });

  it('after removals equals an index built from the remaining texts, rows renumbered in order', () => {
    const texts = ['red fox', 'blue fox fox', 'red hen', 'green fox', 'red red fox'];
    const idx = build(texts);
    idx.search('fox', 3); // settle once, then edit again
    expect(idx.remove(['c1', 'c3', 'nope'])).toBe(2);
    idx.add('c5', 'fox hen');
    const ref = Bm25Index.create(PLAIN);
    for (const [id, t] of [['c0', texts[0]!], ['c2', texts[2]!], ['c4', texts[4]!], ['c5', 'fox hen']] as const) ref.add(id, t);
    for (const q of ['fox', 'red hen', 'blue green']) expect(idx.search(q, 10)).toEqual(ref.search(q, 10));
    expect(idx.size).toBe(4);
    expect(idx.has('c1')).toBe(false);
    expect(idx.idAt(1)).toBe('c2');
    expect(idx.stats()).toMatchObject({ rows: 4, totalLength: 2 + 2 + 3 + 2 });
  });
});

describe('Bm25Index persistence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sift-bm25-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through bm25.bin with identical results, options and generation', async () => {
    const idx = build(['the quick brown fox', 'jumps over the lazy dog', 'the dog sleeps', 'Émile’s café'], { k1: 0.9, b: 0.4, stopwords: true, stem: true });
    idx.remove(['c1']);
    const path = join(dir, 'bm25.bin');
    await idx.save(path, 7);
    const back = await Bm25Index.load(path);
    expect(back.generation).toBe(7);
    expect(back.options).toEqual(idx.options);
    expect(back.stats()).toEqual(idx.stats());
    for (const q of ['dog', 'quick fox', 'the', 'emile café', 'Émile']) expect(back.search(q, 5)).toEqual(idx.search(q, 5));
    // A loaded index can be edited and saved again.
    back.add('c9', 'a lazy dog');
    expect(back.search('lazy', 5).map((h) => h.id)).toEqual(['c9']);
    await back.save(path, 8);
    expect((await Bm25Index.load(path)).search('dog sleeps', 5)).toEqual(back.search('dog sleeps', 5));
  });

  it('an empty index round-trips', async () => {
    const path = join(dir, 'bm25.bin');
    await Bm25Index.create().save(path, 1);
    const back = await Bm25Index.load(path);
    expect(back.size).toBe(0);
    expect(back.search('anything', 3)).toEqual([]);
  });

  it('uses 16-bit term frequencies when they fit and 32-bit otherwise', () => {
    expect(decodeBm25(build(['a b c']).toBytes(), 'small').postTfs).toBeInstanceOf(Uint16Array);
    const big = Bm25Index.create(PLAIN);
    big.add('x', 'a '.repeat(70_000) + 'b c');
    expect(decodeBm25(big.toBytes(), 'big').postTfs).toBeInstanceOf(Uint32Array);
    const back = Bm25Index.fromBytes(big.toBytes());
    expect(back.search('a', 1)[0]!.score).toBeCloseTo(big.search('a', 1)[0]!.score, 12);
  });

  it('finds every term of a saved index through its slot table, and no term it lacks', () => {
    const rand = lcg(11);
    const word = (): string => Array.from({ length: 1 + Math.floor(rand() * 7) }, () => 'abcdefghijklmnopqrstuvwxyzéß'[Math.floor(rand() * 28)]).join('');
    const texts = Array.from({ length: 300 }, () => Array.from({ length: 12 }, word).join(' '));
    const idx = build(texts);
    idx.remove(['c3', 'c4']); // terms only these rows had leave the dictionary
    const bytes = idx.toBytes(2);
    const snap = decodeBm25(bytes, 'slots');
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)).toBe(BM25_FORMAT_VERSION);
    expect(snap.termSlots).not.toBeNull();
    const back = Bm25Index.fromBytes(bytes);
    const vocabulary = new Set(texts.join(' ').split(' '));
    for (const term of vocabulary) expect(back.docFreq(term), term).toBe(idx.docFreq(term));
    for (const term of ['', 'zzzzzzzzz', 'éééééééé', 'a b']) expect(back.docFreq(term)).toBe(0);
    expect(back.stats()).toEqual(idx.stats());
    expect(back.search(texts[7]!, 5)).toEqual(idx.search(texts[7]!, 5));
  });

  it('still reads format 1 (sorted terms, no slot table), and writes it back as the current format', () => {
    // Written by the format-1 build: a, b, c added, b removed, d added; generation 3.
    const v1 = Buffer.from(FORMAT_1_FILE, 'base64');
    const old = Bm25Index.fromBytes(v1);
    expect(decodeBm25(v1, 'v1').termSlots).toBeNull();
    expect(old.generation).toBe(3);
    expect(old.size).toBe(3);
    expect(old.search('purring cats', 3).map((h) => h.id)).toEqual(['a', 'd']);
    expect(old.search('zürich cafés', 3).map((h) => h.id)).toEqual(['c']);
    expect(old.search('dogs houses', 3).map((h) => h.id)).toEqual(['d']);
    expect(old.docFreq('cat')).toBe(2);
    // Untouched since load, and after a change: both come back in the current format with the same answers.
    const same = Bm25Index.fromBytes(old.toBytes(4));
    expect(same.search('cat sleep', 3)).toEqual(old.search('cat sleep', 3));
    old.add('e', 'A bird sings.');
    const grown = Bm25Index.fromBytes(old.toBytes(5));
    expect(decodeBm25(old.toBytes(5), 'v2').termSlots).not.toBeNull();
    expect(grown.search('cat bird', 4)).toEqual(old.search('cat bird', 4));
  });

  it('answers from a slot table with no empty slot (checksum intact) without looping forever', () => {
    const bytes = build(['alpha beta', 'gamma']).toBytes(1);
    const slots = decodeBm25(bytes, 'ok').termSlots!;
    // Fill every empty slot with a term, or past the dictionary, then fix the checksum so only the table is odd.
    const copy = new Uint8Array(bytes);
    const view = new DataView(copy.buffer);
    slots.forEach((v, i) => {
      if (v === 0) view.setUint32(slots.byteOffset - bytes.byteOffset + 4 * i, i % 2 ? 1 : 99, true);
    });
    view.setUint32(copy.length - 4, crc32(copy.subarray(0, copy.length - 4)), true);
    const odd = Bm25Index.fromBytes(copy, 'odd.bin');
    expect(odd.docFreq('delta')).toBe(0);
    expect(odd.docFreq('gamma')).toBe(1);
    expect(odd.search('gamma', 2).map((h) => h.id)).toEqual(['c1']);
  });

  it('reports a damaged file as E_INDEX_CORRUPT naming it, and a missing one as E_INDEX_MISSING', async () => {
    const path = join(dir, 'bm25.bin');
    await build(['some text here', 'more text']).save(path, 1);
    const bytes = await readFile(path);
    bytes[bytes.length - 9]! ^= 0xff;
    await writeFile(path, bytes);
    await expect(Bm25Index.load(path)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_CORRUPT' && e.message.includes(path) && /checksum/.test(e.message),
    );
    await writeFile(path, 'not a bm25 file at all');
    await expect(Bm25Index.load(path)).rejects.toThrow(/bad magic/);
    await expect(Bm25Index.load(join(dir, 'nope.bin'))).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_INDEX_MISSING',
    );
  });
});
