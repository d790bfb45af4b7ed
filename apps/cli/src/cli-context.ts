import type { InputIssue } from '@sift/core';
import type { CliIo } from './cli-io.js';

/** What every command factory receives. */
export interface CliContext {
  io: CliIo;
  /** Always present (a never-firing signal when the caller gave none). */
  signal: AbortSignal;
  /** Ask for a non-zero exit without an error line (the command already said why). */
  setExitCode(code: number): void;
  /** One line on stderr for a skipped input: `sift: CODE: message`. */
  reportIssue(issue: InputIssue): void;
}
