import { describe, expect, it } from 'vitest';
import { normalizeAnswer } from './squad-normalize.js';
import { exactMatch } from './exact-match.js';
import { tokenF1 } from './token-f1.js';
import { answerInContext } from './answer-in-context.js';

describe('normalizeAnswer (SQuAD)', () => {
  it('lowercases, strips punctuation and articles, collapses whitespace', () => {
    expect(normalizeAnswer('  The  Norman-Conquest, of  A castle! ')).toBe('normanconquest of castle');
    expect(normalizeAnswer('An apple; the end.')).toBe('apple end');
    expect(normalizeAnswer('theater and another')).toBe('theater and another');
    expect(normalizeAnswer('the')).toBe('');
  });
});

describe('exactMatch', () => {
  it('matches after normalization against any gold', () => {
    expect(exactMatch('the Normans', ['Normans', 'Norse'])).toBe(1);
    expect(exactMatch('Normandy', ['Normans'])).toBe(0);
  });
  it('unanswerable (no gold): only the empty answer is right', () => {
    expect(exactMatch('', [])).toBe(1);
    expect(exactMatch('France', [])).toBe(0);
  });
});

describe('tokenF1', () => {
  it('hand-computed bag-of-tokens F1, best over golds', () => {
    // pred: [in, 10th, century]; gold: [10th, century] -> P = 2/3, R = 1, F1 = 0.8
    expect(tokenF1('in the 10th century', ['10th century'])).toBeCloseTo(0.8, 12);
    expect(tokenF1('in the 10th century', ['1000', '10th century'])).toBeCloseTo(0.8, 12);
    expect(tokenF1('foo', ['bar'])).toBe(0);
  });
  it('repeated tokens are counted with multiplicity', () => {
    // pred [a1,a1,b]; gold [a1,b,b]: common = 2; P = R = 2/3
    expect(tokenF1('a1 a1 b', ['a1 b b'])).toBeCloseTo(2 / 3, 12);
  });
  it('empty sides: 1 only when both are empty', () => {
    expect(tokenF1('', [])).toBe(1);
    expect(tokenF1('x', [])).toBe(0);
    expect(tokenF1('the', ['an'])).toBe(1);
  });
});

describe('answerInContext', () => {
  it('finds the normalized answer on token boundaries', () => {
    expect(answerInContext('They were called the Normans (Norse).', ['normans'])).toBe(1);
    expect(answerInContext('bread and butter', ['an'])).toBeUndefined(); // "an" normalizes to nothing
    expect(answerInContext('a standard page', ['stand'])).toBe(0);
    expect(answerInContext('in 1066, William...', ['1066'])).toBe(1);
  });
  it('no usable gold answer is undefined', () => {
    expect(answerInContext('anything', [])).toBeUndefined();
  });
});
