/** A sentence as a UTF-16 span of its source: `text.slice(start, end)` is the sentence, trimmed of outer whitespace. */
export interface SentenceSpan {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Sentence spans from Intl.Segmenter (UAX #29), trimmed, with blank lines also ending a sentence so headings and list
 * items do not merge into the next paragraph. Offsets are computed here, never searched for.
 */
export function sentenceSpans(text: string): SentenceSpan[] {
  const out: SentenceSpan[] = [];
  const blocks = /\n[ \t\r\f\v]*\n/g;
  let from = 0;
  const pushBlock = (a: number, b: number) => {
    for (const s of segmenter.segment(text.slice(a, b))) {
      let start = a + s.index;
      let end = start + s.segment.length;
      while (start < end && /\s/.test(text[start]!)) start++;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
      if (end > start) out.push({ start, end });
    }
  };
  for (let m = blocks.exec(text); m !== null; m = blocks.exec(text)) {
    pushBlock(from, m.index);
    from = m.index + m[0].length;
  }
  pushBlock(from, text.length);
  return out;
}
