import { SPAN_ABSENT, SpanKeyTable } from '@sift/core';
import type { Analyzer } from './analyzer.js';
import { grow } from './postings.js';
import { emitCjk, forEachWordSpan } from './tokenize-words.js';

/** Raw words remembered with their term ids; cleared when full (natural text repeats a few thousand words). */
const WORD_CACHE_MAX = 200_000;
/**
 * Starting slots, log2 (a few hundred KB): an add of a real corpus meets tens of thousands of distinct words, and each
 * doubling from a small table re-inserts every word.
 */
const INITIAL_BITS = 15;

/**
 * The term frequencies of one row being added, by term id, straight from the raw words: the same terms in the same
 * order as `analyzer.analyze(text)`, but a word seen before costs one lookup by its characters instead of lowercasing,
 * stop-word and stem lookups and a dictionary lookup, and no per-row map, term array or word string is made.
 */
export class RowTerms {
  /**
   * Term ids (-1: stop word) of raw words, looked up by the characters of text[a, b): a `Map<string, number>` needed a
   * new string per word of every row (allocate, hash, collect), a good part of indexing.
   */
  private readonly words = new SpanKeyTable({ bits: INITIAL_BITS, maxKeys: WORD_CACHE_MAX, whenFull: 'clear' });
  /** Frequency in the current row, by term id (zero outside it). */
  private tf: Uint32Array = new Uint32Array(0);
  /** Term ids of the current row, first seen first. */
  private readonly ids: number[] = [];
  /** Terms in the current row, stop words left out (its BM25 length). */
  length = 0;

  /** The row being counted and where its new terms go (set by `count`, read by the callbacks below). */
  private text = '';
  private termList: string[] = [];
  private termIds = new Map<string, number>();
  // The scanner's callbacks are made once, not per row: a new closure per row made V8's optimized scanner, which had
  // inlined the first row's callback, throw its code away at the second (a "wrong call target" deoptimization).
  private readonly onSpan = (a: number, b: number): void => this.word(this.text, a, b);
  private readonly onCjkPart = (w: string): void => this.word(w, 0, w.length);
  private readonly onCjkWord = (cjk: string): void => emitCjk(cjk, this.onCjkPart);

  constructor(private readonly analyzer: Analyzer) {}

  /** Counts the terms of `text` as the current row, giving new terms the next ids in `termList` / `termIds`. */
  count(text: string, termList: string[], termIds: Map<string, number>): void {
    this.text = text;
    this.termList = termList;
    this.termIds = termIds;
    this.length = 0;
    forEachWordSpan(text, this.onSpan, this.onCjkWord);
    this.text = '';
  }

  private word(s: string, a: number, b: number): void {
    const { words } = this;
    let t = words.get(s, a, b);
    if (t === SPAN_ABSENT) {
      t = this.termOf(a === 0 && b === s.length ? s : s.slice(a, b));
      words.set(s, a, b, t);
    }
    if (t < 0) return;
    this.length++;
    if (t >= this.tf.length) this.tf = grow(this.tf, t + 1);
    const tf = this.tf;
    if (tf[t] === 0) this.ids.push(t);
    tf[t]!++;
  }

  private termOf(raw: string): number {
    const term = this.analyzer.term(raw);
    if (term === null) return -1;
    let t = this.termIds.get(term);
    if (t === undefined) {
      t = this.termList.length;
      this.termList.push(term);
      this.termIds.set(term, t);
    }
    return t;
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
