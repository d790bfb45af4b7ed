// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
// byte range, then the raw little-endian data. Only what M2 checkpoints use is read (F32, BF16, F16 → Float32Array).
import { readFile } from 'node:fs/promises';
import { SiftError } from '../../errors.js';

export interface SafeTensor {
  dtype: string;
  shape: number[];
  /** The values as float32 (bf16 and f16 widened exactly). */
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, BF16: 2, F16: 2 };
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reads every floating-point tensor of a .safetensors file (integer tensors such as position_ids are skipped). */
export async function readSafetensors(file: string): Promise<Map<string, SafeTensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new SiftError('E_MODEL_MISSING', `Cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  return parseSafetensors(bytes, file);
}

export function parseSafetensors(bytes: Uint8Array, label = '<bytes>'): Map<string, SafeTensor> {
  const bad = (why: string) => new SiftError('E_MODEL_MALFORMED', `${label} is not a valid safetensors file: ${why}`, { details: { file: label } });
  if (bytes.byteLength < 8) throw bad('shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.byteLength - 8) throw bad(`header length ${headerLen} exceeds the file`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as typeof header;
  } catch (err) {
    throw bad(`header is not JSON (${(err as Error).message})`);
  }
  const base = 8 + headerLen;
  const out = new Map<string, SafeTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as HeaderEntry;
    const width = BYTES[e.dtype];
    if (width === undefined) continue;
    const [from, to] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (to - from !== count * width || base + to > bytes.byteLength) throw bad(`tensor ${name} has a bad byte range`);
    out.set(name, { dtype: e.dtype, shape: e.shape, data: decode(bytes.subarray(base + from, base + to), e.dtype, count) });
  }
  return out;
}

function decode(raw: Uint8Array, dtype: string, count: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    // Same byte order as the file: one copy into a fresh, 4-byte-aligned buffer (a Node Buffer's slice() would
    // share the pool, so copy explicitly).
    const copy = new Uint8Array(raw.byteLength);
    copy.set(raw);
    return new Float32Array(copy.buffer);
  } else if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'BF16') {
    const wide = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i++) {
      wide.setUint32(0, view.getUint16(i * 2, true) << 16);
      out[i] = wide.getFloat32(0);
    }
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Serialises float32 tensors as a safetensors file (for tests and random-weight models). */
export function encodeSafetensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  const header: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const head = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  head.set(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(at + i * 4, t.data[i]!, true);
    at += t.data.length * 4;
  }
  return out;
}
