import { createTokenizer, sentenceOffsets, type Chunk, type Chunker, type Document, type RunOptions, type Tokenizer } from '@sift/core';
import { z } from 'zod';
import { budgetShape, checkBudget } from './_budget.js';
import { streamChunks } from './_chunk-stream.js';
import { packUnits, wholeDocument, type Packed } from './_pack.js';
import { parseConfig } from './_parse-config.js';
import { RecursiveSplitter } from './_split.js';
import { TokenIndex } from './_token-index.js';

// How an oversize sentence is cut: at whitespace, else by tokens.
const WORD_LEVELS = [[' ', '\t', '\n', '\u3000']] as const;

export const SentenceChunkerConfigSchema = z
  .object({
    chunker: z.literal('sentence'),
    ...budgetShape,
    /** Repeat this many whole sentences from the end of the previous chunk (instead of `overlap` tokens). */
    overlapSentences: z.number().int().min(0).default(0),
    /** BCP 47 locale for sentence splitting. */
    locale: z.string().min(1).default('en'),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkBudget(v, ctx);
    if (v.overlap > 0 && v.overlapSentences > 0) {
      ctx.addIssue({ code: 'custom', path: ['overlapSentences'], message: 'set either overlap (tokens) or overlapSentences, not both' });
    }
  });
export type SentenceChunkerConfig = z.output<typeof SentenceChunkerConfigSchema>;
export type SentenceChunkerOptions = Omit<z.input<typeof SentenceChunkerConfigSchema>, 'chunker'>;

/**
 * Packs whole sentences up to `size` tokens. Overlap is either up to `overlap` tokens (starting at a sentence start
 * where one lies in that window, else at a word start) or the last `overlapSentences` sentences when they fit. A
 * sentence too long for a chunk (leaving room for the token overlap) is cut at whitespace, else by tokens.
 */
export class SentenceChunker implements Chunker {
  readonly name = 'sentence';

  private constructor(
    readonly config: SentenceChunkerConfig,
    private readonly tokenizer: Tokenizer,
  ) {}

  static async create(options: SentenceChunkerOptions = {}): Promise<SentenceChunker> {
    const config = parseConfig(SentenceChunkerConfigSchema, { ...options, chunker: 'sentence' }, 'sentence chunker');
    sentenceOffsets('', { locale: config.locale }); // fails fast on a locale Intl.Segmenter rejects
    return new SentenceChunker(config, await createTokenizer(config.tokenizer));
  }

  chunk(doc: Document, opts?: RunOptions): AsyncIterable<Chunk> {
    const { size, overlap } = this.config;
    const spans = async () => wholeDocument(this.tokenizer, doc.text, size - overlap) ?? this.spans(doc.text, await TokenIndex.build(doc.text, this.tokenizer, opts?.signal));
    return streamChunks(doc, this.name, spans, opts);
  }

  private *spans(text: string, index: TokenIndex): Generator<Packed> {
    const { size, overlap, overlapSentences, locale } = this.config;
    const sentences = sentenceOffsets(text, { locale });
    const limit = size - overlap;
    const units: number[] = [];
    let splitter: RecursiveSplitter | undefined;
    for (let k = 0; k < sentences.length; k += 2) {
      const s = sentences[k]!;
      const e = sentences[k + 1]!;
      if (index.estimate(s, e) <= limit) units.push(s, e);
      else (splitter ??= new RecursiveSplitter(index, { limit, levels: WORD_LEVELS })).split(s, e, units);
    }
    yield* packUnits(index, units, { size, overlap, overlapUnits: overlapSentences, merge: true });
  }
}
