import { readFile } from 'node:fs/promises';
import { SiftError } from '@sift/core';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import { createAnalyzer, type Analyzer } from './analyzer.js';
import { decodeBm25, encodeBm25, findTerm, tableAt, tableOf, type Bm25Snapshot, type StringTable } from './bm25-format.js';
import { Bm25OptionsSchema, Bm25ParamsSchema, type Bm25Options, type Bm25Params, type ResolvedBm25Options } from './bm25-options.js';
import { grow, Postings } from './postings.js';
import { RowTerms } from './row-terms.js';
import { TopK } from './top-k.js';

/** One BM25 hit: the row (insertion order among live rows), the id given at `add`, and the score. */
export interface Bm25Hit {
  row: number;
  id: string;
  score: number;
}

/** Term and row statistics, for `stats()` and tests. */
export interface Bm25Stats {
  rows: number;
  terms: number;
  postings: number;
  totalLength: number;
  avgLength: number;
}

/**
 * Okapi BM25 over analyzed text: score(q, d) = Σ_t∈q idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)), with
 * Lucene's idf ln(1 + (N − df + 0.5)/(df + 0.5)) (never negative). A query term repeated in the query counts
 * each time, as in Lucene. |d| counts the terms left after stop-word removal.
 *
 * Postings are compressed-sparse-row typed arrays (term → ascending rows and term frequencies). Adds append
 * (term, row, tf) triples to a flat buffer that is merged into the CSR arrays before the next search or save,
 * so building costs O(postings) memory with no per-term objects. Removals mark rows dead; the next search or
 * save drops them and renumbers the remaining rows in order. A loaded file stays in its on-disk form (terms found
 * through its slot table, or by binary search in an older file's sorted dictionary) until the first change, so a query
 * never rebuilds statistics.
 */
export class Bm25Index {
  readonly options: ResolvedBm25Options;
  readonly analyzer: Analyzer;
  /** The generation recorded in the file this index was loaded from (0 for a new index). */
  readonly generation: number;

  // Rows.
  private rowCount = 0;
  private docLens: Uint32Array;
  private totalLen = 0;
  private dead: Uint8Array | null = null;
  private deadCount = 0;
  private frozenIds: StringTable | null = null;
  private idList: string[] | null = null;
  private idRows: Map<string, number> | null = null;

  // Dictionary: the on-disk table until the first change, then a list + map.
  private frozenTerms: StringTable | null = null;
  /** The on-disk table's slots; null when it is sorted (a version 1 file). */
  private frozenTermSlots: Uint32Array | null = null;
  private termList: string[] | null = null;
  private termIds: Map<string, number> | null = null;

  private post: Postings;
  /** The row being added: its term ids and frequencies. */
  private readonly rowTerms: RowTerms;

  // Query scratch, reused (search is synchronous, so it is never shared between two calls).
  private acc: Float64Array = new Float64Array(0);
  private touched: Uint32Array = new Uint32Array(0);
  private norms: { k1: number; b: number; values: Float64Array } | null = null;

  private constructor(options: ResolvedBm25Options, generation: number, snapshot?: Bm25Snapshot) {
    this.options = options;
    this.analyzer = createAnalyzer({ stopwords: options.stopwords, stem: options.stem });
    this.rowTerms = new RowTerms(this.analyzer);
    this.generation = generation;
    if (snapshot) {
      this.rowCount = snapshot.docLens.length;
      this.docLens = snapshot.docLens;
      this.totalLen = snapshot.totalLength;
      this.frozenIds = snapshot.ids;
      this.frozenTerms = snapshot.terms;
      this.frozenTermSlots = snapshot.termSlots;
      this.post = new Postings(snapshot.postOffsets, snapshot.postRows, snapshot.postTfs);
    } else {
      this.post = new Postings();
      this.docLens = new Uint32Array(0);
      this.idList = [];
      this.idRows = new Map();
      this.termList = [];
      this.termIds = new Map();
    }
  }

