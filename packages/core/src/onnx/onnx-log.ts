/** One line of runtime log: which execution provider ran, why a fallback happened. */
export interface OnnxLogEntry {
  level: 'info' | 'warn';
  message: string;
}

export type OnnxLogger = (entry: OnnxLogEntry) => void;

/** Default: warnings go to stderr, info is dropped; pass `log` to see which provider ran. */
export const defaultOnnxLogger: OnnxLogger = (e) => {
  if (e.level === 'warn') console.warn(`sift: ${e.message}`);
};

/** Call a logger so that a throwing logger cannot break model loading. */
export function emitLog(log: OnnxLogger, entry: OnnxLogEntry): void {
  try {
    log(entry);
  } catch {
    // A broken log sink must not stop a model from loading.
  }
}
