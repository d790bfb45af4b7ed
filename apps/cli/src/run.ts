import { SiftError, type SiftErrorCode } from '@sift/core';
import { CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import { processIo, STDOUT_CLOSED, type CliIo } from './cli-io.js';
import { createProgram } from './program.js';

/** Exit codes: 0 ok, 1 failed, 2 bad usage or config, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, aborted: 130 } as const;

const USAGE_CODES: ReadonlySet<SiftErrorCode> = new Set(['E_BAD_CONFIG', 'E_UNKNOWN_COMPONENT']);

/**
 * Run one `sift` command line (without the leading `node sift`) and resolve to its exit code. This is the only
 * place that turns errors into exit codes: one line per error on stderr, results on stdout. Never exits the process.
 */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = { ...processIo(), ...io };
  const signal = full.signal ?? new AbortController().signal;
  let exitCode: number = EXIT.ok;
  const ctx: CliContext = {
    io: full,
    signal,
    setExitCode(code) {
      exitCode = Math.max(exitCode, code);
    },
    reportIssue(issue) {
      full.stderr.write(`sift: ${issue.code}: ${issue.message}\n`);
    },
  };
  try {
    await (await createProgram(ctx, argv)).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(full, signal, err);
  }
}

function reportError(io: CliIo, signal: AbortSignal, err: unknown): number {
  // `sift chunk … | head`: the reader went away; that is success, not an error.
  if (signal.aborted && signal.reason === STDOUT_CLOSED) return EXIT.ok;
  if (err instanceof CommanderError) {
    // Help and --version also arrive here; commander already printed them.
    const shown = err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    if (!shown) io.stderr.write(`sift: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (SiftError.isInstance(err) && err.code === 'E_ABORTED') {
    io.stderr.write('sift: aborted\n');
    return EXIT.aborted;
  }
  if (signal.aborted) {
    io.stderr.write('sift: aborted\n');
    return EXIT.aborted;
  }
  const debug = io.env.SIFT_DEBUG !== undefined && io.env.SIFT_DEBUG !== '' && io.env.SIFT_DEBUG !== '0';
  if (SiftError.isInstance(err)) {
    io.stderr.write(`sift: ${err.code}: ${oneLine(err.message)}\n`);
    if (debug) io.stderr.write(`${causeChain(err)}\n`);
    return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failed;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`sift: E_RUNTIME: ${oneLine(message)}${debug ? '' : ' (set SIFT_DEBUG=1 for details)'}\n`);
  if (debug) io.stderr.write(`${causeChain(err)}\n`);
  return EXIT.failed;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 8; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}
