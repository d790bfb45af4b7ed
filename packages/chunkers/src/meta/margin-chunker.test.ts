import { collect, SiftError, type Progress } from '@sift/core';
import { describe, expect, it } from 'vitest';
import { createChunker } from '../create-chunker.js';
import { MarginTableLM } from './_test-models.js';
import { MarginChunker } from './margin-chunker.js';
import { marginPrompt } from './margin-prompt.js';

const doc = (text: string) => ({ id: 'doc', text, metadata: {} });
const S = ['S0 starts.', 'S1 goes on.', 'S2 turns.', 'S3 adds.', 'S4 adds more.', 'S5 ends it.', 'S6 is new.', 'S7 closes.'];
const TEXT = S.join(' ');

describe('marginPrompt', () => {
  it('is the reference prompt, byte for byte (English and Chinese)', () => {
    expect(marginPrompt('A a.', 'B b.', 'en')).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n' +
        'This is a text chunking task. You are a text analysis expert. Please choose one of the following two options based on the logical structure and semantic content of the provided sentence:\n' +
        '        1. Split "A a. B b." into "A a." and "B b." two parts;\n' +
        '        2. Keep "A a. B b." unsplit in its original form;\n' +
        '        Please answer 1 or 2.<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(marginPrompt('甲。', '乙。', 'zh')).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n' +
        '这是一个文本分块任务.你是一位文本分析专家，请根据提供的句子的逻辑结构和语义内容，从下面两种方案中选择一种分块方式：\n' +
        '        1. 将“甲。乙。”分割成“甲。”与“乙。”两部分；\n' +
        '        2. 将“甲。乙。”不进行分割，保持原形式；\n' +
        '        请回答1或2。<|im_end|>\n<|im_start|>assistant\n',
    );
  });
});

describe('MarginChunker', () => {
  it('keeps B when p("2") − p("1") is above the threshold: 0 at first, then the mean of the last 5 margins', async () => {
    // Margins of S1..S7: keep (> 0), split (−0.2 ≤ 0), keep, keep, keep → threshold mean(.5,−.2,.3,.1,.4) = .22;
    // S6: 0.2 ≤ .22 splits → threshold mean(−.2,.3,.1,.4,.2) = .16; S7: 0.35 > .16 keeps.
    const margins = [0.5, -0.2, 0.3, 0.1, 0.4, 0.2, 0.35];
    const lm = new MarginTableLM(new Map(S.slice(1).map((s, i) => [s, margins[i]!])));
    const chunker = await MarginChunker.create(lm, { merge: false, size: 1000 });
    const chunks = await collect(chunker.chunk(doc(TEXT)));
    expect(chunks.map((c) => c.text)).toEqual([S.slice(0, 2).join(' '), S.slice(2, 6).join(' '), S.slice(6).join(' ')]);
    // A is the current chunk (sentences joined by ' '), B the next sentence.
    expect(lm.prompts[1]).toBe(marginPrompt('S0 starts. S1 goes on.', 'S2 turns.', 'en'));
    expect(lm.prompts[2]).toBe(marginPrompt('S2 turns.', 'S3 adds.', 'en'));
    expect(lm.prompts).toHaveLength(7); // one forward pass per sentence pair
  });

  it('a threshold tie splits (keep needs margin > threshold)', async () => {
    const lm = new MarginTableLM(new Map([['Two.', 0]]));
    const chunks = await collect((await MarginChunker.create(lm, { merge: false })).chunk(doc('One. Two.')));
    expect(chunks.map((c) => c.text)).toEqual(['One.', 'Two.']);
  });

  it('cuts A to its last chunkTailTokens and B to its first sentenceHeadTokens model tokens', async () => {
    const a = 'Aaaa bbbb cccc dddd.';
    const b = 'Eeee ffff gggg.';
    const lm = new MarginTableLM(new Map([['Eeee f', 0.9]])); // B cut to 6 code units (the fake model's tokens)
    await collect((await MarginChunker.create(lm, { chunkTailTokens: 10, sentenceHeadTokens: 6 })).chunk(doc(`${a} ${b}`)));
    expect(lm.prompts[0]).toBe(marginPrompt('cccc dddd.', 'Eeee f', 'en'));
  });

  it('merges to the size, reports progress in sentences and honours an AbortSignal', async () => {
    const lm = new MarginTableLM(new Map(S.slice(1).map((s, i) => [s, i % 2 === 0 ? -0.5 : 0.5])));
    const progress: Progress[] = [];
    const chunks = await collect((await MarginChunker.create(lm, { size: 12 })).chunk(doc(TEXT), { onProgress: (p) => progress.push(p) }));
    for (const c of chunks) {
      expect(TEXT.slice(c.start, c.end)).toBe(c.text);
      expect(c.tokenCount).toBeLessThanOrEqual(12);
    }
    expect(progress.at(-1)).toMatchObject({ status: 'done', done: 8, total: 8, unit: 'sentences' });
    const ac = new AbortController();
    ac.abort();
    const err = await collect((await MarginChunker.create(lm, {})).chunk(doc(TEXT), { signal: ac.signal })).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_ABORTED');
  });

  it('paragraphBreaks cuts at a blank line without asking the LM', async () => {
    const lm = new MarginTableLM(new Map([['Two.', 0.9]]));
    const chunks = await collect((await MarginChunker.create(lm, { merge: false, paragraphBreaks: true })).chunk(doc('One.\n\nTwo.')));
    expect(chunks.map((c) => c.text)).toEqual(['One.', 'Two.']);
    expect(lm.prompts).toHaveLength(0);
  });

  it('Chinese prompt joins A and B without a space', async () => {
    const lm = new MarginTableLM(new Map([['第二句。', 0.9]]));
    const chunks = await collect((await MarginChunker.create(lm, { language: 'zh', locale: 'zh', merge: false })).chunk(doc('第一句。第二句。')));
    expect(chunks.map((c) => c.text)).toEqual(['第一句。第二句。']);
    expect(lm.prompts[0]).toBe(marginPrompt('第一句。', '第二句。', 'zh'));
  });

  it('is registered in createChunker and takes deps.lm', async () => {
    const lm = new MarginTableLM(new Map(S.slice(1).map((s) => [s, 0.9])));
    const c = await createChunker({ chunker: 'margin', size: 1000 }, { lm });
    expect(c.name).toBe('margin');
    expect((await collect(c.chunk(doc(TEXT)))).map((x) => x.text)).toEqual([TEXT]);
    const err = await createChunker({ chunker: 'margin', language: 'fr' } as never, { lm }).catch((e: unknown) => e);
    expect(SiftError.isInstance(err) && err.code).toBe('E_BAD_CONFIG');
  });
});
