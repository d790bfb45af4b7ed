// C0/C1 controls and the two Unicode line separators: any of them would break a one-line message.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A path as it may appear inside a one-line message: unchanged when printable, else JSON-quoted, so that a file
 * name holding a newline or an escape sequence still gives one line (`"a\nb.txt": empty`).
 */
export function showPath(p: string): string {
  return UNPRINTABLE.test(p) ? JSON.stringify(p).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : p;
}
