import { throwIfAborted, yieldToEventLoop } from '../abort.js';
import { SiftError } from '../errors.js';
import type { TokenBoundaries, Tokenizer, TokenOffsets } from './tokenizer.js';
import { AsciiRanks, isAscii } from './_ascii-ranks.js';
import { mergeBytePairs, mergeShortAscii, SHORT_ASCII_PIECE } from './_bpe-merge.js';
import { hasLongRun, LONG_RUN, pieceSpans } from './_bpe-pieces.js';
import { CL100K_SPLIT_SOURCE, scanCl100kPieces, stickyRegex } from './_cl100k-pieces.js';
import { PieceCache } from './_piece-cache.js';
import { offsetsFromByteLengths, Utf16Cursor, utf8Length } from './_utf8.js';
import { isWhitespace } from './whitespace.js';

export type BpeTokenizerName = 'cl100k' | 'o200k';

interface GptEncodingApi {
  encode(text: string, opts?: { disallowedSpecial?: Set<string> }): number[];
  /** Yields the tokens of one pre-tokenizer piece (one regex match) at a time. */
  encodeGenerator(text: string, opts?: { disallowedSpecial?: Set<string> }): Generator<number[], number, undefined>;
  countTokens(text: string, opts?: { disallowedSpecial?: Set<string> }): number;
  decode(ids: Iterable<number>): string;
}

/** The parts of gpt-tokenizer's BytePairEncodingCore that the linear-time merge replaces or uses. */
interface BpeCore {
  bytePairEncode(input: string): number[];
  getBpeRankFromBytes(key: Uint8Array): number | undefined;
  getBpeRankFromString(key: string): number | undefined;
  tokenSplitRegex: RegExp;
}

// Pieces up to this many UTF-16 units keep gpt-tokenizer's own merge and cache (fast for short pieces); longer ones
// (one run of letters or punctuation, which the pre-tokenizer never cuts) use the O(n log n) merge, uncached.
const LONG_PIECE = 128;
/** Longest stretch of encoding without a turn of the event loop in encodeWithOffsetsAsync. */
const YIELD_MS = 50;

// Chunkers see arbitrary user text: special-token strings such as "<|endoftext|>" are encoded as plain text,
// never rejected and never turned into control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Loaded encodings are immutable and large (the rank tables are megabytes), so each is loaded once per process.
const loaded = new Map<BpeTokenizerName, Promise<BpeTokenizer>>();

/** OpenAI byte-level BPE (cl100k_base, o200k_base) through gpt-tokenizer; the rank tables ship with the package. */
export class BpeTokenizer implements Tokenizer {
  readonly additive = false;
  /** cl100k's split regex, sticky, when the hand-written pre-tokenizer reproduces it (null: gpt-tokenizer's path). */
  private readonly sticky: RegExp | null;
  /** Ids of frequent pieces, found without slicing them out of the text (scanning path). */
  private readonly cache = new PieceCache();

  private constructor(
    readonly name: BpeTokenizerName,
    private readonly api: GptEncodingApi,
    private readonly core: BpeCore,
    /** UTF-8 byte length of each token id (0 for ids that the encoder never emits). */
    private readonly byteLengths: Uint16Array,
    /** The vocabulary's ASCII tokens, looked up by span. */
    private readonly asciiRanks: AsciiRanks,
  ) {
    const re = core.tokenSplitRegex;
    this.sticky = re.source === CL100K_SPLIT_SOURCE && re.flags === 'gu' ? stickyRegex(re) : null;
  }

  /** Whether text goes through the hand-written pre-tokenizer (texts with huge repeated runs keep `pieceSpans`). */
  private scans(text: string): boolean {
    return this.sticky !== null && (text.length <= LONG_RUN || !hasLongRun(text));
  }

