import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8, sniffBinary } from './decode-text.js';

describe('decodeText', () => {
  it('round-trips any UTF-8 text without control characters', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
      .map((s) => s.replace(/[\u0000-\u0008\u000e-\u001f\u007f\ufeff]/g, ''))
      .filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeText(new TextEncoder().encode(s), 'f.txt')).toBe(s);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('locates the first bad byte of invalid UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 50 }), fc.string({ unit: 'grapheme', maxLength: 20 }), (a, b) => {
        const bytes = Buffer.concat([Buffer.from(a), Buffer.from([0xe9, 0x20]), Buffer.from(b)]);
        expect(firstInvalidUtf8(bytes)).toBe(Buffer.byteLength(a));
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('does not call Latin-1 bytes binary', () => {
    expect(sniffBinary(Buffer.from('d\xe9j\xe0 vu, \xfcber', 'latin1'))).toBeUndefined();
    expect(sniffBinary(Buffer.from([65, 0, 66]))).toBe('NUL byte at offset 1');
  });
});
