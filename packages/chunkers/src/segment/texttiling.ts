import { SiftError, type RunOptions, type Segmenter } from '@sift/core';
import { z } from 'zod';
import { depthScores, meanStd, pickDeepGaps, rankByDepth, suppressNear } from './depth-scores.js';
import { ENGLISH_STOPWORDS } from './stopwords-en.js';
import { joinSentences } from './join-sentences.js';
import { checkSegmentInput } from './check-segment-input.js';

export const TextTilingOptionsSchema = z
  .object({
    /** Pseudo-sentence size in words. */
    w: z.number().int().min(1).default(20),
    /** Block size in pseudo-sentences on each side of a gap. */
    blockSize: z.number().int().min(1).default(10),
    smoothingWidth: z.number().int().min(0).default(2),
    smoothingRounds: z.number().int().min(0).default(1),
    /** HC: cutoff mean − sd/2 (NLTK default); LC: mean − sd. */
    cutoff: z.enum(['HC', 'LC']).default('HC'),
    /**
     * Depth a gap needs on top of the cutoff. 0 is NLTK: its relative cutoff finds boundaries in any text whose
     * depths vary at all, even one topic; a floor such as 0.05 stops that.
     */
    minDepth: z.number().min(0).default(0),
    /**
     * How a pseudo-sentence gap finds its place in the text before snapping to the nearest sentence boundary.
     * 'nltk' counts whitespace-separated words as NLTK's _normalize_boundaries does (gap g ≈ word max(g, 1)·w);
     * 'offset' uses the start of the first word after the gap.
     */
    gapPosition: z.enum(['nltk', 'offset']).default('nltk'),
  })
  .strict();
export type TextTilingOptions = z.input<typeof TextTilingOptionsSchema>;

/** Intermediate curves, for plots and tests. */
export interface TextTilingTrace {
  gapScores: Float64Array;
  smoothed: Float64Array;
  depth: Float64Array;
  /** Gap indices picked as boundaries (before snapping). */
  gaps: number[];
  boundaries: number[];
}

/**
 * Hearst's TextTiling as NLTK's TextTilingTokenizer implements it (block comparison, flat smoothing, depth scores,
 * HC/LC cutoff, suppression of boundaries closer than 4 gaps), with sentences as the units that boundaries snap to.
 */
export class TextTilingSegmenter implements Segmenter {
  readonly name = 'texttiling';
  readonly options: z.output<typeof TextTilingOptionsSchema>;

