import { createTokenizer, isWhitespace, type Chunk, type Chunker, type Document, type RunOptions, type Tokenizer } from '@sift/core';
import { z } from 'zod';
import { budgetShape, checkBudget } from './_budget.js';
import { streamChunks } from './_chunk-stream.js';
import { fitPrefix } from './_fit.js';
import type { Packed } from './_pack.js';
import { parseConfig } from './_parse-config.js';
import { TokenIndex } from './_token-index.js';

export const TokenChunkerConfigSchema = z
  .object({ chunker: z.literal('token'), ...budgetShape })
  .strict()
  .superRefine(checkBudget);
export type TokenChunkerConfig = z.output<typeof TokenChunkerConfigSchema>;
export type TokenChunkerOptions = Omit<z.input<typeof TokenChunkerConfigSchema>, 'chunker'>;

/**
 * Fixed windows of `size` real tokens; each window starts `overlap` tokens before the previous one ended. Chunks are
 * exact token spans (never trimmed); windows that hold only whitespace are skipped.
 */
export class TokenChunker implements Chunker {
  readonly name = 'token';

  private constructor(
    readonly config: TokenChunkerConfig,
    private readonly tokenizer: Tokenizer,
  ) {}

  static async create(options: TokenChunkerOptions = {}): Promise<TokenChunker> {
    const config = parseConfig(TokenChunkerConfigSchema, { ...options, chunker: 'token' }, 'token chunker');
    return new TokenChunker(config, await createTokenizer(config.tokenizer));
  }

  chunk(doc: Document, opts?: RunOptions): AsyncIterable<Chunk> {
    return streamChunks(doc, this.name, async () => this.spans(doc.text, await TokenIndex.build(doc.text, this.tokenizer, opts?.signal)), opts);
  }

  private *spans(text: string, index: TokenIndex): Generator<Packed> {
    const { size, overlap } = this.config;
    const n = text.length;
    let a = index.length > 0 ? index.pos(0) : n;
    let prevEnd = a;
    while (a < n) {
      let { cut: b, tokens } = fitPrefix(index, a, n, size);
      // Where several tokens share one character, a window can end where the previous one did: give up overlap
      // token by token until the window reaches new text.
      while (b <= prevEnd) {
        a = Math.min(prevEnd, index.pos(index.rank(a + 1)));
        ({ cut: b, tokens } = fitPrefix(index, a, n, size));
      }
      if (!blank(text, a, b)) yield { start: a, end: b, bodyStart: prevEnd, tokens };
      if (b >= n) break;
      let next = b;
      if (overlap > 0) next = index.pos(Math.max(index.rank(b) - overlap, index.rank(a + 1)));
      if (next <= a || next > b) next = b;
      a = next;
      prevEnd = b;
    }
  }
}

function blank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isWhitespace(text.charCodeAt(i))) return false;
  return true;
}
