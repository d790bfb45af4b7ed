// ASCII punctuation, as Python's string.punctuation that the SQuAD script strips.
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python's \b is Unicode-aware; JS's is ASCII-only, so spell the word boundary out with Unicode classes.
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD's normalize_answer: lowercase, drop punctuation, drop articles a/an/the, collapse whitespace. */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(PUNCT, '')
    .replace(ARTICLES, ' ')
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .join(' ');
}

/** Tokens of the normalized answer (SQuAD's get_tokens). */
export function answerTokens(s: string): string[] {
  const n = normalizeAnswer(s);
  return n.length === 0 ? [] : n.split(' ');
}