  constructor(options: TextTilingOptions = {}) {
    const parsed = TextTilingOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new SiftError('E_BAD_CONFIG', `texttiling options: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
    }
    this.options = parsed.data;
  }

  async segment(sentences: string[], opts: RunOptions & { k?: number } = {}): Promise<number[]> {
    checkSegmentInput(sentences, opts.k, this.name);
    return this.trace(sentences, opts.k).boundaries;
  }

  /** Runs the algorithm synchronously and returns every intermediate curve. */
  trace(sentences: readonly string[], k?: number): TextTilingTrace {
    const o = this.options;
    const { text, starts } = joinSentences(sentences);
    const tokens = nltkWords(text);
    // Pseudo-sentences are cut before stopwords are dropped, as in NLTK.
    const seqCount = Math.ceil(tokens.length / o.w);
    const termIds = new Map<string, number>();
    const seqs: Map<number, number>[] = [];
    for (let s = 0; s < seqCount; s++) {
      const counts = new Map<number, number>();
      for (let t = s * o.w; t < Math.min((s + 1) * o.w, tokens.length); t++) {
        const word = tokens[t]!.word;
        if (ENGLISH_STOPWORDS.has(word)) continue;
        let id = termIds.get(word);
        if (id === undefined) termIds.set(word, (id = termIds.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      seqs.push(counts);
    }
    const gapScores = blockComparison(seqs, o.blockSize);
    let smoothed = gapScores;
    for (let r = 0; r < o.smoothingRounds; r++) smoothed = nltkSmooth(smoothed, o.smoothingWidth + 1);
    const depth = depthScores(smoothed);
    const empty = { gapScores, smoothed, depth, gaps: [], boundaries: [] };
    if (gapScores.length === 0 || (k !== undefined && k <= 1)) return empty;

    let gaps: number[];
    if (k === undefined) {
      const { mean, std } = meanStd(depth);
      gaps = pickDeepGaps(depth, Math.max(o.cutoff === 'LC' ? mean - std : mean - std / 2, o.minDepth));
    } else {
      // Known k: deepest gaps first (same 4-gap suppression), then the rest by depth, until k−1 distinct
      // sentence boundaries.
      const ranked = rankByDepth(depth);
      gaps = [...suppressNear(ranked, 4), ...ranked];
    }
    const positions = o.gapPosition === 'nltk' ? nltkGapPositions(text, gapScores.length, o.w) : offsetGapPositions(tokens, gapScores.length, o.w);
    const boundaries: number[] = [];
    const used: number[] = [];
    for (const g of gaps) {
      const b = nearestSentenceStart(positions[g]!, starts);
      if (b > 0 && !boundaries.includes(b)) {
        boundaries.push(b);
        used.push(g);
      }
      if (k !== undefined && boundaries.length >= k - 1) break;
    }
    if (k !== undefined && boundaries.length < k - 1) fillRemaining(boundaries, k - 1, sentences.length);
    return { gapScores, smoothed, depth, gaps: used.sort((a, b) => a - b), boundaries: boundaries.sort((a, b) => a - b) };
  }
}

interface WordToken {
  word: string;
  start: number;
}

/**
 * NLTK's tokenisation: lowercase, delete every character outside [a-z\-' \n\t], then take \w+ runs. Deleted
 * characters are transparent ("U.S." → "us") while '-', "'" and whitespace separate words.
 */
export function nltkWords(text: string): WordToken[] {
  const out: WordToken[] = [];
  let word = '';
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const lower = text[i]!.toLowerCase();
    for (const c of lower) {
      if (c >= 'a' && c <= 'z') {
        if (word === '') start = i;
        word += c;
      } else if (c === '-' || c === "'" || c === ' ' || c === '\n' || c === '\t') {
        if (word !== '') out.push({ word, start });
        word = '';
      }
    }
  }
  if (word !== '') out.push({ word, start });
  return out;
}

/** Cosine of term counts of the k pseudo-sentences before and after each gap (windows shrink at the edges). */
function blockComparison(seqs: Map<number, number>[], k: number): Float64Array {
  const numGaps = Math.max(seqs.length - 1, 0);
  const scores = new Float64Array(numGaps);
  for (let g = 0; g < numGaps; g++) {
    const size = g < k - 1 ? g + 1 : g > numGaps - k ? numGaps - g : k;
    const b1 = sumCounts(seqs, g - size + 1, g + 1);
    const b2 = sumCounts(seqs, g + 1, g + size + 1);
    let dot = 0;
    let n1 = 0;
    let n2 = 0;
    for (const [t, c] of b1) {
      n1 += c * c;
      dot += c * (b2.get(t) ?? 0);
    }
    for (const c of b2.values()) n2 += c * c;
    scores[g] = n1 > 0 && n2 > 0 ? dot / Math.sqrt(n1 * n2) : 0;
  }
  return scores;
}

function sumCounts(seqs: Map<number, number>[], from: number, to: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let s = Math.max(from, 0); s < Math.min(to, seqs.length); s++) {
    for (const [t, c] of seqs[s]!) out.set(t, (out.get(t) ?? 0) + c);
  }
  return out;
}

/**
 * The SciPy-cookbook flat smoother NLTK ships, including its padding (2·x0 − x[L..2] on the left, 2·x_end − x[end..]
 * on the right) and numpy 'same' alignment. Curves no longer than the window are returned unchanged
 * (NLTK raises there).
 */
export function nltkSmooth(x: Float64Array, windowLen: number): Float64Array {
  const n = x.length;
  if (windowLen < 3 || n <= windowLen) return x;
  const L = windowLen;
  const s: number[] = [];
  for (let i = L; i >= 2; i--) s.push(2 * x[0]! - x[i]!);
  for (let i = 0; i < n; i++) s.push(x[i]!);
  for (let i = n - 1; i >= n - L + 1; i--) s.push(2 * x[n - 1]! - x[i]!);
  const out = new Float64Array(n);
  const half = Math.floor((L - 1) / 2);
  for (let t = 0; t < n; t++) {
    // y[L−1+t] of numpy.convolve(s, ones(L)/L, 'same') sums s[t+half .. t+half+L−1].
    let sum = 0;
    for (let j = t + half; j < t + half + L; j++) sum += s[j]!;
    out[t] = sum / L;
  }
  return out;
}

/** Character position NLTK assigns to each gap: where the whitespace word count first exceeds max(g·w, w). */
function nltkGapPositions(text: string, numGaps: number, w: number): number[] {
  const pos: number[] = [];
  let charCount = 0;
  let wordCount = 0;
  let seenWord = false;
  for (const ch of text) {
    charCount += ch.length;
    const space = ch === ' ' || ch === '\t' || ch === '\n';
    if (space && seenWord) {
      seenWord = false;
      wordCount++;
    }
    if (!space && !seenWord) seenWord = true;
    if (pos.length < numGaps && wordCount > Math.max(pos.length * w, w)) pos.push(charCount);
  }
  while (pos.length < numGaps) pos.push(text.length);
  return pos;
}

function offsetGapPositions(tokens: readonly WordToken[], numGaps: number, w: number): number[] {
  return Array.from({ length: numGaps }, (_, g) => tokens[(g + 1) * w]?.start ?? tokens[tokens.length - 1]!.start);
}

/** Index of the sentence whose start (its preceding separator) is nearest to `pos`; the earlier one wins ties. */
function nearestSentenceStart(pos: number, starts: readonly number[]): number {
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < starts.length; i++) {
    const br = i === 0 ? 0 : starts[i]! - 1;
    const d = Math.abs(br - pos);
    if (d < bestDist) {
      bestDist = d;
      best = i;
    } else break;
  }
  return best;
}

/** Known k but fewer distinct snapped boundaries than k−1 (short text): add the first unused sentence starts. */
function fillRemaining(boundaries: number[], want: number, n: number): void {
  for (let b = 1; boundaries.length < want && b < n; b++) if (!boundaries.includes(b)) boundaries.push(b);
}
