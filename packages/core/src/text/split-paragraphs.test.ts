import { describe, expect, it } from 'vitest';
import { splitParagraphs } from './split-paragraphs.js';

describe('splitParagraphs', () => {
  it('splits on blank lines (LF, CRLF, whitespace-only lines) and trims', () => {
    const t = '  First para\nstill first.\n\nSecond.\r\n \r\nThird.\n\n\n';
    const spans = splitParagraphs(t);
    expect(spans.map((s) => s.text)).toEqual(['First para\nstill first.', 'Second.', 'Third.']);
    for (const s of spans) expect(t.slice(s.start, s.end)).toBe(s.text);
  });
  it('returns nothing for whitespace-only text', () => {
    expect(splitParagraphs(' \n\n \t')).toEqual([]);
  });
});
