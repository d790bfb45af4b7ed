import { SiftError } from '@sift/core';
import { z } from 'zod';
import { porterStem } from './porter-stemmer.js';
import { ENGLISH_STOP_WORDS } from './stopwords.js';
import { forEachWord } from './tokenize-words.js';

export const AnalyzerOptionsSchema = z
  .object({
    /** `true`: Lucene's English stop set; a list: exactly those words (lowercased); `false`: keep every word. */
    stopwords: z.union([z.boolean(), z.array(z.string().min(1))]).default(true),
    /** Porter stemming (as the `stemmer` package gives it), applied after stop-word removal as Lucene's EnglishAnalyzer does. */
    stem: z.boolean().default(true),
  })
  .strict();
export type AnalyzerOptions = z.input<typeof AnalyzerOptionsSchema>;
export type ResolvedAnalyzerOptions = z.output<typeof AnalyzerOptionsSchema>;

/** Text → index terms. The same analyzer must serve indexing and querying. */
export interface Analyzer {
  readonly options: ResolvedAnalyzerOptions;
  analyze(text: string): string[];
  /** The index term of one raw word as `forEachWord` emits it, or null for a stop word; `analyze` is this per word. */
  term(word: string): string | null;
}

const CURLY_APOSTROPHE_RE = /’/g;

/** Builds an analyzer: lowercase, Unicode word split, English possessive removal, stop words, Porter stems. */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const parsed = AnalyzerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SiftError('E_BAD_CONFIG', `Invalid analyzer options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const opts = parsed.data;
  const stop = new Set<string>(
    opts.stopwords === true ? ENGLISH_STOP_WORDS : opts.stopwords === false ? [] : opts.stopwords.map((w) => w.toLowerCase()),
  );
  const term = (raw: string): string | null => {
    let w = raw.toLowerCase();
    if (w.includes('’')) w = w.replace(CURLY_APOSTROPHE_RE, "'");
    // English possessive: drop a final "'s" (the apostrophe is normalised above).
    const n = w.length;
    if (n > 2 && w.charCodeAt(n - 1) === 0x73 && w.charCodeAt(n - 2) === 0x27) w = w.slice(0, -2);
    if (stop.has(w)) return null;
    // No memo here: indexing asks once per distinct raw word (RowTerms remembers its term), and a map of every
    // lowercased word cost more than the stems it saved.
    return opts.stem ? porterStem(w) : w;
  };
  return {
    options: opts,
    term,
    analyze(text: string): string[] {
      const out: string[] = [];
      forEachWord(text, (raw) => {
        const t = term(raw);
        if (t !== null) out.push(t);
      });
      return out;
    },
  };
}
