/**
 * Token ids of recently seen pre-tokenizer pieces, looked up by the characters of text[a, b) without slicing it out.
 * Most pieces of real text are a few thousand frequent words; looking each up as a new substring in the 100k-entry
 * rank map (allocate, hash, chase a pointer into a large table) was the largest cost of BPE tokenizing. This table is
 * small (about 2 MB for 64k pieces, mostly in cache), open-addressed over typed arrays, and first come, first kept: once half full it stops
 * taking new pieces, so its memory is bounded and frequent words, which come early, are in it.
 */
export class PieceCache {
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly keys: Array<string | undefined>;
  /** Single token id (≥ 0), or -(1 + index into `multi`). */
  private readonly values: Int32Array;
  private readonly multi: number[][] = [];
  private size = 0;
  private readonly maxSize: number;
  /** Hash of the last piece `get` looked at, for `set` of the same piece. */
  private lastHash = 0;

  constructor(bits = 17, private readonly maxPieceLength = 32) {
    this.mask = (1 << bits) - 1;
    this.hashes = new Int32Array(1 << bits);
    this.keys = new Array<string | undefined>(1 << bits);
    this.values = new Int32Array(1 << bits);
    this.maxSize = 1 << (bits - 1);
  }

  /** The ids of text[a, b) when cached: a single id as a number, several as an array; undefined when not cached. */
  get(text: string, a: number, b: number): number | number[] | undefined {
    const len = b - a;
    if (len > this.maxPieceLength) return undefined;
    let h = len;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    this.lastHash = h;
    const { mask, hashes, keys } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = keys[slot];
      if (key === undefined) return undefined;
      // startsWith (native) compares a third faster than a charCodeAt loop, on the hottest path.
      if (hashes[slot] === h && key.length === len && text.startsWith(key, a)) {
        const v = this.values[slot]!;
        return v >= 0 ? v : this.multi[-1 - v];
      }
    }
  }

  /** Remembers the ids of text[a, b) (the span of the `get` that just missed), while there is room. */
  set(text: string, a: number, b: number, ids: number | number[]): void {
    if (this.size >= this.maxSize || b - a > this.maxPieceLength) return;
    const { mask, keys } = this;
    let slot = this.lastHash & mask;
    while (keys[slot] !== undefined) slot = (slot + 1) & mask;
    keys[slot] = text.slice(a, b);
    this.hashes[slot] = this.lastHash;
    if (typeof ids === 'number') this.values[slot] = ids;
    else {
      this.multi.push(ids);
      this.values[slot] = -this.multi.length;
    }
    this.size++;
  }
}
