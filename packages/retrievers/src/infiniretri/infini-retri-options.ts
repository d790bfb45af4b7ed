import { z } from 'zod';

/** InfiniRetri's prompt (infini-retri's add_prompt): sections separated by blank lines, answer cue last. */
export const INFINIRETRI_PROMPT = 'Read the text below and answer the question.\n\n{context}\n\nQuestion: {question}\n\nAnswer:';

/** The reading options; defaults are the reference's public wrapper (window 1024, top 300, phrase window 8). */
export const InfiniRetriOptionsSchema = z
  .object({
    chunkSize: z.number().int().min(16).default(1024).describe("tokens read per pass (clamped to the model's context minus prompt, question and cache)"),
    topK: z.number().int().min(1).default(300).describe('context tokens kept per pass; every sentence holding one stays in the cache'),
    phraseTokens: z.number().int().min(1).default(8).describe('window (tokens) each attention row is summed over'),
    cacheTokens: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("most tokens the cache of retained sentences holds (default: what the model's context leaves beside the chunk, at least half)"),
    prompt: z
      .string()
      .refine((p) => p.includes('{context}') && p.includes('{question}') && p.indexOf('{context}') < p.indexOf('{question}'), {
        message: 'the prompt needs {context} before {question}',
      })
      .default(INFINIRETRI_PROMPT),
    chat: z.boolean().optional().describe("wrap the prompt in the model's chat template (default: when it has one)"),
  })
  .strict();
export type InfiniRetriOptions = z.input<typeof InfiniRetriOptionsSchema>;
export type ResolvedInfiniRetriOptions = z.output<typeof InfiniRetriOptionsSchema>;
