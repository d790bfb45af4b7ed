import { createTokenizer, type Chunk, type Chunker, type Document, type RunOptions, type Tokenizer } from '@sift/core';
import { z } from 'zod';
import { budgetShape, checkBudget } from './_budget.js';
import { streamChunks } from './_chunk-stream.js';
import { headingPaths, scanMarkdown } from './_markdown.js';
import { packUnits, wholeDocument, type Packed } from './_pack.js';
import { parseConfig } from './_parse-config.js';
import { RecursiveSplitter } from './_split.js';
import { TokenIndex } from './_token-index.js';

/** Separator levels, coarsest first: paragraphs, lines, sentence ends, clause punctuation, words; then tokens. */
export const DEFAULT_SEPARATORS: readonly (readonly string[])[] = [
  ['\n\n', '\n\r\n'],
  ['\n'],
  ['. ', '! ', '? ', '。', '！', '？'],
  ['; ', ', ', ': ', '；', '，', '、'],
  [' ', '\t', '\u3000'],
];

const SeparatorLevelSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const RecursiveChunkerConfigSchema = z
  .object({
    chunker: z.literal('recursive'),
    ...budgetShape,
    /** Separator levels, coarsest first; a level is one separator or a list of equally strong ones. */
    separators: z.array(SeparatorLevelSchema).min(1).optional(),
    /** Keep fenced code blocks and table rows whole, split before headings, record the heading path. */
    markdown: z.boolean().default(true),
  })
  .strict()
  .superRefine(checkBudget);
export type RecursiveChunkerConfig = z.output<typeof RecursiveChunkerConfigSchema>;
export type RecursiveChunkerOptions = Omit<z.input<typeof RecursiveChunkerConfigSchema>, 'chunker'>;

/**
 * Splits at the coarsest separator that makes pieces fit, merging neighbours back up to the budget (the LangChain /
 * chonkie recursive scheme, on offsets). Markdown-aware: never cuts inside a fenced code block or a table row unless
 * that block alone is over budget (then by lines, then tokens), and puts the heading path in `metadata.headings`.
 * With overlap, pieces are sized to `size - overlap` so that every chunk can carry its full overlap.
 */
export class RecursiveChunker implements Chunker {
  readonly name = 'recursive';
  private readonly levels: readonly (readonly string[])[];

  private constructor(
    readonly config: RecursiveChunkerConfig,
    private readonly tokenizer: Tokenizer,
  ) {
    this.levels = config.separators?.map((l) => (typeof l === 'string' ? [l] : l)) ?? DEFAULT_SEPARATORS;
  }

  static async create(options: RecursiveChunkerOptions = {}): Promise<RecursiveChunker> {
    const config = parseConfig(RecursiveChunkerConfigSchema, { ...options, chunker: 'recursive' }, 'recursive chunker');
    return new RecursiveChunker(config, await createTokenizer(config.tokenizer));
  }

  chunk(doc: Document, opts?: RunOptions): AsyncIterable<Chunk> {
    // The markdown layout is scanned lazily, on the first chunk asked for (after the stream's checks).
    let pathAt: ((pos: number) => string[]) | undefined;
    const spans = async () => {
      const layout = this.config.markdown ? scanMarkdown(doc.text) : undefined;
      pathAt = layout ? headingPaths(layout.headings) : undefined;
      const { size, overlap } = this.config;
      return wholeDocument(this.tokenizer, doc.text, size - overlap) ?? this.spans(doc.text, layout, await TokenIndex.build(doc.text, this.tokenizer, opts?.signal));
    };
    const metadata = this.config.markdown ? (p: Packed) => (pathAt ? { headings: pathAt(p.bodyStart) } : {}) : undefined;
    return streamChunks(doc, this.name, spans, opts, metadata);
  }

  private *spans(text: string, layout: ReturnType<typeof scanMarkdown> | undefined, index: TokenIndex): Generator<Packed> {
    const { size, overlap } = this.config;
    const units: number[] = [];
    new RecursiveSplitter(index, { limit: size - overlap, levels: this.levels, ...(layout ? { layout } : {}) }).split(0, text.length, units);
    yield* packUnits(index, units, { size, overlap, overlapUnits: 0, merge: false });
  }
}
