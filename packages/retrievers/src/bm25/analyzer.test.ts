import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';

describe('createAnalyzer', () => {
  const plain = createAnalyzer({ stopwords: false, stem: false });

  it('lowercases and splits on punctuation and hyphens', () => {
    expect(plain.analyze('State-of-the-Art RAG, (really)!')).toEqual(['state', 'of', 'the', 'art', 'rag', 'really']);
  });

  it('keeps internal apostrophes, drops possessive s, normalises curly apostrophes', () => {
    expect(plain.analyze("Don't touch O’Neill's car; the dogs' toys")).toEqual(["don't", 'touch', "o'neill", 'car', 'the', 'dogs', 'toys']);
  });

  it('keeps decimal and grouped numbers whole, but not sentence dots', () => {
    expect(plain.analyze('Pi is 3.14, about 1,000 times. End.')).toEqual(['pi', 'is', '3.14', 'about', '1,000', 'times', 'end']);
  });

  it('is Unicode-aware (accents, Cyrillic, Greek, combining marks)', () => {
    expect(plain.analyze('Café naïve Москва ΑΘΗΝΑ e\u0301cole')).toEqual(['café', 'naïve', 'москва', 'αθηνα', 'e\u0301cole']);
  });

  it('turns Han and Kana runs into overlapping bigrams', () => {
    expect(plain.analyze('東京都 abc 日')).toEqual(['東京', '京都', 'abc', '日']);
  });

  describe('stopwords', () => {
    it('drops the English stop set by default', () => {
      expect(createAnalyzer({ stem: false }).analyze('The cat is on the mat')).toEqual(['cat', 'mat']);
    });
    it('accepts a custom list, lowercased', () => {
      expect(createAnalyzer({ stopwords: ['CAT'], stem: false }).analyze('The cat is on the mat')).toEqual(['the', 'is', 'on', 'the', 'mat']);
    });
  });

  describe('stem', () => {
    it('applies Porter stemming after stop-word removal', () => {
      expect(createAnalyzer().analyze('The runners were running happily')).toEqual(['runner', 'were', 'run', 'happili']);
    });
  });

  it('rejects unknown options with E_BAD_CONFIG naming the key', () => {
    try {
      createAnalyzer({ stemming: true } as never);
      expect.unreachable();
    } catch (err) {
      expect(SiftError.isInstance(err) && err.code).toBe('E_BAD_CONFIG');
      expect((err as Error).message).toContain('stemming');
    }
  });
});
