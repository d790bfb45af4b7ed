/** A place to write text, such as process.stdout or a test buffer. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Present on real streams: lets long outputs wait for 'drain' instead of buffering without bound. */
  once?(event: 'drain', listener: () => void): unknown;
}

/** Everything a command touches outside itself, so that tests can run commands in-process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Read by `sift chunk -`. */
  stdin: AsyncIterable<Uint8Array | string>;
  env: Record<string, string | undefined>;
  /** Relative paths and `sift.config.json` are looked up here. */
  cwd: string;
  /** Fired on Ctrl-C: commands stop at the next safe point. */
  signal?: AbortSignal;
}

/** Abort reason used when stdout's reader has gone away (EPIPE): the run stops and counts as a success. */
export const STDOUT_CLOSED: unique symbol = Symbol.for('sift.stdout-closed');

export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  };
}

/** Progress bars only on an interactive terminal, never in CI logs or pipes. */
export function wantsProgressBar(io: CliIo): boolean {
  const ci = io.env.CI;
  return io.stderr.isTTY === true && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}
