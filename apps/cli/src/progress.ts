import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import { Option } from 'commander';
import { wantsProgressBar, type CliIo } from './cli-io.js';

export interface ProgressView {
  /** `done` of `total` units so far, plus a short free-form status (e.g. "1,234 chunks"). */
  update(done: number, total: number | undefined, status?: string): void;
  stop(): void;
}

/** `--progress`: plain progress lines on stderr when it is not a terminal (logs, pipes, CI). */
export function progressFlag(): Option {
  return new Option('--progress', 'print progress lines on stderr even when it is not a terminal (CI logs, pipes)');
}

/**
 * A progress bar on stderr for an interactive terminal. Elsewhere (CI=true, a pipe, a test) nothing, unless `plain`
 * (`--progress`) asks for plain lines: one per tenth of the total, or at 1, 2, 4, 8… units when the total is unknown.
 * What is printed depends only on the options and the terminal, never on how long the run takes.
 */
export function createProgressView(io: CliIo, label: string, unit: string, plain = false): ProgressView {
  if (wantsProgressBar(io)) {
    // Loaded only for a terminal: its set-up was ~1 % of every `sift index` that prints no bar (pipes, CI, scripts).
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
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
  if (!plain) return { update() {}, stop() {} };
  let lastStep = -1;
  return {
    update(done, total, status) {
      const step = total !== undefined && total > 0 ? Math.floor((10 * done) / total) : Math.floor(Math.log2(Math.max(done, 1)));
      if (step === lastStep) return;
      lastStep = step;
      io.stderr.write(`${label}: ${done}${total !== undefined ? `/${total}` : ''} ${unit}${status ? `, ${status}` : ''}\n`);
    },
    stop() {},
  };
}
