import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import { ByteRanks, isAscii } from './_byte-ranks.js';

async function table(name: 'cl100k' | 'o200k'): Promise<Array<string | number[]>> {
  const t = name === 'cl100k' ? await import('gpt-tokenizer/bpeRanks/cl100k_base') : await import('gpt-tokenizer/bpeRanks/o200k_base');
  return t.default as Array<string | number[]>;
}

describe('ByteRanks', () => {
  it('finds every ASCII token of cl100k and o200k at its id, looked up as a span inside a longer text', async () => {
    for (const name of ['cl100k', 'o200k'] as const) {
      const t = await table(name);
      const ranks = new ByteRanks(t);
      let checked = 0;
      t.forEach((v, id) => {
        if (typeof v !== 'string' || !isAscii(v)) return;
        const text = `ab${v}cd`;
        expect(ranks.rank(text, 2, 2 + v.length)).toBe(id);
        checked++;
      });
      expect(checked).toBeGreaterThan(name === 'cl100k' ? 90_000 : 120_000);
    }
  });

  it('says -1 for spans that are not tokens, the same as the rank map', async () => {
    const t = await table('cl100k');
    const ranks = new ByteRanks(t);
    const map = new Map<string, number>();
    t.forEach((v, id) => typeof v === 'string' && map.set(v, id));
    const chars = fc.constantFrom(...'etaoinQZxq-_.,; 0789'.split(''), '\n', '\t', '\x7f', '\x00');
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 12 }), (cs) => {
        const s = cs.join('');
        expect(ranks.rank(`[${s}]`, 1, 1 + s.length)).toBe(map.get(s) ?? -1);
      }),
      { seed: 5, numRuns: 3000 },
    );
    expect(ranks.rank('abc', 1, 1)).toBe(-1);
    expect(new ByteRanks([]).rank('the', 0, 3)).toBe(-1);
  });

  it('finds every token of cl100k and o200k by its UTF-8 bytes inside a longer byte array, and gives its bytes back', async () => {
    const utf8 = new TextEncoder();
    for (const name of ['cl100k', 'o200k'] as const) {
      const t = await table(name);
      const ranks = new ByteRanks(t);
      expect(ranks.size).toBe(t.length);
      // Mismatches collected rather than asserted one by one (200k expect calls take seconds).
      const wrong: string[] = [];
      let checked = 0;
      t.forEach((v, id) => {
        if (v === undefined) return;
        const bytes = typeof v === 'string' ? utf8.encode(v) : Uint8Array.from(v);
        const padded = new Uint8Array(bytes.length + 3);
        padded.set(bytes, 2);
        const back = ranks.bytes(id);
        const same = back.length === bytes.length && back.every((x, i) => x === bytes[i]);
        if (ranks.rankBytes(padded, 2, 2 + bytes.length) !== id || ranks.byteLength(id) !== bytes.length || !same) wrong.push(`${id}`);
        checked++;
      });
      expect(wrong).toEqual([]);
      expect(checked).toBe(t.filter((v) => v !== undefined).length);
    }
  });

  it('says -1 for byte spans that are not tokens, the same as a map of every token', async () => {
    const utf8 = new TextEncoder();
    const t = await table('cl100k');
    const ranks = new ByteRanks(t);
    const map = new Map<string, number>();
    t.forEach((v, id) => v !== undefined && map.set(Array.from(typeof v === 'string' ? utf8.encode(v) : v).join(','), id));
    const chars = fc.constantFrom(...'etaoin .'.split(''), 'é', 'ü', 'ß', '中', 'и', '😀');
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 6 }), fc.nat(3), (cs, cut) => {
        const bytes = utf8.encode(cs.join(''));
        const end = Math.max(1, bytes.length - cut); // spans that end inside a character too
        expect(ranks.rankBytes(bytes, 0, end)).toBe(map.get(Array.from(bytes.subarray(0, end)).join(',')) ?? -1);
      }),
      { seed: 6, numRuns: 3000 },
    );
    expect(ranks.rankBytes(new Uint8Array(3), 1, 1)).toBe(-1);
    expect(ranks.byteLength(-1)).toBe(0);
    expect(ranks.bytes(t.length).length).toBe(0);
  });

  it('writes its vocabulary as a binary table and reads it back unchanged, aligned or not', async () => {
    for (const name of ['cl100k', 'o200k'] as const) {
      const t = await table(name);
      const ranks = new ByteRanks(t);
      const binary = ranks.toBinary();
      // A buffer at an odd offset (as a file read into a shared pool may be) takes the copying path.
      const shifted = new Uint8Array(binary.length + 1).subarray(1);
      shifted.set(binary);
      for (const back of [ByteRanks.fromBinary(binary), ByteRanks.fromBinary(shifted)]) {
        expect(back.size).toBe(ranks.size);
        const wrong: number[] = [];
        for (let id = 0; id < t.length; id++) {
          const bytes = ranks.bytes(id);
          const same = back.bytes(id).length === bytes.length && back.bytes(id).every((x, i) => x === bytes[i]);
          if (!same || (bytes.length > 0 && back.rankBytes(bytes, 0, bytes.length) !== id)) wrong.push(id);
        }
        expect(wrong).toEqual([]);
        expect(back.rank('hello world', 5, 11)).toBe(ranks.rank('hello world', 5, 11));
        expect(back.rank('hello world', 0, 11)).toBe(-1);
      }
    }
  });

  it('rejects a buffer that is not a rank table, naming its source', () => {
    const good = new ByteRanks(['a', 'b', 'ab', 'abc']).toBinary();
    expect(ByteRanks.fromBinary(good).rank('xabc', 1, 4)).toBe(3);
    expect(() => ByteRanks.fromBinary(good.subarray(0, good.length - 1), '/x/cl100k_base.ranks')).toThrow(/\/x\/cl100k_base\.ranks: not a Sift rank table \(\d+ bytes/);
    const magic = good.slice();
    magic[0] = 0;
    expect(() => ByteRanks.fromBinary(magic)).toThrow(/magic/);
    expect(() => ByteRanks.fromBinary(new Uint8Array(4))).toThrow(/magic/);
    const offsets = good.slice();
    new DataView(offsets.buffer).setInt32(24 + 4 * 4, 99, true); // the end of the last id's bytes, past the pool
    expect(() => ByteRanks.fromBinary(offsets)).toThrow(/offsets/);
    const slots = good.slice();
    new DataView(slots.buffer).setUint32(16, 1000, true); // not a power of two
    expect(() => ByteRanks.fromBinary(slots)).toThrow(/hash table of 1000 slots/);
  });

  it('ranks a pair of tokens as the token of their concatenated bytes, asked once or again (pair table)', async () => {
    for (const name of ['cl100k', 'o200k'] as const) {
      const t = await table(name);
      const ranks = new ByteRanks(t);
      const ids = t.flatMap((v, id) => (v === undefined ? [] : [id]));
      const concat = (x: number, y: number) => Uint8Array.from([...ranks.bytes(x), ...ranks.bytes(y)]);
      // Pairs that are tokens (every split of a vocabulary token in two tokens) and pairs at random (mostly not).
      const pairs: Array<[number, number]> = [];
      const random = seededPairs(ids, 7);
      for (let i = 0; i < 3000; i++) pairs.push(random());
      for (const id of ids.slice(0, 4000)) {
        const b = ranks.bytes(id);
        for (let cut = 1; cut < b.length; cut++) {
          const x = ranks.rankBytes(b, 0, cut);
          const y = ranks.rankBytes(b, cut, b.length);
          if (x >= 0 && y >= 0) pairs.push([x, y]);
        }
      }
      const wrong: string[] = [];
      for (const pass of [1, 2]) {
        for (const [x, y] of pairs) {
          const bytes = concat(x, y);
          if (ranks.pairRank(x, y) !== ranks.rankBytes(bytes, 0, bytes.length)) wrong.push(`${name} pass ${pass}: ${x}+${y}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(pairs.filter(([x, y]) => ranks.pairRank(x, y) >= 0).length).toBeGreaterThan(1000);
    }
  });
});

/** Random pairs of ids, seeded. */
function seededPairs(ids: readonly number[], seed: number): () => [number, number] {
  const r = seededRandom(seed);
  const next = () => ids[Math.floor(r() * ids.length)]!;
  return () => [next(), next()];
}
