// Invariants every chunker keeps on arbitrary input, checked with seeded fast-check runs for each chunker with the
// cl100k and char tokenizers: exact offsets, real token counts within size, full coverage of non-whitespace, order,
// and overlap that is really there.
import { collect, createTokenizer, type Chunk, type Tokenizer } from '@sift/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChunkerConfig } from './chunker-config.js';
import { createChunker } from './create-chunker.js';

const RUNS = 100;

// Words, punctuation, unicode, CRLF and markdown pieces, joined by short whitespace runs (≤ 3 characters).
const piece = fc.constantFrom(
  'alpha', 'Beta', 'gamma.', 'Dr.', 'e.g.', '3.14', 'U.S.', 'end.', 'why?', 'yes!', '(paren)', '"quote"', 'x,', 'semi;',
  '😀', '👩‍👩‍👧', 'é', 'naïve', '漢字。', '中文，', 'ok！', '\u0000', '<|endoftext|>', '```js\ncode()\n```', '| a | b |',
  '|---|---|', '# Head', '## Sub', '- item', 'verylongwordwithoutanyspacesatallinsideitreally',
);
const gap = fc.constantFrom(' ', ' ', ' ', '\n', '\r\n', '\n\n', '\r\n\r\n', '\t', '  ', ' \n');
const structured = fc
  .array(fc.tuple(piece, gap), { maxLength: 80 })
  .map((parts) => parts.map(([p, g]) => p + g).join(''));
const arbitrary = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '.', '😀', '|', '`', '#', '\t'), maxLength: 300 }),
);

// Worst cases for splitting and BPE: one character repeated (a single pre-tokenizer piece far longer than any token),
// and text without any separator the chunkers know (no whitespace, no sentence or clause punctuation).
const repeated = fc
  .tuple(fc.constantFrom('a', '.', ' ', '-', '\n', '中', '😀', 'é', '0'), fc.integer({ min: 1, max: 3000 }))
  .map(([ch, n]) => ch.repeat(n));
const noSeparator = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '中', '-', '_', '😀', '/', '0', '=', 'Z'), minLength: 100, maxLength: 3000 });

type Kind = 'token' | 'sentence' | 'recursive';
const KINDS: Kind[] = ['token', 'sentence', 'recursive'];
const TOKENIZERS = ['cl100k', 'char'] as const;

function budget(tokenizer: (typeof TOKENIZERS)[number], minOverlap = 0) {
  const minSize = tokenizer === 'char' ? 1 : 4;
  return fc
    .integer({ min: Math.max(minSize, minOverlap + 4), max: 96 })
    .chain((size) => fc.record({ size: fc.constant(size), overlap: fc.integer({ min: minOverlap, max: size - 1 }) }));
}

function check(text: string, chunks: Chunk[], tok: Tokenizer, size: number): void {
  const covered = new Uint8Array(text.length);
  let prev: Chunk | undefined;
  chunks.forEach((c, i) => {
    expect(c.id).toBe(`doc#${i}`);
    expect(c.docId).toBe('doc');
    expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(c.end).toBeGreaterThan(c.start);
    expect(c.tokenCount).toBe(tok.count(c.text));
    expect(c.tokenCount).toBeLessThanOrEqual(size);
    if (prev) {
      expect(c.start).toBeGreaterThan(prev.start);
      expect(c.end).toBeGreaterThan(prev.end);
    }
    covered.fill(1, c.start, c.end);
    prev = c;
  });
  for (let i = 0; i < text.length; i++) {
    if (covered[i] === 0 && /\S/.test(text[i]!)) throw new Error(`non-whitespace at ${i} (${JSON.stringify(text[i])}) is in no chunk`);
  }
}

