/** A markdown ATX heading: the offset of its line and its text. */
export interface Heading {
  pos: number;
  level: number;
  title: string;
}

/** Where markdown structure constrains splitting. */
export interface MarkdownLayout {
  /** [start, end) pairs, sorted and disjoint: fenced code blocks and table rows, which no split may cut. */
  protect: number[];
  /** Offsets where a block starts (headings, fences, tables) or where one ends; preferred split points, sorted. */
  breaks: number[];
  headings: Heading[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

const EMPTY: MarkdownLayout = { protect: [], breaks: [], headings: [] };

/** First non-space character code of the line starting at `s` (up to 3 spaces of indent), or -1. */
function lead(text: string, s: number, e: number): number {
  let i = s;
  while (i < e && i - s < 3 && text.charCodeAt(i) === 0x20) i++;
  return i < e ? text.charCodeAt(i) : -1;
}

/**
 * Find fenced code blocks, GFM tables and ATX headings with one pass over the lines. Text without any of `#`, backtick,
 * `~` or `|` is returned untouched at the cost of four `indexOf` scans.
 */
export function scanMarkdown(text: string): MarkdownLayout {
  const hasHash = text.includes('#');
  const hasFence = text.includes('```') || text.includes('~~~');
  let nextPipe = text.indexOf('|');
  if (!hasHash && !hasFence && nextPipe === -1) return EMPTY;
  const n = text.length;
  const protect: number[] = [];
  const breaks: number[] = [];
  const headings: Heading[] = [];
  // Line bounds without the line break (a trailing \r is left to the caller's trimming).
  const lineEnd = (s: number) => {
    const nl = text.indexOf('\n', s);
    return nl === -1 ? n : nl;
  };
  const content = (s: number, e: number) => text.slice(s, e > s && text.charCodeAt(e - 1) === 0x0d ? e - 1 : e);
  const hasPipe = (s: number, e: number) => {
    if (nextPipe !== -1 && nextPipe < s) nextPipe = text.indexOf('|', s);
    return nextPipe !== -1 && nextPipe < e;
  };
  let s = 0;
  while (s < n) {
    const e = lineEnd(s);
    const c = lead(text, s, e);
    if (hasFence && (c === 0x60 || c === 0x7e)) {
      const open = FENCE_OPEN.exec(content(s, e));
      if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
        const mark = open[1]!;
        const close = new RegExp(`^ {0,3}${mark[0] === '`' ? '`' : '~'}{${mark.length},}[ \\t]*$`);
        let t = e + 1;
        let blockEnd = n;
        while (t < n) {
          const te = lineEnd(t);
          if (close.test(content(t, te))) {
            blockEnd = te;
            break;
          }
          t = te + 1;
        }
        protect.push(s, blockEnd);
        breaks.push(s);
        if (blockEnd + 1 < n) breaks.push(blockEnd + 1);
        s = blockEnd + 1;
        continue;
      }
    }
    if (hasHash && c === 0x23) {
      const h = HEADING.exec(content(s, e));
      if (h) {
        headings.push({ pos: s, level: h[1]!.length, title: (h[2] ?? '').trim() });
        breaks.push(s);
        s = e + 1;
        continue;
      }
    }
    if (nextPipe !== -1 && hasPipe(s, e) && e + 1 < n) {
      const e2 = lineEnd(e + 1);
      if (hasPipe(e + 1, e2) && DELIMITER_ROW.test(content(e + 1, e2))) {
        // A table: header, delimiter row, then every following non-blank line that has a pipe.
        breaks.push(s);
        protect.push(s, e, e + 1, e2);
        let t = e2 + 1;
        let last = e2;
        while (t < n) {
          const te = lineEnd(t);
          if (!hasPipe(t, te) || content(t, te).trim() === '') break;
          protect.push(t, te);
          last = te;
          t = te + 1;
        }
        if (last + 1 < n) breaks.push(last + 1);
        s = last + 1;
        continue;
      }
    }
    s = e + 1;
  }
  return { protect, breaks, headings };
}

/** The heading path (outermost first) in force at each of a sorted list of positions. */
export function headingPaths(headings: readonly Heading[]): (pos: number) => string[] {
  const stack: Heading[] = [];
  let next = 0;
  let last = -1;
  return (pos: number) => {
    if (pos < last) throw new Error('headingPaths: positions must be non-decreasing');
    last = pos;
    while (next < headings.length && headings[next]!.pos <= pos) {
      const h = headings[next++]!;
      while (stack.length > 0 && stack[stack.length - 1]!.level >= h.level) stack.pop();
      stack.push(h);
    }
    return stack.map((h) => h.title);
  };
}
