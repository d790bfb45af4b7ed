/**
 * Map token byte lengths (UTF-8) to UTF-16 start offsets. A token that starts inside a multi-byte character maps to
 * that character's start. Lone surrogates count as 3 bytes, as TextEncoder encodes them (U+FFFD).
 */
export function offsetsFromByteLengths(text: string, byteLengths: ArrayLike<number>): Int32Array {
  const m = byteLengths.length;
  const offsets = new Int32Array(m + 1);
  const n = text.length;
  let p = 0; // UTF-16 index of the first character not fully consumed
  let pb = 0; // byte offset where the character at p starts
  let b = 0; // byte offset where the current token starts
  for (let i = 0; i < m; i++) {
    // Advance over characters that end at or before byte b.
    for (;;) {
      if (p >= n) break;
      const c = text.charCodeAt(p);
      let units = 1;
      let bytes: number;
      if (c < 0x80) bytes = 1;
      else if (c < 0x800) bytes = 2;
      else if (c >= 0xd800 && c <= 0xdbff && p + 1 < n) {
        const d = text.charCodeAt(p + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          bytes = 4;
          units = 2;
        } else bytes = 3;
      } else bytes = 3;
      if (pb + bytes > b) break;
      pb += bytes;
      p += units;
    }
    offsets[i] = p;
    b += byteLengths[i]!;
  }
  offsets[m] = n;
  return offsets;
}

/**
 * `offsetsFromByteLengths` one token at a time, for encoders that stream tokens: `start(bytes)` returns the UTF-16
 * start of the next token and moves past its `bytes` UTF-8 bytes.
 */
export class Utf16Cursor {
  private p: number; // UTF-16 index of the first character not fully consumed
  private pb = 0; // byte offset (from `from`) where the character at p starts
  private b = 0; // byte offset (from `from`) where the current token starts

  /** `from`: where the first token starts (a character boundary, e.g. a pre-tokenizer piece's start). */
  constructor(
    private readonly text: string,
    from = 0,
  ) {
    this.p = from;
  }

  start(bytes: number): number {
    const text = this.text;
    const n = text.length;
    let { p, pb } = this;
    const b = this.b;
    for (;;) {
      if (p >= n) break;
      const c = text.charCodeAt(p);
      let units = 1;
      let size: number;
      if (c < 0x80) size = 1;
      else if (c < 0x800) size = 2;
      else if (c >= 0xd800 && c <= 0xdbff && p + 1 < n) {
        const d = text.charCodeAt(p + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          size = 4;
          units = 2;
        } else size = 3;
      } else size = 3;
      if (pb + size > b) break;
      pb += size;
      p += units;
    }
    this.p = p;
    this.pb = pb;
    this.b = b + bytes;
    return p;
  }
}

/** UTF-8 byte length of a string, counting a lone surrogate as 3 bytes (U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
