import { z } from 'zod';
import type { Reranker, RunOptions } from '@sift/core';
import { parseSpec } from './parse-spec.js';

export const Bm25RerankerOptionsSchema = z
  .object({
    k1: z.number().min(0).default(1.2).describe('Term-frequency saturation'),
    b: z.number().min(0).max(1).default(0.75).describe('Length normalisation'),
  })
  .strict();
export type Bm25RerankerOptions = z.input<typeof Bm25RerankerOptionsSchema>;

// A short English stop list: function words that carry no topic (kept compact on purpose; this is a reranker, not an index).
const STOP = new Set(
  'a an and are as at be by for from has have he her his in is it its of on or she that the their they this to was were which who whom what when where why how with did does do'.split(' '),
);

/** Lowercased word terms without stop words, with a light plural/possessive strip ("cats" → "cat", "bob's" → "bob"). */
export function bm25Terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().replace(/['’]s\b/g, '').matchAll(/[\p{L}\p{N}]+/gu)) {
    let t = m[0];
    if (STOP.has(t)) continue;
    if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = t.slice(0, -1);
    out.push(t);
  }
  return out;
}

/** Document frequencies and average length of a set of texts: the statistics BM25 scores against. */
export interface Bm25Stats {
  n: number;
  avgLength: number;
  df: Map<string, number>;
}

export function bm25Stats(texts: readonly string[]): Bm25Stats {
  const df = new Map<string, number>();
  let total = 0;
  for (const t of texts) {
    const terms = bm25Terms(t);
    total += terms.length;
    for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return { n: texts.length, avgLength: texts.length > 0 ? total / texts.length : 0, df };
}

/**
 * BM25 over the candidates themselves: no index needed, so it reranks any retriever's output. IDF and average length
 * come from the texts of the call, or from a fixed pool with `withStats(pool)` (CORAG scores concatenations of pool
 * chunks against the pool's statistics, so a combination's score rises with new query terms covered, not with repeats).
 */
export class Bm25Reranker implements Reranker {
  readonly id: string;
  readonly #o: z.output<typeof Bm25RerankerOptionsSchema>;
  readonly #stats: Bm25Stats | undefined;
  calls = 0;

  constructor(options: Bm25RerankerOptions = {}, stats?: Bm25Stats) {
    this.#o = parseSpec(Bm25RerankerOptionsSchema, options, 'bm25 reranker');
    this.#stats = stats;
    this.id = `bm25:k1=${this.#o.k1}:b=${this.#o.b}`;
  }

  /** The same scorer with IDF and average length fixed to those of `pool`. */
  withStats(pool: readonly string[]): Bm25Reranker {
    return new Bm25Reranker(this.#o, bm25Stats(pool));
  }

  score(query: string, texts: string[], _opts: RunOptions = {}): Promise<Float32Array> {
    const stats = this.#stats ?? bm25Stats(texts);
    const { k1, b } = this.#o;
    const qTerms = [...new Set(bm25Terms(query))];
    const idf = qTerms.map((t) => {
      const df = stats.df.get(t) ?? 0;
      return Math.log(1 + (stats.n - df + 0.5) / (df + 0.5));
    });
    const out = new Float32Array(texts.length);
    texts.forEach((text, i) => {
      const terms = bm25Terms(text);
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      const norm = stats.avgLength > 0 ? 1 - b + (b * terms.length) / stats.avgLength : 1;
      let s = 0;
      qTerms.forEach((t, j) => {
        const f = tf.get(t) ?? 0;
        if (f > 0) s += (idf[j]! * f * (k1 + 1)) / (f + k1 * norm);
      });
      out[i] = s;
    });
    this.calls += texts.length;
    return Promise.resolve(out);
  }
}
