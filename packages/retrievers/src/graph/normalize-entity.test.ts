import { describe, expect, it } from 'vitest';
import { normalizeToken, tokenizeEntities, TOKEN_CAPITALISED, TOKEN_JOINS_PREVIOUS, TOKEN_SENTENCE_START } from './entity-tokens.js';
import { normalizeEntity } from './normalize-entity.js';

describe('normalizeEntity', () => {
  it.each([
    ['Ed Wood', 'ed wood'],
    ['Ed Wood (film)', 'ed wood'],
    ['Bar (1999 film) [disambiguation]', 'bar'],
    ['Beyoncé', 'beyonce'],
    ['Sergio Agüero', 'sergio aguero'],
    ["McDonald's", 'mcdonald'],
    ["O'Neill", 'oneill'],
    ['AC/DC', 'ac dc'],
    ['Star Wars: Episode IV – A New Hope', 'star wars episode iv a new hope'],
    ['  St.   Louis,  Missouri ', 'st louis missouri'],
    ['The Beatles', 'beatles'],
    ['the dandy warhols', 'dandy warhols'],
    ['The Who', 'the who'],
    ['The', 'the'],
    ['Ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['(film)', 'film'],
    ['---', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeEntity(input)).toBe(expected);
  });

  it('makes spellings of one name agree', () => {
    expect(normalizeEntity('Lilu (mythology)')).toBe(normalizeEntity('LILU'));
    expect(normalizeEntity('Rolls-Royce')).toBe(normalizeEntity('rolls royce'));
  });
});

describe('tokenizeEntities', () => {
  it('flags capitalised words, sentence openers and name joins', () => {
    const t = tokenizeEntities('He met J. R. Smith. Then New York-based fans came.');
    expect(t.norm).toEqual(['he', 'met', 'j', 'r', 'smith', 'then', 'new', 'york', 'based', 'fans', 'came']);
    const f = (i: number): number => t.flags[i]!;
    expect(f(0) & TOKEN_SENTENCE_START).toBeTruthy();
    expect(f(2) & TOKEN_CAPITALISED).toBeTruthy();
    // "J." and "R." are initials: the dot joins; "Smith." ends a sentence.
    expect(f(3) & TOKEN_JOINS_PREVIOUS).toBeTruthy();
    expect(f(4) & TOKEN_JOINS_PREVIOUS).toBeTruthy();
    expect(f(5) & TOKEN_SENTENCE_START).toBeTruthy();
    expect(f(5) & TOKEN_JOINS_PREVIOUS).toBeFalsy();
    expect(f(8) & TOKEN_JOINS_PREVIOUS).toBeTruthy();
  });

  it('never joins across a line break', () => {
    const t = tokenizeEntities('Ed Wood\nEd Wood is a film');
    expect(t.flags[2]! & TOKEN_JOINS_PREVIOUS).toBeFalsy();
    expect(t.flags[2]! & TOKEN_SENTENCE_START).toBeTruthy();
  });

  it('folds tokens', () => {
    expect(normalizeToken('Wood’s')).toBe('wood');
    expect(normalizeToken('Zoë')).toBe('zoe');
    expect(normalizeToken('ABC')).toBe('abc');
  });
});
