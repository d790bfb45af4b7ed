import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from './float16.js';
import { logSoftmaxRow, logSumExp } from './log-softmax.js';

describe('float16ToFloat32', () => {
  it('decodes normals, subnormals, zeros, infinities and NaN', () => {
    const got = float16ToFloat32(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555]));
    expect(Array.from(got.slice(0, 4))).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Object.is(got[4], 0)).toBe(true);
    expect(Object.is(got[5], -0)).toBe(true);
    expect([got[6], got[7]]).toEqual([Infinity, -Infinity]);
    expect(got[8]).toBeNaN();
    expect(got[9]).toBeCloseTo(1 / 3, 3);
  });
});

describe('logSoftmaxRow', () => {
  it('normalises one row and stays finite for large logits', () => {
    const logits = new Float32Array([0, 0, 0, 0, 1000, 1001, 999, 1000]);
    const r = logSoftmaxRow(logits, 1, 4);
    expect(r.reduce((s, x) => s + Math.exp(x), 0)).toBeCloseTo(1, 6);
    expect(r[1]! - r[0]!).toBeCloseTo(1, 5);
    expect(logSumExp(logits, 0, 4)).toBeCloseTo(Math.log(4), 6);
  });
});
