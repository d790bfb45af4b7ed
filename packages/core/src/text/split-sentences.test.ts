import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import { sentenceOffsets, splitSentences } from './split-sentences.js';

const texts = (t: string) => splitSentences(t).map((s) => s.text);

describe('splitSentences', () => {
  describe('abbreviations stay mid-sentence', () => {
    it.each([
      ['Dr. Smith went home. He slept.', ['Dr. Smith went home.', 'He slept.']],
      ['Mr. Jones and Mrs. Jones came. They sat.', ['Mr. Jones and Mrs. Jones came.', 'They sat.']],
      ['Eat fruit, e.g. Apples or pears. Then rest.', ['Eat fruit, e.g. Apples or pears.', 'Then rest.']],
      ['Some words, i.e. Names, are capitalised. Others not.', ['Some words, i.e. Names, are capitalised.', 'Others not.']],
      ['The U.S. Army is large. It has many units.', ['The U.S. Army is large.', 'It has many units.']],
      ['I live in the U.S. The weather is mild.', ['I live in the U.S.', 'The weather is mild.']],
      ['We bought pears, etc. and went home. Then we ate.', ['We bought pears, etc. and went home.', 'Then we ate.']],
      ['We bought pears, etc. Then we ate.', ['We bought pears, etc.', 'Then we ate.']],
      // After opening quotes or brackets, in any case, and next to plain words that end sentences.
      ['He said (DR. Smith agreed. He left.', ['He said (DR. Smith agreed.', 'He left.']],
      ['She wrote “Prof. Lee” on it. Then left.', ['She wrote “Prof. Lee” on it.', 'Then left.']],
      ['It was written by (J. Smith). He sold it.', ['It was written by (J. Smith).', 'He sold it.']],
      ['I met "A. Lincoln once. Really.', ['I met "A. Lincoln once.', 'Really.']],
      ['I met him. Dr. Who came. No. 5 won. It did. Ok.', ['I met him.', 'Dr. Who came.', 'No. 5 won.', 'It did.', 'Ok.']],
      ['Vitamin é. Apples are good.', ['Vitamin é.', 'Apples are good.']],
      ['Grade É. Apples are good.', ['Grade É. Apples are good.']],
    ])('%s', (input, expected) => expect(texts(input)).toEqual(expected));
  });

  it('keeps decimals', () => {
    expect(texts('Pi is about 3.14 or so. It is irrational.')).toEqual(['Pi is about 3.14 or so.', 'It is irrational.']);
  });

  it('keeps initials with the name', () => {
    expect(texts('J. R. R. Tolkien wrote books. He was British.')).toEqual(['J. R. R. Tolkien wrote books.', 'He was British.']);
  });

  it('splits CJK on 。！？ without spaces', () => {
    expect(texts('今天天气很好。我们去公园吧！你觉得呢？好的')).toEqual(['今天天气很好。', '我们去公园吧！', '你觉得呢？', '好的']);
  });

  it('joins hard-wrapped lines but not paragraphs, headings or list items', () => {
    const t = 'A sentence that is\nwrapped here. Next one.\n\nNew paragraph\n# Heading\nBody text.\n- item one\n- item two';
    expect(texts(t)).toEqual([
      'A sentence that is\nwrapped here.',
      'Next one.',
      'New paragraph',
      '# Heading',
      'Body text.',
      '- item one',
      '- item two',
    ]);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(texts('He said "Stop." Then he left.')).toEqual(['He said "Stop."', 'Then he left.']);
  });

  it('honours the locale (ICU path)', () => {
    expect(texts('Er kam. Sie ging.', )).toEqual(['Er kam.', 'Sie ging.']);
    expect(splitSentences('Er kam. Sie ging.', { locale: 'de' }).map((s) => s.text)).toEqual(['Er kam.', 'Sie ging.']);
  });

  it('rejects an invalid locale with a coded error', () => {
    const err = (() => {
      try {
        splitSentences('x', { locale: 'not a locale!' });
      } catch (e) {
        return e;
      }
    })();
    expect(SiftError.isInstance(err) && err.code === 'E_BAD_CONFIG' && /locale/.test(err.message)).toBe(true);
  });

  it('gives exact, ordered, trimmed spans covering every non-whitespace character', () => {
    const pieces = fc.constantFrom('Dr.', 'e.g.', 'U.S.', 'J.', '3.14', 'word', 'Word', '。', '！', '?', '!', '.', '"', ')',
      ' ', '  ', '\n', '\r\n', '\n\n', '\t', 'é', '😀', '漢字', '—', '- ', '# ', '|', 'etc.');
    fc.assert(
      fc.property(fc.oneof(fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        const spans = splitSentences(text);
        let prevEnd = 0;
        const covered = new Uint8Array(text.length);
        for (const s of spans) {
          expect(text.slice(s.start, s.end)).toBe(s.text);
          expect(s.start).toBeGreaterThanOrEqual(prevEnd);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.text.trim()).toBe(s.text);
          covered.fill(1, s.start, s.end);
          prevEnd = s.end;
        }
        for (let i = 0; i < text.length; i++) if (!/\s/.test(text[i]!)) expect(covered[i]).toBe(1);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('sentenceOffsets agrees with splitSentences', () => {
    const t = 'One. Two! Three?\nFour';
    expect(Array.from(sentenceOffsets(t))).toEqual(splitSentences(t).flatMap((s) => [s.start, s.end]));
  });
});
