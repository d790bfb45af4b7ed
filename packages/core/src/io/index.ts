export {
  readDocuments,
  ReadDocumentsOptionsSchema,
  DEFAULT_EXTENSIONS,
  type ReadDocumentsOptions,
} from './read-documents.js';
export { decodeText, detectEncoding, sniffBinary, type TextEncodingName } from './decode-text.js';
export type { InputIssue, InputIssueCallback } from './input-issue.js';
export { readTextFile, readTextStream, DEFAULT_MAX_FILE_BYTES, DEFAULT_READ_IDLE_MS, type InputLimits } from './read-input.js';
export { showPath } from './show-path.js';
