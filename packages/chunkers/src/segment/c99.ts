import { SiftError, type RunOptions, type Segmenter } from '@sift/core';
import { stemmer } from 'stemmer';
import { z } from 'zod';
import { checkSegmentInput } from './check-segment-input.js';
import { ENGLISH_STOPWORDS } from './stopwords-en.js';

export const C99OptionsSchema = z
  .object({
    /** Side of the square rank mask (Choi: 11). */
    rankMask: z.number().int().min(1).default(11),
    /** Stop rule threshold μ + c·σ on the smoothed density gradient (Choi: c = 1.2). */
    c: z.number().default(1.2),
    /** Words dropped before stemming (lowercase); defaults to NLTK's English list. */
    stopwords: z.array(z.string()).optional(),
  })
  .strict();
export type C99Options = z.input<typeof C99OptionsSchema>;

/**
 * Choi (2000) C99, following Choi's own Java implementation (uk.ac.man.cs.choif.nlp.seg.linear.C99): stemmed,
 * stopword-free term-count cosine matrix → rank transform in an 11×11 mask (share of neighbours with a lower value,
 * centre excluded) → divisive clustering that maximises inside density D = Σ s_k / Σ a_k → stop when the gradient
 * of D, smoothed with the mask {1,2,4,8,4,2,1}, first falls to μ + c·σ or below; or exactly k segments when known.
 */
export class C99Segmenter implements Segmenter {
  readonly name = 'c99';
  readonly options: z.output<typeof C99OptionsSchema>;

