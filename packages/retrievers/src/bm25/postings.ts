/** Grow a typed array to at least `need` elements (doubling), keeping its contents. */
export function grow<T extends Uint32Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/**
 * Inverted lists in compressed-sparse-row typed arrays: the postings of term t are
 * `rows/tfs[offsets[t] .. offsets[t+1])`, rows ascending. New postings go to a flat append buffer of
 * (term, row, tf) triples and are merged in one counting-sort pass (`merge`) before the next read, so
 * building needs no per-term objects however large the vocabulary.
 */
export class Postings {
  /** Term ids below this are in the CSR arrays. */
  terms: number;
  offsets: Uint32Array;
  rows: Uint32Array;
  tfs: Uint16Array | Uint32Array;
  private pLen = 0;
  private pTerm: Uint32Array = new Uint32Array(0);
  private pRow: Uint32Array = new Uint32Array(0);
  private pTf: Uint32Array = new Uint32Array(0);

  constructor(offsets: Uint32Array = new Uint32Array(1), rows: Uint32Array = new Uint32Array(0), tfs: Uint16Array | Uint32Array = new Uint32Array(0)) {
    this.terms = offsets.length - 1;
    this.offsets = offsets;
    this.rows = rows;
    this.tfs = tfs;
  }

  /** Room for `n` more appends. */
  reserve(n: number): void {
    const need = this.pLen + n;
    this.pTerm = grow(this.pTerm, need);
    this.pRow = grow(this.pRow, need);
    this.pTf = grow(this.pTf, need);
  }

  /** Appends a posting; rows must not decrease across appends. Call `reserve` first. */
  append(term: number, row: number, tf: number): void {
    this.pTerm[this.pLen] = term;
    this.pRow[this.pLen] = row;
    this.pTf[this.pLen] = tf;
    this.pLen++;
  }

  /** Document frequency of a merged term. */
  df(t: number): number {
    return this.offsets[t + 1]! - this.offsets[t]!;
  }

  /** Merges the append buffer into CSR form covering term ids `0 .. nTerms-1`. */
  merge(nTerms: number): void {
    if (this.pLen === 0 && nTerms === this.terms) return;
    const counts = new Uint32Array(nTerms + 1);
    for (let t = 0; t < this.terms; t++) counts[t + 1] = this.df(t);
    for (let i = 0; i < this.pLen; i++) counts[this.pTerm[i]! + 1]!++;
    for (let t = 0; t < nTerms; t++) counts[t + 1]! += counts[t]!;
    const total = counts[nTerms]!;
    const rows = new Uint32Array(total);
    const tfs = new Uint32Array(total);
    const cursor = counts.slice(0, nTerms);
    for (let t = 0; t < this.terms; t++) {
      const from = this.offsets[t]!;
      const to = this.offsets[t + 1]!;
      rows.set(this.rows.subarray(from, to), cursor[t]!);
      tfs.set(this.tfs.subarray(from, to), cursor[t]!);
      cursor[t]! += to - from;
    }
    // Appends came in row order, and after every merged row, so each term's list stays ascending.
    for (let i = 0; i < this.pLen; i++) {
      const at = cursor[this.pTerm[i]!]!++;
      rows[at] = this.pRow[i]!;
      tfs[at] = this.pTf[i]!;
    }
    this.offsets = counts;
    this.rows = rows;
    this.tfs = tfs;
    this.terms = nTerms;
    this.pLen = 0;
  }

  /** Renumbers rows by `remap` (old row → new row, or -1 to drop). Call after `merge`. */
  compact(remap: Int32Array): void {
    const { offsets, rows, tfs } = this;
    let w = 0;
    for (let t = 0; t < this.terms; t++) {
      const from = offsets[t]!;
      const to = offsets[t + 1]!;
      offsets[t] = w;
      for (let j = from; j < to; j++) {
        const nr = remap[rows[j]!]!;
        if (nr < 0) continue;
        rows[w] = nr;
        tfs[w] = tfs[j]!;
        w++;
      }
    }
    offsets[this.terms] = w;
    this.rows = rows.slice(0, w);
    this.tfs = tfs.slice(0, w);
  }
}
