import { ENTITY_STOP_WORDS, PHRASE_CONNECTORS } from './entity-stopwords.js';
import { TOKEN_CAPITALISED, TOKEN_DIGIT, TOKEN_JOINS_PREVIOUS, TOKEN_SENTENCE_START } from './entity-tokens.js';

export interface PhraseOptions {
  /** Keep single capitalised words that do not open a sentence ("… born in Paris"). */
  singleWords: boolean;
  /** Longest phrase kept, in words. */
  maxWords: number;
}

/** A tokenised passage: normalised words and their TOKEN_* flags. */
export interface FlaggedWords {
  readonly length: number;
  word(i: number): string;
  flags(i: number): number;
}

/**
 * Capitalised phrases of a passage, as normalised strings ("Bank of America" → "bank of america"): runs of
 * capitalised words joined as names are, with lowercase connectors inside; stop words are trimmed from both
 * ends. A capitalised sentence opener is dropped when `isCommonWord` says the corpus mostly writes it in
 * lowercase ("Born in New York" → "new york").
 */
export function extractPhrases(words: FlaggedWords, opts: PhraseOptions, isCommonWord: (word: string) => boolean): string[] {
  const out: string[] = [];
  const n = words.length;
  let i = 0;
  while (i < n) {
    if (!(words.flags(i) & TOKEN_CAPITALISED)) {
      i++;
      continue;
    }
    let j = i + 1;
    let lastCap = i;
    while (j < n) {
      const f = words.flags(j);
      if (!(f & TOKEN_JOINS_PREVIOUS)) break;
      if (f & TOKEN_CAPITALISED) lastCap = j;
      else if (!PHRASE_CONNECTORS.has(words.word(j)) && !(f & TOKEN_DIGIT)) break;
      j++;
    }
    emit(i, lastCap);
    i = lastCap + 1;
  }
  return out;

  function emit(from: number, to: number): void {
    if (words.flags(from) & TOKEN_SENTENCE_START && isCommonWord(words.word(from))) from++;
    while (from <= to && (ENTITY_STOP_WORDS.has(words.word(from)) || PHRASE_CONNECTORS.has(words.word(from)))) from++;
    while (to >= from && (ENTITY_STOP_WORDS.has(words.word(to)) || PHRASE_CONNECTORS.has(words.word(to)))) to--;
    const count = to - from + 1;
    if (count < 1 || count > opts.maxWords) return;
    if (count === 1) {
      const w = words.word(from);
      if (!opts.singleWords || words.flags(from) & (TOKEN_SENTENCE_START | TOKEN_DIGIT) || w.length < 3) return;
    }
    const parts: string[] = [];
    for (let k = from; k <= to; k++) parts.push(words.word(k));
    out.push(parts.join(' '));
  }
}
