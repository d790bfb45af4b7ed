import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OnnxCausalLM } from '@sift/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptParts } from './_prompt-parts.js';
import { InfiniRetri } from './infini-retri.js';
import { INFINIRETRI_PROMPT } from './infini-retri-options.js';
import { streamSentences } from './sentence-stream.js';

// The shipped sift-lm-mini runs the whole mechanism for real here. Its attention does NOT find a needle (checked: over
// NIAH contexts it keeps the needle only when the needle is in the last chunk), so retrieval quality is tested with a
// constructed attention in infini-retri.test.ts and measured in `pnpm bench infiniretri`.
let lm: OnnxCausalLM;
beforeAll(async () => {
  lm = await OnnxCausalLM.create({ model: 'sift-lm-mini', device: 'cpu', threads: 1 });
});
afterAll(async () => {
  await lm?.close();
});

describe('InfiniRetri with sift-lm-mini', () => {
  it('reads a multi-chunk input within the context, keeps the cache bounded and maps every sentence back exactly', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `The ferry left the harbour at ${i} o'clock, and the gulls followed it out.`).join(' ');
    const reader = new InfiniRetri(lm, { chunkSize: 96, cacheTokens: 48, topK: 12 });
    const r = await reader.run('When did the ferry leave?', streamSentences(text, 'doc'));
    expect(r.chunkTokens).toBe(96);
    expect(r.passes).toBeGreaterThanOrEqual(Math.floor(r.tokensRead / 96));
    expect(r.maxCacheTokens).toBeLessThanOrEqual(48);
    expect(r.retained.length).toBeGreaterThan(0);
    for (const s of r.retained) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      expect(Number.isFinite(s.score) && s.score > 0).toBe(true);
    }
    // Same input, same model: the same retained set (the procedure is deterministic).
    const again = await reader.run('When did the ferry leave?', streamSentences(text, 'doc'));
    expect(again.retained.map((s) => s.start)).toEqual(r.retained.map((s) => s.start));
  });

  it('splits the prompt at the question text without changing its tokens (the ids sift-lm-retri was trained on)', () => {
    const q = 'What is the special magic number for amber-heron mentioned in the provided text?';
    const p = promptParts(lm, { prompt: INFINIRETRI_PROMPT }, q);
    expect([...p.separator, ...p.question]).toEqual(lm.tokenize(`\n\nQuestion: ${q}\n\nAnswer:`));
    expect(lm.decode(p.question).trimStart().startsWith('What is')).toBe(true);
    // "\n\nQuestion:" is two newline tokens, then the label: both newlines are scored as the context's end.
    expect(p.blank).toBe(2);
  });
});

// sift-lm-retri's ONNX export against the PyTorch values its train.py saved when exporting (models/sift-lm-retri/
// reference.json): token log-probs and the head-summed last-layer attention that InfiniRetri reads.
const RETRI_DIR = fileURLToPath(new URL('../../../../models/sift-lm-retri', import.meta.url));
const RETRI_REF = JSON.parse(readFileSync(`${RETRI_DIR}/reference.json`, 'utf8')) as {
  texts: Array<{ text: string; ids: number[]; token_logprobs: Array<number | null>; last_attention_head_sum: number[] }>;
};

describe('sift-lm-retri ONNX export', () => {
  it('tokenizes as the Python tokenizer and equals the PyTorch log-probs and last-layer attention (fp32)', async () => {
    const retri = await OnnxCausalLM.create({ model: RETRI_DIR, device: 'cpu', threads: 1 });
    try {
      expect(retri.hasAttention).toBe(true);
      for (const r of RETRI_REF.texts) {
        expect(retri.tokenize(r.text)).toEqual(r.ids);
        const lp = await retri.tokenLogprobs(r.ids);
        for (let i = 1; i < r.ids.length; i++) expect(Math.abs(lp[i]! - r.token_logprobs[i]!)).toBeLessThanOrEqual(1e-4);
        const a = await retri.lastLayerAttention(r.ids);
        expect(a.length).toBe(r.last_attention_head_sum.length);
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - r.last_attention_head_sum[i]!));
        expect(worst).toBeLessThanOrEqual(1e-4);
      }
    } finally {
      await retri.close();
    }
  });
});
