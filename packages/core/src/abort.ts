import { SiftError } from './errors.js';

/** Progress reported by long-running work. `unit` says what `done`/`total` count (documents, chunks, queries…). */
export interface Progress {
  status: 'progress' | 'done';
  done: number;
  total?: number;
  unit: string;
  message?: string;
}

export type ProgressCallback = (p: Progress) => void;

/** Options accepted by every long-running operation. */
export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Throw a SiftError(E_ABORTED) if the signal has fired; keep the signal's reason as cause. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new SiftError('E_ABORTED', 'Operation aborted', { cause: signal.reason });
  }
}

/** Call a progress callback so that a throwing callback can never break the run. */
export function notifyProgress(cb: ProgressCallback | undefined, p: Progress): void {
  if (!cb) return;
  try {
    cb(p);
  } catch {
    // A broken progress reporter must not abort indexing.
  }
}

/** Yield to the event loop so that abort signals and timers get a chance to run during CPU-bound loops. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Merge several optional signals into one. */
export function mergeSignals(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}

/** Collect an AsyncIterable into an array (tests, small inputs). */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
