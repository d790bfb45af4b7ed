import { SiftError } from '../errors.js';

/**
 * Frozen n-gram counts as a trie of typed arrays, the form `KneserNeyLM` scores with and saves: level k holds the
 * k-grams grouped by their (k-1)-gram prefix (a gram's id is its position), each group sorted by word, so a lookup
 * is a binary search and loading a saved model is reading arrays (no hash table to rebuild). Counts are as in
 * `NgramCounts`: raw at the top order, continuation counts below.
 */
export interface NgramLevel {
  /** Children of prefix gram p (a gram of level k-1) are ids childStart[p] .. childStart[p+1]-1. */
  childStart: Uint32Array;
  /** Last word of each gram, ascending within a prefix group. */
  word: Uint16Array | Uint32Array;
  count: Uint32Array;
}

/** Per-prefix sums for interpolated modified Kneser–Ney, derived on construction. */
interface PrefixStats {
  total: Float64Array;
  /** d1·n1 + d2·n2 + d3·n3+: the mass the prefix gives to the lower order. */
  gamma: Float64Array;
}

const MAGIC = 'SIFTKN01';

export class NgramTrie {
  readonly order: number;
  /** levels[k-1] holds the k-grams. */
  readonly levels: readonly NgramLevel[];
  readonly #discounts: Array<[number, number, number]>;
  readonly #stats: PrefixStats[];

  constructor(levels: NgramLevel[]) {
    this.order = levels.length;
    this.levels = levels;
    this.#discounts = [];
    this.#stats = [];
    levels.forEach((lv, i) => {
      const cc = [0, 0, 0, 0, 0];
      for (let g = 0; g < lv.count.length; g++) if (lv.count[g]! <= 4) cc[lv.count[g]!]!++;
      const d = modifiedDiscounts(cc[1]!, cc[2]!, cc[3]!, cc[4]!);
      const prefixes = lv.childStart.length - 1;
      const total = new Float64Array(prefixes);
      const gamma = new Float64Array(prefixes);
      for (let p = 0; p < prefixes; p++) {
        let t = 0;
        let m = 0;
        for (let g = lv.childStart[p]!; g < lv.childStart[p + 1]!; g++) {
          const c = lv.count[g]!;
          t += c;
          if (c > 0) m += c === 1 ? d[0] : c === 2 ? d[1] : d[2];
        }
        total[p] = t;
        gamma[p] = m;
      }
      this.#discounts[i] = d;
      this.#stats[i] = { total, gamma };
    });
  }

  /** D1, D2, D3+ of order k (1-based). */
  discounts(k: number): readonly [number, number, number] {
    return this.#discounts[k - 1]!;
  }

  /** Distinct n-grams of each order 1..N. */
  sizes(): number[] {
    return this.levels.map((l) => l.count.length);
  }

