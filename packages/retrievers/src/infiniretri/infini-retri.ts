import { notifyProgress, SiftError, throwIfAborted, type CausalLM, type RunOptions } from '@sift/core';
import { contextTokenScores, questionWeights, topIndices, type AttentionSpans } from './attention-scores.js';
import { InfiniRetriOptionsSchema, type InfiniRetriOptions, type ResolvedInfiniRetriOptions } from './infini-retri-options.js';
import type { SourceSentence } from './sentence-stream.js';
import { promptParts, type PromptParts } from './_prompt-parts.js';
import { splitOversized } from './split-oversized.js';

/** A sentence kept in the cache, with its score (its best phrase's weighted attention) in the last pass that read it. */
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

/** What one pass saw and kept (for tracing a run: `InfiniRetriRunOptions.onPass`). */
export interface InfiniRetriPass {
  /** 1-based pass number. */
  pass: number;
  /** Token positions in the prompt: context columns [contextStart, contextEnd), question rows from questionStart to n. */
  spans: AttentionSpans;
  /** The context read in this pass (cache first, then the chunk), in prompt order, with the prompt position of each. */
  /** `score`: the sentence's best phrase (what orders the cache); `hits`: its tokens among the top `topK`. */
  context: Array<SourceSentence & { fromCache: boolean; at: number; tokenCount: number; score: number; hits: number }>;
  /** One score per context column. */
  scores: Float64Array;
  /** The question weights in effect (frozen after the first pass). */
  weights: Float64Array;
  /** The cache after this pass, in document order. */
  cache: SourceSentence[];
}

export interface InfiniRetriRunOptions extends RunOptions {
  /** Called after every pass with what it read and kept. */
  onPass?: (p: InfiniRetriPass) => void;
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

  async run(question: string, sentences: Iterable<SourceSentence> | AsyncIterable<SourceSentence>, opts: InfiniRetriRunOptions = {}): Promise<InfiniRetriResult> {
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
      // Only the question's rows are read (row weights and token scores).
      const attention = await this.lm.lastLayerAttention(ids, { fromRow: questionStart, ...(opts.signal ? { signal: opts.signal } : {}) });
      const spans: AttentionSpans = { n: ids.length, contextStart, contextEnd, questionStart };
      weights ??= questionWeights(attention, spans); // first chunk only, then frozen (as the reference)
      const scores = contextTokenScores(attention, spans, weights, o.phraseTokens);
      // A sentence is kept when it holds one of the top tokens (the reference's rule). Its score, which orders the
      // cache when the bound cuts it, is its best phrase: the largest sum of the weighted attention over `phraseTokens`
      // consecutive columns, the window clipped to the sentence so that a hit does not lend its score to the end of
      // the sentence before it. The former order, the sum of its top tokens' scores, favoured long sentences: a
      // 25-token needle lost to 60-token sentences holding more, weaker, tokens (models/sift-lm-retri/niah/trace.ts).
      const hits = new Uint32Array(context.length);
      for (const t of topIndices(scores, o.topK)) hits[owner[t]!]!++;
      const raw = contextTokenScores(attention, spans, weights, 1);
      const best = bestPhrase(raw, owner, context.length, o.phraseTokens);
      const kept = context.map((s, i) => ({ ...s, score: best[i]! })).filter((_, i) => hits[i]! > 0);
      const cacheBefore = cache.length;
      cache = boundCache(kept, cacheTokens);
      if (opts.onPass) {
        const at = new Array<number>(context.length).fill(-1);
        owner.forEach((i, c) => {
          if (at[i] === -1) at[i] = contextStart + c;
        });
        opts.onPass({
          pass: passes + 1,
          spans,
          context: context.map(({ seq: _s, ids: tok, score: _sc, ...s }, i) => ({ ...s, fromCache: i < cacheBefore, at: at[i]!, tokenCount: tok.length, score: best[i]!, hits: hits[i]! })),
          scores,
          weights,
          cache: cache.map(({ docId, start, end, text }) => ({ docId, start, end, text })),
        });
      }
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

/**
 * Per sentence, the largest sum of `raw` over `phrase` consecutive columns inside it (the whole sentence when it is
 * shorter). `owner[c]` is the sentence of column c; a sentence's columns are contiguous.
 */
export function bestPhrase(raw: Float64Array, owner: readonly number[], sentences: number, phrase: number): Float64Array {
  const best = new Float64Array(sentences).fill(Number.NEGATIVE_INFINITY);
  let c = 0;
  while (c < owner.length) {
    const i = owner[c]!;
    let end = c;
    while (end < owner.length && owner[end] === i) end++;
    let window = 0;
    for (let x = c; x < end; x++) {
      window += raw[x]!;
      if (x - c >= phrase) window -= raw[x - phrase]!;
      if (x - c >= Math.min(phrase, end - c) - 1) best[i] = Math.max(best[i]!, window);
    }
    c = end;
  }
  return best;
}