  /**
   * The ids of text's pieces from offset `from` (a piece start), at most `maxPieces` of them, to `each` (a piece of one
   * token as `id` with `ids` undefined, which is most of them; `start`: where the piece starts); returns where it
   * stopped. Scanning path only.
   */
  private scanIds(text: string, from: number, maxPieces: number, each: (id: number, ids: number[] | undefined, start: number) => void): number {
    const { core, cache, asciiRanks } = this;
    return scanCl100kPieces(text, this.sticky!, from, maxPieces, (a, b) => {
      const hit = cache.get(text, a, b);
      if (hit !== undefined) {
        if (typeof hit === 'number') each(hit, undefined, a);
        else each(-1, hit, a);
        return;
      }
      const piece = text.slice(a, b);
      const id = isAscii(piece) ? asciiRanks.rank(text, a, b) : (core.getBpeRankFromString(piece) ?? -1);
      if (id >= 0) {
        cache.set(piece, id);
        each(id, undefined, a);
      } else {
        const ids = core.bytePairEncode(piece);
        cache.set(piece, ids);
        each(-1, ids, a);
      }
    });
  }

  /**
   * The token ids of each pre-tokenizer piece. Texts longer than LONG_RUN go through `pieceSpans`, which keeps a run
   * of one repeated character of any length from overflowing V8's regex stack; shorter ones through gpt-tokenizer.
   */
  private pieces(text: string): Iterator<number[], unknown> {
    if (text.length <= LONG_RUN) return this.api.encodeGenerator(text, PLAIN_TEXT);
    const core = this.core;
    return (function* () {
      for (const [a, b] of pieceSpans(text, core.tokenSplitRegex)) {
        const piece = text.slice(a, b);
        const id = core.getBpeRankFromString(piece);
        yield id !== undefined ? [id] : core.bytePairEncode(piece);
      }
    })();
  }

  /** All pieces' ids, one iterator step at a time (guarded), into `each`. */
  private eachPiece(text: string, each: (ids: number[]) => void): void {
    if (this.scans(text)) {
      this.guard(() => this.scanIds(text, 0, Infinity, (id, ids) => each(ids ?? [id])));
      return;
    }
    const it = this.pieces(text);
    for (;;) {
      const next = this.guard(() => it.next());
      if (next.done) return;
      each(next.value);
    }
  }

  static create(name: BpeTokenizerName): Promise<BpeTokenizer> {
    let p = loaded.get(name);
    if (!p) {
      p = BpeTokenizer.load(name);
      loaded.set(name, p);
      p.catch(() => loaded.delete(name));
    }
    return p;
  }

  private static async load(name: BpeTokenizerName): Promise<BpeTokenizer> {
    try {
      const [enc, ranks] =
        name === 'cl100k'
          ? await Promise.all([import('gpt-tokenizer/encoding/cl100k_base'), import('gpt-tokenizer/bpeRanks/cl100k_base')])
          : await Promise.all([import('gpt-tokenizer/encoding/o200k_base'), import('gpt-tokenizer/bpeRanks/o200k_base')]);
      const table = ranks.default;
      const byteLengths = new Uint16Array(table.length);
      for (let id = 0; id < table.length; id++) {
        const v = table[id];
        if (typeof v === 'string') byteLengths[id] = utf8Length(v);
        else if (v) byteLengths[id] = v.length;
      }
      const api = enc.default as unknown as GptEncodingApi & { bytePairEncodingCoreProcessor?: BpeCore };
      if (!api.bytePairEncodingCoreProcessor) throw new Error('gpt-tokenizer has no bytePairEncodingCoreProcessor');
      const asciiRanks = new AsciiRanks(table);
      useHeapMerge(api.bytePairEncodingCoreProcessor, asciiRanks);
      return new BpeTokenizer(name, api, api.bytePairEncodingCoreProcessor, byteLengths, asciiRanks);
    } catch (cause) {
      throw new SiftError('E_DEPENDENCY_MISSING', `cannot load the ${name} tokenizer from gpt-tokenizer`, { cause });
    }
  }

