/**
 * cl100k's pre-tokenizer, hand-scanned for ASCII. gpt-tokenizer's split regex (flags `gu`)
 *   '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3} | ?[^\s\p{L}\p{N}]+[\r\n]*
 *   | \s+$ | \s*[\r\n] | \s+(?!\S) | \s
 * was most of the cost of tokenizing English text. Each alternative is tried in order at the piece's
 * start, exactly as the regex does; as soon as a decision would look at a character outside ASCII (where Unicode
 * classes and case folding apply), that one piece is taken from the regex itself, run sticky at the same position.
 * So the pieces are the regex's by construction (and property-tested against it).
 */

// The regex this file reproduces; BpeTokenizer uses the scanner only when the loaded regex is exactly this one.
export const CL100K_SPLIT_SOURCE = "'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s+$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";

// ASCII classes: letter (\p{L}), digit (\p{N}), whitespace (\s), line break ([\r\n]); 0 = other (punctuation).
const LETTER = 1;
const DIGIT = 2;
const SPACE = 4;
const NEWLINE = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) CLASS[c] = LETTER;
  else if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
  else if (c === 10 || c === 13) CLASS[c] = SPACE | NEWLINE;
  else if (c === 9 || c === 11 || c === 12 || c === 32) CLASS[c] = SPACE;
}
/** Marks "ask the regex": the scanner met a character outside ASCII. */
const FALLBACK = -1;

/** End of the piece that starts at i (< text.length), or FALLBACK. */
function asciiPieceEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c >= 128) return FALLBACK;
  const cls = CLASS[c]!;
  // 1. Contractions (either case per letter).
  if (c === 39 && i + 1 < n) {
    const c1 = text.charCodeAt(i + 1);
    if (c1 >= 128) return FALLBACK;
    const l1 = c1 | 0x20;
    if (l1 === 115 || l1 === 116 || l1 === 109 || l1 === 100) return i + 2; // 's 't 'm 'd
    if ((l1 === 114 || l1 === 118 || l1 === 108) && i + 2 < n) {
      const c2 = text.charCodeAt(i + 2);
      if (c2 >= 128) return FALLBACK;
      const l2 = c2 | 0x20;
      if ((l2 === 101 && (l1 === 114 || l1 === 118)) || (l2 === 108 && l1 === 108)) return i + 3; // 're 've 'll
    }
  }
  // 2. [^\r\n\p{L}\p{N}]?\p{L}+
  let j = -1;
  if (cls === LETTER) j = i;
  else if ((cls & (NEWLINE | DIGIT)) === 0 && i + 1 < n) {
    const c1 = text.charCodeAt(i + 1);
    if (c1 >= 128) return FALLBACK;
    if (CLASS[c1] === LETTER) j = i + 1;
  }
  if (j >= 0) {
    for (j++; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d >= 128) return FALLBACK;
      if (CLASS[d] !== LETTER) break;
    }
    return j;
  }
  // 3. \p{N}{1,3}
  if (cls === DIGIT) {
    let k = i + 1;
    for (; k < n && k < i + 3; k++) {
      const d = text.charCodeAt(k);
      if (d >= 128) return FALLBACK;
      if (CLASS[d] !== DIGIT) break;
    }
    return k;
  }
  // 4.  ?[^\s\p{L}\p{N}]+[\r\n]*
  let p = c === 32 ? i + 1 : i;
  if (p < n) {
    const d = text.charCodeAt(p);
    if (d >= 128) return FALLBACK;
    if (CLASS[d] === 0) {
      for (p++; p < n; p++) {
        const e = text.charCodeAt(p);
        if (e >= 128) return FALLBACK;
        if (CLASS[e] !== 0) break;
      }
      for (; p < n; p++) {
        const e = text.charCodeAt(p);
        if (e !== 10 && e !== 13) break;
      }
      return p;
    }
  }
  if ((cls & SPACE) === 0) return FALLBACK; // unreachable for ASCII: every class is handled above
  // The whitespace run [i, r), and its last line break.
  let r = i;
  let lastBreak = -1;
  for (; r < n; r++) {
    const e = text.charCodeAt(r);
    if (e >= 128) return FALLBACK;
    const ce = CLASS[e]!;
    if ((ce & SPACE) === 0) break;
    if (ce & NEWLINE) lastBreak = r;
  }
  // 5. \s+$  6. \s*[\r\n] (backtracks to the run's last line break)  7. \s+(?!\S)  8. \s
  if (r === n) return r;
  if (lastBreak >= 0) return lastBreak + 1;
  return r - i >= 2 ? r - 1 : i + 1;
}

/** A sticky copy of a global split regex, for one match at a chosen position. */
export function stickyRegex(split: RegExp): RegExp {
  return new RegExp(split.source, `${split.flags.replace('g', '')}y`);
}

/**
 * Calls `each(start, end)` for the cl100k pre-tokenizer pieces of text from offset `from` (which must be a piece start:
 * 0 or where an earlier call stopped), at most `maxPieces` of them, in order; returns the offset after the last one.
 * `sticky` is {@link stickyRegex} of cl100k's split regex. Callers keep texts with very long repeated-character runs off
 * this path (the regex fallback could overflow V8's regex stack there; see `_bpe-pieces.ts`).
 */
export function scanCl100kPieces(text: string, sticky: RegExp, from: number, maxPieces: number, each: (start: number, end: number) => void): number {
  const n = text.length;
  let i = from;
  for (let k = 0; i < n && k < maxPieces; k++) {
    let end = asciiPieceEnd(text, i);
    if (end === FALLBACK) {
      sticky.lastIndex = i;
      const m = sticky.exec(text);
      if (m === null || m[0].length === 0) throw new Error(`cl100k pre-tokenizer: no piece at offset ${i}`);
      end = i + m[0].length;
    }
    each(i, end);
    i = end;
  }
  return i;
}

/** Every piece of text, from the start: {@link scanCl100kPieces} without a limit. */
export function forEachCl100kPiece(text: string, sticky: RegExp, each: (start: number, end: number) => void): void {
  scanCl100kPieces(text, sticky, 0, Infinity, each);
}
