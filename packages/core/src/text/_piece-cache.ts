/**
 * Token ids of recently seen pre-tokenizer pieces, looked up by the characters of text[a, b) without slicing it out.
 * Most pieces of real text are a few thousand frequent words; looking each up as a new substring in the 100k-entry
 * rank map (allocate, hash, chase a pointer into a large table) was the largest cost of BPE tokenizing. This table is
 * open-addressed over typed arrays and first come, first kept: once half full it stops taking new pieces, so its memory
 * is bounded and frequent words, which come early, are in it.
 *
 * Each slot's hash, length, ids and key position sit side by side in one Int32Array, and the keys' characters in one
 * Uint16Array pool: a hit reads two cache lines. With JS strings as keys and parallel arrays it read four or five (hash,
 * key pointer, the string, its characters, the value), and inside `sift index`, where BM25 and LanceDB take the cache
 * in turn, those misses were most of the tokenizer's time.
 */
export class PieceCache {
  private readonly mask: number;
  /** Per slot: hash, key length (0: empty), value (single id ≥ 0, or -(1 + index into `multi`)), key start in `pool`. */
  private readonly slots: Int32Array;
  private pool = new Uint16Array(1 << 14);
  private poolUsed = 0;
  private readonly multi: number[][] = [];
  private size = 0;
  private readonly maxSize: number;
  /** Hash of the last piece `get` looked at, for `set` of the same piece. */
  private lastHash = 0;

  constructor(bits = 17, private readonly maxPieceLength = 32) {
    this.mask = (1 << bits) - 1;
    this.slots = new Int32Array(4 << bits);
    this.maxSize = 1 << (bits - 1);
  }

  /** The ids of text[a, b) when cached: a single id as a number, several as an array; undefined when not cached. */
  get(text: string, a: number, b: number): number | number[] | undefined {
    const len = b - a;
    if (len > this.maxPieceLength) return undefined;
    let h = len;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.lastHash = h;
    const { mask, slots, pool } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const keyLen = slots[at + 1]!;
      if (keyLen === 0) return undefined;
      if (slots[at] !== h || keyLen !== len) continue;
      const from = slots[at + 3]!;
      let i = 0;
      while (i < len && pool[from + i] === text.charCodeAt(a + i)) i++;
      if (i === len) {
        const v = slots[at + 2]!;
        return v >= 0 ? v : this.multi[-1 - v];
      }
    }
  }

  /** Remembers the ids of text[a, b) (the span of the `get` that just missed), while there is room. */
  set(text: string, a: number, b: number, ids: number | number[]): void {
    const len = b - a;
    if (this.size >= this.maxSize || len > this.maxPieceLength || len === 0) return;
    const { mask, slots } = this;
    let slot = this.lastHash & mask;
    while (slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
    if (this.poolUsed + len > this.pool.length) {
      const grown = new Uint16Array(Math.max(2 * this.pool.length, this.poolUsed + len));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    const from = this.poolUsed;
    for (let i = 0; i < len; i++) this.pool[from + i] = text.charCodeAt(a + i);
    this.poolUsed += len;
    const at = slot << 2;
    slots[at] = this.lastHash;
    slots[at + 1] = len;
    slots[at + 3] = from;
    if (typeof ids === 'number') slots[at + 2] = ids;
    else {
      this.multi.push(ids);
      slots[at + 2] = -this.multi.length;
    }
    this.size++;
  }
}
