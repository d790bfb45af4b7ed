// How USE-lite reads texts longer than its window, shared by the ONNX and TF.js runtimes so both give the same vectors.
import { notifyProgress, type RunOptions } from '../abort.js';
import { embedInBatches, type BatchLimits } from './embed-in-batches.js';
import { normalize } from './vector-math.js';

/**
 * Tokens USE-lite's graph reads per text: its ClipToMaxLength step drops every token at position ≥ 128, so longer
 * inputs were silently cut there by the graph itself.
 */
export const USE_LITE_WINDOW = 128;

/**
 * What happens to a text longer than the window. `window` (the default): the token ids are cut into consecutive,
 * non-overlapping windows of `window` tokens (the last one shorter), each window is embedded on its own, and the text's
 * vector is the mean of the window vectors weighted by each window's token count, scaled back to unit length. So every
 * token counts, and a 300-token passage is 128/300, 128/300 and 44/300 of its three windows. `truncate`: only the
 * first `window` tokens are embedded (what the TF.js path always did).
 */
export type LongTextPolicy = 'window' | 'truncate';

/** USE-lite's recorded config: only non-default settings appear, so a default one stays `{ name: 'use-lite' }`. */
export interface UseLiteConfig {
  name: 'use-lite';
  longText?: 'truncate';
  maxTokens?: number;
}

export function useLiteConfig(longText: LongTextPolicy, maxTokens: number): UseLiteConfig {
  return {
    name: 'use-lite',
    ...(longText === 'truncate' ? { longText } : {}),
    ...(maxTokens !== USE_LITE_WINDOW ? { maxTokens } : {}),
  };
}

/** Counts since the embedder was created, for index manifests: how many texts were longer than the window. */
export interface LongTextStats {
  policy: LongTextPolicy;
  windowTokens: number;
  /** Texts embedded (cache hits are not counted: they never reach the embedder). */
  texts: number;
  /** Texts longer than the window: windowed (policy window) or truncated (policy truncate). */
  longTexts: number;
  /** Model inputs run: one per short text, one per window of a long one. */
  windows: number;
}

export interface EmbedTokenizedOptions extends RunOptions, BatchLimits {
  window: number;
  policy: LongTextPolicy;
  dim: number;
  label: string;
  stats: LongTextStats;
}

/**
 * Embeds pre-tokenized texts through `run` (one model call per batch of windows, sorted by length), then pools each
 * long text's windows. Progress is reported in texts: windows done × texts / windows, exact at the end.
 */
export async function embedTokenized(
  ids: readonly number[][],
  run: (batch: number[][]) => Promise<Float32Array[]>,
  o: EmbedTokenizedOptions,
): Promise<Float32Array[]> {
  const windows: number[][] = [];
  const owner: number[] = [];
  let long = 0;
  ids.forEach((t, i) => {
    if (t.length <= o.window) {
      windows.push(t);
      owner.push(i);
      return;
    }
    long++;
    if (o.policy === 'truncate') {
      windows.push(t.slice(0, o.window));
      owner.push(i);
      return;
    }
    for (let s = 0; s < t.length; s += o.window) {
      windows.push(t.slice(s, s + o.window));
      owner.push(i);
    }
  });
  o.stats.texts += ids.length;
  o.stats.longTexts += long;
  o.stats.windows += windows.length;
  const total = ids.length;
  const onProgress = o.onProgress;
  const vecs = await embedInBatches(windows, run, {
    ...(o.signal ? { signal: o.signal } : {}),
    ...(onProgress
      ? {
          onProgress: (p) => {
            if (p.status === 'progress') notifyProgress(onProgress, { status: 'progress', done: Math.floor((p.done * total) / Math.max(1, windows.length)), total, unit: 'texts' });
          },
        }
      : {}),
    maxBatchSize: o.maxBatchSize,
    ...(o.maxBatchTokens !== undefined ? { maxBatchTokens: o.maxBatchTokens } : {}),
    ...(o.minFill !== undefined ? { minFill: o.minFill } : {}),
    lengthOf: (w) => w.length,
    dim: o.dim,
    label: o.label,
  });
  notifyProgress(onProgress, { status: 'done', done: total, total, unit: 'texts' });
  if (windows.length === ids.length) return vecs;
  // Weighted mean then unit length; the division by the total weight cancels in the normalisation.
  const out: Array<Float32Array | undefined> = new Array(ids.length);
  windows.forEach((w, j) => {
    const i = owner[j]!;
    if (ids[i]!.length <= o.window || o.policy === 'truncate') {
      out[i] = vecs[j]!;
      return;
    }
    const v = (out[i] ??= new Float32Array(o.dim));
    const src = vecs[j]!;
    for (let d = 0; d < o.dim; d++) v[d]! += w.length * src[d]!;
  });
  ids.forEach((t, i) => {
    if (t.length > o.window && o.policy === 'window') normalize(out[i]!, { inPlace: true });
  });
  return out as Float32Array[];
}
