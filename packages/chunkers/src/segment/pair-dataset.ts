import { SiftError } from '@sift/core';
import { seededRandom } from './seeded-random.js';

/** A training document: its sentences grouped by paragraph (a paragraph break is a segment boundary). */
export interface PairCorpusDoc {
  id: string;
  /** Which corpus it came from (reported per source). */
  source: string;
  paragraphs: string[][];
}

/**
 * One labelled pair: `same` is 1 when b follows a in the same paragraph, 0 across a paragraph or document break.
 * `a` is the run of sentences ending at the gap and `b` the run starting after it (one sentence each at context 1).
 */
export interface SentencePair {
  a: string[];
  b: string[];
  same: 0 | 1;
  source: string;
  /** Document the pair was drawn from; held-out splits are by document so no text leaks into the test set. */
  docId: string;
}

export interface PairDatasetOptions {
  seed?: number;
  /** Share of documents held out for accuracy (default 0.1). */
  holdOut?: number;
  /** Cap on positive pairs taken from one document (keeps long speeches from dominating). */
  maxPositivesPerDoc?: number;
  /** Sentences on each side of a gap, taken within the paragraph (1 = SAGE's sentence pairs). */
  context?: number;
}

/**
 * Builds balanced same/different pairs: positives are consecutive sentences within a paragraph; negatives are
 * consecutive sentences across a paragraph break of the same document, plus the last sentence of a paragraph
 * followed by the first sentence of a paragraph from another random document, until classes are balanced.
 * Documents are split into train and held-out sets before any pair is made.
 */
export function buildPairDataset(docs: readonly PairCorpusDoc[], opts: PairDatasetOptions = {}): { train: SentencePair[]; test: SentencePair[] } {
  const rand = seededRandom(opts.seed ?? 1);
  const holdOut = opts.holdOut ?? 0.1;
  const usable = docs.filter((d) => d.paragraphs.some((p) => p.length > 0));
  if (usable.length < 2) throw new SiftError('E_BAD_INPUT', `pair dataset needs at least 2 non-empty documents, got ${usable.length}`);
  const shuffled = shuffle([...usable], rand);
  const nTest = Math.max(1, Math.round(shuffled.length * holdOut));
  const split = (set: PairCorpusDoc[]) => makePairs(set, rand, opts.maxPositivesPerDoc ?? Infinity, opts.context ?? 1);
  return { test: split(shuffled.slice(0, nTest)), train: split(shuffled.slice(nTest)) };
}

function makePairs(docs: PairCorpusDoc[], rand: () => number, maxPos: number, c: number): SentencePair[] {
  const before = (para: string[], i: number) => para.slice(Math.max(0, i - c + 1), i + 1);
  const after = (para: string[], i: number) => para.slice(i, i + c);
  const pos: SentencePair[] = [];
  const neg: SentencePair[] = [];
  for (const d of docs) {
    const paras = d.paragraphs.filter((p) => p.length > 0);
    const docPos: SentencePair[] = [];
    for (let p = 0; p < paras.length; p++) {
      const para = paras[p]!;
      for (let i = 0; i + 1 < para.length; i++) docPos.push({ a: before(para, i), b: after(para, i + 1), same: 1, source: d.source, docId: d.id });
      const next = paras[p + 1];
      if (next) neg.push({ a: before(para, para.length - 1), b: after(next, 0), same: 0, source: d.source, docId: d.id });
    }
    pos.push(...(docPos.length > maxPos ? shuffle(docPos, rand).slice(0, maxPos) : docPos));
  }
  // Cross-document negatives: end of a paragraph, then the start of a paragraph from another document.
  for (let tries = 0; neg.length < pos.length && tries < pos.length * 4; tries++) {
    const da = docs[Math.floor(rand() * docs.length)]!;
    const db = docs[Math.floor(rand() * docs.length)]!;
    if (da === db) continue;
    const pa = pick(da.paragraphs.filter((p) => p.length > 0), rand);
    const pb = pick(db.paragraphs.filter((p) => p.length > 0), rand);
    neg.push({ a: before(pa, pa.length - 1), b: after(pb, 0), same: 0, source: da.source === db.source ? da.source : 'mixed', docId: da.id });
  }
  const n = Math.min(pos.length, neg.length);
  return shuffle([...shuffle(pos, rand).slice(0, n), ...shuffle(neg, rand).slice(0, n)], rand);
}

function pick<T>(xs: readonly T[], rand: () => number): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

export function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