  /** Id of the k-gram (prefix gram `p` of level k-1, then `w`), or -1. */
  child(k: number, p: number, w: number): number {
    const lv = this.levels[k - 1]!;
    let lo = lv.childStart[p]!;
    let hi = lv.childStart[p + 1]! - 1;
    const words = lv.word;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = words[mid]!;
      if (x === w) return mid;
      if (x < w) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Ids of the contexts of `ids[end-j .. end-1]` for j = 0..order-1, stopping at the first unseen one; returns how many. */
  contextIds(ids: ArrayLike<number>, end: number, out: Int32Array): number {
    out[0] = 0;
    let depth = 1;
    for (let j = 1; j < this.order && j <= end; j++) {
      let g = 0;
      for (let t = end - j, k = 1; t < end; t++, k++) {
        g = this.child(k, g, ids[t]!);
        if (g < 0) break;
      }
      if (g < 0) break;
      out[j] = g;
      depth = j + 1;
    }
    return depth;
  }

  /** P(w | context) by interpolation from the uniform distribution up through `depth` orders (`ctx` from contextIds). */
  prob(w: number, ctx: Int32Array, depth: number, vocabSize: number): number {
    let p = 1 / vocabSize;
    for (let k = 1; k <= depth; k++) {
      const c0 = ctx[k - 1]!;
      const s = this.#stats[k - 1]!;
      const total = s.total[c0]!;
      if (total === 0) continue; // an unseen context leaves the lower-order estimate as it is
      const id = this.child(k, c0, w);
      const c = id < 0 ? 0 : this.levels[k - 1]!.count[id]!;
      const [d1, d2, d3] = this.#discounts[k - 1]!;
      const d = c === 0 ? 0 : c === 1 ? d1 : c === 2 ? d2 : d3;
      p = (Math.max(c - d, 0) + s.gamma[c0]! * p) / total;
    }
    return p;
  }

  /**
   * Binary form: "SIFTKN01", uint32 order, then per level uint32 prefixes, uint32 grams, uint32 word bytes (2|4),
   * childStart, words, counts (little-endian, each array 4-byte aligned).
   */
  toBuffer(): Buffer {
    const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1'), u32([this.order])];
    for (const lv of this.levels) {
      const wb = lv.word.BYTES_PER_ELEMENT;
      parts.push(u32([lv.childStart.length - 1, lv.count.length, wb]), le(lv.childStart), le(lv.word));
      if ((lv.word.length * wb) % 4 !== 0) parts.push(Buffer.alloc(2));
      parts.push(le(lv.count));
    }
    return Buffer.concat(parts);
  }

  static fromBuffer(buf: Uint8Array, what: string): NgramTrie {
    const bad = (why: string): never => {
      throw new SiftError('E_MODEL_MALFORMED', `${what}: not a Sift Kneser–Ney model file (${why})`, { details: { file: what } });
    };
    if (buf.length < 12 || Buffer.from(buf.subarray(0, 8)).toString('latin1') !== MAGIC) bad('bad magic');
    // Copy into an aligned buffer so typed arrays can view it directly.
    const data = new Uint8Array(buf.length);
    data.set(buf);
    const view = new DataView(data.buffer);
    let off = 8;
    const next = (): number => {
      if (off + 4 > data.length) bad('truncated');
      const v = view.getUint32(off, true);
      off += 4;
      return v;
    };
    const order = next();
    if (order < 1 || order > 6) bad(`order ${order}`);
    const levels: NgramLevel[] = [];
    for (let k = 1; k <= order; k++) {
      const prefixes = next();
      const grams = next();
      const wb = next();
      if (wb !== 2 && wb !== 4) bad(`word width ${wb}`);
      const need = 4 * (prefixes + 1) + Math.ceil((wb * grams) / 4) * 4 + 4 * grams;
      if (off + need > data.length) bad('truncated');
      const childStart = new Uint32Array(data.buffer, off, prefixes + 1);
      off += 4 * (prefixes + 1);
      const word = wb === 2 ? new Uint16Array(data.buffer, off, grams) : new Uint32Array(data.buffer, off, grams);
      off += Math.ceil((wb * grams) / 4) * 4;
      const count = new Uint32Array(data.buffer, off, grams);
      off += 4 * grams;
      if (childStart[prefixes] !== grams || (k > 1 && prefixes !== levels[k - 2]!.count.length) || (k === 1 && prefixes !== 1)) bad(`level ${k} does not fit level ${k - 1}`);
      levels.push({ childStart, word, count });
    }
    if (off !== data.length) bad('trailing bytes');
    return new NgramTrie(levels);
  }
}

// Little-endian machines only (Node on x64/arm64); typed arrays are written as their bytes.
function le(a: Uint16Array | Uint32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
function u32(xs: number[]): Buffer {
  return le(Uint32Array.from(xs));
}

/**
 * Chen & Goodman's estimates from the count-of-counts n1..n4: Y = n1/(n1+2n2), D1 = 1-2Y n2/n1, D2 = 2-3Y n3/n2,
 * D3+ = 3-4Y n4/n3. Tiny corpora can make these undefined or out of range, so each falls back to 0.5, 1, 1.5 and is
 * clamped to [0.05, c]: a positive discount keeps some mass for unseen words, and D ≤ c keeps probabilities ≥ 0.
 */
export function modifiedDiscounts(n1: number, n2: number, n3: number, n4: number): [number, number, number] {
  const y = n1 / (n1 + 2 * n2);
  const raw = [1 - (2 * y * n2) / n1, 2 - (3 * y * n3) / n2, 3 - (4 * y * n4) / n3];
  const fallback = [0.5, 1, 1.5];
  return raw.map((d, i) => {
    const v = Number.isFinite(d) && d > 0 ? d : fallback[i]!;
    return Math.min(Math.max(v, 0.05), i + 1);
  }) as [number, number, number];
}