  constructor(options: C99Options = {}) {
    const parsed = C99OptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `c99 options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    this.options = parsed.data;
    this.stopwords = parsed.data.stopwords ? new Set(parsed.data.stopwords) : ENGLISH_STOPWORDS;
  }
  private readonly stopwords: ReadonlySet<string>;

  async segment(sentences: string[], opts: RunOptions & { k?: number } = {}): Promise<number[]> {
    checkSegmentInput(sentences, opts.k, this.name);
    return c99FromSimilarity(bagOfStemsCosine(sentences, this.stopwords), sentences.length, { ...this.options, k: opts.k });
  }
}

/** Lowercased whitespace tokens made only of letters (after trimming punctuation), minus stopwords, Porter-stemmed. */
export function stemTokens(sentence: string, stopwords: ReadonlySet<string> = ENGLISH_STOPWORDS): string[] {
  const out: string[] = [];
  for (const raw of sentence.toLowerCase().split(/\s+/)) {
    const token = raw.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    if (token === '' || !/^\p{L}+$/u.test(token) || stopwords.has(token)) continue;
    out.push(stemmer(token));
  }
  return out;
}

/** Row-major n×n cosine matrix of stem-count vectors (0 where a sentence has no content word). */
export function bagOfStemsCosine(sentences: readonly string[], stopwords: ReadonlySet<string> = ENGLISH_STOPWORDS): Float64Array {
  const n = sentences.length;
  const ids = new Map<string, number>();
  const postings: Array<Array<[number, number]>> = [];
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const counts = new Map<number, number>();
    for (const stem of stemTokens(sentences[i]!, stopwords)) {
      let id = ids.get(stem);
      if (id === undefined) {
        ids.set(stem, (id = ids.size));
        postings.push([]);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, c] of counts) {
      postings[id]!.push([i, c]);
      norms[i]! += c * c;
    }
  }
  const sim = new Float64Array(n * n);
  for (const list of postings) {
    for (const [i, ci] of list) for (const [j, cj] of list) sim[i * n + j]! += ci * cj;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(norms[i]! * norms[j]!);
      sim[i * n + j] = d > 0 ? sim[i * n + j]! / d : 0;
    }
  }
  return sim;
}

/** Choi's rank transform: each cell becomes the share of the other cells in its mask that hold a lower value. */
export function rankTransform(sim: Float64Array, n: number, mask: number): Float64Array {
  const half = mask % 2 === 1 ? (mask - 1) / 2 : (mask - 2) / 2;
  const rank = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const i0 = Math.max(0, i - half);
    const i1 = Math.min(n, i + half + 1);
    for (let j = 0; j <= i; j++) {
      const v = sim[i * n + j]!;
      const j0 = Math.max(0, j - half);
      const j1 = Math.min(n, j + half + 1);
      const area = (i1 - i0) * (j1 - j0) - 1;
      let lower = 0;
      for (let a = i0; a < i1; a++) for (let b = j0; b < j1; b++) if (v > sim[a * n + b]!) lower++;
      const r = area > 0 ? lower / area : 0;
      rank[i * n + j] = r;
      rank[j * n + i] = r;
    }
  }
  return rank;
}

/** Runs rank transform, clustering and the stop rule on a ready similarity matrix (row-major n×n). */
export function c99FromSimilarity(sim: Float64Array, n: number, o: { rankMask: number; c: number; k?: number | undefined }): number[] {
  if (n < 2 || o.k === 1) return [];
  const rank = rankTransform(sim, n, o.rankMask);
  const block = blockSums(rank, n);
  const { order, gains } = divisiveClustering(block, n, o.k === undefined ? n - 1 : o.k - 1);
  let count: number;
  if (o.k !== undefined) count = order.length;
  else {
    const smooth = convolveNormalised(gains, [1, 2, 4, 8, 4, 2, 1]);
    let mean = 0;
    for (const g of smooth) mean += g;
    mean /= smooth.length;
    let v = 0;
    for (const g of smooth) v += (g - mean) ** 2;
    const threshold = mean + o.c * Math.sqrt(v / smooth.length);
    count = 0;
    while (count < smooth.length && smooth[count]! > threshold) count++;
  }
  return order.slice(0, count).sort((a, b) => a - b);
}

/** Sum of the rank matrix over the square block [a..b]×[a..b], from 2-D prefix sums. */
type BlockSum = (a: number, b: number) => number;

function blockSums(m: Float64Array, n: number): BlockSum {
  const w = n + 1;
  const p = new Float64Array(w * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) p[(i + 1) * w + j + 1] = m[i * n + j]! + p[i * w + j + 1]! + p[(i + 1) * w + j]! - p[i * w + j]!;
  }
  return (a, b) => p[(b + 1) * w + b + 1]! - p[a * w + b + 1]! - p[(b + 1) * w + a]! + p[a * w + a]!;
}

interface Region {
  start: number;
  end: number;
  sum: number;
  area: number;
  /** Best split: the right part starts here (−1 when the region is one sentence). */
  split: number;
  left?: Region;
  right?: Region;
}

function region(start: number, end: number, s: BlockSum): Region {
  const r: Region = { start, end, sum: s(start, end), area: (end - start + 1) ** 2, split: -1 };
  if (start < end) {
    // Choi scans candidate splits from the right and keeps the first strict maximum (ties → rightmost).
    let best = start;
    let dMax = 0;
    for (let i = end - 1; i >= start; i--) {
      const lo = i - start + 1;
      const up = end - i;
      const d = (s(start, i) + s(i + 1, end)) / (lo * lo + up * up);
      if (d > dMax) {
        dMax = d;
        best = i;
      }
    }
    r.split = best + 1;
  }
  return r;
}

/** Greedy top-down splitting; returns boundaries in the order they were chosen and the density gain of each. */
function divisiveClustering(s: BlockSum, n: number, steps: number): { order: number[]; gains: number[] } {
  const regions: Region[] = [region(0, n - 1, s)];
  let sumRegion = regions[0]!.sum;
  let sumArea = regions[0]!.area;
  let density = sumRegion / sumArea;
  const order: number[] = [];
  const gains: number[] = [];
  for (let step = 0; step < steps; step++) {
    let best = -1;
    let maxD = -Infinity;
    for (let j = regions.length - 1; j >= 0; j--) {
      const r = regions[j]!;
      if (r.split < 0) continue;
      r.left ??= region(r.start, r.split - 1, s);
      r.right ??= region(r.split, r.end, s);
      const d = (sumRegion - r.sum + r.left.sum + r.right.sum) / (sumArea - r.area + r.left.area + r.right.area);
      if (d > maxD) {
        maxD = d;
        best = j;
      }
    }
    if (best < 0) break;
    const r = regions[best]!;
    regions.splice(best, 1, r.left!, r.right!);
    order.push(r.split);
    gains.push(maxD - density);
    density = maxD;
    sumRegion += r.left!.sum + r.right!.sum - r.sum;
    sumArea += r.left!.area + r.right!.area - r.area;
  }
  return { order, gains };
}

/** Choi's Statx.convolve: centred mask, normalised by the weights that fall inside the signal. */
function convolveNormalised(v: readonly number[], mask: readonly number[]): number[] {
  const mid = Math.floor(mask.length / 2);
  return v.map((_, i) => {
    let sum = 0;
    let w = 0;
    for (let j = 0; j < mask.length; j++) {
      const k = i - mid + j;
      if (k >= 0 && k < v.length) {
        sum += v[k]! * mask[j]!;
        w += mask[j]!;
      }
    }
    return sum / w;
  });
}
