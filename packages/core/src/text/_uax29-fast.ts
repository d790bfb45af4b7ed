// Unicode sentence-break rules (UAX #29) for text made of ASCII, Latin-1 letters and common typographic
// punctuation, matching Intl.Segmenter (ICU) on such text. ICU allocates an object per segment and slows down on long
// strings; this loop lets most English prose skip it. A differential property test checks it against Intl.Segmenter.
const OTHER = 0;
const CR = 1;
const LF = 2; // also Sep (NEL, LS, PS): every ParaSep but CR behaves alike here
const SP = 3;
const LOWER = 4;
const UPPER = 5;
const NUMERIC = 6;
const ATERM = 7;
const STERM = 8;
const CLOSE = 9;
const SCONTINUE = 10;
const UNKNOWN = 255; // not modelled: the caller falls back to Intl.Segmenter

const CLASS = new Uint8Array(0x10000).fill(UNKNOWN);
// Per code unit: 0 cannot start a break, 1 can (CR, LF, Sep, terminators), 2 is not modelled. Kept in step with CLASS
// by the two helpers (a loop over all 64k code units cost start-up time of every command).
const KIND = new Uint8Array(0x10000).fill(2);
const set = (cls: number, ...codes: number[]) =>
  codes.forEach((c) => {
    CLASS[c] = cls;
    KIND[c] = 0;
  });
const range = (cls: number, from: number, to: number) => {
  CLASS.fill(cls, from, to + 1);
  KIND.fill(0, from, to + 1);
};
range(OTHER, 0x00, 0x7f);
range(LOWER, 0x61, 0x7a);
range(UPPER, 0x41, 0x5a);
range(NUMERIC, 0x30, 0x39);
set(CR, 0x0d);
set(LF, 0x0a, 0x85, 0x2028, 0x2029);
set(SP, 0x09, 0x0b, 0x0c, 0x20, 0xa0);
set(ATERM, 0x2e);
set(STERM, 0x21, 0x3f);
set(CLOSE, 0x22, 0x27, 0x28, 0x29, 0x5b, 0x5d, 0x7b, 0x7d, 0xab, 0xbb, 0x2018, 0x2019, 0x201c, 0x201d);
set(SCONTINUE, 0x2c, 0x2d, 0x3a, 0x3b, 0x2013, 0x2014);
range(OTHER, 0x80, 0x84);
range(OTHER, 0x86, 0x9f);
range(UPPER, 0xc0, 0xd6);
range(UPPER, 0xd8, 0xde);
range(LOWER, 0xdf, 0xf6);
range(LOWER, 0xf8, 0xff);
set(OTHER, 0xd7, 0xf7, 0xa9, 0xae, 0xb0, 0xb1, 0xa3, 0xa5, 0xa7, 0x2022, 0x20ac);

for (const c of [0x0d, 0x0a, 0x85, 0x2028, 0x2029, 0x2e, 0x21, 0x3f]) KIND[c] = 1;

/** True when every code unit of text[start, end) is one the fast path models. */
export function isFastRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (CLASS[text.charCodeAt(i)] === UNKNOWN) return false;
  return true;
}

/**
 * Push the end offset of every sentence segment of text[start, end) onto `out` (the last is `end`), treating `end`
 * as the end of text, and return -1. At the first character the rules here do not model, stop and return its index:
 * the breaks pushed for its line are then unreliable (the caller rolls back to the line start; breaks on earlier
 * lines never look past a line break).
 */
export function fastSentenceBreaks(text: string, start: number, end: number, out: number[]): number {
  const T = CLASS;
  const K = KIND;
  let i = start;
  while (i < end) {
    // Most characters cannot start a break: skip them in a tight loop (a third of the time of one loop doing all).
    let code = text.charCodeAt(i);
    let kind = K[code]!;
    while (kind === 0) {
      if (++i >= end) break;
      code = text.charCodeAt(i);
      kind = K[code]!;
    }
    if (i >= end) break;
    if (kind === 2) return i;
    const c = T[code]!;
    if (c === CR) {
      if (i + 1 < end && text.charCodeAt(i + 1) === 0x0a) i++; // SB3
      out.push(++i); // SB4
      continue;
    }
    if (c === LF) {
      out.push(++i); // SB4
      continue;
    }
    const next = i + 1;
    if (next < end && c === ATERM) {
      const n = T[text.charCodeAt(next)]!;
      if (n === NUMERIC) {
        i = next; // SB6
        continue;
      }
      if (n === UPPER && i > start) {
        const p = T[text.charCodeAt(i - 1)]!;
        if (p === UPPER || p === LOWER) {
          i = next; // SB7
          continue;
        }
      }
    }
    let k = next;
    while (k < end && T[text.charCodeAt(k)] === CLOSE) k++; // SB9
    while (k < end && T[text.charCodeAt(k)] === SP) k++; // SB10
    if (k >= end) break; // the segment runs to the end of text
    const at = T[text.charCodeAt(k)]!;
    if (at === CR || at === LF) {
      if (at === CR && k + 1 < end && text.charCodeAt(k + 1) === 0x0a) k++;
      out.push(k + 1); // SB11 with ParaSep
      i = k + 1;
      continue;
    }
    if (c === ATERM) {
      // SB8: ATerm Close* Sp* × ( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower
      let q = k;
      let x = at;
      while (x !== UPPER && x !== LOWER && x !== CR && x !== LF && x !== ATERM && x !== STERM && ++q < end) x = T[text.charCodeAt(q)]!;
      if (q < end && x === LOWER) {
        i = next;
        continue;
      }
    }
    if (at === SCONTINUE || at === ATERM || at === STERM) {
      i = next; // SB8a
      continue;
    }
    out.push(k); // SB11
    i = k;
  }
  if (end > start && out[out.length - 1] !== end) out.push(end);
  return -1;
}
