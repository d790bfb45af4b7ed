import type { ByteRanks } from './_byte-ranks.js';
/** Rank of the bytes piece[start, end) as one token, or undefined when the vocabulary has no such token. */
export type RankOf = (start: number, end: number) => number | undefined;

const NONE = 0x7fffffff;

/**
 * Byte-pair merge of one pre-tokenizer piece in O(n log n): repeatedly merge the adjacent pair of parts whose
 * concatenation has the lowest rank, leftmost first on ties — exactly the rule of tiktoken and gpt-tokenizer, whose
 * own loop rescans every pair after each merge (quadratic: a 64 KB run of one letter took seconds, 50 MB never
 * ended). Parts live in a linked list over byte offsets; pairs sit in an indexed min-heap keyed by (rank, start), so
 * each merge costs two heap updates. Returns the parts as [start, end) pairs, flat; every part is a vocabulary token.
 */
export function mergeBytePairs(length: number, rankOf: RankOf, bytes?: Uint8Array): Int32Array {
  if (length === 0) return new Int32Array(0);
  // With the bytes, each part's token id is known (a byte's own rank, then the rank of the pair it was merged
  // from), and a pair's rank depends only on its two ids: cache it, since a piece repeats few distinct pairs.
  const ids = bytes ? new Int32Array(length) : undefined;
  const pairCache = new Map<number, number>();
  if (ids && bytes) {
    const byteIds = new Int32Array(256).fill(-1);
    for (let p = 0; p < length; p++) {
      const v = bytes[p]!;
      if (byteIds[v] === -1) byteIds[v] = rankOf(p, p + 1) ?? NONE;
      ids[p] = byteIds[v]!;
    }
  }
  const pairRank = (p: number, q: number, end: number): number => {
    if (!ids || ids[p] === NONE || ids[q] === NONE) return rankOf(p, end) ?? NONE;
    const key = ids[p]! * 262144 + ids[q]!;
    let r = pairCache.get(key);
    if (r === undefined) {
      r = rankOf(p, end) ?? NONE;
      pairCache.set(key, r);
    }
    return r;
  };
  const next = new Int32Array(length); // start of the following part (length for the last)
  const prev = new Int32Array(length); // start of the preceding part (-1 for the first)
  const rank = new Int32Array(length); // rank of the pair that starts at this part (NONE when it is no token)
  const heap = new Int32Array(length); // part starts, ordered by (rank, start)
  const where = new Int32Array(length).fill(-1); // heap slot of each part start, -1 when absent
  let size = 0;

  const less = (x: number, y: number) => rank[x]! < rank[y]! || (rank[x] === rank[y] && x < y);
  const place = (slot: number, p: number) => {
    heap[slot] = p;
    where[p] = slot;
  };
  const siftUp = (slot: number) => {
    const p = heap[slot]!;
    while (slot > 0) {
      const up = (slot - 1) >> 1;
      if (!less(p, heap[up]!)) break;
      place(slot, heap[up]!);
      slot = up;
    }
    place(slot, p);
  };
  const siftDown = (slot: number) => {
    const p = heap[slot]!;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= size) break;
      if (child + 1 < size && less(heap[child + 1]!, heap[child]!)) child++;
      if (!less(heap[child]!, p)) break;
      place(slot, heap[child]!);
      slot = child;
    }
    place(slot, p);
  };
  const remove = (p: number) => {
    const slot = where[p]!;
    if (slot < 0) return;
    where[p] = -1;
    size--;
    if (slot === size) return;
    const moved = heap[size]!;
    place(slot, moved);
    siftUp(slot);
    siftDown(where[moved]!);
  };
  // Re-rank the pair starting at part p after its right end moved, and fix its place in the heap.
  const rerank = (p: number) => {
    const mid = next[p]!;
    const r = mid < length ? pairRank(p, mid, next[mid]!) : NONE;
    rank[p] = r;
    if (r === NONE) remove(p);
    else if (where[p]! < 0) {
      place(size++, p);
      siftUp(size - 1);
    } else {
      siftUp(where[p]!);
      siftDown(where[p]!);
    }
  };

  for (let p = 0; p < length; p++) {
    next[p] = p + 1;
    prev[p] = p - 1;
  }
  for (let p = 0; p + 1 < length; p++) {
    const r = pairRank(p, p + 1, p + 2);
    rank[p] = r;
    if (r !== NONE) heap[size++] = p;
  }
  rank[length - 1] = NONE;
  // Heapify bottom-up (O(n)).
  for (let s = 0; s < size; s++) where[heap[s]!] = s;
  for (let s = (size >> 1) - 1; s >= 0; s--) siftDown(s);

  let parts = length;
  while (size > 0) {
    const p = heap[0]!;
    const q = next[p]!; // absorbed into p
    remove(q);
    next[p] = next[q]!;
    if (next[p]! < length) prev[next[p]!] = p;
    if (ids) ids[p] = rank[p]!;
    parts--;
    rerank(p);
    if (prev[p]! >= 0) rerank(prev[p]!);
  }

  const out = new Int32Array(2 * parts);
  let k = 0;
  for (let p = 0; p < length; p = next[p]!) {
    out[k++] = p;
    out[k++] = next[p]!;
  }
  return out;
}

