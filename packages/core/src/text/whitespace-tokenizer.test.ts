import { describe, expect, it } from 'vitest';
import { WhitespaceTokenizer } from './whitespace-tokenizer.js';

describe('WhitespaceTokenizer', () => {
  it('splits words and single punctuation marks, skipping whitespace', () => {
    const tok = new WhitespaceTokenizer();
    const text = 'Hello, wörld!  x_1';
    const { ids, offsets } = tok.encodeWithOffsets(text);
    expect(tok.count(text)).toBe(5);
    expect(Array.from(offsets)).toEqual([0, 5, 7, 12, 15, 18]);
    expect(tok.decode(ids)).toBe('Hello , wörld ! x_1');
    expect(tok.encode('Hello')).toEqual([ids[0]]);
  });

  it('keeps an emoji as one token', () => {
    expect(new WhitespaceTokenizer().count('a 😀 b')).toBe(3);
  });
});
