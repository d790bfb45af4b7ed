import { SiftError, type Chunk } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createRetriever } from './create-retriever.js';

const SOURCE = 'Cats purr softly. Dogs bark loudly at night. A cat and a dog can be friends.';
function chunksOf(source: string, docId: string): Chunk[] {
  const out: Chunk[] = [];
  for (const m of source.matchAll(/[^.]+\./g)) {
    const start = m.index;
    const text = m[0];
    out.push({ id: `${docId}#${out.length}`, docId, text, start, end: start + text.length, tokenCount: text.split(' ').length, metadata: { n: out.length } });
  }
  return out;
}

describe('createRetriever', () => {
  const chunks = chunksOf(SOURCE, 'pets');

  describe('bm25', () => {
    it('returns scored chunks with their offsets, metadata and bm25Rank', async () => {
      const r = await createRetriever({ retriever: 'bm25' }, chunks);
      expect(r.name).toBe('bm25');
      const hits = await r.retrieve('dog', 5);
      expect(hits.map((h) => h.id)).toEqual(['pets#1', 'pets#2']);
      hits.forEach((h, i) => {
        expect(SOURCE.slice(h.start, h.end)).toBe(h.text);
        expect(h.explain).toEqual({ bm25Rank: i + 1 });
        expect(h.score).toBeGreaterThan(0);
      });
      expect(hits[0]!.metadata).toEqual({ n: 1 });
      // Stemming on by default: "cats" finds "cat".
      expect((await r.retrieve('cats', 5)).map((h) => h.id)).toEqual(['pets#0', 'pets#2']);
    });

    it('passes analyzer options through', async () => {
      const r = await createRetriever({ retriever: 'bm25', stem: false }, chunks);
      expect((await r.retrieve('cats', 5)).map((h) => h.id)).toEqual(['pets#0']);
    });

    it('honours an aborted signal', async () => {
      const r = await createRetriever({ retriever: 'bm25' }, chunks);
      await expect(r.retrieve('dog', 5, { signal: AbortSignal.abort() })).rejects.toSatisfy(
        (e: unknown) => SiftError.isInstance(e) && e.code === 'E_ABORTED',
      );
    });
  });

  it('rejects an unknown retriever with E_UNKNOWN_COMPONENT', async () => {
    await expect(createRetriever({ retriever: 'nope' } as never, chunks)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_UNKNOWN_COMPONENT' && e.message.includes('"nope"'),
    );
  });

  it('rejects bad options with E_BAD_CONFIG naming the key', async () => {
    await expect(createRetriever({ retriever: 'bm25', b: 2 }, chunks)).rejects.toSatisfy(
      (e: unknown) => SiftError.isInstance(e) && e.code === 'E_BAD_CONFIG' && e.message.includes('b'),
    );
    await expect(createRetriever({ retriever: 'bm25', k3: 1 } as never, chunks)).rejects.toThrow(/k3/);
  });

  it('rejects duplicate chunk ids', async () => {
    await expect(createRetriever({ retriever: 'bm25' }, [...chunks, chunks[0]!])).rejects.toThrow(/pets#0/);
  });
});
