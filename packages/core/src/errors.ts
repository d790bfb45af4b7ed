/**
 * One error class for the whole toolkit. Every failure carries a stable `code` that scripts can branch on,
 * and a message that names the file, key or model involved.
 */
export const ERROR_CODES = {
  E_BAD_CONFIG: 'Invalid configuration',
  E_BAD_INPUT: 'Invalid input',
  E_INPUT_BINARY: 'Input looks binary',
  E_INPUT_ENCODING: 'Input is not valid UTF-8',
  E_INPUT_EMPTY: 'Input is empty',
  E_INPUT_UNREADABLE: 'Input cannot be read',
  E_INPUT_TOO_LARGE: 'Input is larger than the size limit',
  E_DATASET_MISSING: 'Dataset not found',
  E_DATASET_MALFORMED: 'Dataset is malformed',
  E_MODEL_MISSING: 'Model not found',
  E_MODEL_MALFORMED: 'Model is malformed',
  E_INDEX_MISSING: 'Index not found',
  E_INDEX_CORRUPT: 'Index is corrupt or from an incompatible version',
  E_INDEX_LOCKED: 'Index is locked by another writer',
  E_INDEX_PATH: 'Index location is not a Sift index folder',
  E_UNKNOWN_COMPONENT: 'Unknown component',
  E_DEPENDENCY_MISSING: 'Optional dependency not installed',
  E_ABORTED: 'Operation aborted',
  E_CLOSED: 'Resource already closed',
  E_RUNTIME: 'Runtime failure',
} as const;

export type SiftErrorCode = keyof typeof ERROR_CODES;

const MARKER = Symbol.for('sift.error');

export class SiftError extends Error {
  readonly code: SiftErrorCode;
  readonly details: Record<string, unknown>;
  readonly [MARKER] = true;

  constructor(code: SiftErrorCode, message?: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SiftError';
    this.code = code;
    this.details = options.details ?? {};
  }

  /** True for any SiftError, even one thrown by a second installed copy of this package. */
  static isInstance(value: unknown): value is SiftError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
