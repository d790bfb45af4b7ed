import { TokenizerNameSchema } from '@sift/core';
import { z } from 'zod';

/** Fields every size-bounded chunker shares: a budget in tokens of the configured tokenizer. */
export const budgetShape = {
  /** Largest chunk, in tokens of `tokenizer` (characters with 'char'). */
  size: z.number().int().min(1).default(512),
  /** Tokens that each chunk repeats from the end of the previous one; must be smaller than size. */
  overlap: z.number().int().min(0).default(0),
  /** Tokenizer that sizes are measured in; 'char' counts Unicode code points. */
  tokenizer: TokenizerNameSchema.default('cl100k'),
};

/** Cross-field rules: overlap < size, and byte-level BPE budgets large enough for any one character (≤ 4 tokens). */
export function checkBudget(v: { size: number; overlap: number; tokenizer: string }, ctx: z.RefinementCtx): void {
  if (v.overlap >= v.size) {
    ctx.addIssue({ code: 'custom', path: ['overlap'], message: `overlap (${v.overlap}) must be smaller than size (${v.size})` });
  }
  if ((v.tokenizer === 'cl100k' || v.tokenizer === 'o200k') && v.size < 4) {
    ctx.addIssue({
      code: 'custom',
      path: ['size'],
      message: `size (${v.size}) must be at least 4 with the ${v.tokenizer} tokenizer (one character can take 4 tokens)`,
    });
  }
}
