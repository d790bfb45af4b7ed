import { collect } from '@sift/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bagOfWordsEmbedder, TWO_TOPICS } from './_fake-embedder.js';
import { C99Segmenter } from './c99.js';
import { EmbeddingDepthSegmenter } from './embedding-depth.js';
import { createSegmentChunker, SegmentChunker } from './segment-chunker.js';

const doc = (text: string) => ({ id: 'd', text, metadata: {} });

describe('SegmentChunker.chunk', () => {
  it('cuts at the topic boundary and keeps exact offsets', async () => {
    const text = `${TWO_TOPICS.slice(0, 6).join(' ')}\n\n${TWO_TOPICS.slice(6).join('  ')}`;
    const chunker = await SegmentChunker.create(new EmbeddingDepthSegmenter({}, bagOfWordsEmbedder()));
    const chunks = await collect(chunker.chunk(doc(text)));
    expect(chunks.map((c) => c.text)).toEqual([TWO_TOPICS.slice(0, 6).join(' '), TWO_TOPICS.slice(6).join('  ')]);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(chunks.map((c) => c.metadata.segment)).toEqual([0, 1]);
  });

  it('never exceeds size and always satisfies slice(start, end) === text', async () => {
    const chunkers = new Map<number, SegmentChunker>();
    const word = fc.stringMatching(/^[A-Za-zé]{1,9}$/);
    const sentence = fc.array(word, { minLength: 1, maxLength: 30 }).map((ws) => `${ws.join(' ')}.`);
    const sep = fc.constantFrom(' ', '  ', '\n', '\n\n', ' \r\n');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(sentence, sep), { maxLength: 25 }), fc.integer({ min: 1, max: 12 }), async (parts, max) => {
        const text = parts.map(([s, p]) => s + p).join('');
        if (!chunkers.has(max)) chunkers.set(max, await SegmentChunker.create(new C99Segmenter(), { size: max, tokenizer: max % 2 ? 'cl100k' : 'whitespace' }));
        const chunker = chunkers.get(max)!;
        const chunks = await collect(chunker.chunk(doc(text)));
        let last = 0;
        for (const c of chunks) {
          expect(text.slice(c.start, c.end)).toBe(c.text);
          expect(c.start).toBeGreaterThanOrEqual(last);
          last = c.end;
          expect(c.tokenCount).toBeLessThanOrEqual(max);
        }
        // Every non-space character is covered by some chunk.
        const covered = chunks.reduce((n, c) => n + c.text.replace(/\s/g, '').length, 0);
        expect(covered).toBe(text.replace(/\s/g, '').length);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('hands sentence embeddings out once, through metadata and the side channel', async () => {
    const e = bagOfWordsEmbedder();
    const seen: number[] = [];
    const chunker = await createSegmentChunker(
      'embedding-depth',
      { includeEmbeddings: true, onSentenceEmbeddings: (x) => seen.push(x.vectors.length) },
      { embedder: e },
    );
    const chunks = await collect(chunker.chunk(doc(TWO_TOPICS.join(' '))));
    expect(e.calls).toHaveLength(1);
    expect(seen).toEqual([12]);
    expect(chunks.flatMap((c) => c.metadata.sentenceEmbeddings as Float32Array[])).toHaveLength(12);
    expect((chunks[0]!.metadata.sentenceSpans as unknown[]).length).toBe(6);
  });

  it('yields nothing for an empty document and rejects bad options', async () => {
    expect(await collect((await SegmentChunker.create(new C99Segmenter())).chunk(doc('  \n ')))).toEqual([]);
    await expect(SegmentChunker.create(new C99Segmenter(), { size: 0 })).rejects.toThrow(/c99 chunker options/);
  });
});

describe('createChunker with a segmenter name', () => {
  it('builds segment chunkers from config and reports a missing embedder', async () => {
    const { createChunker } = await import('../create-chunker.js');
    const chunker = await createChunker({ chunker: 'c99', size: 200, segmenter: { c: 1.2 } });
    const chunks = await collect(chunker.chunk(doc(TWO_TOPICS.join(' '))));
    expect(chunks.map((c) => c.metadata.segment)).toEqual([0, 1]);
    await expect(createChunker({ chunker: 'semantic' })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
    const semantic = await createChunker({ chunker: 'semantic', segmenter: { threshold: 0.7 } }, { embedder: bagOfWordsEmbedder() });
    expect((await collect(semantic.chunk(doc(TWO_TOPICS.join(' ')))))).toHaveLength(2);
  });
});
