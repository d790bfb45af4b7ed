import { ALWAYS_CONTINUES, MAY_END, SENTENCE_STARTERS } from './_abbreviations.js';
import { rawSentenceEnds } from './_raw-sentence-ends.js';
import type { TextSpan } from './text-span.js';
import { isWhitespace } from './whitespace.js';

export interface SplitSentencesOptions {
  /** BCP 47 locale for Intl.Segmenter; default 'en'. */
  locale?: string;
}

const isLower = (ch: string) => /^\p{Ll}/u.test(ch);
const isUpper = (ch: string) => /^\p{Lu}/u.test(ch);
// Lines that start a block of their own: markdown headings, lists, quotes, tables, fences, rules, separators.
const BLOCK_LINE = /^(?:#{1,6}(?:\s|$)|[-*+•]\s|\d{1,3}[.)]\s|>|\||```|~~~|={3,}|-{3,}|_{3,}|\*{3,})/;
// Character flags, one table lookup per test (this pass runs once per raw segment, so Set lookups showed up).
const STANDALONE_FIRST = 1; // first character of a heading, table row, fence or rule: never continued by the next line
const TERMINAL = 2; // sentence-final punctuation
const CLOSER = 4; // closing quotes and brackets that may follow it
const BLOCK_FIRST = 8; // first character of a markdown block line
const OPENER = 16; // opening quotes and brackets before a word
const FLAGS = new Uint8Array(0x10000);
const flag = (bit: number, codes: number[]) => codes.forEach((c) => (FLAGS[c]! |= bit));
flag(STANDALONE_FIRST, [0x23, 0x7c, 0x60, 0x7e, 0x3d, 0x2d, 0x5f, 0x2a]);
flag(TERMINAL, [0x2e, 0x21, 0x3f, 0x3002, 0xff01, 0xff1f, 0x2026, 0x203c, 0x2047, 0x2048, 0x2049]);
flag(CLOSER, [0x22, 0x27, 0x29, 0x5d, 0x7d, 0x2019, 0x201d, 0xbb]);
flag(BLOCK_FIRST, [0x23, 0x2d, 0x2a, 0x2b, 0x2022, 0x3e, 0x7c, 0x60, 0x7e, 0x3d, 0x5f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);
flag(OPENER, [0x27, 0x22, 0x2018, 0x201c, 0xab, 0x28, 0x5b, 0x7b]);
const isWs = (c: number) => (c <= 0x20 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : c >= 0xa0 && isWhitespace(c));
// Longer words ending in "." are never treated as abbreviations or acronyms (the longest listed is 7 characters).
const MAX_ABBREVIATION = 16;

/** FNV-style hash of text[a, b) lowercased, for ASCII text; -1 when it holds a character outside ASCII. */
function lowerAsciiHash(text: string, a: number, b: number): number {
  let h = b - a;
  for (let i = a; i < b; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}

/** Hashes of the listed abbreviations (all ASCII, lowercase). */
const LISTED_HASHES = new Set([...ALWAYS_CONTINUES, ...MAY_END].map((w) => lowerAsciiHash(w, 0, w.length)));

/**
 * False only when text[w, a1) (a word ending in one period, maybe after opening quotes or brackets) is surely not a
 * listed abbreviation: without its openers and lowercased, it hashes to none of them.
 */
function mayBeListed(text: string, w: number, a1: number): boolean {
  let s = w;
  while (s < a1 && (FLAGS[text.charCodeAt(s)]! & OPENER) !== 0) s++;
  const h = lowerAsciiHash(text, s, a1);
  return h === -1 || LISTED_HASHES.has(h);
}

/**
 * Decide whether the trimmed segments text[a0,a1) and text[b0,…) are one sentence that UAX #29 broke too early;
 * `aLine` is where the last line of the first segment starts (its first non-whitespace character).
 */
function continues(text: string, a0: number, a1: number, aLine: number, b0: number): boolean {
  let lineBreaks = 0;
  for (let i = a1; i < b0; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) || c === 0x2028 || c === 0x2029 || c === 0x85) {
      lineBreaks++;
    }
  }
  if (lineBreaks >= 2) return false; // blank line: paragraph break
  const b = text.charCodeAt(b0);
  const bLower = b >= 0x61 && b <= 0x7a ? true : b < 0x80 ? false : isLower(text.slice(b0, b0 + 2));
  if (lineBreaks === 1) {
    // UAX #29 ends a sentence at every line break; undo that for hard-wrapped prose, but keep block lines apart.
    if (!bLower && (FLAGS[b]! & BLOCK_FIRST) !== 0 && BLOCK_LINE.test(text.slice(b0, b0 + 8))) return false;
    if ((FLAGS[text.charCodeAt(aLine)]! & STANDALONE_FIRST) !== 0 && BLOCK_LINE.test(text.slice(aLine, aLine + 8))) return false;
    if (bLower) return true;
    let t = a1 - 1;
    while (t > a0 && (FLAGS[text.charCodeAt(t)]! & CLOSER) !== 0) t--;
    if ((FLAGS[text.charCodeAt(t)]! & TERMINAL) === 0) return true;
  }
  if (text.charCodeAt(a1 - 1) !== 0x2e) return false; // only a period can end an abbreviation
  let w = a1 - 1;
  let dots = 1;
  while (w > a0 && a1 - w <= MAX_ABBREVIATION) {
    const c = text.charCodeAt(w - 1);
    if (isWs(c)) break;
    if (c === 0x2e) dots++;
    w--;
  }
  // Listed abbreviations are at most 8 characters with their opening punctuation; acronyms have inner periods.
  if (a1 - w > (dots > 1 ? MAX_ABBREVIATION : 8)) return false;
  if (dots === 1 && !mayBeListed(text, w, a1)) {
    // Most sentences end in a plain word: decide without slicing and lowercasing it (same rule as below).
    let s = w;
    while (s < a1 && (FLAGS[text.charCodeAt(s)]! & OPENER) !== 0) s++;
    if (a1 - s !== 2) return false;
    const bUpper = b >= 0x41 && b <= 0x5a ? true : b < 0x80 ? false : isUpper(text.slice(b0, b0 + 2));
    return bUpper && isUpper(text.slice(s, a1));
  }
  const word = (FLAGS[text.charCodeAt(w)]! & OPENER) !== 0 ? text.slice(w, a1).replace(/^['"‘“«(\[{]+/u, '') : text.slice(w, a1);
  const lower = word.toLowerCase();
  if (ALWAYS_CONTINUES.has(lower)) return true;
  if (MAY_END.has(lower)) return bLower || (b >= 0x30 && b <= 0x39);
  const bUpper = b >= 0x41 && b <= 0x5a ? true : b < 0x80 ? false : isUpper(text.slice(b0, b0 + 2));
  if (dots === 1) return word.length === 2 && isUpper(word) && bUpper; // an initial before a name: "J. Smith"
  if (/^(?:\p{L}\.){2,}$/u.test(word)) {
    // An acronym ("U.S.") ends the sentence only if a typical sentence opener follows.
    if (!bUpper) return true;
    const next = /^\p{L}+/u.exec(text.slice(b0, b0 + 16))?.[0] ?? '';
    return !SENTENCE_STARTERS.has(next);
  }
  return false;
}

/**
 * Sentence spans as `[start0, end0, start1, end1, …]` UTF-16 offsets, trimmed of outer whitespace. Same segmentation
 * as {@link splitSentences}, without allocating a string per sentence.
 */
export function sentenceOffsets(text: string, opts: SplitSentencesOptions = {}): Int32Array {
  const ends = rawSentenceEnds(text, opts.locale ?? 'en');
  const out = new Int32Array(ends.length * 2);
  let k = 0;
  let prev = 0;
  let lineStart = 0; // first non-whitespace character of the current line of the open span
  let afterBreak = true; // the previous raw segment ended with a line break
  for (const end of ends) {
    let a = prev;
    let b = end;
    prev = end;
    const c = text.charCodeAt(end - 1);
    const endsLine = c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
    while (a < b && isWs(text.charCodeAt(a))) a++;
    while (b > a && isWs(text.charCodeAt(b - 1))) b--;
    if (b === a) {
      afterBreak ||= endsLine;
      continue;
    }
    // UAX #29 breaks after every line break, so a segment that follows one starts a line.
    const startsLine = afterBreak;
    afterBreak = endsLine;
    if (k > 0 && continues(text, out[k - 2]!, out[k - 1]!, lineStart, a)) {
      out[k - 1] = b;
      if (startsLine) lineStart = a;
      continue;
    }
    out[k++] = a;
    out[k++] = b;
    lineStart = a;
  }
  return out.slice(0, k);
}

/**
 * Split text into sentences: Intl.Segmenter (UAX #29) plus a pass that re-joins breaks after abbreviations
 * ("Dr.", "e.g.", "U.S."), initials and hard line wraps. Spans exclude outer whitespace and never drop anything else.
 */
export function splitSentences(text: string, opts: SplitSentencesOptions = {}): TextSpan[] {
  const offsets = sentenceOffsets(text, opts);
  const out: TextSpan[] = [];
  for (let i = 0; i < offsets.length; i += 2) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    out.push({ start, end, text: text.slice(start, end) });
  }
  return out;
}
