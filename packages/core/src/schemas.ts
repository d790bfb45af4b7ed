import { z } from 'zod';

export const DocumentSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  source: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

export const ChunkSchema = z
  .object({
    id: z.string().min(1),
    docId: z.string().min(1),
    text: z.string(),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    tokenCount: z.number().int().nonnegative(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((c) => c.end >= c.start && c.end - c.start === c.text.length, {
    message: 'end - start must equal text.length',
    path: ['end'],
  });

/** Tokenizer names accepted anywhere a tokenizer can be configured. */
export const TokenizerNameSchema = z.enum(['cl100k', 'o200k', 'whitespace', 'char']);
export type TokenizerName = z.infer<typeof TokenizerNameSchema>;
