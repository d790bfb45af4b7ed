/**
 * Unicode-aware word tokenization, close to Lucene's StandardTokenizer (UAX #29) for the cases that matter
 * to retrieval: words are runs of letters, marks and digits; an apostrophe inside a word keeps it whole
 * ("don't", "o'neill"); a '.' or ',' between digits keeps a number whole ("3.14", "1,000"); hyphens and all
 * other punctuation split ("state-of-the-art" → state, of, the, art). Han/Kana runs, which have no spaces,
 * become overlapping bigrams as Lucene's CJKBigramFilter does.
 */
const WORD_RE = /[\p{L}\p{M}\p{N}]+(?:(?:['’](?=[\p{L}\p{N}])|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_RUN_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;

/** Calls `emit` for each raw (not yet lowercased) word of `text`, in order. */
export function forEachWord(text: string, emit: (word: string) => void): void {
  for (const m of text.matchAll(WORD_RE)) {
    const word = m[0];
    if (!CJK_RE.test(word)) {
      emit(word);
      continue;
    }
    for (const run of word.matchAll(CJK_RUN_RE)) {
      const part = run[0];
      if (!CJK_RE.test(part)) {
        emit(part);
      } else if (part.length === 1) {
        emit(part);
      } else {
        // Iterate by code point so astral ideographs are never split into halves.
        const chars = Array.from(part);
        if (chars.length === 1) emit(part);
        for (let i = 0; i + 1 < chars.length; i++) emit(chars[i]! + chars[i + 1]!);
      }
    }
  }
}
