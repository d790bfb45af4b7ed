import { describe, expect, it } from 'vitest';
import { tokenizeEntities } from './entity-tokens.js';
import { extractPhrases, type PhraseOptions } from './extract-phrases.js';

const OPTS: PhraseOptions = { singleWords: false, maxWords: 6 };

function phrases(text: string, opts: PhraseOptions = OPTS, common: readonly string[] = []): string[] {
  const t = tokenizeEntities(text);
  return extractPhrases({ length: t.norm.length, word: (i) => t.norm[i]!, flags: (i) => t.flags[i]! }, opts, (w) => common.includes(w));
}

describe('extractPhrases', () => {
  it('finds capitalised multi-word names with inner connectors', () => {
    expect(phrases('She worked at the Bank of America in New York City for Leonardo da Vinci.')).toEqual([
      'bank of america',
      'new york city',
      'leonardo da vinci',
    ]);
  });

  it('splits names joined by "and"/"in" and trims stop words at the ends', () => {
    expect(phrases('He advised Meg Whitman and Rudy Giuliani on Oahu in Honolulu County.')).toEqual(['meg whitman', 'rudy giuliani', 'honolulu county']);
    expect(phrases('The Rolling Stones played.')).toEqual(['rolling stones']);
  });

  it('drops a sentence opener the corpus writes in lowercase', () => {
    expect(phrases('Born in New York, he moved.', OPTS, ['born'])).toEqual(['new york']);
    expect(phrases('Born Free Records is a label.', OPTS, [])).toEqual(['born free records']);
  });

  it('keeps initials and abbreviations together but stops at sentence ends', () => {
    expect(phrases('Written by J. R. R. Tolkien. Peter Jackson filmed it.')).toEqual(['j r r tolkien', 'peter jackson']);
  });

  it('single capitalised words only when asked, and never as sentence openers', () => {
    expect(phrases('Later he lived in Paris with Marie.')).toEqual([]);
    expect(phrases('Later he lived in Paris with Marie.', { singleWords: true, maxWords: 6 })).toEqual(['paris', 'marie']);
  });

  it('respects maxWords', () => {
    expect(phrases('the Very Long Name Of Some Big Thing here', { singleWords: false, maxWords: 3 })).toEqual([]);
  });
});
