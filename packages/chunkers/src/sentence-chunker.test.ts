import { collect } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { SentenceChunker } from './sentence-chunker.js';

const doc = (text: string) => ({ id: 'd', text, metadata: {} });
const texts = async (c: SentenceChunker, t: string) => (await collect(c.chunk(doc(t)))).map((x) => x.text);

describe('SentenceChunker', () => {
  const text = 'One two three. Four five six. Seven eight nine. Ten eleven twelve.';

  it('packs whole sentences up to the budget', async () => {
    const c = await SentenceChunker.create({ size: 30, tokenizer: 'char' });
    expect(await texts(c, text)).toEqual(['One two three. Four five six.', 'Seven eight nine.', 'Ten eleven twelve.']);
  });

  it('keeps abbreviations inside sentences', async () => {
    const c = await SentenceChunker.create({ size: 50, tokenizer: 'char' });
    expect(await texts(c, 'Dr. Smith met Mr. Jones at 3.14 p.m. today. They talked.')).toEqual([
      'Dr. Smith met Mr. Jones at 3.14 p.m. today.',
      'They talked.',
    ]);
  });

  describe('overlap', () => {
    const expected = ['One two three. Four five six.', 'Four five six. Seven eight nine.', 'Seven eight nine. Ten eleven twelve.'];

    it('in tokens starts at a sentence start inside the window', async () => {
      const c = await SentenceChunker.create({ size: 40, overlap: 18, tokenizer: 'char' });
      expect(await texts(c, text)).toEqual(expected);
    });

    it('in sentences repeats the last sentence when it fits', async () => {
      const c = await SentenceChunker.create({ size: 40, overlapSentences: 1, tokenizer: 'char' });
      expect(await texts(c, text)).toEqual(expected);
      const tight = await SentenceChunker.create({ size: 34, overlapSentences: 1, tokenizer: 'char' });
      expect((await texts(tight, text)).at(-1)).toBe('Ten eleven twelve.'); // "Seven eight nine. " would not fit
    });

    it('applies even when a chunk exactly fills the size (LangChain.js #11702)', async () => {
      // Sentences of 10 characters: the first chunk, two sentences and a space, is exactly 21 = size.
      const t = 'Aaaa bbbb. Cccc dddd. Eeee ffff. Gggg hhhh.';
      const c = await SentenceChunker.create({ size: 21, overlap: 5, tokenizer: 'char' });
      const chunks = await collect(c.chunk(doc(t)));
      expect(chunks[0]!.tokenCount).toBe(21);
      expect(chunks.map((x) => x.text)).toEqual(['Aaaa bbbb. Cccc dddd.', 'dddd. Eeee ffff.', 'ffff. Gggg hhhh.']);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
    });
  });

  it('cuts one oversize sentence at whitespace, then by tokens', async () => {
    const c = await SentenceChunker.create({ size: 10, tokenizer: 'char' });
    expect(await texts(c, 'alpha beta gamma delta. Tiny.')).toEqual(['alpha beta', 'gamma', 'delta.', 'Tiny.']);
    expect(await texts(c, 'abcdefghijklmnopqrstuvwxy')).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxy']);
  });

  it('splits CJK sentences', async () => {
    const c = await SentenceChunker.create({ size: 8, tokenizer: 'char' });
    expect(await texts(c, '今天天气很好。我们去公园吧！你觉得呢？')).toEqual(['今天天气很好。', '我们去公园吧！', '你觉得呢？']);
  });

  it('rejects an invalid locale when created', async () => {
    await expect(SentenceChunker.create({ locale: 'not a locale!' })).rejects.toMatchObject({ code: 'E_BAD_CONFIG' });
  });

  it('rejects overlap and overlapSentences together', async () => {
    await expect(SentenceChunker.create({ size: 50, overlap: 5, overlapSentences: 1 })).rejects.toThrow(/overlapSentences/);
  });
});
