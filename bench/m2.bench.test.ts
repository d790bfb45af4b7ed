import { describe, expect, it } from 'vitest';
import { parseLengths } from './m2.bench.js';

describe('bench m2 --lengths', () => {
  it('reads token counts and k-suffixed lengths (2k = 2048)', () => {
    expect(parseLengths('2k,32k')).toEqual([2048, 32768]);
    expect(parseLengths('512, 8K')).toEqual([512, 8192]);
  });
  it('names a bad entry', () => {
    expect(() => parseLengths('2k,lots')).toThrow(/"lots" is not a length/);
  });
});
