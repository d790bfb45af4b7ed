import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPAN_ABSENT, SpanKeyTable } from './span-key-table.js';

describe('SpanKeyTable', () => {
  it('agrees with a Map through doubling and clearing (whenFull: clear), spans found inside any text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 5 }), fc.integer({ min: -3, max: 1000 })), { maxLength: 120 }), (pairs) => {
        const t = new SpanKeyTable({ bits: 2, maxKeys: 20, whenFull: 'clear' });
        let m = new Map<string, number>();
        for (const [w, v] of pairs) {
          const text = `«${w}»`;
          const got = t.get(text, 1, 1 + w.length);
          expect(got).toBe(m.get(w) ?? SPAN_ABSENT);
          if (got !== SPAN_ABSENT) continue;
          if (m.size >= 20) m = new Map();
          expect(t.set(text, 1, 1 + w.length, v)).toBe(true);
          m.set(w, v);
          expect(t.size).toBe(m.size);
        }
        for (const [w, v] of m) expect(t.get(`${w}`, 0, w.length)).toBe(v);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('keeps what it has when full (whenFull: keep), and never stores empty or over-long spans', () => {
    const t = new SpanKeyTable({ bits: 3, maxKeys: 3, whenFull: 'keep', maxKeyLength: 4 });
    for (const [i, w] of ['ab', 'cd', 'ef', 'gh'].entries()) {
      t.get(w, 0, 2);
      expect(t.set(w, 0, 2, i)).toBe(i < 3);
    }
    expect(['ab', 'cd', 'ef', 'gh'].map((w) => t.get(w, 0, 2))).toEqual([0, 1, 2, SPAN_ABSENT]);
    const u = new SpanKeyTable({ bits: 3, maxKeys: 3, whenFull: 'keep', maxKeyLength: 4 });
    u.get('abcde', 0, 5);
    expect(u.set('abcde', 0, 5, 1)).toBe(false);
    expect(u.get('abcde', 0, 5)).toBe(SPAN_ABSENT);
    expect(u.set('x', 0, 0, 1)).toBe(false);
    expect(u.size).toBe(0);
  });

  it('stores spans of any length when no maxKeyLength is given', () => {
    const t = new SpanKeyTable({ bits: 2, maxKeys: 10, whenFull: 'clear' });
    const long = `x${'ab'.repeat(50_000)}y`;
    expect(t.get(long, 1, long.length - 1)).toBe(SPAN_ABSENT);
    expect(t.set(long, 1, long.length - 1, 42)).toBe(true);
    expect(t.get(`_${'ab'.repeat(50_000)}_`, 1, long.length - 1)).toBe(42);
    expect(t.get(long, 1, long.length - 2)).toBe(SPAN_ABSENT);
  });
});
