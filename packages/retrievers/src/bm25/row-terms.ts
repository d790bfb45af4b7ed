import type { Analyzer } from './analyzer.js';
import { grow } from './postings.js';
import { forEachWord } from './tokenize-words.js';

/** Raw words remembered with their term ids; cleared when full (natural text repeats a few thousand words). */
const WORD_CACHE_MAX = 200_000;

/**
 * The term frequencies of one row being added, by term id, straight from the raw words: the same terms in the same
 * order as `analyzer.analyze(text)`, but a word seen before costs one map lookup instead of lowercasing, stop-word
 * and stem lookups and a dictionary lookup, and no per-row map or term array is made.
 */
export class RowTerms {
  /** Raw word → term id, or -1 for a stop word. */
  private readonly wordTerms = new Map<string, number>();
  /** Frequency in the current row, by term id (zero outside it). */
  private tf: Uint32Array = new Uint32Array(0);
  /** Term ids of the current row, first seen first. */
  private readonly ids: number[] = [];
  /** Terms in the current row, stop words left out (its BM25 length). */
  length = 0;

  constructor(private readonly analyzer: Analyzer) {}

  /** Counts the terms of `text` as the current row, giving new terms the next ids in `termList` / `termIds`. */
  count(text: string, termList: string[], termIds: Map<string, number>): void {
    const { wordTerms, ids } = this;
    let length = 0;
    forEachWord(text, (raw) => {
      let t = wordTerms.get(raw);
      if (t === undefined) {
        const term = this.analyzer.term(raw);
        if (term === null) t = -1;
        else {
          t = termIds.get(term);
          if (t === undefined) {
            t = termList.length;
            termList.push(term);
            termIds.set(term, t);
          }
        }
        if (wordTerms.size >= WORD_CACHE_MAX) wordTerms.clear();
        wordTerms.set(raw, t);
      }
      if (t < 0) return;
      length++;
      if (t >= this.tf.length) this.tf = grow(this.tf, t + 1);
      const tf = this.tf;
      if (tf[t] === 0) ids.push(t);
      tf[t]!++;
    });
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
    this.wordTerms.clear();
  }
}
