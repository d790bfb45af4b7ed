import { z } from 'zod';
import { throwIfAborted, type Reranker, type RunOptions, type TokenLogprobModel } from '@sift/core';
import { parseSpec } from './parse-spec.js';

export const QueryLikelihoodOptionsSchema = z
  .object({
    /** Text between passage and query, e.g. a newline or "\nQuestion: ". */
    separator: z.string().default('\nQuestion: '),
    /** Most passage tokens kept (the head); the model's context length bounds it too. */
    maxPassageTokens: z.number().int().positive().default(384),
  })
  .strict();
export type QueryLikelihoodOptions = z.input<typeof QueryLikelihoodOptionsSchema>;

/**
 * Query likelihood: the mean log-probability of the query's tokens after the passage, log P(query | passage) / |query|,
 * with any `TokenLogprobModel` (a causal LM, or the Kneser–Ney n-gram LM, which only sees the last n-1 tokens of the
 * passage, so with it this is little more than a prior on the query). Higher is better; scores are comparable across
 * passages of one query.
 */
export class QueryLikelihoodReranker implements Reranker {
  readonly id: string;
  readonly #lm: TokenLogprobModel;
  readonly #o: z.output<typeof QueryLikelihoodOptionsSchema>;
  calls = 0;

  constructor(lm: TokenLogprobModel, options: QueryLikelihoodOptions = {}) {
    this.#lm = lm;
    this.#o = parseSpec(QueryLikelihoodOptionsSchema, options, 'query-likelihood reranker');
    this.id = `query-likelihood:${lm.id}`;
  }

  async score(query: string, texts: string[], opts: RunOptions = {}): Promise<Float32Array> {
    const q = this.#lm.tokenize(`${this.#o.separator}${query}`);
    const out = new Float32Array(texts.length);
    if (q.length === 0) return out;
    // The query must fit one pass with at least one passage token before it.
    const room = Number.isFinite(this.#lm.contextLength) ? this.#lm.contextLength - q.length : Number.POSITIVE_INFINITY;
    const keep = Math.max(1, Math.min(this.#o.maxPassageTokens, room));
    for (let i = 0; i < texts.length; i++) {
      throwIfAborted(opts.signal);
      const p = this.#lm.tokenize(texts[i]!).slice(0, keep);
      const ids = [...p, ...q];
      const lp = await this.#lm.tokenLogprobs(ids, opts);
      let s = 0;
      // Position 0 has no context; when the passage is empty the first query token is skipped.
      const from = Math.max(1, p.length);
      for (let t = from; t < ids.length; t++) s += lp[t]!;
      out[i] = s / (ids.length - from);
    }
    this.calls += texts.length;
    return out;
  }
}
