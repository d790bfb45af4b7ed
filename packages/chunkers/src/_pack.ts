import { isWhitespace, type Tokenizer } from '@sift/core';
import { fitPrefix } from './_fit.js';
import type { TokenIndex } from './_token-index.js';

export interface PackOptions {
  size: number;
  /** Overlap in tokens: each chunk starts up to this many tokens before the previous chunk's end. */
  overlap: number;
  /** Overlap in whole units instead (sentences); used when > 0. */
  overlapUnits: number;
  /** Merge consecutive units up to `size` (sentences); false keeps one unit per chunk (pre-merged pieces). */
  merge: boolean;
}

/** A packed chunk: text[start, end), whose new content begins at bodyStart (start < bodyStart with overlap). */
export interface Packed {
  start: number;
  end: number;
  bodyStart: number;
  tokens: number;
}

/**
 * Pack trimmed units (flat [start, end) pairs, ordered, disjoint) into chunks of at most `size` real tokens, each
 * starting with an overlap taken from the previous chunk's tail. Units must each fit in `size - overlap` tokens
 * (by estimate) so that full overlap always fits; for BPE the real count is confirmed and, where it is over, the
 * chunk drops trailing units, then overlap, and as a last resort a unit is cut by tokens.
 */
export function* packUnits(index: TokenIndex, units: number[], opts: PackOptions): Generator<Packed> {
  const text = index.text;
  const { size } = opts;
  const wordStart = (p: number) => !isWhitespace(text.charCodeAt(p)) && (p === 0 || isWhitespace(text.charCodeAt(p - 1)));

  // First word start in [from, limit), else first non-whitespace there, else -1.
  const snap = (from: number, limit: number): number => {
    let firstSolid = -1;
    for (let p = from; p < limit; p++) {
      if (wordStart(p)) return p;
      if (firstSolid < 0 && !isWhitespace(text.charCodeAt(p))) firstSolid = p;
    }
    return firstSolid;
  };
  // BPE fallback when no document token starts inside the previous chunk's tail (its slice re-tokenizes into more
  // pieces than the document had there): the last word start in [from, limit), else its last character.
  const lastWordStart = (from: number, limit: number): number => {
    for (let p = limit - 1; p >= from; p--) if (wordStart(p)) return p;
    const c = text.charCodeAt(limit - 1);
    const last = c >= 0xdc00 && c <= 0xdfff && limit - 2 >= from ? limit - 2 : limit - 1;
    return last >= from ? last : limit;
  };
  // First unit start at or after p (binary search over units[0..i)), or -1.
  const unitStartFrom = (p: number, before: number): number => {
    let lo = 0;
    let hi = before;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (units[2 * mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo < before ? units[2 * lo]! : -1;
  };

  let i = 0;
  let prevStart = -1;
  let prevEnd = -1;
  let prevStartUnit = -1;
  while (i < units.length / 2) {
    const bodyStart = units[2 * i]!;
    let start = bodyStart;
    let startUnit = i;
    // 1. Overlap with the previous chunk, never reaching back to its start (starts strictly increase).
    if (prevEnd > 0 && opts.overlapUnits > 0) {
      startUnit = Math.max(prevStartUnit + 1, i - opts.overlapUnits);
      while (startUnit < i && index.estimate(units[2 * startUnit]!, units[2 * i + 1]!) > size) startUnit++;
      start = units[2 * startUnit]!;
    } else if (prevEnd > 0 && opts.overlap > 0) {
      // Up to `overlap` tokens before the previous end, but after the previous start, and leaving room for the first
      // new unit; then move forward to a unit start, else a word start.
      const t = Math.max(index.rank(prevEnd) - opts.overlap, index.rank(prevStart + 1), index.rank(units[2 * i + 1]!) - size);
      let cand = index.startAfterTokens(t);
      if (cand >= prevEnd && !index.exact) cand = lastWordStart(prevStart + 1, prevEnd);
      if (cand < prevEnd) {
        const u = opts.merge ? unitStartFrom(cand, i) : -1;
        const s = u >= 0 && u < prevEnd ? u : snap(cand, prevEnd);
        if (s >= 0) start = s;
      }
    }
    // 2. Take as many whole units as fit.
    let j = i + 1;
    if (opts.merge) while (j < units.length / 2 && index.estimate(start, units[2 * j + 1]!) <= size) j++;
    // 3. Confirm the real count (BPE); shrink if over.
    let tokens = index.exact ? index.estimate(start, units[2 * j - 1]!) : index.count(start, units[2 * j - 1]!);
    while (tokens > size) {
      if (j - 1 > i) j--;
      else if (start < bodyStart && opts.overlapUnits > 0) {
        startUnit++;
        start = units[2 * startUnit]!;
      } else if (start < bodyStart) {
        const next = index.startAfterTokens(index.rank(start) + Math.max(1, tokens - size));
        const s = next < prevEnd ? snap(next, prevEnd) : -1;
        start = s > start ? s : bodyStart;
      } else {
        splitUnit(index, units, i, size);
      }
      tokens = index.count(start, units[2 * j - 1]!);
    }
    const end = units[2 * j - 1]!;
    yield { start, end, bodyStart, tokens };
    prevStart = start;
    prevEnd = end;
    prevStartUnit = start === bodyStart ? i : startUnit;
    i = j;
  }
}

/** Cut unit i in two so that its first part has at most `size` real tokens, inserting the rest as unit i + 1. */
function splitUnit(index: TokenIndex, units: number[], i: number, size: number): void {
  const text = index.text;
  const a = units[2 * i]!;
  const b = units[2 * i + 1]!;
  const { cut } = fitPrefix(index, a, b, size);
  let leftEnd = cut;
  while (leftEnd > a + 1 && isWhitespace(text.charCodeAt(leftEnd - 1))) leftEnd--;
  let rightStart = cut;
  while (rightStart < b && isWhitespace(text.charCodeAt(rightStart))) rightStart++;
  if (rightStart >= b) units[2 * i + 1] = leftEnd;
  else units.splice(2 * i + 1, 0, leftEnd, rightStart);
}

/** A cap on the tokens of `text` without tokenizing it (`Tokenizer.ceiling`); Infinity when the tokenizer has none. */
export function tokenCeiling(tokenizer: Tokenizer, text: string): number {
  return tokenizer.ceiling?.(text) ?? Number.POSITIVE_INFINITY;
}

/**
 * The chunk of a document that fits in `limit` tokens, as the splitter and `packUnits` would make it: the text without
 * outer whitespace, one chunk (none when blank). Most passages of a typical corpus are this short, and the
 * whole-document token boundaries cost more than a count: a document whose ceiling fits is counted once; one whose
 * ceiling does not but whose count (stopping past `limit`) does is counted, trimmed, once more only when it had outer
 * whitespace. Undefined when the document does not fit (or may not, for a tokenizer that cannot say).
 *
 * Same chunk as the splitting path: that path's splitter keeps [start, end) whole when the document tokens starting
 * inside it, at most the whole count, fit in `limit`, and `packUnits` then gives it its real count, accepted up to
 * `size` ≥ `limit`; here the trimmed count must fit in `limit` itself (else the splitting path decides).
 */
export function wholeDocument(tokenizer: Tokenizer, text: string, limit: number): Packed[] | undefined {
  const ceiling = tokenCeiling(tokenizer, text);
  if (ceiling > limit && !tokenizer.countUpTo) return undefined;
  let a = 0;
  let b = text.length;
  while (a < b && isWhitespace(text.charCodeAt(a))) a++;
  while (b > a && isWhitespace(text.charCodeAt(b - 1))) b--;
  if (b <= a) return [];
  const whole = a === 0 && b === text.length;
  if (ceiling <= limit) return [{ start: a, end: b, bodyStart: a, tokens: tokenizer.count(whole ? text : text.slice(a, b)) }];
  const all = tokenizer.countUpTo!(text, limit);
  if (all > limit) return undefined;
  const tokens = whole ? all : tokenizer.count(text.slice(a, b));
  return tokens <= limit ? [{ start: a, end: b, bodyStart: a, tokens }] : undefined;
}
