import type { SiftErrorCode } from '../errors.js';

/** A file (or one record of a file) that was skipped while reading input. */
export interface InputIssue {
  /** The path as reachable from the working directory, plus `#N` for one record of a JSON/JSONL file. */
  file: string;
  code: SiftErrorCode;
  /** One line that names the file and the problem. */
  message: string;
}

export type InputIssueCallback = (issue: InputIssue) => void;
