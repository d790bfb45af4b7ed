/**
 * N-gram counts for interpolated modified Kneser–Ney (Chen & Goodman 1998, §4.1.6 / 4.1.7).
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

/** Per-context aggregates (the context is a gram of the level below), filled by `finalize`. */
interface ContextStats {
  total: Float64Array;
  n1: Float64Array;
  n2: Float64Array;
  n3: Float64Array;
}

export class NgramCounts {
  readonly order: number;
  readonly #levels: Level[];
  #stats: ContextStats[] | undefined;
  #discounts: Array<[number, number, number]> | undefined;
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
    if (this.#stats) throw new Error('NgramCounts: add() after finalize()');
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

  /** Freezes the counts and derives context totals and the three discounts of each order. */
  finalize(): void {
    if (this.#stats) return;
    const stats: ContextStats[] = [];
    const discounts: Array<[number, number, number]> = [[0, 0, 0]];
    for (let k = 1; k <= this.order; k++) {
      const ctxCount = this.#levels[k - 1]!.parent.length;
      const s: ContextStats = {
        total: new Float64Array(ctxCount),
        n1: new Float64Array(ctxCount),
        n2: new Float64Array(ctxCount),
        n3: new Float64Array(ctxCount),
      };
      const cc = [0, 0, 0, 0, 0]; // count-of-counts n1..n4
      const lv = this.#levels[k]!;
      for (let g = 0; g < lv.count.length; g++) {
        const c = lv.count[g]!;
        if (c === 0) continue;
        const ctx = lv.parent[g]!;
        s.total[ctx]! += c;
        if (c === 1) s.n1[ctx]!++;
        else if (c === 2) s.n2[ctx]!++;
        else s.n3[ctx]!++;
        if (c <= 4) cc[c]!++;
      }
      stats.push(s);
      discounts.push(modifiedDiscounts(cc[1]!, cc[2]!, cc[3]!, cc[4]!));
    }
    this.#stats = stats;
    this.#discounts = discounts;
  }

  /** D1, D2, D3+ of order k (1-based). */
  discounts(k: number): readonly [number, number, number] {
    return this.#discounts![k]!;
  }

  /** Ids of the contexts of `ids[end-j .. end-1]` for j = 0..order-1 (-1 once one is unseen). */
  contextIds(ids: ArrayLike<number>, end: number, out: Int32Array): number {
    out[0] = 0;
    let depth = 1;
    for (let j = 1; j < this.order && j <= end; j++) {
      let g = 0;
      for (let t = end - j, k = 1; t < end; t++, k++) {
        const id = this.#levels[k]!.index.get(g * KEY_BASE + ids[t]!);
        if (id === undefined) {
          g = -1;
          break;
        }
        g = id;
      }
      if (g < 0) break;
      out[j] = g;
      depth = j + 1;
    }
    return depth;
  }

  /**
   * P(w | context) by interpolation from the uniform distribution up through `depth` orders; `ctx[k-1]` is the
   * id of the context of order k.
   */
  prob(w: number, ctx: Int32Array, depth: number, vocabSize: number): number {
    let p = 1 / vocabSize;
    for (let k = 1; k <= depth; k++) {
      const c0 = ctx[k - 1]!;
      const s = this.#stats![k - 1]!;
      const total = s.total[c0]!;
      if (total === 0) continue; // an unseen context leaves the lower-order estimate as it is
      const id = this.#levels[k]!.index.get(c0 * KEY_BASE + w);
      const c = id === undefined ? 0 : this.#levels[k]!.count[id]!;
      const [d1, d2, d3] = this.#discounts![k]!;
      const d = c === 0 ? 0 : c === 1 ? d1 : c === 2 ? d2 : d3;
      const gamma = d1 * s.n1[c0]! + d2 * s.n2[c0]! + d3 * s.n3[c0]!;
      p = (Math.max(c - d, 0) + gamma * p) / total;
    }
    return p;
  }

  /** Number of distinct n-grams of each order 1..N. */
  sizes(): number[] {
    return this.#levels.slice(1).map((l) => l.parent.length);
  }
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
