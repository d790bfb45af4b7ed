import type { TokenIndex } from './_token-index.js';

/**
 * The longest prefix text[a, cut) of text[a, b) with at most `size` real tokens, cut at a token boundary of the
 * document (or at b), with at least one character. BPE counts of a slice can differ from the document's own
 * tokens, so the guess is corrected by the measured excess until it fits.
 */
export function fitPrefix(index: TokenIndex, a: number, b: number, size: number): { cut: number; tokens: number } {
  const ra = index.rank(a);
  const rb = index.rank(b);
  let t = ra + size;
  let cut = t >= rb ? b : index.pos(t);
  while (cut <= a && t < rb) cut = index.pos(++t) < b ? index.pos(t) : b; // tokens inside one character share its start
  let tokens = index.count(a, cut);
  while (tokens > size && t > ra + 1) {
    t = Math.max(ra + 1, Math.min(t, rb) - Math.max(1, tokens - size));
    cut = index.pos(t);
    if (cut <= a) break;
    tokens = index.count(a, cut);
  }
  if (tokens <= size && cut > a) return { cut, tokens };
  // Every token cut is over (one token re-tokenizes into several): grow by code points instead.
  const text = index.text;
  const step = (p: number) => (text.codePointAt(p)! > 0xffff ? 2 : 1);
  cut = Math.min(b, a + step(a));
  tokens = index.count(a, cut);
  while (cut < b) {
    const next = Math.min(b, cut + step(cut));
    const c = index.count(a, next);
    if (c > size) break;
    cut = next;
    tokens = c;
  }
  return { cut, tokens };
}
