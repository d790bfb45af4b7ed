import type { Analyzer } from './analyzer.js';
import { grow } from './postings.js';
import { emitCjk, forEachWordSpan } from './tokenize-words.js';

/** Raw words remembered with their term ids; cleared when full (natural text repeats a few thousand words). */
const WORD_CACHE_MAX = 200_000;
/** `WordIds.get` of a word it does not hold. */
const ABSENT = -2;
/**
 * Starting slots (a few hundred KB): an add of a real corpus meets tens of thousands of distinct words, and each
 * doubling from a small table re-inserts every word.
 */
const INITIAL_SLOTS = 1 << 15;

/**
 * Term ids (-1: stop word) of raw words, looked up by the characters of text[a, b) without slicing them out: a
 * `Map<string, number>` needed a new string per word of every row (allocate, hash, collect), a good part of indexing.
 * Open-addressed; doubles when half full; cleared at WORD_CACHE_MAX words. Each slot's hash, length, term id and key
 * position sit side by side in one Int32Array and the keys' characters in one Uint16Array pool, so a hit reads two
 * cache lines (string keys in parallel arrays read four or five, and indexing runs this beside the tokenizer and
 * LanceDB, which take the cache in turn).
 */
class WordIds {
  private mask = INITIAL_SLOTS - 1;
  /** Per slot: hash, key length (0: empty), term id, key start in `pool`. */
  private slots = new Int32Array(4 * INITIAL_SLOTS);
  private pool = new Uint16Array(1 << 16);
  private poolUsed = 0;
  private size = 0;
  /** Hash of the span the last `get` looked up, for `set` of the same word. */
  private lastHash = 0;

  get(text: string, a: number, b: number): number {
    let h = b - a;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    this.lastHash = h;
    const { mask, slots, pool } = this;
    const len = b - a;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const keyLen = slots[at + 1]!;
      if (keyLen === 0) return ABSENT;
      if (slots[at] !== h || keyLen !== len) continue;
      const from = slots[at + 3]!;
      let i = 0;
      while (i < len && pool[from + i] === text.charCodeAt(a + i)) i++;
      if (i === len) return slots[at + 2]!;
    }
  }

  /** Remembers `word` (the span of the `get` that just missed; never empty) with its term id. */
  set(word: string, id: number): void {
    if (this.size >= WORD_CACHE_MAX) this.clear();
    else if (2 * (this.size + 1) > this.mask + 1) this.resize(2 * (this.mask + 1));
    const len = word.length;
    if (this.poolUsed + len > this.pool.length) {
      const grown = new Uint16Array(Math.max(2 * this.pool.length, this.poolUsed + len));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    const from = this.poolUsed;
    for (let i = 0; i < len; i++) this.pool[from + i] = word.charCodeAt(i);
    this.poolUsed += len;
    this.insert(this.lastHash, len, id, from);
    this.size++;
  }

  clear(): void {
    this.mask = INITIAL_SLOTS - 1;
    this.slots = new Int32Array(4 * INITIAL_SLOTS);
    this.pool = new Uint16Array(1 << 16);
    this.poolUsed = 0;
    this.size = 0;
  }

  private insert(h: number, len: number, id: number, from: number): void {
    const { mask, slots } = this;
    let slot = h & mask;
    while (slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
    const at = slot << 2;
    slots[at] = h;
    slots[at + 1] = len;
    slots[at + 2] = id;
    slots[at + 3] = from;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.mask = capacity - 1;
    this.slots = new Int32Array(4 * capacity);
    for (let at = 0; at < old.length; at += 4) if (old[at + 1] !== 0) this.insert(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]!);
  }
}

/**
 * The term frequencies of one row being added, by term id, straight from the raw words: the same terms in the same
 * order as `analyzer.analyze(text)`, but a word seen before costs one lookup by its characters instead of lowercasing,
 * stop-word and stem lookups and a dictionary lookup, and no per-row map, term array or word string is made.
 */
export class RowTerms {
  private readonly words = new WordIds();
  /** Frequency in the current row, by term id (zero outside it). */
  private tf: Uint32Array = new Uint32Array(0);
  /** Term ids of the current row, first seen first. */
  private readonly ids: number[] = [];
  /** Terms in the current row, stop words left out (its BM25 length). */
  length = 0;

  constructor(private readonly analyzer: Analyzer) {}

  /** Counts the terms of `text` as the current row, giving new terms the next ids in `termList` / `termIds`. */
  count(text: string, termList: string[], termIds: Map<string, number>): void {
    const { words, ids } = this;
    let length = 0;
    const add = (t: number): void => {
      if (t < 0) return;
      length++;
      if (t >= this.tf.length) this.tf = grow(this.tf, t + 1);
      const tf = this.tf;
      if (tf[t] === 0) ids.push(t);
      tf[t]!++;
    };
    const termOf = (raw: string): number => {
      const term = this.analyzer.term(raw);
      if (term === null) return -1;
      let t = termIds.get(term);
      if (t === undefined) {
        t = termList.length;
        termList.push(term);
        termIds.set(term, t);
      }
      return t;
    };
    const word = (s: string, a: number, b: number): void => {
      let t = words.get(s, a, b);
      if (t === ABSENT) {
        const raw = a === 0 && b === s.length ? s : s.slice(a, b);
        t = termOf(raw);
        words.set(raw, t);
      }
      add(t);
    };
    forEachWordSpan(
      text,
      (a, b) => word(text, a, b),
      (cjk) => emitCjk(cjk, (w) => word(w, 0, w.length)),
    );
    this.length = length;
  }

  /** Distinct terms of the current row. */
  get distinct(): number {
    return this.ids.length;
  }

  /** Gives each (term id, frequency) of the current row to `each`, first seen first, and clears the row. */
  drain(each: (term: number, tf: number) => void): void {
    const { tf, ids } = this;
    for (const t of ids) {
      each(t, tf[t]!);
      tf[t] = 0;
    }
    ids.length = 0;
    this.length = 0;
  }

  /** Forgets the words' term ids (the dictionary was renumbered). */
  forget(): void {
    this.words.clear();
  }
}
