import { SPAN_ABSENT, SpanKeyTable } from './span-key-table.js';

/**
 * Token ids of recently seen pre-tokenizer pieces, looked up by the characters of text[a, b) without slicing it out.
 * Most pieces of real text are a few thousand frequent words; looking each up as a new substring in the 100k-entry
 * rank map (allocate, hash, chase a pointer into a large table) was the largest cost of BPE tokenizing. First come,
 * first kept: once half full the table stops taking new pieces, so its memory is bounded and frequent words, which come
 * early, are in it.
 */
export class PieceCache {
  private readonly table: SpanKeyTable;
  /** The ids of pieces that are several tokens; the table stores -(1 + index) for them. */
  private readonly multi: number[][] = [];

  constructor(bits = 17, maxPieceLength = 32) {
    this.table = new SpanKeyTable({ bits, maxKeys: 1 << (bits - 1), whenFull: 'keep', maxKeyLength: maxPieceLength });
  }

  /** The ids of text[a, b) when cached: a single id as a number, several as an array; undefined when not cached. */
  get(text: string, a: number, b: number): number | number[] | undefined {
    const v = this.table.get(text, a, b);
    if (v === SPAN_ABSENT) return undefined;
    return v >= 0 ? v : this.multi[-1 - v];
  }

  /** Remembers the ids of text[a, b) (the span of the `get` that just missed), while there is room. */
  set(text: string, a: number, b: number, ids: number | number[]): void {
    if (typeof ids === 'number') this.table.set(text, a, b, ids);
    else if (this.table.set(text, a, b, -1 - this.multi.length)) this.multi.push(ids);
  }
}
