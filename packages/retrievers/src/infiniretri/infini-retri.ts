import { notifyProgress, SiftError, throwIfAborted, type CausalLM, type RunOptions } from '@sift/core';
import { contextTokenScores, questionWeights, topIndices, type AttentionSpans } from './attention-scores.js';
import { InfiniRetriOptionsSchema, type InfiniRetriOptions, type ResolvedInfiniRetriOptions } from './infini-retri-options.js';
import type { SourceSentence } from './sentence-stream.js';
import { promptParts, type PromptParts } from './_prompt-parts.js';
import { splitOversized } from './split-oversized.js';

/** A sentence kept in the cache, with its score (sum of its top tokens' scores) in the last pass that read it. */
export interface RetainedSentence extends SourceSentence {
  score: number;
  /** LM tokens of the sentence (as it is placed in the prompt, with one leading space). */
  tokenCount: number;
}

export interface InfiniRetriResult {
  /** The cache after the last chunk, in document (input) order. */
  retained: RetainedSentence[];
  /** Input tokens read (LM tokens, cache re-reads not counted). */
  tokensRead: number;
  /** Forward passes run (one per chunk). */
  passes: number;
  /** Largest cache seen between passes, in tokens; never above `cacheTokens`. */
  maxCacheTokens: number;
  /** The bounds in effect after clamping to the model's context. */
  chunkTokens: number;
  cacheTokens: number;
}

interface Held extends SourceSentence {
  seq: number;
  ids: number[];
  score: number;
}

/**
 * InfiniRetri (arXiv 2502.12962; procedure of infini-retri 0.0.3): reads any number of sentences in chunks of about
 * `chunkSize` tokens; each chunk is read together with a cache of the sentences retained so far, in one forward pass of
 * `lm` over the prompt; the last layer's attention from the question to the context picks the `topK` tokens, and the
 * sentences holding them become the new cache (text, not KV). Memory is bounded by one chunk plus the cache.
 */
export class InfiniRetri {
  readonly options: ResolvedInfiniRetriOptions;

  constructor(
    readonly lm: CausalLM,
    options: InfiniRetriOptions = {},
  ) {
    const parsed = InfiniRetriOptionsSchema.safeParse(options);
    if (!parsed.success) throw new SiftError('E_BAD_CONFIG', `Invalid infiniretri options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.options = parsed.data;
  }

  async run(question: string, sentences: Iterable<SourceSentence> | AsyncIterable<SourceSentence>, opts: RunOptions = {}): Promise<InfiniRetriResult> {
    if (question.trim().length === 0) throw new SiftError('E_BAD_INPUT', 'infiniretri needs a non-empty question');
    const o = this.options;
    const prompt = this.#promptParts(question);
    const overhead = prompt.prefix.length + prompt.separator.length + prompt.question.length;
    const available = this.lm.contextLength - overhead;
    const minChunk = 16;
    if (!(available >= 2 * minChunk)) {
      throw new SiftError('E_BAD_INPUT', `the question and prompt take ${overhead} tokens; ${this.lm.id} reads at most ${this.lm.contextLength}, leaving no room for context`);
    }
    const cacheTokens = Math.min(o.cacheTokens ?? Math.max(available - o.chunkSize, Math.floor(available / 2)), available - minChunk);
    const chunkTokens = Math.min(o.chunkSize, available - cacheTokens);

    let cache: Held[] = [];
    let chunk: Held[] = [];
    let chunkLen = 0;
    let weights: Float64Array | undefined;
    let seq = 0;
    let tokensRead = 0;
    let passes = 0;
    let maxCacheTokens = 0;

    const pass = async () => {
      throwIfAborted(opts.signal);
      const context = [...cache, ...chunk];
      const ids: number[] = [...prompt.prefix];
      const owner: number[] = []; // context token → index into `context`
      context.forEach((s, i) => {
        for (const id of s.ids) {
          ids.push(id);
          owner.push(i);
        }
      });
      const contextStart = prompt.prefix.length;
      // The blank line after the context is scored as the end of its last sentence, as the reference reads it.
      const blank = context.length > 0 ? prompt.blank : 0;
      for (let b = 0; b < blank; b++) owner.push(context.length - 1);
      const contextEnd = ids.length + blank;
      ids.push(...prompt.separator);
      const questionStart = ids.length;
      ids.push(...prompt.question);
      const attention = await this.lm.lastLayerAttention(ids, opts.signal ? { signal: opts.signal } : {});
      const spans: AttentionSpans = { n: ids.length, contextStart, contextEnd, questionStart };
      weights ??= questionWeights(attention, spans); // first chunk only, then frozen (as the reference)
      const scores = contextTokenScores(attention, spans, weights, o.phraseTokens);
      // A sentence's score: the sum of its top tokens' scores (the phrase window spreads a hit over its neighbours, so
      // the sentence holding most of them ranks first); it orders the cache when the cache bound cuts it.
      const sum = new Float64Array(context.length);
      const hits = new Uint32Array(context.length);
      for (const t of topIndices(scores, o.topK)) {
        sum[owner[t]!]! += scores[t]!;
        hits[owner[t]!]!++;
      }
      const kept = context.map((s, i) => ({ ...s, score: sum[i]! })).filter((_, i) => hits[i]! > 0);
      cache = boundCache(kept, cacheTokens);
      const held = cache.reduce((a, s) => a + s.ids.length, 0);
      maxCacheTokens = Math.max(maxCacheTokens, held);
      tokensRead += chunkLen;
      passes++;
      chunk = [];
      chunkLen = 0;
      notifyProgress(opts.onProgress, { status: 'progress', done: tokensRead, unit: 'tokens' });
    };

    for await (const sentence of sentences) {
      throwIfAborted(opts.signal);
      for (const piece of splitOversized(this.lm, sentence, chunkTokens)) {
        if (chunkLen + piece.ids.length > chunkTokens && chunk.length > 0) await pass();
        chunk.push({ ...piece, seq: seq++, score: 0 });
        chunkLen += piece.ids.length;
      }
    }
    if (chunk.length > 0) await pass();
    throwIfAborted(opts.signal);
    notifyProgress(opts.onProgress, { status: 'done', done: tokensRead, total: tokensRead, unit: 'tokens' });
    return {
      retained: cache.map(({ seq: _s, ids, ...s }) => ({ ...s, tokenCount: ids.length })),
      tokensRead,
      passes,
      maxCacheTokens,
      chunkTokens,
      cacheTokens,
    };
  }

  /** Token ids of the prompt around the context: prefix, separator, then the question rows (question to end). */
  #promptParts(question: string): PromptParts {
    return promptParts(this.lm, this.options, question);
  }
}

/** Keeps the best-scoring sentences that fit in `bound` tokens, returned in document order. */
function boundCache(kept: Held[], bound: number): Held[] {
  const byScore = [...kept].sort((a, b) => b.score - a.score || a.seq - b.seq);
  const out: Held[] = [];
  let used = 0;
  for (const s of byScore) {
    if (used + s.ids.length > bound) continue;
    out.push(s);
    used += s.ids.length;
  }
  return out.sort((a, b) => a.seq - b.seq);
}
