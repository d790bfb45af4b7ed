import { crc32 } from 'node:zlib';
import { SiftError } from '@sift/core';
import { z } from 'zod';
import { Bm25OptionsSchema, type ResolvedBm25Options } from './bm25-options.js';

/**
 * `bm25.bin`, little-endian:
 *   "SIFTBM25" | u32 format version | u32 header bytes | header JSON | pad to 4
 *   u32 docLens[rows] | u32 idOffsets[rows+1] | u32 termOffsets[terms+1] | u32 postOffsets[terms+1]
 *   u32 postRows[postings] | u32 termSlots[header.termSlots] (version 2) | u16|u32 postTfs[postings] | pad to 4
 *   UTF-8 ids | UTF-8 terms | pad to 4 | u32 CRC-32 of everything before it
 * Version 2 keeps terms in the order they were first added and finds them through `termSlots`, an open-addressed
 * table (a power of two, more slots than terms) holding 1 + the term's index at the first free slot from
 * {@link termHash}(term), 0 where empty: a writer never sorts its dictionary (a cold sort of a 45k-term dictionary was
 * half of encoding one). Version 1 (still read) has sorted terms (UTF-16 order), binary-searched. Id and term offsets
 * count UTF-16 units into the decoded blob. Postings of a term are in ascending row order.
 */
export const BM25_MAGIC = 'SIFTBM25';
export const BM25_FORMAT_VERSION = 2;
/** The oldest format this build reads. */
const OLDEST_FORMAT_VERSION = 1;

