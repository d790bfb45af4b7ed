import { SiftError } from '../errors.js';
import { fastSentenceBreaks } from './_uax29-fast.js';

// Intl.Segmenter slows down sharply on long strings (superlinear in V8), so text is segmented in blocks that end
// right after a line break, where UAX #29 always breaks (SB4), which makes the blocks independent.
const BLOCK = 2048;
const MAX_BLOCK = 16384;

const segmenters = new Map<string, { seg: Intl.Segmenter; fast: boolean }>();

function segmenterFor(locale: string): { seg: Intl.Segmenter; fast: boolean } {
  let s = segmenters.get(locale);
  if (!s) {
    let seg: Intl.Segmenter;
    try {
      seg = new Intl.Segmenter(locale, { granularity: 'sentence' });
    } catch (cause) {
      throw new SiftError('E_BAD_CONFIG', `locale: invalid locale ${JSON.stringify(locale)} for sentence splitting`, {
        cause,
        details: { key: 'locale', value: locale },
      });
    }
    // The fast path reproduces ICU's root rules, which English uses untailored.
    const fast = new Intl.Locale(seg.resolvedOptions().locale).language === 'en';
    s = { seg, fast };
    segmenters.set(locale, s);
  }
  return s;
}

/** End offsets of the raw UAX #29 sentence segments of text (ascending; the last is text.length). */
export function rawSentenceEnds(text: string, locale: string): number[] {
  const { seg, fast } = segmenterFor(locale);
  const n = text.length;
  const ends: number[] = [];
  let s = 0;
  while (s < n) {
    if (fast) {
      const bad = fastSentenceBreaks(text, s, n, ends);
      if (bad < 0) break;
      // Hand the line with the unmodelled character (and the rest of its block) to Intl.Segmenter.
      const lineStart = Math.max(s, text.lastIndexOf('\n', bad - 1) + 1);
      while (ends.length > 0 && ends[ends.length - 1]! > lineStart) ends.pop();
      s = lineStart;
    }
    s = icuBlock(seg, text, s, ends);
  }
  return ends;
}

/** Segment one block starting at s with Intl.Segmenter, push its segment ends and return where the next starts. */
function icuBlock(seg: Intl.Segmenter, text: string, s: number, ends: number[]): number {
  const n = text.length;
  for (let block = BLOCK; ; block *= 2) {
    let e: number;
    let independent = true;
    if (n - s <= block) e = n;
    else {
      const nl = text.indexOf('\n', s + block - 1);
      if (nl !== -1 && nl < s + MAX_BLOCK) e = nl + 1;
      else {
        e = s + block;
        const c = text.charCodeAt(e - 1);
        if (c >= 0xd800 && c <= 0xdbff) e++; // keep surrogate pairs whole
        independent = false;
      }
    }
    const from = ends.length;
    for (const x of seg.segment(text.slice(s, e))) ends.push(s + x.index + x.segment.length);
    if (independent) return e;
    // The cut is arbitrary: drop the segment it ended and restart from that segment's start, a true boundary.
    if (ends.length - from >= 2) {
      ends.pop();
      return ends[ends.length - 1]!;
    }
    if (block >= MAX_BLOCK) return e; // one segment longer than MAX_BLOCK: accept the cut
    ends.length = from; // one huge segment so far: retry with a larger block
  }
}
