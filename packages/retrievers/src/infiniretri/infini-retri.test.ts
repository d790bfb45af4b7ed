import type { Chunk } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createRetriever } from '../create-retriever.js';
import { parseRetrieverSpec } from '../parse-retriever-spec.js';
import { FakeAttentionLM } from './_fake-attention-lm.js';
import { bestPhrase, InfiniRetri } from './infini-retri.js';
import { sentencesOfChunks } from './infiniretri-retriever.js';
import { streamSentences } from './sentence-stream.js';

const QUESTION = 'Where does the zebra-42 sleep?';

/** `n` filler sentences with the needle sentence at index `at`. */
function haystack(n: number, at: number): { text: string; needle: string } {
  const needle = 'The zebra-42 sleeps in the red barn.';
  const parts = Array.from({ length: n }, (_, i) => `The cat number ${i} sat on a mat near the river bank.`);
  parts.splice(at, 0, needle);
  return { text: parts.join(' '), needle };
}

describe('InfiniRetri over a fake LM whose attention is known', () => {
  for (const at of [0, 77, 200]) {
    it(`keeps the needle sentence at position ${at} of 200 through every pass, within the cache bound`, async () => {
      const lm = new FakeAttentionLM(160, 'zebra-42');
      const { text, needle } = haystack(200, at);
      const progress: number[] = [];
      const r = await new InfiniRetri(lm, { topK: 8 }).run(QUESTION, streamSentences(text, 'doc'), { onProgress: (p) => progress.push(p.done) });
      expect(r.passes).toBeGreaterThan(10);
      expect(r.retained.map((s) => s.text)).toContain(needle);
      for (const s of r.retained) expect(text.slice(s.start, s.end)).toBe(s.text);
      expect(r.maxCacheTokens).toBeLessThanOrEqual(r.cacheTokens);
      expect(r.retained.reduce((a, s) => a + s.tokenCount, 0)).toBeLessThanOrEqual(r.cacheTokens);
      expect(Math.max(...lm.passes)).toBeLessThanOrEqual(160);
      // Document order, best score on the needle.
      expect(r.retained.map((s) => s.start)).toEqual([...r.retained.map((s) => s.start)].sort((a, b) => a - b));
      expect(r.retained.reduce((a, s) => (s.score > a.score ? s : a)).text).toBe(needle);
      expect(progress.at(-1)).toBe(r.tokensRead);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    });
  }

  it('without the key in the text, attention picks nothing special and the needle-free cache stays bounded', async () => {
    const lm = new FakeAttentionLM(160, 'absent-word');
    const { text } = haystack(120, 3);
    const r = await new InfiniRetri(lm, { topK: 40, cacheTokens: 30 }).run(QUESTION, streamSentences(text, 'doc'));
    expect(r.cacheTokens).toBe(30);
    expect(r.maxCacheTokens).toBeLessThanOrEqual(30);
    expect(r.retained.length).toBeGreaterThan(0);
  });

  it('clamps the chunk to what the model context leaves, and cuts an oversized sentence with exact offsets', async () => {
    const lm = new FakeAttentionLM(100, 'zebra-42');
    const long = `${Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ')} zebra-42 end.`;
    const text = `Short one. ${long} Tail sentence.`;
    const r = await new InfiniRetri(lm, { chunkSize: 1024, topK: 3 }).run(QUESTION, streamSentences(text, 'doc'));
    expect(r.chunkTokens).toBeLessThan(100);
    expect(Math.max(...lm.passes)).toBeLessThanOrEqual(100);
    const hit = r.retained.find((s) => s.text.includes('zebra-42'));
    expect(hit).toBeDefined();
    expect(text.slice(hit!.start, hit!.end)).toBe(hit!.text);
  });

  it('orders the cache by a sentence\'s best phrase: a short needle outlasts long sentences with a diffuse pull', async () => {
    // Long sentences full of a weakly attended word hold far more top tokens (a larger sum of top-token scores) than
    // the 7-token needle, whose one word draws a sharp peak; the bound holds two long sentences, or one and the needle.
    const lm = new FakeAttentionLM(160, 'zebra-42', 50, { warm: 5 });
    const long = (i: number) => `Sentence ${i} ${'warm '.repeat(30)}end.`;
    const parts = Array.from({ length: 12 }, (_, i) => long(i));
    const needle = 'The zebra-42 sleeps in the red barn.';
    parts.splice(1, 0, needle);
    const text = parts.join(' ');
    const passes: Array<{ kept: boolean; hits: number; longHits: number }> = [];
    const r = await new InfiniRetri(lm, { topK: 60, cacheTokens: 70 }).run(QUESTION, streamSentences(text, 'doc'), {
      onPass: (p) => {
        const n = p.context.find((c) => c.text === needle);
        if (n) passes.push({ kept: p.cache.some((c) => c.text === needle), hits: n.hits, longHits: Math.max(...p.context.filter((c) => c !== n).map((c) => c.hits)) });
      },
    });
    expect(r.passes).toBeGreaterThan(3);
    expect(passes.length).toBe(r.passes);
    // The long sentences do hold more top tokens than the needle (a sum would rank them first) ...
    expect(passes.some((p) => p.longHits > p.hits)).toBe(true);
    // ... yet the needle is kept in every pass.
    expect(passes.every((p) => p.kept)).toBe(true);
    expect(r.retained.map((s) => s.text)).toContain(needle);
    expect(r.maxCacheTokens).toBeLessThanOrEqual(70);
  });

  it('bestPhrase equals the plain maximum over windows inside each sentence', () => {
    const raw = Float64Array.from([0.5, 3, 0.1, 0.2, 9, 0.3, 0.3, 0.3, 0.3, 1, 2, 0.7, 0.1]);
    const owner = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 3];
    for (const phrase of [1, 2, 3, 8]) {
      const expected = [0, 1, 2, 3].map((s) => {
        const cols = owner.flatMap((o, c) => (o === s ? [c] : []));
        const p = Math.min(phrase, cols.length);
        let best = Number.NEGATIVE_INFINITY;
        for (let a = 0; a + p <= cols.length; a++) best = Math.max(best, cols.slice(a, a + p).reduce((t, c) => t + raw[c]!, 0));
        return best;
      });
      const got = [...bestPhrase(raw, owner, 4, phrase)];
      got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 12));
    }
  });

  it('stops with E_ABORTED when the signal fires', async () => {
    const lm = new FakeAttentionLM(160, 'zebra-42');
    const ac = new AbortController();
    const run = new InfiniRetri(lm).run(QUESTION, streamSentences(haystack(300, 5).text, 'doc'), {
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(lm.passes.length).toBe(1);
  });

  it('refuses a question that leaves no room for context', async () => {
    const lm = new FakeAttentionLM(40, 'zebra-42');
    await expect(new InfiniRetri(lm).run('why '.repeat(60), streamSentences('A. B.', 'doc'))).rejects.toMatchObject({ code: 'E_BAD_INPUT' });
  });
});

