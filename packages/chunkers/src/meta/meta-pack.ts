import { packUnits, type Packed } from '../_pack.js';
import { RecursiveSplitter } from '../_split.js';
import type { TokenIndex } from '../_token-index.js';

// How an oversize sentence is cut: at whitespace, else by tokens (as the sentence chunker does).
const WORD_LEVELS = [[' ', '\t', '\n', '\u3000']] as const;

/** A finished chunk span with the number of meta-chunks it holds (several when merged, 0 for part of a big one). */
export interface MetaPacked extends Packed {
  metaChunks: number;
}

/**
 * Turns meta-chunks (runs of whole sentences) into chunks of at most `size` tokens of the index's tokenizer.
 * A meta-chunk that fits is one piece; a larger one is packed sentence by sentence (an oversize sentence cut at
 * whitespace, else by tokens). With `merge`, consecutive pieces are then joined greedily while the joined span
 * still fits: Meta-Chunking's dynamic merge, counted in real tokens instead of words. Every span runs from its
 * first piece's start to its last piece's end, so `text.slice(start, end)` is the chunk text.
 */
export class MetaChunkPacker {
  readonly #index: TokenIndex;
  readonly #size: number;
  readonly #merge: boolean;
  #pending: MetaPacked | undefined;
  #splitter: RecursiveSplitter | undefined;

  constructor(index: TokenIndex, size: number, merge: boolean) {
    this.#index = index;
    this.#size = size;
    this.#merge = merge;
  }

  /** Adds the meta-chunk made of sentences [from, to] (`spans` as `[start0, end0, …]`); yields chunks now final. */
  *add(spans: Int32Array, from: number, to: number): Generator<MetaPacked> {
    const start = spans[2 * from]!;
    const end = spans[2 * to + 1]!;
    const index = this.#index;
    const tokens = index.count(start, end);
    if (tokens <= this.#size) {
      yield* this.#piece({ start, end, bodyStart: start, tokens, metaChunks: 1 });
      return;
    }
    const units: number[] = [];
    for (let k = from; k <= to; k++) {
      const s = spans[2 * k]!;
      const e = spans[2 * k + 1]!;
      if (index.estimate(s, e) <= this.#size) units.push(s, e);
      else (this.#splitter ??= new RecursiveSplitter(index, { limit: this.#size, levels: WORD_LEVELS })).split(s, e, units);
    }
    for (const p of packUnits(index, units, { size: this.#size, overlap: 0, overlapUnits: 0, merge: true })) {
      yield* this.#piece({ ...p, metaChunks: 0 });
    }
  }

  /** Yields the chunk still held for merging. */
  *finish(): Generator<MetaPacked> {
    if (this.#pending) yield this.#pending;
    this.#pending = undefined;
  }

  *#piece(p: MetaPacked): Generator<MetaPacked> {
    if (!this.#merge) {
      yield p;
      return;
    }
    const cur = this.#pending;
    if (cur) {
      const joined = this.#index.count(cur.start, p.end);
      if (joined <= this.#size) {
        this.#pending = { start: cur.start, end: p.end, bodyStart: cur.start, tokens: joined, metaChunks: cur.metaChunks + p.metaChunks };
        return;
      }
      yield cur;
    }
    this.#pending = p;
  }
}

/** Whether a blank line (two line breaks with only whitespace between) separates sentence k − 1 from sentence k. */
export function paragraphBreakBefore(text: string, spans: Int32Array, k: number): boolean {
  if (k <= 0) return false;
  let breaks = 0;
  for (let p = spans[2 * k - 1]!; p < spans[2 * k]!; p++) {
    const c = text.charCodeAt(p);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(p + 1) !== 0x0a) || c === 0x2028 || c === 0x2029) breaks++;
  }
  return breaks >= 2;
}