  /** Every byte-level BPE token covers at least one UTF-8 byte. */
  ceiling(text: string): number {
    return Buffer.byteLength(text, 'utf8');
  }

  count(text: string): number {
    if (this.scans(text)) {
      let n = 0;
      this.guard(() => this.scanIds(text, 0, Infinity, (_, ids) => (n += ids === undefined ? 1 : ids.length)));
      return n;
    }
    if (text.length <= LONG_RUN) return text.length === 0 ? 0 : this.guard(() => this.api.countTokens(text, PLAIN_TEXT));
    let n = 0;
    this.eachPiece(text, (ids) => (n += ids.length));
    return n;
  }

  countUpTo(text: string, limit: number): number {
    if (!this.scans(text)) return this.count(text);
    let n = 0;
    const add = (_: number, ids: number[] | undefined): void => {
      n += ids === undefined ? 1 : ids.length;
    };
    // Every piece is at least one token, so scanning at most limit + 1 - n more pieces cannot overshoot the stop.
    this.guard(() => {
      for (let at = 0; at < text.length && n <= limit; ) at = this.scanIds(text, at, limit + 1 - n, add);
    });
    return n;
  }

  encode(text: string): number[] {
    if (text.length <= LONG_RUN) return text.length === 0 ? [] : this.guard(() => this.api.encode(text, PLAIN_TEXT));
    const out: number[] = [];
    this.eachPiece(text, (ids) => {
      for (const id of ids) out.push(id);
    });
    return out;
  }

  decode(ids: readonly number[]): string {
    return this.api.decode(ids);
  }

  encodeWithOffsets(text: string): TokenOffsets {
    const ids: number[] = [];
    const starts: number[] = [];
    if (text.length > 0) {
      this.eachPiece(text, (piece) => {
        starts.push(ids.length);
        for (const id of piece) ids.push(id);
      });
    }
    return this.withOffsets(text, ids, starts);
  }

  async tokenBoundaries(text: string, opts: { signal?: AbortSignal | undefined } = {}): Promise<TokenBoundaries> {
    throwIfAborted(opts.signal);
    // Token starts (UTF-16) and piece marks in typed arrays grown as needed: 5 bytes per token. English runs about
    // 4 characters per token, so text.length / 3 rarely needs to grow.
    let offsets = new Int32Array(Math.max(16, Math.ceil(text.length / 3)));
    let pieces = new Uint8Array(offsets.length);
    let n = 0;
    const table = this.byteLengths;
    const cursor = new Utf16Cursor(text);
    const grow = (need: number): void => {
      const cap = Math.max(need, Math.ceil(offsets.length * 1.25));
      const o2 = new Int32Array(cap);
      o2.set(offsets.subarray(0, n));
      const p2 = new Uint8Array(cap);
      p2.set(pieces.subarray(0, n));
      offsets = o2;
      pieces = p2;
    };
    if (text.length > 0 && this.scans(text)) {
      // Pieces in blocks of 4096, giving signals and timers a turn once YIELD_MS have passed. A piece's first token
      // starts where the piece does; the tokens after it inside the piece are placed by their UTF-8 lengths.
      const onPiece = (id: number, ids: number[] | undefined, start: number): void => {
        if (ids === undefined) {
          if (n + 2 > offsets.length) grow(n + 2);
          pieces[n] = 1;
          offsets[n++] = start;
          return;
        }
        if (n + ids.length + 1 > offsets.length) grow(n + ids.length + 1);
        pieces[n] = 1;
        n = tokenStartsInPiece(text, start, ids, table, offsets, n);
      };
      let last = performance.now();
      for (let at = 0; at < text.length; ) {
        at = this.guard(() => this.scanIds(text, at, 4096, onPiece));
        if (at < text.length && performance.now() - last > YIELD_MS) {
          await yieldToEventLoop();
          throwIfAborted(opts.signal);
          last = performance.now();
        }
      }
    } else if (text.length > 0) {
      const gen = this.pieces(text);
      let last = performance.now();
      for (let count = 1; ; count++) {
        const next = this.guard(() => gen.next());
        if (next.done) break;
        const piece = next.value as number[];
        if (n + piece.length + 1 > offsets.length) grow(n + piece.length + 1);
        pieces[n] = 1;
        for (const id of piece) offsets[n++] = cursor.start(table[id] ?? 0);
        // Every few thousand pieces, give signals and timers a turn once YIELD_MS have passed.
        if ((count & 4095) === 0 && performance.now() - last > YIELD_MS) {
          await yieldToEventLoop();
          throwIfAborted(opts.signal);
          last = performance.now();
        }
      }
    }
    offsets[n] = text.length;
    // Give back a large unused tail; a small one costs less than a copy.
    const tight = offsets.length - (n + 1) > (n >> 3);
    return {
      offsets: tight ? offsets.slice(0, n + 1) : offsets.subarray(0, n + 1),
      pieces: tight ? pieces.slice(0, n) : pieces.subarray(0, n),
    };
  }