describe('infiniretri as a Retriever', () => {
  const docs = [haystack(60, 10), haystack(60, 40)].map((h, i) => ({ id: `d${i}`, ...h }));
  // Overlapping fixed-size chunks, as a chunker with overlap makes them.
  const chunks: Chunk[] = docs.flatMap((d) => {
    const out: Chunk[] = [];
    for (let s = 0; s < d.text.length; s += 300) {
      const e = Math.min(d.text.length, s + 400);
      out.push({ id: `${d.id}-${s}`, docId: d.id, text: d.text.slice(s, e), start: s, end: e, tokenCount: 0, metadata: {} });
      if (e === d.text.length) break;
    }
    return out;
  });
  const textOf = (id: string) => docs.find((d) => d.id === id)?.text;

  it('reads overlapping or touching chunks as one run (a cut sentence stays whole) and stops a run at a gap', async () => {
    const text = 'Alpha beta gamma. Delta epsilon zeta eta. Theta iota.';
    const mk = (start: number, end: number): Chunk => ({ id: `${start}`, docId: 'd', text: text.slice(start, end), start, end, tokenCount: 0, metadata: {} });
    const got: string[] = [];
    for await (const s of sentencesOfChunks([mk(0, 25), mk(20, 41), mk(42, text.length)])) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      got.push(s.text);
    }
    expect(got).toEqual(['Alpha beta gamma.', 'Delta epsilon zeta eta.', 'Theta iota.']);
    const split: string[] = [];
    for await (const s of sentencesOfChunks([mk(0, 25), mk(26, text.length)])) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      split.push(s.text);
    }
    expect(split).toEqual(['Alpha beta gamma.', 'Delta e', 'silon zeta eta.', 'Theta iota.']);
  });

  it('parses infiniretri and infiniretri:bm25 specs with the reference defaults', () => {
    expect(parseRetrieverSpec('infiniretri')).toMatchObject({ retriever: 'infiniretri', lm: 'sift-lm-mini', chunkSize: 1024, topK: 300, phraseTokens: 8 });
    expect(parseRetrieverSpec('infiniretri:bm25')).toMatchObject({ retriever: 'infiniretri', first: { retriever: 'bm25' }, firstK: 5 });
    expect(() => parseRetrieverSpec({ retriever: 'infiniretri', topK: 0 })).toThrow(/topK/);
    expect(parseRetrieverSpec({ retriever: 'infiniretri', threads: 1 })).toMatchObject({ threads: 1 });
    expect(() => parseRetrieverSpec({ retriever: 'infiniretri', threads: 0 })).toThrow(/threads/);
    expect(() => parseRetrieverSpec('infiniretri:infiniretri')).toThrow(/infiniretri/);
  });

  it('reads all chunks as one input (overlaps once) and returns sentences with document offsets', async () => {
    const lm = new FakeAttentionLM(160, 'zebra-42');
    const r = await createRetriever({ retriever: 'infiniretri', topK: 8 }, chunks, { lm });
    const top = await r.retrieve(QUESTION, 3);
    expect(top.length).toBeGreaterThan(0);
    expect(top[0]!.text).toBe(docs[0]!.needle);
    for (const c of top) expect(textOf(c.docId)!.slice(c.start, c.end)).toBe(c.text);
  });

  it('as a second stage, reads the first stage top documents whole', async () => {
    const lm = new FakeAttentionLM(160, 'zebra-42');
    const r = await createRetriever({ retriever: 'infiniretri:bm25', topK: 8, firstK: 1 }, chunks, { lm, documentText: textOf });
    expect(r.name).toBe('infiniretri:bm25');
    const top = await r.retrieve('zebra-42 barn', 2);
    expect(top[0]!.text).toBe(docs[0]!.needle);
    expect(new Set(top.map((c) => c.docId)).size).toBe(1);
    for (const c of top) expect(textOf(c.docId)!.slice(c.start, c.end)).toBe(c.text);
  });
});
