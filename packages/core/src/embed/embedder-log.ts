/** A warning from an embedder (truncated inputs, device fallback…); the default writes it to stderr. */
export type EmbedderWarn = (message: string) => void;

export const defaultEmbedderWarn: EmbedderWarn = (m) => console.warn(`sift: ${m}`);

/** Call a warning sink so that a throwing one cannot break embedding. */
export function safeWarn(warn: EmbedderWarn, message: string): void {
  try {
    warn(message);
  } catch {
    // A broken log sink must not stop embedding.
  }
}
