import { throwIfAborted, yieldToEventLoop } from '../abort.js';
import { SiftError } from '../errors.js';
import type { TokenBoundaries, Tokenizer, TokenOffsets } from './tokenizer.js';
import { ByteRanks, isAscii } from './_byte-ranks.js';
import { mergeBytePairs, mergeShortAscii, mergeShortBytes, SHORT_PIECE } from './_bpe-merge.js';
import { hasLongRun, LONG_RUN, pieceSpans } from './_bpe-pieces.js';
import { CL100K_SPLIT_SOURCE, scanCl100kPieces, stickyRegex } from './_cl100k-pieces.js';
import { PieceCache } from './_piece-cache.js';
import { cl100kRanksFromGptTokenizer, RANK_TABLE_FILE, readRankTable } from './_rank-table-file.js';
import { offsetsFromByteLengths, Utf16Cursor } from './_utf8.js';
import { isWhitespace } from './whitespace.js';

export type BpeTokenizerName = 'cl100k' | 'o200k';

interface GptEncodingApi {
  /** Yields the tokens of one pre-tokenizer piece (one regex match) at a time. */
  encodeGenerator(text: string, opts?: { disallowedSpecial?: Set<string> }): Generator<number[], number, undefined>;
  countTokens(text: string, opts?: { disallowedSpecial?: Set<string> }): number;
}

/** The parts of gpt-tokenizer's BytePairEncodingCore that the linear-time merge replaces or uses. */
interface BpeCore {
  bytePairEncode(input: string): number[];
  tokenSplitRegex: RegExp;
}

/** gpt-tokenizer's encoder, for an encoding whose pre-tokenizer Sift does not reproduce (o200k). */
interface GptEncoder {
  api: GptEncodingApi;
  core: BpeCore;
}

/** Longest stretch of encoding without a turn of the event loop in encodeWithOffsetsAsync. */
const YIELD_MS = 50;

// Chunkers see arbitrary user text: special-token strings such as "<|endoftext|>" are encoded as plain text,
// never rejected and never turned into control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Special tokens by id (decoding only: Sift never encodes them), as gpt-tokenizer and tiktoken define them. */
const SPECIAL_TOKENS: Record<BpeTokenizerName, ReadonlyMap<number, string>> = {
  cl100k: new Map([
    [100257, '<|endoftext|>'],
    [100258, '<|fim_prefix|>'],
    [100259, '<|fim_middle|>'],
    [100260, '<|fim_suffix|>'],
    [100264, '<|im_start|>'],
    [100265, '<|im_end|>'],
    [100266, '<|im_sep|>'],
    [100276, '<|endofprompt|>'],
  ]),
  o200k: new Map([
    [199999, '<|endoftext|>'],
    [200018, '<|endofprompt|>'],
  ]),
};

const utf8Decoder = new TextDecoder('utf-8');

// Loaded encodings are immutable and large (the rank tables are megabytes), so each is loaded once per process.
const loaded = new Map<BpeTokenizerName, Promise<BpeTokenizer>>();

/**
 * OpenAI byte-level BPE (cl100k_base, o200k_base); the rank tables ship with gpt-tokenizer. cl100k runs on Sift's own
 * pre-tokenizer and merges (gpt-tokenizer's encoder is not loaded: building it cost every process 30–70 ms); o200k on
 * gpt-tokenizer's pre-tokenizer and cache, with Sift's merge for every piece.
 */
export class BpeTokenizer implements Tokenizer {
  readonly additive = false;
  /** cl100k's split regex, sticky (null: gpt-tokenizer's path). */
  private readonly sticky: RegExp | null;
  /** The split regex that `pieceSpans` runs on texts with huge repeated runs. */
  private readonly split: RegExp;
  /** Ids of frequent pieces, found without slicing them out of the text (scanning path). */
  private readonly cache = new PieceCache();
  /** UTF-8 byte length of each token id (0 for ids that the encoder never emits). */
  private readonly byteLengths: Uint16Array;
  /** UTF-8 bytes of the piece being merged, for pieces of up to a third of its length. */
  private readonly scratch = new Uint8Array(3 * SHORT_PIECE + 64);
  private readonly utf8 = new TextEncoder();

  private constructor(
    readonly name: BpeTokenizerName,
    /** The vocabulary, looked up by span. */
    private readonly ranks: ByteRanks,
    /** null for cl100k. */
    private readonly gpt: GptEncoder | null,
  ) {
    this.split = gpt ? gpt.core.tokenSplitRegex : new RegExp(CL100K_SPLIT_SOURCE, 'gu');
    this.sticky = gpt ? null : stickyRegex(this.split);
    this.byteLengths = new Uint16Array(ranks.size);
    for (let id = 0; id < ranks.size; id++) this.byteLengths[id] = ranks.byteLength(id);
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
    const { cache } = this;
    return scanCl100kPieces(text, this.sticky!, from, maxPieces, (a, b) => {
      let hit = cache.get(text, a, b);
      if (hit === undefined) {
        hit = this.pieceIds(text.slice(a, b));
        cache.set(text, a, b, hit);
      }
      if (typeof hit === 'number') each(hit, undefined, a);
      else each(-1, hit, a);
    });
  }

