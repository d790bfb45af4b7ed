import { z } from 'zod';
import { AnalyzerOptionsSchema } from './analyzer.js';

/** BM25 ranking parameters. Defaults are Lucene's (k1 = 1.2, b = 0.75). */
export const Bm25ParamsSchema = z
  .object({
    k1: z.number().finite().nonnegative().default(1.2).describe('term-frequency saturation'),
    b: z.number().min(0).max(1).default(0.75).describe('document-length normalisation'),
  })
  .strict();
export type Bm25Params = z.output<typeof Bm25ParamsSchema>;

/** Everything that fixes a BM25 index: the ranking parameters and the analyzer that produced its terms. */
export const Bm25OptionsSchema = Bm25ParamsSchema.extend(AnalyzerOptionsSchema.shape).strict();
export type Bm25Options = z.input<typeof Bm25OptionsSchema>;
export type ResolvedBm25Options = z.output<typeof Bm25OptionsSchema>;
