/** What {@link SpanKeyTable.get} returns for a span it does not hold (no stored value can be this). */
export const SPAN_ABSENT = -0x80000000;

/** Largest integer V8 keeps unboxed on every platform (31-bit small integers): "no limit" for lengths and counts. */
const MAX_SMALL_INT = 0x3fffffff;

export interface SpanKeyTableOptions {
  /** log2 of the starting number of slots. */
  bits: number;
  /** Most keys kept; the table doubles when half full until then. */
  maxKeys: number;
  /** At `maxKeys`: 'keep' stops taking new keys (first come, first kept), 'clear' forgets all and starts again. */
  whenFull: 'keep' | 'clear';
  /** Longer spans are never stored (and never found). */
  maxKeyLength?: number;
}

/**
 * Integers keyed by the characters of a text span, looked up without slicing the span out: the BPE tokenizer's piece
 * cache and BM25's raw-word table, where nearly every word of every text is a lookup. Open-addressed; each slot's hash,
 * key length, value and key position sit side by side in one Int32Array, the keys' characters in one Uint16Array pool,
 * so a hit reads two cache lines. (JS strings as keys in parallel arrays read four or five: hash, key pointer, the
 * string, its characters, the value; inside `sift index`, where the tokenizer, BM25 and LanceDB take the CPU caches in
 * turn, those misses were most of the lookups' time.)
 */
export class SpanKeyTable {
  // Written again by `clear()` in the constructor: V8 treats a field written only once as a constant, and the first
  // time a table's pool grew (a new array in that field) it discarded the optimized code of every table.
  private mask = 0;
  /** Per slot: hash, key length (0: empty), value, key start in `pool`. */
  private slots = new Int32Array(0);
  private pool = new Uint16Array(0);
  private poolUsed = 0;
  private keys = 0;
  /** Hash of the span the last `get` looked at, for `set` of the same span. */
  private lastHash = 0;
  // Options copied into fields of one shape, small integers all: the piece cache and BM25's word table share this
  // class's optimized code, and one table holding a HeapNumber (Infinity) or a differently shaped options object where
  // the other holds a small integer made V8 throw away the tokenizer's optimized code when BM25 started.
  private readonly bits: number;
  private readonly maxKeys: number;
  private readonly clearWhenFull: boolean;
  private readonly maxKeyLength: number;

  constructor(opts: SpanKeyTableOptions) {
    this.bits = opts.bits;
    this.maxKeys = Math.min(opts.maxKeys, MAX_SMALL_INT);
    this.clearWhenFull = opts.whenFull === 'clear';
    this.maxKeyLength = Math.min(opts.maxKeyLength ?? MAX_SMALL_INT, MAX_SMALL_INT);
    this.clear();
  }

  /** Keys held. */
  get size(): number {
    return this.keys;
  }

  /** The value stored for the characters of text[a, b), or {@link SPAN_ABSENT}. */
  get(text: string, a: number, b: number): number {
    const len = b - a;
    if (len > this.maxKeyLength) return SPAN_ABSENT;
    let h = len;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    this.lastHash = h;
    const { mask, slots, pool } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const keyLen = slots[at + 1]!;
      if (keyLen === 0) return SPAN_ABSENT;
      if (slots[at] !== h || keyLen !== len) continue;
      const from = slots[at + 3]!;
      let i = 0;
      while (i < len && pool[from + i] === text.charCodeAt(a + i)) i++;
      if (i === len) return slots[at + 2]!;
    }
  }

  /**
   * Stores `value` for text[a, b), the span the last `get` just missed; false when it was not stored (an empty or
   * over-long span, or a full table that keeps what it has).
   */
  set(text: string, a: number, b: number, value: number): boolean {
    const len = b - a;
    if (len === 0 || len > this.maxKeyLength) return false;
    if (this.keys >= this.maxKeys) {
      if (!this.clearWhenFull) return false;
      this.clear();
    } else if (2 * (this.keys + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    if (this.poolUsed + len > this.pool.length) {
      const grown = new Uint16Array(Math.max(2 * this.pool.length, this.poolUsed + len));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    const from = this.poolUsed;
    for (let i = 0; i < len; i++) this.pool[from + i] = text.charCodeAt(a + i);
    this.poolUsed += len;
    this.insert(this.lastHash, len, value, from);
    this.keys++;
    return true;
  }

  /** Forgets every key. */
  clear(): void {
    this.mask = (1 << this.bits) - 1;
    this.slots = new Int32Array(4 << this.bits);
    this.pool = new Uint16Array(1 << 14);
    this.poolUsed = 0;
    this.keys = 0;
  }

  private insert(h: number, len: number, value: number, from: number): void {
    const { mask, slots } = this;
    let slot = h & mask;
    while (slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
    const at = slot << 2;
    slots[at] = h;
    slots[at + 1] = len;
    slots[at + 2] = value;
    slots[at + 3] = from;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.mask = capacity - 1;
    this.slots = new Int32Array(4 * capacity);
    for (let at = 0; at < old.length; at += 4) if (old[at + 1] !== 0) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}
