import { SiftError } from '@sift/core';

// Edge keys pack (node, token) into one number: node * TOKEN_SPACE + token stays below 2^53.
const TOKEN_SPACE = 2 ** 24;

/**
 * A trie over word sequences, for finding dictionary phrases in tokenised text. Each phrase is a list of
 * token ids and maps to a value (an entity id). Lookup walks from each start position as far as the trie
 * allows: cost is the number of tokens times the length of the longest match, with no per-phrase work.
 */
export class TokenTrie {
  private readonly edges = new Map<number, number>();
  private values: Int32Array = new Int32Array(64).fill(-1);
  private nodes = 1;

  /** Adds a phrase; a phrase added twice keeps its first value. */
  insert(tokens: ArrayLike<number>, value: number): void {
    if (tokens.length === 0) return;
    let node = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t < 0 || t >= TOKEN_SPACE) throw new SiftError('E_RUNTIME', `token id ${t} out of range for the entity trie`);
      const key = node * TOKEN_SPACE + t;
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.nodes++;
        this.grow();
        this.edges.set(key, next);
      }
      node = next;
    }
    if (this.values[node] === -1) this.values[node] = value;
  }

  /**
   * Dictionary phrases in `tokens` (ids; -1 for a word the trie cannot contain). `longest`: leftmost-longest,
   * non-overlapping matches; `all`: every phrase at every position, nested ones included ("2007 FIFA U-20
   * World Cup" also yields "FIFA U-20 World Cup"). Calls `emit(value, start, length)`; `accept` can veto a
   * candidate (then a shorter one is tried).
   */
  match(
    tokens: ArrayLike<number>,
    emit: (value: number, start: number, length: number) => void,
    accept?: (value: number, start: number, length: number) => boolean,
    mode: 'longest' | 'all' = 'longest',
  ): void {
    const n = tokens.length;
    let i = 0;
    while (i < n) {
      let node = 0;
      let bestValue = -1;
      let bestLen = 0;
      for (let j = i; j < n; j++) {
        const t = tokens[j]!;
        if (t < 0) break;
        const next = this.edges.get(node * TOKEN_SPACE + t);
        if (next === undefined) break;
        node = next;
        const v = this.values[node]!;
        if (v >= 0 && (accept === undefined || accept(v, i, j - i + 1))) {
          if (mode === 'all') emit(v, i, j - i + 1);
          bestValue = v;
          bestLen = j - i + 1;
        }
      }
      if (bestValue >= 0 && mode === 'longest') {
        emit(bestValue, i, bestLen);
        i += bestLen;
      } else {
        i++;
      }
    }
  }

  get size(): number {
    return this.nodes;
  }

  private grow(): void {
    if (this.nodes <= this.values.length) return;
    const values = new Int32Array(this.values.length * 2).fill(-1);
    values.set(this.values);
    this.values = values;
  }
}
