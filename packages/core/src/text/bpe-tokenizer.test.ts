import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BpeTokenizer } from './bpe-tokenizer.js';

// Reference offsets computed independently of the production walk: token byte lengths from the rank table, and a
// UTF-8 prefix length per code point boundary from TextEncoder.
async function referenceOffsets(text: string, ids: number[]): Promise<number[]> {
  const ranks = (await import('gpt-tokenizer/bpeRanks/cl100k_base')).default;
  const enc = new TextEncoder();
  const bounds: Array<[number, number]> = [[0, 0]];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    bounds.push([u, enc.encode(text.slice(0, u)).length]);
  }
  const out: number[] = [];
  let b = 0;
  for (const id of ids) {
    let best = 0;
    for (const [p, bytes] of bounds) if (bytes <= b) best = p;
    out.push(best);
    const v = ranks[id]!;
    b += typeof v === 'string' ? enc.encode(v).length : v.length;
  }
  out.push(text.length);
  return out;
}

describe('BpeTokenizer', () => {
  let cl100k: BpeTokenizer;
  beforeAll(async () => {
    cl100k = await BpeTokenizer.create('cl100k');
  });

  it('encodes, counts and decodes like cl100k_base', () => {
    expect(cl100k.encode('hello world')).toEqual([15339, 1917]);
    expect(cl100k.count('hello world')).toBe(2);
    expect(cl100k.decode([15339, 1917])).toBe('hello world');
    expect(cl100k.count('')).toBe(0);
  });

  it('treats special-token strings as plain text', () => {
    const ids = cl100k.encode('a <|endoftext|> b');
    expect(ids).not.toContain(100257);
    expect(cl100k.decode(ids)).toBe('a <|endoftext|> b');
  });

  describe('encodeWithOffsets', () => {
    it('maps tokens that split a multi-byte character to its start', async () => {
      const text = 'x😀y 漢字';
      const { ids, offsets } = cl100k.encodeWithOffsets(text);
      expect(offsets.length).toBe(ids.length + 1);
      expect(Array.from(offsets)).toEqual(await referenceOffsets(text, ids));
      expect(offsets[offsets.length - 1]).toBe(text.length);
    });

    it('matches the byte-exact reference on arbitrary unicode', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (text) => {
          const { ids, offsets } = cl100k.encodeWithOffsets(text);
          expect(ids).toEqual(cl100k.encode(text));
          expect(Array.from(offsets)).toEqual(await referenceOffsets(text, ids));
          for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThanOrEqual(offsets[i - 1]!);
          expect(cl100k.decode(ids)).toBe(text);
        }),
        { numRuns: 150, seed: 7 },
      );
    });

    it('slices ASCII text into exactly the decoded tokens', () => {
      const text = 'The quick brown fox, it said, jumped over 1234567 lazy dogs.\r\n';
      const { ids, offsets } = cl100k.encodeWithOffsets(text);
      ids.forEach((id, i) => expect(text.slice(offsets[i], offsets[i + 1])).toBe(cl100k.decode([id])));
    });
  });

  it('loads o200k as well, once per process', async () => {
    const a = await BpeTokenizer.create('o200k');
    expect(await BpeTokenizer.create('o200k')).toBe(a);
    expect(a.name).toBe('o200k');
    expect(a.decode(a.encode('naïve café 😀'))).toBe('naïve café 😀');
    expect(a.encodeWithOffsets('naïve').offsets[a.count('naïve')]).toBe(5);
  });
});

