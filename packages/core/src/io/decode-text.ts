import { TextDecoder } from 'node:util';
import { SiftError } from '../errors.js';

/** How many leading bytes the binary and encoding sniff looks at. */
export const SNIFF_BYTES = 8192;
/** Share of control bytes in the sniffed prefix above which a file counts as binary. */
const MAX_CONTROL_RATIO = 0.1;

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** A control character that does not occur in real text (tab, LF, VT, FF, CR and ESC do). */
function isControl(c: number): boolean {
  return (c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0x7f;
}

/**
 * Why `bytes` look binary (a NUL byte, or too many control bytes in the first 8 KiB), or undefined for text.
 * Bytes ≥ 0x80 are not counted: Latin-1 text is an encoding problem, not a binary file.
 */
export function sniffBinary(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return `NUL byte at offset ${i}`;
    if (isControl(b)) control++;
  }
  if (n > 0 && control / n > MAX_CONTROL_RATIO) return `${control} control bytes in the first ${n}`;
  return undefined;
}

/** The same test on decoded UTF-16 text (first 4096 characters). */
function sniffBinaryText(text: string): string | undefined {
  const n = Math.min(text.length, SNIFF_BYTES / 2);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return `NUL character at index ${i}`;
    if (isControl(c)) control++;
  }
  if (n > 0 && control / n > MAX_CONTROL_RATIO) return `${control} control characters in the first ${n}`;
  return undefined;
}

/**
 * The encoding of a file from its first bytes: a UTF-16 byte-order mark, else UTF-16 without one when its NUL bytes
 * fall on every other byte (text in the ASCII range: LE has them at odd offsets, BE at even ones), else UTF-8.
 * UTF-16 text outside the ASCII range without a BOM has no such signature and is reported as not UTF-8.
 */
export function detectEncoding(prefix: Uint8Array): TextEncodingName {
  if (prefix.length >= 2 && prefix[0] === 0xff && prefix[1] === 0xfe) return 'utf-16le';
  if (prefix.length >= 2 && prefix[0] === 0xfe && prefix[1] === 0xff) return 'utf-16be';
  const n = Math.min(prefix.length, SNIFF_BYTES) & ~1;
  if (n < 4) return 'utf-8';
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (prefix[i] === 0) zeroEven++;
    if (prefix[i + 1] === 0) zeroOdd++;
  }
  const units = n / 2;
  // Mostly-ASCII UTF-16 has a NUL in nearly every unit; a few units outside the ASCII range are allowed.
  if (zeroOdd >= 0.3 * units && zeroEven === 0) return 'utf-16le';
  if (zeroEven >= 0.3 * units && zeroOdd === 0) return 'utf-16be';
  return 'utf-8';
}

/**
 * Decode a byte stream, pushed piece by piece, into one string: the first 8 KiB choose the encoding (UTF-8, or UTF-16
 * with or without a BOM) and reject binary content; later pieces are decoded as they arrive, so the bytes are never
 * held whole. A leading BOM is dropped, so offsets count from the first character. Errors are coded SiftErrors
 * naming `file` (already quoted for a one-line message).
 */
export class TextAccumulator {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private decoder: TextDecoder | undefined;
  private encoding: TextEncodingName = 'utf-8';
  private parts: string[] = [];
  private bytes = 0;

  constructor(private readonly file: string) {}

  /** Bytes pushed so far. */
  get byteCount(): number {
    return this.bytes;
  }

  push(piece: Uint8Array): void {
    this.bytes += piece.length;
    if (this.decoder) {
      this.decode(piece, true);
      return;
    }
    this.head.push(piece);
    this.headBytes += piece.length;
    if (this.headBytes >= SNIFF_BYTES) this.start();
  }

  /** The whole text; throws E_INPUT_EMPTY for blank input. */
  finish(): string {
    if (!this.decoder) this.start();
    this.decode(new Uint8Array(0), false);
    let text: string;
    try {
      text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    } catch (cause) {
      // V8 strings stop at about 2^29 UTF-16 units.
      throw new SiftError('E_INPUT_TOO_LARGE', `${this.file}: too large for one text (${this.bytes} bytes)`, { cause, details: { file: this.file } });
    }
    this.parts = [];
    if (text.trim() === '') {
      throw new SiftError('E_INPUT_EMPTY', `${this.file}: empty${this.bytes > 0 ? ' (whitespace only)' : ''}`, { details: { file: this.file } });
    }
    return text;
  }

  private start(): void {
    const first = this.head.length === 1 ? this.head[0]! : concat(this.head, this.headBytes);
    this.head = [];
    this.encoding = detectEncoding(first);
    if (this.encoding === 'utf-8') {
      const binary = sniffBinary(first);
      if (binary !== undefined) throw new SiftError('E_INPUT_BINARY', `${this.file}: looks binary (${binary})`, { details: { file: this.file } });
    }
    this.decoder = new TextDecoder(this.encoding, { fatal: true });
    this.decode(first, true, 0);
    if (this.encoding !== 'utf-8') {
      const binary = sniffBinaryText(this.parts[0] ?? '');
      if (binary !== undefined) throw new SiftError('E_INPUT_BINARY', `${this.file}: looks binary (${binary}, read as ${this.encoding})`, { details: { file: this.file } });
    }
  }

  private decode(piece: Uint8Array, stream: boolean, base = this.bytes - piece.length): void {
    try {
      const s = this.decoder!.decode(piece, { stream });
      if (s !== '') this.parts.push(s);
    } catch (cause) {
      if (this.encoding !== 'utf-8') {
        throw new SiftError('E_INPUT_ENCODING', `${this.file}: not valid ${this.encoding.toUpperCase()} (near byte ${base})`, { cause, details: { file: this.file } });
      }
      const at = piece.length > 0 ? base + firstInvalidUtf8(piece) : this.bytes;
      throw new SiftError('E_INPUT_ENCODING', `${this.file}: not valid UTF-8 (bad byte near offset ${at})`, { cause, details: { file: this.file, offset: at } });
    }
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Decode a whole file's bytes (UTF-8, or UTF-16 with or without a BOM), rejecting binary, badly encoded and blank
 * input with a coded SiftError whose message names `file`.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  const acc = new TextAccumulator(file);
  acc.push(bytes);
  return acc.finish();
}

/** Offset of the first byte that breaks UTF-8, for the error message (only runs on the failure path). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  const ok = (end: number): boolean => {
    try {
      // Stream mode buffers a sequence cut at the end of the prefix instead of rejecting it.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  // Binary search for the longest prefix that decodes cleanly.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  // `lo` may end inside the bad sequence's (buffered) lead bytes: step back to where it starts.
  for (let p = lo; p > lo - 4 && p > 0; p--) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, p));
      return p;
    } catch {
      // still inside the sequence
    }
  }
  return Math.max(0, lo - 3);
}
