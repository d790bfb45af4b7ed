import { DocumentSchema } from '@sift/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainDocument } from './plain-document.js';

describe('plainDocument', () => {
  it('gives what DocumentSchema gives, or leaves the input to it', () => {
    const value = fc.oneof(fc.string(), fc.constant(''), fc.integer(), fc.constant(undefined), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    const metadata = fc.oneof(
      fc.constant(undefined),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
      fc.constant(null),
      fc.constant([1]),
      fc.constant(new Map()),
      fc.constant(JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown),
    );
    const input = fc.oneof(
      fc.record({ id: value, text: value, source: value, metadata }, { requiredKeys: [] }),
      fc.record({ id: fc.string({ minLength: 1 }), text: fc.string(), metadata, extra: fc.string() }, { requiredKeys: ['id', 'text'] }),
      fc.constant(null),
      fc.string(),
    );
    let taken = 0;
    fc.assert(
      fc.property(input, (x) => {
        const fast = plainDocument(x);
        const slow = DocumentSchema.safeParse(x);
        if (fast === undefined) return;
        taken++;
        expect(slow.success).toBe(true);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
        expect(fast).toEqual(slow.data);
      }),
      { seed: 3, numRuns: 2000 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it('takes the usual shapes', () => {
    expect(plainDocument({ id: 'a', text: 't' })).toEqual({ id: 'a', text: 't', metadata: {} });
    const meta = { k: [1, 2] };
    const doc = plainDocument({ id: 'a', text: 't', source: 'f.txt', metadata: meta, other: 1 });
    expect(doc).toEqual({ id: 'a', text: 't', source: 'f.txt', metadata: { k: [1, 2] } });
    expect(doc?.metadata).not.toBe(meta);
    expect(plainDocument({ id: '', text: 't' })).toBeUndefined();
  });
});
