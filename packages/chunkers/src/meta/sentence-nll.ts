import { throwIfAborted, type RunOptions, type TokenLogprobModel } from '@sift/core';

export interface SentenceNllOptions extends RunOptions {
  /**
   * Score each sentence's own text only (the reference tokenizes the bare sentences and concatenates the ids, so a
   * BPE model sees "…end.The next…"); by default each sentence also carries the whitespace before it, so the
   * concatenated ids spell the document exactly as written.
   */
  bareSentences?: boolean;
  /** Tokens per `tokenLogprobs` call; a long document is scored block by block so chunks can stream. */
  blockTokens: number;
  /** Sliding window passed to the model (its default when omitted). */
  window?: number;
  stride?: number;
}

/** Per-sentence mean token NLL for one block of consecutive sentences. */
export interface SentenceNllBlock {
  /** Index of the block's first sentence. */
  from: number;
  /** Mean NLL (nats per token) of each sentence; NaN for a sentence with no scored token. */
  values: Float64Array;
  /** Tokens scored by the model in this block (context included). */
  tokens: number;
}

/**
 * Mean NLL per sentence from ONE concatenated token sequence: each sentence is tokenized on its own (so its token
 * span is exact) and the ids are concatenated with no special tokens. Blocks of about `blockTokens` go through the
 * model's sliding-window `tokenLogprobs` (one forward pass per window, never one per sentence); every block after
 * the first is preceded by the last tokens of the one before it as context, so no sentence starts cold.
 * `spans` are sentence offsets `[start0, end0, start1, end1, …]`.
 */
export async function* sentenceNlls(model: TokenLogprobModel, text: string, spans: Int32Array, opts: SentenceNllOptions): AsyncGenerator<SentenceNllBlock> {
  const n = spans.length / 2;
  const context = contextTokens(model, opts.window);
  let prevIds: number[] = [];
  for (let s0 = 0; s0 < n; ) {
    throwIfAborted(opts.signal);
    const ids: number[] = [];
    const bounds: number[] = [0];
    let s1 = s0;
    while (s1 < n && (s1 === s0 || ids.length < opts.blockTokens)) {
      const start = opts.bareSentences || s1 === 0 ? spans[2 * s1]! : spans[2 * s1 - 1]!;
      for (const id of model.tokenize(text.slice(start, spans[2 * s1 + 1]!))) ids.push(id);
      bounds.push(ids.length);
      s1++;
    }
    const ctx = prevIds.length > context ? prevIds.slice(prevIds.length - context) : prevIds;
    const input = ctx.length > 0 ? ctx.concat(ids) : ids;
    const lp =
      input.length === 0
        ? new Float32Array(0)
        : await model.tokenLogprobs(input, {
            ...(opts.window !== undefined ? { window: opts.window } : {}),
            ...(opts.stride !== undefined ? { stride: opts.stride } : {}),
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
    const values = new Float64Array(s1 - s0);
    for (let k = 0; k < s1 - s0; k++) {
      let sum = 0;
      let count = 0;
      for (let j = ctx.length + bounds[k]!; j < ctx.length + bounds[k + 1]!; j++) {
        const v = lp[j]!;
        if (Number.isFinite(v)) {
          sum -= v;
          count++;
        }
      }
      values[k] = count > 0 ? sum / count : Number.NaN;
    }
    yield { from: s0, values, tokens: input.length };
    prevIds = ids.length >= context ? ids : prevIds.concat(ids);
    s0 = s1;
  }
}

/** Tokens of the previous block fed again as context: half the model's window, a few for n-gram models. */
function contextTokens(model: TokenLogprobModel, window: number | undefined): number {
  if (!Number.isFinite(model.contextLength)) return 16;
  const w = Math.min(window ?? model.contextLength, model.contextLength, 4096);
  return Math.max(1, Math.floor(w / 2));
}
