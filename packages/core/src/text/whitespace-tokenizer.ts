import type { Tokenizer, TokenOffsets } from './tokenizer.js';

// A word is a run of letters, marks, digits and underscores; any other non-space code point is a token on its own.
const PIECE = /[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]/gu;

/**
 * Word and punctuation pieces; whitespace is not a token. Ids come from a vocabulary that this instance grows as it
 * sees new pieces, so `decode` only knows ids this instance produced and joins pieces with single spaces (lossy).
 */
export class WhitespaceTokenizer implements Tokenizer {
  readonly name = 'whitespace' as const;
  readonly additive = false;
  private readonly vocab = new Map<string, number>();
  private readonly pieces: string[] = [];

  /** Every word holds at least one UTF-16 unit. */
  ceiling(text: string): number {
    return text.length;
  }

  count(text: string): number {
    PIECE.lastIndex = 0;
    let n = 0;
    while (PIECE.exec(text) !== null) n++;
    return n;
  }

  encode(text: string): number[] {
    return this.encodeWithOffsets(text).ids;
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.pieces[id] ?? '\uFFFD').join(' ');
  }

  encodeWithOffsets(text: string): TokenOffsets {
    const ids: number[] = [];
    const starts: number[] = [];
    PIECE.lastIndex = 0;
    for (let m = PIECE.exec(text); m !== null; m = PIECE.exec(text)) {
      ids.push(this.idOf(m[0]));
      starts.push(m.index);
    }
    const offsets = new Int32Array(ids.length + 1);
    offsets.set(starts);
    offsets[ids.length] = text.length;
    return { ids, offsets };
  }

  private idOf(piece: string): number {
    let id = this.vocab.get(piece);
    if (id === undefined) {
      id = this.pieces.length;
      this.vocab.set(piece, id);
      this.pieces.push(piece);
    }
    return id;
  }
}
