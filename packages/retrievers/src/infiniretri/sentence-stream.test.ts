import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { infiniSentenceSpans, streamSentences, type SourceSentence } from './sentence-stream.js';

async function all(it: AsyncIterable<SourceSentence>): Promise<SourceSentence[]> {
  const out: SourceSentence[] = [];
  for await (const s of it) out.push(s);
  return out;
}
const texts = (text: string) => infiniSentenceSpans(text).map(([a, b]) => text.slice(a, b));

describe('infiniSentenceSpans', () => {
  it('splits after . ! ? and at blank lines, keeping the punctuation', () => {
    expect(texts('One. Two! Three? Four\n\nFive')).toEqual(['One.', 'Two!', 'Three?', 'Four', 'Five']);
  });

  it('keeps decimals, inner periods and closing quotes with their sentence', () => {
    expect(texts('Pi is 3.14 in the U.S.A today. "Really?" she asked.')).toEqual(['Pi is 3.14 in the U.S.A today.', '"Really?"', 'she asked.']);
  });

  it('joins a short piece ending in "." to the next (abbreviations)', () => {
    expect(texts('We met Dr. Smith at noon. It rained.')).toEqual(['We met Dr. Smith at noon.', 'It rained.']);
    expect(texts('Mr. Jones left, e.g. early. J. Doe stayed. Yes. No!')).toEqual(['Mr. Jones left, e.g. early.', 'J. Doe stayed.', 'Yes.', 'No!']);
  });

  it('splits after full-width punctuation without a space', () => {
    expect(texts('今天很好。明天呢？')).toEqual(['今天很好。', '明天呢？']);
  });
});

describe('streamSentences', () => {
  it('gives the same sentences and offsets for any split of the input into pieces', async () => {
    const alphabet = fc.constantFrom('a', 'b', ' ', '.', '!', '?', '\n', 'Dr', '3.1', '"', '。', 'word', 'x');
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 80 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 6 }), async (parts, cuts) => {
        const text = parts.join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces: string[] = [];
        let prev = 0;
        for (const p of points) {
          pieces.push(text.slice(prev, p));
          prev = p;
        }
        pieces.push(text.slice(prev));
        const got = await all(streamSentences(pieces, 'doc'));
        const want = infiniSentenceSpans(text);
        expect(got.map((s) => [s.start, s.end])).toEqual(want);
        for (const s of got) expect(text.slice(s.start, s.end)).toBe(s.text);
        // Nothing but whitespace is left out.
        let covered = '';
        for (const s of got) covered += s.text;
        expect(covered.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { seed: 1234, numRuns: 300 },
    );
  });

  it('reads a file path as a stream with exact offsets', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sift-infiniretri-'));
    const file = path.join(dir, 'in.txt');
    const text = Array.from({ length: 5000 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    writeFileSync(file, text);
    const got = await all(streamSentences({ path: file }, 'f'));
    expect(got.length).toBe(5000);
    for (const s of got) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('a missing file is one clear error naming it', async () => {
    await expect(all(streamSentences({ path: '/nonexistent/sift.txt' }, 'f'))).rejects.toThrow(/\/nonexistent\/sift\.txt/);
  });
});