  /** A new, empty index. Options are validated (E_BAD_CONFIG names the bad key). */
  static create(options: Bm25Options = {}): Bm25Index {
    const parsed = Bm25OptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `Invalid BM25 options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    return new Bm25Index(parsed.data, 0);
  }

  /** Reads an index written by `toBytes`; `source` names the file in errors. */
  static fromBytes(bytes: Uint8Array, source = 'bm25.bin'): Bm25Index {
    const snap = decodeBm25(bytes, source);
    return new Bm25Index(snap.options, snap.generation, snap);
  }

  /** Loads `bm25.bin`; a missing file is E_INDEX_MISSING and a damaged one E_INDEX_CORRUPT, naming the path. */
  static async load(path: string): Promise<Bm25Index> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_INDEX_MISSING' : 'E_INDEX_CORRUPT';
      throw new SiftError(code, `Cannot read BM25 file ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
    }
    return Bm25Index.fromBytes(bytes, path);
  }

  /** Live rows (chunks). */
  get size(): number {
    return this.rowCount - this.deadCount;
  }

  /** Adds one text under `id` (unique) and returns its row. */
  add(id: string, text: string): number {
    this.thaw();
    const idRows = this.ensureIdRows();
    if (idRows.has(id)) {
      throw new SiftError('E_BAD_INPUT', `BM25 index already holds an entry with id "${id}"`, { details: { id } });
    }
    const terms = this.rowTerms;
    terms.count(text, this.termList!, this.termIds!);
    const row = this.rowCount++;
    this.docLens = grow(this.docLens, this.rowCount);
    this.docLens[row] = terms.length;
    this.totalLen += terms.length;
    this.idList!.push(id);
    idRows.set(id, row);
    if (this.dead && this.dead.length < this.rowCount) {
      const d = new Uint8Array(Math.max(this.rowCount, this.dead.length * 2));
      d.set(this.dead);
      this.dead = d;
    }
    this.post.reserve(terms.distinct);
    terms.drain((t, tf) => this.post.append(t, row, tf));
    this.norms = null;
    return row;
  }

  /** True when a live row has this id. */
  has(id: string): boolean {
    return this.ensureIdRows().has(id);
  }

  /** Removes the rows with these ids (unknown ids are ignored); returns how many were removed. */
  remove(ids: Iterable<string>): number {
    this.thaw();
    const idRows = this.ensureIdRows();
    let removed = 0;
    for (const id of ids) {
      const row = idRows.get(id);
      if (row === undefined) continue;
      idRows.delete(id);
      this.dead ??= new Uint8Array(Math.max(this.rowCount, 16));
      this.dead[row] = 1;
      this.deadCount++;
      this.totalLen -= this.docLens[row]!;
      removed++;
    }
    if (removed > 0) this.norms = null;
    return removed;
  }

  /** The id of a live row (rows are numbered 0..size-1 in insertion order). */
  idAt(row: number): string {
    this.settle();
    if (!Number.isInteger(row) || row < 0 || row >= this.rowCount) {
      throw new SiftError('E_BAD_INPUT', `BM25 row ${row} is out of range 0..${this.rowCount - 1}`);
    }
    return this.idList ? this.idList[row]! : tableAt(this.frozenIds!, row);
  }

  stats(): Bm25Stats {
    this.settle();
    // Terms whose rows were all removed linger in the editable dictionary; count only live ones.
    let terms = 0;
    for (let t = 0; t < this.post.terms; t++) if (this.post.df(t) > 0) terms++;
    return {
      rows: this.rowCount,
      terms,
      postings: this.post.rows.length,
      totalLength: this.totalLen,
      avgLength: this.rowCount === 0 ? 0 : this.totalLen / this.rowCount,
    };
  }

  /** Document frequency of an already analyzed term. */
  docFreq(term: string): number {
    this.settle();
    const t = this.lookup(term);
    return t < 0 ? 0 : this.post.df(t);
  }

  /**
   * The k best rows for `query`, best first; equal scores rank the lower row first. `params` overrides k1/b
   * for this query only (the statistics do not depend on them).
   */
  search(query: string, k: number, params: Partial<Bm25Params> = {}): Bm25Hit[] {
    if (!Number.isInteger(k) || k < 0) throw new SiftError('E_BAD_INPUT', `k must be a non-negative integer, got ${k}`);
    // The index's own k1 and b were validated when it was made; only a per-query override needs checking (zod's first
    // parse compiles a validator: ~5 ms of a one-query process).
    const { k1, b } = params.k1 === undefined && params.b === undefined ? this.options : Bm25ParamsSchema.parse({ k1: params.k1 ?? this.options.k1, b: params.b ?? this.options.b });
    this.settle();
    const n = this.rowCount;
    if (k === 0 || n === 0) return [];
    const qtf = new Map<number, number>();
    for (const term of this.analyzer.analyze(query)) {
      const t = this.lookup(term);
      if (t >= 0) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    }
    if (qtf.size === 0) return [];
    const norms = this.normsFor(k1, b);
    if (this.acc.length < n) {
      this.acc = new Float64Array(n);
      this.touched = new Uint32Array(n);
    }
    const { acc, touched } = this;
    const { offsets: postOffsets, rows: postRows, tfs: postTfs } = this.post;
    let nTouched = 0;
    // Term ids ascend so the summation order, and hence the float result, is fixed for a given query.
    for (const [t, count] of [...qtf].sort((x, y) => x[0] - y[0])) {
      const from = postOffsets[t]!;
      const to = postOffsets[t + 1]!;
      const df = to - from;
      const w = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * count * (k1 + 1);
      for (let j = from; j < to; j++) {
        const r = postRows[j]!;
        const tf = postTfs[j]!;
        if (acc[r] === 0) touched[nTouched++] = r;
        acc[r]! += (w * tf) / (tf + norms[r]!);
      }
    }
    const top = new TopK(Math.min(k, nTouched));
    for (let i = 0; i < nTouched; i++) {
      const r = touched[i]!;
      top.push(r, acc[r]!);
      acc[r] = 0;
    }
    return top.sorted().map(({ row, score }) => ({ row, id: this.idAt(row), score }));
  }

  /** The compact binary form (`bm25.bin`), stamped with `generation`. */
  toBytes(generation = this.generation): Uint8Array {
    return encodeBm25(this.snapshot(generation));
  }

  /** Writes `toBytes(generation)` to `path` atomically (temp file, fsync, rename). */
  async save(path: string, generation = this.generation): Promise<void> {
    await writeFileAtomic(path, this.toBytes(generation));
  }

  // ---- internals ----

  private snapshot(generation: number): Bm25Snapshot {
    this.settle();
    const post = this.post;
    if (!this.termList) {
      // Untouched since load: the file's own tables.
      return {
        generation,
        options: this.options,
        totalLength: this.totalLen,
        docLens: this.docLens.subarray(0, this.rowCount),
        ids: this.frozenIds!,
        terms: this.frozenTerms!,
        termSlots: this.frozenTermSlots,
        postOffsets: post.offsets,
        postRows: post.rows,
        postTfs: post.tfs,
      };
    }
    // Terms in id order, leaving out those whose rows were all removed (no postings, so the postings stay as merged).
    const terms = this.termList;
    const live: string[] = [];
    const postOffsets = new Uint32Array(post.terms + 1);
    for (let t = 0; t < post.terms; t++) {
      const df = post.df(t);
      if (df === 0) continue;
      live.push(terms[t]!);
      postOffsets[live.length] = post.offsets[t + 1]!;
    }
    const postings = post.rows.length;
    let maxTf = 0;
    for (let j = 0; j < postings; j++) maxTf = Math.max(maxTf, post.tfs[j]!);
    return {
      generation,
      options: this.options,
      totalLength: this.totalLen,
      docLens: this.docLens.subarray(0, this.rowCount),
      ids: tableOf(this.idList!),
      terms: tableOf(live),
      termSlots: null,
      postOffsets: postOffsets.subarray(0, live.length + 1),
      postRows: post.rows,
      postTfs: maxTf < 0x10000 ? new Uint16Array(post.tfs) : post.tfs,
    };
  }

  /** Switch from the loaded (read-only) form to the editable one. */
  private thaw(): void {
    if (this.termList) return;
    const frozenTerms = this.frozenTerms!;
    const frozenIds = this.frozenIds!;
    this.termList = Array.from({ length: this.post.terms }, (_, t) => tableAt(frozenTerms, t));
    this.termIds = new Map(this.termList.map((term, t) => [term, t]));
    this.rowTerms.forget();
    this.idList = Array.from({ length: this.rowCount }, (_, r) => tableAt(frozenIds, r));
    this.idRows = null;
    this.frozenTerms = null;
    this.frozenTermSlots = null;
    this.frozenIds = null;
    // Loaded arrays are views into the file buffer; copy so growth never aliases it.
    this.docLens = this.docLens.slice();
  }

  private ensureIdRows(): Map<string, number> {
    if (!this.idRows) {
      // Only the loaded form or a fresh compaction drops the map; dead rows exist only in the editable form.
      const m = new Map<string, number>();
      for (let r = 0; r < this.rowCount; r++) {
        if (this.dead?.[r]) continue;
        m.set(this.idList ? this.idList[r]! : tableAt(this.frozenIds!, r), r);
      }
      this.idRows = m;
    }
    return this.idRows;
  }

  private lookup(term: string): number {
    if (this.termIds) {
      const t = this.termIds.get(term);
      return t === undefined || t >= this.post.terms ? -1 : t;
    }
    const table = this.frozenTerms!;
    if (this.frozenTermSlots) return findTerm(table, this.frozenTermSlots, term);
    let lo = 0;
    let hi = this.post.terms - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = tableAt(table, mid);
      if (s === term) return mid;
      if (s < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private normsFor(k1: number, b: number): Float64Array {
    if (this.norms && this.norms.k1 === k1 && this.norms.b === b) return this.norms.values;
    const n = this.rowCount;
    const avg = this.totalLen / n;
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = avg > 0 ? k1 * (1 - b + (b * this.docLens[r]!) / avg) : k1;
    this.norms = { k1, b, values };
    return values;
  }

  /** Merge pending postings and drop dead rows, so the CSR arrays describe exactly the live rows. */
  private settle(): void {
    this.merge();
    this.compact();
  }

  private merge(): void {
    this.post.merge(this.termList ? this.termList.length : this.post.terms);
  }

  private compact(): void {
    if (this.deadCount === 0) return;
    const dead = this.dead!;
    const remap = new Int32Array(this.rowCount).fill(-1);
    let live = 0;
    for (let r = 0; r < this.rowCount; r++) {
      if (dead[r]) continue;
      remap[r] = live;
      this.docLens[live] = this.docLens[r]!;
      this.idList![live] = this.idList![r]!;
      live++;
    }
    this.idList!.length = live;
    this.post.compact(remap);
    this.rowCount = live;
    this.dead = null;
    this.deadCount = 0;
    this.idRows = null;
    this.norms = null;
  }
}
