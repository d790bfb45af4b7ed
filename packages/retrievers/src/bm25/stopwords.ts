/**
 * English stop words: Lucene's `EnglishAnalyzer` default set, the one Anserini/Pyserini's BM25 baselines use,
 * so Sift's BM25 numbers are comparable with theirs. Kept small on purpose: a longer list (NLTK's 179 words)
 * also drops words like "before", "after", "most" that carry meaning in questions.
 */
export const ENGLISH_STOP_WORDS: readonly string[] = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
];
