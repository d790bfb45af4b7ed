/**
 * A byte-level BPE vocabulary (cl100k, o200k) as flat typed arrays: every token's UTF-8 bytes, and its rank (= id)
 * looked up by a span, either of a string's ASCII characters (which are their own bytes) or of a byte array, without
 * slicing the span out. Merging a word the vocabulary lacks as one token (names, rare words: most of what a corpus of
 * encyclopedia passages spends in BPE) looks up every candidate pair; in gpt-tokenizer's 100k-entry `Map` each lookup
 * made a new substring (or decoded bytes to one), hashed it and chased a pointer, the largest single cost of
 * `sift index`. Here one- and two-byte spans index flat tables and longer ones an open-addressed table of ids, built
 * in one pass from the vocabulary or read ready-made (`fromBinary`); a merge asks for pairs of ids (`pairRank`).
 */
export class ByteRanks {
  /** Number of ids in the table (holes included). */
  readonly size: number;
  /** Bytes of token `id` are `pool[starts[id], starts[id + 1])`; a hole in the table has none. */
  private readonly pool: Uint8Array;
  private readonly starts: Int32Array;
  /** Rank of each single byte, -1 when none. */
  private readonly one: Int32Array;
  /** Rank of each two-byte sequence (b0 · 256 + b1), -1 when none. */
  private readonly two: Int32Array;
  private readonly mask: number;
  /** Per slot: 1 + the id of the token there, 0 when empty. */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  /**
   * Ranks of token pairs already asked for ({@link ByteRanks.pairRank}), open-addressed by the pair of ids: merging
   * meets the same pairs over and over ("in" + "g"), and one probe here replaces hashing and comparing their bytes in
   * the large table. First come, first kept; stops taking pairs when half full.
   */
  private readonly pairFirst = new Int32Array(PAIR_SLOTS);
  private readonly pairSecond = new Int32Array(PAIR_SLOTS);
  private readonly pairValue = new Int32Array(PAIR_SLOTS);
  private pairs = 0;

  /** `table[id]`: the token's text, or its bytes when they are not valid UTF-8. */
  constructor(table: ReadonlyArray<string | readonly number[] | undefined>);
  /** The vocabulary with its lookup tables already built ({@link ByteRanks.fromBinary}). */
  constructor(lookups: ByteRankLookups);
  constructor(tableOrLookups: ReadonlyArray<string | readonly number[] | undefined> | ByteRankLookups) {
    const t = Array.isArray(tableOrLookups) ? lookupsOf(...poolOf(tableOrLookups)) : (tableOrLookups as ByteRankLookups);
    this.size = t.starts.length - 1;
    this.pool = t.pool;
    this.starts = t.starts;
    this.one = t.one;
    this.two = t.two;
    this.mask = t.slots.length - 1;
    this.slots = t.slots;
    this.hashes = t.hashes;
  }

  /**
   * The vocabulary and its lookup tables as one buffer, for {@link ByteRanks.fromBinary}: loading gpt-tokenizer's
   * rank table (a JavaScript module of 1.2 MB, compiled and run, then every token encoded and hashed) cost each process
   * about 100 ms; this buffer is read and wrapped, nothing rebuilt. Layout (little-endian): the 8-byte magic, the id
   * count, the pool's length, the hash table's slots, 4 bytes reserved; then `starts` (id count + 1), `one` (256),
   * `two` (65,536), `slots`, `hashes` (4 bytes each), and the pool.
   */
  toBinary(): Uint8Array {
    const poolLength = this.starts[this.size]!;
    const arrays = [this.starts, this.one, this.two, this.slots, this.hashes];
    const out = new Uint8Array(BINARY_HEADER + 4 * arrays.reduce((n, x) => n + x.length, 0) + poolLength);
    out.set(BINARY_MAGIC);
    const view = new DataView(out.buffer);
    view.setUint32(8, this.size, true);
    view.setUint32(12, poolLength, true);
    view.setUint32(16, this.slots.length, true);
    let at = BINARY_HEADER;
    for (const x of arrays) for (let i = 0; i < x.length; i++, at += 4) view.setInt32(at, x[i]!, true);
    out.set(this.pool.subarray(0, poolLength), at);
    return out;
  }

