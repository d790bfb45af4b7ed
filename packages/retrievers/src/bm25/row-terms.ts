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
 * Open-addressed over typed arrays; doubles when half full; cleared at WORD_CACHE_MAX words.
 */
class WordIds {
  private mask = INITIAL_SLOTS - 1;
  private hashes = new Int32Array(INITIAL_SLOTS);
  private ids = new Int32Array(INITIAL_SLOTS);
  private keys: Array<string | undefined> = new Array<string | undefined>(INITIAL_SLOTS);
  private size = 0;
  /** Hash of the span the last `get` looked up, for `set` of the same word. */
  private lastHash = 0;

  get(text: string, a: number, b: number): number {
    let h = b - a;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    this.lastHash = h;
    const { mask, hashes, keys } = this;
    const len = b - a;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = keys[slot];
      if (key === undefined) return ABSENT;
      // startsWith (native) compares a third faster than a charCodeAt loop, on the hottest path.
      if (hashes[slot] === h && key.length === len && text.startsWith(key, a)) return this.ids[slot]!;
    }
  }

  /** Remembers `word` (the span of the `get` that just missed) with its term id. */
  set(word: string, id: number): void {
    if (this.size >= WORD_CACHE_MAX) this.clear();
    else if (2 * (this.size + 1) > this.keys.length) this.resize(this.keys.length * 2);
    this.insert(word, this.lastHash, id);
    this.size++;
  }

  clear(): void {
    this.mask = INITIAL_SLOTS - 1;
    this.hashes = new Int32Array(INITIAL_SLOTS);
    this.ids = new Int32Array(INITIAL_SLOTS);
    this.keys = new Array<string | undefined>(INITIAL_SLOTS);
    this.size = 0;
  }

  private insert(word: string, h: number, id: number): void {
    const { mask, keys } = this;
    let slot = h & mask;
    while (keys[slot] !== undefined) slot = (slot + 1) & mask;
    keys[slot] = word;
    this.hashes[slot] = h;
    this.ids[slot] = id;
  }

  private resize(capacity: number): void {
    const { hashes, ids, keys } = this;
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.ids = new Int32Array(capacity);
    this.keys = new Array<string | undefined>(capacity);
    for (let s = 0; s < keys.length; s++) if (keys[s] !== undefined) this.insert(keys[s]!, hashes[s]!, ids[s]!);
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
