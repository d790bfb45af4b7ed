import { SiftError } from '../errors.js';

/** How many leading bytes the binary sniff looks at. */
export const SNIFF_BYTES = 8192;
/** Share of control bytes in the sniffed prefix above which a file counts as binary. */
const MAX_CONTROL_RATIO = 0.1;

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
    // Tab, LF, VT, FF, CR and ESC occur in real text files.
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f) control++;
  }
  if (n > 0 && control / n > MAX_CONTROL_RATIO) {
    return `${control} control bytes in the first ${n}`;
  }
  return undefined;
}

/** UTF-16 text is full of NUL bytes; name it instead of calling it binary. */
function sniffUtf16(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/**
 * Decode a whole file's bytes as UTF-8 text, rejecting binary, non-UTF-8 and blank input with a coded SiftError
 * whose message names `file`. A leading UTF-8 BOM is dropped, so offsets count from the first character.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  if (sniffUtf16(bytes)) {
    throw new SiftError('E_INPUT_ENCODING', `${file}: UTF-16 text is not supported; convert it to UTF-8`, {
      details: { file },
    });
  }
  const binary = sniffBinary(bytes);
  if (binary !== undefined) {
    throw new SiftError('E_INPUT_BINARY', `${file}: looks binary (${binary})`, { details: { file } });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    const at = firstInvalidUtf8(bytes);
    throw new SiftError('E_INPUT_ENCODING', `${file}: not valid UTF-8 (bad byte near offset ${at})`, {
      cause,
      details: { file, offset: at },
    });
  }
  if (text.trim() === '') {
    throw new SiftError('E_INPUT_EMPTY', `${file}: empty${bytes.length > 0 ? ' (whitespace only)' : ''}`, {
      details: { file },
    });
  }
  return text;
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
