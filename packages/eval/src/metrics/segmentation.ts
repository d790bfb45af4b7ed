import { SiftError } from '@sift/core';

/** Python 3 round(): halves go to the even neighbour (NLTK and segeval round the window this way). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A boundary sequence as NLTK takes it: a string of '0'/'1' or an array of 0/1, one entry per unit. */
export type BoundarySeq = string | ArrayLike<number>;

function toBits(seq: BoundarySeq, boundary: string): Uint8Array {
  const out = new Uint8Array(seq.length);
  for (let i = 0; i < seq.length; i++) {
    const v = typeof seq === 'string' ? seq[i] === boundary : (seq as ArrayLike<number>)[i] === 1;
    out[i] = v ? 1 : 0;
  }
  return out;
}

/**
 * Boundary sequence for `n` sentences split into segments that start at `starts` (sentence indices; 0 is implied):
 * bit i is 1 when a segment ends after sentence i. The last sentence never carries a bit.
 */
export function boundariesFromStarts(n: number, starts: readonly number[]): Uint8Array {
  const out = new Uint8Array(n);
  for (const s of starts) {
    if (!Number.isInteger(s) || s < 0 || s > n) {
      throw new SiftError('E_BAD_INPUT', `segment start ${s} is outside 0..${n}`, { details: { start: s, n } });
    }
    if (s > 0 && s < n) out[s - 1] = 1;
  }
  return out;
}

/** Half the mean reference segment length, rounded as NLTK/segeval do: the default Pk/WindowDiff window. */
export function defaultWindow(n: number, segments: number): number {
  return roundHalfEven(n / segments / 2);
}

function check(ref: Uint8Array, hyp: Uint8Array, k: number, what: string): void {
  if (ref.length !== hyp.length) {
    throw new SiftError('E_BAD_INPUT', `${what}: reference has ${ref.length} units, hypothesis ${hyp.length}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > ref.length) {
    throw new SiftError('E_BAD_INPUT', `${what}: window k=${k} must be an integer in 1..${ref.length}`);
  }
}

/**
 * Pk (Beeferman et al. 1999) exactly as NLTK's nltk.metrics.segmentation.pk: slide a window of k units and count
 * the windows where reference and hypothesis disagree on "contains a boundary". Without k, NLTK's default
 * round(len / (2 · #reference boundaries)).
 */
export function pk(ref: BoundarySeq, hyp: BoundarySeq, k?: number, boundary = '1'): number {
  const r = toBits(ref, boundary);
  const h = toBits(hyp, boundary);
  let kk = k;
  if (kk === undefined) {
    let nb = 0;
    for (const b of r) nb += b;
    if (nb === 0) throw new SiftError('E_BAD_INPUT', 'pk: the reference has no boundary, so the default window is undefined; pass k');
    kk = roundHalfEven(r.length / (nb * 2));
  }
  check(r, h, kk, 'pk');
  // Prefix sums make each window an O(1) lookup.
  const pr = prefix(r);
  const ph = prefix(h);
  let err = 0;
  const windows = r.length - kk + 1;
  for (let i = 0; i < windows; i++) {
    if (pr[i + kk]! - pr[i]! > 0 !== ph[i + kk]! - ph[i]! > 0) err++;
  }
  return err / windows;
}

/**
 * WindowDiff (Pevzner & Hearst 2002) as NLTK's windowdiff: the fraction of windows of k units in which the
 * reference and hypothesis hold a different number of boundaries (`weighted` sums the differences instead).
 */
export function windowDiff(ref: BoundarySeq, hyp: BoundarySeq, k: number, boundary = '1', weighted = false): number {
  const r = toBits(ref, boundary);
  const h = toBits(hyp, boundary);
  check(r, h, k, 'windowdiff');
  const pr = prefix(r);
  const ph = prefix(h);
  let wd = 0;
  const windows = r.length - k + 1;
  for (let i = 0; i < windows; i++) {
    const diff = Math.abs(pr[i + k]! - pr[i]! - (ph[i + k]! - ph[i]!));
    wd += weighted ? diff : Math.min(1, diff);
  }
  return wd / windows;
}

function prefix(bits: Uint8Array): Int32Array {
  const p = new Int32Array(bits.length + 1);
  for (let i = 0; i < bits.length; i++) p[i + 1] = p[i]! + bits[i]!;
  return p;
}