  private withOffsets(text: string, ids: number[], starts: number[]): TokenOffsets {
    const lens = new Uint16Array(ids.length);
    const table = this.byteLengths;
    for (let i = 0; i < ids.length; i++) lens[i] = table[ids[i]!] ?? 0;
    const pieces = new Uint8Array(ids.length);
    for (const i of starts) pieces[i] = 1;
    return { ids, offsets: offsetsFromByteLengths(text, lens), pieces };
  }

  /**
   * V8's regular-expression engine runs out of backtracking stack on a pre-tokenizer piece of a few million
   * characters outside Latin-1 (a run of letters with no space, digit or punctuation): say so instead of a bare
   * RangeError.
   */
  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        throw new SiftError(
          'E_BAD_INPUT',
          `${this.name} tokenizer: the text holds a run of millions of letters (not one repeated letter) with no space, digit or punctuation, too long for its pre-tokenizer; use the char or whitespace tokenizer for such text`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /**
   * Exact count of text[start, end) from the whole text's encoding. Pre-tokenization is a left-to-right regex scan and
   * BPE runs inside each piece, so the span's pieces match the document's once a piece of the span ends where a
   * document piece ends (found by encoding the span's head piece by piece), up to the last document piece that starts
   * before the span's trailing whitespace (the only lookahead, `\s+(?!\S)`, cannot see past it); the tail is encoded
   * again. Spans that never synchronise are simply encoded whole.
   */
  countSpan(text: string, start: number, end: number, encoded: TokenBoundaries): number {
    const { offsets, pieces } = encoded;
    // The whole text (a document that is one chunk, the usual case when indexing passages): its own encoding.
    if (start === 0 && end === text.length) return offsets.length - 1;
    if (!pieces || end - start < 64) return this.count(text.slice(start, end));
    const m = offsets.length - 1;
    const firstAtOrAfter = (p: number) => {
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (offsets[mid]! < p) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    // Head: the span's own pieces until one ends on a document piece boundary.
    const span = text.slice(start, end);
    const table = this.byteLengths;
    let head = 0;
    let rel = 0; // UTF-16 offset in span where the next piece starts
    let sync = -1; // absolute offset of the synchronisation point
    let syncToken = -1;
    for (const piece of this.api.encodeGenerator(span, PLAIN_TEXT)) {
      head += piece.length;
      let bytes = 0;
      for (const id of piece) bytes += table[id] ?? 0;
      rel = advanceBytes(span, rel, bytes);
      const p = start + rel;
      if (p >= end) break;
      const j = firstAtOrAfter(p);
      if (j < m && offsets[j] === p && pieces[j] === 1) {
        sync = p;
        syncToken = j;
        break;
      }
    }
    if (sync < 0) return head;
    // Tail: from the last document piece that starts at or before the span's trailing whitespace.
    let solidEnd = end;
    while (solidEnd > sync && isWhitespace(text.charCodeAt(solidEnd - 1))) solidEnd--;
    let q = firstAtOrAfter(solidEnd + 1) - 1; // last token starting at or before solidEnd
    while (q > syncToken && pieces[q] !== 1) q--;
    if (q <= syncToken) return head + this.count(text.slice(sync, end));
    return head + (q - syncToken) + this.count(text.slice(offsets[q]!, end));
  }
}

/**
 * gpt-tokenizer merges a piece by rescanning all its pairs after every merge, which is quadratic in the piece's
 * length; a piece is unbounded for a run of letters or punctuation ('aaaa…'). Long pieces go through
 * `mergeBytePairs` instead, which applies the same rule (lowest rank, leftmost first) with a heap.
 */
function useHeapMerge(core: BpeCore, ranks: AsciiRanks): void {
  const shortMerge = core.bytePairEncode.bind(core);
  const utf8 = new TextEncoder();
  core.bytePairEncode = (input: string): number[] => {
    // ASCII: characters are bytes, so pairs are looked up as spans of the piece; gpt-tokenizer's merge decodes every
    // candidate pair from bytes (a TextDecoder call each), which was most of indexing text full of names. Same rule,
    // same ids.
    if (isAscii(input)) return input.length <= SHORT_ASCII_PIECE ? mergeShortAscii(input, ranks) : mergeAscii(ranks, input);
    if (input.length <= LONG_PIECE) return shortMerge(input);
    const bytes = utf8.encode(input);
    const parts = mergeBytePairs(bytes.length, (a, b) => core.getBpeRankFromBytes(bytes.subarray(a, b)), bytes);
    const ids = new Array<number>(parts.length / 2);
    for (let k = 0; k < ids.length; k++) {
      const id = core.getBpeRankFromBytes(bytes.subarray(parts[2 * k]!, parts[2 * k + 1]!));
      if (id === undefined) throw new Error(`no token for bytes ${parts[2 * k]}-${parts[2 * k + 1]} of a piece`);
      ids[k] = id;
    }
    return ids;
  };
}

/** Byte-pair merge of an ASCII piece through `mergeBytePairs`, ranking pairs by their text. */
function mergeAscii(ranks: AsciiRanks, input: string): number[] {
  const bytes = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) bytes[i] = input.charCodeAt(i);
  const rankOf = (a: number, b: number): number | undefined => {
    const r = ranks.rank(input, a, b);
    return r < 0 ? undefined : r;
  };
  const parts = mergeBytePairs(input.length, rankOf, bytes);
  const ids = new Array<number>(parts.length / 2);
  for (let k = 0; k < ids.length; k++) {
    const id = rankOf(parts[2 * k]!, parts[2 * k + 1]!);
    if (id === undefined) throw new Error(`no token for characters ${parts[2 * k]}-${parts[2 * k + 1]} of a piece`);
    ids[k] = id;
  }
  return ids;
}

/**
 * Writes the UTF-16 starts of one piece's tokens (`ids`, the piece starting at `start`) into `offsets` from index `n`;
 * returns the index after them. A token that starts inside a character (byte-level BPE can split one) gets that
 * character's start.
 */
function tokenStartsInPiece(text: string, start: number, ids: readonly number[], byteLengths: Uint16Array, offsets: Int32Array, n: number): number {
  const cursor = new Utf16Cursor(text, start);
  for (const id of ids) offsets[n++] = cursor.start(byteLengths[id] ?? 0);
  return n;
}

/** Move forward over `bytes` UTF-8 bytes of s from UTF-16 offset i (pieces end on character boundaries). */
function advanceBytes(s: string, i: number, bytes: number): number {
  const n = s.length;
  while (bytes > 0 && i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      bytes -= 1;
      i += 1;
    } else if (c < 0x800) {
      bytes -= 2;
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes -= 4;
      i += 2;
    } else {
      bytes -= 3;
      i += 1;
    }
  }
  return i;
}
