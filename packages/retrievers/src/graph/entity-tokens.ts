/**
 * Word tokens for entity work: each keeps its normalised form (case, diacritics and apostrophes folded, a
 * possessive "'s" dropped) and flags about its surface: capitalised, a number, opening a sentence, joined to
 * the previous word as names are ("New York", "Rolls-Royce", "J. R. R."). Folding alone would make "Paris"
 * the name and "paris" the rare common word read alike; the flags keep them apart.
 */
export interface EntityTokens {
  /** Normalised tokens, in text order. */
  norm: string[];
  /** TOKEN_* bits per token. */
  flags: Uint8Array;
}

export const TOKEN_CAPITALISED = 1;
export const TOKEN_DIGIT = 2;
export const TOKEN_SENTENCE_START = 4;
export const TOKEN_JOINS_PREVIOUS = 8;

const WORD_RE = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const ASCII_WORD = /^[A-Za-z0-9]+$/;
const POSSESSIVE = /['’]s$/i;
const APOSTROPHES = /['’]/g;
const MARKS = /\p{M}+/gu;
const UPPER_START = /^[\p{Lu}\p{Lt}]/u;
const DIGIT_START = /^\p{N}/u;
// Between two words of one name: spaces, a hyphen or "&", or the dot of an initial/abbreviation. Never a newline.
const JOINING_GAP = /^(?:[ \t\u00a0]+|[ \t\u00a0]*[-&][ \t\u00a0]*|\.[ \t\u00a0]*)$/;
const SENTENCE_END = /[.!?:;]["'”’)\]]*\s*$|\n/;

/** Folds one raw word: "Beyoncé" → "beyonce", "O'Neill" → "oneill", "Wood's" → "wood". */
export function normalizeToken(raw: string): string {
  if (ASCII_WORD.test(raw)) return raw.toLowerCase();
  return raw.replace(POSSESSIVE, '').normalize('NFKD').replace(MARKS, '').replace(APOSTROPHES, '').toLowerCase();
}

export function tokenizeEntities(text: string): EntityTokens {
  const norm: string[] = [];
  const flags: number[] = [];
  let prevEnd = -1;
  let prevLen = 0;
  for (const m of text.matchAll(WORD_RE)) {
    const raw = m[0];
    const n = normalizeToken(raw);
    if (n.length === 0) continue;
    let f = (UPPER_START.test(raw) ? TOKEN_CAPITALISED : 0) | (DIGIT_START.test(raw) ? TOKEN_DIGIT : 0);
    if (prevEnd < 0) {
      f |= TOKEN_SENTENCE_START;
    } else {
      const gap = text.slice(prevEnd, m.index);
      // A dot ends a name unless it closes an initial or short abbreviation ("J.", "St.", "Mt.").
      if (JOINING_GAP.test(gap) && !(gap.includes('.') && prevLen > 3)) f |= TOKEN_JOINS_PREVIOUS;
      else if (SENTENCE_END.test(gap)) f |= TOKEN_SENTENCE_START;
    }
    norm.push(n);
    flags.push(f);
    prevEnd = m.index + raw.length;
    prevLen = raw.length;
  }
  return { norm, flags: Uint8Array.from(flags) };
}
