import { createHash } from 'node:crypto';
import { SiftError } from '@sift/core';

/** One worker's slice of the input: documents whose id hashes to `index` modulo `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The whole input (a plain, unsharded add). */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Parses `--shard i/n` (0 ≤ i < n); anything else is one clear E_BAD_CONFIG line. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new SiftError('E_BAD_CONFIG', `--shard must be i/n with 0 ≤ i < n (e.g. 0/4), not "${text}"`, { details: { key: 'shard', value: text } });
  }
  return { index, count };
}

export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/**
 * Whether document `docId` belongs to shard `s`: the first 48 bits of its id's sha256, modulo n. It depends on the
 * id alone (a path relative to the input roots), so every worker, on any machine and in any file order, agrees.
 */
export function inShard(docId: string, s: Shard): boolean {
  if (s.count === 1) return true;
  const h = createHash('sha256').update(docId, 'utf8').digest().readUIntBE(0, 6);
  return h % s.count === s.index;
}