  /**
   * The token ids of one pre-tokenizer piece: its id when it is one token, else the merge of its bytes (characters
   * of an ASCII piece are its bytes, looked up without encoding it). Merges no gpt-tokenizer code runs for: its
   * merge of a non-ASCII piece decoded every candidate pair back to a string.
   */
  private pieceIds(piece: string): number | number[] {
    const { ranks } = this;
    const n = piece.length;
    if (isAscii(piece)) {
      const id = ranks.rank(piece, 0, n);
      if (id >= 0) return id;
      if (n <= SHORT_PIECE) return mergeShortAscii(piece, ranks);
      // A long ASCII piece is merged as bytes (its characters), like any other.
    }
    // Short pieces are encoded into the reused scratch; a long one (a run of letters: unbounded) gets its own bytes,
    // so the tokenizer never keeps a buffer the size of the largest run it met.
    const long = 3 * n > this.scratch.length;
    const bytes = long ? this.utf8.encode(piece) : this.scratch;
    const m = long ? bytes.length : this.utf8.encodeInto(piece, bytes).written;
    const id = ranks.rankBytes(bytes, 0, m);
    if (id >= 0) return id;
    return m <= SHORT_PIECE ? mergeShortBytes(bytes, m, ranks) : mergeBytes(ranks, long ? bytes : bytes.slice(0, m));
  }

  /**
   * The token ids of each pre-tokenizer piece, where the scanner does not run: texts longer than LONG_RUN through
   * `pieceSpans`, which keeps a run of one repeated character of any length from overflowing V8's regex stack;
   * shorter ones (o200k) through gpt-tokenizer.
   */
  private pieces(text: string): Generator<number[], unknown, undefined> {
    if (text.length <= LONG_RUN && this.gpt) return this.gpt.api.encodeGenerator(text, PLAIN_TEXT);
    const split = this.split;
    const ids = (piece: string): number[] => {
      const r = this.pieceIds(piece);
      return typeof r === 'number' ? [r] : r;
    };
    return (function* () {
      for (const [a, b] of pieceSpans(text, split)) yield ids(text.slice(a, b));
    })();
  }

  /** The token ids of text's pieces, a piece at a time (for callers that stop early). */
  private *piecesOf(text: string): Generator<number[], void, undefined> {
    if (!this.scans(text)) {
      yield* this.pieces(text);
      return;
    }
    let ids: number[] = [];
    const take = (id: number, several: number[] | undefined): void => {
      ids = several ?? [id];
    };
    for (let at = 0; at < text.length; ) {
      at = this.scanIds(text, at, 1, take);
      yield ids;
    }
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
      const ranks =
        name === 'cl100k'
          ? (readRankTable(new URL(RANK_TABLE_FILE, import.meta.url)) ?? (await cl100kRanksFromGptTokenizer()))
          : new ByteRanks((await import('gpt-tokenizer/bpeRanks/o200k_base')).default);
      let gpt: GptEncoder | null = null;
      if (name === 'o200k') {
        const api = (await import('gpt-tokenizer/encoding/o200k_base')).default as unknown as GptEncodingApi & { bytePairEncodingCoreProcessor?: BpeCore };
        if (!api.bytePairEncodingCoreProcessor) throw new Error('gpt-tokenizer has no bytePairEncodingCoreProcessor');
        gpt = { api, core: api.bytePairEncodingCoreProcessor };
      }
      const tokenizer = new BpeTokenizer(name, ranks, gpt);
      // gpt-tokenizer merges a piece by rescanning all its pairs after every merge (quadratic in the piece's length,
      // which is unbounded for a run of letters), and a non-ASCII one by decoding every candidate pair: Sift's merge
      // applies the same rule (lowest rank, leftmost first).
      if (gpt)
        gpt.core.bytePairEncode = (piece: string): number[] => {
          const ids = tokenizer.pieceIds(piece);
          return typeof ids === 'number' ? [ids] : ids;
        };
      return tokenizer;
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
    if (text.length <= LONG_RUN && this.gpt) return text.length === 0 ? 0 : this.guard(() => this.gpt!.api.countTokens(text, PLAIN_TEXT));
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
    const out: number[] = [];
    this.eachPiece(text, (ids) => {
      for (const id of ids) out.push(id);
    });
    return out;
  }

  /**
   * The text of `ids`: their bytes decoded as UTF-8 as a whole (a character split across tokens comes out whole; an
   * incomplete one as U+FFFD). Special tokens decode to their names.
   */
  decode(ids: readonly number[]): string {
    const { ranks } = this;
    const specials = SPECIAL_TOKENS[this.name];
    let out = '';
    let bytes = new Uint8Array(64);
    let n = 0;
    const flush = (): void => {
      if (n > 0) out += utf8Decoder.decode(bytes.subarray(0, n));
      n = 0;
    };
    for (const id of ids) {
      const special = specials.get(id);
      if (special !== undefined) {
        flush();
        out += special;
        continue;
      }
      const b = ranks.bytes(id);
      if (b.length === 0) throw new SiftError('E_BAD_INPUT', `${this.name} tokenizer: ${id} is not a token id`);
      if (n + b.length > bytes.length) {
        const grown = new Uint8Array(2 * (n + b.length));
        grown.set(bytes.subarray(0, n));
        bytes = grown;
      }
      bytes.set(b, n);
      n += b.length;
    }
    flush();
    return out;
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
    for (const piece of this.piecesOf(span)) {
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

/** Byte-pair merge of the UTF-8 bytes of a piece through `mergeBytePairs`. */
function mergeBytes(ranks: ByteRanks, bytes: Uint8Array): number[] {
  const rankOf = (a: number, b: number): number | undefined => {
    const r = ranks.rankBytes(bytes, a, b);
    return r < 0 ? undefined : r;
  };
  const parts = mergeBytePairs(bytes.length, rankOf, bytes);
  const ids = new Array<number>(parts.length / 2);
  for (let k = 0; k < ids.length; k++) {
    const id = rankOf(parts[2 * k]!, parts[2 * k + 1]!);
    if (id === undefined) throw new Error(`no token for bytes ${parts[2 * k]}-${parts[2 * k + 1]} of a piece`);
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