/** FNV-1a over a string's UTF-16 code units: where {@link Bm25Snapshot.termSlots} starts looking for a term. */
export function termHash(s: string, start = 0, end = s.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The slot table of version 2 for a string table (see the file layout above). */
export function termSlotsOf(terms: StringTable): Uint32Array {
  const n = terms.offsets.length - 1;
  let size = 4;
  while (size < 2 * n) size *= 2;
  const slots = new Uint32Array(size);
  const mask = size - 1;
  for (let t = 0; t < n; t++) {
    let at = termHash(terms.blob, terms.offsets[t]!, terms.offsets[t + 1]!) & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = t + 1;
  }
  return slots;
}

/**
 * The index of `term` in a table with slots ({@link termSlotsOf}), -1 when absent. The file's checksum vouches for the
 * table; the probe still stops after every slot, so a table without an empty slot cannot make it spin.
 */
export function findTerm(terms: StringTable, slots: Uint32Array, term: string): number {
  const mask = slots.length - 1;
  const { blob, offsets } = terms;
  let at = termHash(term) & mask;
  for (let probes = 0; probes < slots.length; probes++, at = (at + 1) & mask) {
    const s = slots[at]!;
    if (s === 0) return -1;
    const from = offsets[s - 1];
    if (from !== undefined && offsets[s]! - from === term.length && blob.startsWith(term, from)) return s - 1;
  }
  return -1;
}

const HeaderSchema = z.object({
  generation: z.number().int().nonnegative(),
  options: Bm25OptionsSchema,
  rows: z.number().int().nonnegative(),
  terms: z.number().int().nonnegative(),
  postings: z.number().int().nonnegative(),
  totalLength: z.number().nonnegative(),
  idBytes: z.number().int().nonnegative(),
  termBytes: z.number().int().nonnegative(),
  tfBits: z.union([z.literal(16), z.literal(32)]),
  /** Version 2: the length of `termSlots`. */
  termSlots: z.number().int().nonnegative().optional(),
});

/** A string table: all strings concatenated, with offsets (UTF-16 units) of each start plus the end. */
export interface StringTable {
  blob: string;
  offsets: Uint32Array;
}

/** The i-th string of a table. */
export const tableAt = (t: StringTable, i: number): string => t.blob.substring(t.offsets[i]!, t.offsets[i + 1]!);

/** Packs strings into a table. */
export function tableOf(strings: readonly string[]): StringTable {
  const offsets = new Uint32Array(strings.length + 1);
  let n = 0;
  strings.forEach((s, i) => {
    n += s.length;
    offsets[i + 1] = n;
  });
  return { blob: strings.join(''), offsets };
}

export interface Bm25Snapshot {
  generation: number;
  options: ResolvedBm25Options;
  totalLength: number;
  docLens: Uint32Array;
  ids: StringTable;
  terms: StringTable;
  /** Where each term is ({@link termSlotsOf}); null for a version 1 file, whose terms are sorted instead. */
  termSlots: Uint32Array | null;
  postOffsets: Uint32Array;
  postRows: Uint32Array;
  postTfs: Uint16Array | Uint32Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export function encodeBm25(s: Bm25Snapshot): Uint8Array {
  const rows = s.docLens.length;
  const terms = s.terms.offsets.length - 1;
  const postings = s.postRows.length;
  const enc = new TextEncoder();
  const termSlots = s.termSlots ?? termSlotsOf(s.terms);
  const idBytes = enc.encode(s.ids.blob);
  const termBytes = enc.encode(s.terms.blob);
  const tfBits = s.postTfs instanceof Uint16Array ? 16 : 32;
  const header = enc.encode(
    JSON.stringify({
      generation: s.generation,
      options: s.options,
      rows,
      terms,
      postings,
      totalLength: s.totalLength,
      idBytes: idBytes.length,
      termBytes: termBytes.length,
      tfBits,
      termSlots: termSlots.length,
    }),
  );
  const headStart = 16;
  const numStart = pad4(headStart + header.length);
  const u32Count = rows + (rows + 1) + 2 * (terms + 1) + postings + termSlots.length;
  const tfStart = numStart + 4 * u32Count;
  const blobStart = pad4(tfStart + (tfBits / 8) * postings);
  const crcAt = pad4(blobStart + idBytes.length + termBytes.length);
  const out = new Uint8Array(crcAt + 4);
  const view = new DataView(out.buffer);
  out.set(enc.encode(BM25_MAGIC), 0);
  view.setUint32(8, BM25_FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, headStart);
  let at = numStart;
  for (const arr of [s.docLens, s.ids.offsets, s.terms.offsets, s.postOffsets, s.postRows, termSlots]) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    at += arr.byteLength;
  }
  out.set(new Uint8Array(s.postTfs.buffer, s.postTfs.byteOffset, s.postTfs.byteLength), tfStart);
  out.set(idBytes, blobStart);
  out.set(termBytes, blobStart + idBytes.length);
  view.setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
  return out;
}

export type Bm25Header = z.infer<typeof HeaderSchema>;

/** The byte length of magic + version + header, from the first 16 bytes (so a caller can read just that). */
export function bm25HeaderLength(first16: Uint8Array): number {
  return 16 + new DataView(first16.buffer, first16.byteOffset, 16).getUint32(12, true);
}

/** Parses only the header (generation, options, sizes) from the start of `bm25.bin`; not checksummed. */
export function decodeBm25Header(bytes: Uint8Array, source: string): Bm25Header {
  const corrupt = (why: string, cause?: unknown): SiftError =>
    new SiftError('E_INDEX_CORRUPT', `BM25 file ${source} is corrupt: ${why}`, { cause, details: { path: source } });
  if (bytes.length < 16) throw corrupt(`only ${bytes.length} bytes`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  if (dec.decode(bytes.subarray(0, 8)) !== BM25_MAGIC) throw corrupt('not a Sift BM25 file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version < OLDEST_FORMAT_VERSION || version > BM25_FORMAT_VERSION) {
    throw corrupt(`format version ${version}, this build reads versions ${OLDEST_FORMAT_VERSION} to ${BM25_FORMAT_VERSION}`);
  }
  const headLen = view.getUint32(12, true);
  if (bytes.length < 16 + headLen) throw corrupt('truncated header');
  let header: Bm25Header;
  try {
    header = HeaderSchema.parse(JSON.parse(dec.decode(bytes.subarray(16, 16 + headLen))));
  } catch (err) {
    throw corrupt('unreadable header', err);
  }
  const slots = header.termSlots ?? 0;
  if (version === 1 ? slots !== 0 : slots <= header.terms || (slots & (slots - 1)) !== 0) {
    throw corrupt(`a term slot table of ${slots} for ${header.terms} terms in format version ${version}`);
  }
  return header;
}

/** Parses `bm25.bin`; any damage is an E_INDEX_CORRUPT error naming `source`. Arrays are views into `bytes`. */
export function decodeBm25(input: Uint8Array, source: string): Bm25Snapshot {
  const corrupt = (why: string, cause?: unknown): SiftError =>
    new SiftError('E_INDEX_CORRUPT', `BM25 file ${source} is corrupt: ${why}`, { cause, details: { path: source } });
  // Typed-array views need 4-byte alignment; a pooled Buffer may start anywhere.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  if (bytes.length < 20) throw corrupt(`only ${bytes.length} bytes`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  if (dec.decode(bytes.subarray(0, 8)) !== BM25_MAGIC) throw corrupt('not a Sift BM25 file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcAt = bytes.length - 4;
  if (crcAt % 4 !== 0 || view.getUint32(crcAt, true) !== crc32(bytes.subarray(0, crcAt))) {
    throw corrupt('checksum mismatch (truncated or modified file)');
  }
  const header = decodeBm25Header(bytes, source);
  const headLen = view.getUint32(12, true);
  const { rows, terms, postings, tfBits } = header;
  const slots = header.termSlots ?? 0;
  const numStart = pad4(16 + headLen);
  const u32Count = rows + (rows + 1) + 2 * (terms + 1) + postings + slots;
  const tfStart = numStart + 4 * u32Count;
  const blobStart = pad4(tfStart + (tfBits / 8) * postings);
  if (pad4(blobStart + header.idBytes + header.termBytes) !== crcAt) throw corrupt('section sizes do not match the file size');
  let at = bytes.byteOffset + numStart;
  const take = (n: number): Uint32Array => {
    const a = new Uint32Array(bytes.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const docLens = take(rows);
  const idOffsets = take(rows + 1);
  const termOffsets = take(terms + 1);
  const postOffsets = take(terms + 1);
  const postRows = take(postings);
  const termSlots = slots > 0 ? take(slots) : null;
  const postTfs =
    tfBits === 16
      ? new Uint16Array(bytes.buffer, bytes.byteOffset + tfStart, postings)
      : new Uint32Array(bytes.buffer, bytes.byteOffset + tfStart, postings);
  let idBlob: string;
  let termBlob: string;
  try {
    idBlob = dec.decode(bytes.subarray(blobStart, blobStart + header.idBytes));
    termBlob = dec.decode(bytes.subarray(blobStart + header.idBytes, blobStart + header.idBytes + header.termBytes));
  } catch (err) {
    throw corrupt('string table is not UTF-8', err);
  }
  if (idOffsets[rows] !== idBlob.length || termOffsets[terms] !== termBlob.length || postOffsets[terms] !== postings) {
    throw corrupt('offset tables do not match their data');
  }
  return {
    generation: header.generation,
    options: header.options,
    totalLength: header.totalLength,
    docLens,
    ids: { blob: idBlob, offsets: idOffsets },
    terms: { blob: termBlob, offsets: termOffsets },
    termSlots,
    postOffsets,
    postRows,
    postTfs,
  };
}
