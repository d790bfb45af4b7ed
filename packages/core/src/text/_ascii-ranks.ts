/**
 * The ranks (= token ids) of a byte-level BPE vocabulary's all-ASCII tokens, looked up by a span of a string without
 * slicing it out. Merging a word the vocabulary lacks as one token (names, rare words: most of what a corpus of
 * encyclopedia passages spends in BPE) looks up every candidate pair; as new substrings in gpt-tokenizer's 100k-entry
 * `Map` each lookup allocated, hashed and chased a pointer, and that was the largest single cost of `sift index`.
 * Here one- and two-character spans index flat tables and longer ones an open-addressed table over typed arrays.
 */
export class AsciiRanks {
  /** Rank of each single ASCII character, -1 when none. */
  private readonly one = new Int32Array(128).fill(-1);
  /** Rank of each two-character ASCII string (c0 · 128 + c1), -1 when none. */
  private readonly two = new Int32Array(128 * 128).fill(-1);
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly ids: Int32Array;
  private readonly keys: Array<string | undefined>;

  /** `table[id]`: the token's text, or its bytes when they are not valid UTF-8 (never ASCII then). */
  constructor(table: ReadonlyArray<string | readonly number[] | undefined>) {
    // Sized from the whole table (at most half full) so that one pass builds it: this runs at every process start.
    let size = 1024;
    while (size < 2 * table.length) size <<= 1;
    const mask = size - 1;
    const hashes = new Int32Array(size);
    const ids = new Int32Array(size);
    const keys = new Array<string | undefined>(size).fill(undefined);
    for (let id = 0; id < table.length; id++) {
      const v = table[id];
      if (typeof v !== 'string') continue;
      const n = v.length;
      // The hash of spanHash, and whether every character is ASCII, in one loop.
      let h = n;
      let ascii = n > 0;
      for (let i = 0; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (!ascii) continue;
      if (n === 1) this.one[v.charCodeAt(0)] = id;
      else if (n === 2) this.two[(v.charCodeAt(0) << 7) | v.charCodeAt(1)] = id;
      else {
        h ^= h >>> 15;
        let slot = h & mask;
        while (keys[slot] !== undefined) slot = (slot + 1) & mask;
        keys[slot] = v;
        hashes[slot] = h;
        ids[slot] = id;
      }
    }
    this.mask = mask;
    this.hashes = hashes;
    this.ids = ids;
    this.keys = keys;
  }

  /** The rank of `text[a, b)` (ASCII characters only), or -1 when the vocabulary has no such token. */
  rank(text: string, a: number, b: number): number {
    const len = b - a;
    if (len === 1) return this.one[text.charCodeAt(a)]!;
    if (len === 2) return this.two[(text.charCodeAt(a) << 7) | text.charCodeAt(a + 1)]!;
    if (len <= 0) return -1;
    const h = spanHash(text, a, b);
    const { mask, hashes, keys } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = keys[slot];
      if (key === undefined) return -1;
      if (hashes[slot] === h && key.length === len && sameChars(key, text, a)) return this.ids[slot]!;
    }
  }
}

function spanHash(s: string, a: number, b: number): number {
  let h = b - a;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

function sameChars(key: string, text: string, a: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(a + i)) return false;
  return true;
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
