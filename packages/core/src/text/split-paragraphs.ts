import type { TextSpan } from './text-span.js';
import { isWhitespace } from './whitespace.js';

// A line break followed by at least one blank (whitespace-only) line.
const PARAGRAPH_BREAK = /(?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+/g;

/** Paragraphs separated by blank lines, trimmed of outer whitespace; whitespace-only paragraphs are dropped. */
export function splitParagraphs(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  const push = (a: number, b: number) => {
    while (a < b && isWhitespace(text.charCodeAt(a))) a++;
    while (b > a && isWhitespace(text.charCodeAt(b - 1))) b--;
    if (b > a) out.push({ start: a, end: b, text: text.slice(a, b) });
  };
  let from = 0;
  PARAGRAPH_BREAK.lastIndex = 0;
  for (let m = PARAGRAPH_BREAK.exec(text); m !== null; m = PARAGRAPH_BREAK.exec(text)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return out;
}
