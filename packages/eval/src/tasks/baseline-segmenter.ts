import { SiftError, type Segmenter } from '@sift/core';

export const BASELINE_SEGMENTERS = ['baseline:none', 'baseline:all', 'baseline:even'] as const;

/**
 * Choi's reference baselines as segmenters: no boundaries, a boundary after every sentence, and (with a known
 * number of segments) equal-length segments. They give a floor any real segmenter must beat.
 */
export function baselineSegmenter(name: string): Segmenter | undefined {
  switch (name) {
    case 'baseline:none':
      return { name, segment: () => Promise.resolve([]) };
    case 'baseline:all':
      return { name, segment: (s) => Promise.resolve(s.map((_, i) => i).slice(1)) };
    case 'baseline:even':
      return {
        name,
        segment(s, opts = {}) {
          if (opts.k === undefined) {
            return Promise.reject(new SiftError('E_BAD_CONFIG', 'segmenter baseline:even needs the number of segments (--known-k)', { details: { key: 'knownK' } }));
          }
          const k = Math.max(1, Math.min(opts.k, s.length));
          const out: number[] = [];
          for (let j = 1; j < k; j++) out.push(Math.round((j * s.length) / k));
          return Promise.resolve(out);
        },
      };
    default:
      return undefined;
  }
}
