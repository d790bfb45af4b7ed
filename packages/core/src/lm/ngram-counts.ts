import { NgramTrie, type NgramLevel } from './ngram-trie.js';

/**
 * N-gram counting for interpolated modified Kneser–Ney (Chen & Goodman 1998, §4.1.6 / 4.1.7); `freeze()` turns the counts
 * into the `NgramTrie` the model scores with.
 * Each order k keeps its k-grams as dense ids: a k-gram is (its (k-1)-gram prefix id, last word), interned through a
 * Map keyed by `prefixId * KEY_BASE + word`, which stays an exact double for any order. Order N counts are raw
 * counts; lower orders count distinct left extensions (continuation counts), as KN prescribes.
 */
export const KEY_BASE = 2 ** 21; // word ids must be below this (2M)

interface Level {
  index: Map<number, number>;
  parent: number[];
  count: number[];
}

export class NgramCounts {
  readonly order: number;
  readonly #levels: Level[];
  #frozen = false;
  #cur: Int32Array;
  #prev: Int32Array;

  constructor(order: number) {
    this.order = order;
    // Level 0 holds the empty gram (id 0), the context of unigrams.
    this.#levels = Array.from({ length: order + 1 }, (_, k) => ({
      index: new Map<number, number>(),
      parent: k === 0 ? [0] : [],
      count: k === 0 ? [0] : [],
    }));
    this.#cur = new Int32Array(order + 1);
    this.#prev = new Int32Array(order + 1);
  }

  /** Counts one sequence (n-grams never cross sequence boundaries). */
  add(ids: ArrayLike<number>): void {
    if (this.#frozen) throw new Error('NgramCounts: add() after freeze()');
    const N = this.order;
    let cur = this.#cur;
    let prev = this.#prev;
    for (let i = 0; i < ids.length; i++) {
      const w = ids[i]!;
      cur[0] = 0;
      const top = Math.min(i + 1, N);
      for (let k = 1; k <= top; k++) {
        const lv = this.#levels[k]!;
        const parent = k === 1 ? 0 : prev[k - 1]!;
        const key = parent * KEY_BASE + w;
        let id = lv.index.get(key);
        if (id === undefined) {
          id = lv.parent.length;
          lv.index.set(key, id);
          lv.parent.push(parent);
          lv.count.push(0);
          // A new k-gram is a new left extension of its suffix, the (k-1)-gram ending here.
          if (k >= 2) this.#levels[k - 1]!.count[cur[k - 1]!]!++;
        }
        cur[k] = id;
        if (k === N) lv.count[id]!++;
      }
      [cur, prev] = [prev, cur];
    }
    this.#cur = cur;
    this.#prev = prev;
  }

  /**
   * The counts as an `NgramTrie` (grams renumbered so each prefix's children are contiguous and sorted by word).
   * The builder is spent afterwards: its maps are dropped.
   */
  freeze(vocabSize: number): NgramTrie {
    if (this.#frozen) throw new Error('NgramCounts: freeze() twice');
    this.#frozen = true;
    const out: NgramLevel[] = [];
    let prevNewToOld = Int32Array.of(0); // level 0: the empty gram
    for (let k = 1; k <= this.order; k++) {
      const lv = this.#levels[k]!;
      const n = lv.parent.length;
      const oldToNewPrefix = new Int32Array(prevNewToOld.length);
      prevNewToOld.forEach((old, i) => (oldToNewPrefix[old] = i));
      // Bucket the grams by new prefix id, then sort each bucket by word: word * 2^31 + old id is an exact double.
      const childStart = new Uint32Array(prevNewToOld.length + 1);
      for (let g = 0; g < n; g++) childStart[oldToNewPrefix[lv.parent[g]!]! + 1]!++;
      for (let p = 0; p < prevNewToOld.length; p++) childStart[p + 1]! += childStart[p]!;
      const slots = new Float64Array(n);
      const cursor = childStart.slice(0, prevNewToOld.length);
      for (const [key, g] of lv.index) slots[cursor[oldToNewPrefix[lv.parent[g]!]!]!++] = (key % KEY_BASE) * 2 ** 31 + g;
      for (let p = 0; p < prevNewToOld.length; p++) if (childStart[p + 1]! - childStart[p]! > 1) slots.subarray(childStart[p]!, childStart[p + 1]!).sort();
      const word = vocabSize <= 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
      const count = new Uint32Array(n);
      const newToOld = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const old = slots[i]! % 2 ** 31;
        newToOld[i] = old;
        word[i] = Math.floor(slots[i]! / 2 ** 31);
        count[i] = lv.count[old]!;
      }
      out.push({ childStart, word, count });
      prevNewToOld = newToOld;
      lv.index.clear();
      lv.parent.length = 0;
      lv.count.length = 0;
    }
    return new NgramTrie(out);
  }

  /** Number of distinct n-grams of each order 1..N counted so far. */
  sizes(): number[] {
    return this.#levels.slice(1).map((l) => l.parent.length);
  }
}

export { modifiedDiscounts } from './ngram-trie.js';
