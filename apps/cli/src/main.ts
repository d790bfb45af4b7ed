import { SiftError } from '@sift/core';
import { z } from 'zod';
import { processIo, STDOUT_CLOSED } from './cli-io.js';
import { run } from './run.js';

/**
 * The process-level entry: wires Ctrl-C to an AbortSignal (a second Ctrl-C exits at once) and treats a closed
 * stdout (EPIPE, as in `sift chunk … | head`) as the end of the run. Resolves to the exit code.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  // A command parses each schema (config, manifest, options) once or a few times: zod's compiled fast path (built with
  // `new Function` on a schema's first parse, ~6 ms of every `sift query`) never pays back in a process this short.
  z.config({ jitless: true });
  const ctrl = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nsift: interrupted; stopping after the last committed step (Ctrl-C again to quit now)\n');
    ctrl.abort(new SiftError('E_ABORTED', 'interrupted'));
  };
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') ctrl.abort(STDOUT_CLOSED);
    else ctrl.abort(err);
  };
  process.on('SIGINT', onSigint);
  process.stdout.on('error', onStdoutError);
  try {
    const io = processIo(ctrl.signal);
    // After EPIPE, further writes would only raise more errors: drop them.
    const stdout = io.stdout;
    io.stdout = {
      isTTY: stdout.isTTY === true,
      write: (text: string) => (ctrl.signal.aborted && ctrl.signal.reason === STDOUT_CLOSED ? true : stdout.write(text)),
      once: (event, listener) => stdout.once?.(event, listener),
    };
    return await run(argv, io);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
