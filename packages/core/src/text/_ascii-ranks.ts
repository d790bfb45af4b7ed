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
    let longer = 0;
    for (const v of table) if (typeof v === 'string' && v.length > 2 && isAscii(v)) longer++;
    let size = 1024;
    while (size < 2 * longer) size <<= 1;
    this.mask = size - 1;
    this.hashes = new Int32Array(size);
    this.ids = new Int32Array(size).fill(-1);
    this.keys = new Array<string | undefined>(size);
    for (let id = 0; id < table.length; id++) {
      const v = table[id];
      if (typeof v !== 'string' || v.length === 0 || !isAscii(v)) continue;
      if (v.length === 1) this.one[v.charCodeAt(0)] = id;
      else if (v.length === 2) this.two[(v.charCodeAt(0) << 7) | v.charCodeAt(1)] = id;
      else {
        const h = spanHash(v, 0, v.length);
        let slot = h & this.mask;
        while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
        this.keys[slot] = v;
        this.hashes[slot] = h;
        this.ids[slot] = id;
      }
    }
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
