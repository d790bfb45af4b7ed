import { notifyProgress, throwIfAborted, yieldToEventLoop, type RunOptions } from '../abort.js';
import { SiftError } from '../errors.js';

export interface BatchLimits {
  /** Most rows per model call. */
  maxBatchSize: number;
  /** Most padded tokens per call (rows × longest row); bounds memory for long inputs. */
  maxBatchTokens?: number;
  /**
   * Bounded padding: a batch stops growing at a row shorter than `minFill` × its longest row (0–1), so no row is
   * padded to more than 1/minFill times its length. Unset: rows are only limited by the counts above.
   */
  minFill?: number;
}

export interface EmbedInBatchesOptions<T> extends RunOptions, BatchLimits {
  /** Length used for sorting and the token cap (tokens when known, else characters). */
  lengthOf: (item: T) => number;
  /** Expected vector length; a model returning anything else is a runtime error. */
  dim?: number;
  /** Name used in errors and progress. */
  label?: string;
}

/**
 * Runs `run` over `items` in batches of similar length (longest first, so padding is small and an out-of-memory
 * batch fails early), and returns the vectors in input order. Checks the signal between batches and reports progress
 * in items.
 */
export async function embedInBatches<T>(
  items: readonly T[],
  run: (batch: T[], opts: RunOptions) => Promise<Float32Array[]>,
  opts: EmbedInBatchesOptions<T>,
): Promise<Float32Array[]> {
  const { signal, onProgress, maxBatchSize, maxBatchTokens, minFill, lengthOf, dim, label = 'embedder' } = opts;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new SiftError('E_BAD_CONFIG', `${label}: maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  const total = items.length;
  const out = new Array<Float32Array | undefined>(total);
  const lengths = items.map(lengthOf);
  // Stable sort by length, longest first; ties keep input order so runs are deterministic.
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);

  let done = 0;
  let pos = 0;
  while (pos < total) {
    throwIfAborted(signal);
    const longest = Math.max(1, lengths[order[pos]!]!);
    let rows = Math.min(maxBatchSize, total - pos);
    if (maxBatchTokens !== undefined) rows = Math.max(1, Math.min(rows, Math.floor(maxBatchTokens / longest)));
    if (minFill !== undefined) {
      let fit = 1;
      while (fit < rows && lengths[order[pos + fit]!]! >= minFill * longest) fit++;
      rows = fit;
    }
    const idx = order.slice(pos, pos + rows);
    const vecs = await run(
      idx.map((i) => items[i]!),
      { ...(signal ? { signal } : {}) },
    );
    if (vecs.length !== idx.length) {
      throw new SiftError('E_RUNTIME', `${label} returned ${vecs.length} vectors for a batch of ${idx.length}`);
    }
    for (let j = 0; j < idx.length; j++) {
      const v = vecs[j]!;
      if (dim !== undefined && v.length !== dim) {
        throw new SiftError('E_RUNTIME', `${label} returned a vector of length ${v.length}, expected ${dim}`);
      }
      out[idx[j]!] = v;
    }
    pos += rows;
    done += rows;
    notifyProgress(onProgress, { status: 'progress', done, total, unit: 'texts' });
    if (pos < total) await yieldToEventLoop();
  }
  notifyProgress(onProgress, { status: 'done', done, total, unit: 'texts' });
  return out as Float32Array[];
}
