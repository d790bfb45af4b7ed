import { isWhitespace } from '@sift/core';
import type { MarkdownLayout } from './_markdown.js';
import type { TokenIndex } from './_token-index.js';

/** Caches the next occurrence of one separator: ranges arrive left to right, so each is searched for once overall. */
class SeparatorCursor {
  private from = Number.POSITIVE_INFINITY;
  private at = -1;
  constructor(readonly sep: string) {}
  /** First occurrence at or after x, or -1. */
  next(text: string, x: number): number {
    if (x >= this.from && (this.at === -1 || this.at >= x)) return this.at;
    this.from = x;
    this.at = text.indexOf(this.sep, x);
    return this.at;
  }
}

interface Level {
  cursors: SeparatorCursor[];
  /** Separators with a line break may cut inside a protected block that is too large to keep whole. */
  lineLevel: boolean;
}

export interface SplitterOptions {
  /** Largest piece, in tokens (estimated for BPE, exact for char). */
  limit: number;
  /** Separator levels, coarsest first; each level lists separators that end a piece. */
  levels: readonly (readonly string[])[];
  /** Markdown structure: its block breaks become the first level and its protected ranges are not cut. */
  layout?: MarkdownLayout;
}

/**
 * Recursive splitting by a hierarchy of separators, on offsets only: a range that exceeds `limit` is cut at the
 * coarsest separator level present, consecutive pieces that fit are merged back up to `limit`, and pieces that are
 * still too large recurse to the next level; past the last level they are cut by tokens. Pieces are trimmed of outer
 * whitespace and never cut inside a protected range unless that range alone exceeds `limit`.
 */
export class RecursiveSplitter {
  private readonly levels: Level[];
  private readonly protect: readonly number[];
  private readonly breaks: readonly number[];
  private readonly oversize: Uint8Array;
  private readonly text: string;

  constructor(
    private readonly index: TokenIndex,
    private readonly opts: SplitterOptions,
  ) {
    this.text = index.text;
    this.levels = opts.levels.map((seps) => ({
      cursors: seps.map((s) => new SeparatorCursor(s)),
      lineLevel: seps.some((s) => s.includes('\n')),
    }));
    this.protect = opts.layout?.protect ?? [];
    this.breaks = opts.layout?.breaks ?? [];
    this.oversize = new Uint8Array(this.protect.length / 2);
    for (let i = 0; i < this.protect.length; i += 2) {
      this.oversize[i / 2] = index.estimate(this.protect[i]!, this.protect[i + 1]!) > opts.limit ? 1 : 0;
    }
  }

  /** Append the trimmed pieces of text[a, b) to `out` as [start, end) pairs. */
  split(a: number, b: number, out: number[]): void {
    a = this.trimStart(a, b);
    b = this.trimEnd(a, b);
    if (b > a) this.recurse(a, b, this.breaks.length > 0 ? -1 : 0, out);
  }

  // Two functions instead of one returning a pair: this runs once per piece, and the pairs were a good share of the
  // garbage of chunking a long text.
  private trimStart(a: number, b: number): number {
    const t = this.text;
    while (a < b && isWhitespace(t.charCodeAt(a))) a++;
    return a;
  }

  private trimEnd(a: number, b: number): number {
    const t = this.text;
    while (b > a && isWhitespace(t.charCodeAt(b - 1))) b--;
    return b;
  }

  // level -1 is the markdown block level; levels.length is the token fallback.
  private recurse(a: number, b: number, level: number, out: number[]): void {
    const limit = this.opts.limit;
    if (this.index.estimate(a, b) <= limit) {
      out.push(a, b);
      return;
    }
    if (level >= this.levels.length) {
      this.splitByTokens(a, b, out);
      return;
    }
    const points = level < 0 ? this.blockPoints(a, b) : this.separatorPoints(a, b, this.levels[level]!);
    if (points.length === 0) {
      this.recurse(a, b, level + 1, out);
      return;
    }
    // Merge consecutive pieces that fit; recurse into the ones that do not.
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart >= 0) out.push(runStart, runEnd);
      runStart = -1;
    };
    for (let k = 0; k <= points.length; k++) {
      const ps = this.trimStart(k === 0 ? a : points[k - 1]!, k === points.length ? b : points[k]!);
      const pe = this.trimEnd(ps, k === points.length ? b : points[k]!);
      if (pe <= ps) continue;
      if (this.index.estimate(ps, pe) > limit) {
        flush();
        this.recurse(ps, pe, level + 1, out);
      } else if (runStart < 0) {
        runStart = ps;
        runEnd = pe;
      } else if (this.index.estimate(runStart, pe) <= limit) {
        runEnd = pe;
      } else {
        flush();
        runStart = ps;
        runEnd = pe;
      }
    }
    flush();
  }

  private blockPoints(a: number, b: number): number[] {
    const br = this.breaks;
    let lo = 0;
    let hi = br.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (br[mid]! <= a) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < br.length && br[i]! < b; i++) out.push(br[i]!);
    return out;
  }

  private separatorPoints(a: number, b: number, level: Level): number[] {
    const text = this.text;
    let out: number[] = [];
    for (const cur of level.cursors) {
      const len = cur.sep.length;
      for (let at = cur.next(text, a); at !== -1 && at + len < b; at = cur.next(text, at + len)) {
        out.push(at + len);
      }
    }
    if (level.cursors.length > 1) out.sort((x, y) => x - y);
    if (this.protect.length > 0) out = out.filter((p) => this.allowed(p, level.lineLevel));
    return out;
  }

  /** A cut at p is allowed unless p is strictly inside a protected range that fits whole (line cuts excepted). */
  private allowed(p: number, lineLevel: boolean): boolean {
    const i = this.rangeAround(p);
    return i < 0 || (lineLevel && this.oversize[i] === 1);
  }

  /** Move a token cut out of a protected range that fits whole: to its start if that makes progress, else its end. */
  private avoidProtected(start: number, cut: number): number {
    const i = this.rangeAround(cut);
    if (i < 0 || this.oversize[i] === 1) return cut;
    const s = this.protect[2 * i]!;
    return s > start ? s : this.protect[2 * i + 1]!;
  }

  /** Index of the protected range with start < p < end, or -1. */
  private rangeAround(p: number): number {
    const pr = this.protect;
    let lo = 0;
    let hi = pr.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pr[2 * mid + 1]! <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo < pr.length / 2 && pr[2 * lo]! < p ? lo : -1;
  }

  /** Last resort: cut every `limit` tokens. */
  private splitByTokens(a: number, b: number, out: number[]): void {
    const idx = this.index;
    let start = a;
    let t = idx.rank(a);
    while (start < b) {
      t += this.opts.limit;
      let cut = Math.min(idx.pos(t), b);
      while (cut <= start) cut = Math.min(idx.pos(++t), b); // tokens inside one character share its start
      cut = this.avoidProtected(start, cut);
      const ps = this.trimStart(start, cut);
      const pe = this.trimEnd(ps, cut);
      if (pe > ps) out.push(ps, pe);
      start = cut;
    }
  }
}
