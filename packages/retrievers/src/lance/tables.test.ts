import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrow } from './_lance.js';
import { documentsArrow, documentsSchema, type DocumentRow } from './tables.js';

/** The rows' string columns as Arrow's own builder (`vectorFromArray`) writes them: the reference for the fast path. */
function viaBuilder(rows: DocumentRow[], key: 'id' | 'source' | 'text'): unknown[] {
  const a = arrow();
  return [...a.vectorFromArray(rows.map((r) => r[key]), new a.Utf8())];
}

describe('documentsArrow', () => {
  it('gives the values, nulls and UTF-8 bytes of Arrow’s builder (empty, astral, lone surrogates)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800', '\udfff', '東', ' ', '\n'), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.record({ id: text, source: fc.option(text, { nil: null }), text }), { minLength: 1, maxLength: 40 }), (given) => {
        const rows: DocumentRow[] = given.map((g) => ({ ...g, metadata: '{}', bytes: 0, sha256: 'x' }));
        const table = documentsArrow(documentsSchema(), rows);
        expect(table.numRows).toBe(rows.length);
        for (const key of ['id', 'source', 'text'] as const) {
          const col = table.getChild(key)!;
          expect([...col]).toEqual(viaBuilder(rows, key));
          expect(col.nullCount).toBe(rows.filter((r) => r[key] === null).length);
          const data = col.data[0]!;
          const bytes = Buffer.from(data.values.subarray(0, data.valueOffsets[rows.length] ?? 0));
          expect(bytes.equals(Buffer.concat(rows.map((r) => Buffer.from(r[key] ?? '', 'utf8'))))).toBe(true);
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