describe('BpeTokenizer.countSpan', () => {
  // Prose with the pre-tokenizer's edge cases: whitespace runs before words and at ends, newlines after punctuation,
  // digit runs, contractions, emoji and CJK.
  const piece = fc.constantFrom('word', ' word', 'Word', "it's", "we'll", '12345', '3.14', ' ', '  ', '   ', '\n', '\r\n', '\n\n',
    '.', '!\n', '?!', '—', '😀', '👩‍👩‍👧', '漢字', 'naïve', '\t', '<|endoftext|>', '...', '"quoted"', ' (x)', '  \n  ');
  const text = fc.array(piece, { minLength: 5, maxLength: 120 }).map((a) => a.join(''));

  it('equals count(text.slice(start, end)) for any span', async () => {
    const tok = await BpeTokenizer.create('cl100k');
    await fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 20 }), (t, spans) => {
        const encoded = tok.encodeWithOffsets(t);
        for (const [x, y] of spans) {
          // Spans on character boundaries, as chunkers cut them.
          let a = Math.min(x, y) % (t.length + 1);
          let b = Math.max(x, y) % (t.length + 1);
          if (a > b) [a, b] = [b, a];
          if ((t.charCodeAt(a) & 0xfc00) === 0xdc00) a--;
          if ((t.charCodeAt(b) & 0xfc00) === 0xdc00) b--;
          if (a > b) continue;
          expect(tok.countSpan(t, a, b, encoded)).toBe(tok.count(t.slice(a, b)));
        }
        // The whole text, from either encoding.
        expect(tok.countSpan(t, 0, t.length, encoded)).toBe(tok.count(t));
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe('BpeTokenizer.tokenBoundaries', () => {
  it('gives exactly the offsets and pieces of encodeWithOffsets', async () => {
    const tok = await BpeTokenizer.create('cl100k');
    const t = 'Hello, wörld! 😀 Numbers 12345 and\n\n  spaces.\t'.repeat(3000);
    const a = tok.encodeWithOffsets(t);
    const b = await tok.tokenBoundaries(t);
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect(Array.from(b.pieces!)).toEqual(Array.from(a.pieces!));
  });

  it('lets an abort signal stop a long encoding (Ctrl-C inside one huge document)', async () => {
    const tok = await BpeTokenizer.create('cl100k');
    // Millions of pieces: far more than 50 ms of work on any machine, so the encoder yields and sees the abort.
    const t = 'word, '.repeat(2_000_000);
    const ctrl = new AbortController();
    setImmediate(() => ctrl.abort());
    await expect(tok.tokenBoundaries(t, { signal: ctrl.signal })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe('BpeTokenizer cl100k through the hand-written pre-tokenizer', () => {
  // The same classes the scanner tells apart, mixed with words and numbers (see _cl100k-pieces.test.ts).
  const atoms = [
    'the', ' cat', 'Hello', ' WORLD', "'s", "'LL", "'x", ' ', '  ', '\t', '\n', '\r\n', '\n\n', '.', ',', '...', '!?', '"', '(', '-',
    '0', '42', '12345', 'é', 'ß', 'ſ', '中文', '١٢', '\u00a0', '\u3000', '\u0301', '—', '😀', '<|endoftext|>', 'https://x.org/a?b=1',
    '\ud83d', 'x\udc00', '𝔘𝔫𝔦',
  ];
  // Made-up words and names: pieces outside the vocabulary, merged pair by pair.
  const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzQXZKJ-_'), minLength: 1, maxLength: 24 });
  const text = fc.array(fc.oneof(fc.constantFrom(...atoms), word.map((w) => ` ${w}`)), { maxLength: 60 }).map((xs) => xs.join(''));

  it('counts (also up to a limit), encodes with offsets and finds token boundaries exactly as gpt-tokenizer encodes', async () => {
    const tok = await BpeTokenizer.create('cl100k');
    const enc = (await import('gpt-tokenizer/encoding/cl100k_base')).default;
    const plain = { disallowedSpecial: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const want = enc.encode(t, plain);
        expect(tok.count(t)).toBe(want.length);
        expect(tok.countUpTo(t, want.length)).toBe(want.length);
        if (want.length > 0) expect(tok.countUpTo(t, want.length - 1)).toBeGreaterThan(want.length - 1);
        expect(tok.encode(t)).toEqual(want);
        const withOffsets = tok.encodeWithOffsets(t);
        expect(withOffsets.ids).toEqual(want);
        const b = await tok.tokenBoundaries(t);
        expect(Array.from(b.offsets)).toEqual(Array.from(withOffsets.offsets));
        expect(Array.from(b.pieces!)).toEqual(Array.from(withOffsets.pieces!));
      }),
      { seed: 1202, numRuns: 500 },
    );
  });

  it('o200k: encodes and counts exactly as gpt-tokenizer encodes', async () => {
    const tok = await BpeTokenizer.create('o200k');
    const enc = (await import('gpt-tokenizer/encoding/o200k_base')).default;
    const plain = { disallowedSpecial: new Set<string>() };
    fc.assert(
      fc.property(text, (t) => {
        const want = enc.encode(t, plain);
        expect(tok.encode(t)).toEqual(want);
        expect(tok.count(t)).toBe(want.length);
      }),
      { seed: 1203, numRuns: 200 },
    );
  });
});

describe('BpeTokenizer.decode', () => {
  it('decodes any ids as the UTF-8 of their bytes in the rank table (a character split across ids comes out whole)', async () => {
    for (const name of ['cl100k', 'o200k'] as const) {
      const tok = await BpeTokenizer.create(name);
      const table = (name === 'cl100k' ? await import('gpt-tokenizer/bpeRanks/cl100k_base') : await import('gpt-tokenizer/bpeRanks/o200k_base')).default;
      const ids = table.flatMap((v, id) => (v === undefined ? [] : [id]));
      const utf8 = new TextEncoder();
      fc.assert(
        fc.property(fc.array(fc.nat(ids.length - 1).map((i) => ids[i]!), { maxLength: 12 }), (xs) => {
          const bytes = xs.flatMap((id) => {
            const v = table[id]!;
            return typeof v === 'string' ? Array.from(utf8.encode(v)) : Array.from(v);
          });
          expect(tok.decode(xs)).toBe(new TextDecoder().decode(Uint8Array.from(bytes)));
        }),
        { seed: 77, numRuns: 300 },
      );
    }
    const cl100k = await BpeTokenizer.create('cl100k');
    const table = (await import('gpt-tokenizer/bpeRanks/cl100k_base')).default;
    const byteId = (b: number) => table.findIndex((v) => Array.isArray(v) && v.length === 1 && v[0] === b);
    // 'é' is C3 A9: as two single-byte tokens it decodes whole; one alone is an incomplete character.
    expect(cl100k.decode([byteId(0xc3), byteId(0xa9)])).toBe('é');
    expect(cl100k.decode([byteId(0xc3)])).toBe('\ufffd');
    expect(cl100k.decode([15339, 100257, 1917])).toBe('hello<|endoftext|> world');
    expect(() => cl100k.decode([15339, 100_000_000])).toThrow(/not a token id/);
  });
});
