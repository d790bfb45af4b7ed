import { crc32 } from 'node:zlib';
import { SiftError } from '@sift/core';
import { z } from 'zod';
import { GraphBuildOptionsSchema } from './graph-options.js';
import { PassageGraph } from './passage-graph.js';

/**
 * `graph.bin`, little-endian:
 *   "SIFTGRPH" | u32 format version | u32 header bytes | header JSON | pad to 4
 *   u32 pePtr[P+1] | u32 peIdx[edges] | u32 eePtr[E+1] | u32 eeIdx[syn] | f32 eeSim[syn]
 *   u32 idOffsets[P+1] | u32 entityOffsets[E+1] | u8 peKind[edges] | u8 entityKinds[E] | pad to 4
 *   UTF-8 passage ids | UTF-8 entity names | pad to 4 | u32 CRC-32 of everything before it
 * String offsets count UTF-16 units into the decoded blob. The entity→passage transpose is rebuilt on load.
 */
export const GRAPH_FILE = 'graph.bin';
export const GRAPH_MAGIC = 'SIFTGRPH';
export const GRAPH_FORMAT_VERSION = 1;

const HeaderSchema = z.object({
  generation: z.number().int().nonnegative(),
  options: GraphBuildOptionsSchema,
  passages: z.number().int().nonnegative(),
  entities: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  synonyms: z.number().int().nonnegative(),
  idBytes: z.number().int().nonnegative(),
  entityBytes: z.number().int().nonnegative(),
});

const pad4 = (n: number): number => (n + 3) & ~3;

function offsetsOf(strings: readonly string[]): { blob: string; offsets: Uint32Array } {
  const offsets = new Uint32Array(strings.length + 1);
  strings.forEach((s, i) => (offsets[i + 1] = offsets[i]! + s.length));
  return { blob: strings.join(''), offsets };
}

/** Serialises a graph; `generation` ties the file to the index commit that wrote it. */
export function encodeGraph(g: PassageGraph, generation = 0): Uint8Array {
  const enc = new TextEncoder();
  const ids = offsetsOf(g.passageIds);
  const names = offsetsOf(g.entities);
  const idBytes = enc.encode(ids.blob);
  const entityBytes = enc.encode(names.blob);
  const header = enc.encode(
    JSON.stringify({
      generation,
      options: g.options,
      passages: g.passageCount,
      entities: g.entityCount,
      edges: g.edgeCount,
      synonyms: g.eeIdx.length,
      idBytes: idBytes.length,
      entityBytes: entityBytes.length,
    }),
  );
  const numeric: ArrayBufferView[] = [g.pePtr, g.peIdx, g.eePtr, g.eeIdx, g.eeSim, ids.offsets, names.offsets, g.peKind, g.entityKinds];
  const numStart = pad4(16 + header.length);
  const numBytes = numeric.reduce((a, v) => a + v.byteLength, 0);
  const blobStart = pad4(numStart + numBytes);
  const crcAt = pad4(blobStart + idBytes.length + entityBytes.length);
  const out = new Uint8Array(crcAt + 4);
  const view = new DataView(out.buffer);
  out.set(enc.encode(GRAPH_MAGIC), 0);
  view.setUint32(8, GRAPH_FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  let at = numStart;
  for (const v of numeric) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  out.set(idBytes, blobStart);
  out.set(entityBytes, blobStart + idBytes.length);
  view.setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
  return out;
}

export interface DecodedGraph {
  generation: number;
  graph: PassageGraph;
}

/** Parses `graph.bin`; any damage is an E_INDEX_CORRUPT error naming `source`. Arrays are views into `input`. */
export function decodeGraph(input: Uint8Array, source: string): DecodedGraph {
  const corrupt = (why: string, cause?: unknown): SiftError =>
    new SiftError('E_INDEX_CORRUPT', `Graph file ${source} is corrupt: ${why}`, { cause, details: { path: source } });
  // Typed-array views need 4-byte alignment; a pooled Buffer may start anywhere.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  if (bytes.length < 20) throw corrupt(`only ${bytes.length} bytes`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  if (dec.decode(bytes.subarray(0, 8)) !== GRAPH_MAGIC) throw corrupt('not a Sift graph file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== GRAPH_FORMAT_VERSION) throw corrupt(`format version ${version}, this build reads version ${GRAPH_FORMAT_VERSION}`);
  const crcAt = bytes.length - 4;
  if (crcAt % 4 !== 0 || view.getUint32(crcAt, true) !== crc32(bytes.subarray(0, crcAt))) {
    throw corrupt('checksum mismatch (truncated or modified file)');
  }
  const headLen = view.getUint32(12, true);
  if (16 + headLen > crcAt) throw corrupt('truncated header');
  let header: z.infer<typeof HeaderSchema>;
  try {
    header = HeaderSchema.parse(JSON.parse(dec.decode(bytes.subarray(16, 16 + headLen))));
  } catch (err) {
    throw corrupt('unreadable header', err);
  }
  const { passages: P, entities: E, edges, synonyms: S } = header;
  const numStart = pad4(16 + headLen);
  const u32s = P + 1 + edges + (E + 1) + S + S + (P + 1) + (E + 1);
  const blobStart = pad4(numStart + 4 * u32s + edges + E);
  if (pad4(blobStart + header.idBytes + header.entityBytes) !== crcAt) throw corrupt('section sizes do not match the file size');
  let at = bytes.byteOffset + numStart;
  const u32 = (n: number): Uint32Array => {
    const a = new Uint32Array(bytes.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const pePtr = u32(P + 1);
  const peIdx = u32(edges);
  const eePtr = u32(E + 1);
  const eeIdx = u32(S);
  const eeSim = new Float32Array(bytes.buffer, at, S);
  at += 4 * S;
  const idOffsets = u32(P + 1);
  const entityOffsets = u32(E + 1);
  const peKind = new Uint8Array(bytes.buffer, at, edges);
  at += edges;
  const entityKinds = new Uint8Array(bytes.buffer, at, E);
  let idBlob: string;
  let entityBlob: string;
  try {
    idBlob = dec.decode(bytes.subarray(blobStart, blobStart + header.idBytes));
    entityBlob = dec.decode(bytes.subarray(blobStart + header.idBytes, blobStart + header.idBytes + header.entityBytes));
  } catch (err) {
    throw corrupt('string table is not UTF-8', err);
  }
  if (idOffsets[P] !== idBlob.length || entityOffsets[E] !== entityBlob.length) throw corrupt('string offsets do not match their data');
  const slice = (blob: string, offsets: Uint32Array, n: number): string[] => {
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (offsets[i]! > offsets[i + 1]!) throw corrupt('string offsets decrease');
      out[i] = blob.slice(offsets[i]!, offsets[i + 1]!);
    }
    return out;
  };
  let graph: PassageGraph;
  try {
    graph = new PassageGraph({
      options: header.options,
      passageIds: slice(idBlob, idOffsets, P),
      entities: slice(entityBlob, entityOffsets, E),
      entityKinds,
      pePtr,
      peIdx,
      peKind,
      eePtr,
      eeIdx,
      eeSim,
    });
  } catch (err) {
    if (SiftError.isInstance(err)) throw corrupt(err.message, err);
    throw err;
  }
  return { generation: header.generation, graph };
}
