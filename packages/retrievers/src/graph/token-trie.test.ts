import { describe, expect, it } from 'vitest';
import { TokenTrie } from './token-trie.js';

function run(trie: TokenTrie, tokens: number[], mode: 'longest' | 'all', accept?: (v: number, s: number, l: number) => boolean): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  trie.match(tokens, (v, s, l) => out.push([v, s, l]), accept, mode);
  return out;
}

describe('TokenTrie', () => {
  // 1 2 3 = "new york city", 1 2 = "new york", 3 = "city", 2 3 = "york city"
  const trie = new TokenTrie();
  trie.insert([1, 2, 3], 10);
  trie.insert([1, 2], 11);
  trie.insert([3], 12);
  trie.insert([2, 3], 13);
  trie.insert([1, 2], 99);

  it('longest: leftmost-longest, non-overlapping', () => {
    expect(run(trie, [0, 1, 2, 3, 1, 2, 4], 'longest')).toEqual([
      [10, 1, 3],
      [11, 4, 2],
    ]);
  });

  it('all: every phrase at every start, nested ones included', () => {
    expect(run(trie, [1, 2, 3], 'all')).toEqual([
      [11, 0, 2],
      [10, 0, 3],
      [13, 1, 2],
      [12, 2, 1],
    ]);
  });

  it('keeps the first value of a phrase inserted twice', () => {
    expect(run(trie, [1, 2], 'longest')).toEqual([[11, 0, 2]]);
  });

  it('accept can veto a match, falling back to a shorter one', () => {
    expect(run(trie, [1, 2, 3], 'longest', (v) => v !== 10)).toEqual([
      [11, 0, 2],
      [12, 2, 1],
    ]);
  });

  it('unknown words (-1) break matches', () => {
    expect(run(trie, [1, -1, 2, 3], 'longest')).toEqual([[13, 2, 2]]);
  });
});
