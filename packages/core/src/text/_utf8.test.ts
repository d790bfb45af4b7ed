import { describe, expect, it } from 'vitest';
import { offsetsFromByteLengths, utf8Length } from './_utf8.js';

describe('offsetsFromByteLengths', () => {
  it('maps byte boundaries to UTF-16 starts, mid-character bytes to the character start', () => {
    // "é" is 2 bytes, "😀" 4 bytes (2 UTF-16 units); tokens: [a], [first byte of é], [second byte of é + 😀]
    expect(Array.from(offsetsFromByteLengths('aé😀', [1, 1, 5]))).toEqual([0, 1, 1, 4]);
  });
  it('counts lone surrogates as 3 bytes', () => {
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(Array.from(offsetsFromByteLengths('\udc00a', [3, 1]))).toEqual([0, 1, 2]);
  });
});
