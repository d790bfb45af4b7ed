import { Readable } from 'node:stream';
import type { CliIo } from './cli-io.js';
import { run } from './run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `sift` in-process with captured output (tests only; not exported from the package). */
export async function runCli(argv: string[], io: Partial<CliIo> & { stdinText?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const { stdinText, ...rest } = io;
  const code = await run(argv, {
    env: { CI: 'true' },
    stdin: Readable.from(stdinText === undefined ? [] : [Buffer.from(stdinText)]),
    ...rest,
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
  });
  return { code, stdout, stderr };
}