describe.each(KINDS)('%s chunker properties', (kind) => {
  describe.each(TOKENIZERS)('tokenizer %s', (tokenizer) => {
    let tok: Tokenizer;
    beforeAll(async () => {
      tok = await createTokenizer(tokenizer);
    });
    const run = async (text: string, b: { size: number; overlap: number }) => {
      const chunker = await createChunker({ chunker: kind, tokenizer, ...b } as ChunkerConfig);
      return collect(chunker.chunk({ id: 'doc', text, metadata: {} }));
    };

    it('offsets, real token counts ≤ size, coverage and order on arbitrary strings', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitrary, structured), budget(tokenizer), async (text, b) => {
          check(text, await run(text, b), tok, b.size);
        }),
        { numRuns: RUNS, seed: 1000 + KINDS.indexOf(kind) * 10 + TOKENIZERS.indexOf(tokenizer) },
      );
    });

    it('offsets, real token counts ≤ size and coverage on one repeated character and on text without separators', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(repeated, noSeparator), budget(tokenizer), async (text, b) => {
          check(text, await run(text, b), tok, b.size);
        }),
        { numRuns: 40, seed: 4000 + KINDS.indexOf(kind) * 10 + TOKENIZERS.indexOf(tokenizer) },
      );
    });

    it('overlap is really present between consecutive chunks', async () => {
      // With whitespace runs ≤ 3 characters, an overlap of ≥ 8 tokens always leaves room for at least one character.
      await fc.assert(
        fc.asyncProperty(structured, budget(tokenizer, 8), async (text, b) => {
          const chunks = await run(text, b);
          check(text, chunks, tok, b.size);
          for (let i = 1; i < chunks.length; i++) {
            const [p, c] = [chunks[i - 1]!, chunks[i]!];
            // Starts strictly increase, so a chunk of one character or one token cannot be overlapped.
            if ([...p.text].length < 2 || p.tokenCount < 2) continue;
            if (c.start >= p.end) throw new Error(`no overlap between chunks ${i - 1} and ${i}: ${JSON.stringify(b)} ${JSON.stringify([p, c])}`);
          }
        }),
        { numRuns: RUNS, seed: 2000 + KINDS.indexOf(kind) * 10 + TOKENIZERS.indexOf(tokenizer) },
      );
    });
  });
});

describe.each(KINDS)('%s chunker on 1 MB of one character', (kind) => {
  // A hang guard, not a speed test: this input took hours when BPE merging and splitting were quadratic; linear work
  // finishes in seconds, and the timeout is far above that on any machine that runs the suite.
  it('completes with exact offsets and counts', { timeout: 300_000 }, async () => {
    const text = 'a'.repeat(1 << 20);
    const tok = await createTokenizer('cl100k');
    const chunker = await createChunker({ chunker: kind, tokenizer: 'cl100k', size: 512, overlap: 32 });
    const chunks = await collect(chunker.chunk({ id: 'doc', text, metadata: {} }));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(text.length);
    for (const c of [chunks[0]!, chunks[1]!, chunks.at(-1)!]) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.tokenCount).toBe(tok.count(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(512);
    }
  });
});

describe('recursive chunker keeps markdown blocks whole', () => {
  const line = fc.constantFrom('const x = 1;', 'return x + y', 'if (a) { b(); }', '// note: keep', 'print("hi there")');
  const fence = fc.array(line, { minLength: 1, maxLength: 6 }).map((ls) => ['```ts', ...ls, '```'].join('\n'));
  const row = fc.constantFrom('| a | b |', '| long cell text here | 2 |', '| x, y and z | 3.5 |', '| 😀 emoji | é |');
  const table = fc.array(row, { minLength: 1, maxLength: 5 }).map((rs) => ['| h1 | h2 |', '|---|---|', ...rs].join('\n'));
  const para = fc.array(fc.constantFrom('Some words here.', 'More text, with commas;', 'and a clause', 'End.'), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
  const heading = fc.constantFrom('# Title', '## Part two', '### Deep');
  const doc = fc.array(fc.oneof(fence, table, para, heading), { minLength: 1, maxLength: 12 }).map((bs) => bs.join('\n\n'));

  it.each(TOKENIZERS)('no chunk ends inside a fence or table row that fits (%s)', async (tokenizer) => {
    const { scanMarkdown } = await import('./_markdown.js');
    const tok = await createTokenizer(tokenizer);
    await fc.assert(
      fc.asyncProperty(doc, budget(tokenizer), async (text, b) => {
        const chunker = await createChunker({ chunker: 'recursive', tokenizer, ...b });
        const chunks = await collect(chunker.chunk({ id: 'doc', text, metadata: {} }));
        check(text, chunks, tok, b.size);
        const { protect } = scanMarkdown(text);
        // BPE: a block counted alone may differ from the document's tokens by an edge token or two.
        const slack = tokenizer === 'char' ? 0 : 2;
        for (let i = 0; i < protect.length; i += 2) {
          const [s, e] = [protect[i]!, protect[i + 1]!];
          if (tok.count(text.slice(s, e)) > b.size - b.overlap - slack) continue;
          for (const c of chunks) {
            if (c.end > s && c.end < e) throw new Error(`chunk ${c.id} ends inside block ${JSON.stringify(text.slice(s, e))}`);
            if (b.overlap === 0 && c.start > s && c.start < e) throw new Error(`chunk ${c.id} starts inside block ${JSON.stringify(text.slice(s, e))}`);
          }
        }
      }),
      { numRuns: RUNS, seed: 3000 + TOKENIZERS.indexOf(tokenizer) },
    );
  });
});
