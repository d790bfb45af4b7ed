import type { TokenizerName } from '../schemas.js';

/** Where each token of a text starts, without the ids: all that sizing spans needs. */
export interface TokenBoundaries {
  /**
   * `offsets.length === ids.length + 1`; `offsets[i]` is the UTF-16 start of token i and the last entry is
   * `text.length`. Non-decreasing: a token that starts inside a multi-byte character maps to that character's start.
   */
  offsets: Int32Array;
  /**
   * BPE only: 1 where token i starts a pre-tokenizer piece. BPE merges never cross pieces, which lets
   * {@link Tokenizer.countSpan} reuse the tokens inside a span.
   */
  pieces?: Uint8Array;
}

/** Token ids of a text with the UTF-16 offset where each token starts. */
export interface TokenOffsets extends TokenBoundaries {
  ids: number[];
}

export interface Tokenizer {
  readonly name: TokenizerName;
  /**
   * True when the count of any span cut at character boundaries equals the number of tokens starting inside it,
   * so callers may count spans from one `encodeWithOffsets` of the whole text instead of re-counting each span.
   */
  readonly additive: boolean;
  count(text: string): number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  encodeWithOffsets(text: string): TokenOffsets;
  /**
   * Optional: `encodeWithOffsets` without the ids, in compact typed arrays (a few bytes per token instead of the ids'
   * JS arrays), yielding to the event loop while it works through a long text and stopping with E_ABORTED when
   * `signal` fires, so that a document of hundreds of MB neither multiplies memory nor ignores Ctrl-C.
   */
  tokenBoundaries?(text: string, opts?: { signal?: AbortSignal | undefined }): Promise<TokenBoundaries>;
  /**
   * Optional: the exact count of `text.slice(start, end)`, reusing `encoded` (this tokenizer's encodeWithOffsets of
   * the whole `text`) so that only the span's edges are re-tokenized. Always equals `count(text.slice(start, end))`.
   */
  countSpan?(text: string, start: number, end: number, encoded: TokenBoundaries): number;
  /**
   * Optional: a cap on `count(text)` found without tokenizing (a byte-level BPE token covers at least one UTF-8 byte,
   * a character or word token at least one UTF-16 unit). Chunkers skip tokenizing the boundaries of a document whose
   * cap fits; without it they always tokenize.
   */
  ceiling?(text: string): number;
  /**
   * Optional: `count(text)` when it is at most `limit`, else some number above `limit` (counting may stop early, so a
   * long text costs about `limit` tokens of work). Chunkers ask it whether a document fits in one chunk before they
   * tokenize its boundaries.
   */
  countUpTo?(text: string, limit: number): number;
}
