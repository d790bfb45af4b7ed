import type { Tokenizer, TokenOffsets } from './tokenizer.js';

/**
 * One token per Unicode code point (a surrogate pair is one token; a lone surrogate is one token too), so sizes are
 * in characters and a chunk boundary never splits a pair. Ids are the code points.
 */
export class CharTokenizer implements Tokenizer {
  readonly name = 'char' as const;
  readonly additive = true;

  ceiling(text: string): number {
    return text.length;
  }

  count(text: string): number {
    const n = text.length;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          pairs++;
          i++;
        }
      }
    }
    return n - pairs;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const ch of text) ids.push(ch.codePointAt(0)!);
    return ids;
  }

  decode(ids: readonly number[]): string {
    let out = '';
    // Chunked so that long inputs do not overflow the argument limit of fromCodePoint.
    for (let i = 0; i < ids.length; i += 8192) out += String.fromCodePoint(...ids.slice(i, i + 8192));
    return out;
  }

  encodeWithOffsets(text: string): TokenOffsets {
    const n = text.length;
    const ids: number[] = [];
    const offsets = new Int32Array(n + 1);
    let m = 0;
    for (let i = 0; i < n; i++) {
      offsets[m++] = i;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          ids.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
          i++;
          continue;
        }
      }
      ids.push(c);
    }
    offsets[m] = n;
    return { ids, offsets: offsets.subarray(0, m + 1) };
  }
}
