/** One hit of a top-k search: `row` is the index's row number. */
export interface RowScore {
  row: number;
  score: number;
}

/**
 * The k best (score, row) pairs: higher score first, and on equal scores the lower row first, so results
 * never depend on iteration order. A size-k min-heap on flat typed arrays: O(n log k), no per-hit objects.
 */
export class TopK {
  private readonly rows: Uint32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.rows = new Uint32Array(k);
    this.scores = new Float64Array(k);
  }

  /** True when (sa, ra) ranks below (sb, rb). */
  private static worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa < sb || (sa === sb && ra > rb);
  }

  push(row: number, score: number): void {
    const { rows, scores, k } = this;
    if (k === 0) return;
    if (this.size < k) {
      let i = this.size++;
      // Sift up: the root holds the worst kept hit.
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!TopK.worse(score, row, scores[p]!, rows[p]!)) break;
        rows[i] = rows[p]!;
        scores[i] = scores[p]!;
        i = p;
      }
      rows[i] = row;
      scores[i] = score;
      return;
    }
    if (!TopK.worse(scores[0]!, rows[0]!, score, row)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && TopK.worse(scores[r]!, rows[r]!, scores[l]!, rows[l]!) ? r : l;
      if (!TopK.worse(scores[c]!, rows[c]!, score, row)) break;
      rows[i] = rows[c]!;
      scores[i] = scores[c]!;
      i = c;
    }
    rows[i] = row;
    scores[i] = score;
  }

  /** The kept hits, best first. */
  sorted(): RowScore[] {
    const out: RowScore[] = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rows[i]!, score: this.scores[i]! });
    out.sort((a, b) => (b.score - a.score) || (a.row - b.row));
    return out;
  }
}
