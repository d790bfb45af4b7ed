// Text utilities: tokenizers with exact UTF-16 offsets, sentence and paragraph splitting.
export type { Tokenizer, TokenBoundaries, TokenOffsets } from './tokenizer.js';
export type { TextSpan } from './text-span.js';
export { BpeTokenizer, type BpeTokenizerName } from './bpe-tokenizer.js';
export { CharTokenizer } from './char-tokenizer.js';
export { WhitespaceTokenizer } from './whitespace-tokenizer.js';
export { createTokenizer } from './create-tokenizer.js';
export { splitSentences, sentenceOffsets, type SplitSentencesOptions } from './split-sentences.js';
export { splitParagraphs } from './split-paragraphs.js';
export { isWhitespace } from './whitespace.js';
export { SpanKeyTable, SPAN_ABSENT, type SpanKeyTableOptions } from './span-key-table.js';
