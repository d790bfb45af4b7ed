import type { DocSpan } from '../datasets/qa-dataset.js';

/** Selected text per document as merged [start, end) intervals, so adjacent or overlapping chunks join up. */
export class SpanCoverage {
  private readonly byDoc = new Map<string, Array<[number, number]>>();

  constructor(spans: Iterable<{ docId: string; start: number; end: number }>) {
    const raw = new Map<string, Array<[number, number]>>();
    for (const s of spans) {
      const list = raw.get(s.docId) ?? [];
      list.push([s.start, s.end]);
      raw.set(s.docId, list);
    }
    for (const [doc, list] of raw) {
      list.sort((a, b) => a[0] - b[0]);
      const merged: Array<[number, number]> = [];
      for (const [s, e] of list) {
        const last = merged[merged.length - 1];
        if (last && s <= last[1]) last[1] = Math.max(last[1], e);
        else merged.push([s, e]);
      }
      this.byDoc.set(doc, merged);
    }
  }

  /** True when the whole span lies inside the selected text. */
  covers(span: DocSpan): boolean {
    const list = this.byDoc.get(span.docId);
    if (!list) return false;
    for (const [s, e] of list) if (s <= span.start && span.end <= e) return true;
    return false;
  }

  /** Fraction of the spans wholly covered; undefined for no spans. */
  fractionCovered(spans: readonly DocSpan[]): number | undefined {
    if (spans.length === 0) return undefined;
    let n = 0;
    for (const s of spans) if (this.covers(s)) n++;
    return n / spans.length;
  }
}
