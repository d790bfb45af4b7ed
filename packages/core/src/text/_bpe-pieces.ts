/**
 * Pre-tokenizer pieces of a text as [start, end) offsets, from the tokenizer's split regex, for texts that hold a run
 * of one repeated character (a letter or punctuation) too long for V8's regex engine: its backtracking stack
 * overflows on a single match of some tens of millions of characters ('a' × 50 MB).
 *
 * Such a run is one piece, from at most two characters before the run (an optional prefix, or a contraction that
 * takes its first letter) to the run's end, and the pieces around it depend only on the characters near its two
 * ends. So the regex runs on a copy in which each long run keeps `keep` characters at either end, and the one piece
 * that spans the removed middle is widened back to the original offsets; every other piece is shifted.
 */

/** Runs of one repeated code point longer than this (in UTF-16 units) are shortened before the regex runs. */
export const LONG_RUN = 1 << 20;
const KEEP = 1024;
const WHITESPACE_OR_DIGIT = /^[\s\p{N}]$/u;

interface Run {
  start: number;
  end: number;
  /** UTF-16 length of the repeated code point. */
  unit: number;
}

/** Maximal runs of one repeated code point (not whitespace or a digit) longer than `longRun` units. */
function longRuns(text: string, longRun: number): Run[] {
  const runs: Run[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i)!;
    const unit = cp > 0xffff ? 2 : 1;
    let j = i + unit;
    if (unit === 1) {
      while (j < n && text.charCodeAt(j) === cp) j++;
    } else {
      const hi = text.charCodeAt(i);
      const lo = text.charCodeAt(i + 1);
      while (j + 1 < n && text.charCodeAt(j) === hi && text.charCodeAt(j + 1) === lo) j += 2;
    }
    if (j - i > longRun && !WHITESPACE_OR_DIGIT.test(String.fromCodePoint(cp))) runs.push({ start: i, end: j, unit });
    i = j;
  }
  return runs;
}

/** Whether text holds a run that {@link pieceSpans} shortens (one repeated character over `longRun` units). */
export function hasLongRun(text: string, longRun = LONG_RUN): boolean {
  if (text.length <= longRun) return false;
  // A run of one repeated code point (one or two units) repeats every unit two units on: look for a streak of that
  // first, with no per-code-point work, and let longRuns decide only when one is long enough.
  let streak = 0;
  for (let i = 2; i < text.length; i++) {
    if (text.charCodeAt(i) === text.charCodeAt(i - 2)) {
      if (++streak >= longRun - 2) return longRuns(text, longRun).length > 0;
    } else streak = 0;
  }
  return false;
}

/** The split regex's matches over `text` as [start, end) pairs, whatever the length of its repeated-character runs. */
export function* pieceSpans(text: string, regex: RegExp, longRun = LONG_RUN, keep = KEEP): Generator<[number, number]> {
  const runs = text.length > longRun ? longRuns(text, longRun) : [];
  if (runs.length === 0) {
    for (const m of text.matchAll(regex)) yield [m.index, m.index + m[0].length];
    return;
  }
  // The shortened copy, and where each cut sits in it (the removed middle follows that position).
  const parts: string[] = [];
  const cuts: Array<{ at: number; removed: number }> = [];
  let from = 0;
  let shortLength = 0;
  for (const r of runs) {
    const head = r.start + keep * r.unit;
    const tail = r.end - keep * r.unit;
    parts.push(text.slice(from, head));
    shortLength += head - from;
    cuts.push({ at: shortLength, removed: tail - head });
    from = tail;
  }
  parts.push(text.slice(from));
  const short = parts.join('');
  let k = 0; // next cut
  let shift = 0; // units removed before the current position
  for (const m of short.matchAll(regex)) {
    const a = m.index;
    const b = a + m[0].length;
    const start = a + shift;
    while (k < cuts.length && cuts[k]!.at < b) {
      if (cuts[k]!.at <= a) throw new Error(`pre-tokenizer piece boundary at a shortened run (offset ${start}): cannot map it back`);
      shift += cuts[k]!.removed;
      k++;
    }
    yield [start, b + shift];
  }
}
