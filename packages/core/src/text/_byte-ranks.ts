/**
 * A byte-level BPE vocabulary (cl100k, o200k) as flat typed arrays: every token's UTF-8 bytes, and its rank (= id)
 * looked up by a span, either of a string's ASCII characters (which are their own bytes) or of a byte array, without
 * slicing the span out. Merging a word the vocabulary lacks as one token (names, rare words: most of what a corpus of
 * encyclopedia passages spends in BPE) looks up every candidate pair; in gpt-tokenizer's 100k-entry `Map` each lookup
 * made a new substring (or decoded bytes to one), hashed it and chased a pointer, the largest single cost of
 * `sift index`. Here one- and two-byte spans index flat tables and longer ones an open-addressed table of ids, built
 * in one pass at start-up.
 */
export class ByteRanks {
  /** Number of ids in the table (holes included). */
  readonly size: number;
  /** Bytes of token `id` are `pool[starts[id], starts[id + 1])`; a hole in the table has none. */
  private readonly pool: Uint8Array;
  private readonly starts: Int32Array;
  /** Rank of each single byte, -1 when none. */
  private readonly one = new Int32Array(256).fill(-1);
  /** Rank of each two-byte sequence (b0 · 256 + b1), -1 when none. */
  private readonly two = new Int32Array(256 * 256).fill(-1);
  private readonly mask: number;
  /** Per slot: 1 + the id of the token there, 0 when empty. */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;

  /** `table[id]`: the token's text, or its bytes when they are not valid UTF-8. */
  constructor(table: ReadonlyArray<string | readonly number[] | undefined>);
  /** The vocabulary as {@link ByteRanks.toBinary} wrote it (`pool[starts[id], starts[id + 1])`: the bytes of `id`). */
  constructor(pool: Uint8Array, starts: Int32Array);
  constructor(tableOrPool: ReadonlyArray<string | readonly number[] | undefined> | Uint8Array, starts?: Int32Array) {
    const [pool, offsets] = tableOrPool instanceof Uint8Array ? [tableOrPool, starts!] : poolOf(tableOrPool);
    this.size = offsets.length - 1;
    // Sized from the whole table (at most half full) so that one pass builds it: this runs at every process start.
    let size = 1024;
    while (size < 2 * this.size) size <<= 1;
    const mask = size - 1;
    const slots = new Int32Array(size);
    const hashes = new Int32Array(size);
    for (let id = 0; id < this.size; id++) {
      const a = offsets[id]!;
      const b = offsets[id + 1]!;
      const n = b - a;
      if (n === 1) this.one[pool[a]!] = id;
      else if (n === 2) this.two[(pool[a]! << 8) | pool[a + 1]!] = id;
      else if (n > 2) {
        const h = bytesHash(pool, a, b);
        let slot = h & mask;
        while (slots[slot] !== 0) slot = (slot + 1) & mask;
        slots[slot] = id + 1;
        hashes[slot] = h;
      }
    }
    this.pool = pool;
    this.starts = offsets;
    this.mask = mask;
    this.slots = slots;
    this.hashes = hashes;
  }

  /**
   * The vocabulary's bytes as one buffer, for {@link ByteRanks.fromBinary}: loading gpt-tokenizer's rank table (a
   * JavaScript module of 1.2 MB, compiled and run, then every token encoded) cost each process about 100 ms; this
   * buffer is read and wrapped. Layout (little-endian): the 8-byte magic, the id count, the pool's length, then
   * `starts` (4 bytes per id + 1) and the pool.
   */
  toBinary(): Uint8Array {
    const poolLength = this.starts[this.size]!;
    const out = new Uint8Array(BINARY_HEADER + 4 * (this.size + 1) + poolLength);
    out.set(BINARY_MAGIC);
    const view = new DataView(out.buffer);
    view.setUint32(8, this.size, true);
    view.setUint32(12, poolLength, true);
    for (let id = 0; id <= this.size; id++) view.setInt32(BINARY_HEADER + 4 * id, this.starts[id]!, true);
    out.set(this.pool.subarray(0, poolLength), BINARY_HEADER + 4 * (this.size + 1));
    return out;
  }

  /** The vocabulary {@link ByteRanks.toBinary} wrote; throws (naming `source`) when the buffer is not one. */
  static fromBinary(bytes: Uint8Array, source = 'rank table'): ByteRanks {
    const bad = (why: string) => new Error(`${source}: not a Sift rank table (${why})`);
    if (bytes.length < BINARY_HEADER || BINARY_MAGIC.some((b, i) => bytes[i] !== b)) throw bad('magic');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = view.getUint32(8, true);
    const poolLength = view.getUint32(12, true);
    const poolAt = BINARY_HEADER + 4 * (size + 1);
    if (bytes.length !== poolAt + poolLength) throw bad(`${bytes.length} bytes, header says ${poolAt + poolLength}`);
    // An Int32Array view needs 4-byte alignment (and the host's byte order); copy otherwise.
    const aligned = (bytes.byteOffset + BINARY_HEADER) % 4 === 0 && LITTLE_ENDIAN;
    const starts = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset + BINARY_HEADER, size + 1) : new Int32Array(size + 1);
    if (!aligned) for (let id = 0; id <= size; id++) starts[id] = view.getInt32(BINARY_HEADER + 4 * id, true);
    if (starts[0] !== 0 || starts[size] !== poolLength) throw bad('offsets');
    for (let id = 0; id < size; id++) if (starts[id + 1]! < starts[id]!) throw bad(`offsets of id ${id}`);
    return new ByteRanks(bytes.subarray(poolAt, poolAt + poolLength), starts);
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

  /** UTF-8 byte length of token `id` (0 for an id outside the table or a hole in it). */
  byteLength(id: number): number {
    return id >= 0 && id < this.size ? this.starts[id + 1]! - this.starts[id]! : 0;
  }

  /** The bytes of token `id` (a view; empty outside the table). */
  bytes(id: number): Uint8Array {
    return id >= 0 && id < this.size ? this.pool.subarray(this.starts[id]!, this.starts[id + 1]!) : this.pool.subarray(0, 0);
  }
}

const BINARY_MAGIC = Uint8Array.from([0x53, 0x49, 0x46, 0x54, 0x42, 0x50, 0x45, 0x01]); // "SIFTBPE" 1
const BINARY_HEADER = 16;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

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
