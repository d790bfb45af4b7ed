import cliProgress from 'cli-progress';
import { wantsProgressBar, type CliIo } from './cli-io.js';

export interface ProgressView {
  /** `done` of `total` units so far, plus a short free-form status (e.g. "1,234 chunks"). */
  update(done: number, total: number | undefined, status?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr for an interactive terminal; otherwise (CI=true, a pipe, a test) plain lines, at most
 * one per `everyMs` plus the last one, so that logs stay short.
 */
export function createProgressView(io: CliIo, label: string, unit: string, everyMs = 2000): ProgressView {
  if (wantsProgressBar(io)) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr as NodeJS.WritableStream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {status}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, status = '') {
        if (!started) {
          bar.start(total ?? 0, done, { status });
          started = true;
        }
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { status });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  let pending: string | undefined;
  return {
    update(done, total, status) {
      pending = `${label}: ${done}${total !== undefined ? `/${total}` : ''} ${unit}${status ? `, ${status}` : ''}\n`;
      const now = Date.now();
      if (now - last >= everyMs) {
        io.stderr.write(pending);
        pending = undefined;
        last = now;
      }
    },
    stop() {
      if (pending !== undefined) io.stderr.write(pending);
      pending = undefined;
    },
  };
}
