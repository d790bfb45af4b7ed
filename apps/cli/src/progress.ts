import cliProgress from 'cli-progress';
import { wantsProgressBar, type CliIo } from './cli-io.js';

export interface ProgressView {
  /** `done` of `total` units so far, plus a short free-form status (e.g. "1,234 chunks"). */
  update(done: number, total: number | undefined, status?: string): void;
  stop(): void;
}

/** A progress bar on stderr for an interactive terminal; otherwise (CI=true, a pipe, a test) occasional plain lines. */
export function createProgressView(io: CliIo, label: string, unit: string, everyMs = 2000): ProgressView {
  if (wantsProgressBar(io)) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr as NodeJS.WritableStream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} {status}`,
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
  // Plain lines: the first after `everyMs`, then at most one per `everyMs`; a short run prints none (its summary says it all).
  let last = Date.now();
  return {
    update(done, total, status) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      io.stderr.write(`${label}: ${done}${total !== undefined ? `/${total}` : ''} ${unit}${status ? `, ${status}` : ''}\n`);
    },
    stop() {},
  };
}
