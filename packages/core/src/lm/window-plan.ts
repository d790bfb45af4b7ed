/** One forward pass of a sliding-window scan: tokens [contextStart, end) go in, positions [scoreStart, end) are scored. */
export interface WindowPass {
  contextStart: number;
  scoreStart: number;
  end: number;
}

/**
 * Passes that score every token of an `n`-token text with at most `window` tokens per pass: the first pass takes the
 * first `window` tokens, each later one scores `stride` new tokens and re-reads the `window - stride` before them as
 * context from position 0. Every pass starts fresh, so positions stay inside the range the model was trained on
 * (unlike trimming a KV cache, which also drops the first tokens that attention leans on). The cost is window/stride
 * token evaluations per scored token. `models/sift-lm-mini/train.py` scores held-out text the same way.
 */
export function planWindows(n: number, window: number, stride: number): WindowPass[] {
  if (!Number.isInteger(window) || window < 2) throw new RangeError(`window must be an integer ≥ 2, got ${window}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > window) {
    throw new RangeError(`stride must be an integer in [1, window=${window}], got ${stride}`);
  }
  if (n <= 0) return [];
  const passes: WindowPass[] = [{ contextStart: 0, scoreStart: 0, end: Math.min(n, window) }];
  for (let a = window; a < n; ) {
    const b = Math.min(a + stride, n);
    passes.push({ contextStart: b - window, scoreStart: a, end: b });
    a = b;
  }
  return passes;
}
