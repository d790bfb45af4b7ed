import { SiftError } from '@sift/core';
import { stemmer } from 'stemmer';
import { z } from 'zod';
import { ENGLISH_STOP_WORDS } from './stopwords.js';
import { forEachWord } from './tokenize-words.js';

export const AnalyzerOptionsSchema = z
  .object({
    /** `true`: Lucene's English stop set; a list: exactly those words (lowercased); `false`: keep every word. */
    stopwords: z.union([z.boolean(), z.array(z.string().min(1))]).default(true),
    /** Porter stemming (the `stemmer` package), applied after stop-word removal as Lucene's EnglishAnalyzer does. */
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

const STEM_CACHE_MAX = 200_000;
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
  // Stemming dominates analysis time and natural text repeats words, so memoise (bounded, cleared when full).
  const cache = new Map<string, string>();
  const stem = (w: string): string => {
    let s = cache.get(w);
    if (s === undefined) {
      s = stemmer(w);
      if (cache.size >= STEM_CACHE_MAX) cache.clear();
      cache.set(w, s);
    }
    return s;
  };
  const term = (raw: string): string | null => {
    let w = raw.toLowerCase();
    if (w.includes('’')) w = w.replace(CURLY_APOSTROPHE_RE, "'");
    // English possessive: drop a final "'s" (the apostrophe is normalised above).
    const n = w.length;
    if (n > 2 && w.charCodeAt(n - 1) === 0x73 && w.charCodeAt(n - 2) === 0x27) w = w.slice(0, -2);
    if (stop.has(w)) return null;
    return opts.stem ? stem(w) : w;
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
