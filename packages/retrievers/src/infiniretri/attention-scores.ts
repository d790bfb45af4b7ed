/**
 * InfiniRetri's token scoring (infini-retri 0.0.3, compute_score_method=3 with use_question_weight): from the last
 * layer's head-summed attention A (n × n, row-major) of one forward pass over prompt(context, question),
 *   M = A[question rows][:, context columns], each row summed over a window of `phraseTokens` columns ('same', zeros),
 *   score[c] = Σ_q w[q]² · M[q, c],   w[q] = Σ_{q' ∈ question} A[q, q'] (taken on the first chunk, then frozen).
 * Question rows run from the question's first token to the end of the input (the answer cue included).
 */
export interface AttentionSpans {
  /** Tokens in the input (A is n × n). */
  n: number;
  /** Context columns [contextStart, contextEnd). */
  contextStart: number;
  contextEnd: number;
  /** First question row; rows run to n. */
  questionStart: number;
}

/** w[q] = Σ over the question columns of row q, for q in [questionStart, n). */
export function questionWeights(attention: Float32Array, s: AttentionSpans): Float64Array {
  checkSpans(attention, s);
  const rows = s.n - s.questionStart;
  const w = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = (s.questionStart + r) * s.n;
    let sum = 0;
    for (let c = s.questionStart; c < s.n; c++) sum += attention[off + c]!;
    w[r] = sum;
  }
  return w;
}

/**
 * One score per context token (index 0 = column contextStart). `weights` are the frozen question weights (one per
 * question row). The window covers columns [c − ⌊p/2⌋, c + p − 1 − ⌊p/2⌋]: where the reference's
 * `scipy.signal.convolve2d(M, ones((1, p)), mode="same")` places it (its C loop reads columns new_n − k for k < p,
 * new_n = c + ⌊(p−1)/2⌋), so an even window reaches one column further left than right (p = 8: c−4 … c+3).
 */
export function contextTokenScores(attention: Float32Array, s: AttentionSpans, weights: Float64Array, phraseTokens: number): Float64Array {
  checkSpans(attention, s);
  const rows = s.n - s.questionStart;
  if (weights.length !== rows) throw new RangeError(`weights has ${weights.length} entries for ${rows} question rows`);
  if (!Number.isInteger(phraseTokens) || phraseTokens < 1) throw new RangeError(`phraseTokens must be a positive integer, got ${phraseTokens}`);
  const width = s.contextEnd - s.contextStart;
  // The window sum is linear, so weighting the rows first and smoothing once gives the same result as smoothing
  // every row: O(rows·width + width) instead of O(rows·width·phraseTokens).
  const weighted = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const w2 = weights[r]! * weights[r]!;
    const off = (s.questionStart + r) * s.n + s.contextStart;
    for (let c = 0; c < width; c++) weighted[c]! += w2 * attention[off + c]!;
  }
  const { left, right } = phraseWindow(phraseTokens);
  const prefix = new Float64Array(width + 1);
  for (let c = 0; c < width; c++) prefix[c + 1] = prefix[c]! + weighted[c]!;
  const out = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    const a = Math.max(0, c - left);
    const b = Math.min(width, c + right + 1);
    out[c] = prefix[b]! - prefix[a]!;
  }
  return out;
}

/** Columns the phrase window reaches left and right of its centre (scipy convolve2d 'same' placement). */
export function phraseWindow(phraseTokens: number): { left: number; right: number } {
  const left = Math.floor(phraseTokens / 2);
  return { left, right: phraseTokens - 1 - left };
}

/** Indices of the `k` highest scores (all of them when there are fewer); ties go to the earlier index. */
export function topIndices(scores: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, Math.max(0, k));
}

function checkSpans(attention: Float32Array, s: AttentionSpans): void {
  if (attention.length !== s.n * s.n) throw new RangeError(`attention has ${attention.length} values, expected ${s.n}×${s.n}`);
  if (!(0 <= s.contextStart && s.contextStart <= s.contextEnd && s.contextEnd <= s.questionStart && s.questionStart < s.n)) {
    throw new RangeError(`bad spans: context [${s.contextStart}, ${s.contextEnd}), question from ${s.questionStart}, n=${s.n}`);
  }
}
