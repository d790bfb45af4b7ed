import type { TokenBoundaries, Tokenizer } from '@sift/core';

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Token boundaries of one document, from a single `encodeWithOffsets`, so that chunkers can size any span by
 * subtraction instead of re-tokenizing it. Estimates are exact for additive tokenizers (char); for BPE the real count
 * of a slice can differ by a token or two at its edges, so chunkers confirm with `count`.
 */
export class TokenIndex {
  readonly exact: boolean;
  /** Number of tokens in the document. */
  readonly length: number;
  // Token i starts at offsets[i]; null means token i starts at i (char tokenizer, no surrogate pairs).
  private readonly offsets: Int32Array | null;
  private readonly encoded: TokenBoundaries | null;

  constructor(
    readonly text: string,
    readonly tokenizer: Tokenizer,
    /** The token boundaries of `text`, when already computed (see `build`). */
    encoded?: TokenBoundaries,
    /** Whether {@link TokenIndex.charFastPath} holds, when `build` already tested it (a scan of the whole text). */
    charFast = TokenIndex.charFastPath(text, tokenizer),
  ) {
    this.exact = tokenizer.additive;
    if (charFast) {
      this.offsets = null;
      this.encoded = null;
      this.length = text.length;
    } else {
      this.encoded = encoded ?? tokenizer.encodeWithOffsets(text);
      this.offsets = this.encoded.offsets;
      this.length = this.offsets.length - 1;
    }
  }

  /**
   * The index of a whole document from the tokenizer's compact `tokenBoundaries` where it has them (no ids kept, and
   * the event loop is not blocked for long, so `signal` can stop it): a document of hundreds of MB takes a minute to
   * encode, and Ctrl-C must end that.
   */
  static async build(text: string, tokenizer: Tokenizer, signal?: AbortSignal): Promise<TokenIndex> {
    if (TokenIndex.charFastPath(text, tokenizer)) return new TokenIndex(text, tokenizer, undefined, true);
    if (!tokenizer.tokenBoundaries) return new TokenIndex(text, tokenizer, undefined, false);
    return new TokenIndex(text, tokenizer, await tokenizer.tokenBoundaries(text, { signal }), false);
  }

  private static charFastPath(text: string, tokenizer: Tokenizer): boolean {
    return tokenizer.name === 'char' && !SURROGATE.test(text);
  }

  // The last rank() answer: chunkers ask about positions mostly left to right and close together, so the next search
  // gallops out from here instead of bisecting the whole document (a finger search; same result).
  private fingerPos = 0;
  private fingerRank = 0;

  /** Number of tokens that start before `pos`. */
  rank(pos: number): number {
    const o = this.offsets;
    if (o === null) return pos < 0 ? 0 : pos > this.length ? this.length : pos;
    // Bracket the answer: lo tokens are known to start before pos, and the answer is at most hi.
    let lo = 0;
    let hi = this.length;
    const f = this.fingerRank;
    if (pos > this.fingerPos) {
      lo = f; // o[f - 1] < fingerPos < pos
      for (let step = 1; f + step < hi; step *= 2) {
        if (o[f + step - 1]! >= pos) {
          hi = f + step - 1;
          break;
        }
        lo = f + step;
      }
    } else if (f > 0) {
      hi = f; // o[f] >= fingerPos >= pos
      for (let step = 1; f - step > 0; step *= 2) {
        if (o[f - step]! < pos) {
          lo = f - step + 1;
          break;
        }
        hi = f - step;
      }
    }
    lo = this.bisect(pos, lo, hi);
    this.fingerPos = pos;
    this.fingerRank = lo;
    return lo;
  }

  /** The least i in [lo, hi] with offsets[i] >= pos (hi when none below it). */
  private bisect(pos: number, lo: number, hi: number): number {
    const o = this.offsets!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** UTF-16 start of token i (`text.length` for i ≥ length). */
  pos(i: number): number {
    if (i <= 0) return 0;
    if (i >= this.length) return this.text.length;
    return this.offsets === null ? i : this.offsets[i]!;
  }

  /**
   * The first token start p with rank(p) ≥ r, i.e. after at least r tokens. Differs from pos(r) when several tokens
   * start inside one character (they all map to its start).
   */
  startAfterTokens(r: number): number {
    if (r <= 0) return 0;
    if (r >= this.length) return this.text.length;
    return this.pos(this.rank(this.pos(r - 1) + 1));
  }

  /** Tokens starting inside [a, b): the exact count for additive tokenizers, an estimate otherwise. */
  estimate(a: number, b: number): number {
    return this.rank(b) - this.rank(a);
  }

  /** The real token count of text[a, b) (re-tokenizing only its edges where the tokenizer supports that). */
  count(a: number, b: number): number {
    if (this.exact) return this.rank(b) - this.rank(a);
    if (this.encoded && this.tokenizer.countSpan) return this.tokenizer.countSpan(this.text, a, b, this.encoded);
    return this.tokenizer.count(this.text.slice(a, b));
  }
}