/** Longest piece (in characters of an ASCII piece, bytes otherwise) {@link mergeShortAscii} and {@link mergeShortBytes} take; longer ones go through the heap merge. */
export const SHORT_PIECE = 64;
// Scratch for mergeShort (synchronous, never re-entered): part ids, rank of each adjacent pair.
const partIds = new Int32Array(SHORT_PIECE + 1);
const pairRanks = new Int32Array(SHORT_PIECE + 1);

/**
 * Byte-pair merge of a short ASCII piece (≤ {@link SHORT_PIECE} characters, each one a byte), returning its
 * token ids: the same rule as {@link mergeBytePairs} (lowest rank, leftmost first) as tiktoken writes it, a scan of
 * the pairs per merge over small reused arrays. Most pieces that need merging are words of a few letters, where the
 * heap's set-up (six arrays and a map per piece) cost more than the merging. `ranks`: the vocabulary, whose pair
 * table gives each candidate pair's rank from the ids of its two parts.
 */
export function mergeShortAscii(input: string, ranks: ByteRanks): number[] {
  const n = input.length;
  if (n > SHORT_PIECE) throw new Error(`mergeShortAscii: piece of ${n} characters (at most ${SHORT_PIECE})`);
  for (let i = 0; i < n; i++) partIds[i] = ranks.rank(input, i, i + 1);
  return mergeShort(n, ranks);
}

/** {@link mergeShortAscii} for the UTF-8 bytes `bytes[0, n)` of any piece (n ≤ {@link SHORT_PIECE}). */
export function mergeShortBytes(bytes: Uint8Array, n: number, ranks: ByteRanks): number[] {
  if (n > SHORT_PIECE) throw new Error(`mergeShortBytes: piece of ${n} bytes (at most ${SHORT_PIECE})`);
  for (let i = 0; i < n; i++) partIds[i] = ranks.rankBytes(bytes, i, i + 1);
  return mergeShort(n, ranks);
}

/**
 * The merge of a piece of n bytes whose single-byte ids are in `partIds` (-1: no such token). A merged pair's rank
 * is the id of the merged token (as in cl100k and o200k), so ids come out without a final lookup; each pair's rank
 * comes from the two parts' ids (`ByteRanks.pairRank`), not from the piece's bytes.
 */
function mergeShort(n: number, ranks: ByteRanks): number[] {
  const rankOf = (x: number, y: number): number => {
    const r = ranks.pairRank(x, y);
    return r < 0 ? NONE : r;
  };
  for (let i = 0; i < n; i++) if (partIds[i]! < 0) throw new Error(`no token for byte ${i} of a piece`);
  for (let i = 0; i + 1 < n; i++) pairRanks[i] = rankOf(partIds[i]!, partIds[i + 1]!);
  let parts = n;
  while (parts > 1) {
    let best = NONE;
    let at = -1;
    for (let k = 0; k + 1 < parts; k++) {
      if (pairRanks[k]! < best) {
        best = pairRanks[k]!;
        at = k;
      }
    }
    if (at < 0) break;
    // Part at+1 joins part at: shift the later parts (and their pairs) down by one.
    partIds[at] = best;
    for (let k = at + 1; k < parts; k++) {
      partIds[k] = partIds[k + 1]!;
      pairRanks[k] = pairRanks[k + 1]!;
    }
    parts--;
    pairRanks[at] = at + 1 < parts ? rankOf(partIds[at]!, partIds[at + 1]!) : NONE;
    if (at > 0) pairRanks[at - 1] = rankOf(partIds[at - 1]!, partIds[at]!);
  }
  const ids = new Array<number>(parts);
  for (let k = 0; k < parts; k++) ids[k] = partIds[k]!;
  return ids;
}
