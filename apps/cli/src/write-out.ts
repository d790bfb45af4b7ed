import type { TextSink } from './cli-io.js';

/**
 * Write to a sink and, when a real stream's buffer is full, wait for it to drain (backpressure) or for the
 * signal to fire (the reader went away, Ctrl-C), whichever comes first.
 */
export async function writeOut(sink: TextSink, text: string, signal?: AbortSignal): Promise<void> {
  const ok = sink.write(text);
  if (ok !== false || !sink.once || signal?.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      signal?.removeEventListener('abort', done);
      resolve();
    };
    sink.once!('drain', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