  /** The vocabulary {@link ByteRanks.toBinary} wrote; throws (naming `source`) when the buffer is not one. */
  static fromBinary(bytes: Uint8Array, source = 'rank table'): ByteRanks {
    const bad = (why: string) => new Error(`${source}: not a Sift rank table (${why})`);
    if (bytes.length < BINARY_HEADER || BINARY_MAGIC.some((b, i) => bytes[i] !== b)) throw bad('magic');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = view.getUint32(8, true);
    const poolLength = view.getUint32(12, true);
    const slots = view.getUint32(16, true);
    if (slots < 2 * size || (slots & (slots - 1)) !== 0) throw bad(`hash table of ${slots} slots for ${size} ids`);
    const lengths = [size + 1, 256, 256 * 256, slots, slots];
    const poolAt = BINARY_HEADER + 4 * lengths.reduce((n, x) => n + x, 0);
    if (bytes.length !== poolAt + poolLength) throw bad(`${bytes.length} bytes, header says ${poolAt + poolLength}`);
    // An Int32Array view needs 4-byte alignment (and the host's byte order); copy otherwise.
    const aligned = bytes.byteOffset % 4 === 0 && LITTLE_ENDIAN;
    let at = BINARY_HEADER;
    const [starts, one, two, slotIds, hashes] = lengths.map((n) => {
      const x = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset + at, n) : new Int32Array(n);
      if (!aligned) for (let i = 0; i < n; i++) x[i] = view.getInt32(at + 4 * i, true);
      at += 4 * n;
      return x;
    }) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
    if (starts[0] !== 0 || starts[size] !== poolLength) throw bad('offsets');
    return new ByteRanks({ pool: bytes.subarray(poolAt, poolAt + poolLength), starts, one, two, slots: slotIds, hashes });
  }

  /** The rank of `text[a, b)` (ASCII characters only), or -1 when the vocabulary has no such token. */
  rank(text: string, a: number, b: number): number {
    const len = b - a;
    if (len === 1) return this.one[text.charCodeAt(a)]!;
    if (len === 2) return this.two[(text.charCodeAt(a) << 8) | text.charCodeAt(a + 1)]!;
    if (len <= 0) return -1;
    const h = charsHash(text, a, b);
    const { mask, slots, hashes, starts, pool } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const s = slots[slot]!;
      if (s === 0) return -1;
      if (hashes[slot] !== h) continue;
      const from = starts[s - 1]!;
      if (starts[s]! - from === len && sameChars(pool, from, text, a, len)) return s - 1;
    }
  }

  /** The rank of `bytes[a, b)`, or -1 when the vocabulary has no such token. */
  rankBytes(bytes: Uint8Array, a: number, b: number): number {
    const len = b - a;
    if (len === 1) return this.one[bytes[a]!]!;
    if (len === 2) return this.two[(bytes[a]! << 8) | bytes[a + 1]!]!;
    if (len <= 0) return -1;
    const h = bytesHash(bytes, a, b);
    const { mask, slots, hashes, starts, pool } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const s = slots[slot]!;
      if (s === 0) return -1;
      if (hashes[slot] !== h) continue;
      const from = starts[s - 1]!;
      if (starts[s]! - from === len && sameBytes(pool, from, bytes, a, len)) return s - 1;
    }
  }

  /**
   * The rank of the token whose bytes are token x's followed by token y's, or -1 when there is none: the rank a merge
   * of adjacent parts x and y looks up (it depends only on the two ids).
   */
  pairRank(x: number, y: number): number {
    const { pairFirst, pairSecond } = this;
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b)) >>> (32 - PAIR_BITS);
    for (; pairFirst[slot] !== 0; slot = (slot + 1) & (PAIR_SLOTS - 1)) {
      if (pairFirst[slot] === x + 1 && pairSecond[slot] === y) return this.pairValue[slot]!;
    }
    const r = this.concatRank(x, y);
    if (this.pairs < PAIR_SLOTS / 2) {
      pairFirst[slot] = x + 1;
      pairSecond[slot] = y;
      this.pairValue[slot] = r;
      this.pairs++;
    }
    return r;
  }

  /** {@link ByteRanks.pairRank} without the pair table: the concatenation looked up by its bytes, read from the pool. */
  private concatRank(x: number, y: number): number {
    const { pool, starts } = this;
    const xa = starts[x]!;
    const xb = starts[x + 1]!;
    const ya = starts[y]!;
    const yb = starts[y + 1]!;
    const len = xb - xa + (yb - ya);
    if (len === 2) return this.two[(pool[xa]! << 8) | pool[ya]!]!;
    // bytesHash of the concatenation, over the two ranges.
    let h = len;
    for (let i = xa; i < xb; i++) h = Math.imul(h ^ pool[i]!, 0x01000193);
    for (let i = ya; i < yb; i++) h = Math.imul(h ^ pool[i]!, 0x01000193);
    h ^= h >>> 15;
    const { mask, slots, hashes } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const s = slots[slot]!;
      if (s === 0) return -1;
      if (hashes[slot] !== h) continue;
      const from = starts[s - 1]!;
      if (starts[s]! - from !== len) continue;
      let same = true;
      for (let i = xa; same && i < xb; i++) same = pool[from + i - xa] === pool[i];
      for (let i = ya, at = from + (xb - xa); same && i < yb; i++, at++) same = pool[at] === pool[i];
      if (same) return s - 1;
    }
  }

  /** UTF-8 byte length of token `id` (0 for an id outside the table or a hole in it). */
  byteLength(id: number): number {
    return id >= 0 && id < this.size ? this.starts[id + 1]! - this.starts[id]! : 0;
  }

  /** The bytes of token `id` (a view; empty outside the table). */
  bytes(id: number): Uint8Array {
    return id >= 0 && id < this.size ? this.pool.subarray(this.starts[id]!, this.starts[id + 1]!) : this.pool.subarray(0, 0);
  }
}

