import { SiftError } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { streamChunks } from './_chunk-stream.js';
import type { Packed } from './_pack.js';

const text = 'abcdefghij'.repeat(100);
const doc = { id: 'd', text, metadata: {} };
/** One-character spans, n of them, recording whether their iterator was closed. */
function spansOf(n: number, state = { closed: false }) {
  return function* (): Generator<Packed> {
    try {
      for (let i = 0; i < n; i++) yield { start: i, end: i + 1, bodyStart: i, tokens: 1 };
    } finally {
      state.closed = true;
    }
  };
}

describe('streamChunks', () => {
  it('gives every span as a chunk with stable ids, across batch pauses, then done', async () => {
    const progress: number[] = [];
    const out = [];
    for await (const c of streamChunks(doc, 't', spansOf(600), { onProgress: (p) => progress.push(p.done) })) out.push(c);
    expect(out.map((c) => c.id)).toEqual(Array.from({ length: 600 }, (_, i) => `d#${i}`));
    expect(out.every((c) => text.slice(c.start, c.end) === c.text && c.tokenCount === 1)).toBe(true);
    expect(progress).toEqual([256, 512, text.length]);
  });

  it('runs overlapping next() calls in turn, as an async generator does', async () => {
    const s = streamChunks(doc, 't', async () => spansOf(300)());
    const all = await Promise.all(Array.from({ length: 302 }, () => s.next()));
    expect(all.slice(0, 300).map((r) => r.value?.id)).toEqual(Array.from({ length: 300 }, (_, i) => `d#${i}`));
    expect(all.slice(300).every((r) => r.done)).toBe(true);
  });

  it('closes the spans iterator on return(), and is done afterwards', async () => {
    const state = { closed: false };
    const s = streamChunks(doc, 't', spansOf(10, state));
    expect((await s.next()).value?.id).toBe('d#0');
    expect(await s.return!()).toEqual({ done: true, value: undefined });
    expect(state.closed).toBe(true);
    expect((await s.next()).done).toBe(true);
  });

  it('checks the document and the signal on the first call, and a failure ends the stream', async () => {
    const bad = streamChunks({ id: '', text, metadata: {} }, 't', spansOf(3));
    await expect(bad.next()).rejects.toThrow(/document id must be a non-empty string/);
    expect((await bad.next()).done).toBe(true);
    const ac = new AbortController();
    ac.abort();
    await expect(streamChunks(doc, 't', spansOf(3), { signal: ac.signal }).next()).rejects.toSatisfy((e) => SiftError.isInstance(e) && e.code === 'E_ABORTED');
  });

  it('stops at the next batch pause once the signal fires, closing the spans', async () => {
    const ac = new AbortController();
    const state = { closed: false };
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const c of streamChunks(doc, 't', spansOf(1000, state), { signal: ac.signal })) {
          seen.push(c.id);
          if (seen.length === 10) ac.abort();
        }
      })(),
    ).rejects.toSatisfy((e) => SiftError.isInstance(e) && e.code === 'E_ABORTED');
    expect(seen.length).toBe(256);
    expect(state.closed).toBe(true);
  });

  it('passes a span error to next() and ends the stream', async () => {
    const s = streamChunks(doc, 't', function* () {
      yield { start: 0, end: 1, bodyStart: 0, tokens: 1 };
      throw new Error('span failure');
    });
    expect((await s.next()).value?.id).toBe('d#0');
    await expect(s.next()).rejects.toThrow('span failure');
    expect((await s.next()).done).toBe(true);
  });
});
