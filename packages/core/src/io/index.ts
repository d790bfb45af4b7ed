export {
  readDocuments,
  ReadDocumentsOptionsSchema,
  DEFAULT_EXTENSIONS,
  type ReadDocumentsOptions,
} from './read-documents.js';
export { decodeText, sniffBinary } from './decode-text.js';
export type { InputIssue, InputIssueCallback } from './input-issue.js';