const BINARY_MAGIC = Uint8Array.from([0x53, 0x49, 0x46, 0x54, 0x42, 0x50, 0x45, 0x02]); // "SIFTBPE" 2
const BINARY_HEADER = 24;
/** The pair table: 2^17 slots (1.5 MB), at most 65,536 pairs. */
const PAIR_BITS = 17;
const PAIR_SLOTS = 1 << PAIR_BITS;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Everything a ByteRanks looks up in (what `toBinary` writes). */
export interface ByteRankLookups {
  pool: Uint8Array;
  starts: Int32Array;
  one: Int32Array;
  two: Int32Array;
  slots: Int32Array;
  hashes: Int32Array;
}

/** The lookup tables of a vocabulary: one pass over its ids. */
function lookupsOf(pool: Uint8Array, starts: Int32Array): ByteRankLookups {
  const ids = starts.length - 1;
  const one = new Int32Array(256).fill(-1);
  const two = new Int32Array(256 * 256).fill(-1);
  // Sized from the whole table (at most half full) so that one pass builds it.
  let size = 1024;
  while (size < 2 * ids) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size);
  const hashes = new Int32Array(size);
  for (let id = 0; id < ids; id++) {
    const a = starts[id]!;
    const b = starts[id + 1]!;
    const n = b - a;
    if (n === 1) one[pool[a]!] = id;
    else if (n === 2) two[(pool[a]! << 8) | pool[a + 1]!] = id;
    else if (n > 2) {
      const h = bytesHash(pool, a, b);
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
      hashes[slot] = h;
    }
  }
  return { pool, starts, one, two, slots, hashes };
}

/** Every token's UTF-8 bytes in one pool, and where each starts (`starts[size]`: the pool's length). */
function poolOf(table: ReadonlyArray<string | readonly number[] | undefined>): [Uint8Array, Int32Array] {
  let capacity = 0;
  for (const v of table) if (v) capacity += typeof v === 'string' ? 3 * v.length : v.length;
  const pool = new Uint8Array(capacity);
  const starts = new Int32Array(table.length + 1);
  const utf8 = new TextEncoder();
  let at = 0;
  for (let id = 0; id < table.length; id++) {
    starts[id] = at;
    const v = table[id];
    if (v === undefined) continue;
    if (typeof v !== 'string') {
      pool.set(v, at);
      at += v.length;
      continue;
    }
    let ascii = true;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      pool[at + i] = c;
    }
    at += ascii ? v.length : utf8.encodeInto(v, pool.subarray(at)).written;
  }
  starts[table.length] = at;
  return [pool.slice(0, at), starts];
}

// One hash for a string's ASCII span and for a byte span: an ASCII character is its own UTF-8 byte.
function charsHash(s: string, a: number, b: number): number {
  let h = b - a;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

function bytesHash(s: Uint8Array, a: number, b: number): number {
  let h = b - a;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s[i]!, 0x01000193);
  return h ^ (h >>> 15);
}

function sameChars(pool: Uint8Array, from: number, text: string, a: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (pool[from + i] !== text.charCodeAt(a + i)) return false;
  return true;
}

function sameBytes(pool: Uint8Array, from: number, bytes: Uint8Array, a: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (pool[from + i] !== bytes[a + i]) return false;
  return true;
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
