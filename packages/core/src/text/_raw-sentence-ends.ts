import { SiftError } from '../errors.js';
import { fastSentenceBreaks, isFastRange } from './_uax29-fast.js';

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
  let block = BLOCK;
  while (s < n) {
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
    if (fast && isFastRange(text, s, e)) fastSentenceBreaks(text, s, e, ends);
    else for (const x of seg.segment(text.slice(s, e))) ends.push(s + x.index + x.segment.length);
    if (!independent) {
      // The cut is arbitrary: drop the segment it ended and restart from that segment's start, a true boundary.
      if (ends.length - from >= 2) {
        ends.pop();
        s = ends[ends.length - 1]!;
        block = BLOCK;
        continue;
      }
      if (block < MAX_BLOCK) {
        ends.length = from; // one huge segment: retry with a larger block
        block *= 2;
        continue;
      }
    }
    s = e;
    block = BLOCK;
  }
  return ends;
}
